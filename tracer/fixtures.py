"""Fixture webs: small sets of pages at their real URLs, packed into a WARC for offline traces.

A fixture web is a folder with ``manifest.json`` and the page files it names:

    {"name": ..., "captured_at": "2019-08-07T12:00:00Z", "start_url": ..., "claim": ...,
     "pages": [{"url": ..., "file": "pages/a.html"},
               {"url": ..., "status": 301, "location": "https://..."},
               {"url": ..., "status": 404, "file": "pages/gone.html"}]}

``build_warc`` writes one gzip-per-record WARC/1.1 response record per page,
byte-for-byte reproducible: dates come from the manifest and record ids are
derived from the URL, so the same folder always packs to the same file.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# A source checkout (an editable install, the tests) reads the webs where they are edited;
# an installed package reads the copy setup.py puts into the wheel (tracer/data/webs/).
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
PACKAGED_WEBS_DIR = Path(__file__).resolve().parent / "data" / "webs"
WEBS_DIR = FIXTURES_DIR / "web" if (FIXTURES_DIR / "web").is_dir() else PACKAGED_WEBS_DIR


class FixtureError(Exception):
    pass


@dataclass
class FixturePage:
    url: str
    status: int = 200
    file: str | None = None
    location: str | None = None
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    captured_at: str | None = None


@dataclass
class FixtureWeb:
    path: Path
    name: str
    start_url: str | None
    claim: str | None
    captured_at: str
    pages: list[FixturePage]
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, page: FixturePage) -> bytes:
        return (self.path / page.file).read_bytes() if page.file else b""


def load_web(path: str | Path) -> FixtureWeb:
    """Read a fixture web's manifest (a folder name under fixtures/web/ or a path)."""
    folder = Path(path)
    if not folder.is_dir() and (WEBS_DIR / str(path)).is_dir():
        folder = WEBS_DIR / str(path)
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise FixtureError(f"no fixture web at {path} (missing manifest.json)")
    data = json.loads(manifest.read_text("utf-8"))
    pages = [FixturePage(**p) for p in data.pop("pages")]
    return FixtureWeb(
        path=folder,
        name=data.pop("name", folder.name),
        start_url=data.pop("start_url", None),
        claim=data.pop("claim", None),
        captured_at=data.pop("captured_at", "2020-01-01T00:00:00Z"),
        pages=pages,
        extra=data,
    )


def list_webs() -> list[str]:
    return sorted(p.parent.name for p in WEBS_DIR.glob("*/manifest.json"))


def _http_headers(web: FixtureWeb, page: FixturePage, body: bytes) -> StatusAndHeaders:
    reason = HTTPStatus(page.status).phrase if page.status in HTTPStatus._value2member_map_ else "Unknown"
    headers = [("Content-Type", page.content_type), ("Content-Length", str(len(body)))]
    if page.location:
        headers.append(("Location", page.location))
    headers.extend(page.headers.items())
    return StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1")


def build_warc(web: FixtureWeb | str | Path, out: str | Path) -> Path:
    """Pack a fixture web into a WARC file (gzip per record); returns its path."""
    if not isinstance(web, FixtureWeb):
        web = load_web(web)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    for page in web.pages:
        body = web.body(page)
        date = page.captured_at or web.captured_at
        record_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, page.url + '#' + date)}>"
        record = writer.create_warc_record(
            page.url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=_http_headers(web, page, body),
            warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": record_id},
        )
        writer.write_record(record)
    out.write_bytes(buffer.getvalue())
    return out
