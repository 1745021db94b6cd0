"""`python -m bench --only peers`: the desk, doccano 1.8.4 and Label Studio 1.23.2 on the same workloads, same run.

Opt-in (bench.harness.OPT_IN): the peers come from their own venvs under var/peers/ (`python -m bench.peers
--install` runs pip for them; nothing of theirs is in this repository), and a full run takes tens of minutes.
A peer whose venv is absent, or that does not start, reports SKIPPED with the reason; the desk still runs.

Every system runs as its own server on 127.0.0.1 with a throw-away data directory (the peers on SQLite),
and the bench process drives it over HTTP. The workloads, each run in rounds interleaved desk, doccano,
Label Studio, desk, ... so that drift in the machine's load hits all three alike:

- create: one request per span, 1,000 distinct spans on one new 23,000-character document, 1 client and
  8 clients (each its own connection); requests per second, every answer other than 201 an error;
- list: the spans of that document (the 1-client round's) through the API: time, requests, bytes;
- bulk load: 200 documents / 20,000 spans through each one's import (the desk: import_claims's importer);
- export: those 20,000 spans as JSON Lines through each one's export API; time, and the peak memory
  growth of the server's processes (VmHWM less RSS before, per process, the largest).

Each figure is the median of the rounds (the best beside it in the details); the desk's carries the best
peer's median as its reference. The table (workload | doccano | Label Studio | desk | desk vs best peer)
is printed and kept in the JSON's details with the load average.
"""

import statistics
import time
import traceback

from bench.peers import data
from bench.peers.common import peak_growth_mb, reset_peaks
from bench.report import Figure, skipped

VERSIONS = {"doccano": "1.8.4", "label-studio": "1.23.2"}
# Installed beside a peer because its own metadata leaves them open and today's releases break it:
# doccano 1.8.4's environs 9.5 reads marshmallow.__version_info__ (gone in marshmallow 4); its pandas 1.x is
# built against numpy 1 and fails to import beside numpy 2.
COMPATIBLE = {"doccano": ["marshmallow<4", "numpy<2"], "label-studio": []}
FIRST_NUMBER = 8_000_000  # document numbers the corpus (and bench/import_bench.py) does not use
CLIENT_COUNTS = (1, 8)
# (key, label, unit, higher is better)
MEASURES = [
    ("create_1", "create, 1 client", "req/s", True),
    ("create_8", "create, 8 clients", "req/s", True),
    ("list_ms", "list one document's spans (API), time", "ms", False),
    ("list_requests", "list one document's spans (API), requests", "requests", False),
    ("list_bytes", "list one document's spans (API), bytes", "B", False),
    ("bulk_s", "bulk load", "s", False),
    ("export_s", "export (JSON Lines; Label Studio: JSON), time", "s", False),
    ("export_growth_mb", "export, server memory growth", "MiB", False),
    ("export_bytes", "export, bytes downloaded (doccano: a zip)", "B", False),
]


def systems(run) -> list:
    from bench.peers.desk import Desk
    from bench.peers.doccano import Doccano
    from bench.peers.label_studio import LabelStudio

    return [Desk(run), Doccano(run), LabelStudio(run)]


def sizes_for(run) -> data.Sizes:
    return data.SMOKE if run.scale.name == "tiny" else data.FULL


def run(run) -> list[Figure]:
    sizes = sizes_for(run)
    everyone = systems(run)
    reasons = {system.name: system.unavailable() for system in everyone}
    started = []
    for system in everyone:
        if reasons[system.name]:
            run.log(f"   {system.name}: SKIPPED, {reasons[system.name]}")
            continue
        run.log(f"   starting {system.name} ({system.describe()})")
        try:
            system.start()
            started.append(system)
        except Exception as error:  # a peer that does not start is reported, the others still run
            traceback.print_exc()
            reasons[system.name] = f"did not start: {type(error).__name__}: {str(error)[:300]}"
            system.stop()
    results = {system.name: {} for system in started}
    try:
        for round_number in range(1, sizes.rounds + 1):
            for system in started:
                _one_round(run, system, sizes, round_number, results[system.name])
    except KeyboardInterrupt:  # Ctrl-C on a slow machine: the table of what was measured, not nothing
        run.log("   interrupted: the figures below are those of the rounds measured so far")
        run.notes.append("peers: interrupted before the last round ended")
    finally:
        for system in started:
            system.stop()
    return _report(run, sizes, everyone, reasons, results)


def _one_round(run, system, sizes: data.Sizes, round_number: int, into: dict) -> None:
    """One round of every workload on one system, its figures appended to `into` (a failed step is noted)."""
    number = FIRST_NUMBER + round_number * 10_000
    run.log(f"   round {round_number}: {system.name}")
    for clients in CLIENT_COUNTS:
        _step(run, system, into, f"create_{clients}", lambda c=clients: _create(system, sizes, number + c, c))
    documents = data.bulk_documents(number + 100, sizes)
    prepared = system.prepare_bulk(documents, round_number)
    handle = _step(run, system, into, "bulk_s", lambda: _timed(lambda: system.bulk_load(prepared)))
    if handle is not None:
        _step(run, system, into, "export_s", lambda: _export(system, handle, sizes.bulk_spans))


def _step(run, system, into: dict, key: str, work):
    try:
        figures, handle = work()
    except Exception as error:
        traceback.print_exc()
        into.setdefault("errors", []).append(f"{key}: {type(error).__name__}: {str(error)[:300]}")
        return None
    for name, value in figures.items():
        into.setdefault(name, []).append(value)
    run.log(f"     {system.name} {key}: " + ", ".join(f"{name} {value:,.4g}" for name, value in figures.items()))
    return handle


def _timed(call):
    began = time.perf_counter()
    handle = call()
    return {"bulk_s": time.perf_counter() - began}, handle


def _create(system, sizes: data.Sizes, number: int, clients: int):
    """Create the spans one request each; after the 1-client run, list them."""
    from bench.api_create import drive  # imports the desk's models: only once Django is set up

    document = data.long_document(number, sizes.spans)
    handle = system.new_document(document)
    path, payloads = system.create_requests(handle, document)
    result = drive(system.clients(clients), path, payloads)
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} of {result['requests']} failed: {result['error_samples'][:2]}")
    figures = {f"create_{clients}": result["throughput"]}
    if clients == 1:
        began = time.perf_counter()
        listed = system.list_spans(handle)
        figures["list_ms"] = (time.perf_counter() - began) * 1000
        if listed["spans"] != sizes.spans:
            raise RuntimeError(f"listed {listed['spans']} spans, created {sizes.spans}")
        figures |= {"list_requests": listed["requests"], "list_bytes": listed["bytes"]}
    return figures, handle


def _export(system, handle, expected: int):
    before = reset_peaks(system.pids())
    began = time.perf_counter()
    exported = system.export(handle)
    seconds = time.perf_counter() - began
    if exported["spans"] != expected:
        raise RuntimeError(f"exported {exported['spans']} spans, loaded {expected}")
    figures = {"export_s": seconds, "export_growth_mb": peak_growth_mb(before), "export_bytes": exported["bytes"]}
    return figures, None


# ------------------------------------------------------------------ the table


def _report(run, sizes: data.Sizes, everyone, reasons: dict, results: dict) -> list[Figure]:
    import os

    peers = [system.name for system in everyone if system.name != "desk"]
    figures, rows = [], []
    for key, label, unit, higher_better in MEASURES:
        medians = {name: statistics.median(values[key]) for name, values in results.items() if values.get(key)}
        pick = max if higher_better else min
        peer_values = {name: medians[name] for name in peers if name in medians}
        best_peer = pick(peer_values, key=peer_values.get) if peer_values else None
        reference = peer_values.get(best_peer)
        for system in everyone:
            name = system.name
            if name not in medians:
                reason = reasons.get(name) or "; ".join(results.get(name, {}).get("errors", [])) or "not measured"
                figures.append(skipped(f"peers: {label}", name, reason))
                continue
            values = results[name][key]
            best = pick(values)
            figure = Figure(f"peers: {label}", name, medians[name], unit,
                            note=f"median of {len(values)}, best {best:,.4g}")  # fmt: skip
            if name == "desk" and reference is not None:
                figure.reference = reference
                figure.target = f"{'>=' if higher_better else '<='} {best_peer}'s"
                figure.passed = medians[name] >= reference if higher_better else medians[name] <= reference
                figure.note += f"; reference: {best_peer}, the best peer"
            figures.append(figure)
        rows.append(_row(key, label, unit, medians, results, peers, best_peer, higher_better))
    load = os.getloadavg()
    summary = _markdown(rows, peers, sizes, load)
    run.log(summary)
    run.details["peers"] = {
        "sizes": sizes.__dict__,
        "versions": VERSIONS,
        "servers": {system.name: system.describe() for system in everyone},
        "skipped": {name: reason for name, reason in reasons.items() if reason},
        "rounds": results,
        "load_average_at_table": load,
        "table": summary,
    }
    return figures


def _row(key, label, unit, medians, results, peers, best_peer, higher_better) -> list[str]:
    def cell(name):
        if name not in medians:
            return "SKIPPED"
        low, high = min(results[name][key]), max(results[name][key])
        return _amount(low, unit) if low == high else f"{_amount(low, unit, bare=True)}–{_amount(high, unit)}"

    versus = "—"
    if "desk" in medians and best_peer:
        desk, peer = medians["desk"], medians[best_peer]
        if desk == peer:
            versus = f"equal to {best_peer}"
        elif desk and peer:
            factor = desk / peer if higher_better else peer / desk
            word = "better" if factor > 1 else "**worse**"
            versus = f"{max(factor, 1 / factor):.2f}× {word} than {best_peer}"
    return [label, *(cell(name) for name in peers), cell("desk"), versus]


def _amount(value: float, unit: str, *, bare: bool = False) -> str:
    if unit == "B":
        value, unit = value / 1000, "KB"
    text = f"{value:,.0f}" if abs(value) >= 100 or unit == "requests" else f"{value:.3g}"
    return text if bare else f"{text} {unit}"


def _markdown(rows, peers, sizes: data.Sizes, load) -> str:
    header = ["workload", *peers, "desk", "desk vs best peer"]
    lines = [
        f"peers, same run: {sizes.spans:,} spans created one request each; {sizes.bulk_documents} documents / "
        f"{sizes.bulk_spans:,} spans loaded and exported; {sizes.rounds} round(s), min–max (the figures: medians); "
        f"load average {' '.join(f'{value:.1f}' for value in load)}",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
