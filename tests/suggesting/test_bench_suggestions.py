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


def test_the_related_footprint_fills_an_index_of_claims_with_summaries_and_times_its_searches(tmp_path, monkeypatch):
    from articles.suggesting import related as model
    from bench.suggestions import related

    monkeypatch.setenv("FACTCHECK_INTEL_DIR", str(tmp_path / "nowhere"))  # generated texts
    monkeypatch.setattr(related, "INTEL", tmp_path / "nowhere" / "claim-matching")
    figures = related.footprint(model, 3000, lambda message: None, repeats=3)
    assert set(figures) == {
        "rss_mb_model",
        "rss_mb_3k_index",
        "search_cpu_ms_median",
        "search_cpu_ms_p95",
        "shown_p95_cpu_ms_index",
    }
    assert figures["rss_mb_3k_index"] > 0 and figures["search_cpu_ms_median"] > 0
