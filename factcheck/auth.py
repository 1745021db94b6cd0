"""Login throttling with django-axes: the backend, the client address behind the proxy, the lockout page.

Settings are in factcheck/settings.py (the "Login throttling" block); the README's "Login throttling"
section says how to unlock someone.
"""

import functools
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import render
from django.utils import timezone

from factcheck.prepared import PreparedLookup


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before UserBackend (Django's ModelBackend), for every login that comes with a request.

    A login without a request (a script, the test client's `login()`) has no remote address to count and
    nobody guessing over the network; it goes straight on to UserBackend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UserBackend(ModelBackend):
    """Django's ModelBackend (passwords, permissions, inactive users refused), with the signed-in user that every
    request reads fetched by a prepared lookup (factcheck.prepared) instead of a query built each time."""

    def get_user(self, user_id):
        user = _user_by_id().first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _user_by_id() -> PreparedLookup:
    """Made at the first use: the user model is known only once the apps are loaded."""
    return PreparedLookup(get_user_model(), ("pk",), (1,))


def client_ip(request) -> str | None:
    """The address that counts for lockouts: the peer, or the one our own proxies saw.

    With FACTCHECK_TRUSTED_PROXIES = n (0 by default: no proxy is trusted), the n-th address from the right of
    X-Forwarded-For is the client as the outermost trusted proxy saw it; anything further left was written by
    the client and is ignored, so nobody escapes a lockout by sending their own header.
    """
    trusted = settings.FACTCHECK_TRUSTED_PROXIES
    if trusted:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """429 with a page (or JSON for scripts) saying when to try again, and a Retry-After header."""
    cool_off = get_cool_off(request) or timedelta(0)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    retry_at = timezone.now() + cool_off
    context = {"minutes": minutes, "retry_at": retry_at, "failure_limit": settings.AXES_FAILURE_LIMIT}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
