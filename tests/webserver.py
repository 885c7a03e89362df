"""Serve a fixture web over real HTTP on 127.0.0.1, for tests and benchmarks.

Every page of the web is served at ``http://127.0.0.1:PORT/<host>/<path>``;
absolute links to any host of the web are rewritten to point at the server,
so a trace over it follows the same chain as over the real hosts.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tracer.fixtures import FixtureWeb, load_web


class FixtureWebServer:
    def __init__(self, web: FixtureWeb | str) -> None:
        self.web = web if isinstance(web, FixtureWeb) else load_web(web)
        self.requests: list[str] = []
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.hosts = sorted({urlsplit(p.url).netloc for p in self.web.pages})
        self.routes = {self.local_path(p.url): p for p in self.web.pages}
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def local_path(self, url: str) -> str:
        parts = urlsplit(url)
        return f"/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")

    def url(self, real_url: str) -> str:
        """Where a real URL of the web is served here."""
        return self.base + self.local_path(real_url)

    def rewrite(self, body: bytes) -> bytes:
        for host in self.hosts:
            for scheme in (b"https://", b"http://"):
                body = body.replace(scheme + host.encode(), f"{self.base}/{host}".encode())
        return body

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                page = server.routes.get(self.path)
                if page is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                body = server.rewrite(server.web.body(page))
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(body)))
                if page.location:
                    self.send_header("Location", server.rewrite(page.location.encode()).decode())
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler

    def __enter__(self) -> "FixtureWebServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
