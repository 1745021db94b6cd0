"""Form pieces shared by the desk and the admin: a multiple-file field and the checks on uploaded articles."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from articles.importing import article_files
from articles.importing.jobs import clean_urls

MAX_FILES = 50
ACCEPT = ".txt,.html,.htm,text/plain,text/html"


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
            cleaned = [clean_one(item, initial) for item in data] or [clean_one(None, initial)]
        else:
            cleaned = [clean_one(data, initial)]
        return [upload for upload in cleaned if upload]  # an optional field left empty cleans to []


def check_uploads(files) -> list:
    """The files, or ValidationError naming each one of the wrong kind or too large, and too many files."""
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


def clean_url_lines(text: str) -> list[str]:
    """Addresses pasted one per line; each one that is not http(s) is named in the error."""
    try:
        return clean_urls(text.splitlines())
    except ValidationError as error:
        raise ValidationError(error.message_dict["urls"]) from None


def article_files_field() -> MultipleFileField:
    """The file box of both import pages (desk and admin): what it accepts, and the limits in words."""
    return MultipleFileField(
        label="Article files",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=(
            f"Plain text (.txt) or saved web pages (.html, .htm), UTF-8, up to "
            f"{article_files.MAX_FILE_BYTES // 1024 // 1024} MB each and {MAX_FILES} at a time."
        ),
    )


class ImportForm(forms.Form):
    """The desk's import page: files and/or addresses, imported by a background job."""

    files = article_files_field()
    urls = forms.CharField(
        label="Addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "https://example.org/news/story"}),
        help_text="Web addresses of articles, one per line; the server fetches each page.",
    )
    source = forms.CharField(
        max_length=200, required=False, help_text="The outlet that published them; added to the outlets if new."
    )
    language = forms.CharField(
        max_length=35, required=False, help_text="Language code such as en, es or pt-BR; default: from the page."
    )

    def clean_files(self):
        return check_uploads(self.cleaned_data["files"])

    def clean_urls(self):
        return clean_url_lines(self.cleaned_data["urls"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("files") and not data.get("urls"):
            raise ValidationError("Choose files or paste addresses to import.")
        return data

    def import_options(self, *, user) -> article_files.ImportOptions:
        data = self.cleaned_data
        return article_files.ImportOptions(
            user=user, source_name=data.get("source", "").strip(), language=data.get("language", "").strip()
        )
