""" "Has a public page" is defined once: Verdict.PUBLIC_STATES, Verdict.objects.public(), verdict.is_public."""

from articles import services
from articles.models import Verdict
from tests.verdict_helpers import make_verdict


def test_it_counts_published_and_superseded_verdicts_as_public(alice, bob, erin, frank, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    old = make_verdict(claim, author=bob, editor=erin, state=Verdict.State.PUBLISHED)
    correction = services.correct_verdict(user=erin, verdict=old, reason="the count was recorded after all")
    for step, user in (("submit", erin), ("approve", frank), ("publish", frank)):
        correction = services.run_transition(step, user=user, verdict=correction)
    draft = make_verdict(make_claim(article, "bloodbath", user=alice), author=bob, editor=erin)
    old.refresh_from_db()

    assert set(Verdict.objects.public()) == {old, correction}
    assert (old.state, old.is_public, correction.is_public, draft.is_public) == ("corrected", True, True, False)
