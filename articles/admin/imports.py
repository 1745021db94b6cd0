"""The admin's "Import articles" page: upload .txt/.html files, get the importer's per-file report.

`ArticleImportAdminMixin` adds the page to ArticleAdmin (URL name admin:articles_article_import) and
the changelist shows an "Import articles" button (templates/admin/articles/article/change_list.html)
to users with the add_article permission. The upload goes through the same service as
`manage.py import_articles`, so files are refused and boilerplate reported in the same words.
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.importing import article_files

MAX_FILES = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported by the importer by name, without holding back the other files.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data] or [clean_one(None, initial)]
        return [clean_one(data, initial)]


class ArticleImportForm(forms.Form):
    files = MultipleFileField(
        label="Article files",
        widget=MultipleFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
        help_text=(
            f"Plain text (.txt) or saved web pages (.html, .htm), UTF-8, up to "
            f"{article_files.MAX_FILE_BYTES // 1024 // 1024} MB each and {MAX_FILES} at a time."
        ),
    )
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
    dry_run = forms.BooleanField(
        label="Preview only", required=False, help_text="Show what would be imported and dropped; store nothing."
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(f"{len(files)} files chosen; import at most {MAX_FILES} at a time.")
        problems = []
        for upload in files:
            if Path(upload.name).suffix.lower() not in article_files.FORMATS_BY_SUFFIX:
                problems.append(f"{upload.name}: only .txt, .html and .htm files can be imported.")
            elif upload.size > article_files.MAX_FILE_BYTES:
                problems.append(
                    f"{upload.name} is {upload.size / 1024 / 1024:.1f} MB; "
                    f"the limit is {article_files.MAX_FILE_BYTES // 1024 // 1024} MB per file."
                )
        if problems:
            raise ValidationError(problems)
        return files

    def clean(self):
        data = super().clean()
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


_LEVELS = {
    article_files.Outcome.IMPORTED: messages.SUCCESS,
    article_files.Outcome.REVISED: messages.WARNING,  # claims may need re-attaching; the message says how many
    article_files.Outcome.DUPLICATE: messages.WARNING,
    article_files.Outcome.FAILED: messages.ERROR,
}


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
            reports = article_files.import_uploads(uploads, options)
            if not options.dry_run:
                for report in reports:
                    messages.add_message(request, _LEVELS[report.outcome], report_message(report))
                messages.info(request, article_files.summarise(reports))
                return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
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
