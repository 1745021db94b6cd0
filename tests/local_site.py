"""A tiny web site on 127.0.0.1 (random port, a thread) for the import-by-URL tests; nothing leaves the machine.

`site.add(path, body, content_type=..., status=..., headers=...)` serves a page; `site.redirect(path, to)` a 302;
`site.requests` lists (path, Host header) of every request received, so tests can count fetches.
"""

import http.server
import ssl
import threading


class LocalSite:
    def __init__(self, tls: ssl.SSLContext | None = None):
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, str]] = []
        self.unsized: set[str] = set()  # paths answered without Content-Length (the body ends when the socket closes)
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.requests.append((self.path, self.headers.get("Host", "")))
                status, headers, body = site.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no page"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and self.path not in site.unsized:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def add(self, path, body, *, content_type="text/html; charset=utf-8", status=200, headers=None, sized=True):
        data = body.encode() if isinstance(body, str) else body
        if not sized:
            self.unsized.add(path)
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, data)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": to}, b"")

    def fetched(self, path: str) -> int:
        return sum(1 for requested, _host in self.requests if requested == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
