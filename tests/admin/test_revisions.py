"""The admin side of revisions: editing a body re-anchors claims, counts and filter by anchor state, compare page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article, Claim
from tests.conftest import ARTICLE_BODY

RETREAT = "the officers made a tactical retreat"
DEATHS = "eight or ten deaths"


def article_form(article, **changes):
    data = {
        "title": article.title,
        "source": article.source_id or "",
        "url": article.url,
        "byline": article.byline,
        "published": "",
        "language": article.language,
        # Browsers send textarea text with CRLF line ends.
        "body": article.body.replace("\n", "\r\n"),
        "reason": "",
    }
    data.update(changes)
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def claims(article, alice, make_claim):
    return {"retreat": make_claim(article, RETREAT, user=alice), "deaths": make_claim(article, DEATHS, user=alice)}


# ---------------------------------------------------------------- editing the text


def test_it_reanchors_claims_when_an_editor_changes_the_body(client, erin, article, claims):
    client.force_login(erin)
    body = ARTICLE_BODY.replace(DEATHS, "eight or 10 deaths").replace(RETREAT + " ", "")
    form = article_form(article, body=body, reason="outlet corrected")
    response = client.post(change_url(article), form, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Text revised; claims re-anchored: 0 anchored, 1 relocated, 1 orphaned." in messages
    retreat, deaths = (Claim.objects.get(pk=claims[name].pk) for name in ("retreat", "deaths"))
    assert retreat.anchor_state == "orphaned" and retreat.quote == RETREAT
    assert (deaths.anchor_state, deaths.quote) == ("relocated", "eight or 10 deaths")
    record = article.history.latest()
    assert (record.history_change_reason, record.history_user, record.body) == ("outlet corrected", erin, body)


def test_it_requires_a_reason_when_the_body_changes(client, erin, article, claims):
    client.force_login(erin)
    response = client.post(change_url(article), article_form(article, body=ARTICLE_BODY + " More."))
    assert response.status_code == 200
    assert "Say why the text changed" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == ARTICLE_BODY


def test_it_saves_other_details_without_a_reason_or_reanchoring(client, erin, article, claims):
    client.force_login(erin)
    response = client.post(change_url(article), article_form(article, byline="Jane Roe"))
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.byline, stored.body) == ("Jane Roe", ARTICLE_BODY)
    assert Claim.objects.get(pk=claims["retreat"].pk).version == 1
    assert article.history.latest().history_change_reason == "edited in admin"


def test_it_saves_details_changed_together_with_the_body(client, erin, article, claims):
    client.force_login(erin)
    form = article_form(article, body="Update.\n\n" + ARTICLE_BODY, byline="Jane Roe", title="New", reason="update")
    assert client.post(change_url(article), form).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.byline, stored.title, stored.body) == ("Jane Roe", "New", "Update.\n\n" + ARTICLE_BODY)
    assert Claim.objects.get(pk=claims["retreat"].pk).start == claims["retreat"].start + len("Update.\n\n")


def test_it_refuses_a_body_another_article_has(client, erin, article, make_article):
    other = make_article("Another story entirely.")
    client.force_login(erin)
    response = client.post(change_url(article), article_form(article, body=other.body, reason="paste"))
    assert response.status_code == 200
    assert f"already stored as article #{other.pk}" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == ARTICLE_BODY


def test_it_does_not_let_an_annotator_change_an_article(client, alice, article):
    client.force_login(alice)
    response = client.post(change_url(article), article_form(article, body="Changed.", reason="mine"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).body == ARTICLE_BODY


# ---------------------------------------------------------------- counts and filter


def test_it_shows_claim_counts_per_anchor_state_in_a_fixed_number_of_queries(client, root, make_article, alice):
    def add_articles(n, offset):
        for i in range(offset, offset + n):
            article = make_article(f"Story {i}: the mayor said {i} officers fled. A group said they stayed.")
            services.create_claim(user=alice, article=article, start=0, end=5, quote="Story")
            start = article.body.index("the mayor said")
            quote = "the mayor said"
            claim = services.create_claim(user=alice, article=article, start=start, end=start + 14, quote=quote)
            services.revise_article(user=alice, article=article, body=article.body.replace("the mayor said", "X"),
                                    reason="test")  # fmt: skip
            assert Claim.objects.get(pk=claim.pk).anchor_state == "orphaned"

    client.force_login(root)
    url = reverse("admin:articles_article_changelist")
    add_articles(2, 0)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert 'class="anchor-orphaned">1 orphaned</a>' in html and 'class="anchor-anchored">1 anchored</a>' in html
    add_articles(4, 10)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_it_filters_articles_with_orphaned_or_relocated_claims(client, root, make_article, alice, make_claim):
    calm = make_article("Nothing changed in this story at all.", title="Calm story")
    make_claim(calm, "Nothing changed", user=alice)
    troubled = make_article("The mayor said ten officers fled the town.", title="Troubled story")
    make_claim(troubled, "ten officers fled", user=alice)
    services.revise_article(user=root, article=troubled, body="The mayor said 10 officers fled the town.", reason="x")
    client.force_login(root)
    url = reverse("admin:articles_article_changelist")
    for value, expected in [("relocated", True), ("orphaned", False), ("any", True)]:
        html = client.get(url, {"anchor": value}).content.decode()
        assert ("Troubled story" in html) is expected
        assert "Calm story" not in html


def test_it_confirms_relocations_from_the_claim_list(client, erin, article, claims):
    services.revise_article(user=erin, article=article, body=ARTICLE_BODY.replace("ten", "10"), reason="figure")
    relocated = Claim.objects.get(pk=claims["deaths"].pk)
    assert relocated.anchor_state == "relocated"
    client.force_login(erin)
    data = {"action": "confirm_selected_relocations", "_selected_action": [claims["deaths"].pk, claims["retreat"].pk]}
    response = client.post(reverse("admin:articles_claim_changelist"), data, follow=True)
    assert "1 confirmed." in [str(m) for m in response.context["messages"]]
    assert Claim.objects.get(pk=relocated.pk).anchor_state == "anchored"


# ---------------------------------------------------------------- compare page


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def test_it_compares_a_version_with_the_one_before(client, erin, article):
    services.revise_article(user=erin, article=article, body=ARTICLE_BODY.replace("ten deaths", "10 deaths"),
                            reason="outlet corrected the toll")  # fmt: skip
    services.revise_article(user=erin, article=article, body=ARTICLE_BODY.replace("Monday", "Sunday"),
                            reason="day fixed")  # fmt: skip
    client.force_login(erin)
    html = client.get(compare_url(article)).content.decode()
    assert "<del>Monday</del><ins>Sunday</ins>" in html
    assert "<del>10</del><ins>ten</ins>" in html  # the newest version also undid the earlier correction
    assert "day fixed" in html and "outlet corrected the toll" in html
    first_revision = article.history.order_by("history_date", "history_id")[1]
    html = client.get(compare_url(article), {"version": first_revision.history_id}).content.decode()
    assert "<del>ten</del><ins>10</ins>" in html and "<del>Monday" not in html


def test_it_shows_the_first_version_alone(client, erin, article):
    client.force_login(erin)
    html = client.get(compare_url(article)).content.decode()
    assert "The first version" in html and "tactical retreat" in html


def test_it_escapes_hostile_text_in_the_comparison(client, erin, make_article):
    article = make_article("Safe words here.", title="<script>alert('t')</script>")
    services.revise_article(user=erin, article=article, body='Safe <img src=x onerror="alert(1)"> here.',
                            reason="<b>why</b>")  # fmt: skip
    client.force_login(erin)
    html = client.get(compare_url(article)).content.decode()
    assert "<img src=x" not in html and "&lt;img" in html
    assert "<script>alert('t')" not in html and "<b>why</b>" not in html


def test_it_answers_404_for_a_bad_article_or_version(client, erin, article):
    client.force_login(erin)
    assert client.get(reverse("admin:articles_article_compare", args=[999999])).status_code in (302, 404)
    assert client.get(compare_url(article), {"version": "999999"}).status_code == 404
    assert client.get(compare_url(article), {"version": "abc"}).status_code == 404


def test_it_lets_an_annotator_read_but_sends_anonymous_users_to_log_in(client, alice, article):
    assert client.get(compare_url(article)).status_code == 302
    client.force_login(alice)
    assert client.get(compare_url(article)).status_code == 200


def test_it_links_the_change_form_to_the_comparison(client, erin, article):
    client.force_login(erin)
    html = client.get(change_url(article)).content.decode()
    assert compare_url(article) in html
