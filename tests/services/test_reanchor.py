"""Claims survive article edits: a stored article is revised and its claims re-anchored (services level).

Each test stores a real article with claims, revises it through services.revise_article and reads the
claims back from the database: where they are, in which anchor state, and that their links, verdicts
and history are still theirs.
"""

import pytest

from articles import services
from articles.models import Claim, ClaimLink

# Our own demo text: four paragraphs, with a figure that an outlet might correct.
BODY = (
    "Floodwater reached the market square of Puerto Lindo before dawn on Tuesday.\n\n"
    "The harbour master said the sea wall had been inspected in March and found sound. "
    "Residents disputed that account at a meeting on Wednesday evening.\n\n"
    "According to the civil protection office, 340 homes were damaged and two bridges closed. "
    "The office expects repairs to take at least six weeks.\n\n"
    "The regional governor promised a fund of four million pesos for the families affected."
)
FIGURE = "340 homes were damaged"
WALL = "the sea wall had been inspected in March and found sound"
FUND = "a fund of four million pesos"


def paragraphs(body=BODY):
    return body.split("\n\n")


@pytest.fixture
def story(make_article):
    return make_article(BODY, title="Flood in Puerto Lindo")


def revise(article, body, user=None, reason="outlet corrected the story"):
    return services.revise_article(user=user, article=article, body=body, reason=reason)


def reload(claim):
    return Claim.objects.get(pk=claim.pk)


def assert_on_text(claim, article):
    article.refresh_from_db()
    assert claim.anchor_state in {"anchored", "relocated"}
    assert article.body[claim.start : claim.end] == claim.quote


# ---------------------------------------------------------------- insertions and deletions


def test_it_shifts_a_claim_when_text_is_inserted_before_it(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    result = revise(story, BODY.replace("Floodwater", "Muddy floodwater"))
    moved = reload(claim)
    assert (moved.start, moved.end) == (claim.start + 6, claim.end + 6)
    assert moved.anchor_state == "anchored" and moved.quote == FIGURE
    assert moved.version == claim.version + 1
    assert result.body_changed and result.summary() == "1 anchored, 0 relocated, 0 orphaned"
    assert result.moved == [claim.pk]


def test_it_leaves_a_claim_untouched_when_text_far_after_it_changes(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    result = revise(story, BODY.replace("four million", "five million"))
    same = reload(claim)
    assert (same.start, same.end, same.quote, same.anchor_state) == (claim.start, claim.end, WALL, "anchored")
    assert same.version == claim.version  # nothing about it changed: no new version, no history record
    assert same.history.count() == 1
    assert result.moved == []


def test_it_marks_a_claim_relocated_when_a_word_is_inserted_inside_it(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    revise(story, BODY.replace("340 homes were damaged", "340 homes were badly damaged"))
    moved = reload(claim)
    assert moved.anchor_state == "relocated"
    assert moved.quote == "340 homes were badly damaged"
    assert_on_text(moved, story)


def test_it_marks_a_claim_relocated_when_a_figure_inside_it_is_corrected(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    revise(story, BODY.replace("340 homes", "430 homes"))
    moved = reload(claim)
    assert (moved.anchor_state, moved.quote) == ("relocated", "430 homes were damaged")
    assert_on_text(moved, story)


def test_it_shifts_a_claim_when_text_before_it_is_deleted(story, alice, make_claim):
    claim = make_claim(story, FUND, user=alice)
    revise(story, BODY.replace(" before dawn on Tuesday", ""))
    moved = reload(claim)
    assert moved.anchor_state == "anchored"
    assert moved.start == claim.start - len(" before dawn on Tuesday")
    assert_on_text(moved, story)


def test_it_marks_a_claim_relocated_when_a_word_inside_it_is_deleted(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    revise(story, BODY.replace("inspected in March and found sound", "inspected in March and found"))
    moved = reload(claim)
    assert (moved.anchor_state, moved.quote) == ("relocated", "the sea wall had been inspected in March and found")
    assert_on_text(moved, story)


def test_it_keeps_a_claim_anchored_when_text_right_after_it_is_deleted(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    revise(story, BODY.replace(" and two bridges closed", ""))
    moved = reload(claim)
    assert (moved.anchor_state, moved.start, moved.quote) == ("anchored", claim.start, FIGURE)
    assert moved.suffix.startswith(". The office expects")  # fresh context from the new text
    assert_on_text(moved, story)


# ---------------------------------------------------------------- moves, duplicates, deletions


def test_it_follows_a_paragraph_that_was_moved(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    first, wall, figures, fund = paragraphs()
    revise(story, "\n\n".join([first, figures, fund, wall]))
    moved = reload(claim)
    assert moved.anchor_state == "anchored" and moved.quote == WALL
    assert moved.start > claim.start
    assert_on_text(moved, story)


def test_it_uses_prefix_and_suffix_when_a_sentence_is_duplicated(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    # The outlet repeats the figure in a new summary paragraph at the top, in other words around it.
    summary = "In short: officials say 340 homes were damaged, most of them near the river."
    revise(story, summary + "\n\n" + BODY)
    moved = reload(claim)
    assert moved.anchor_state == "anchored"
    assert moved.start == claim.start + len(summary) + 2  # the original sentence, not the new summary
    assert moved.prefix.endswith("civil protection office, ")


def test_it_orphans_a_claim_when_its_words_now_stand_in_two_places_and_context_cannot_decide(story, alice, make_claim):
    claim = make_claim(story, FUND, user=alice)
    rewritten = (
        "Two plans compete. The city council wants a fund of four million pesos for the roads; "
        "the provincial cabinet wants a fund of four million pesos for the schools."
    )
    revise(story, BODY.replace(paragraphs()[-1], rewritten))
    orphan = reload(claim)
    assert orphan.anchor_state == "orphaned" and orphan.quote == FUND


def test_it_orphans_a_claim_whose_quote_was_deleted_and_keeps_its_words(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    edited = BODY.replace("The harbour master said the sea wall had been inspected in March and found sound. ", "")
    result = revise(story, edited)
    orphan = reload(claim)
    assert orphan.anchor_state == "orphaned"
    assert (orphan.start, orphan.end) == (None, None)
    assert (orphan.quote, orphan.prefix, orphan.suffix) == (claim.quote, claim.prefix, claim.suffix)
    assert orphan.version == claim.version + 1
    assert result.orphaned == 1


def test_it_does_not_move_a_deleted_quote_onto_the_same_words_elsewhere(story, alice, make_claim):
    # "the sea wall" also occurs in an untouched sentence; the claim's own sentence is deleted.
    body = BODY.replace("before dawn on Tuesday.", "before dawn on Tuesday, when the sea wall gave way.")
    article = services.revise_article(user=None, article=story, body=body, reason="setup").article
    claim = make_claim(article, "the sea wall", user=alice, occurrence=1)
    revise(article, body.replace(paragraphs(body)[1].split(". ")[0] + ". ", ""))
    assert reload(claim).anchor_state == "orphaned"


def test_it_orphans_a_claim_when_its_paragraph_is_rewritten(story, alice, make_claim):
    claim = make_claim(story, FUND, user=alice)
    revise(story, BODY.replace(paragraphs()[-1], "No financial help has been announced so far."))
    assert reload(claim).anchor_state == "orphaned"


# ---------------------------------------------------------------- whitespace, newlines, Unicode


def test_it_keeps_claims_anchored_when_the_new_text_has_windows_newlines(story, alice, make_claim):
    claim = make_claim(story, FUND, user=alice)
    result = revise(story, BODY.replace("\n", "\r\n").replace("Tuesday", "Tuesday morning"))
    story.refresh_from_db()
    assert "\r" not in story.body
    moved = reload(claim)
    assert moved.anchor_state == "anchored" and moved.start == claim.start + len(" morning")
    assert result.anchored == 1


def test_it_keeps_a_claim_anchored_when_paragraph_breaks_change_around_it(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    revise(story, BODY.replace("\n\n", "\n"))
    moved = reload(claim)
    assert moved.anchor_state == "anchored"
    assert moved.start == claim.start - 2
    assert_on_text(moved, story)


def test_it_relocates_a_claim_whose_quote_was_reflowed_across_lines(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    revise(story, BODY.replace("inspected in March", "inspected\nin  March"))
    moved = reload(claim)
    assert moved.anchor_state == "relocated"
    assert moved.quote == "the sea wall had been inspected\nin  March and found sound"
    assert_on_text(moved, story)


def test_it_relocates_a_claim_when_its_accents_change_unicode_normalisation(make_article, alice, make_claim):
    composed = "El alcalde dijo que la retirada táctica evitó una masacre en Escuinapa el lunes."
    article = make_article(composed, title="Retirada")
    claim = make_claim(article, "la retirada táctica evitó una masacre", user=alice)
    decomposed = composed.replace("á", "a\u0301").replace("ó", "o\u0301")
    revise(article, decomposed)
    moved = reload(claim)
    assert moved.anchor_state == "relocated"
    assert moved.quote == "la retirada ta\u0301ctica evito\u0301 una masacre"
    assert_on_text(moved, article)


def test_it_counts_astral_characters_as_one_code_point(make_article, alice, make_claim):
    article = make_article("Residents posted 🌊 photos. The mayor said help was coming soon.", title="Emoji")
    claim = make_claim(article, "help was coming soon", user=alice)
    revise(article, "Residents posted 🌊🌊 photos. The mayor said help was coming soon.")
    moved = reload(claim)
    assert moved.start == claim.start + 1
    assert_on_text(moved, article)


# ---------------------------------------------------------------- what stays attached


def test_it_keeps_links_verdicts_and_history_of_an_orphaned_claim(story, alice, bob, make_claim):
    wall = make_claim(story, WALL, user=alice, summary="The sea wall was sound in March.")
    fund = make_claim(story, FUND, user=alice)
    link = services.link_claims(user=alice, from_claim=wall, to_claim=fund, relation="supports", note="context")
    verdict = services.create_verdict(user=bob, claim=wall, rating="mostly_false", headline="No inspection record")
    services.update_claim(user=alice, claim=wall, version=wall.version, summary="Sea wall inspected in March.")

    revise(story, BODY.replace(WALL, "the wall was new"), user=bob)

    orphan = reload(wall)
    assert orphan.anchor_state == "orphaned"
    assert ClaimLink.objects.get(pk=link.pk).from_claim_id == wall.pk
    assert list(orphan.verdicts.values_list("pk", flat=True)) == [verdict.pk]
    assert orphan.summary == "Sea wall inspected in March."
    history = orphan.history.order_by("history_date", "history_id")
    reasons = list(history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 3 and reasons[-1] == "re-anchored after revision: orphaned (outlet corrected the story)"
    latest = orphan.history.latest()
    assert latest.history_user == bob and latest.start is None and latest.quote == WALL


def test_it_keeps_tags_in_the_history_record_of_a_reanchored_claim(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice, tags=["flood", "housing"])
    revise(story, "Update: figures revised.\n\n" + BODY)
    record = reload(claim).history.latest()
    assert sorted(record.tags.values_list("tag__name", flat=True)) == ["flood", "housing"]
    assert record.history_change_reason.startswith("re-anchored after revision: anchored")


def test_it_reanchors_deleted_claims_so_that_undo_lands_on_the_right_words(story, alice, make_claim):
    claim = make_claim(story, FUND, user=alice)
    services.delete_claim(user=alice, claim=claim)
    result = revise(story, "Breaking.\n\n" + BODY)
    restored = services.restore_claim(user=alice, claim=claim)
    assert restored.start == claim.start + len("Breaking.\n\n")
    assert_on_text(restored, story)
    assert (result.anchored, result.moved) == (0, [claim.pk])  # counts are of live claims only


def test_it_finds_an_orphaned_claim_again_when_its_words_come_back(story, alice, make_claim):
    claim = make_claim(story, WALL, user=alice)
    edited = BODY.replace(WALL, "the wall was new")
    revise(story, edited)
    assert reload(claim).anchor_state == "orphaned"
    revise(story, BODY, reason="outlet reverted the change")
    back = reload(claim)
    assert (back.anchor_state, back.start, back.end) == ("anchored", claim.start, claim.end)


def test_it_keeps_a_relocated_claim_relocated_until_someone_confirms_it(story, alice, make_claim):
    claim = make_claim(story, FIGURE, user=alice)
    revise(story, BODY.replace("340 homes", "430 homes"))
    revise(story, "Updated.\n\n" + BODY.replace("340 homes", "430 homes"))
    assert reload(claim).anchor_state == "relocated"


def test_it_reanchors_many_claims_in_one_revision_and_counts_them(story, alice, carol, make_claim):
    claims = [
        make_claim(story, FIGURE, user=alice),
        make_claim(story, WALL, user=carol),
        make_claim(story, FUND, user=alice),
        make_claim(story, "Floodwater", user=carol),
    ]
    edited = BODY.replace("340 homes", "430 homes").replace(WALL, "the wall was new").replace("Tuesday", "Monday")
    result = revise(story, edited)
    states = [reload(c).anchor_state for c in claims]
    assert states == ["relocated", "orphaned", "anchored", "anchored"]
    assert (result.anchored, result.relocated, result.orphaned) == (2, 1, 1)
    assert sorted(result.moved) == sorted(c.pk for c in claims[:3])


# ---------------------------------------------------------------- the benchmark's own workload


def test_it_runs_the_reanchor_benchmark_at_a_small_size(db):
    from bench.reanchor import bench_reanchor

    figures = bench_reanchor(claims=40, length=4_000, repeats=1)
    assert figures["claims"] == 40 and sum(figures["states"].values()) == 40
    service = figures["service_states"]
    assert (service["anchored"], service["relocated"], service["orphaned"]) == tuple(figures["states"].values())
    assert figures["seconds"] == figures["service_seconds"] and figures["note"]
    assert not Claim.objects.exists()  # the benchmark rolls back what it stored
