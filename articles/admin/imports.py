"""The admin's "Import articles" page: upload .txt/.html files, get the importer's per-file report.

`ArticleImportAdminMixin` adds the page to ArticleAdmin (URL name admin:articles_article_import) and
the changelist shows an "Import articles" button (templates/admin/articles/article/change_list.html)
to users with the add_article permission. The upload goes through the same importer as
`manage.py import_articles`, so files are refused and boilerplate reported in the same words. An import
runs as a background job: the page answers at once and sends the user to the job's page in the desk; a
preview (nothing stored) still runs at once and is shown here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from articles.forms import article_files_field, check_uploads, clean_url_lines
from articles.importing import article_files
from articles.importing import jobs as import_jobs


class ArticleImportForm(forms.Form):
    files = article_files_field()
    source = forms.CharField(
        max_length=200, required=False, help_text="The outlet that published them; added to the outlets if new."
    )
    url = forms.URLField(
        label="URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="The article's address; only when importing one file.",
    )
    language = forms.CharField(
        max_length=35,
        required=False,
        help_text="Language code such as en, es or pt-BR; default: from the page, else en.",
    )
    urls = forms.CharField(
        label="Addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Web addresses to fetch, one per line; only public http(s) addresses (not with a preview).",
    )
    dry_run = forms.BooleanField(
        label="Preview only", required=False, help_text="Show what would be imported and dropped; store nothing."
    )

    def clean_files(self):
        return check_uploads(self.cleaned_data["files"])

    def clean_urls(self):
        return clean_url_lines(self.cleaned_data["urls"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("files") and not data.get("urls"):
            raise ValidationError("Choose files or paste addresses to import.")
        if data.get("dry_run") and data.get("urls"):
            self.add_error("urls", "A preview reads files only; import addresses without “Preview only”.")
        if data.get("url") and len(data.get("files") or []) > 1:
            self.add_error("url", "A URL names one article; give it only when importing one file.")
        try:
            article_files.validate_options(self.import_options(user=None, data=data))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
        return data

    def import_options(self, *, user, data=None) -> article_files.ImportOptions:
        data = self.cleaned_data if data is None else data
        return article_files.ImportOptions(
            user=user,
            source_name=data.get("source", ""),
            url=data.get("url", ""),
            language=data.get("language", "").strip(),
            dry_run=data.get("dry_run", False),
        )


def report_message(report: article_files.FileReport) -> str:
    """The command's per-file lines as one admin message."""
    return " — ".join(filter(None, [report.headline(), report.details(), *report.notes, report.dropped_summary()]))


class ArticleImportAdminMixin:
    """Adds the "Import articles" upload page to the Article admin."""

    import_template = "admin/articles/article/import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        urls = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return urls + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not import articles.")
        posted = request.method == "POST"
        form = ArticleImportForm(request.POST if posted else None, request.FILES if posted else None)
        reports = []
        if posted and form.is_valid():
            options = form.import_options(user=request.user)
            uploads = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
            if options.dry_run:
                reports = article_files.import_uploads(uploads, options)
            else:
                return self._start_job(request, form, uploads, options)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "reports": [(report, report_message(report)) for report in reports],
            "summary": article_files.summarise(reports) if reports else "",
            # Browsers never refill a file input: after an error, say which files to choose again.
            "files_to_choose_again": [upload.name for upload in request.FILES.getlist("files")] if posted else [],
        }
        return TemplateResponse(request, self.import_template, context)

    def _start_job(self, request, form, uploads, options):
        try:
            job = import_jobs.start_import(
                user=request.user, uploads=uploads, urls=form.cleaned_data["urls"], options=options
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        messages.info(request, f"The import runs in the background as job #{job.pk}; this page shows its progress.")
        return HttpResponseRedirect(job.get_absolute_url())
