"""The speaker suggestion measured on PolNeAR's dev attributions (`python -m bench.suggestions.speakers`).

Reads `../shared/intel/attribution/dev` (brat standoff: Source, Cue and Content spans joined by `E` lines) and
only measures: nothing from it is copied or shipped. For each attribution with a Content and a Source, the
suggestion for the Content span is right when the words it points at (its `mention`) overlap the gold Source.
Reported for the attributions whose cue is a speech verb (target ≥ 85 %) and for all of them, with the model's
load time, milliseconds per suggestion and the process's peak resident memory. Skips, saying why, when the
data is absent. Options: `--limit N` (attributions), `--data DIR`, `--json`.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# ../shared/intel beside the checkout (a worktree one level deeper finds it one level up).
DEFAULT_DATA = next(
    (base / "shared" / "intel" / "attribution" / "dev" for base in (ROOT.parent, ROOT.parent.parent)
     if (base / "shared" / "intel").is_dir()),
    ROOT.parent / "shared" / "intel" / "attribution" / "dev",
)  # fmt: skip
TARGET_SPEECH = 0.85
TARGET_LOAD_S = 2.0
TARGET_RSS_MB = 400


@dataclass
class Attribution:
    text_id: str
    content: list[tuple[int, int]]
    source: list[tuple[int, int]]
    cue: str


def _spans(offsets: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))]


def read_attributions(data: Path) -> list[tuple[str, list[Attribution]]]:
    """(text, its attributions) per article; attributions without a Content or Source are left out."""
    articles = []
    seen = set()
    for ann in sorted((data / "attributions").glob("*.ann")):
        # "<article>_<annotator>.ann": an article annotated twice is measured once, on its first annotation.
        stem = ann.stem.rsplit("_", 1)[0]
        text_path = data / "text" / (stem + ".txt")
        if stem in seen or not text_path.exists():
            continue
        seen.add(stem)
        text = text_path.read_text(encoding="utf-8")
        spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
        events = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T") and len(parts) >= 2:
                kind, _, offsets = parts[1].partition(" ")
                spans[parts[0]] = (kind, _spans(offsets), parts[2] if len(parts) > 2 else "")
            elif line.startswith("E") and len(parts) >= 2:
                events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
        found = []
        for event in events:
            content, source, cue = (spans.get(event.get(role, "")) for role in ("Content", "Source", "Cue"))
            if content and source:
                found.append(Attribution(ann.stem, content[1], source[1], cue[2] if cue else ""))
        articles.append((text, found))
    return articles


def is_speech_cue(cue: str) -> bool:
    from articles.suggesting.speakers import _IRREGULAR, SPEECH_VERBS

    for word in re.findall(r"[a-z]+", cue.lower()):
        lemma = _IRREGULAR.get(word, word)
        for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                                    ("ing", ""), ("ing", "e"), ("d", ""), ("", "")):  # fmt: skip
            if lemma.endswith(suffix) and (lemma[: len(lemma) - len(suffix)] + replacement) in SPEECH_VERBS:
                return True
    return False


def _overlap(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < end and start < a[1] for start, end in spans)


def run(data: Path = DEFAULT_DATA, limit: int | None = None) -> dict:
    if not (data / "attributions").is_dir():
        return {"skipped": f"no PolNeAR data at {data} (../shared/intel absent): nothing measured"}
    from articles.suggesting import speakers

    started, cpu_started = time.perf_counter(), time.process_time()
    speakers.load()
    load_s, load_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    totals = {"speech": [0, 0], "all": [0, 0]}
    timings, cpu_timings = [], []
    done = 0
    for text, attributions in read_attributions(data):
        for attribution in attributions:
            if limit is not None and done >= limit:
                break
            # A reader selects one stretch of words: a quote split by its attribution ("…," she said, "…")
            # is measured on its first part, as the reader would select it.
            start, end = attribution.content[0]
            if end <= start:
                continue  # an empty Content span in the data: nothing to select
            began, cpu_began = time.perf_counter(), time.process_time()
            guess = speakers.suggest_speaker(text, start, end, "en")
            timings.append((time.perf_counter() - began) * 1000)
            cpu_timings.append((time.process_time() - cpu_began) * 1000)
            right = guess is not None and _overlap(guess.mention, attribution.source)
            groups = ["all", "speech"] if is_speech_cue(attribution.cue) else ["all"]
            for group in groups:
                totals[group][0] += right
                totals[group][1] += 1
            done += 1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "speech_cue_accuracy": totals["speech"][0] / max(1, totals["speech"][1]),
        "speech_cue_n": totals["speech"][1],
        "all_accuracy": totals["all"][0] / max(1, totals["all"][1]),
        "all_n": totals["all"][1],
        "ms_per_suggestion_median": statistics.median(timings) if timings else 0.0,
        "ms_per_suggestion_p95": sorted(timings)[int(0.95 * (len(timings) - 1))] if timings else 0.0,
        "cpu_ms_per_suggestion_median": statistics.median(cpu_timings) if cpu_timings else 0.0,
        "load_s": load_s,
        "load_cpu_s": load_cpu_s,
        "rss_mb": rss_mb,
        "model": speakers.provenance(),
    }


def report(result: dict) -> str:
    if "skipped" in result:
        return f"speakers: skipped: {result['skipped']}"
    rows = [
        ("right, speech-verb cue", f"{result['speech_cue_accuracy']:.1%} of {result['speech_cue_n']}",
         f"≥ {TARGET_SPEECH:.0%}"),
        ("right, all attributions", f"{result['all_accuracy']:.1%} of {result['all_n']}", "(reported)"),
        ("ms per suggestion (median / p95; CPU median)",
         f"{result['ms_per_suggestion_median']:.0f} / {result['ms_per_suggestion_p95']:.0f}; "
         f"{result['cpu_ms_per_suggestion_median']:.0f}", "(reported)"),
        ("model load (wall; CPU)", f"{result['load_s']:.2f} s; {result['load_cpu_s']:.2f} s",
         f"≤ {TARGET_LOAD_S:.0f} s"),
        ("peak resident memory", f"{result['rss_mb']:.0f} MB", f"≤ {TARGET_RSS_MB} MB"),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    lines = [f"speakers (PolNeAR dev; {result['model']['model_name']} {result['model']['model_version']})"]
    lines += [f"  {name:<{width}}  {value:>16}  {target}" for name, value, target in rows]
    return "\n".join(lines)


def figures(log) -> list:
    """`python -m bench --only suggestions`: this kind's figures in the harness's table."""
    from bench.report import Figure, skipped

    result = run()
    if "skipped" in result:
        return [skipped("suggestions: speakers", "right, speech-verb cue", result["skipped"])]
    log(report(result))
    return [
        Figure("suggestions: speakers", name, round(value, 3))
        for name, value in result.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggestions.speakers", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="measure only the first N attributions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args.data, args.limit)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
