"""The bulk write of an import (services.restore): ids reserved before the rows, the search index filled
once per batch, and both kept right when the import fails or is rolled back."""

import gc
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from articles import exports, services
from articles.filters import claim_search
from articles.importing.jsonl import Importer, import_jsonl
from articles.models import CLAIM_SEARCH_TABLE, Article, Claim, Tag, content_hash
from articles.services import restore

WORDS = ["harbour", "ferry", "tariff", "glacier", "orchard", "lantern", "quarry", "meadow"]


def bulk_lines(*, claims: int = 12, offset: int = 0) -> list[str]:
    """A JSON Lines export of one article whose claims each quote a word of its text, tagged by word."""
    body = " ".join(f"The {WORDS[n % len(WORDS)]} report number {n + offset} was read aloud." for n in range(claims))
    digest = content_hash(body)
    when = datetime(2026, 5, 1, tzinfo=UTC)
    header = {"type": "export", "format": exports.JSONL_FORMAT_NAME, "version": exports.JSONL_FORMAT_VERSION}
    article = {
        "type": "article",
        "title": f"Bulk {offset}",
        "body": body,
        "content_hash": digest,
        "added_by": "loader",
        "created_at": when.isoformat(),
        "updated_at": when.isoformat(),
    }
    lines = [json.dumps(header), json.dumps(article)]
    position = 0
    for n in range(claims):
        word = WORDS[n % len(WORDS)]
        start = body.index(word, position)
        position = start + len(word)
        stamp = (when + timedelta(seconds=n)).isoformat()
        claim = {
            "type": "claim",
            "article": {"content_hash": digest},
            "start": start,
            "end": start + len(word),
            "quote": word,
            "summary": f"summary {n + offset}",
            "tags": [f"tag-{word}"],
            "created_by": "loader",
            "created_at": stamp,
            "updated_at": stamp,
        }
        lines.append(json.dumps(claim))
    return lines


def searched(term: str) -> set[int]:
    return set(claim_search(Claim.objects.all(), term).values_list("pk", flat=True))


def read_from_the_rows(term: str) -> set[int]:
    """The claims whose quote or summary contains `term`, read from the rows, not from any index."""
    return {pk for pk, quote, summary in Claim.objects.values_list("pk", "quote", "summary") if term in quote + summary}


def assert_search_in_step():
    """Every word is found exactly where the rows hold it; on SQLite the index also passes its own check."""
    for word in WORDS:
        assert searched(word) == read_from_the_rows(word), word
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {CLAIM_SEARCH_TABLE}({CLAIM_SEARCH_TABLE}) VALUES ('integrity-check')")  # noqa: S608 (constant)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_claim_fts%'"
            )
            assert cursor.fetchone()[0] == 3


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(restore, "CLAIM_BATCH", 5)  # three transactions for twelve claims


def test_the_search_finds_imported_claims_right_after_the_import(db, small_batches):
    report = import_jsonl(bulk_lines())

    assert report.errors == []
    assert report.claims == 12
    assert searched("glacier") == set(Claim.objects.filter(quote="glacier").values_list("pk", flat=True))
    assert len(searched("glacier")) == 2
    assert searched("summary 11") == set(Claim.objects.filter(summary="summary 11").values_list("pk", flat=True))
    assert_search_in_step()


def test_each_imported_claim_has_its_tags_and_one_history_row_naming_them(db, small_batches):
    import_jsonl(bulk_lines())

    for claim in Claim.objects.prefetch_related("tags"):
        assert [tag.name for tag in claim.tags.all()] == [f"tag-{claim.quote}"]
        (entry,) = claim.history.all()
        assert (entry.history_type, entry.history_change_reason) == ("+", "imported")
        assert entry.history_user.username == "loader"
        # The history row is the claim row, every tracked column (SQLite copies it from the claim's row).
        assert {f.attname: getattr(entry, f.attname) for f in Claim.history.model.tracked_fields} == {
            f.attname: getattr(claim, f.attname) for f in Claim.history.model.tracked_fields
        }
        assert [tag.tag.name for tag in entry.tags.all()] == [f"tag-{claim.quote}"]
    assert Tag.objects.count() == len(WORDS)


def test_history_rows_name_each_claims_own_tags_none_one_or_several(db, small_batches):
    lines = bulk_lines(claims=6)
    for number, tags in zip(range(2, 8), [[], ["solo"], ["one", "two"], [], ["a", "b", "c"], ["solo"]], strict=True):
        record = json.loads(lines[number])
        record["tags"] = tags
        lines[number] = json.dumps(record)

    assert import_jsonl(lines).errors == []

    for claim in Claim.objects.prefetch_related("tags"):
        (entry,) = claim.history.all()
        assert sorted(row.tag.name for row in entry.tags.all()) == sorted(tag.name for tag in claim.tags.all())
    assert Claim.tags.through.objects.count() == 7


def test_a_claim_created_after_an_import_is_found_too(db, alice, small_batches):
    import_jsonl(bulk_lines())
    article = Article.objects.get()

    claim = services.create_claim(user=alice, article=article, start=4, end=4 + len("harbour"), quote="harbour")

    assert claim.pk in searched("harbour")
    assert_search_in_step()


def test_imported_ids_never_reuse_the_id_of_a_deleted_claim(db, small_batches):
    import_jsonl(bulk_lines(claims=3))
    highest = Claim.objects.order_by("-pk").first().pk
    Claim.history.model.objects.all().delete()
    Claim.tags.through.objects.all().delete()
    Claim.objects.all().delete()  # the newest rows gone: a plain max(id) would hand their ids out again

    import_jsonl(bulk_lines(claims=3, offset=100))

    assert min(Claim.objects.values_list("pk", flat=True)) > highest
    assert_search_in_step()


def test_an_import_that_fails_while_writing_keeps_the_search_index_in_step(db, small_batches, monkeypatch):
    import_jsonl(bulk_lines(claims=4))
    before = set(Claim.objects.values_list("pk", flat=True))
    write_rows = restore.write_rows
    batches = []

    def fail_in_the_second_batch(connection, model, names, rows):
        write_rows(connection, model, names, rows)
        if model is Claim:
            batches.append(len(rows))
            if len(batches) == 2:  # the claims are written, their index rows not yet
                raise IntegrityError("refused by a test")

    monkeypatch.setattr(restore, "write_rows", fail_in_the_second_batch)

    report = import_jsonl(bulk_lines(claims=12, offset=50))

    assert report.errors == [(0, "the import stopped: refused by the database: refused by a test.")]
    # The first batch was committed, the second rolled back with its trigger's drop.
    assert Claim.objects.count() == len(before) + 5
    monkeypatch.undo()
    assert_search_in_step()
    again = import_jsonl(bulk_lines(claims=12, offset=50))  # the rest comes in when imported again
    assert (again.claims, again.already_present) == (7, 6)
    assert_search_in_step()


def test_a_rolled_back_import_leaves_the_search_index_as_it_was(db, alice, small_batches):
    import_jsonl(bulk_lines(claims=4))
    before = searched("harbour")

    with pytest.raises(RuntimeError), transaction.atomic():
        import_jsonl(bulk_lines(claims=12, offset=50))
        assert len(searched("harbour")) == len(before) + 2
        raise RuntimeError("roll back")

    assert searched("harbour") == before
    assert_search_in_step()
    claim = services.create_claim(user=alice, article=Article.objects.first(), start=4, end=11, quote="harbour")
    assert searched("harbour") == before | {claim.pk}


def test_the_cyclic_collector_is_paused_only_during_the_import(db, monkeypatch):
    seen = []
    monkeypatch.setattr(restore.Restorer, "links", lambda self, new: seen.append(gc.isenabled()))

    import_jsonl(bulk_lines(claims=2))

    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        import_jsonl(bulk_lines(claims=2, offset=10))
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_reserve_ids_hands_out_ids_nobody_holds(db):
    import_jsonl(bulk_lines(claims=3))
    held = set(Claim.objects.values_list("pk", flat=True))

    with transaction.atomic():
        ids = list(restore.reserve_ids(connection, Claim, 4))

    assert len(set(ids)) == 4
    assert min(ids) > max(held)


def test_columns_give_a_field_the_rows_do_not_name_its_default():
    names, defaults = restore.columns(Claim, tuple(c for c in restore.CLAIM_COLUMNS if c != "version"), connection)

    assert names[-1] == "version"
    assert defaults == (1,)
    with pytest.raises(ValueError, match="no fields"):
        restore.columns(Claim, ("id", "nonsense"), connection)


def test_rows_are_written_in_statements_of_several_rows_the_last_one_shorter(db, monkeypatch):
    monkeypatch.setattr(restore, "SQLITE_INSERT_ROWS", 5)  # 12 claims and 12 tag rows: 5, 5 and 2 on SQLite

    report = import_jsonl(bulk_lines(claims=12))

    assert (report.errors, report.claims) == ([], 12)
    claims = list(Claim.objects.order_by("pk").prefetch_related("tags"))
    assert [claim.quote for claim in claims] == [WORDS[n % len(WORDS)] for n in range(12)]
    assert [[tag.name for tag in claim.tags.all()] for claim in claims] == [[f"tag-{c.quote}"] for c in claims]
    assert Claim.history.model.objects.count() == 12
    assert_search_in_step()


def test_a_row_the_database_refuses_is_reported_as_djangos_integrity_error(db):
    import_jsonl(bulk_lines(claims=2))
    tag = Tag.objects.first()

    with pytest.raises(IntegrityError), transaction.atomic():  # Django's, whatever the driver
        restore.write_rows(connection, Tag, ["id", "name"], [(tag.pk + 100, "fresh"), (tag.pk, "taken id")])

    assert not Tag.objects.filter(name__in=["fresh", "taken id"]).exists()


def test_a_claim_line_gives_each_field_of_its_new_claim():
    """Importer.new_claim builds a NewClaim by position (keywords cost a sixth of a claim's checks): every
    value must land in its own field."""
    importer = Importer()
    body = "The harbour report was read aloud to the council."
    importer.bodies["digest"] = body
    record = {
        "type": "claim",
        "article": {"content_hash": "digest"},
        "start": 4,
        "end": 18,
        "quote": "a quote kept as exported",
        "prefix": "The ",
        "suffix": " was",
        "summary": " A summary. ",
        "speaker": {"name": "Ada", "description": "minister", "affiliation": "Harbour board"},
        "anchor_state": "relocated",
        "tags": ["Ferry"],
        "created_by": "alice",
        "created_at": "2026-05-01T10:00:00+00:00",
        "updated_at": "2026-05-02T11:00:00+00:00",
    }
    importer.check_claim(7, record)
    (claim,) = importer.claims.values()
    assert vars(claim) == {
        "key": exports.claim_key("digest", 4, 18, datetime(2026, 5, 1, 10, tzinfo=UTC)),
        "article_hash": "digest",
        "start": 4,
        "end": 18,
        "quote": "a quote kept as exported",
        "prefix": "The ",
        "suffix": " was",
        "speaker": ("Ada", "minister", "Harbour board"),
        "summary": "A summary.",
        "tags": services.tag_names(["Ferry"]),
        "anchor_state": "relocated",
        "created_by": "alice",
        "created_at": datetime(2026, 5, 1, 10, tzinfo=UTC),
        "updated_at": datetime(2026, 5, 2, 11, tzinfo=UTC),
        "verdicts": [],
        "comments": [],
    }
