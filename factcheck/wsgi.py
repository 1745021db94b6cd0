import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Web workers cap each PostgreSQL statement (FACTCHECK_DB_STATEMENT_TIMEOUT in settings); commands are not cut.
os.environ.setdefault("FACTCHECK_WEB_PROCESS", "1")
application = get_wsgi_application()
