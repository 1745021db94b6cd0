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
