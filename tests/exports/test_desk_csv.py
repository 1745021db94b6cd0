"""The desk CSV: columns in reading order, words instead of codes, local times spreadsheets read as dates."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from articles import exports, services
from articles.models import Claim


def _download(client, url: str, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def linked(article, make_claim, alice, bob, mayor):
    retreat = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"])
    deaths = make_claim(article, "We could have had eight or ten deaths", user=alice)
    services.link_claims(user=alice, from_claim=deaths, to_claim=retreat, relation="supports")
    services.create_verdict(user=bob, claim=retreat, rating="misleading", headline="Not a retreat")
    Claim.objects.filter(pk=retreat.pk).update(created_at=datetime(2026, 1, 15, 23, 30, 12, 345678, tzinfo=UTC))
    return retreat, deaths


def test_it_writes_the_columns_in_the_order_a_desk_editor_reads(client, alice, linked):
    client.force_login(alice)
    text = _download(client, reverse("exports:claims_deskcsv"))
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == [
        "Claim", "Speaker", "Article", "Outlet", "Published", "Added",
        "Verdict state", "Rating", "Links", "Tags", "URL",
    ]  # fmt: skip


def test_it_puts_states_ratings_and_links_in_words(client, alice, linked, article):
    retreat, deaths = linked
    client.force_login(alice)
    rows = {row["Claim"]: row for row in _rows(_download(client, reverse("exports:claims_deskcsv")))}
    row = rows["tactical retreat"]
    assert row["Speaker"] == "Bonifacio Bustamante (mayor of Escuinapa)"
    assert row["Article"] == article.title and row["Outlet"] == "Pacific Coast Herald"
    assert row["Verdict state"] == "Draft" and row["Rating"] == "Misleading"
    assert row["Links"] == f"supported by: “We could have had eight or ten deaths” (#{deaths.pk})"
    assert row["Tags"] == "police"
    other = rows["We could have had eight or ten deaths"]
    assert other["Links"] == f"supports: “tactical retreat” (#{retreat.pk})"
    assert other["Verdict state"] == "No verdict yet" and other["Speaker"] == ""


def test_it_writes_dates_a_spreadsheet_reads_in_the_desk_time_zone(client, alice, linked, settings):
    settings.TIME_ZONE = "America/Mazatlan"  # UTC-7 all year
    retreat, _ = linked
    retreat.article.published = date(2016, 2, 20)
    retreat.article.save(update_fields=["published"])
    client.force_login(alice)
    row = next(r for r in _rows(_download(client, reverse("exports:claims_deskcsv"))) if r["Claim"] == retreat.quote)
    assert row["Added"] == "2026-01-15 16:30"
    # What a spreadsheet's date parser does with the cell: a date-time, and a date.
    assert datetime.strptime(row["Added"], "%Y-%m-%d %H:%M") == datetime(2026, 1, 15, 16, 30)
    assert datetime.strptime(row["Published"], "%Y-%m-%d").date() == date(2016, 2, 20)


def test_it_links_to_the_host_the_request_came_to(client, alice, linked, settings):
    settings.FACTCHECK_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["desk.example.net"]
    client.force_login(alice)
    rows = _rows(_download(client, reverse("exports:claims_deskcsv"), HTTP_HOST="desk.example.net:8443"))
    assert {row["URL"].split("/claims/")[0] for row in rows} == {"http://desk.example.net:8443"}
    full = exports.read_csv(_download(client, reverse("exports:claims_csv"), HTTP_HOST="desk.example.net:8443"))
    assert all(row["claim_url"].startswith("http://desk.example.net:8443/claims/") for row in full)


def test_it_prefers_the_configured_site_address(client, alice, linked, settings):
    settings.FACTCHECK_SITE_URL = "https://factcheck.example.org"
    client.force_login(alice)
    rows = _rows(_download(client, reverse("exports:claims_deskcsv"), HTTP_HOST="testserver"))
    assert all(row["URL"].startswith("https://factcheck.example.org/claims/") for row in rows)


def test_the_api_and_the_article_list_offer_it_too(client, alice, linked):
    client.force_login(alice)
    assert len(_rows(_download(client, "/api/exports/claims.desk.csv"))) == 2
    assert len(_rows(_download(client, reverse("exports:articles_deskcsv")))) == 2


def test_it_neutralises_formulas_and_shortens_long_linked_quotes(alice, make_article, make_claim):
    body = "=SUM(A1:A9) was typed. " + "A very long sentence that goes on and on well past sixty characters in all."
    article = make_article(body)
    formula = make_claim(article, "=SUM(A1:A9)", user=alice)
    long = make_claim(article, body[23:], user=alice)
    services.link_claims(user=alice, from_claim=formula, to_claim=long, relation="cites")
    text = "".join(exports.write_desk_csv(Claim.objects.all(), site_url="https://x.example"))
    rows = {row["Claim"]: row for row in exports.read_csv(text)}
    raw = {row["Claim"]: row for row in _rows(text)}
    assert "'=SUM(A1:A9)" in raw
    assert rows["=SUM(A1:A9)"]["Links"].startswith("cites: “A very long sentence")
    assert rows["=SUM(A1:A9)"]["Links"].endswith(f"…” (#{long.pk})")


def test_the_command_writes_it_with_the_configured_site_and_a_plain_name_filter(alice, linked, settings, tmp_path):
    from django.core.management import call_command

    settings.FACTCHECK_SITE_URL = ""
    output = tmp_path / "desk.csv"
    call_command("export_claims", "--format", "deskcsv", "--filter", "speaker=bonifacio bustamante", "-o", output)
    rows = _rows(output.read_text(encoding="utf-8"))
    assert [row["Claim"] for row in rows] == ["tactical retreat"]
    assert rows[0]["URL"].startswith("http://127.0.0.1:8000/claims/")
