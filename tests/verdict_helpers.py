"""Small builders for verdict tests: a claim, and a verdict walked to a given state through the services."""

from articles import services
from articles.models import Review

EVIDENCE = [{"url": "https://records.example.org/escuinapa/deaths-2016", "title": "State death records", "note": ""}]

# The steps that take a fresh draft to each state; (function, who) where who is "author" or "editor".
PATH_TO = {
    Review.State.DRAFT: [],
    Review.State.IN_REVIEW: ["submit"],
    Review.State.CHANGES_REQUESTED: ["submit", "request_changes"],
    Review.State.APPROVED: ["submit", "approve"],
    Review.State.PUBLISHED: ["submit", "approve", "publish"],
}


def make_review(claim, *, author, editor, state=Review.State.DRAFT, **fields) -> Review:
    """A verdict by `author` on `claim`, moved to `state` with `editor` doing the editor's steps."""
    values = {"rating": "mostly_false", "headline": "The count was never recorded", "evidence": EVIDENCE}
    values.update(fields)
    review = services.create_review(user=author, claim=claim, **values)
    for step in PATH_TO[state]:
        user = author if step == "submit" else editor
        review = services.run_transition(step, user=user, review=review, reason="test step")
    return review
