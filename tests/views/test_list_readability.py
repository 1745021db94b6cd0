"""The lists read well: totals, highlighted search terms, readable filter choices, a plain-name speaker filter."""

import pytest
from django.test import RequestFactory

from articles import queries, services
from articles.filters import ArticleFilter, ClaimFilter
from articles.models import Claim
from articles.templatetags.desk import highlight, total_in_words


@pytest.fixture
def claims(article, make_claim, alice, carol, mayor):
    return [
        make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"]),
        make_claim(article, "eight or ten deaths", user=carol, summary="Casualty estimate"),
    ]


def _filter(params):
    request = RequestFactory().get("/", params)
    request.user = None
    return ClaimFilter(request.GET, queryset=Claim.objects.live(), request=request)


def test_it_shows_the_total_of_the_claim_list(client, alice, claims):
    client.force_login(alice)
    assert "2 claims" in client.get("/claims/").content.decode()
    assert "1 claim matching “deaths”" in client.get("/claims/?q=deaths").content.decode()


def test_it_writes_totals_in_words_and_marks_estimates():
    assert total_in_words(1234, "claim") == "1,234 claims"
    assert total_in_words(1, "claim") == "1 claim"
    assert total_in_words(queries.Total(1_200_000, estimated=True), "claim") == "about 1,200,000 claims"


def test_it_counts_exactly_up_to_the_limit_then_estimates_or_counts(claims):
    assert queries.count_or_estimate(Claim.objects.live(), limit=5) == queries.Total(2)
    above = queries.count_or_estimate(Claim.objects.live(), limit=1)
    assert above.count >= 1  # PostgreSQL: the planner's estimate ("about"); SQLite, which has none: "more than 1"
    assert above.estimated or above == queries.Total(1, more_than=True)
    assert queries.count_or_estimate(Claim.objects.live(), limit=1, searched=True) == queries.Total(1, more_than=True)


def test_it_highlights_search_terms_after_escaping():
    assert (
        highlight("The Mayor said <b>no</b>", "mayor")
        == 'The <mark class="match">Mayor</mark> said &lt;b&gt;no&lt;/b&gt;'
    )
    assert highlight("a <b> tag", "<b>") == 'a <mark class="match">&lt;b&gt;</mark> tag'
    assert highlight('x"><script>', '"><script>') == 'x<mark class="match">&quot;&gt;&lt;script&gt;</mark>'
    assert highlight("tactical retreat", '"tactical retreat" tact') == '<mark class="match">tactical retreat</mark>'
    assert highlight("plain", "") == "plain"


def test_it_highlights_matches_in_the_lists(client, alice, claims, article):
    client.force_login(alice)
    page = client.get("/claims/?q=<script>+retreat").content.decode()
    assert "<script>" not in page.split("<main>")[1]
    page = client.get("/claims/?q=retreat").content.decode()
    assert '“tactical <mark class="match">retreat</mark>”' in page
    page = client.get("/articles/?q=police").content.decode()
    assert '<mark class="match">Police</mark> retreat in Escuinapa' in page


def test_it_labels_filter_choices_in_words(client, alice):
    client.force_login(alice)
    page = client.get("/articles/").content.decode()
    assert "Unknown" not in page and "---------" not in page
    assert "With or without claims" in page and "Newest published first" in page
    assert 'aria-label="Published from"' in page and 'aria-label="Published until"' in page
    assert "---------" not in client.get("/claims/").content.decode()


@pytest.mark.parametrize("typed", ["bonifacio bustamante", "Bonifacio Bustamante", "BONIFACIO  bustamante"])
def test_it_filters_by_a_speakers_plain_name_in_any_case(claims, typed):
    filterset = _filter({"speaker-text": typed})
    assert filterset.is_valid(), filterset.errors
    assert [claim.quote for claim in filterset.qs] == ["tactical retreat"]
    assert [claim.quote for claim in _filter({"speaker": typed}).qs] == ["tactical retreat"]  # the API's way


def test_it_accepts_the_label_the_suggestions_show(claims):
    filterset = _filter({"speaker-text": "Bonifacio Bustamante (mayor of Escuinapa)"})
    assert [claim.quote for claim in filterset.qs] == ["tactical retreat"]


def test_it_prefers_the_chosen_id_over_the_text(claims, mayor):
    filterset = _filter({"speaker": str(mayor.pk), "speaker-text": "whatever was shown"})
    assert [claim.quote for claim in filterset.qs] == ["tactical retreat"]


def test_it_says_next_to_the_field_when_a_name_matches_nobody_or_several(client, alice, claims, mayor):
    services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="poet")
    filterset = _filter({"speaker-text": "bonifacio bustamante"})
    assert not filterset.is_valid()
    assert "Several speakers are called" in filterset.errors["speaker"][0]
    client.force_login(alice)
    page = client.get("/claims/?speaker-text=nobody&state=none").content.decode()
    assert "No speaker is called “nobody”. Pick one from the suggestions." in page
    assert 'aria-invalid="true"' in page and '<details class="filter-panel" open>' in page
    assert 'value="nobody"' in page


def test_the_article_list_takes_a_plain_name_too(claims, article):
    request = RequestFactory().get("/", {"speaker-text": "bonifacio bustamante"})
    request.user = None
    filterset = ArticleFilter(request.GET, queryset=type(article).objects.all(), request=request)
    assert [a.pk for a in filterset.qs] == [article.pk]


def test_api_docs_send_anonymous_visitors_to_log_in(client, alice):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/api/docs/"
    client.force_login(alice)
    assert client.get("/api/docs/").status_code == 200
