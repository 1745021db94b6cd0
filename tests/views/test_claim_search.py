"""The claim search at scale: SQLite's FTS5 trigram index (kept by triggers), PostgreSQL's pg_trgm indexes.

The search's behaviour is the same on both databases and the same as before the index: every term
must appear, as a case-insensitive substring, in the quote, the summary or the speaker's name.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.filters import ClaimFilter, claim_search
from articles.models import Claim, ensure_claim_search


def found(text: str, queryset=None) -> list[str]:
    request = RequestFactory().get("/", {"q": text})
    request.user = None
    queryset = Claim.objects.live() if queryset is None else queryset
    return sorted(claim.quote for claim in ClaimFilter(request.GET, queryset=queryset, request=request).qs)


@pytest.fixture
def claims(article, make_claim, alice, mayor):
    retreat = make_claim(article, "tactical retreat", user=alice, speaker=mayor, summary="Ordered by the mayor")
    deaths = make_claim(article, "eight or ten deaths", user=alice, summary="casualty estimate")
    return retreat, deaths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("retreat", ["tactical retreat"]),
        ("TREA", ["tactical retreat"]),  # inside a word, any case
        ("ctical retr", ["tactical retreat"]),
        ('"tactical retreat"', ["tactical retreat"]),
        ("casualty", ["eight or ten deaths"]),  # the summary
        ("bonifacio", ["tactical retreat"]),  # the speaker's name
        ("or", ["eight or ten deaths", "tactical retreat"]),  # two letters: read from the rows, same answer
        ("ten deaths eight", ["eight or ten deaths"]),  # every term, any order
        ("retreat casualty", []),
        ('say "no', []),  # a stray quote is a character, not syntax
        ("zzz", []),
    ],
)
@pytest.mark.parametrize("common", [1, 5000])  # SQLite: every term common (read row by row), or none (the index)
def test_it_finds_substrings_of_quote_summary_and_speaker(claims, text, expected, common, monkeypatch):
    monkeypatch.setattr("articles.filters.COMMON_TERM_CLAIMS", common)
    assert found(text) == expected


def test_it_follows_every_write_path(claims, alice):
    retreat, deaths = claims
    services.update_claim(user=alice, claim=deaths, version=deaths.version, summary="body count")
    assert found("casualty") == []
    assert found("body count") == ["eight or ten deaths"]
    Claim.objects.filter(pk=retreat.pk).update(summary="withdrawal")  # around the services: the triggers still see it
    assert found("withdrawal") == ["tactical retreat"]
    Claim.objects.filter(pk=deaths.pk).delete()
    assert found("deaths") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_index_is_put_back_when_a_migration_rebuilt_the_claims_table(claims):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_claim_fts_insert")  # what a table rebuild by a migration does
    ensure_claim_search(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_claim_fts%'")
        assert len(cursor.fetchall()) == 3
    assert found("retreat") == ["tactical retreat"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_a_long_term_is_answered_from_the_index_on_sqlite(claims):
    sql = str(claim_search(Claim.objects.all(), "retreat").query)
    assert "articles_claim_fts MATCH" in sql
    assert "LIKE" not in sql.split("articles_speaker")[0]


def test_migrate_keeps_the_search_in_step(db):
    call_command("migrate", verbosity=0)  # post_migrate: ensure_claim_search, idempotent


def test_a_searched_list_counts_up_to_a_limit_on_both_databases(client, alice, article, make_claim, monkeypatch):
    monkeypatch.setattr("articles.queries.SEARCH_COUNT_LIMIT", 2)
    monkeypatch.setattr("articles.views.desk.CLAIMS_PER_PAGE", 1)  # more than a page: the total is counted
    for _ in range(3):
        make_claim(article, "tactical retreat", user=alice)
    client.force_login(alice)
    assert "more than 2 claims" in client.get("/claims/", {"q": "retreat"}).content.decode()
    assert "3 claims" in client.get("/claims/").content.decode()


def test_the_last_page_gives_the_total_without_counting(client, alice, article, make_claim, monkeypatch):
    monkeypatch.setattr("articles.views.desk.CLAIMS_PER_PAGE", 2)
    for _ in range(3):
        make_claim(article, "tactical retreat", user=alice)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as first:
        assert "3 claims" in client.get("/claims/", {"q": "retreat"}).content.decode()  # page 1 of 2: counted
    with CaptureQueriesContext(connection) as last:
        assert "3 claims" in client.get("/claims/", {"q": "retreat", "page": 2}).content.decode()
    assert len(last) == len(first) - 1  # the last page's rows are the rest of the list: no count
    assert "3 claims" in client.get("/claims/", {"q": "retreat", "page": 9}).content.decode()  # past the end: counted
