"""A small web archive on 127.0.0.1 for tests: Memento (RFC 7089) and a CDX API over fixture WARCs.

Laid out like the Wayback Machine, so tracer's default endpoint code is what gets tested:

    /web/timemap/link/<url>          TimeMap (application/link-format)
    /web/<url>                       TimeGate (Accept-Datetime; 302 to the closest memento)
    /web/<14 digits>[id_]/<url>      a memento: the captured status, headers and body, with
                                     Memento-Datetime and Link headers; another timestamp
                                     redirects to the closest capture, as the Wayback Machine does
    /cdx/search/cdx?url=<url>&output=json&fl=...   the CDX API (JSON rows, or plain lines)
    /save/<url>                      a save endpoint: records the URL, 302 to a new capture

``delay`` makes every answer late (a slow archive); ``requests`` lists the paths asked for.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tracer.web.warc import ArchiveIndex, normalize_url, read_record

HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive", "content-length", "content-encoding"}


def _when(warc_date: str) -> datetime:
    return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).astimezone(timezone.utc)


def _ts(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


def _from_ts(ts: str) -> datetime:
    ts = ts.ljust(14, "0")
    return datetime(int(ts[:4]), max(int(ts[4:6]), 1), max(int(ts[6:8]), 1), int(ts[8:10]), int(ts[10:12]),
                    int(ts[12:14]), tzinfo=timezone.utc)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class MementoServer:
    def __init__(self, warcs=(), *, delay: float = 0.0, timemaps: bool = True):
        self.index = ArchiveIndex([str(w) for w in warcs])
        self.delay = delay
        self.timemaps = timemaps
        self.requests: list[str] = []
        self.saved: list[str] = []
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # what the test points tracer at
    @property
    def timegate(self) -> str:
        return self.base + "/web/"

    @property
    def cdx(self) -> str:
        return self.base + "/cdx/search/cdx"

    @property
    def save(self) -> str:
        return self.base + "/save/"

    def captures(self, url: str) -> list[tuple[datetime, object]]:
        locations = self.index.by_url.get(normalize_url(url), [])
        return sorted(((_when(loc.date), loc) for loc in locations), key=lambda pair: pair[0])

    def memento_url(self, when: datetime, url: str, raw: bool = True) -> str:
        return f"{self.base}/web/{_ts(when)}{'id_' if raw else ''}/{url}"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                server.requests.append(self.path)
                if server.delay:
                    time.sleep(server.delay)
                try:
                    self.route()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def route(self):
                path = self.path
                if path == "/robots.txt":
                    return self.send(404, b"no robots.txt", [("Content-Type", "text/plain")])
                if path.startswith("/cdx/search/cdx"):
                    return self.cdx(parse_qs(urlsplit(path).query))
                if path.startswith("/save/"):
                    return self.save(path[len("/save/"):])
                if path.startswith("/web/timemap/link/"):
                    if not server.timemaps:
                        return self.send(404, b"no timemaps here", [("Content-Type", "text/plain")])
                    return self.timemap(path[len("/web/timemap/link/"):])
                if path.startswith("/web/"):
                    rest = path[len("/web/"):]
                    head, _, url = rest.partition("/")
                    digits = head[:-3] if head.endswith("id_") else head
                    if digits.isdigit() and url:
                        return self.memento(digits, head.endswith("id_"), url)
                    return self.timegate(rest)
                return self.send(404, b"not found", [("Content-Type", "text/plain")])

            def timemap(self, url):
                captures = server.captures(url)
                if not captures:
                    return self.send(404, b"", [("Content-Type", "application/link-format")])
                lines = [f'<{url}>; rel="original"',
                         f'<{server.base}/web/timemap/link/{url}>; rel="self"; type="application/link-format"',
                         f'<{server.base}/web/{url}>; rel="timegate"']
                for i, (when, _) in enumerate(captures):
                    rel = "memento"
                    if i == 0:
                        rel = "first memento"
                    if i == len(captures) - 1:
                        rel = "last memento" if i else "first last memento"
                    lines.append(f'<{server.memento_url(when, url, raw=False)}>; rel="{rel}"; '
                                 f'datetime="{format_datetime(when, usegmt=True)}"')
                body = (",\n".join(lines) + "\n").encode()
                self.send(200, body, [("Content-Type", "application/link-format")])

            def timegate(self, url):
                captures = server.captures(url)
                if not captures:
                    return self.send(404, b"not in archive", [("Content-Type", "text/plain")])
                wanted = self.headers.get("Accept-Datetime")
                target = parsedate_to_datetime(wanted) if wanted else captures[-1][0]
                when, _ = min(captures, key=lambda c: abs((c[0] - target).total_seconds()))
                self.send(302, b"", [("Location", server.memento_url(when, url, raw=False)),
                                     ("Vary", "accept-datetime"),
                                     ("Link", f'<{url}>; rel="original", '
                                              f'<{server.base}/web/timemap/link/{url}>; rel="timemap"')])

            def memento(self, ts, raw, url):
                captures = server.captures(url)
                if not captures and url in server.saved:  # captured by /save/: a stand-in page
                    body = f"<html><body><p>Saved copy of {url}</p></body></html>".encode()
                    return self.send(200, body, [("Content-Type", "text/html; charset=utf-8"),
                                                 ("Memento-Datetime", format_datetime(_from_ts(ts), usegmt=True))])
                if not captures:
                    return self.send(404, b"not in archive", [("Content-Type", "text/plain")])
                target = _from_ts(ts)
                when, location = min(captures, key=lambda c: abs((c[0] - target).total_seconds()))
                if _ts(when) != ts.ljust(14, "0"):
                    return self.send(302, b"", [("Location", server.memento_url(when, url, raw))])
                record = read_record(location.path, location.offset)
                if record.record_type == "revisit":
                    server.index.fill_revisit(record)
                headers = [(k, v) for k, v in record.headers if k.lower() not in HOP_BY_HOP]
                if not raw:
                    headers = [(k, v) for k, v in headers if k.lower() != "location"]
                    if record.header("location"):
                        headers.append(("Location", f"{server.base}/web/{_ts(when)}/{record.header('location')}"))
                headers += [("Memento-Datetime", format_datetime(when, usegmt=True)),
                            ("Link", f'<{url}>; rel="original", <{server.base}/web/{url}>; rel="timegate", '
                                     f'<{server.base}/web/timemap/link/{url}>; rel="timemap"')]
                self.send(record.status or 200, record.body, headers)

            def cdx(self, query):
                url = (query.get("url") or [""])[0]
                fields = (query.get("fl") or ["urlkey,timestamp,original,mimetype,statuscode,digest,length"])[0]
                fields = fields.split(",")
                rows = []
                for when, location in server.captures(url):
                    record = read_record(location.path, location.offset)
                    values = {"urlkey": normalize_url(url), "timestamp": _ts(when), "original": url,
                              "mimetype": (record.header("content-type") or "-").split(";")[0],
                              "statuscode": str(record.status or "-"),
                              "digest": (record.payload_digest or "-").replace("sha1:", ""), "length": "0"}
                    rows.append([values.get(f, "-") for f in fields])
                if (query.get("output") or [""])[0] == "json":
                    body = json.dumps([fields] + rows if rows else []).encode()
                    return self.send(200, body, [("Content-Type", "application/json")])
                body = "".join(" ".join(r) + "\n" for r in rows).encode()
                self.send(200, body, [("Content-Type", "text/plain")])

            def save(self, url):
                server.saved.append(url)
                when = datetime.now(timezone.utc).replace(microsecond=0)
                self.send(302, b"", [("Location", server.memento_url(when, url, raw=False))])

        return Handler

    def __enter__(self) -> "MementoServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
