"""Export every claim as JSON Lines and as CSV with `manage.py export_claims`, beside a raw-cursor reference.

Both run as child processes started the same way (a Python interpreter that sets Django up), so start-up
costs the same on each side. Wall time is from start to exit; peak memory is the child's maximum resident
set size as the kernel reports it when the child is reaped (wait4), so nothing is sampled or missed.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from articles.models import Claim
from bench.report import Figure

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
FORMATS = ("jsonl", "csv")
MEMORY_LIMIT_MB = 200
# Twice the better of Label Studio (20,000 spans in about 0.6 s: 33,000/s) and doccano (2.3-3.3 s).
RIVAL_RATE = 2 * 20_000 / 0.6
RIVAL_GROWTH_MB = 450 / 2  # doccano's export grows by about 450 MiB


def measure(command: list[str]) -> dict:
    """Wall seconds, peak RSS (MB) and exit status of one child process."""
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} exited with {process.returncode}: {stderr.decode()[-1000:]}")
    return {"seconds": wall, "peak_mb": usage.ru_maxrss / 1024, "stdout": stdout.decode()[-200:]}


def baseline() -> dict:
    """A child that only sets Django up: the memory any of these processes starts from."""
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'factcheck.settings'); django.setup()"
    return measure([sys.executable, "-c", code])


def run(run) -> list[Figure]:
    claims = Claim.objects.live().count()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    start_up = baseline()
    figures, details = [], {"claims": claims, "django_setup": start_up}
    for fmt in FORMATS:
        out = WORK_DIR / f"export.{fmt}"
        ref_out = WORK_DIR / f"reference.{fmt}"
        try:
            ours = measure([sys.executable, "manage.py", "export_claims", "--format", fmt, "-o", str(out)])
            ours["bytes"] = out.stat().st_size
            reference = measure([sys.executable, "-m", "bench.export_reference", "--format", fmt, "-o", str(ref_out)])
            reference["bytes"] = ref_out.stat().st_size
        finally:
            out.unlink(missing_ok=True)
            ref_out.unlink(missing_ok=True)
        details[fmt] = {"export_claims": ours, "reference": reference}
        rate, ref_rate = claims / ours["seconds"], claims / reference["seconds"]
        name = f"export {fmt.upper() if fmt == 'csv' else 'JSON Lines'}, {claims:,} claims"
        growth = ours["peak_mb"] - start_up["peak_mb"]
        figures += [
            Figure(name, "rate", rate, "claims/s", ref_rate, f">= 0.5x reference and >= {RIVAL_RATE:,.0f}/s",
                   rate >= 0.5 * ref_rate and rate >= RIVAL_RATE,
                   note=f"{ours['seconds']:.2f} s, {ours['bytes'] / 1e6:.1f} MB written (reference "
                        f"{reference['bytes'] / 1e6:.1f} MB); {RIVAL_RATE:,.0f}/s is twice Label Studio's rate"),
            Figure(name, "peak memory", ours["peak_mb"], "MB", reference["peak_mb"], f"< {MEMORY_LIMIT_MB} MB",
                   ours["peak_mb"] < MEMORY_LIMIT_MB,
                   note=f"growth over a bare Django process ({start_up['peak_mb']:.0f} MB): {growth:.0f} MB "
                        f"(doccano: about 450 MiB)"),
        ]  # fmt: skip
    run.details["export"] = details
    return figures
