"""bench.suggestions.speakers: reads brat attributions, scores overlap with the gold source, skips without data."""

from bench.suggestions import speakers as bench

TEXT = '"We could have had eight or ten deaths," said the mayor of Escuinapa.\n\nThe state recorded 1,200 murders.'


def write_set(root):
    (root / "attributions").mkdir(parents=True)
    (root / "text").mkdir()
    (root / "text" / "story.txt").write_text(TEXT, encoding="utf-8")
    quote = TEXT.index("We could")
    said = TEXT.index("said")
    mayor = TEXT.index("the mayor")
    ann = (
        f"T1\tContent {quote} {quote + 37}\tWe could have had eight or ten deaths\n"
        f"T2\tCue {said} {said + 4}\tsaid\n"
        f"T3\tSource {mayor} {mayor + 22}\tthe mayor of Escuinapa\n"
        "E1\tAttribution:T2 Content:T1 Cue:T2 Source:T3\n"
    )
    (root / "attributions" / "story_ab12.ann").write_text(ann, encoding="utf-8")


def test_it_measures_a_small_set(tmp_path):
    write_set(tmp_path)
    [(text, attributions)] = bench.read_attributions(tmp_path)
    assert text == TEXT and attributions[0].cue == "said" and bench.is_speech_cue("has said")
    result = bench.run(tmp_path)
    assert result["speech_cue_n"] == 1 and result["speech_cue_accuracy"] == 1.0
    assert "speech-verb cue" in bench.report(result)


def test_it_skips_saying_why_without_the_data(tmp_path):
    result = bench.run(tmp_path / "absent")
    assert "absent" in result["skipped"] and bench.report(result).startswith("speakers: skipped")
