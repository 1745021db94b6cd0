"""The claim list: filters, search and pages without counting, in a fixed number of queries."""

import pytest
from django.urls import reverse

from articles.models import Verdict


def quotes(response):
    return [claim.quote for claim in response.context["page"].rows]


@pytest.fixture
def claims(article, make_claim, alice, carol, mayor):
    return [
        make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"]),
        make_claim(article, "eight or ten deaths", user=carol, summary="Casualty estimate"),
    ]


def test_it_lists_newest_first_and_filters(client, alice, claims, mayor):
    client.force_login(alice)
    assert quotes(client.get("/claims/")) == ["eight or ten deaths", "tactical retreat"]
    assert quotes(client.get(f"/claims/?speaker={mayor.pk}")) == ["tactical retreat"]
    assert quotes(client.get("/claims/?tag=police")) == ["tactical retreat"]
    assert quotes(client.get("/claims/?q=casualty")) == ["eight or ten deaths"]
    assert quotes(client.get("/claims/?mine=on")) == ["tactical retreat"]
    assert quotes(client.get("/claims/?sort=created")) == ["tactical retreat", "eight or ten deaths"]


def test_it_shows_the_verdict_badge(client, alice, bob, claims):
    verdict = Verdict.objects.create(
        claim=claims[0], rating="false", headline="Not a retreat", state="published", author=bob
    )
    client.force_login(alice)
    html = client.get("/claims/").content.decode()
    assert f'href="/verdicts/{verdict.pk}/"' in html and ">False<" in html


def test_it_pages_without_a_count(client, alice, article, make_claim):
    for quote in ("The mayor", "tactical retreat", "bloodbath", "eight or ten", "civic group"):
        make_claim(article, quote, user=alice)
    client.force_login(alice)
    first = client.get("/claims/")
    assert first.context["page"].has_next is False
    assert client.get("/claims/?page=abc").status_code == 400  # a page must be a whole number (named in the answer)


def test_it_escapes_hostile_summaries_and_names(client, alice, article, make_claim):
    from articles import services

    evil = services.get_or_create_speaker(user=alice, name="<script>alert(1)</script>")
    make_claim(article, "tactical retreat", user=alice, speaker=evil, summary='<img src=x onerror="alert(2)">')
    client.force_login(alice)
    html = client.get("/claims/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_sends_anonymous_users_to_log_in(client):
    assert client.get("/claims/").status_code == 302


def test_it_has_export_buttons_carrying_the_filters(client, alice):
    client.force_login(alice)
    html = client.get("/claims/?tag=police&page=3").content.decode()
    for name in ("csv", "jsonl", "webannotation", "claimreview"):
        assert f'href="{reverse(f"exports:claims_{name}")}?tag=police"' in html


@pytest.mark.parametrize("count", [1, 20])
def test_it_answers_in_a_fixed_number_of_queries(client, alice, article, make_claim, django_assert_num_queries, count):
    for _ in range(count):
        make_claim(article, "tactical retreat", user=alice, tags=["police"])
    client.force_login(alice)
    client.get("/claims/")
    # session, user, total (a bounded count), page, tags, verdicts, and the source and tag choices of the
    # filter form (speakers are suggested as the user types, not listed)
    with django_assert_num_queries(13):  # + top-bar counts (2), statuses, the verdict buttons' permissions (2)
        client.get("/claims/")


def test_it_offers_speakers_by_search_instead_of_listing_them_all(client, alice, claims, mayor):
    from articles import services

    services.get_or_create_speaker(user=alice, name="Someone Else Entirely")
    client.force_login(alice)
    html = client.get("/claims/").content.decode()
    assert "Someone Else Entirely" not in html  # no <option> per speaker in the database
    assert 'data-speaker-picker="id_speaker-value"' in html and "speaker_picker" in html
    html = client.get(f"/claims/?speaker={mayor.pk}").content.decode()
    assert f'name="speaker" id="id_speaker-value" value="{mayor.pk}"' in html
    assert f'value="{mayor}"' in html  # the chosen speaker's label in the search box


def test_it_escapes_a_hostile_chosen_speaker_and_rejects_an_unknown_one(client, alice, article, make_claim):
    from articles import services

    evil = services.get_or_create_speaker(user=alice, name='"><script>alert(1)</script>')
    client.force_login(alice)
    html = client.get(f"/claims/?speaker={evil.pk}").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    response = client.get("/claims/?speaker=999999")
    assert response.status_code == 200 and response.context["filter"].errors["speaker"]
