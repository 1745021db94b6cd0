"""Regenerate docs/reader.png: the reader with highlights and the claim panel, on the demo data.

Usage (from the project root): .venv/bin/python docs/screenshot.py
It runs the browser test tests/browser/test_screenshot.py with DESK_SCREENSHOT set, in real Chromium
against a throwaway test database, so it touches neither your database nor a running server.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reader.png"

if __name__ == "__main__":
    environment = {**os.environ, "DESK_SCREENSHOT": str(OUTPUT)}
    command = [sys.executable, "-m", "pytest", "tests/browser/test_screenshot.py", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, env=environment, check=False)  # noqa: S603 (fixed command)
    if result.returncode == 0:
        print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size // 1024} KB)")
    sys.exit(result.returncode)
