"""Small builders for verdict tests: a claim, and a verdict walked to a given state through the services."""

from articles import services
from articles.models import Verdict

EVIDENCE = [{"url": "https://records.example.org/escuinapa/deaths-2016", "title": "State death records", "note": ""}]

# The steps that take a fresh draft to each state; (function, who) where who is "author" or "editor".
PATH_TO = {
    Verdict.State.DRAFT: [],
    Verdict.State.IN_REVIEW: ["submit"],
    Verdict.State.CHANGES_REQUESTED: ["submit", "request_changes"],
    Verdict.State.APPROVED: ["submit", "approve"],
    Verdict.State.PUBLISHED: ["submit", "approve", "publish"],
}


def make_verdict(claim, *, author, editor, state=Verdict.State.DRAFT, **fields) -> Verdict:
    """A verdict by `author` on `claim`, moved to `state` with `editor` doing the editor's steps."""
    values = {"rating": "mostly_false", "headline": "The count was never recorded", "evidence": EVIDENCE}
    values.update(fields)
    verdict = services.create_verdict(user=author, claim=claim, **values)
    for step in PATH_TO[state]:
        user = author if step == "submit" else editor
        verdict = services.run_transition(step, user=user, verdict=verdict, reason="test step")
    return verdict
