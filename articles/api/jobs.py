"""Background jobs in the JSON API: POST /api/imports/ starts an import job, GET /api/jobs/<id>/ watches it.

An import answers 202 Accepted at once with the job (its items still queued) and a Location header; the
client polls the job until `finished` is true. The job's JSON is the same the desk's job page polls.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import access
from articles.forms import check_uploads
from articles.importing import article_files
from articles.importing import jobs as import_jobs
from articles.queries import job_status, jobs_started_by

JOBS_PER_PAGE = 50

ImportRequest = inline_serializer(
    "ImportRequest",
    {
        "files": serializers.ListField(child=serializers.FileField(), required=False),
        "urls": serializers.ListField(child=serializers.URLField(), required=False),
        "source": serializers.CharField(required=False),
        "language": serializers.CharField(required=False),
        "url": serializers.URLField(required=False, help_text="The article's address; only with one file."),
    },
)


class ImportView(APIView):
    """Start an import of uploaded files (multipart `files`) and/or addresses (`urls`, a list)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequest, "application/json": ImportRequest},
        responses={202: OpenApiResponse(OpenApiTypes.OBJECT, description="The job, queued."), 400: None},
    )
    def post(self, request):
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied("Your role may not import articles.")
        files = request.FILES.getlist("files")
        try:
            check_uploads(files)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
        job = import_jobs.start_import(
            user=request.user,
            uploads=[(upload.name, upload.read()) for upload in files],
            urls=_urls(request.data),
            options=article_files.ImportOptions(
                user=request.user,
                source_name=str(request.data.get("source", "")).strip(),
                url=str(request.data.get("url", "")).strip(),
                language=str(request.data.get("language", "")).strip(),
            ),
        )
        body = job_status(job)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


def _urls(data) -> list[str]:
    """`urls` as a JSON list, repeated form fields, or one text with an address per line."""
    given = data.getlist("urls") if hasattr(data, "getlist") else data.get("urls", [])
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or not all(isinstance(url, str) for url in given):
        raise ValidationError({"urls": "Give the addresses as a list of strings."})
    return [line for url in given for line in url.splitlines()]


class JobListView(APIView):
    """The jobs I started, newest first (without their items)."""

    @extend_schema(operation_id="jobs_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        page = Paginator(jobs_started_by(request.user), JOBS_PER_PAGE).get_page(request.query_params.get("page"))
        results = []
        for job in page:
            summary = job_status(job, items=[])
            del summary["items"]
            results.append(summary)
        return Response(
            {
                "count": page.paginator.count,
                "next_page": page.next_page_number() if page.has_next() else None,
                "results": results,
            }
        )


class JobDetailView(APIView):
    """A job's state, progress and per-item results (its starter, editors and superusers; others 404)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: None})
    def get(self, request, pk):
        return Response(job_status(access.get_job_for_user(request.user, pk)))
