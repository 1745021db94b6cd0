"""What every peer needs: its venv, its server process, a token client, and the memory of its processes.

A peer runs from its own venv under var/peers/<name>/ (`python -m bench.peers --install` makes them), in a
process group of its own with a throw-away data directory, on a free port of 127.0.0.1; stopping it ends
that group only. Memory is read from /proc: RSS and VmHWM (the high-water mark) of each process of the
server's tree; writing 5 to /proc/<pid>/clear_refs resets the high-water mark to the present RSS, so the
growth of one request is its peak less the RSS before it, whatever the process did earlier.
"""

import http.client
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.server import BASE_DIR, HttpSession, free_port

PEERS_DIR = Path(os.environ.get("FACTCHECK_PEERS_DIR") or BASE_DIR / "var" / "peers")


def venv_python(name: str) -> Path:
    return PEERS_DIR / name / "bin" / "python"


def venv_script(name: str, script: str) -> Path:
    return PEERS_DIR / name / "bin" / script


def missing_reason(name: str, script: str) -> str | None:
    """Why the peer cannot run here (None: its venv and its command are there)."""
    if not venv_python(name).exists():
        return f"no venv at {PEERS_DIR / name} (install it with `python -m bench.peers --install`)"
    if not venv_script(name, script).exists():
        return f"{venv_script(name, script)} is missing: the install did not finish (`python -m bench.peers --install`)"
    return None


class PeerProcess:
    """A server started from a command line in its own process group, logged to a file, stopped as a group."""

    def __init__(self, name: str, command: list[str], *, env: dict, log_path: Path, cwd: Path, port: int):
        self.name, self.command, self.env, self.cwd = name, command, env, cwd
        self.log_path, self.port, self.host = log_path, port, "127.0.0.1"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_until(self, path: str, *, ok=(200, 302, 401, 403), timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
                connection.request("GET", path)
                if connection.getresponse().status in ok:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout:.0f} s: {self.log_tail()}")

    def wait_for_log(self, text: str, *, timeout: float = 120) -> None:
        """Until the process has logged `text` (a worker without a port says it is ready so)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.log_tail()}")
            self._log.flush()
            if text in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not log {text!r} within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, lines: int = 3) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def pids(self) -> list[int]:
        return process_tree(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the group this Popen started, nothing else
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if self.process:
            self._log.close()


def run_checked(command: list[str], *, env: dict, cwd: Path, log_path: Path, timeout: float = 600) -> str:
    """Run a setup command of a peer (migrate, create a user); its output is logged and returned."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    with log_path.open("a") as log:
        log.write(f"$ {' '.join(map(str, command))}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]  # a traceback's own message
        name = " ".join(map(str, command[:2]))
        raise RuntimeError(f"{name} exited with {result.returncode}: {last} (see {log_path})")
    return result.stdout


def request_json(session: HttpSession, method: str, path: str, payload=None, expect=(200, 201)):
    """A JSON request to a peer's API; any status but `expect` is an error naming the answer."""
    body = None if payload is None else json.dumps(payload).encode()
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    status, data = session.request(method, path, body, headers)
    if status not in expect:
        raise RuntimeError(f"{method} {path} answered {status}: {data[:300]!r}")
    return json.loads(data) if data else None


class TokenSession(HttpSession):
    """An HttpSession that sends an Authorization header on every request (the peers' API tokens)."""

    def __init__(self, host: str, port: int, authorization: str):
        super().__init__(host, port)
        self.authorization = authorization

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        return super().request(method, path, body, {"Authorization": self.authorization, **(headers or {})})


def peer_port() -> int:
    return free_port()


# ------------------------------------------------------------------ memory of a server's processes


def process_tree(root: int) -> list[int]:
    """root and every descendant (gunicorn workers, celery children), read from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending += children.get(pid, [])
    return tree


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peaks(pids: list[int]) -> dict[int, int]:
    """Reset each process's VmHWM to its RSS; returns the RSS (kB) each had then."""
    before = {}
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            continue  # gone, or not ours to reset: its growth is not counted
        before[pid] = status_kb(pid, "VmRSS")
    return before


def peak_growth_mb(before: dict[int, int]) -> float:
    """The largest growth of one process since reset_peaks: its high-water mark less its RSS then (MiB)."""
    growths = [status_kb(pid, "VmHWM") - rss for pid, rss in before.items() if status_kb(pid, "VmHWM")]
    return max(growths, default=0) / 1024
