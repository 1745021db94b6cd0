"""Django's database sessions, each request's session read with a prepared lookup (SESSION_ENGINE).

Everything but the read is Django's: the same table, expiry, signing and writes. The read is the one every
signed-in request makes; factcheck.prepared says why it is prepared once.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from factcheck.prepared import PreparedLookup

_LIVE_SESSION_DATA = PreparedLookup(
    Session, ("session_key", "expire_date__gt"), ("stand-in", timezone.now()), columns=("session_data",)
)
# Sessions signed in before factcheck.auth.UserBackend took ModelBackend's place name ModelBackend; they are read
# as signed in through its successor, so nobody is signed out by the change. The rules are the same (a subclass).
_RENAMED_BACKENDS = {"django.contrib.auth.backends.ModelBackend": "factcheck.auth.UserBackend"}


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        row = _LIVE_SESSION_DATA.first(self.session_key, timezone.now())
        if row is None:  # unknown or expired: as Django's store, a new key will be made if the session is saved
            self._session_key = None
            return {}
        data = self.decode(row[0])
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in _RENAMED_BACKENDS:
            data[BACKEND_SESSION_KEY] = _RENAMED_BACKENDS[backend]
        return data
