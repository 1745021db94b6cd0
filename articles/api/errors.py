"""The API's error bodies: the services' exceptions in DRF's shapes.

A refused input (a service's ValidationError, or a serializer's) is a 400 with {field: [messages]}
("detail" for a message that names no field); a stale version (ConflictError) is a 409 with
{"detail": "...", "current_version": n}; everything else keeps DRF's {"detail": "..."}.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles.errors import ConfirmationRequired, ConflictError


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response({"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ConfirmationRequired):
        body = {"detail": str(exc), "requires_confirmation": True, "goes_with": exc.goes_with}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        # DRF reads request.body before our parser sees it; Django refuses a body over the limit there.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"Request body too large: at most {limit} bytes."
        return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)
