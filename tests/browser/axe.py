"""axe-core (bundled by axe-playwright-python, no CDN) on the page a test has open.

assert_accessible(page, "what") runs axe on the current document and fails on any critical or serious
violation, listing each rule with the elements it found; the counts per impact are returned so a
test can report them.
"""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("critical", "serious")
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The axe-core violations (WCAG 2.0/2.1 A and AA and best practices) of the page as it is now."""
    # label-content-name-mismatch (WCAG 2.5.3: a button's name contains its visible text) is off by default
    # in axe-core as experimental; the desk turns it on.
    options = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}
    results = _axe.run(page, options=options)
    return results.response["violations"]


def _waived(violation: dict, waivers: dict[str, str]) -> bool:
    """True when every element of the violation matches the CSS selector waived for its rule."""
    selector = waivers.get(violation["id"])
    return bool(selector) and all(selector in " ".join(node["target"]) for node in violation["nodes"])


def assert_accessible(page, where: str, *, waivers: dict[str, str] | None = None) -> dict[str, int]:
    """Fail on critical or serious violations; `waivers` maps a rule to the one selector it is waived for."""
    violations = [v for v in axe_violations(page) if not _waived(v, waivers or {})]
    counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in BLOCKING}
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    lines = []
    for violation in blocking:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
        lines.append(f"  {violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    assert not blocking, f"axe on {where}: {len(blocking)} critical/serious violation(s)\n" + "\n".join(lines)
    return counts
