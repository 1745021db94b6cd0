"""Check-worthy sentences on CLEF CheckThat! 2024 Task 1 (English), from `../shared/intel/checkworthiness`.

Figures: F1 of the `Yes` class on dev-test (and dev, in the note) for the shipped model (trained on the desk's
own example sentences, its C and threshold chosen by cross-validation on them) and for the same pipeline
trained here, in memory, on CT24 train (never written to disk: the data set's terms are not confirmed to allow
shipping a derived model); ms per sentence; an 800-word article scored end to end (split, score, reasons);
the shipped model's load time and file size.
"""

import re
import statistics
import time
from pathlib import Path

from bench.report import Figure, skipped
from bench.suggestions import intel_dir

WORKLOAD = "suggestions: check-worthy"
FILES = {name: f"CT24_checkworthy_english_{name}.tsv" for name in ("train", "dev", "dev-test")}
# One line of train has two records glued together ("…grow.\tNo29286\tYou can't…\tNo"): split it.
_GLUED = re.compile(r"^(\d+)\t(.*)\t(Yes|No)(\d+)\t(.*)\t(Yes|No)$")


def read_split(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        glued = _GLUED.match(line)
        records = (
            [(glued.group(2), glued.group(3)), (glued.group(5), glued.group(6))]
            if glued
            else [tuple(line.split("\t")[1:3])]
        )
        for text, label in records:
            texts.append(text)
            labels.append(1 if label.strip() == "Yes" else 0)
    return texts, labels


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
    folder = intel_dir() / "checkworthiness"
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        reason = f"{folder} is absent ({', '.join(missing)} missing): nothing to measure with"
        return [skipped(WORKLOAD, "F1 (Yes) on CT24 dev-test", reason)]

    from articles.suggesting import checkworthy, checkworthy_training

    splits = {name: read_split(folder / file) for name, file in FILES.items()}
    test_texts, test_labels = splits["dev-test"]
    result: list[Figure] = []

    began = time.perf_counter()
    shipped = checkworthy.load_file(checkworthy.DEFAULT_MODEL_FILE)
    load_seconds = time.perf_counter() - began
    size_kb = checkworthy.DEFAULT_MODEL_FILE.stat().st_size / 1024
    evaluation = checkworthy_training.evaluate(shipped, test_texts, test_labels)
    shipped_dev = checkworthy_training.evaluate(shipped, *splits["dev"])
    log(f"      shipped v{shipped.version}: {evaluation}; dev {shipped_dev}")
    result.append(
        Figure(
            WORKLOAD,
            f"F1 (Yes) on CT24 dev-test, shipped model v{shipped.version} (trained on the desk's own "
            f"{shipped.meta.get('n_samples', '?')} sentences)",
            round(evaluation.f1, 3),
            target="≥ 0.65",
            passed=evaluation.f1 >= 0.65,
            note=f"precision {evaluation.precision:.3f}, recall {evaluation.recall:.3f}, {evaluation.n} sentences; "
            f"dev F1 {shipped_dev.f1:.3f} (P {shipped_dev.precision:.3f}, R {shipped_dev.recall:.3f}); "
            f"threshold {shipped.threshold}, chosen on the desk's corpus",
        )
    )

    train_texts, train_labels = splits["train"]
    log(f"      training on CT24 train in memory ({len(train_texts)} sentences)…")
    began = time.perf_counter()
    trained = checkworthy_training.fit(train_texts, train_labels, version="ct24-train (not shipped)")
    train_seconds = time.perf_counter() - began
    evaluation = checkworthy_training.evaluate(trained, test_texts, test_labels)
    dev = checkworthy_training.evaluate(trained, *splits["dev"])
    log(f"      CT24-trained: {evaluation}; dev {dev}")
    result.append(
        Figure(
            WORKLOAD,
            "F1 (Yes) on CT24 dev-test, same pipeline trained on CT24 train in memory (not shipped)",
            round(evaluation.f1, 3),
            target="≥ 0.65",
            passed=evaluation.f1 >= 0.65,
            note=f"precision {evaluation.precision:.3f}, recall {evaluation.recall:.3f}; dev F1 {dev.f1:.3f}; "
            f"trained in {train_seconds:.0f} s",
        )
    )

    for label, model in (("shipped", shipped), ("CT24-trained", trained)):
        runs = [_ms_per_sentence(model, test_texts) for _ in range(3)]
        value = statistics.median(cpu for cpu, _ in runs)
        wall = statistics.median(wall for _, wall in runs)
        result.append(
            Figure(WORKLOAD, f"scoring, CPU ms per sentence ({label} model)", round(value, 3), "ms", target="≤ 5 ms",
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
