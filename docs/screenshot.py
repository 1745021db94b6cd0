"""Regenerate the screenshots in docs/: the reader and the claim list at 390, 1,024 and 1,400 px.

Usage (from the project root): .venv/bin/python docs/screenshot.py
It runs the browser test tests/browser/test_screenshot.py with DESK_SCREENSHOT_DIR set, in real Chromium
against a throwaway test database, so it touches neither your database nor a running server. It writes
docs/reader.png (the README's picture, 1,400 px) and docs/reader-<width>.png, docs/claims-<width>.png.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs"

if __name__ == "__main__":
    environment = {**os.environ, "DESK_SCREENSHOT_DIR": str(OUTPUT)}
    command = [sys.executable, "-m", "pytest", "tests/browser/test_screenshot.py", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, env=environment, check=False)  # noqa: S603 (fixed command)
    if result.returncode == 0:
        for path in sorted(OUTPUT.glob("*.png")):
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")
    sys.exit(result.returncode)
