"""`python -m bench.peers --install`: make var/peers/<peer>/, a venv of its own per peer, and pip install it there.

The peers are never installed into the project's venv (their Django and DRF pins differ from ours) and
nothing of theirs is committed: this only runs pip. Without --install it says what is installed.
"""

import argparse
import shutil
import subprocess
import sys

from bench.peers import COMPATIBLE, VERSIONS
from bench.peers.common import PEERS_DIR, venv_python


def install(name: str, version: str) -> int:
    python = shutil.which("python3.11") or sys.executable
    target = PEERS_DIR / name
    if not venv_python(name).exists():
        print(f"creating {target} with {python}", flush=True)
        subprocess.run([python, "-m", "venv", str(target)], check=True)
    print(f"pip install {name}=={version} into {target}", flush=True)
    command = [
        str(venv_python(name)),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        f"{name}=={version}",
        *COMPATIBLE[name],
    ]
    return subprocess.run(command).returncode


def installed(name: str) -> str:
    if not venv_python(name).exists():
        return "not installed"
    result = subprocess.run(
        [str(venv_python(name)), "-m", "pip", "show", name], capture_output=True, text=True, check=False
    )
    versions = [line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if line.startswith("Version:")]
    return f"{versions[0]} in {PEERS_DIR / name}" if versions else f"venv at {PEERS_DIR / name}, {name} not in it"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--install", action="store_true", help="create the venvs and pip install the peers")
    parser.add_argument("--only", nargs="+", choices=VERSIONS, help="only these peers")
    args = parser.parse_args(argv)
    names = args.only or list(VERSIONS)
    failed = 0
    for name in names:
        if args.install:
            failed += install(name, VERSIONS[name]) != 0
        print(f"{name} {VERSIONS[name]}: {installed(name)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
