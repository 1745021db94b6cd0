"""Import back a JSON Lines export: round trip, idempotence, bad lines, users, the commands."""

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import exports
from articles.importing.jsonl import Importer, LineError, import_jsonl
from articles.models import Article, Claim, ClaimLink, Evidence, Source, Speaker, Tag, Verdict
from tests.exports.test_formats import build_hostile_desk


def export_jsonl() -> str:
    return "".join(exports.write_jsonl(Claim.objects.all()))


def empty_the_desk():
    """Delete every domain record and every user: what an empty instance holds."""
    Evidence.objects.all().delete()
    Verdict.objects.filter(corrects__isnull=False).delete()
    Verdict.objects.all().delete()
    ClaimLink.objects.all().delete()
    Claim.objects.all().delete()
    Article.objects.all().delete()
    for model in (Speaker, Source, Tag, User):
        model.objects.all().delete()


def without_ids(text: str) -> list[dict]:
    """The export's records with every id (and URL built from one) replaced by its order of appearance."""
    records = [json.loads(line) for line in text.splitlines()]
    ordinals: dict[str, dict[int, int]] = {"article": {}, "claim": {}, "verdict": {}, "speaker": {}}

    def number(kind, value):
        if value is None:
            return None
        return f"{kind}-{ordinals[kind].setdefault(value, len(ordinals[kind]))}"

    for record in records:
        if record["type"] == "claim":
            number("claim", record["id"])
            for verdict in record["verdicts"]:
                number("verdict", verdict["id"])
    out = []
    for record in records:
        record = dict(record)
        if record["type"] == "export":
            record.pop("exported_at")
        elif record["type"] == "article":
            record["id"] = number("article", record["id"])
        else:
            record["id"] = number("claim", record["id"])
            record["url"] = re.sub(r"/claims/\d+/", "/claims/N/", record["url"])
            record["article"] = {**record["article"], "id": number("article", record["article"]["id"])}
            if record["speaker"]:
                record["speaker"] = {**record["speaker"], "id": number("speaker", record["speaker"]["id"])}
            record["links"] = [{**link, "claim": number("claim", link["claim"])} for link in record["links"]]
            record["current_verdict"] = number("verdict", record["current_verdict"])
            record["verdicts"] = [
                {
                    **verdict,
                    "id": number("verdict", verdict["id"]),
                    "corrects": number("verdict", verdict["corrects"]),
                    "url": verdict["url"] and re.sub(r"/verdicts/\d+/", "/verdicts/N/", verdict["url"]),
                }
                for verdict in record["verdicts"]
            ]
        out.append(record)
    return out


@pytest.fixture
def desk(db):
    return build_hostile_desk()


def test_it_round_trips_export_import_export_into_an_empty_database(desk):
    original = export_jsonl()
    empty_the_desk()

    report = import_jsonl(original.splitlines(keepends=True))

    assert report.errors == []
    assert (report.articles, report.claims, report.links, report.verdicts) == (2, 5, 3, 4)
    again = export_jsonl()
    assert without_ids(again) == without_ids(original)
    assert again != original  # the ids did change: the comparison above really mapped them


def test_it_adds_nothing_on_a_second_import(desk):
    original = export_jsonl()
    empty_the_desk()
    import_jsonl(original.splitlines())
    counts = [model.objects.count() for model in (Article, Claim, ClaimLink, Verdict, Evidence, Speaker, Tag, User)]

    report = import_jsonl(original.splitlines())

    assert report.errors == []
    assert (report.articles, report.claims, report.links, report.verdicts) == (0, 0, 0, 0)
    assert report.already_present == 7
    assert [m.objects.count() for m in (Article, Claim, ClaimLink, Verdict, Evidence, Speaker, Tag, User)] == counts


def test_a_claim_keeps_its_key_whatever_the_spelling_of_its_creation_time(desk):
    """The key of a claim line takes an export's own text of the time as it is; any other spelling of the
    same instant gives the same key, so links find the claim and a re-import of the export adds nothing."""
    original = export_jsonl()
    records = [json.loads(line) for line in original.splitlines()]
    spellings = iter(["+02:00", "Z", "-05:30"])
    for record in records:
        if record["type"] == "claim":
            created = datetime.fromisoformat(record["created_at"])
            spelling = next(spellings, "+02:00")
            record["created_at"] = (
                created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                if spelling == "Z"
                else created.astimezone(timezone(_offset(spelling))).isoformat()
            )
            assert record["created_at"] != created.isoformat()
    empty_the_desk()

    first = import_jsonl(json.dumps(record) for record in records)
    again = import_jsonl(json.dumps(record) for record in records)
    export_again = import_jsonl(original.splitlines())

    assert first.errors == again.errors == export_again.errors == []
    assert (first.claims, first.links) == (5, 3)
    assert (again.claims, again.links, again.already_present) == (0, 0, 7)
    assert (export_again.claims, export_again.links, export_again.already_present) == (0, 0, 7)


def _offset(text: str) -> timedelta:
    hours, minutes = text[1:].split(":")
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('  {"type": "export"} \r\n', {"type": "export"}),
        ('{"type": "claim", "tags": ["a"]}\n', {"type": "claim", "tags": ["a"]}),
        ('{"type": "claim"} {"type": "claim"}\n', "Extra data"),
        ('{"type": "claim"}\u00a0\n', "Extra data"),
        ('\ufeff{"type": "claim"}\n', "BOM"),
        ('{"type": "claim", \n', "Expecting property name"),
        ("NaN\n", "expected a JSON object"),
    ],
)
def test_a_line_is_read_as_json_loads_reads_it(line, expected):
    if isinstance(expected, dict):
        assert Importer.parse(line) == expected
        assert Importer.parse(line.encode()) == expected
    else:
        with pytest.raises(LineError, match=expected):
            Importer.parse(line)


def test_it_creates_missing_users_inactive_without_a_password(desk):
    original = export_jsonl()
    empty_the_desk()

    report = import_jsonl(original.splitlines())

    assert sorted(report.users_created) == ["alice", "bob", "carol", "erin", "frank"]
    for user in User.objects.all():
        assert not user.is_active
        assert not user.has_usable_password()
        assert not user.groups.exists()


def test_it_links_claims_whatever_their_order_in_the_file(desk):
    lines = export_jsonl().splitlines()
    header, articles = lines[0], [line for line in lines if '"type":"article"' in line]
    claims = [line for line in lines if '"type":"claim"' in line]
    empty_the_desk()

    report = import_jsonl([header, *articles, *reversed(claims)])

    assert report.errors == []
    assert report.links == 3
    assert report.waiting_links == set()
    assert ClaimLink.objects.count() == 3


def test_it_counts_links_to_claims_missing_from_the_file(desk):
    lines = export_jsonl().splitlines()
    repeated = desk["claims"]["repeated"].pk
    kept = [line for line in lines if f'"type":"claim","id":{repeated},' not in line]
    empty_the_desk()

    report = import_jsonl(kept)

    assert report.errors == []
    assert len(report.waiting_links) == 1  # repeated -same_claim-> formula
    assert ClaimLink.objects.count() == 2


def _bad_lines_file(desk):
    lines = export_jsonl().splitlines()
    claims = [json.loads(line) for line in lines if '"type":"claim"' in line]
    wrong_quote = {**claims[0], "quote": "not the text there", "created_at": "2020-01-01T00:00:00+00:00"}
    bad_verdict = {**claims[1], "created_at": "2020-01-02T00:00:00+00:00"}
    bad_verdict["verdicts"] = [{**claims[1]["verdicts"][0], "rating": "pants-on-fire"}]
    naive_time = {**claims[2], "created_at": "2020-01-03T00:00:00"}
    return [
        *lines,
        json.dumps(wrong_quote),  # line n+1
        json.dumps(bad_verdict),  # n+2
        "{not json",  # n+3
        json.dumps({"type": "speaker"}),  # n+4
        json.dumps(naive_time),  # n+5
        json.dumps([1, 2]),  # n+6
    ]


def test_it_reports_every_bad_line_by_number_and_writes_nothing(desk):
    lines = _bad_lines_file(desk)
    n = len(lines) - 6
    empty_the_desk()

    report = import_jsonl(lines)

    assert [number for number, _ in report.errors] == [n + 1, n + 2, n + 3, n + 4, n + 5, n + 6]
    assert not report.written
    assert not Claim.objects.exists()
    assert not Article.objects.exists()
    assert not User.objects.exists()


def test_it_imports_the_good_lines_and_keeps_nothing_of_the_bad_ones_with_skip_bad(desk):
    lines = _bad_lines_file(desk)
    n = len(lines) - 6
    empty_the_desk()

    report = import_jsonl(lines, skip_bad=True)

    numbers = [number for number, _ in report.errors]
    assert numbers == [n + 1, n + 2, n + 3, n + 4, n + 5, n + 6]
    messages = dict(report.errors)
    assert "quote" in messages[n + 1]
    assert "rating" in messages[n + 2]
    assert "not valid JSON" in messages[n + 3]
    assert "unknown record type 'speaker'" in messages[n + 4]
    assert "time zone" in messages[n + 5]
    assert "JSON object" in messages[n + 6]
    # The claim whose verdict was refused was not kept either.
    assert Claim.objects.count() == 5
    assert Verdict.objects.count() == 4


def test_it_refuses_a_file_that_is_not_a_claims_export(db):
    report = import_jsonl([json.dumps({"type": "export", "format": "something-else", "version": 1})])
    assert report.errors == [(1, "not a claims export (format 'something-else').")]


def test_it_refuses_an_article_whose_text_does_not_match_its_hash(desk):
    lines = export_jsonl().splitlines()
    article = json.loads(lines[1])
    empty_the_desk()

    report = import_jsonl([json.dumps({**article, "body": article["body"] + " edited"})])

    assert report.errors == [(1, "the article text does not match its content_hash (was the file edited?).")]
    assert not Article.objects.exists()


def test_it_refuses_an_article_whose_url_holds_other_text(desk):
    lines = export_jsonl().splitlines()
    article = json.loads(lines[1])
    Article.objects.filter(pk=article["id"]).update(body="Different text now", content_hash="x" * 64)

    report = import_jsonl([lines[1]])

    [(number, message)] = report.errors
    assert number == 1
    assert "same URL" in message


# ---------------------------------------------------------------- the commands


def test_it_imports_a_file_with_the_command(desk, tmp_path, capsys):
    path = tmp_path / "desk.jsonl"
    call_command("export_claims", "--format", "jsonl", "-o", str(path))
    empty_the_desk()

    call_command("import_claims", str(path))

    assert "2 articles, 5 claims, 3 links, 4 verdicts imported" in capsys.readouterr().out
    assert Claim.objects.count() == 5


def test_it_rolls_everything_back_in_a_dry_run(desk, tmp_path, capsys):
    path = tmp_path / "desk.jsonl"
    call_command("export_claims", "--format", "jsonl", "-o", str(path))
    empty_the_desk()

    call_command("import_claims", str(path), "--dry-run")

    assert capsys.readouterr().out.startswith("Dry run (nothing kept): 2 articles, 5 claims")
    assert not Claim.objects.exists()
    assert not User.objects.exists()


def test_it_fails_the_command_when_lines_were_bad(desk, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(_bad_lines_file(desk)) + "\n", encoding="utf-8")
    empty_the_desk()

    with pytest.raises(CommandError, match="6 lines are bad: nothing was imported"):
        call_command("import_claims", str(path))
    assert "line " in capsys.readouterr().err
    assert not Claim.objects.exists()

    with pytest.raises(CommandError, match="6 lines were not imported; the others were"):
        call_command("import_claims", str(path), "--skip-bad")
    assert Claim.objects.count() == 5


def test_it_reports_a_missing_file(db):
    with pytest.raises(CommandError, match="Cannot read /no/such/file.jsonl"):
        call_command("import_claims", "/no/such/file.jsonl")


def test_it_reports_a_line_that_is_not_utf8(db):
    report = import_jsonl([b'{"type": "export", "format": "\xff"}'])
    assert report.errors[0][0] == 1
    assert "not UTF-8" in report.errors[0][1]


def test_the_claims_only_variant_leaves_out_the_articles_and_imports_where_they_are(desk, tmp_path, client, root):
    path = tmp_path / "claims.jsonl"
    call_command("export_claims", "--format", "jsonl", "--claims-only", "-o", str(path))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert records[0]["articles"] is False
    assert {record["type"] for record in records[1:]} == {"claim"}
    # Offered where the exports are: the download (and so the API, which shares FORMATS).
    client.force_login(root)
    download = client.get(reverse("exports:claims_claimsjsonl"))
    assert download.status_code == 200
    assert b'"type":"article"' not in b"".join(download.streaming_content)
    Evidence.objects.all().delete()
    Verdict.objects.filter(corrects__isnull=False).delete()
    Verdict.objects.all().delete()
    ClaimLink.objects.all().delete()
    Claim.objects.all().delete()

    report = import_jsonl(path.read_text(encoding="utf-8").splitlines())  # the articles are still here

    assert report.errors == []
    assert report.claims == len(records) - 1
