"""Run requests at the same moment: threads that wait on one barrier, each with its own database connection.

Used with `transactional_db` (the threads' connections must see each other's commits), after
`articles.roles.ensure_roles()` puts back the role groups that flushing removes.
"""

import threading

from django.db import connections


def run_together(*calls, timeout: float = 30):
    """Call every function in its own thread, released together; return their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 (the test reports it)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
