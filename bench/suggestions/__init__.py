"""`python -m bench --only suggestions`: the machine's suggestions measured on public benchmark sets.

One module per suggestion kind in this package (checkworthiness, speakers, related claims…), discovered by
name: each defines `figures(log) -> list[Figure]` and reads what it measures with from the intel folder
(`intel_dir()`), returning a SKIPPED figure saying why when it is absent. No database, no corpus: this
workload runs on its own (the harness skips the database when only such workloads are asked for).
Add a kind by adding a module; nothing else to register.
"""

import importlib
import pkgutil
import time
import traceback

from articles.suggesting.intel import intel_dir  # noqa: F401 (the kinds import it from here)
from bench.report import Figure, skipped


def kinds() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


def run(run) -> list[Figure]:
    figures: list[Figure] = []
    for name in kinds():
        began = time.perf_counter()
        run.log(f"   -- suggestions: {name}")
        try:
            module = importlib.import_module(f"{__name__}.{name}")
            figures += module.figures(run.log)
        except Exception as error:  # one broken kind must not hide the others' figures
            traceback.print_exc()
            figures.append(skipped(f"suggestions: {name}", "(kind)", f"failed: {type(error).__name__}: {error}"))
        run.details.setdefault("suggestions_seconds", {})[name] = round(time.perf_counter() - began, 1)
    return figures
