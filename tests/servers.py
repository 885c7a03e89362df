"""Loopback HTTP servers that misbehave on purpose, for testing the fetcher against real sockets.

``serve(routes)`` starts a threaded server on 127.0.0.1 (or another 127.0.0.x address) and
yields it; a route maps a path to a handler function ``handler(request) -> None`` that writes
whatever bytes it likes to ``request.wfile`` — or to nothing at all.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Set by tests: list of (monotonic time, path) for every request that arrived.
    log: list


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.server.log.append((time.monotonic(), self.path, dict(self.headers)))
        path = self.path.split("?", 1)[0]
        handler = self.server.routes.get(path) or self.server.routes.get("*")
        if handler is None:
            if path == "/robots.txt":
                return send(self, 404, b"no robots here", "text/plain")
            return send(self, 404, b"<html><body>not found</body></html>")
        try:
            handler(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on us, as it should


class TestServer:
    def __init__(self, routes: dict, host: str = "127.0.0.1"):
        self.httpd = _Server((host, 0), _Handler)
        self.httpd.routes = routes
        self.httpd.log = []
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def paths(self) -> list[str]:
        return [path for _, path, _ in self.httpd.log]

    @property
    def log(self) -> list:
        return self.httpd.log


@contextlib.contextmanager
def serve(routes: dict, host: str = "127.0.0.1"):
    server = TestServer(routes, host)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# ---------------------------------------------------------------- handlers


def send(request, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
         headers: dict | None = None) -> None:
    request.send_response(status)
    if content_type:
        request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        request.send_header(key, value)
    request.end_headers()
    request.wfile.write(body)


def page(body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8", **headers):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda request: send(request, status, data, content_type, {k.replace("_", "-"): v for k, v in headers.items()})


def redirect(location: str, status: int = 302):
    return lambda request: send(request, status, b"", None, {"Location": location})


def never_answers(seconds: float = 30):
    """Accepts the request and says nothing (until the test ends)."""
    def handler(request):
        time.sleep(seconds)
    return handler


def drip(interval: float = 0.2, total: int = 1000, in_headers: bool = False):
    """Sends one byte every ``interval`` seconds: in the body, or while still in the headers."""
    def handler(request):
        if in_headers:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * total:
                request.wfile.write(bytes([byte]))
                request.wfile.flush()
                time.sleep(interval)
            return
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(total))
        request.end_headers()
        request.wfile.flush()
        for _ in range(total):
            request.wfile.write(b"x")
            request.wfile.flush()
            time.sleep(interval)
    return handler


def reset_connection(request):
    """Closes the socket with RST (SO_LINGER 0) before any response."""
    request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    request.connection.close()


def huge_body(size: int = 500 * 1024 * 1024, declare_length: bool = True):
    """Streams zeros up to ``size`` bytes (never held in memory)."""
    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        if declare_length:
            request.send_header("Content-Length", str(size))
        else:
            request.close_connection = True
        request.end_headers()
        block = b"\0" * 65536
        sent = 0
        while sent < size:
            request.wfile.write(block)
            sent += len(block)
    return handler


def gzip_bomb(inflated: int = 50 * 1024 * 1024):
    """A small gzip body that inflates to ``inflated`` bytes of zeros (built without holding them)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated // len(block))]
    bomb = b"".join(parts) + compressor.flush()

    def handler(request):
        send(request, 200, bomb, "text/html", {"Content-Encoding": "gzip"})
    return handler


def sequence(*handlers):
    """The n-th request gets the n-th handler (the last one repeats)."""
    calls = []

    def handler(request):
        index = min(len(calls), len(handlers) - 1)
        calls.append(index)
        handlers[index](request)
    return handler
