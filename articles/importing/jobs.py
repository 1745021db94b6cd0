"""Import as a background job: start one from uploads and URLs, and run one of its items.

The desk's import page, the admin upload, the API and `import_articles --background` all start imports
here; a queue worker runs each item through the same importer as the terminal command
(article_files), so files are refused and duplicates found in the same words.
"""

from django.core.exceptions import ValidationError

from articles import services
from articles.importing import article_files
from articles.models import Article, Job, JobItem, http_url_validator

MAX_URLS = 200


def start_import(*, user, uploads=(), urls=(), options: article_files.ImportOptions) -> Job:
    """Store the files and URLs as one import job; a worker imports them after the commit."""
    article_files.validate_options(options)
    if options.dry_run:
        raise ValidationError({"dry_run": "A preview runs at once, not as a job."})
    uploads, urls = list(uploads), clean_urls(urls)
    items = [services.NewItem(name=name, data=bytes(data)) for name, data in uploads]
    items += [services.NewItem(name=url, url=url) for url in urls]
    if options.url and len(items) > 1:
        raise ValidationError({"url": f"A URL names one article, but {len(items)} files were given."})
    job_options = {"source_name": options.source_name, "url": options.url, "language": options.language}
    return services.start_job(kind=Job.Kind.IMPORT, user=user, items=items, options=job_options)


def clean_urls(urls) -> list[str]:
    """The addresses, one per entry (blank ones dropped); ValidationError names every one that is not http(s)."""
    cleaned, problems = [], []
    for given in urls:
        url = str(given).strip()
        if not url:
            continue
        try:
            http_url_validator(url)
        except ValidationError:
            problems.append(f"{url[:200]!r} is not an http(s) address.")
            continue
        cleaned.append(url)
    if problems:
        raise ValidationError({"urls": problems})
    if len(cleaned) > MAX_URLS:
        raise ValidationError({"urls": f"{len(cleaned)} addresses given; import at most {MAX_URLS} at a time."})
    return cleaned


def run_import_item(item: JobItem, job: Job) -> services.ItemResult:
    """Import one file or URL of an import job; the importer never raises for a bad file or address."""
    options = article_files.ImportOptions(
        user=job.created_by,
        source_name=job.options.get("source_name", ""),
        url=job.options.get("url", ""),
        language=job.options.get("language", ""),
    )
    if item.url:
        # Looked up at run time: the URL fetcher lives in article_files beside the file importer.
        report = article_files.import_url(item.url, options)
    else:
        report = article_files.import_file_data(item.name, bytes(item.data or b""), options)
    return _result(report, item)


def _result(report: article_files.FileReport, item: JobItem) -> services.ItemResult:
    outcome = article_files.Outcome(report.outcome)
    article = report.article
    if outcome is article_files.Outcome.FAILED:
        retryable = bool(getattr(report, "retryable", False))
        return services.ItemResult(outcome.value, report.message, failed=True, retryable=retryable)
    if outcome is article_files.Outcome.DUPLICATE and _created_by_earlier_attempt(article, item):
        message = f"imported as article #{article.pk} “{article.title}” (by an earlier, interrupted attempt)"
        return services.ItemResult(article_files.Outcome.IMPORTED.value, message, article_id=article.pk)
    if outcome is article_files.Outcome.IMPORTED:
        message = f"imported as article #{article.pk} “{article.title}”"
    elif outcome is article_files.Outcome.REVISED:
        message = f"revised article #{article.pk} “{article.title}”: {report.message}"
    else:
        return services.ItemResult(outcome.value, f"duplicate: {report.message}", article_id=article.pk)
    dropped = report.dropped_summary() if report.parsed and report.parsed.dropped else ""
    message = " — ".join(filter(None, [message, *report.notes, dropped]))
    return services.ItemResult(outcome.value, message, article_id=article.pk if article else None)


def _created_by_earlier_attempt(article: Article | None, item: JobItem) -> bool:
    """A URL item's import commits before its record does; a worker that died in between left the article,
    and the re-run finds it as a duplicate created after this item first started."""
    return bool(
        article is not None
        and item.attempts > 1
        and item.started_at is not None
        and article.created_at >= item.started_at
    )


RUNNERS = {Job.Kind.IMPORT: run_import_item}
