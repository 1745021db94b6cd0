"""The README's Development section describes the app's folders, one line each, as they are on disk."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_layout() -> list[str]:
    """The folder names of the fenced block under README's "### Layout" heading (first word of each line)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Layout\n.*?```\n(.*?)```", text, re.S)
    assert block, "README.md has no fenced block under '### Layout'"
    return [line.split()[0].rstrip("/") for line in block.group(1).splitlines() if line.strip()]


def folders_on_disk() -> list[str]:
    found = [path for path in (ROOT / "articles").rglob("*") if path.is_dir() and "__pycache__" not in path.parts]
    return sorted(str(path.relative_to(ROOT)) for path in [ROOT / "articles", *found])


def test_it_describes_every_folder_of_the_app_and_no_other():
    assert sorted(readme_layout()) == folders_on_disk()
