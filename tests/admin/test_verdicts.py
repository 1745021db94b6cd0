"""The verdict console in Django admin: list, filters, change page, evidence inline, workflow buttons and
actions, optimistic locking, history, dashboard. Every refusal is checked by posting directly."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles import services
from articles.models import Verdict
from tests.verdict_helpers import EVIDENCE, make_verdict

State = Verdict.State
LIST = "/admin/articles/verdict/"


def change_url(verdict):
    return f"{LIST}{verdict.pk}/change/"


@pytest.fixture
def claim(article, make_claim, alice, mayor):
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


QUOTES = ["Police in the coastal town", "ran from gunmen", "a video shows", "tactical retreat", "avoid a bloodbath",
          "A civic group said", "the police abandoned the town", "The state recorded 1,200 murders", "on Monday",
          "The mayor said", "the officers made", "he said", "last year"]  # fmt: skip


@pytest.fixture
def fresh(article, make_claim, alice):
    """Another claim of the article each call: a claim has at most one open verdict."""
    quotes = iter(QUOTES)
    return lambda: make_claim(article, next(quotes), user=alice)


@pytest.fixture
def draft(claim, bob, erin):
    return make_verdict(claim, author=bob, editor=erin)


def form_data(verdict, **changes):
    """What the change form posts for `verdict` as it was read, with `changes` applied."""
    evidence = list(verdict.evidence.all())
    data = {
        "rating": verdict.rating,
        "headline": verdict.headline,
        "explanation": verdict.explanation,
        "assigned_to": verdict.assigned_to_id or "",
        "expected_version": verdict.version,
        "evidence-TOTAL_FORMS": len(evidence) + 1,
        "evidence-INITIAL_FORMS": len(evidence),
        "evidence-MIN_NUM_FORMS": 0,
        "evidence-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(evidence):
        data.update(
            {
                f"evidence-{index}-id": item.pk,
                f"evidence-{index}-verdict": verdict.pk,
                f"evidence-{index}-url": item.url,
                f"evidence-{index}-title": item.title,
                f"evidence-{index}-note": item.note,
            }
        )
    data.update(changes)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def follow_messages(client, response):
    page = client.get(response["Location"])
    return [str(message) for message in page.context["messages"]]


# ---------------------------------------------------------------- list


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_it_lists_verdicts_to_the_desk(fresh, client, request, persona, claim, bob, erin):
    for state in (State.DRAFT, State.IN_REVIEW, State.APPROVED):
        make_verdict(fresh(), author=bob, editor=erin, state=state)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_it_pins_the_list_query_count(fresh, client, claim, bob, erin, django_assert_num_queries):
    for _ in range(5):
        make_verdict(fresh(), author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    # session, user, 2 permission lookups, 2 related-only filters (author, editor), the outlets (all of them),
    # 1 capped count (no full count: articles.admin.base), the rows with their claim, article, speaker, author
    # and assignee
    with django_assert_num_queries(9):
        client.get(LIST)
    for _ in range(5):
        make_verdict(fresh(), author=erin, editor=bob, state=State.DRAFT)
    with django_assert_num_queries(9):
        client.get(LIST)


def test_it_sends_anonymous_users_to_login(client, draft):
    for url in (LIST, change_url(draft), f"{LIST}dashboard/", f"{LIST}{draft.pk}/workflow/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_filters_by_queue_assignment_state_and_search(fresh, client, claim, bob, erin, frank):
    mine = make_verdict(fresh(), author=bob, editor=erin, state=State.IN_REVIEW, headline="Escuinapa toll")
    services.assign_verdict(user=erin, verdict=mine, assignee=erin)
    by_erin = make_verdict(fresh(), author=erin, editor=frank, state=State.IN_REVIEW, headline="Other")
    make_verdict(fresh(), author=bob, editor=erin, state=State.DRAFT, headline="Draft only")
    client.force_login(erin)

    def ids(query):
        return {r.pk for r in client.get(LIST + query).context["cl"].result_list}

    assert ids("?assigned=me") == {mine.pk}
    assert ids("?queue=mine") == {mine.pk}
    assert ids("?queue=verdict") == {mine.pk}  # by_erin is hers, so not for her to review
    assert ids("?state__exact=in_review") == {mine.pk, by_erin.pk}
    assert ids("?q=toll") == {mine.pk}
    assert ids("?q=coastal+town") == {mine.pk}
    assert ids(f"?author__id__exact={erin.pk}") == {by_erin.pk}
    assert ids(f"?claim__article__source__id__exact={claim.article.source_id}") == ids("")


# ---------------------------------------------------------------- add and change


def test_it_creates_a_draft_with_evidence_through_the_workflow(client, claim, bob):
    client.force_login(bob)
    data = {
        "claim": claim.pk,
        "rating": "false",
        "headline": "No bloodbath was averted",
        "explanation": "",
        "assigned_to": "",
        "evidence-TOTAL_FORMS": 2,
        "evidence-INITIAL_FORMS": 0,
        "evidence-MIN_NUM_FORMS": 0,
        "evidence-MAX_NUM_FORMS": 1000,
        "evidence-0-url": "https://records.example.org/a",
        "evidence-0-title": "A",
        "evidence-1-url": "",
    }
    response = client.post(f"{LIST}add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    verdict = Verdict.objects.get()
    assert (verdict.author, verdict.state, verdict.headline) == (bob, State.DRAFT, "No bloodbath was averted")
    assert [e.url for e in verdict.evidence.all()] == ["https://records.example.org/a"]
    assert verdict.history.first().history_user == bob


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x"])
def test_it_refuses_a_bad_evidence_url_on_the_change_page(client, draft, bob, url):
    client.force_login(bob)
    data = form_data(draft, **{"evidence-1-url": url, "evidence-1-title": "Bad"})
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert draft.evidence.count() == 1
    draft.refresh_from_db()
    assert draft.version == 1


def test_it_saves_an_edit_and_records_it(client, draft, bob):
    client.force_login(bob)
    data = form_data(
        draft, headline="A sharper headline", **{"evidence-0-DELETE": "on", "evidence-1-url": "https://b.example.org/"}
    )
    response = client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "A sharper headline" and draft.version == 2
    assert [e.url for e in draft.evidence.all()] == ["https://b.example.org/"]
    record = draft.history.first()
    assert record.history_user == bob and "headline" in record.history_change_reason
    assert "removed https://records.example.org" in record.history_change_reason


def test_it_refuses_the_second_of_two_concurrent_edits(client, draft, bob, erin):
    stale = form_data(draft, headline="Erin's headline")
    client.force_login(bob)
    assert client.post(change_url(draft), form_data(draft, headline="Bob's headline")).status_code == 302
    client.force_login(erin)
    response = client.post(change_url(draft), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "was changed by someone else while you had it open" in page
    assert "Erin&#x27;s headline" in page  # her text is still in the form, not lost
    draft.refresh_from_db()
    assert draft.headline == "Bob's headline"


def test_it_refuses_an_edit_posted_without_a_version(client, draft, bob):
    client.force_login(bob)
    data = form_data(draft, headline="No version")
    del data["expected_version"]
    response = client.post(change_url(draft), data)
    assert response.status_code == 200 and "did not say which version you saw" in response.content.decode()


@pytest.mark.parametrize("state", [State.APPROVED, State.PUBLISHED])
@pytest.mark.parametrize("persona", ["bob", "erin", "root"])
def test_it_shows_approved_and_published_verdicts_read_only(client, request, claim, bob, frank, state, persona):
    verdict = make_verdict(claim, author=bob, editor=frank, state=state)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(change_url(verdict))
    assert page.status_code == 200
    assert 'name="headline"' not in page.content.decode()
    response = client.post(change_url(verdict), form_data(verdict, headline="Rewritten"))
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.headline == "The count was never recorded"


def test_it_shows_the_claim_in_context_and_escapes_it(client, make_article, make_claim, alice, bob, erin):
    hostile = "<img src=x onerror=alert(1)>"
    article = make_article(f"Before the claim. {hostile} After the claim.")
    claim = make_claim(article, hostile, user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin, headline=hostile)
    client.force_login(erin)
    page = client.get(change_url(verdict)).content.decode()
    assert "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>" in page
    assert "Before the claim. " in page and " After the claim." in page
    assert "<img src=x" not in page


def test_it_shows_only_the_steps_the_user_may_take(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(bob)
    assert client.get(change_url(verdict)).context["transitions"] == []
    client.force_login(erin)
    names = [t.name for t in client.get(change_url(verdict)).context["transitions"]]
    assert names == ["request_changes", "approve"]


def test_it_answers_404_for_a_bad_id(client, erin, db):
    client.force_login(erin)
    assert client.get(f"{LIST}999999/change/").status_code == 302  # admin redirects to the list with a message
    assert client.post(f"{LIST}999999/workflow/", {"transition": "publish", "version": 1}).status_code == 404


# ---------------------------------------------------------------- change-page buttons


def step(client, verdict, name, version=None, reason=""):
    return client.post(
        f"{LIST}{verdict.pk}/workflow/",
        {"transition": name, "version": verdict.version if version is None else version, "reason": reason},
    )


def test_it_moves_a_verdict_through_the_workflow_with_the_buttons(client, draft, bob, erin, frank):
    client.force_login(bob)
    response = step(client, draft, "submit")
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW
    client.force_login(erin)
    step(client, draft, "approve")
    draft.refresh_from_db()
    step(client, draft, "publish")
    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED
    client.force_login(frank)
    response = step(client, draft, "correct", reason="The year was wrong.")
    correction = Verdict.objects.get(corrects=draft)
    assert response["Location"] == change_url(correction)
    assert correction.correction_note == "The year was wrong." and correction.author == frank


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_refuses_publication_by_an_annotator_or_fact_checker_posting_the_button(
    client, request, claim, bob, erin, frank, persona
):
    verdict = make_verdict(claim, author=bob, editor=frank, state=State.APPROVED)
    client.force_login(request.getfixturevalue(persona))
    response = step(client, verdict, "publish")
    assert "Only editors can publish verdicts." in " ".join(follow_messages(client, response))
    verdict.refresh_from_db()
    assert verdict.state == State.APPROVED


def test_it_refuses_approval_by_the_author_on_the_change_page(client, claim, erin, frank):
    verdict = make_verdict(claim, author=erin, editor=frank, state=State.IN_REVIEW)
    client.force_login(erin)
    response = step(client, verdict, "approve")
    assert "Four-eyes rule" in " ".join(follow_messages(client, response))
    verdict.refresh_from_db()
    assert verdict.state == State.IN_REVIEW


def test_it_requires_a_reason_on_the_change_page(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    response = step(client, verdict, "request_changes", reason="")
    assert "needs a reason" in " ".join(follow_messages(client, response))
    step(client, verdict, "request_changes", reason="Add the registry link.")
    verdict.refresh_from_db()
    assert verdict.state == State.CHANGES_REQUESTED
    assert verdict.history.first().history_change_reason == "changes requested: Add the registry link."


def test_it_refuses_a_button_pressed_on_a_stale_page(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    seen = verdict.version
    services.update_verdict(user=erin, verdict=verdict, version=seen, explanation="Changed meanwhile.")
    client.force_login(erin)
    response = step(client, verdict, "approve", version=seen)
    assert "changed by someone else" in " ".join(follow_messages(client, response))
    verdict.refresh_from_db()
    assert verdict.state == State.IN_REVIEW


def test_it_refuses_to_submit_a_verdict_without_evidence_on_the_change_page(client, claim, bob):
    verdict = services.create_verdict(user=bob, claim=claim, rating="false", headline="No evidence yet")
    client.force_login(bob)
    response = step(client, verdict, "submit")
    assert "Add at least one evidence item" in " ".join(follow_messages(client, response))
    verdict.refresh_from_db()
    assert verdict.state == State.DRAFT


def test_it_refuses_get_on_the_workflow_url(client, draft, bob):
    client.force_login(bob)
    assert client.get(f"{LIST}{draft.pk}/workflow/").status_code == 405


# ---------------------------------------------------------------- list actions


def act(client, action, verdicts, **extra):
    return client.post(LIST, {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in verdicts], **extra})


def test_it_publishes_many_and_reports_what_it_skipped(client, claim, make_claim, article, alice, bob, erin, frank):
    verdicts = []
    for quote in ("Police in the coastal town", "ran from gunmen", "a video shows"):
        other = make_claim(article, quote, user=alice)
        verdicts.append(make_verdict(other, author=bob, editor=frank, state=State.APPROVED))
    pending = make_verdict(claim, author=bob, editor=frank, state=State.IN_REVIEW)
    client.force_login(erin)
    response = act(client, "publish_selected", [*verdicts, pending])
    text = " ".join(follow_messages(client, response))
    ids = ", ".join(f"#{r.pk}" for r in verdicts)
    assert f"3 published ({ids}); 1 skipped: not approved (#{pending.pk})." in text
    assert {r.state for r in Verdict.objects.filter(pk__in=[r.pk for r in verdicts])} == {State.PUBLISHED}


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_refuses_the_publish_action_to_annotators_and_fact_checkers(client, request, claim, bob, frank, persona):
    verdict = make_verdict(claim, author=bob, editor=frank, state=State.APPROVED)
    client.force_login(request.getfixturevalue(persona))
    actions = client.get(LIST).context["action_form"].fields["action"].choices
    assert "publish_selected" not in [name for name, _ in actions]
    act(client, "publish_selected", [verdict])
    verdict.refresh_from_db()
    assert verdict.state == State.APPROVED


def test_it_applies_four_eyes_in_the_approve_action(client, claim, make_claim, article, alice, bob, erin, frank):
    own = make_verdict(claim, author=erin, editor=frank, state=State.IN_REVIEW)
    other = make_verdict(
        make_claim(article, "ran from gunmen", user=alice), author=bob, editor=frank, state=State.IN_REVIEW
    )
    client.force_login(erin)
    text = " ".join(follow_messages(client, act(client, "approve_selected", [own, other])))
    assert f"1 approved (#{other.pk}); 1 skipped: Four-eyes rule" in text
    own.refresh_from_db()
    assert own.state == State.IN_REVIEW


def test_it_asks_for_a_reason_before_requesting_changes(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    page = act(client, "request_changes_selected", [verdict])
    assert page.status_code == 200 and b"What must change" in page.content
    empty = act(client, "request_changes_selected", [verdict], confirm="yes", reason=" ")
    assert empty.status_code == 200 and b"is required" in empty.content
    verdict.refresh_from_db()
    assert verdict.state == State.IN_REVIEW
    done = act(client, "request_changes_selected", [verdict], confirm="yes", reason="Cite the registry.")
    assert "1 sent back for changes" in " ".join(follow_messages(client, done))
    verdict.refresh_from_db()
    assert verdict.state == State.CHANGES_REQUESTED


def test_it_submits_many_and_skips_incomplete_ones(fresh, client, claim, bob):
    ready = make_verdict(fresh(), author=bob, editor=None)
    empty = services.create_verdict(user=bob, claim=fresh())
    client.force_login(bob)
    text = " ".join(follow_messages(client, act(client, "submit_selected", [ready, empty])))
    assert f"1 submitted for review (#{ready.pk}); 1 skipped:" in text and "Choose a rating" in text


def test_it_assigns_to_me(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    act(client, "assign_to_me", [verdict])
    verdict.refresh_from_db()
    assert verdict.assigned_to == erin


def test_it_starts_corrections_from_the_list_with_a_note(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    client.force_login(erin)
    act(client, "correct_selected", [verdict], confirm="yes", reason="Wrong year.")
    assert Verdict.objects.get(corrects=verdict).correction_note == "Wrong year."


# ---------------------------------------------------------------- history and dashboard


def test_it_shows_who_when_why_and_the_differences_in_the_history(client, draft, bob, erin):
    services.update_verdict(user=bob, verdict=draft, version=draft.version, headline="New headline")
    draft.refresh_from_db()
    services.submit_verdict(user=bob, verdict=draft, reason="ready for the desk")
    client.force_login(erin)
    page = client.get(f"{LIST}{draft.pk}/history/").content.decode()
    assert "submitted for review: ready for the desk" in page
    assert "The count was never recorded" in page and "New headline" in page  # the diff
    assert "bob" in page


def test_it_refuses_to_revert_through_the_history(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    record = verdict.history.last()
    client.force_login(erin)
    url = f"{LIST}{verdict.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(verdict)).status_code == 403
    verdict.refresh_from_db()
    assert verdict.state == State.PUBLISHED


def test_it_shows_the_dashboard(client, claim, make_claim, article, alice, bob, erin, django_assert_num_queries):
    make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED, rating="false")
    waiting = make_verdict(
        make_claim(article, "ran from gunmen", user=alice), author=bob, editor=erin, state=State.IN_REVIEW
    )
    client.force_login(alice)
    response = client.get(f"{LIST}dashboard/")
    assert response.status_code == 200
    context = response.context
    assert {bar["label"]: bar["count"] for bar in context["state_bars"]}["Published"] == 1
    assert {bar["label"]: bar["count"] for bar in context["rating_bars"]}["False"] == 1
    assert context["published_total"] == 1 and context["week_bars"][-1]["count"] == 1
    assert [r.pk for r in context["waiting"]] == [waiting.pk]
    assert b"<svg" in response.content
    make_verdict(make_claim(article, "a video shows", user=alice), author=bob, editor=erin, state=State.IN_REVIEW)
    # session, user, 2 permission lookups, counts by state, by rating, per week, the waiting list
    with django_assert_num_queries(8):
        client.get(f"{LIST}dashboard/")


def test_it_links_the_dashboard_from_the_admin_index(client, erin):
    client.force_login(erin)
    page = client.get("/admin/").content.decode()
    assert f'href="{LIST}dashboard/"' in page and f'href="{LIST}?queue=mine"' in page


def test_it_keeps_evidence_admin_read_only(client, draft, erin):
    client.force_login(erin)
    evidence = draft.evidence.get()
    assert client.get(f"/admin/articles/evidence/{evidence.pk}/change/").status_code == 200
    response = client.post(f"/admin/articles/evidence/{evidence.pk}/change/", {"url": "https://x.example.org/"})
    assert response.status_code == 403
    assert EVIDENCE[0]["url"] == draft.evidence.get().url


def test_it_links_to_the_public_page_only_once_published(fresh, client, claim, bob, erin):
    draft = make_verdict(fresh(), author=bob, editor=erin)
    published = make_verdict(fresh(), author=bob, editor=erin, state=State.PUBLISHED)
    client.force_login(erin)
    assert "View on site" not in client.get(change_url(draft)).content.decode()
    assert f'href="/verdicts/{published.pk}/"' in client.get(change_url(published)).content.decode()


def test_it_labels_every_other_week_so_labels_never_overlap(client, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}dashboard/")
    bars = response.context["week_bars"]
    assert bars[-1]["labelled"] and not bars[-2]["labelled"]
    page = response.content.decode()
    labelled = [bar["label"] for bar in bars if bar["labelled"]]
    assert len(labelled) == (len(bars) + 1) // 2
    assert all(f'text-anchor="middle">{label}</text>' in page for label in labelled)
    assert f'text-anchor="middle">{bars[-2]["label"]}</text>' not in page


# ---------------------------------------------------------------- assignments (editors hand out work)


def test_it_lets_an_editor_assign_a_claim_in_admin_and_tells_the_assignee(client, claim, bob, erin, alice):
    from articles.models import Assignment, Notification

    client.force_login(erin)
    response = client.post("/admin/articles/assignment/add/", {"claim": claim.pk, "assignee": bob.pk, "due": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Assignment.objects.get().assigned_by == erin
    assert Notification.objects.filter(recipient=bob, kind="assigned").exists()
    client.force_login(alice)
    assert client.get("/admin/articles/assignment/add/").status_code == 403
