"""The speaker rules on sentences written for these tests (English through spaCy, Spanish by cue words)."""

import pytest

from articles.suggesting import speakers


def guess(text: str, quote: str, language: str = "en"):
    start = text.index(quote)
    return speakers.suggest_speaker(text, start, start + len(quote), language)


@pytest.mark.parametrize(
    ("text", "quote", "name", "cue"),
    [
        ('"We could have had eight or ten deaths," said the mayor of Escuinapa.',
         "We could have had eight or ten deaths", "the mayor of Escuinapa", "said"),
        ("According to Governor Rubén Rocha, the army arrived at dawn.", "the army arrived at dawn",
         "Governor Rubén Rocha", "according to"),
        ("Bonifacio Bustamante told reporters the town was safe again.", "the town was safe again",
         "Bonifacio Bustamante", "told"),
        ("Bustamante said that 262 officers had left the force.", "262 officers had left the force", "Bustamante",
         "said"),
    ],
)  # fmt: skip
def test_it_finds_the_speaker_of_english_attributions(text, quote, name, cue):
    found = guess(text, quote)
    assert found is not None and found.name == name and cue in found.cue
    assert text[found.mention[0] : found.mention[1]] == name
    assert 0 < found.score <= 1


def test_it_resolves_a_pronoun_to_the_last_person_named():
    text = "Bonifacio Bustamante visited the square on Monday. He said the curfew would end soon."
    found = guess(text, "the curfew would end soon")
    assert found.name == "Bonifacio Bustamante" and "pronoun" in found.cue
    assert text[found.mention[0] : found.mention[1]] == "He"  # the words the rule pointed at


def test_it_suggests_nobody_without_an_attribution():
    assert guess("The state recorded 1,200 murders last year.", "1,200 murders") is None


@pytest.mark.parametrize(
    ("text", "quote", "name", "language"),
    [
        ("Town police left.\n\nThe mayor said the town hired 262 officers since 2021.",
         "The mayor said the town hired 262 officers since 2021.", "The mayor", "en"),
        ("Town police left. Bonifacio Bustamante told reporters that 40 officers had quit.",
         "Bonifacio Bustamante told reporters that 40 officers had quit.", "Bonifacio Bustamante", "en"),
        ("La policía se fue.\n\nEl alcalde dijo que el pueblo contrató 262 policías desde 2021.",
         "El alcalde dijo que el pueblo contrató 262 policías desde 2021.", "El alcalde", "es"),
    ],
)  # fmt: skip
def test_a_selection_that_holds_its_own_attribution_gets_that_speaker(text, quote, name, language):
    # A suggested check-worthy sentence is selected whole, attribution included.
    found = guess(text, quote, language)
    assert found is not None and found.name == name and "selec" in found.cue
    assert text[found.mention[0] : found.mention[1]] == name


def test_first_person_and_quoted_speech_inside_the_selection_is_no_attribution():
    assert (
        guess("Town police left. We said the town hired 262 officers.", "We said the town hired 262 officers.") is None
    )
    text = 'Town police left.\n\n"The mayor said we would be safe, and then 40 officers quit."'
    assert guess(text, "The mayor said we would be safe, and then 40 officers quit.") is None


@pytest.mark.parametrize(
    ("text", "quote", "name"),
    [
        ('"Fue una retirada táctica", dijo el alcalde de Escuinapa.', "Fue una retirada táctica",
         "el alcalde de Escuinapa"),
        ("Según el gobernador Rubén Rocha, la situación está controlada.", "la situación está controlada",
         "el gobernador Rubén Rocha"),
        ("Bonifacio Bustamante afirmó que la policía se retiró.", "la policía se retiró", "Bonifacio Bustamante"),
        ('"No hubo muertos", declaró Ana Morera, vocera de la fiscalía.', "No hubo muertos", "Ana Morera"),
    ],
)  # fmt: skip
def test_it_finds_the_speaker_of_spanish_attributions(text, quote, name):
    found = guess(text, quote, "es")
    assert found is not None and found.name.startswith(name)


def test_spanish_without_a_written_subject_takes_the_last_person_named():
    text = "Rubén Rocha Moya visitó la zona. Declaró que la situación está controlada."
    found = guess(text, "la situación está controlada", "es")
    assert found.name == "Rubén Rocha Moya" and found.score < 0.8


def test_names_are_matched_without_case_accents_or_titles():
    assert speakers.normalise("  Rubén   ROCHA. ") == "ruben rocha"
    assert speakers.name_variants("Governor Rubén Rocha") == ("governor ruben rocha", "ruben rocha", "rocha")
    assert "the mayor" in speakers.name_variants("the mayor of Escuinapa")


def test_the_model_comes_from_the_installed_package_with_its_provenance():
    assert speakers.check_installed() is None
    provenance = speakers.provenance()
    assert provenance["model_version"].startswith("3.8.0")
    assert len(provenance["model_sha256"]) == 64


def test_a_missing_model_is_a_start_up_error(monkeypatch):
    from django.core import checks

    assert not [error for error in checks.run_checks() if error.id == "articles.E101"]
    monkeypatch.setattr(speakers, "MODEL_PACKAGE", "en_core_web_sm_not_installed")
    errors = [error for error in checks.run_checks() if error.id == "articles.E101"]
    assert errors and "not installed" in errors[0].msg and "pip install" in errors[0].msg
