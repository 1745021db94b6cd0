"""gunicorn's settings for production: `gunicorn -c gunicorn.conf.py factcheck.wsgi` (see README)."""

import gunicorn
import gunicorn.http.wsgi

# No `Server: gunicorn/<version>` banner: the name and version only help an attacker pick an exploit.
# gunicorn reads the name from these module globals when it writes each response.
gunicorn.SERVER = gunicorn.http.wsgi.SERVER = "desk"
gunicorn.SERVER_SOFTWARE = gunicorn.http.wsgi.SERVER_SOFTWARE = "desk"

wsgi_app = "factcheck.wsgi"
bind = "127.0.0.1:8000"
timeout = 30


def post_worker_init(worker):
    """Load the speaker suggestion model in the background as a worker starts, so the reader's first
    suggestion does not wait for it (about 3 s of CPU); requests are served meanwhile."""
    import threading

    from articles.suggesting import speakers

    if speakers.check_installed() is None:
        threading.Thread(target=speakers.load, name="load-speaker-model", daemon=True).start()
