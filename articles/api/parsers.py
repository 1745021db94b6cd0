"""The API's one body parser: JSON, strictly, with every malformed body a 4xx that names the problem.

Rules (README, "Limits"):
- The body is UTF-8 (RFC 8259). A Content-Type charset other than utf-8 (or its subset us-ascii) is a
  415: `utf-7` could smuggle markup past filters, and an unknown charset cannot be read correctly.
- Bytes that are not UTF-8 are a 400 naming the offset.
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 naming the limit, read no further than the limit.
- Nesting deeper than MAX_DEPTH arrays/objects is a 400 (deep nesting only ever comes from an attack; it
  used to end in a RecursionError and a 500).
- A key repeated in one object is a 400: which of two values a client meant is a guess, so we refuse.
- NaN and Infinity are not JSON and are refused.
"""

import json

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType

MAX_DEPTH = 32
ACCEPTED_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


class DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs):
    seen = dict(pairs)
    if len(seen) < len(pairs):  # rare: find the first key given twice (dict() alone keeps the last quietly)
        keys = set()
        for key, _value in pairs:
            if key in keys:
                raise DuplicateKey(key)
            keys.add(key)
    return seen


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def depth_of(value) -> int:
    """How deeply arrays and objects nest in a parsed value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        else:
            continue
        deepest = max(deepest, depth + 1)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with the rules above; set as DEFAULT_PARSER_CLASSES."""

    def parse(self, stream, media_type=None, parser_context=None):
        charset = self._charset(media_type)
        if charset is not None and charset not in ACCEPTED_CHARSETS:
            raise UnsupportedMediaType(
                media_type, detail=f'Unsupported charset "{charset}": the API reads JSON as UTF-8 only.'
            )
        text = self._decoded(self._read(stream, parser_context))
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(f"JSON nested too deeply: at most {MAX_DEPTH} levels of arrays and objects.") from None
        except DuplicateKey as error:
            raise ParseError(f'Duplicate key "{error}" in a JSON object: send each key once.') from None
        except ValueError as error:
            raise ParseError(f"Invalid JSON: {error}") from None
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(f"JSON nested too deeply: at most {MAX_DEPTH} levels of arrays and objects.")
        return data

    @staticmethod
    def _charset(media_type) -> str | None:
        for parameter in (media_type or "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip('"').lower()
        return None

    @staticmethod
    def _read(stream, parser_context) -> bytes:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        too_large = BodyTooLarge(f"Request body too large: at most {limit} bytes.")
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and declared and declared.isdigit() and int(declared) > limit:
            raise too_large
        if stream is None:
            return b""
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise too_large
        return body

    @staticmethod
    def _decoded(body: bytes) -> str:
        try:
            return body.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise ParseError(f"The body is not valid UTF-8 (bad byte at offset {error.start}).") from None
