"""The reference the claim API is measured against: a minimal authenticated Django JSON view that inserts one row.

It does what every write endpoint must (session login, CSRF check by the middleware, parse JSON, one
INSERT, a JSON answer) and nothing more, so "create claim / reference" is the cost of the claim
endpoint's own work: validation, access checks, the service, history, tags and the serialised answer.
Its rows are tags named bench-ref-..., removed by the harness afterwards.
"""

import json

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from articles.models import Tag

PREFIX = "bench-ref-"


@require_POST
def insert_one_row(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=403)
    try:
        name = str(json.loads(request.body)["name"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": 'Send {"name": "..."}.'}, status=400)
    tag = Tag.objects.create(name=PREFIX + name)
    return JsonResponse({"id": tag.pk, "name": tag.name}, status=201)
