"""`python -m bench --only suggestions`: kinds are discovered by module name; without the intel folder a
kind reports SKIPPED with the reason instead of failing."""

from bench import suggestions
from bench.harness import OPT_IN, STANDALONE, WORKLOADS
from bench.suggestions import checkworthiness


def test_each_module_of_the_package_is_a_kind_and_the_workload_needs_no_database():
    assert suggestions.kinds() == ["checkworthiness", "related", "speakers"]
    assert "suggestions" in WORKLOADS and "suggestions" in STANDALONE
    assert "suggestions" in OPT_IN  # minutes of training and embedding: only when named (`--only suggestions`)


def test_it_skips_saying_why_when_the_intel_folder_is_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_INTEL_DIR", str(tmp_path / "nowhere"))
    [figure] = checkworthiness.figures(lambda message: None)
    assert figure.result == "SKIPPED" and "is absent" in figure.note
