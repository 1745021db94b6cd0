"""The API's Idempotency-Key header on create endpoints (POST /api/claims/, /api/links/, /api/verdicts/, ...).

A client that may send a request twice (a double click, a retry after a timeout) sends a key it made for that
one submission (a UUID) in `Idempotency-Key`. The first request with the key does the create; any repeat from
the same user within 24 hours gets the first answer again (same status, same body, header
`Idempotent-Replayed: true`) and creates nothing. The same key with a different body is a 422. Without the
header a create works as before. The mechanism is articles/services/services.idempotency.py.
"""

from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from articles import services

HEADER = "Idempotency-Key"

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key per submission (e.g. a UUID). A repeat with the same key within 24 hours returns the first "
        "answer and creates nothing; the same key with a different body is refused with 422."
    ),
)


def _body(request):
    data = request.data
    return {key: data.getlist(key) for key in data} if hasattr(data, "getlist") else data


def idempotent(create):
    """Wrap a viewset's `create(self, request, ...)`: with an Idempotency-Key, run it at most once per key."""

    @extend_schema(parameters=[KEY_PARAMETER])
    @wraps(create)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return create(self, request, *args, **kwargs)
        fingerprint = services.idempotency.fingerprint(request.method, request.path, _body(request))
        try:
            with transaction.atomic():
                begun = services.idempotency.begin(user=request.user, key=key, request_fingerprint=fingerprint)
                if begun.replay:
                    return _replay(begun.record)
                response = create(self, request, *args, **kwargs)
                if not status.is_success(response.status_code):
                    # Nothing is remembered for a refusal: the key can be sent again with a corrected body.
                    transaction.set_rollback(True)
                    return response
                body = JSONRenderer().render(response.data).decode()
                services.idempotency.finish(begun.record, status=response.status_code, response=body)
                return response
        except services.idempotency.IdempotencyKeyReused as reused:
            return Response(reused.message_dict | {"detail": reused.message_dict[HEADER][0]}, status=422)

    return wrapper


def _replay(record) -> HttpResponse:
    # The stored bytes, not re-rendered data: the repeat is byte for byte the first answer.
    response = HttpResponse(record.response, status=record.status, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response
