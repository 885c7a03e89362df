"""Evidence packages: a trace's raw captures, hop table and report in one WACZ file.

A WACZ (Web Archive Collection Zipped, format 1.1.1) is a zip that replay tools
(ReplayWeb.page, pywb) open directly:

    archive/data.warc.gz       every WARC record behind the trace, copied byte for byte
    indexes/index.cdx          CDXJ index of the responses in data.warc.gz
    pages/pages.jsonl          one page per hop (the capture that was read)
    trace/trace.json           the trace JSON (as ``tracer trace --format json``)
    trace/hops.csv             the hop table
    trace/report.txt           the readable chain
    datapackage.json           every file above with its sha256 and size
    datapackage-digest.json    the sha256 of datapackage.json

The WARC member is stored uncompressed in the zip (as the spec asks), so ``--archive case.wacz``
replays the trace's records in tracer itself. ``save_hops`` asks a save endpoint (the Wayback
Machine's Save Page Now by default) to capture each hop and records what it answered.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from tracer import store
from tracer.version import __version__
from tracer.safe import csv_text  # the one CSV writer: formulas quoted, controls dropped
from tracer.web.warc import ArchiveIndex, normalize_url

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
DEFAULT_SAVE_ENDPOINT = "https://web.archive.org/save/"
HOP_COLUMNS = ("depth", "url", "requested_url", "status", "source", "kind", "evidence", "cite_source",
               "cite_cue", "cite_link", "flags", "archived_url", "archived_captured_at", "fetched_at",
               "sha256", "error")


class EvidenceError(Exception):
    """The trace cannot be packed (no such trace, nothing recorded)."""


# ---------------------------------------------------------------- reading raw records


def _member_length(stream, offset: int) -> int:
    """Bytes of the gzip member starting at ``offset`` (our WARCs are one member per record)."""
    stream.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    used = 0
    while not inflater.eof:
        chunk = stream.read(64 * 1024)
        if not chunk:
            raise EvidenceError(f"truncated record at offset {offset}")
        inflater.decompress(chunk)
        used += len(chunk) - len(inflater.unused_data)
    return used


def _plain_length(stream, offset: int) -> int:
    """Bytes of an uncompressed WARC record: headers, Content-Length, and the two CRLFs."""
    stream.seek(offset)
    header = b""
    while b"\r\n\r\n" not in header:
        chunk = stream.read(4096)
        if not chunk:
            raise EvidenceError(f"truncated record at offset {offset}")
        header += chunk
    head = header.split(b"\r\n\r\n", 1)[0]
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return len(head) + 4 + length + 4


def raw_record(path: str, offset: int) -> bytes:
    """The exact bytes of the record at ``offset``, gzip-compressed as one member."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        magic = stream.read(2)
        if magic == b"\x1f\x8b":
            length = _member_length(stream, offset)
            stream.seek(offset)
            return stream.read(length)
        length = _plain_length(stream, offset)
        stream.seek(offset)
        return zlib.compress(stream.read(length), wbits=16 + zlib.MAX_WBITS)  # one gzip member


def _headers(member: bytes) -> dict[str, str]:
    data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(member, 64 * 1024)
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", errors="replace").split("\r\n")
    out = {}
    for line in head[1:]:
        key, _, value = line.partition(":")
        out[key.strip().lower()] = value.strip()
    return out


def _http_head(member: bytes) -> tuple[int | None, str | None]:
    data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(member, 64 * 1024)
    parts = data.split(b"\r\n\r\n", 2)
    if len(parts) < 2:
        return None, None
    lines = parts[1].decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = None
    mime = next((l.split(":", 1)[1].strip().split(";")[0] for l in lines[1:] if l.lower().startswith("content-type:")),
                None)
    return status, mime


# ---------------------------------------------------------------- which records a trace used


def trace_fetch_ids(db: Database, trace_id: int) -> list[int]:
    """Every fetch behind a trace: hops, archive look-ups, captures, earlier copies compared."""
    ids: list[int] = []

    def add(value):
        if isinstance(value, int) and value not in ids:
            ids.append(value)

    for row in store.hop_rows(db, trace_id):
        extra = json.loads(row.get("extra") or "{}")
        archived = extra.get("archived") or {}
        add(archived.get("original_fetch_id"))
        for fid in archived.get("fetch_ids") or []:
            add(fid)
        for fid in (extra.get("archive_lookup") or {}).get("fetch_ids") or []:
            add(fid)
        add((extra.get("changed_after_citation") or {}).get("version_fetch_id"))
        add(row["fetch_id"])
        add((extra.get("saved") or {}).get("fetch_id"))
    return ids


@dataclass
class _Copy:
    members: list[bytes] = field(default_factory=list)
    seen: set[tuple[str, int]] = field(default_factory=set)
    indexes: dict[str, ArchiveIndex] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def add(self, path: str, offset: int) -> bytes | None:
        if (path, offset) in self.seen:
            return None
        self.seen.add((path, offset))
        member = raw_record(path, offset)
        self.members.append(member)
        return member

    def index(self, path: str) -> ArchiveIndex:
        if path not in self.indexes:
            self.indexes[path] = ArchiveIndex([path])
        return self.indexes[path]


def _copy_fetch(copy: _Copy, row: dict[str, Any]) -> None:
    path, offset = row["warc_path"], row["warc_offset"]
    if not path or offset is None:
        return
    if not Path(path).is_file():
        copy.missing.append(f"fetch {row['id']}: {path} is gone")
        return
    # the redirects that led to this response, then the response itself
    when = row["fetched_at"] or ""
    for redirect in json.loads(row["redirects"] or "[]"):
        locations = copy.index(path).by_url.get(normalize_url(redirect["url"]), [])
        if locations:
            best = min(locations, key=lambda loc: abs(_seconds(loc.date) - _seconds(when)))
            copy.add(path, best.offset)
    member = copy.add(path, offset)
    if member is None:
        return
    headers = _headers(member)
    if headers.get("warc-type") == "revisit":
        digest = headers.get("warc-payload-digest", "")
        original = copy.index(path).by_digest.get(digest)
        if original is None:  # stored by an earlier run: another file of the same folder
            original = ArchiveIndex.for_folder(Path(path).parent).by_digest.get(digest)
        if original is not None:
            copy.add(original.path, original.offset)
        else:
            copy.missing.append(f"fetch {row['id']}: the payload of a revisit record is not in {path}")
    # the request record written with it (tracer's own WARCs: response first, then request)
    try:
        following = raw_record(path, offset + _stored_length(path, offset))
    except (EvidenceError, OSError, StopIteration, ValueError, zlib.error):
        return
    nxt = _headers(following)
    if nxt.get("warc-type") == "request" and nxt.get("warc-concurrent-to") == headers.get("warc-record-id"):
        copy.add(path, offset + _stored_length(path, offset))


def _stored_length(path: str, offset: int) -> int:
    with open(path, "rb") as stream:
        stream.seek(offset)
        if stream.read(2) == b"\x1f\x8b":
            return _member_length(stream, offset)
        return _plain_length(stream, offset)


def _seconds(date: str) -> float:
    try:
        return datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


# ---------------------------------------------------------------- the package


def surt(url: str) -> str:
    """The sort-friendly URL key of CDX indexes: ``com,example)/path?query``."""
    parts = urlsplit(normalize_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    key = ",".join(reversed(host.split("."))) if host else ""
    if parts.port:
        key += f":{parts.port}"
    path = parts.path or "/"
    return (key + ")" + path + (f"?{parts.query}" if parts.query else "")).lower()


def _ts14(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14].ljust(14, "0")


def _cdxj(members: list[bytes]) -> tuple[bytes, dict[str, str]]:
    """The CDXJ index of the responses in the packed WARC, and url -> WARC-Date of each."""
    lines, offset, dates = [], 0, {}
    for member in members:
        headers = _headers(member)
        kind = headers.get("warc-type")
        if kind in ("response", "revisit") and headers.get("warc-target-uri"):
            url = headers["warc-target-uri"].strip("<>")
            status, mime = _http_head(member)
            entry = {"url": url, "mime": mime or "unk", "status": str(status or ""),
                     "digest": headers.get("warc-payload-digest", ""), "length": str(len(member)),
                     "offset": str(offset), "filename": WARC_NAME}
            if kind == "revisit":
                entry["mime"] = "warc/revisit"
            lines.append(f"{surt(url)} {_ts14(headers.get('warc-date', ''))} {json.dumps(entry)}")
            dates.setdefault(normalize_url(url), headers.get("warc-date", ""))
        offset += len(member)
    return ("\n".join(sorted(lines)) + "\n").encode(), dates


def _hops_csv(trace) -> bytes:
    rows = []
    for hop in trace.hops + [h for branch in trace.branches for h in branch]:
        archived = hop.extra.get("archived") or {}
        rows.append([hop.depth, hop.url, hop.requested_url, hop.status, hop.source, hop.kind, hop.evidence,
                     hop.cites.source if hop.cites else None, hop.cites.cue if hop.cites else None,
                     hop.cites.link if hop.cites else None, " ".join(hop.flags), archived.get("url"),
                     archived.get("captured_at"), hop.fetched_at, hop.sha256, hop.error])
    return csv_text(HOP_COLUMNS, rows).encode("utf-8")


def _pages(trace, dates: dict[str, str]) -> bytes:
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Hops of the trace"})]
    for hop in trace.hops:
        archived = hop.extra.get("archived") or {}
        url = archived.get("url") or hop.url
        if not url or normalize_url(url) not in dates:
            continue  # not online, or nothing recorded for it
        page = {"id": f"hop-{hop.depth}", "url": url, "ts": dates[normalize_url(url)],
                "title": f"[{hop.depth}] {hop.source or ''} {hop.title or ''}".strip()}
        if archived:  # ts is when tracer fetched the capture; the page as it was is of this date
            page.update(original_url=archived.get("original_url"), memento_datetime=archived.get("captured_at"))
        lines.append(json.dumps(page, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Package:
    path: str
    records: int
    pages: int
    resources: list[dict[str, Any]]
    missing: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "records": self.records, "pages": self.pages,
                "resources": self.resources, "missing": self.missing}


def build_wacz(db: Database, trace_id: int, out: str | Path) -> Package:
    """Pack a stored trace into a WACZ file at ``out``."""
    from tracer.report.model import dumps, format_text

    trace = store.load_trace(db, trace_id)  # StoreError when there is no such trace
    copy = _Copy()
    fetches = {r["id"]: r for r in db["fetches"].rows_where("id in (select value from json_each(?))",
                                                           [json.dumps(trace_fetch_ids(db, trace_id))])}
    for fetch_id in trace_fetch_ids(db, trace_id):
        if fetch_id in fetches:
            _copy_fetch(copy, fetches[fetch_id])
    if not copy.members:
        raise EvidenceError(f"trace {trace_id} has no WARC records to pack (was it traced with a database file?)")
    warc = b"".join(copy.members)
    index, dates = _cdxj(copy.members)
    files = {
        f"archive/{WARC_NAME}": warc,
        "indexes/index.cdx": index,
        "pages/pages.jsonl": _pages(trace, dates),
        "trace/trace.json": dumps(trace).encode("utf-8"),
        "trace/hops.csv": _hops_csv(trace),
        "trace/report.txt": (format_text(trace) + "\n").encode("utf-8"),
    }
    resources = [{"name": Path(name).name, "path": name, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                  "bytes": len(data)} for name, data in files.items()]
    first = trace.hops[0] if trace.hops else None
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": f"tracer trace {trace_id}: {trace.claim}"[:200],
        "description": f"Evidence for the claim “{trace.claim}”, traced from {trace.start_url}",
        "created": _now(),
        "software": f"tracer {__version__}",
        "mainPageUrl": trace.start_url,
        "mainPageDate": dates.get(normalize_url(first.url), None) if first and first.url else None,
        "resources": resources,
    }
    package = {k: v for k, v in package.items() if v is not None}
    datapackage = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    digest = json.dumps({"path": "datapackage.json",
                         "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest()}, indent=2).encode()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w") as wacz:
        for name, data in files.items():
            # WARC (and gzip index) stored, as the spec says: readers seek into them directly
            method = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
            wacz.writestr(zipfile.ZipInfo(name, date_time=_zip_time()), data, compress_type=method)
        wacz.writestr(zipfile.ZipInfo("datapackage.json", date_time=_zip_time()), datapackage,
                      compress_type=zipfile.ZIP_DEFLATED)
        wacz.writestr(zipfile.ZipInfo("datapackage-digest.json", date_time=_zip_time()), digest,
                      compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(out)
    pages = _pages(trace, dates).count(b"\n") - 1
    return Package(str(out), len(copy.members), pages, resources, copy.missing)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    return datetime.now(timezone.utc).timetuple()[:6]


# ---------------------------------------------------------------- checking a package


def check_wacz(path: str | Path) -> list[str]:
    """Problems found in a WACZ: missing parts, a digest or size that does not match; [] if none."""
    problems: list[str] = []
    try:
        wacz = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return [f"not a zip file: {error}"]
    with wacz:
        names = set(wacz.namelist())
        for required in ("datapackage.json", "pages/pages.jsonl"):
            if required not in names:
                problems.append(f"missing {required}")
        if not any(n.startswith("archive/") and n.endswith((".warc", ".warc.gz")) for n in names):
            problems.append("no WARC file in archive/")
        if not any(n.startswith("indexes/") for n in names):
            problems.append("no index in indexes/")
        if problems:
            return problems
        package = json.loads(wacz.read("datapackage.json"))
        if package.get("profile") != "data-package" or not package.get("wacz_version"):
            problems.append("datapackage.json lacks profile or wacz_version")
        listed = {r["path"]: r for r in package.get("resources", [])}
        for name in sorted(names - {"datapackage.json", "datapackage-digest.json"}):
            if name not in listed:
                problems.append(f"{name} is not listed in datapackage.json")
        for name, resource in listed.items():
            if name not in names:
                problems.append(f"{name} is listed but absent")
                continue
            data = wacz.read(name)
            algo, _, expected = resource.get("hash", "").partition(":")
            if algo != "sha256" or hashlib.sha256(data).hexdigest() != expected:
                problems.append(f"{name}: sha256 does not match datapackage.json")
            if resource.get("bytes") != len(data):
                problems.append(f"{name}: size does not match datapackage.json")
            if name.startswith("archive/") and wacz.getinfo(name).compress_type != zipfile.ZIP_STORED:
                problems.append(f"{name} is compressed in the zip (must be stored)")
        if "datapackage-digest.json" in names:
            digest = json.loads(wacz.read("datapackage-digest.json"))
            if digest.get("hash") != "sha256:" + hashlib.sha256(wacz.read("datapackage.json")).hexdigest():
                problems.append("datapackage-digest.json does not match datapackage.json")
        lines = wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()
        if not lines or json.loads(lines[0]).get("format") != "json-pages-1.0":
            problems.append("pages.jsonl lacks its json-pages-1.0 header")
        for line in lines[1:]:
            page = json.loads(line)
            if not page.get("url") or not page.get("ts"):
                problems.append(f"page without url or ts: {line[:80]}")
    return problems


# ---------------------------------------------------------------- save endpoints


def save_hops(db: Database, trace_id: int, fetcher, endpoint: str = DEFAULT_SAVE_ENDPOINT) -> list[dict[str, Any]]:
    """Ask a save endpoint (``{endpoint}{url}``) to capture each online hop; record its answer.

    The capture URL it returns (the final URL after its redirect, or Content-Location) goes
    into ``hop.extra["saved"]`` in the store, with the fetch that asked for it.
    """
    outcomes = []
    for row in store.hop_rows(db, trace_id):
        url = row["url"]
        if not url:
            continue
        result = fetcher.fetch(endpoint + url)
        fetch_id = store.save_fetch(db, result)
        capture = result.headers.get("content-location") or (
            result.final_url if result.ok and result.final_url != endpoint + url else None)
        if capture and capture.startswith("/"):
            parts = urlsplit(endpoint)
            capture = f"{parts.scheme}://{parts.netloc}{capture}"
        saved = {"endpoint": endpoint, "url": url, "capture": capture, "status": result.status,
                 "error": result.error if result.error else (None if capture else "no-capture-url"),
                 "asked_at": result.fetched_at, "fetch_id": fetch_id}
        extra = json.loads(row.get("extra") or "{}")
        extra["saved"] = saved
        with db.atomic():
            db["hops"].update(row["id"], {"extra": json.dumps(extra, ensure_ascii=False)})
        outcomes.append(saved)
    return outcomes
