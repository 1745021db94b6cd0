"""The desk's import page and its background jobs: start an import, watch a job, list my jobs.

The job page renders the job as it is and then polls GET /api/jobs/<id>/ (static/articles/job_progress.js)
until it finishes; nothing on these pages writes except the import form, which starts a job.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from articles import access
from articles.forms import ImportForm
from articles.importing import jobs as import_jobs
from articles.queries import job_items, jobs_started_by

JOBS_PER_PAGE = 25


@login_required
def import_page(request):
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied("Your role may not import articles.")
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        uploads = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        try:
            job = import_jobs.start_import(
                user=request.user,
                uploads=uploads,
                urls=form.cleaned_data["urls"],
                options=form.import_options(user=request.user),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(job.get_absolute_url())
    return render(request, "articles/import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def job_detail(request, pk):
    job = access.get_job_for_user(request.user, pk)
    items = list(job_items(job))
    context = {
        "job": job,
        "items": items,
        "status_url": reverse("api-job-detail", args=[job.pk]),
    }
    return render(request, "articles/job_detail.html", context)


@login_required
def job_list(request):
    page = Paginator(jobs_started_by(request.user), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/job_list.html", {"page": page})
