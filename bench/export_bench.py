"""Export every claim as JSON Lines and as CSV with `manage.py export_claims`, beside a raw-cursor reference.

Both run as child processes started the same way (a Python interpreter that sets Django up), so start-up
costs the same on each side. Wall time is from start to exit; peak memory is the child's own high-water
mark of resident memory (VmHWM, recorded at its exit by bench/peak.py), so nothing is sampled or missed.
The two sides take turns, ROUNDS times, and each keeps its best time (and its highest peak): on a machine
other work shares, one run of each would compare the load of two moments as much as the two exports.
"""

import subprocess
import sys
import time
from pathlib import Path

from articles.models import Claim
from bench.report import Figure

BASE_DIR = Path(__file__).resolve().parent.parent
FORMATS = ("jsonl", "csv")
MEMORY_LIMIT_MB = 200
# Twice the better of Label Studio (20,000 spans in about 0.6 s: 33,000/s) and doccano (2.3-3.3 s).
RIVAL_RATE = 2 * 20_000 / 0.6
RIVAL_GROWTH_MB = 450 / 2  # doccano's export grows by about 450 MiB
ROUNDS = 3


def measure(command: list[str], work_dir: Path) -> dict:
    """Wall seconds and peak memory (MB) of one Python child process, `command` being its arguments."""
    peak_file = work_dir / "peak.kb"
    peak_file.unlink(missing_ok=True)
    began = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "bench.peak", str(peak_file), *command], cwd=BASE_DIR, capture_output=True
    )
    wall = time.perf_counter() - began
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} exited with {process.returncode}: {process.stderr[-1000:]}")
    peak_mb = int(peak_file.read_text()) / 1024
    peak_file.unlink()
    return {"seconds": wall, "peak_mb": peak_mb, "stdout": process.stdout.decode()[-200:]}


def best(runs: list[dict]) -> dict:
    """The fastest of a side's runs, with the highest peak memory any of them reached."""
    fastest = min(runs, key=lambda one: one["seconds"])
    return fastest | {"peak_mb": max(one["peak_mb"] for one in runs), "runs": len(runs)}


def baseline(work_dir: Path) -> dict:
    """A child that only sets Django up: the memory any of these processes starts from."""
    return measure(["-m", "bench.export_reference", "--setup-only"], work_dir)


def run(run) -> list[Figure]:
    claims = Claim.objects.live().count()
    start_up = baseline(run.work_dir)
    figures, details = [], {"claims": claims, "django_setup": start_up}
    for fmt in FORMATS:
        out = run.work_dir / f"export.{fmt}"
        ref_out = run.work_dir / f"reference.{fmt}"
        commands = {
            "export_claims": (["manage.py", "export_claims", "--format", fmt, "-o", str(out)], out),
            "reference": (["-m", "bench.export_reference", "--format", fmt, "-o", str(ref_out)], ref_out),
        }
        rounds = {side: [] for side in commands}
        try:
            for _ in range(ROUNDS):
                for side, (command, path) in commands.items():
                    rounds[side].append(measure(command, run.work_dir) | {"bytes": path.stat().st_size})
        finally:
            out.unlink(missing_ok=True)
            ref_out.unlink(missing_ok=True)
        ours, reference = (best(rounds[side]) for side in commands)
        details[fmt] = {"export_claims": ours, "reference": reference, "rounds": rounds}
        rate, ref_rate = claims / ours["seconds"], claims / reference["seconds"]
        name = f"export {fmt.upper() if fmt == 'csv' else 'JSON Lines'}, {claims:,} claims"
        growth = ours["peak_mb"] - start_up["peak_mb"]
        figures += [
            Figure(name, "rate", rate, "claims/s", ref_rate, f">= 0.5x reference and >= {RIVAL_RATE:,.0f}/s",
                   rate >= 0.5 * ref_rate and rate >= RIVAL_RATE,
                   note=f"best of {ROUNDS} in turns: {ours['seconds']:.2f} s (reference {reference['seconds']:.2f} s), "
                        f"{ours['bytes'] / 1e6:.1f} MB written (reference {reference['bytes'] / 1e6:.1f} MB); "
                        f"{RIVAL_RATE:,.0f}/s is twice Label Studio's rate"),
            Figure(name, "peak memory", ours["peak_mb"], "MB", reference["peak_mb"], f"< {MEMORY_LIMIT_MB} MB",
                   ours["peak_mb"] < MEMORY_LIMIT_MB,
                   note=f"growth over a bare Django process ({start_up['peak_mb']:.0f} MB): {growth:.0f} MB "
                        f"(doccano: about 450 MiB)"),
        ]  # fmt: skip
    run.details["export"] = details
    return figures
