"""API token authentication: `Authorization: Bearer <token>` (or `Token <token>`) for scripts.

A token call acts with its user's own permissions and needs no CSRF token: the browser never sends the
header by itself, so a forged cross-site request cannot carry it (session calls keep their CSRF check).
A read-only token is refused on any unsafe method with 403, whatever the endpoint; a malformed, unknown,
revoked or expired token is a 401 with a WWW-Authenticate challenge, and counts as a failed attempt for
the caller's address (throttles.refuse_if_locked_out).

Requests without an Authorization header are left to session authentication, and an anonymous call
without one stays the 403 it always was; any Authorization header makes the answer a 401 with a challenge.
"""

from django.utils.functional import LazyObject
from drf_spectacular.authentication import SessionScheme as BaseSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from articles import services
from articles.api import throttles
from articles.errors import InvalidToken

SCHEMES = {b"bearer", b"token"}


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None  # not a token: a session (with CSRF), another scheme, or nobody
        address = throttles.client_address(request)
        throttles.refuse_if_locked_out(address)
        if len(parts) != 2:
            self.fail(address, "Malformed Authorization header: send `Bearer <token>` with the token you were given.")
        try:
            token = services.authenticate_token(plain=parts[1].decode("ascii"))
        except (InvalidToken, UnicodeDecodeError) as error:
            detail = str(error) if isinstance(error, InvalidToken) else "Malformed token."
            self.fail(address, detail)
        if request.method not in SAFE_METHODS and not token.can_write:
            raise PermissionDenied(
                f"The token “{token.name}” is read-only: it may read but not change anything. "
                "Use a read-write token for this call."
            )
        return token.user, token

    def fail(self, address: str, detail: str):
        throttles.record_failure(address)
        raise AuthenticationFailed(detail)

    def authenticate_header(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None  # no credentials at all: DRF answers 403, as the session-only API always did
        if header[0].lower() in SCHEMES:
            return 'Bearer realm="api", error="invalid_token"'
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token to the OpenAPI schema, so /api/docs/ offers an "Authorize" box for it."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (fcd_...) from the desk's API tokens page; read-only ones may only GET.",
        }


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (CSRF checked), answering the user record itself rather than Django's lazy
    proxy of it (request.user as AuthenticationMiddleware sets it): DRF puts what this returns in request.user,
    and every read of the proxy's attributes costs two Python calls (creating a claim reads it about thirty times)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, auth = found
        if isinstance(user, LazyObject):
            user = user._wrapped  # already loaded: the parent read user.is_active
        return user, auth


class SessionScheme(BaseSessionScheme):
    """The schema's cookieAuth, as drf-spectacular describes DRF's own session authentication."""

    target_class = SessionAuthentication
