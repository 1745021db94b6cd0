"""Download views (/exports/...), API export endpoints (/api/exports/...), admin actions and export_claims."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import exports
from tests.exports.test_formats import HOSTILE_QUOTE, RTL_QUOTE, build_hostile_desk

FORMATS = ["csv", "jsonl", "webannotation", "claimreview"]


@pytest.fixture
def desk(db):
    return build_hostile_desk()


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def claim_ids_in(text: str) -> set[int]:
    return {int(row["claim_id"]) for row in exports.read_csv(text)}


# ---------------------------------------------------------------- download views


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["claims", "articles"])
def test_it_sends_anonymous_users_to_login(client, desk, kind, fmt):
    response = client.get(reverse(f"exports:{kind}_{fmt}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", ["alice", "carol", "erin"])
def test_it_streams_the_same_export_to_owner_other_user_and_editor(client, desk, persona, fmt):
    client.force_login(next(u for u in desk["users"] if u.username == persona))

    response = client.get(reverse(f"exports:claims_{fmt}"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    assert response["Content-Disposition"].endswith(f'.{exports.FORMATS[fmt].extension}"')
    assert response["Content-Type"] == exports.FORMATS[fmt].content_type
    text = body(response)
    assert "DELETED-SECRET" not in text


def test_it_exports_every_live_claim_with_hostile_text_intact(client, desk):
    client.force_login(desk["users"][1])  # carol, who wrote none of the verdicts

    rows = exports.read_csv(body(client.get(reverse("exports:claims_csv"))))

    assert {int(r["claim_id"]) for r in rows} == {c.pk for c in desk["claims"].values()}
    assert {r["quote"] for r in rows} >= {HOSTILE_QUOTE, RTL_QUOTE}


def test_it_applies_the_claim_list_filters(client, desk):
    client.force_login(desk["users"][0])
    speaker = desk["speaker"].pk

    assert claim_ids_in(body(client.get(reverse("exports:claims_csv"), {"speaker": speaker}))) == {
        desk["claims"]["formula"].pk
    }
    assert claim_ids_in(body(client.get(reverse("exports:claims_csv"), {"tag": "politica"}))) == {
        desk["claims"]["formula"].pk,
        desk["claims"]["rtl"].pk,
    }
    assert claim_ids_in(body(client.get(reverse("exports:claims_csv"), {"q": "figure"}))) == {
        desk["claims"]["repeated"].pk
    }
    mine = claim_ids_in(body(client.get(reverse("exports:claims_csv"), {"mine": "true"})))
    assert mine == {desk["claims"]["formula"].pk, desk["claims"]["rtl"].pk}


def test_it_applies_the_filters_to_every_format(client, desk):
    client.force_login(desk["users"][0])
    query = {"article": desk["articles"][1].pk}

    records = body(client.get(reverse("exports:claims_jsonl"), query)).splitlines()
    annotations = json.loads(body(client.get(reverse("exports:claims_webannotation"), query)))
    claimreview = json.loads(body(client.get(reverse("exports:claims_claimreview"), query)))

    claims = [json.loads(line) for line in records if '"type":"claim"' in line]
    assert {c["id"] for c in claims} == {desk["claims"]["repeated"].pk, desk["claims"]["orphan"].pk}
    assert annotations["id"].endswith(f"/exports/claims.webannotation.jsonld?article={desk['articles'][1].pk}")
    assert {a["motivation"] for a in annotations["first"]["items"]} == {"highlighting", "linking"}
    assert claimreview["dataFeedElement"] == []  # the published verdict is on the other article


def test_it_exports_the_claims_of_the_filtered_articles(client, desk):
    client.force_login(desk["users"][0])
    second = desk["articles"][1]

    ids = claim_ids_in(body(client.get(reverse("exports:articles_csv"), {"q": "outlet repeated"})))
    records = [json.loads(line) for line in body(client.get(reverse("exports:articles_jsonl"))).splitlines()]

    assert ids == {desk["claims"]["repeated"].pk, desk["claims"]["orphan"].pk}
    assert [r["id"] for r in records if r["type"] == "article"] == sorted(a.pk for a in desk["articles"])
    assert second.pk in {r["article"]["id"] for r in records if r["type"] == "claim"}


@pytest.mark.parametrize("query", [{"speaker": "999999"}, {"state": "bogus"}, {"article": "abc"}])
def test_it_refuses_bad_filters_with_a_400_that_says_why(client, desk, query):
    client.force_login(desk["users"][0])

    response = client.get(reverse("exports:claims_csv"), query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(f"Invalid filter: {next(iter(query))}:")


def test_it_refuses_a_bad_article_filter(client, desk):
    client.force_login(desk["users"][0])
    response = client.get(reverse("exports:articles_jsonl"), {"published_after": "yesterday"})
    assert response.status_code == 400


def test_it_refuses_writes(client, desk):
    client.force_login(desk["users"][0])
    assert client.post(reverse("exports:claims_csv")).status_code == 405


def test_it_reads_a_fixed_number_of_queries_whatever_the_claims(client, desk, django_assert_num_queries):
    client.force_login(desk["users"][0])
    # session + user, then one chunk: rows, tags, links, the links' live ends, verdicts.
    with django_assert_num_queries(7):
        body(client.get(reverse("exports:claims_csv")))


# ---------------------------------------------------------------- API


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["claims", "articles"])
def test_it_refuses_anonymous_api_exports(client, desk, kind, fmt):
    response = client.get(reverse(f"export_api:{kind}_{fmt}"))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["alice", "carol", "erin"])
def test_it_streams_api_exports_with_the_list_filters(client, desk, persona):
    client.force_login(next(u for u in desk["users"] if u.username == persona))

    response = client.get(reverse("export_api:claims_csv"), {"tag": "politica"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert claim_ids_in(body(response)) == {desk["claims"]["formula"].pk, desk["claims"]["rtl"].pk}


def test_it_answers_a_bad_api_filter_with_a_json_400(client, desk):
    client.force_login(desk["users"][0])

    response = client.get(reverse("export_api:claims_jsonl"), {"state": "bogus"})

    assert response.status_code == 400
    assert "state" in response.json()


def test_it_serves_api_web_annotation_and_article_exports(client, desk):
    client.force_login(desk["users"][2])

    annotations = json.loads(body(client.get(reverse("export_api:claims_webannotation"))))
    records = body(client.get(reverse("export_api:articles_jsonl"), {"q": "outlet repeated"})).splitlines()

    assert annotations["total"] == len(annotations["first"]["items"])
    assert annotations["id"].endswith("/api/exports/claims.webannotation.jsonld")
    assert [json.loads(r)["id"] for r in records if '"type":"article"' in r] == [desk["articles"][1].pk]


# ---------------------------------------------------------------- admin actions


def test_it_exports_selected_claims_from_the_admin(client, desk):
    client.force_login(desk["users"][3])  # erin, an editor
    selected = [desk["claims"]["formula"].pk, desk["deleted"].pk]

    response = client.post(
        reverse("admin:articles_claim_changelist"), {"action": "export_csv", "_selected_action": selected}
    )

    assert response.status_code == 200
    assert claim_ids_in(body(response)) == {desk["claims"]["formula"].pk}  # never the deleted one


def test_it_exports_selected_verdicts_as_claimreview_from_the_admin(client, desk):
    client.force_login(desk["users"][3])
    selected = [desk["verdict"].pk, desk["old_verdict"].pk, desk["draft"].pk]

    response = client.post(
        reverse("admin:articles_verdict_changelist"), {"action": "export_claimreview", "_selected_action": selected}
    )

    assert response.status_code == 200
    items = json.loads(body(response))["dataFeedElement"]
    assert [item["url"].rsplit("/", 2)[-2] for item in items] == [str(desk["verdict"].pk)]


# ---------------------------------------------------------------- export_claims


def test_it_exports_with_the_command_to_a_file(desk, tmp_path):
    path = tmp_path / "claims.csv"

    call_command("export_claims", "--format", "csv", "-o", str(path), "--filter", "tag=politica")

    assert path.read_bytes().startswith(b"\xef\xbb\xbfclaim_id")
    assert claim_ids_in(path.read_text(encoding="utf-8-sig")) == {
        desk["claims"]["formula"].pk,
        desk["claims"]["rtl"].pk,
    }
    assert not (tmp_path / "claims.csv.part").exists()


def test_it_exports_with_the_command_to_stdout(desk):
    out = io.StringIO()

    article = desk["articles"][1].pk
    call_command("export_claims", "--format", "webannotation", "--filter", f"article={article}", stdout=out)

    document = json.loads(out.getvalue())
    assert document["id"].endswith(f"/exports/claims.webannotation.jsonld?article={desk['articles'][1].pk}")
    assert document["total"] == 3


def test_it_exports_article_filters_with_the_command(desk):
    out = io.StringIO()

    call_command("export_claims", "--format", "jsonl", "--articles", "--filter", "has_claims=false", stdout=out)

    assert [json.loads(line)["type"] for line in out.getvalue().splitlines()] == ["export"]


def test_it_resolves_mine_for_the_given_user(desk):
    out = io.StringIO()
    call_command("export_claims", "--format", "csv", "--user", "carol", "--filter", "mine=true", stdout=out)
    assert claim_ids_in(out.getvalue()) == {
        desk["claims"]["at_sign"].pk,
        desk["claims"]["repeated"].pk,
        desk["claims"]["orphan"].pk,
    }


@pytest.mark.parametrize(
    "args,message",
    [
        (["--filter", "colour=red"], "unknown filter 'colour'"),
        (["--filter", "speaker"], "write it as name=value"),
        (["--filter", "state=bogus"], "Invalid filter: state:"),
        (["--user", "nobody"], "no such user"),
        (["--chunk-size", "0"], "--chunk-size must be 1 or more"),
    ],
)
def test_it_refuses_bad_command_options(desk, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_claims", "--format", "csv", *args, stdout=io.StringIO())


def test_it_leaves_no_file_when_an_export_fails(desk, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        yield "partial"
        raise RuntimeError("database went away")

    monkeypatch.setitem(exports.FORMATS, "csv", exports.FORMATS["csv"].__class__("csv", "", "csv", "text/csv", broken))
    with pytest.raises(RuntimeError):
        call_command("export_claims", "--format", "csv", "-o", str(tmp_path / "out.csv"))
    assert list(tmp_path.iterdir()) == []


def test_it_draws_a_progress_bar_only_on_a_terminal(desk, capsys, monkeypatch):
    call_command("export_claims", "--format", "csv", stdout=io.StringIO())
    assert capsys.readouterr().err == ""

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    call_command("export_claims", "--format", "csv", "--chunk-size", "2", stdout=io.StringIO())
    err = capsys.readouterr().err
    assert "5/5 claims 100%" in err
    assert err.count("\r") == 3
