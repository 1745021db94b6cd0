"""Check-worthy sentences on CLEF CheckThat! 2024 Task 1 (English), from `../shared/intel/checkworthiness`.

Figures: F1 of the `Yes` class on dev-test (and dev, in the note) for the shipped model (trained on CT24 train
plus the desk's own sentences, its settings chosen on dev: dev-test only measures); ms per sentence; an
800-word article scored end to end (split, score, reasons); the shipped model's load time and file size.
"""

import statistics
import time

from articles.suggesting import checkworthy, checkworthy_training
from bench.report import Figure, skipped

WORKLOAD = "suggestions: check-worthy"


def article_of_words(texts: list[str], words: int = 800) -> str:
    """An article of about `words` words: dev-test sentences in paragraphs of four."""
    chosen, count = [], 0
    for text in texts:
        chosen.append(text)
        count += len(text.split())
        if count >= words:
            break
    paragraphs = [" ".join(chosen[i : i + 4]) for i in range(0, len(chosen), 4)]
    return "\n\n".join(paragraphs)


def _ms_per_sentence(model, texts: list[str]) -> tuple[float, float]:
    """(CPU ms, wall ms) per sentence: CPU time is what the machine's other work does not inflate."""
    began, began_cpu = time.perf_counter(), time.process_time()
    for text in texts:
        model.score(text)
    return (time.process_time() - began_cpu) * 1000 / len(texts), (time.perf_counter() - began) * 1000 / len(texts)


def figures(log) -> list[Figure]:
    folder = checkworthy_training.ct24_folder()
    missing = [name for name in checkworthy_training.CT24_FILES.values() if not (folder / name).is_file()]
    if missing:
        reason = f"{folder} is absent ({', '.join(missing)} missing): nothing to measure with"
        return [skipped(WORKLOAD, "F1 (Yes) on CT24 dev-test", reason)]

    splits = {split: checkworthy_training.read_ct24(split, folder) for split in ("dev", "dev-test")}
    test_texts, test_labels = splits["dev-test"]
    result: list[Figure] = []

    began = time.perf_counter()
    shipped = checkworthy.load_file(checkworthy.DEFAULT_MODEL_FILE)
    load_seconds = time.perf_counter() - began
    size_kb = checkworthy.DEFAULT_MODEL_FILE.stat().st_size / 1024
    evaluation = checkworthy_training.evaluate(shipped, test_texts, test_labels)
    dev = checkworthy_training.evaluate(shipped, *splits["dev"])
    log(f"      shipped v{shipped.version}: {evaluation}; dev {dev}")
    result.append(
        Figure(
            WORKLOAD,
            f"F1 (Yes) on CT24 dev-test, shipped model v{shipped.version} ({shipped.meta.get('trained_on', '?')})",
            round(evaluation.f1, 3),
            target="≥ 0.65",
            passed=evaluation.f1 >= 0.65,
            note=f"precision {evaluation.precision:.3f}, recall {evaluation.recall:.3f}, {evaluation.n} sentences; "
            f"dev F1 {dev.f1:.3f} (P {dev.precision:.3f}, R {dev.recall:.3f}); "
            f"threshold {shipped.threshold}, chosen on dev and a held-out fifth of the desk corpus",
        )
    )

    runs = [_ms_per_sentence(shipped, test_texts) for _ in range(3)]
    value = statistics.median(cpu for cpu, _ in runs)
    wall = statistics.median(wall for _, wall in runs)
    result.append(
        Figure(WORKLOAD, "scoring, CPU ms per sentence (shipped model)", round(value, 3), "ms", target="≤ 5 ms",
               passed=value <= 5,
               note=f"median of 3 passes over {len(test_texts)} dev-test sentences; wall {wall:.3f} ms")
    )  # fmt: skip

    text = article_of_words(test_texts + splits["dev"][0])
    timings, walls = [], []
    for _ in range(5):
        began, began_cpu = time.perf_counter(), time.process_time()
        scored = checkworthy.score_text(text, shipped)
        timings.append(time.process_time() - began_cpu)
        walls.append(time.perf_counter() - began)
    value, wall = statistics.median(timings), statistics.median(walls)
    result.append(
        Figure(WORKLOAD, "800-word article fully scored, CPU s (split, score, reasons; one core)", round(value, 4),
               "s", target="≤ 3 s", passed=value <= 3,
               note=f"{len(text.split())} words, {len(scored)} sentences; median of 5; wall {wall:.3f} s")
    )  # fmt: skip
    result.append(
        Figure(WORKLOAD, "shipped model load (JSON)", round(load_seconds, 4), "s", target="≤ 2 s",
               passed=load_seconds <= 2, note=f"file {size_kb:.0f} KB, no model wheel (scored in plain Python)")
    )  # fmt: skip
    return result
