"""The peers workload (`python -m bench --only peers`): opt-in, and SKIPPED with the reason when a peer is absent.

No peer is installed in CI and nothing here needs the network: the peers' venvs are pointed at an empty
folder, and the desk is replaced by a stand-in that answers like a server would, so the driver's rounds,
skips and table are exercised in milliseconds.
"""

import argparse
import json
from types import SimpleNamespace

import pytest

from articles.importing.jsonl import import_jsonl
from articles.models import Claim
from bench import harness
from bench import peers as peers_workload
from bench.peers import __main__ as peers_command
from bench.peers import common, data
from bench.peers.desk import jsonl_lines
from bench.peers.doccano import Doccano
from bench.peers.label_studio import LabelStudio
from bench.scales import SCALES


@pytest.fixture
def no_peers(tmp_path, monkeypatch):
    empty = tmp_path / "peers"
    empty.mkdir()
    monkeypatch.setattr(common, "PEERS_DIR", empty)
    monkeypatch.setattr(peers_command, "PEERS_DIR", empty)
    return empty


def fake_run(tmp_path, scale="tiny"):
    args = argparse.Namespace(only=["peers"], workers=1, no_browser=True)
    return SimpleNamespace(
        scale=SCALES[scale], args=args, work_dir=tmp_path, details={}, notes=[], log=lambda message: None
    )


class Answering:
    """A client whose every POST is created (201), as a server's would be."""

    def post_json(self, path, payload):
        return 201, b"{}"


class StandInDesk:
    """The desk's interface without a server: each call answers at once with what was asked for."""

    name = "desk"

    def __init__(self, run):
        self.spans = {}

    def unavailable(self):
        return None

    def describe(self):
        return "stand-in"

    def start(self):
        pass

    def stop(self):
        pass

    def pids(self):
        return []

    def new_document(self, document):
        self.spans[document.title] = len(document.spans)
        return document.title

    def clients(self, count):
        return [Answering() for _ in range(count)]

    def create_requests(self, handle, document):
        return "/api/claims/", [{"start": start, "end": end} for start, end in document.spans]

    def list_spans(self, handle):
        return {"requests": 1, "bytes": 100, "spans": self.spans[handle]}

    def prepare_bulk(self, documents, round_number):
        return sum(len(document.spans) for document in documents)

    def bulk_load(self, prepared):
        return prepared

    def export(self, handle):
        return {"bytes": 10 * handle, "spans": handle}


def test_it_is_a_workload_that_runs_only_when_named(monkeypatch, tmp_path):
    assert "peers" in harness.WORKLOADS and "peers" in harness.OPT_IN
    ran = []
    monkeypatch.setattr(harness, "run_workload", lambda name, run: ran.append(name) or [])
    run = fake_run(tmp_path)
    run.args.only = None
    harness.run_workloads(run)
    assert "peers" not in ran and "api_create" in ran
    run.args.only = ["peers"]
    harness.run_workloads(run)
    assert ran[-1] == "peers"


def test_each_peer_says_how_to_install_it_when_its_venv_is_absent(no_peers, tmp_path):
    for peer in (Doccano(fake_run(tmp_path)), LabelStudio(fake_run(tmp_path))):
        reason = peer.unavailable()
        assert f"no venv at {no_peers / peer.name}" in reason
        assert "python -m bench.peers --install" in reason


def test_a_venv_without_the_peers_command_is_an_unfinished_install(no_peers, tmp_path):
    (no_peers / "doccano" / "bin").mkdir(parents=True)
    (no_peers / "doccano" / "bin" / "python").touch()
    assert "bin/doccano is missing: the install did not finish" in Doccano(fake_run(tmp_path)).unavailable()


def test_absent_peers_are_skipped_with_the_reason_and_the_desk_still_measured(no_peers, tmp_path, monkeypatch):
    run = fake_run(tmp_path)
    monkeypatch.setattr(peers_workload, "systems", lambda run: [StandInDesk(run), Doccano(run), LabelStudio(run)])
    figures = peers_workload.run(run)
    by_system = {}
    for figure in figures:
        by_system.setdefault(figure.figure, []).append(figure)
    assert {figure.workload for figure in by_system["desk"]} == {
        f"peers: {label}" for _, label, _, _ in peers_workload.MEASURES
    }
    assert all(figure.value is not None for figure in by_system["desk"])
    for name in ("doccano", "label-studio"):
        assert all(figure.result == "SKIPPED" for figure in by_system[name])
        assert all("python -m bench.peers --install" in figure.note for figure in by_system[name])
    details = run.details["peers"]
    assert set(details["skipped"]) == {"doccano", "label-studio"}
    assert details["rounds"]["desk"]["create_1"] and details["rounds"]["desk"]["export_s"]
    table = details["table"]
    assert "| workload | doccano | label-studio | desk | desk vs best peer |" in table
    assert "| create, 1 client | SKIPPED | SKIPPED |" in table
    assert "load average" in table


def test_a_peer_that_does_not_start_is_skipped_with_its_own_error(no_peers, tmp_path, monkeypatch):
    bin_dir = no_peers / "doccano" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").touch()
    script = bin_dir / "doccano"
    script.write_text(
        "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'ImportError: no backend' >&2\nexit 1\n"
    )
    script.chmod(0o755)
    run = fake_run(tmp_path)
    monkeypatch.setattr(peers_workload, "systems", lambda run: [StandInDesk(run), Doccano(run)])
    figures = [figure for figure in peers_workload.run(run) if figure.figure == "doccano"]
    assert figures and all(figure.result == "SKIPPED" for figure in figures)
    assert "did not start: RuntimeError: " in figures[0].note
    assert "doccano init exited with 1: ImportError: no backend" in figures[0].note


def test_a_desk_step_that_fails_is_reported_not_raised(no_peers, tmp_path, monkeypatch):
    class RefusingDesk(StandInDesk):
        def list_spans(self, handle):
            return {"requests": 1, "bytes": 100, "spans": 0}

    run = fake_run(tmp_path)
    monkeypatch.setattr(peers_workload, "systems", lambda run: [RefusingDesk(run)])
    figures = peers_workload.run(run)
    listed = [figure for figure in figures if figure.workload.startswith("peers: list")]
    assert listed and all(figure.result == "SKIPPED" for figure in listed)
    assert "listed 0 spans, created 100" in listed[0].note


def test_an_interrupted_run_still_reports_what_it_measured(no_peers, tmp_path, monkeypatch):
    stopped = []

    class InterruptedDesk(StandInDesk):
        def bulk_load(self, prepared):
            raise KeyboardInterrupt

        def stop(self):
            stopped.append(True)

    run = fake_run(tmp_path)
    monkeypatch.setattr(peers_workload, "systems", lambda run: [InterruptedDesk(run)])
    figures = {figure.workload: figure for figure in peers_workload.run(run)}
    assert figures["peers: create, 1 client"].value > 0
    assert figures["peers: bulk load"].result == "SKIPPED"
    assert stopped == [True]
    assert run.notes == ["peers: interrupted before the last round ended"]


def test_the_install_command_says_what_is_not_installed(no_peers, capsys):
    assert peers_command.main([]) == 0
    printed = capsys.readouterr().out
    assert "doccano 1.8.4: not installed" in printed
    assert "label-studio 1.23.2: not installed" in printed


def test_the_data_set_has_distinct_spans_on_word_boundaries():
    document = data.long_document(8_000_001, 200)
    assert len(document.body) >= data.DOCUMENT_LENGTH
    assert len(set(document.spans)) == 200
    for start, end in document.spans:
        assert 0 <= start < end <= len(document.body)
        assert not document.body[start].isspace() and not document.body[end - 1].isspace()
    rounds = [data.bulk_documents(first, data.SMOKE) for first in (1_000, 2_000)]
    assert {doc.body for doc in rounds[0]}.isdisjoint(doc.body for doc in rounds[1])


@pytest.mark.django_db
def test_the_desks_bulk_file_imports_every_span_under_the_rounds_tag():
    documents = data.bulk_documents(3_000, data.Sizes(spans=1, bulk_documents=3, bulk_spans_each=7, rounds=1))
    lines = list(jsonl_lines(documents, "peers-test-1", "https://peers.example.org/test/"))
    assert json.loads(lines[0])["type"] == "export"
    report = import_jsonl(lines)
    assert report.errors == [] and report.articles == 3 and report.claims == 21
    assert Claim.objects.filter(tags__name="peers-test-1").count() == 21
    assert import_jsonl(lines).claims == 0  # a round's file imported again adds nothing


def test_doccano_status_polls_that_find_its_database_locked_are_polled_again(tmp_path):
    class Answers:
        def __init__(self, *answers):
            self.answers = list(answers)

        def request(self, method, path, body=None, headers=None):
            return self.answers.pop(0)

    peer = Doccano(fake_run(tmp_path))
    peer.sessions = [Answers((500, b"<h1>Server Error (500)</h1>"), (200, b'{"ready": true}'))]
    assert peer._poll("/v1/tasks/status/1") is None
    assert peer._poll("/v1/tasks/status/1") == {"ready": True}
    assert peer.busy_answers == 1 and "1 status polls answered 500 (database is locked)" in peer.describe()
