"""The export writers: CSV, JSON Lines, W3C Web Annotation and ClaimReview on hostile text.

build_hostile_desk() is shared with the import and view tests (imported from this module).
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles import exports, services
from articles.models import Claim, Source, Speaker, Verdict
from articles.queries import CLAIM_SPAN_FIELDS

SHARED = Path(__file__).resolve().parents[3] / "shared"
WEB_ANNOTATION = SHARED / "conformance" / "web-annotation"
CLAIMREVIEW_CHECKLIST = SHARED / "conformance" / "claimreview" / "google-claimreview-checklist.json"

FORMULAS = ("=", "+", "-", "@", "\t", "\r")
RLM = "\u200f"
HOSTILE_QUOTE = '=HYPERLINK("http://evil.example/?a=1,2","click")'
RTL_QUOTE = f"{RLM}-2 مرحبا, \"deaths\" 🙂 <script>alert('x')</script>"
HOSTILE_BODY = (
    'Opening line, with commas, "quotes" and <b>tags</b>.\n'
    f"The spokesperson wrote {HOSTILE_QUOTE} in the chat.\n"
    f"Then a reply: {RTL_QUOTE} — end.\n"
    "  @SUM(1+1) was pasted as well.\n"
    "A final sentence that mentions 🙂 emoji and a\ttab.\n"
)
SECOND_BODY = "Another outlet repeated it: +44 said the figure was 1,200. The mayor denied it.\n"


def _user(username, role):
    user = User.objects.create_user(username=username, password="x-not-used-x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def _claim(article, quote, *, user, **fields):
    start = article.body.index(quote)
    return services.create_claim(user=user, article=article, start=start, end=start + len(quote), quote=quote, **fields)


def _publish(verdict, *, author, editor):
    verdict = services.submit_verdict(user=author, verdict=verdict)
    verdict = services.approve_verdict(user=editor, verdict=verdict)
    return services.publish_verdict(user=editor, verdict=verdict)


def build_hostile_desk():
    """Two articles, five claims (one deleted, one orphaned), links and verdicts in several states.

    Returns a dict of the records by role. Every text field carries something hostile: formula
    starters, quotes, commas, newlines, markup, emoji and right-to-left marks.
    """
    alice = User.objects.filter(username="alice").first() or _user("alice", "Annotator")
    carol = User.objects.filter(username="carol").first() or _user("carol", "Annotator")
    bob = User.objects.filter(username="bob").first() or _user("bob", "Fact-checker")
    erin = User.objects.filter(username="erin").first() or _user("erin", "Editor")
    frank = User.objects.filter(username="frank").first() or _user("frank", "Editor")
    outlet = Source.objects.create(name='=Outlet, "Daily" <i>', homepage="https://outlet.example/")
    first = services.create_article(
        user=alice,
        title='-Mayor\'s "retreat", explained\n<script>x</script>',
        body=HOSTILE_BODY,
        source=outlet,
        url="https://outlet.example/news/retreat?x=1&y=2",
        byline="@Reporter, Desk",
        published=date(2025, 3, 4),
        language="es",
        raw="<p>raw original</p>",
        raw_format="html",
    )
    second = services.create_article(user=carol, title="Second", body=SECOND_BODY)
    speaker = Speaker.objects.create(
        name="<img src=x onerror=alert(1)>", description='+mayor, "acting"', affiliation=f"{RLM}party"
    )
    formula = _claim(
        first,
        HOSTILE_QUOTE,
        user=alice,
        speaker=speaker,
        summary='+1 said "eight, or ten"\nsecond line',
        tags=["politica", "émoji-🙂"],
    )
    rtl = _claim(first, RTL_QUOTE, user=alice, summary="'=already quoted", tags=["politica"])
    at_sign = _claim(first, "  @SUM(1+1)", user=carol, summary="\tstarts with a tab")
    deleted = _claim(first, "A final sentence", user=carol, summary="DELETED-SECRET")
    repeated = _claim(second, "+44 said the figure was 1,200", user=carol, summary="  =spaces then formula")
    orphan = _claim(second, "The mayor denied it.", user=carol, summary="lost its text")
    Claim.objects.filter(pk=orphan.pk).update(start=None, end=None, anchor_state=Claim.AnchorState.ORPHANED)

    services.link_claims(
        user=alice, from_claim=formula, to_claim=rtl, relation="contradicts", note='-note, "hostile"\n<script>'
    )
    services.link_claims(user=carol, from_claim=repeated, to_claim=formula, relation="same_claim")
    services.link_claims(user=carol, from_claim=at_sign, to_claim=orphan, relation="cites")
    services.link_claims(user=carol, from_claim=deleted, to_claim=formula, relation="supports")
    services.delete_claim(user=carol, claim=deleted)

    published = services.create_verdict(
        user=bob,
        claim=formula,
        rating="false",
        headline='=False: "no" <script>',
        explanation="Line one,\nline two 🙂",
        evidence=[{"url": "https://records.example/murders?year=2024", "title": "@Records", "note": "+note"}],
    )
    published = _publish(published, author=bob, editor=erin)
    correction = services.correct_verdict(user=erin, verdict=published, reason="-Fixed the year")
    correction = services.update_verdict(
        user=erin, verdict=correction, version=correction.version, rating="mostly_false"
    )
    correction = _publish(correction, author=erin, editor=frank)
    draft = services.create_verdict(
        user=bob, claim=rtl, rating="misleading", headline="draft", evidence=[{"url": "https://a.example/"}]
    )
    services.create_verdict(user=bob, claim=repeated)  # unrated draft
    return {
        "users": (alice, carol, bob, erin, frank),
        "articles": (first, second),
        "claims": {"formula": formula, "rtl": rtl, "at_sign": at_sign, "repeated": repeated, "orphan": orphan},
        "deleted": deleted,
        "speaker": speaker,
        "old_verdict": Verdict.objects.get(pk=published.pk),
        "verdict": correction,
        "draft": draft,
    }


def collect(chunks) -> str:
    return "".join(chunks)


@pytest.fixture
def desk(db):
    return build_hostile_desk()


# ---------------------------------------------------------------- CSV


def test_it_writes_csv_with_bom_crlf_and_one_row_per_live_claim(desk):
    text = collect(exports.write_csv(Claim.objects.all()))

    assert text.startswith("\ufeffclaim_id,claim_url,")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert len(rows) == 1 + 5
    assert "DELETED-SECRET" not in text
    assert "\r\n" in text


def test_it_neutralises_every_cell_a_spreadsheet_would_run(desk):
    text = collect(exports.write_csv(Claim.objects.all()))

    for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
        for cell in row:
            assert not cell.lstrip(" \n").startswith(FORMULAS), cell
    assert "'=HYPERLINK(" in text
    assert "'  @SUM(1+1)" in text
    assert "'=spaces then formula" in text
    assert "''=already quoted" in text


def test_it_reads_csv_back_exactly(desk):
    rows = {row["claim_id"]: row for row in exports.read_csv(collect(exports.write_csv(Claim.objects.all())))}

    for claim in Claim.objects.live():
        row = rows[str(claim.pk)]
        assert row["quote"] == claim.quote
        assert row["prefix"] == claim.prefix
        assert row["suffix"] == claim.suffix
        assert row["summary"] == claim.summary
        assert row["article_title"] == claim.article.title
        assert row["start"] == ("" if claim.start is None else str(claim.start))
    formula = rows[str(desk["claims"]["formula"].pk)]
    assert formula["speaker"] == desk["speaker"].name
    assert formula["speaker_role"] == '+mayor, "acting"'
    assert formula["article_source"] == '=Outlet, "Daily" <i>'
    assert formula["tags"] == "politica; émoji"  # slugified: the emoji is not a tag character
    rtl_id, repeated_id = desk["claims"]["rtl"].pk, desk["claims"]["repeated"].pk
    assert formula["links"] == f"contradicts #{rtl_id}; same_claim #{repeated_id}"
    assert formula["verdict_rating"] == "Mostly false"
    assert formula["verdict_state"] == "published"
    assert formula["verdict_headline"] == '=False: "no" <script>'
    assert formula["verdict_url"].endswith(f"/verdicts/{desk['verdict'].pk}/")
    assert rows[str(rtl_id)]["verdict_state"] == "draft"
    assert rows[str(desk["claims"]["at_sign"].pk)]["links"] == f"cites #{desk['claims']['orphan'].pk}"


@pytest.mark.parametrize(
    "text", ["", "plain", "=1+1", "  -x", "'", "'=x", "''=x", "' =x", "\t", "\rx", "\n=x", "'plain", "@", "a=b"]
)
def test_it_restores_exactly_what_it_neutralised(text):
    assert exports.restore_cell(exports.neutralise_cell(text)) == text
    assert not exports.neutralise_cell(text).lstrip(" \n").startswith(FORMULAS)


# ---------------------------------------------------------------- JSON Lines


def _records(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_it_writes_jsonl_records_with_articles_before_their_claims(desk):
    records = _records(collect(exports.write_jsonl(Claim.objects.all())))

    assert records[0]["type"] == "export"
    assert records[0]["format"] == "factcheck-desk.claims"
    seen_articles = set()
    for record in records[1:]:
        if record["type"] == "article":
            seen_articles.add(record["id"])
        else:
            assert record["article"]["id"] in seen_articles
    articles = [r for r in records if r["type"] == "article"]
    assert len(articles) == 2
    assert articles[0]["body"] == HOSTILE_BODY
    assert articles[0]["raw"] == "<p>raw original</p>"
    assert articles[0]["source"] == {"name": '=Outlet, "Daily" <i>', "homepage": "https://outlet.example/"}


def test_it_writes_jsonl_claims_with_links_verdicts_and_evidence(desk):
    text = collect(exports.write_jsonl(Claim.objects.all()))
    claims = {r["id"]: r for r in _records(text) if r["type"] == "claim"}

    assert "DELETED-SECRET" not in text
    assert set(claims) == {c.pk for c in desk["claims"].values()}
    formula = claims[desk["claims"]["formula"].pk]
    assert formula["quote"] == HOSTILE_QUOTE
    assert formula["summary"] == '+1 said "eight, or ten"\nsecond line'
    assert formula["speaker"]["name"] == "<img src=x onerror=alert(1)>"
    assert formula["tags"] == ["politica", "émoji"]
    assert [(link["direction"], link["relation"]) for link in formula["links"]] == [
        ("out", "contradicts"),
        ("in", "same_claim"),
    ]
    assert [v["state"] for v in formula["verdicts"]] == ["corrected", "published"]
    assert formula["current_verdict"] == desk["verdict"].pk
    assert formula["verdicts"][1]["corrects"] == desk["old_verdict"].pk
    assert formula["verdicts"][1]["correction_note"] == "-Fixed the year"
    assert formula["verdicts"][0]["evidence"] == [
        {"url": "https://records.example/murders?year=2024", "title": "@Records", "note": "+note", "position": 0}
    ]
    orphan = claims[desk["claims"]["orphan"].pk]
    assert (orphan["start"], orphan["end"], orphan["anchor_state"]) == (None, None, "orphaned")
    assert claims[desk["claims"]["rtl"].pk]["quote"] == RTL_QUOTE


def test_it_keeps_one_jsonl_record_per_line_whatever_the_text(desk):
    Claim.objects.filter(pk=desk["claims"]["rtl"].pk).update(summary="line\u2028separator\u2029para\r\nend")
    text = collect(exports.write_jsonl(Claim.objects.all()))

    lines = text.splitlines()  # splits on \u2028 too, so any raw separator would break a record
    assert all(json.loads(line) for line in lines)
    claims = [json.loads(line) for line in lines if '"type":"claim"' in line]
    assert any(c["summary"] == "line\u2028separator\u2029para\r\nend" for c in claims)


CLAIM_RECORD_KEYS = [
    "type", "id", "key", "url", "article", *CLAIM_SPAN_FIELDS, "anchor_state", "speaker", "summary", "tags",
    "links", "current_verdict", "verdicts", "comments", "created_by", "created_at", "updated_at",
]  # fmt: skip


def test_it_writes_each_claim_line_exactly_as_json_dumps_writes_its_record(desk):
    # Claim lines are spliced from pieces encoded apart (for speed); they must still be the one compact
    # encoding of the record, keys in order, so files stay comparable byte for byte across versions.
    Claim.objects.filter(pk=desk["claims"]["rtl"].pk).update(summary='tab\t"quote" \\ back \x01 \u2028 end')
    lines = collect(exports.write_jsonl(Claim.objects.all())).splitlines()
    claim_lines = [line for line in lines if line.startswith('{"type":"claim"')]

    assert len(claim_lines) == len(desk["claims"])
    for line in claim_lines:
        record = json.loads(line)
        assert list(record) == CLAIM_RECORD_KEYS
        expected = json.dumps(record, ensure_ascii=False, separators=(",", ":")).replace("\u2028", "\\u2028")
        assert line == expected


def test_it_writes_claim_times_and_keys_as_python_does_with_and_without_microseconds(desk):
    # The database writes a claim line's dates (sqljson.IsoTime); isoformat() leaves out zero microseconds.
    whole, fraction = datetime(2025, 3, 4, 10, 0, tzinfo=UTC), datetime(2025, 3, 4, 10, 0, 0, 500, tzinfo=UTC)
    claim = desk["claims"]["rtl"]
    Claim.objects.filter(pk=claim.pk).update(created_at=whole, updated_at=fraction)
    records = {r["id"]: r for r in _records(collect(exports.write_jsonl(Claim.objects.all()))) if r["type"] == "claim"}

    record = records[claim.pk]
    assert (record["created_at"], record["updated_at"]) == (whole.isoformat(), fraction.isoformat())
    assert record["key"] == exports.claim_key(claim.article.content_hash, claim.start, claim.end, whole)
    orphan = records[desk["claims"]["orphan"].pk]
    assert orphan["key"].split(":")[1] == "" and orphan["start"] is None


def test_it_writes_every_filtered_article_in_the_article_export(desk):
    empty = services.create_article(user=None, title="No claims here", body="Nothing checkable.")
    articles = exports.Article.objects.filter(pk__in=[empty.pk, desk["articles"][1].pk])
    records = _records(collect(exports.write_jsonl(Claim.objects.none(), articles=articles)))

    assert [r["id"] for r in records if r["type"] == "article"] == sorted([empty.pk, desk["articles"][1].pk])
    assert {r["id"] for r in records if r["type"] == "claim"} == {
        desk["claims"]["repeated"].pk,
        desk["claims"]["orphan"].pk,
    }


# ---------------------------------------------------------------- W3C Web Annotation


def _validator():
    if not WEB_ANNOTATION.is_dir():
        pytest.skip(f"W3C Web Annotation test suite not found at {WEB_ANNOTATION}")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    definitions = (json.loads(p.read_text()) for p in (WEB_ANNOTATION / "definitions").glob("*.json"))
    registry = Registry().with_resources((d["id"], Resource(contents=d, specification=DRAFT4)) for d in definitions)

    def assertions(test_file):
        out = []

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    walk(item)
                elif isinstance(item, str):
                    out.append(json.loads((WEB_ANNOTATION / item).read_text()))
                elif "assertionFile" in item:
                    base = json.loads((WEB_ANNOTATION / item["assertionFile"]).read_text())
                    base.update({k: v for k, v in item.items() if k != "assertionFile"})
                    out.append(base)
                else:
                    out.append(item)

        walk(json.loads((WEB_ANNOTATION / test_file).read_text())["assertions"])
        return out

    def failures(test_file, document):
        bad = []
        for schema in assertions(test_file):
            validator = Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
            if validator.is_valid(document) != (schema.get("expectedResult", "valid") == "valid"):
                bad.append((schema["id"], schema.get("errorMessage")))
        return bad

    return assertions, failures


def test_it_has_a_live_w3c_validator():
    """The wiring (registry, format checkers) catches broken annotations, so passing means something."""
    assertions, failures = _validator()
    musts = assertions("annotations/annotationMusts.test")
    assert len(musts) == 54
    good = json.loads((WEB_ANNOTATION / "samples" / "correct" / "anno1.json").read_text())
    assert failures("annotations/annotationMusts.test", good) == []
    assert failures("annotations/annotationMusts.test", {**good, "id": "not a uri"}) != []
    broken = {**good, "target": {"source": "http://x.example/", "selector": {"type": "TextPositionSelector"}}}
    assert failures("annotations/annotationMusts.test", broken) != []


def test_it_writes_web_annotations_that_pass_every_w3c_must(desk):
    _, failures = _validator()
    document = json.loads(collect(exports.write_webannotation(Claim.objects.all())))
    items = document["first"]["items"]

    assert document["type"] == "AnnotationCollection"
    assert document["total"] == len(items)
    for item in items:
        assert failures("annotations/annotationMusts.test", item) == [], item
    collection = {k: v for k, v in document.items() if k != "first"} | {"first": document["first"]["id"]}
    assert failures("collections/collectionMusts.test", collection) == []
    page = {"@context": document["@context"], **document["first"]}
    assert failures("collections/pages/pageMusts.test", page) == []


def test_it_writes_claims_links_and_rated_verdicts_as_annotations(desk):
    document = json.loads(collect(exports.write_webannotation(Claim.objects.all())))
    by_motivation = {}
    for item in document["first"]["items"]:
        by_motivation.setdefault(item["motivation"], []).append(item)

    assert len(by_motivation["highlighting"]) == 5
    assert len(by_motivation["linking"]) == 3  # the link from the deleted claim is not there
    assert len(by_motivation["assessing"]) == 3  # the unrated draft is not an assessment
    formula = next(a for a in by_motivation["highlighting"] if a["id"].endswith(f"/{desk['claims']['formula'].pk}/"))
    quote, position = formula["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": HOSTILE_QUOTE,
        "prefix": desk["claims"]["formula"].prefix,
        "suffix": desk["claims"]["formula"].suffix,
    }
    assert position == {
        "type": "TextPositionSelector",
        "start": desk["claims"]["formula"].start,
        "end": desk["claims"]["formula"].end,
    }
    assert {b["purpose"] for b in formula["body"]} == {"identifying", "describing", "tagging"}
    link = next(a for a in by_motivation["linking"] if a["body"][0]["value"] == "contradicts")
    assert link["target"] == [
        formula["id"],
        formula["id"].replace(f"/{desk['claims']['formula'].pk}/", f"/{desk['claims']['rtl'].pk}/"),
    ]
    assert "DELETED-SECRET" not in json.dumps(document)


# ---------------------------------------------------------------- ClaimReview


def _checklist():
    if not CLAIMREVIEW_CHECKLIST.is_file():
        pytest.skip(f"ClaimReview checklist not found at {CLAIMREVIEW_CHECKLIST}")
    return json.loads(CLAIMREVIEW_CHECKLIST.read_text())


def _at(node, path):
    for part in path.split(".") if path else ():
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_it_writes_published_verdicts_as_claimreview_with_googles_properties(desk):
    checklist = _checklist()
    document = json.loads(collect(exports.write_claimreview(Claim.objects.all())))

    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "DataFeed"
    [verdict] = document["dataFeedElement"]  # only the live published verdict; not the draft or the corrected
    assert verdict["@type"] == "ClaimReview"
    for type_name, rules in checklist["types"].items():
        for rule in rules:
            node = _at(verdict, rule.get("path", ""))
            value = node.get(rule["property"]) if isinstance(node, dict) else None
            assert value not in (None, "", []), f"{type_name}.{rule['property']} ({rule['status']}) missing"
            for sub in rule.get("subproperties", []):
                if sub["status"] in ("required", "recommended"):
                    assert value.get(sub["property"]), f"{rule['property']}.{sub['property']} missing"
    assert verdict["claimReviewed"] == '+1 said "eight, or ten"\nsecond line'
    assert verdict["reviewRating"]["alternateName"] == "Mostly false"
    rating = verdict["reviewRating"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert verdict["url"].startswith("http") and verdict["url"].endswith(f"/verdicts/{desk['verdict'].pk}/")
    assert verdict["itemReviewed"]["author"]["name"] == "<img src=x onerror=alert(1)>"


def test_it_keeps_claimreview_to_the_selected_verdicts(desk):
    none_selected = Verdict.objects.filter(pk=desk["draft"].pk)
    document = json.loads(collect(exports.write_claimreview(Claim.objects.all(), verdicts=none_selected)))

    assert document["dataFeedElement"] == []


# ---------------------------------------------------------------- scale


def _many_claims(article, user, count):
    claims = []
    for n in range(count):
        claim = services.create_claim(user=user, article=article, start=n, end=n + 3, quote=article.body[n : n + 3])
        claims.append(claim)
    return claims


WRITERS = ["csv", "jsonl", "webannotation", "claimreview"]
# Queries per chunk of claims: rows, then tags, links and their live ends (two queries, when the chunk has links:
# every chunk here has), verdicts (and evidence, comments, articles, or counts); JSON Lines also reads the chunk's
# articles as its claim lines name them, once each (not once per claim).
PER_CHUNK = {"csv": 5, "jsonl": 8, "webannotation": 7, "claimreview": 2}
# Queries once per export: the Web Annotation total (four counts); JSON Lines reads each batch of
# up to 100 articles once, in the chunk whose claims first need them (here one article).
ONCE = {"csv": 0, "jsonl": 1, "webannotation": 4, "claimreview": 0}


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("count,chunks", [(10, 1), (60, 3)])
def test_it_runs_a_fixed_number_of_queries_per_chunk(fmt, count, chunks, alice, bob, erin, django_assert_num_queries):
    article = services.create_article(user=alice, title="Many", body="x" * 100 + " many claims here")
    claims = _many_claims(article, alice, count)
    for claim in claims[::3]:
        services.link_claims(
            user=alice, from_claim=claim, to_claim=claims[-1 if claim != claims[-1] else 0], relation="cites"
        )
        verdict = services.create_verdict(
            user=bob, claim=claim, rating="true", headline="h", evidence=[{"url": "https://e.example/"}]
        )
        _publish(verdict, author=bob, editor=erin)
    # A full last chunk costs one more (empty) keyset query to find the end.
    expected = ONCE[fmt] + chunks * PER_CHUNK[fmt] + (1 if count % 20 == 0 else 0)

    with django_assert_num_queries(expected):
        text = collect(exports.FORMATS[fmt].writer(Claim.objects.all(), chunk_size=20))
    assert text


def test_it_starts_the_download_before_reading_the_claims(desk, django_assert_num_queries):
    with django_assert_num_queries(0):
        first = next(iter(exports.write_csv(Claim.objects.all())))
    assert first.startswith("\ufeffclaim_id")


def test_it_stamps_exports_with_the_time(desk):
    record = _records(collect(exports.write_jsonl(Claim.objects.none())))[0]
    assert abs((timezone.now() - timezone.datetime.fromisoformat(record["exported_at"])).total_seconds()) < 3600


def test_it_finds_a_verdicts_comments_in_every_chunk_when_its_claim_has_none(alice, bob, erin):
    """Every chunk after the first runs the statements compiled for the first (exports._Statement): a comment on a
    verdict whose claim has none is in each of them (a join made INNER would drop it), and a sparse chunk's too."""
    article = services.create_article(user=alice, title="Chunks", body="x" * 100 + " claims in chunks")
    claims = _many_claims(article, alice, 11)
    for claim in claims[1::2]:
        verdict = services.create_verdict(user=bob, claim=claim, rating="true", headline="h")
        services.add_comment(user=erin, verdict=verdict, text=f"on the verdict of {claim.pk}")
    for chunk_size, selection in [(1, claims), (2, claims), (2, claims[::5])]:
        selected = Claim.objects.filter(pk__in=[claim.pk for claim in selection])
        records = [
            r for r in _records(collect(exports.write_jsonl(selected, chunk_size=chunk_size))) if r["type"] == "claim"
        ]
        assert [r["id"] for r in records] == [claim.pk for claim in selection]
        for record in records:
            comments = [c["text"] for verdict in record["verdicts"] for c in verdict["comments"]]
            expected = [f"on the verdict of {record['id']}"] if record["verdicts"] else []
            assert (comments, record["comments"]) == (expected, [])


def test_it_reads_every_chunk_when_a_filter_holds_a_stand_in_number(alice):
    """A filter whose own value equals a _Statement's stand-in fails its check: the query is built for each chunk."""
    article = services.create_article(user=alice, title="Stand-in", body="x" * 100 + " claims in chunks")
    claims = _many_claims(article, alice, 5)
    selected = Claim.objects.filter(pk__gt=exports._STAND_INS[0])
    assert [row["id"] for rows in exports.claim_chunks(selected, chunk_size=2) for row in rows] == [
        claim.pk for claim in claims
    ]
