"""The Content-Security-Policy report endpoint: browsers POST what the policy blocked; we log it."""

import json
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("articles.csp")

# A report is a few hundred bytes; anything much larger is not a report.
MAX_REPORT_BYTES = 16 * 1024


@csrf_exempt  # browsers send reports without a CSRF token; the endpoint only writes a log line
@require_POST
def csp_report(request):
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_REPORT_BYTES:
        return HttpResponse(f"A report may be at most {MAX_REPORT_BYTES} bytes.", status=413, content_type="text/plain")
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(f"A report may be at most {MAX_REPORT_BYTES} bytes.", status=413, content_type="text/plain")
    try:
        report = json.loads(body)
    except (ValueError, RecursionError):
        return HttpResponse("A report is a JSON document.", status=400, content_type="text/plain")
    logger.warning("CSP violation: %s", json.dumps(report, sort_keys=True)[:2000])
    return HttpResponse(status=204)
