"""Runs the reader's JavaScript tests (tests/js/*.test.js, ES modules like the reader's) with node, when installed."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed; the JS unit tests need it")
def test_it_passes_the_reader_module_tests_in_node():
    result = subprocess.run(  # noqa: S603 (fixed command, no user input)
        [shutil.which("node"), "--test", str(ROOT / "tests" / "js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
