"""Rate limits for API token calls: per token, per client address, and failed token attempts per address.

Counters live in Django's cache (the default one), like DRF's own throttles. Rates come from settings
(FACTCHECK_API_TOKEN_RATE, FACTCHECK_API_ADDRESS_RATE, FACTCHECK_TOKEN_FAILURE_LIMIT/_WINDOW), read on
every request so they can be changed per test. Session calls from the desk's own pages are not
throttled here: the reader calls the API as the annotator works.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from articles.models import ApiToken


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or, behind FACTCHECK_TRUSTED_PROXY_COUNT proxies, the address the
    outermost trusted proxy saw in X-Forwarded-For. Without that setting the header is ignored: anyone can
    write it, and a forged one would let an attacker pick a fresh address for every guess."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.FACTCHECK_TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-min(hops, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


# ---------------------------------------------------------------- failed token attempts


def _failure_keys(address: str) -> tuple[str, str]:
    return f"factcheck:token-failures:{address}", f"factcheck:token-failures-since:{address}"


def refuse_if_locked_out(address: str) -> None:
    """429 with Retry-After once an address has failed FACTCHECK_TOKEN_FAILURE_LIMIT times in the window,
    before the token is even looked at: a locked-out guesser learns nothing, right or wrong."""
    count_key, since_key = _failure_keys(address)
    if (cache.get(count_key) or 0) < settings.FACTCHECK_TOKEN_FAILURE_LIMIT:
        return
    window = settings.FACTCHECK_TOKEN_FAILURE_WINDOW
    since = cache.get(since_key) or time.time()
    wait = max(1, int(window - (time.time() - since)))
    raise Throttled(wait=wait, detail="Too many failed token attempts from your address.")


def record_failure(address: str) -> int:
    """Counts one failed attempt in the address's current window (fixed window, started by the first failure)."""
    count_key, since_key = _failure_keys(address)
    window = settings.FACTCHECK_TOKEN_FAILURE_WINDOW
    cache.add(since_key, time.time(), timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        return cache.incr(count_key)
    except ValueError:  # the window ended between add and incr
        cache.set(count_key, 1, timeout=window)
        return 1


# ---------------------------------------------------------------- token calls


class SettingRateThrottle(SimpleRateThrottle):
    """A DRF throttle for token calls whose rate ("120/minute") is a Django setting, read per request."""

    setting = ""

    def __init__(self):
        pass  # DRF builds every throttle for every call: the rate is read only for a call that counts (below)

    def allow_request(self, request, view):
        if self.get_cache_key(request, view) is None:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # session or anonymous: not a token call
        return self.cache_format % {"scope": self.setting, "ident": self.identify(request)}

    def identify(self, request) -> str:
        raise NotImplementedError


class TokenRateThrottle(SettingRateThrottle):
    """Calls per token, so one runaway script cannot starve the others of the same user."""

    setting = "FACTCHECK_API_TOKEN_RATE"

    def identify(self, request) -> str:
        return str(request.auth.pk)


class TokenAddressRateThrottle(SettingRateThrottle):
    """Token calls per client address, so many tokens from one machine share one budget."""

    setting = "FACTCHECK_API_ADDRESS_RATE"

    def identify(self, request) -> str:
        return client_address(request)
