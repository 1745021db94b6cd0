"""The production server for the benchmark: gunicorn on 127.0.0.1 and a free port, plus a small HTTP client.

gunicorn runs `factcheck.wsgi` with the settings the harness put in the environment (debug off, its own
database, the reference view mounted). The client logs in through the login form like a browser, keeps
the session and CSRF cookies, and sends the token in X-CSRFToken as the reader's JavaScript does.
"""

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(workers=3, log_dir=...) as server:` serves the app at server.host:server.port in the block."""

    def __init__(self, *, workers: int, log_dir: Path):
        self.workers = workers
        self.host = "127.0.0.1"
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> "Gunicorn":
        command = [
            sys.executable, "-m", "gunicorn", "factcheck.wsgi",
            "--workers", str(self.workers),
            "--bind", f"{self.host}:{self.port}",
            "--chdir", str(BASE_DIR),
            "--log-level", "warning",
        ]  # fmt: skip
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, cwd=BASE_DIR, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
                connection.request("GET", "/login/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.log_tail()}")

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class HttpSession:
    """One logged-in client: cookies, CSRF token, a kept-alive connection (reopened when the server closes it)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, body bytes) of one request."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection between requests: reconnect once and retry.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, data

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/login/")
        token = CSRF_FIELD.search(page.decode())
        if status != 200 or not token:
            raise RuntimeError(f"login page answered {status} without a CSRF token")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)})
        status, _ = self.request(
            "POST", "/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed ({status})")

    def post_json(self, path: str, payload: dict):
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }
        return self.request("POST", path, json.dumps(payload).encode(), headers)

    def close(self) -> None:
        self.connection.close()
