"""Figures, the printed table and the JSON file.

Every figure carries its reference from the same run (ratio = value / reference) and, where the spec
sets one, its target and whether it was met. A missed target says MISSED; a workload that could not run
says SKIPPED with the reason. Nothing here asserts: the harness reports, CI only checks that it runs.
"""

import json
import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    workload: str
    figure: str
    value: float | None
    unit: str = ""
    reference: float | None = None
    target: str = ""
    passed: bool | None = None  # None: no target, or not measured
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference

    @property
    def result(self) -> str:
        if self.value is None:
            return "SKIPPED"
        if self.passed is None:
            return "-"
        return "pass" if self.passed else "MISSED"

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "result": self.result}


def skipped(workload: str, figure: str, reason: str) -> Figure:
    return Figure(workload, figure, None, note=reason)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 loads is the 19th fastest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> tuple[float, float]:
    """(median, p95) of durations in seconds, in milliseconds."""
    return statistics.median(seconds) * 1000, percentile(seconds, 0.95) * 1000


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(figures: list[Figure]) -> str:
    header = ["workload", "figure", "value", "reference", "ratio", "target", "result"]
    rows = [header]
    for item in figures:
        rows.append(
            [
                item.workload,
                item.figure,
                _number(item.value, item.unit),
                _number(item.reference, item.unit),
                "-" if item.ratio is None else f"{item.ratio:.2f}",
                item.target or "-",
                item.result,
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    notes = [f"  * {item.workload} / {item.figure}: {item.note}" for item in figures if item.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| workload | figure | value | reference | ratio | target | result |", "|---|---|---|---|---|---|---|"]
    for item in figures:
        ratio = "-" if item.ratio is None else f"{item.ratio:.2f}"
        lines.append(
            f"| {item.workload} | {item.figure} | {_number(item.value, item.unit)} | "
            f"{_number(item.reference, item.unit)} | {ratio} | {item.target or '-'} | {item.result} |"
        )
    return "\n".join(lines)


def machine() -> dict:
    """What the figures ran on: enough to judge whether two runs are comparable."""
    info = {
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "cpu_model": "",
        "memory_gib": None,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
