"""Comments travel with their claims: JSON Lines out and back in (equal apart from ids, a second import adds
nothing), and W3C Web Annotations (`commenting` roots, `replying` replies) that pass the 54 MUSTs."""

import json
import re

import pytest

from articles import exports, services
from articles.importing.jsonl import import_jsonl
from articles.models import Claim, Comment, Notification
from tests.exports.test_formats import _validator, build_hostile_desk
from tests.importing.test_jsonl import empty_the_desk, export_jsonl, without_ids

HOSTILE = '=cmd|"/c calc"!A1 <script>alert("x")</script> 🙂\nsecond line'


@pytest.fixture
def desk(db):
    desk = build_hostile_desk()
    alice, carol, bob, erin, _ = desk["users"]
    formula, rtl = desk["claims"]["formula"], desk["claims"]["rtl"]
    root = services.add_comment(user=alice, claim=formula, text=f"@bob {HOSTILE}")
    services.add_comment(user=bob, parent=root, text="A reply")
    edited = services.add_comment(user=carol, parent=root, text="first words")
    services.edit_comment(user=carol, comment=edited, version=1, text="better words @alice")
    gone = services.add_comment(user=carol, claim=formula, text="DELETED-COMMENT-SECRET")
    services.add_comment(user=alice, parent=gone, text="reply to a deleted root")
    services.delete_comment(user=carol, comment=gone)
    dropped = services.add_comment(user=bob, parent=root, text="DELETED-REPLY-SECRET")
    services.delete_comment(user=bob, comment=dropped)
    done = services.add_comment(user=erin, claim=rtl, text="resolved thread")
    services.resolve_thread(user=bob, comment=done)
    on_verdict = services.add_comment(user=erin, verdict=desk["verdict"], text="Evidence two is thin")
    services.add_comment(user=bob, parent=on_verdict, text="Replaced it")
    deleted = services.restore_claim(user=carol, claim=desk["deleted"])  # commented on, then deleted again
    services.add_comment(user=alice, claim=deleted, text="ON-A-DELETED-CLAIM")
    services.delete_claim(user=carol, claim=deleted)
    return desk


def without_comment_ids(text: str) -> list[dict]:
    """without_ids(), and comment ids (and their parents) replaced by their order of appearance."""
    numbers: dict[int, str] = {}

    def number(value):
        return None if value is None else numbers.setdefault(value, f"comment-{len(numbers)}")

    def renumber(comments):
        return [{**c, "id": number(c["id"]), "parent": number(c["parent"])} for c in comments]

    records = without_ids(text)
    for record in records:
        if record["type"] == "claim":
            record["comments"] = renumber(record["comments"])
            record["verdicts"] = [{**v, "comments": renumber(v["comments"])} for v in record["verdicts"]]
    return records


def test_it_exports_each_claims_comments_and_its_verdicts_comments(desk):
    records = [json.loads(line) for line in export_jsonl().splitlines()]
    formula = next(r for r in records if r["type"] == "claim" and r["id"] == desk["claims"]["formula"].pk)
    texts = [c["text"] for c in formula["comments"]]
    assert texts[0] == f"@bob {HOSTILE}" and "A reply" in texts and "better words @alice" in texts
    deleted_root = next(c for c in formula["comments"] if c["deleted_at"])
    assert deleted_root["text"] == "" and deleted_root["parent"] is None
    verdict = next(v for v in formula["verdicts"] if v["id"] == desk["verdict"].pk)
    assert [c["text"] for c in verdict["comments"]] == ["Evidence two is thin", "Replaced it"]
    text = export_jsonl()
    for secret in ("DELETED-COMMENT-SECRET", "DELETED-REPLY-SECRET", "ON-A-DELETED-CLAIM"):
        assert secret not in text


def test_it_round_trips_comments_through_json_lines(desk):
    original = export_jsonl()
    empty_the_desk()

    report = import_jsonl(original.splitlines(keepends=True))

    assert report.errors == []
    assert report.comments == 8
    again = export_jsonl()
    assert without_comment_ids(again) == without_comment_ids(original)
    assert again != original
    assert not Notification.objects.exists()  # an import tells nobody
    mentioned = Comment.objects.get(text=f"@bob {HOSTILE}").mentioned.all()
    assert [u.username for u in mentioned] == []  # bob came back inactive: no mention of an inactive user


def test_it_adds_no_comment_on_a_second_import(desk):
    original = export_jsonl()
    empty_the_desk()
    import_jsonl(original.splitlines())
    count = Comment.objects.count()

    report = import_jsonl(original.splitlines())

    assert report.errors == [] and report.comments == 0 and Comment.objects.count() == count


def test_it_reports_a_comment_over_the_limit_by_line(desk):
    lines = export_jsonl().splitlines()
    n, line = next((i, line) for i, line in enumerate(lines) if "A reply" in line)
    lines[n] = line.replace("A reply", "x" * 10_001)
    empty_the_desk()
    report = import_jsonl(lines)
    assert any("the limit is 10000" in message for _, message in report.errors)


def test_it_writes_comments_as_annotations_that_pass_every_w3c_must(desk):
    _, failures = _validator()
    document = json.loads("".join(exports.write_webannotation(Claim.objects.all())))
    items = document["first"]["items"]
    assert document["total"] == len(items)
    comments = [item for item in items if item["motivation"] in ("commenting", "replying")]
    assert len(comments) == 8
    for item in comments:
        assert failures("annotations/annotationMusts.test", item) == [], item
    formula_id = next(
        i["id"]
        for i in items
        if i["motivation"] == "highlighting" and i["id"].endswith(f"/{desk['claims']['formula'].pk}/")
    )
    root = next(i for i in comments if i.get("body", {}).get("value") == f"@bob {HOSTILE}")
    assert root["motivation"] == "commenting" and root["target"] == formula_id
    reply = next(i for i in comments if i.get("body", {}).get("value") == "A reply")
    assert reply["motivation"] == "replying" and reply["target"] == root["id"]
    assert reply["body"]["purpose"] == "replying"
    on_verdict = next(i for i in comments if i.get("body", {}).get("value") == "Evidence two is thin")
    assert re.search(rf"#verdict-{desk['verdict'].pk}$", on_verdict["target"])
    resolved = next(i for i in comments if isinstance(i.get("body"), list))
    assert {"value": "resolved", "purpose": "classifying"}.items() <= resolved["body"][1].items()
    text = json.dumps(document)
    for secret in ("DELETED-COMMENT-SECRET", "DELETED-REPLY-SECRET", "ON-A-DELETED-CLAIM"):
        assert secret not in text
