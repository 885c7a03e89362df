"""The HTML report in a real browser (Debian's headless Chromium): it renders with no console
message, requests nothing but itself, and markup quoted on a page shows as text.

The report is served from a loopback server that records every request; Chromium is pointed at
a recording proxy for every other host, so a request to anywhere else would be seen. A control
page with an external image proves that the proxy does see such requests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import html as lxml_html

from report_fixtures import loop_traces, seed_trace
from tracer import store
from tracer.report.model import build_report
from tracer.report.render import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it when run as root)",
)


class Recorder:
    """A loopback HTTP server that serves fixed pages and records every request line it gets."""

    def __init__(self, pages: dict[str, bytes] | None = None) -> None:
        self.pages = pages or {}
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                recorder.requests.append(f"{self.command} {self.path}")
                body = recorder.pages.get(self.path)
                self.send_response(200 if body is not None else 502)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            do_GET = do_POST = do_HEAD = do_CONNECT = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def open_in_chromium(html: str, tmp_path) -> tuple[str, list[str], list[str], list[str]]:
    """Load the page; return the DOM after load, requests to the page server, requests elsewhere
    (through the proxy) and the console lines Chromium logged."""
    with Recorder({"/report.html": html.encode("utf-8")}) as site, Recorder() as proxy:
        profile = tmp_path / f"chromium-profile-{len(list(tmp_path.iterdir()))}"
        cmd = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
            "--disable-default-apps", "--no-default-browser-check", "--metrics-recording-only", "--no-pings",
            "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,"
            "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            f"--user-data-dir={profile}", f"--proxy-server={proxy.base}",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom",
            f"{site.base}/report.html",
        ]
        done = subprocess.run(cmd, capture_output=True, timeout=120)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 0, stderr[-3000:]
        console = [line for line in stderr.splitlines() if ":CONSOLE" in line]
        elsewhere = [r for r in proxy.requests if not _browser_own(r)]
        return done.stdout.decode("utf-8"), list(site.requests), elsewhere, console


# Chromium's own background services (component updates, network time, sign-in) still call
# home in headless mode whatever the flags; those requests are not the page's.
_OWN_HOSTS = re.compile(r"(^|[./])(google\.com|googleapis\.com|gvt1\.com|gstatic\.com|googleusercontent\.com)"
                        r"(:\d+)?(/|$)")


def _browser_own(request_line: str) -> bool:
    target = request_line.split(" ", 1)[1]
    host = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0]
    return bool(_OWN_HOSTS.search(host + "/"))


def test_the_checks_see_what_a_careless_page_does(tmp_path):
    # Control: without the report's protections, the external image is requested (through the
    # proxy) and the console error is logged, so the checks below would catch either.
    careless = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>x</p>'
                '<img src="http://tracker.example/pixel.png"><script>console.error("page error")</script>'
                "</body></html>")
    dom, site, elsewhere, console = open_in_chromium(careless, tmp_path)
    assert site[0] == "GET /report.html"  # (and, without an icon link, usually /favicon.ico)
    assert any("tracker.example" in r for r in elsewhere), elsewhere
    assert any("page error" in line for line in console), console


def test_the_loop_report_renders_safely_in_chromium(tmp_path, web_warc):
    loop, _ = loop_traces(tmp_path, web_warc("report-loop"))
    db = store.open_db(loop.db_path)
    html = render(build_report(db, loop.trace_id), "html")
    dom, site, elsewhere, console = open_in_chromium(html, tmp_path)
    assert site == ["GET /report.html"]  # not even a favicon
    assert elsewhere == []
    assert console == []  # no console message: no CSP violation, no error
    tree = lxml_html.fromstring(dom)
    assert tree.xpath("//script") == [] and tree.xpath("//img") == []
    quote = tree.xpath('//blockquote[contains(., "protesters")]')
    assert quote, dom[:2000]
    text = quote[0].text_content()
    assert '<script>alert("fees")</script>' in text and '"><img src=x onerror=alert(1)>' in text
    assert "Harbourtown fees <b>double</b>" in tree.text_content()  # a title with markup, as text
    assert tree.xpath("//b") == []
    svg = tree.xpath("//*[local-name()='svg']")
    assert svg and len(svg[0].xpath(".//*[local-name()='g'][contains(@class, 'node')]")) == 3
    assert tree.xpath("//details[@open]/summary")


def test_the_seed_report_renders_in_chromium(tmp_path, seed_warc):
    stored = seed_trace(tmp_path, seed_warc)
    db = store.open_db(stored.db_path)
    html = render(build_report(db, stored.trace_id), "html")
    dom, site, elsewhere, console = open_in_chromium(html, tmp_path)
    assert (site, elsewhere, console) == (["GET /report.html"], [], [])
    tree = lxml_html.fromstring(dom)
    hops = tree.xpath('//li[contains(@class, "hop")]')
    assert [re.sub(r"\s+", " ", h.xpath(".//h3")[0].text_content()).split(" outlet")[0] for h in hops][:2] == \
        ["0CoinWire", "1Reuters"]
    assert "state-unlinked" in hops[2].get("class")
    marks = [m.text_content() for m in tree.xpath("//mark")]
    assert "$2 billion" in marks and "steal" in marks
