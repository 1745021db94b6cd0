"""manage.py rundesk [ADDRPORT]: the development server and a queue worker together, for `make run`.

The worker (`manage.py run_huey`) is a child process started once, by the outer process: runserver's
autoreloader re-runs this command in a child (RUN_MAIN=true) on every code change, which must not start
a second worker. Ctrl-C stops both; the worker is also stopped if the server exits any other way.
The worker does not reload on code changes: restart `make run` after changing a task.
"""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

WORKER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development server and a background-job worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Address and port to serve on.")
        parser.add_argument("--workers", type=int, default=1, help="Worker threads of the queue consumer.")

    def handle(self, *args, **options):
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = self._start_worker(options["workers"])
        try:
            call_command("runserver", options["addrport"])
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self, workers: int) -> subprocess.Popen:
        command = [sys.executable, sys.argv[0], "run_huey", "--workers", str(workers)]
        self.stdout.write(f"Starting the job worker: {' '.join(command[1:])}")
        return subprocess.Popen(command)  # noqa: S603 (our own interpreter and manage.py)

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        # On Ctrl-C the terminal already sent SIGINT to the worker too; SIGINT again is harmless.
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        self.stdout.write("Job worker stopped.")
