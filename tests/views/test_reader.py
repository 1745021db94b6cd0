"""The reader page: the article with its claims and links embedded, in a fixed number of queries."""

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from articles import services
from articles.models import Claim, ClaimLink, Speaker, Tag, Verdict
from articles.queries import expand_compact, expand_compact_links
from tests.db_helpers import store_bypassing_checks
from tests.verdict_helpers import make_verdict


def reader_data(response):
    """The page's data, its compact claims expanded as reader/store.js does (the compact form in "compact")."""
    html = response.content.decode()
    start = html.index('<script id="reader-data" type="application/json">') + len(
        '<script id="reader-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    data["compact"] = data["claims"]
    data["claims"] = expand_compact(data["claims"], data["article"]["body"])
    data["compact_links"] = data["links"]
    labels = {relation["value"]: relation["label"] for relation in data["relations"]}
    data["links"] = expand_compact_links(data["links"], data["claims"], labels)
    return data


def many_claims(article, user, count):
    """`count` claims over the article's words, some nested and overlapping, in one insert."""
    words, at = [], 0
    for word in article.body.split(" "):
        words.append((at, at + len(word)))
        at += len(word) + 1
    claims = []
    for i in range(count):
        start, _ = words[i % len(words)]
        _, end = words[min(len(words) - 1, i % len(words) + i % 4)]
        claims.append(Claim(article=article, start=start, end=end, quote=article.body[start:end], created_by=user))
    return Claim.objects.bulk_create(claims)


def test_it_embeds_the_body_claims_and_links(client, alice, carol, article, make_article, make_claim, mayor):
    mine = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"])
    other = make_claim(make_article("Elsewhere the group disagreed."), "the group disagreed", user=carol)
    ClaimLink.objects.create(from_claim=other, to_claim=mine, relation="contradicts", created_by=carol)
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    data = reader_data(response)
    assert data["article"]["body"] == article.body
    assert 'id="claim-count">1</span>' in response.content.decode()
    assert '"rows":[[' in response.content.decode()  # no spaces after separators
    [claim] = data["claims"]
    assert (claim["id"], claim["speaker"]["name"], claim["tags"], claim["can_edit"]) == (
        mine.pk,
        "Bonifacio Bustamante",
        ["police"],
        True,
    )
    [link] = data["links"]
    assert link["from_claim"]["quote"] == "the group disagreed"
    assert {r["value"] for r in data["relations"]} == {"contradicts", "supports", "same_claim", "responds_to", "cites"}
    assert data["may"] == {"add_claim": True, "add_speaker": True, "add_link": True}


def test_it_marks_other_users_claims_read_only_and_editors_may_edit(client, alice, erin, article, make_claim):
    make_claim(article, "tactical retreat", user=erin)
    client.force_login(alice)
    assert reader_data(client.get(f"/articles/{article.pk}/"))["claims"][0]["can_edit"] is False
    client.force_login(erin)
    assert reader_data(client.get(f"/articles/{article.pk}/"))["claims"][0]["can_edit"] is True


def test_it_lists_orphaned_claims_without_crashing(client, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    Claim.objects.filter(pk=claim.pk).update(start=None, end=None, anchor_state="orphaned")
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    assert reader_data(response)["claims"][0]["start"] is None


def test_it_escapes_hostile_article_text(client, alice, make_article):
    article = make_article(
        "Hello <script>alert(1)</script> and </script><img src=x onerror=alert(2)>.",
        title="<script>alert('t')</script>",
        url="https://example.org/x",
    )
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert reader_data(client.get(f"/articles/{article.pk}/"))["article"]["body"] == article.body


def test_it_never_links_to_a_javascript_url(client, alice, article):
    # Refused by the database since migration 0011; a row from before it is still never linked.
    store_bypassing_checks(type(article), article.pk, url="javascript:alert(1)")
    client.force_login(alice)
    assert "javascript:" not in client.get(f"/articles/{article.pk}/").content.decode()


def test_it_sends_anonymous_users_to_log_in_and_answers_404_for_bad_ids(client, alice, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    client.force_login(alice)
    assert client.get("/articles/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_it_opens_for_every_role(client, request, article, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/articles/{article.pk}/").status_code == 200


def test_it_answers_in_a_fixed_number_of_queries_with_1000_claims(
    client, alice, bob, article, make_article, make_claim, django_assert_num_queries
):
    claims = many_claims(article, alice, 1000)
    tag = Tag.objects.create(name="police")
    Claim.tags.through.objects.bulk_create([Claim.tags.through(claim=c, tag=tag) for c in claims[:300]])
    for a, b in zip(claims[:200:2], claims[1:200:2], strict=True):
        ClaimLink.objects.create(from_claim=a, to_claim=b, relation="supports", created_by=alice)
    elsewhere = make_claim(make_article("Other text entirely."), "Other text", user=bob)
    for claim in claims[200:300]:
        ClaimLink.objects.create(from_claim=elsewhere, to_claim=claim, relation="cites", created_by=bob)
    Verdict.objects.create(claim=claims[0], rating="false", headline="No", state="published", author=bob)
    client.force_login(alice)
    url = f"/articles/{article.pk}/"
    client.get(url)
    cache.clear()
    # session, user, article, user permissions (one query), the claims' state, links (with their ends in other
    # articles), claims (their tags in the same rows), the claims' statuses, comment counts
    with django_assert_num_queries(11):  # + the top bar's work and inbox counts
        response = client.get(url)
    data = reader_data(response)
    assert len(data["claims"]) == 1000 and len(data["links"]) == 200
    assert list(data["compact_links"]["ends"]) == [str(elsewhere.pk)]  # the far end once, this article's by id
    assert data["claims"][0]["verdict"]["rating"] == "false"
    with django_assert_num_queries(8):  # the claims and links as built for the same state: from the cache
        assert reader_data(client.get(url))["compact"] == data["compact"]
    # Links within the article only: the same statements.
    ClaimLink.objects.filter(from_claim=elsewhere).delete()
    with django_assert_num_queries(11):
        assert reader_data(client.get(url))["compact_links"]["ends"] == {}


def test_its_cached_claims_follow_every_change(client, alice, bob, erin, article, make_article, make_claim, mayor):
    claim = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"])
    other = make_claim(article, "eight or ten deaths", user=alice)
    elsewhere = make_claim(make_article("Other text entirely."), "Other text", user=bob)
    client.force_login(alice)

    def cards():
        data = reader_data(client.get(f"/articles/{article.pk}/"))
        return {card["id"]: card for card in data["claims"]}

    def after(change, check):
        cards()  # built and cached before the change
        change()
        assert check(cards()), change

    after(lambda: make_claim(article, "civic group", user=alice), lambda now: len(now) == 3)
    after(lambda: services.update_claim(user=alice, claim=claim, version=1, summary="Retreat", tags=["crime"]),
          lambda now: (now[claim.pk]["summary"], now[claim.pk]["tags"]) == ("Retreat", ["crime"]))  # fmt: skip
    after(lambda: services.delete_claim(user=alice, claim=other), lambda now: other.pk not in now)
    after(lambda: services.restore_claim(user=alice, claim=other), lambda now: other.pk in now)
    after(lambda: services.link_claims(user=bob, from_claim=elsewhere, to_claim=claim, relation="cites"),
          lambda now: now[claim.pk]["link_count"] == 1)  # fmt: skip
    after(lambda: services.delete_claim(user=bob, claim=elsewhere), lambda now: now[claim.pk]["link_count"] == 0)
    after(lambda: make_verdict(claim, author=bob, editor=erin, state=Verdict.State.PUBLISHED, rating="false"),
          lambda now: now[claim.pk]["verdict"]["rating"] == "false")  # fmt: skip
    after(lambda: services.update_speaker(user=erin, speaker=mayor, name="Bonifacio B."),
          lambda now: now[claim.pk]["speaker"]["name"] == "Bonifacio B.")  # fmt: skip
    after(
        lambda: Tag.objects.filter(name="crime").update(name="crimes"), lambda now: now[claim.pk]["tags"] == ["crimes"]
    )
    after(lambda: services.restore_claim(user=bob, claim=elsewhere), lambda now: now[claim.pk]["link_count"] == 1)
    # What only the links show: a link's note, the far end's article title.
    link = ClaimLink.objects.get(from_claim=elsewhere)

    def links():
        data = reader_data(client.get(f"/articles/{article.pk}/"))
        return {item["id"]: item for item in data["links"]}

    links()
    services.update_link(user=bob, link=link, note="Same figure, other source.")
    assert links()[link.pk]["note"] == "Same figure, other source."
    services.update_article(user=erin, article=elsewhere.article, title="Other outlet's story")
    assert links()[link.pk]["from_claim"]["article_title"] == "Other outlet's story"
    # Another user's view of the same state: their own can_edit and can_delete.
    assert links()[link.pk]["can_delete"] is False
    client.force_login(bob)
    assert not cards()[claim.pk]["can_edit"] and links()[link.pk]["can_delete"] is True


def test_it_shows_no_write_controls_to_a_user_without_a_role(client, article):
    nobody = User.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    data = reader_data(client.get(f"/articles/{article.pk}/"))
    assert data["may"] == {"add_claim": False, "add_speaker": False, "add_link": False}


def test_it_presents_claims_exactly_as_the_api_does(
    client, alice, bob, carol, article, make_article, make_claim, mayor
):
    from articles.api.serializers import ClaimSerializer

    mine = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police", "army"])
    theirs = make_claim(article, "eight or ten deaths", user=carol)
    elsewhere = make_claim(make_article("Other text entirely."), "Other text", user=carol)
    ClaimLink.objects.create(from_claim=elsewhere, to_claim=mine, relation="cites", created_by=carol)
    ClaimLink.objects.create(from_claim=mine, to_claim=theirs, relation="supports", created_by=alice)
    Verdict.objects.create(claim=theirs, rating="true", headline="Yes", state="published", author=bob)
    client.force_login(alice)
    embedded = reader_data(client.get(f"/articles/{article.pk}/"))["claims"]
    request = RequestFactory().get("/")
    request.user = alice
    expected = ClaimSerializer(
        Claim.objects.live().filter(article=article).for_display(), many=True, context={"request": request}
    ).data
    # The reader leaves out the timestamps and the context, which the panel does not show.
    left_out = ("created_at", "updated_at", "prefix", "suffix")
    api_shape = [{k: v for k, v in claim.items() if k not in left_out} for claim in expected]
    for claim in api_shape:  # ... and the speakers' affiliations
        if claim["speaker"]:
            claim["speaker"]["affiliation"] = None
    assert embedded == json.loads(json.dumps(api_shape))
    assert [c["link_count"] for c in embedded] == [2, 1]


def test_it_presents_links_exactly_as_the_api_does(
    client, alice, carol, erin, article, make_article, make_claim, mayor
):
    from articles.api.serializers import LinkSerializer
    from articles.queries import links_for_display

    mine = make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    theirs = make_claim(article, "eight or ten deaths", user=carol)
    elsewhere = make_claim(make_article("Other text entirely.", title="<b>Other</b>"), "Other text", user=carol)
    ClaimLink.objects.create(from_claim=elsewhere, to_claim=mine, relation="cites", note="see <i>", created_by=carol)
    ClaimLink.objects.create(from_claim=mine, to_claim=theirs, relation="supports", created_by=alice)
    # Far ends at the link's other side too, with and without a speaker, in an article without an outlet; one of
    # them deleted (its link is not shown), one reached by two links (sent once).
    third = make_article("Third text, with more words.", source=None)
    spoken = make_claim(third, "Third text", user=carol, speaker=mayor)
    ClaimLink.objects.create(from_claim=theirs, to_claim=spoken, relation="responds_to", created_by=carol)
    ClaimLink.objects.create(from_claim=spoken, to_claim=mine, relation="contradicts", created_by=alice)
    gone = make_claim(third, "more words", user=carol)
    ClaimLink.objects.create(from_claim=mine, to_claim=gone, relation="same_claim", created_by=alice)
    Claim.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    shown = ClaimLink.objects.filter(from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True)
    for persona in (alice, erin):
        client.force_login(persona)
        cache.clear()
        data = reader_data(client.get(f"/articles/{article.pk}/"))
        embedded = data["links"]
        assert list(data["compact_links"]["ends"]) == [str(elsewhere.pk), str(spoken.pk)]
        request = RequestFactory().get("/")
        request.user = persona
        expected = LinkSerializer(links_for_display(shown.order_by("id")), many=True, context={"request": request}).data
        expected = json.loads(json.dumps(expected))
        # The reader leaves out the summary of a linked claim in another article (its cards do not show it).
        for link in expected:
            del link["created_at"]  # ... nor when a link was made
            for end in ("from_claim", "to_claim"):
                if link[end]["article"] != article.pk:
                    link[end]["summary"] = None
        assert embedded == expected
        may_delete = [False, True, False, True] if persona == alice else [True] * 4
        assert [link["can_delete"] for link in embedded] == may_delete


STATIC = Path(__file__).resolve().parents[2] / "articles" / "static"
IMPORT = re.compile(r"""^import .* from '(?P<path>[./][^']+)';$""", re.M)


def module_graph(entry):
    """Every static path main.js reaches through its imports, itself included."""
    seen, todo = set(), [entry]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            source = (STATIC / path).read_text()
            todo += [
                posixpath.normpath(posixpath.join(posixpath.dirname(path), m["path"])) for m in IMPORT.finditer(source)
            ]
    return seen


def test_it_loads_the_reader_as_es_modules_with_no_inline_script(client, alice, article):
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    # Code only from static files (a strict Content-Security-Policy allows no inline script); data as JSON.
    assert [attributes for attributes, _ in scripts] == [
        ' id="reader-data" type="application/json"',
        ' type="module" src="/static/articles/reader/main.js"',
    ]
    # Every module main.js imports, and only those, is preloaded so the browser fetches them at once.
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', html))
    assert preloaded | {"articles/reader/main.js"} == module_graph("articles/reader/main.js")


def test_it_gives_each_card_its_status_and_the_verdict_step_by_role(
    client, alice, bob, erin, frank, article, make_claim
):
    fresh = make_claim(article, "tactical retreat", user=alice)
    returned = make_claim(article, "eight or ten deaths", user=alice)
    done = make_claim(article, "Police in the coastal town", user=alice)
    sent_back = make_verdict(returned, author=bob, editor=erin, state=Verdict.State.IN_REVIEW)
    services.request_changes(user=frank, verdict=sent_back, reason="Name the <b>register</b>.")
    make_verdict(done, author=bob, editor=erin, state=Verdict.State.PUBLISHED, rating="false")

    client.force_login(bob)
    cards = {c["id"]: c for c in reader_data(client.get(f"/articles/{article.pk}/"))["claims"]}
    assert cards[fresh.pk]["status"]["label"] == "No verdict"
    assert cards[fresh.pk]["verdict_action"] == {
        "label": "Write verdict", "url": f"/admin/articles/verdict/add/?claim={fresh.pk}",
    }  # fmt: skip
    assert cards[returned.pk]["status"]["label"] == "Changes requested"
    assert cards[returned.pk]["status"]["reason"] == "Name the <b>register</b>."  # panel.js puts it in as text
    assert cards[returned.pk]["verdict_action"]["url"] == f"/admin/articles/verdict/{sent_back.pk}/change/"
    assert cards[done.pk]["status"]["label"] == "Published: False" and cards[done.pk]["verdict_action"] is None

    client.force_login(alice)  # an annotator sees the status but has no verdict step
    cards = {c["id"]: c for c in reader_data(client.get(f"/articles/{article.pk}/"))["claims"]}
    assert cards[returned.pk]["status"]["code"] == "changes_requested"
    assert all(card["verdict_action"] is None for card in cards.values())


def test_its_data_script_is_djangos_json_script_without_spaces():
    from django.utils.html import json_script

    from articles.views.desk import CompactJSONEncoder, reader_json_script

    data = {"body": "</script><script>alert(1)</script> & <!-- «ñ» \u2028", "rows": [[1, None, True, "a>b"]]}
    assert reader_json_script(data) == json_script(data, "reader-data", encoder=CompactJSONEncoder)
    assert "</script><script>" not in reader_json_script(data)[:-9]
    # JSON text given ready (the cached claims and links) goes first, escaped as the rest; with or without more data.
    texts = {"claims": '{"q":"</script>&<b>"}', "links": "[1,2]"}
    parsed = {name: json.loads(text) for name, text in texts.items()}
    for more in (data, {}):
        expected = json_script({**parsed, **more}, "reader-data", encoder=CompactJSONEncoder)
        assert reader_json_script(more, **texts) == expected


# reader/store.js's expandClaims and expandLinks over the page's data given on stdin, printed as JSON.
NODE_EXPAND = """
import { expandClaims, expandLinks } from '%s';
let text = '';
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  const data = JSON.parse(text);
  const claims = expandClaims(data.claims, data.article.body);
  process.stdout.write(JSON.stringify({ claims, links: expandLinks(data.links, claims, data.relations) }));
});
"""


def expanded_in_node(page_data: dict) -> dict:
    store = (STATIC / "articles" / "reader" / "store.js").as_uri()
    result = subprocess.run(  # noqa: S603 (fixed command, the data on stdin)
        [shutil.which("node"), "--input-type=module", "-e", NODE_EXPAND % store],
        input=json.dumps(page_data),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def varied_article(article, make_article, make_claim, alice, bob, carol, erin, mayor):
    """Claims and links holding every column's rarer values: a verdict published or in review, links, another
    version, relocated and orphaned claims, a quote the text no longer reads, speakers sharing a description,
    without one or with a hostile one, far ends with and without a speaker, anchored or not, in articles with and
    without an outlet, notes and none."""
    deputy = Speaker.objects.create(name="Ana Ruiz", description="mayor of Escuinapa")  # the mayor's description
    nameless = Speaker.objects.create(name="A witness")
    plain = make_claim(article, "Police in the coastal town", user=alice, speaker=mayor, tags=["police"])
    edited = make_claim(article, "tactical retreat", user=carol, speaker=deputy)
    services.update_claim(user=carol, claim=edited, version=1, summary="A <b>retreat</b>")
    judged = make_claim(article, "eight or ten deaths", user=carol, speaker=nameless)
    make_verdict(judged, author=bob, editor=erin, state=Verdict.State.PUBLISHED, rating="false")
    make_verdict(edited, author=bob, editor=erin, state=Verdict.State.IN_REVIEW)
    hostile = Speaker.objects.create(name="<img src=x>", description="</script><script>alert(1)</script>")
    moved = make_claim(article, "civic group", user=alice, speaker=hostile)
    lost = make_claim(article, "1,200 murders", user=alice)
    Claim.objects.filter(pk=moved.pk).update(anchor_state="relocated", quote="civic groups")
    Claim.objects.filter(pk=lost.pk).update(anchor_state="orphaned", start=None, end=None)
    outlet = make_article("Far text one, with words.", title="<script>Far</script>")
    bare = make_article("Far text two, with words.", title="Bare", source=None)
    far = make_claim(outlet, "Far text one", user=bob, speaker=mayor)
    farther = make_claim(bare, "Far text two", user=carol)
    Claim.objects.filter(pk=farther.pk).update(anchor_state="relocated")
    ClaimLink.objects.create(from_claim=plain, to_claim=far, relation="supports", created_by=alice)
    note = "see </script>"
    ClaimLink.objects.create(from_claim=farther, to_claim=edited, relation="cites", note=note, created_by=bob)
    ClaimLink.objects.create(from_claim=judged, to_claim=plain, relation="contradicts", created_by=carol)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_its_javascript_expands_the_data_as_python_does(
    client, request, persona, alice, bob, carol, erin, article, make_article, make_claim, mayor
):
    varied_article(article, make_article, make_claim, alice, bob, carol, erin, mayor)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/articles/{article.pk}/")
    assert b"</script><script>alert(1)" not in response.content and b"<img src=x>" not in response.content
    data = reader_data(response)
    page = {key: data[key] for key in ("article", "relations")}
    page.update(claims=data["compact"], links=data["compact_links"])
    in_node = expanded_in_node(page)
    for claim in data["claims"]:  # the reader's speakers have no affiliation (not sent)
        if claim["speaker"]:
            del claim["speaker"]["affiliation"]
    assert in_node == json.loads(json.dumps({"claims": data["claims"], "links": data["links"]}))
    assert len(data["claims"]) == 5 and len(data["links"]) == 3


def test_its_rows_leave_off_the_columns_a_claim_shares_with_most(client, alice, carol, article, make_claim, mayor):
    plain = make_claim(article, "Police in the coastal town", user=carol, speaker=mayor)
    make_claim(article, "tactical retreat", user=carol, speaker=mayor)
    mine = make_claim(article, "eight or ten deaths", user=alice)
    client.force_login(alice)
    compact = reader_data(client.get(f"/articles/{article.pk}/"))["compact"]
    rows = {row[0]: row for row in compact["rows"]}
    # Another's claim, no verdict nor link, first version, anchored, its quote read from the text: no tail at all.
    assert compact["columns"][: len(rows[plain.pk])] == ["id", "start", "end", "speaker", "summary", "created_by",
                                                        "tags"]  # fmt: skip
    assert compact["defaults"] == {"version": 1, "link_count": 0, "can_edit": False, "status": None, "verdict": None,
                                   "verdict_action": None, "anchor_state": "anchored", "quote": None}  # fmt: skip
    assert rows[mine.pk][compact["columns"].index("can_edit")] is True  # and nothing after it
    assert len(rows[mine.pk]) == compact["columns"].index("can_edit") + 1
    # The mayor's description once, whatever the number of their claims.
    assert compact["speakers"][str(mayor.pk)] == ["Bonifacio Bustamante", 0]
    assert compact["speaker_texts"] == {"description": ["mayor of Escuinapa"]}


def test_its_data_stays_small_with_1000_claims(client, alice, bob, article, make_article, make_claim, mayor):
    """The reader's data for 1,000 claims (speakers sharing descriptions, tags, links in and out of the article),
    read by an annotator, kept within what trimmed rows and shared texts made it (issue 15: the bench's article at
    1,000,000 claims had passed 300 KB)."""
    claims = many_claims(article, bob, 1000)
    speakers = Speaker.objects.bulk_create(
        [Speaker(name=f"Speaker {n}", description=f"the mayor of Town {n % 20}") for n in range(200)]
    )
    for at, claim in enumerate(claims):
        claim.speaker, claim.summary = speakers[at % 200], f"Says {at} pesos were lost."
    Claim.objects.bulk_update(claims, ["speaker", "summary"])
    tag = Tag.objects.create(name="police")
    Claim.tags.through.objects.bulk_create([Claim.tags.through(claim=c, tag=tag) for c in claims[:300]])
    for a, b in zip(claims[:200:2], claims[1:200:2], strict=True):
        ClaimLink.objects.create(from_claim=a, to_claim=b, relation="supports", created_by=alice)
    for n, claim in enumerate(claims[200:400]):
        far = make_claim(make_article(f"Far text number {n}.", title=f"Far article {n}"), "Far text", user=bob)
        ClaimLink.objects.create(from_claim=far, to_claim=claim, relation="cites", created_by=bob)
    client.force_login(alice)
    page = client.get(f"/articles/{article.pk}/").content
    start = page.index(b'<script id="reader-data" type="application/json">')
    size = page.index(b"</script>", start) - start
    # 75,950 bytes when rows were first trimmed and descriptions shared (130,222 before): room for a column more.
    assert size <= 85_000


def test_trimmed_rows_leave_off_only_trailing_defaults():
    from articles.queries import trimmed_rows

    rows = [[1, "a", None, 0], [2, "b", {"code": "x"}, 0], [3, "c", None, 2], [4, "d", None, 0]]
    # Reordered (0, 3, 1, 2): the last two columns trimmed while they hold their most common value ("a" ties:
    # the first seen); an object is never a default, and a value before a kept one stays.
    trimmed, defaults = trimmed_rows(rows, [0, 3, 1, 2], 2)
    assert defaults == ["a", None]
    assert trimmed == [(1, 0), (2, 0, "b", {"code": "x"}), (3, 2, "c"), (4, 0, "d")]
    assert trimmed_rows([], [0, 1, 2], 1) == ([], [None, None])
    # Objects only: null is the default, and no row loses them.
    assert trimmed_rows([[1, {}], [2, {}]], [0, 1], 1) == ([(1, {}), (2, {})], [None])
