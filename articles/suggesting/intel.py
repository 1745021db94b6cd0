"""Where the public benchmark data sets are: `../shared/intel` beside the project, or FACTCHECK_INTEL_DIR.

They are read only at training and measuring time (the check-worthiness model's training, the benchmark) and
never copied into the project: a fresh clone without them runs on the shipped model files.
"""

import os
from pathlib import Path

ENV = "FACTCHECK_INTEL_DIR"
BASE_DIR = Path(__file__).resolve().parents[2]


def intel_dir() -> Path:
    """`../shared/intel` beside the project, or FACTCHECK_INTEL_DIR (a worktree elsewhere)."""
    return Path(os.environ.get(ENV) or BASE_DIR.parent / "shared" / "intel")
