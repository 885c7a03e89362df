"""WARC files: writing every exchange as audit records, reading them back for replay and audit.

Writing follows what web archivists expect (WARC/1.1, one gzip member per record, a
``request`` and a ``response`` record per exchange with block and payload digests, and a
``revisit`` record instead of a second copy when the payload was stored before).
Reading answers URLs from any WARC (ours or someone else's) and re-checks digests.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import socket
import struct
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

try:
    from tracer.version import __version__
except ImportError:  # the package __init__ is the lead's; keep warc importable without it
    __version__ = "0.1"

LOGGER = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz", ".wacz")
DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024
# Beside tracer's own WARC files: one line per stored payload (digest, file, offset, URI, date),
# so revisits and their originals are found without decompressing every file in the folder.
DIGEST_INDEX = "payload-digests.tsv"
# Headers describing how bytes travelled, not what they are: the stored body is de-chunked.
HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


class WarcReadError(Exception):
    """A record that cannot be read: missing file, bad offset, corrupt gzip, truncated record."""


@dataclass
class ArchivedResponse:
    """An HTTP response as a WARC holds it (a revisit is resolved to its original payload)."""

    url: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes  # the entity body, Content-Encoding removed
    date: str  # WARC-Date, when it was captured
    record_id: str
    record_type: str  # response | revisit
    path: str
    offset: int
    payload_digest: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


def normalize_url(url: str) -> str:
    """The form URLs are matched in: lower-case scheme and host, no default port, no fragment."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if ":" in host:
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def warc_files(paths) -> list[str]:
    """Expand folders into the WARC files they contain, keeping the given order."""
    files: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(str(p) for p in sorted(path.iterdir()) if p.name.endswith(WARC_SUFFIXES))
        else:
            files.append(str(path))
    return files


# ---------------------------------------------------------------- reading


def _iter_records(path: str, offset: int = 0, check_digests: bool = False, limit: int | None = None):
    with open(path, "rb") as stream:
        stream.seek(offset)
        source = stream if limit is None else LimitReader(stream, limit)
        iterator = ArchiveIterator(source, check_digests=check_digests)
        for record in iterator:
            yield iterator, record


def archive_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is not a web archive tracer can read, in a few words; None when its first
    record reads as a WARC (or ARC) record. Empty files, random bytes, other formats and gzip
    data broken from the start are refused here, before anything is indexed or replayed."""
    path = str(path)
    try:
        if os.path.getsize(path) == 0:
            return "the file is empty"
        if path.endswith(".wacz"):
            members = wacz_members(path)
            if not members:
                return "a WACZ without WARC files in archive/"
            _, start, size = members[0]
            first = next(_iter_records(path, start, limit=size), None)
        else:
            first = next(_iter_records(path), None)
    except zipfile.BadZipFile:
        return "not a WACZ (zip) file"
    except OSError as error:
        return f"cannot read it ({error.strerror or error})"
    except Exception as error:  # noqa: BLE001 - warcio and zlib raise plain Exceptions on garbage
        if type(error).__name__ == "ArchiveLoadFailed":  # its message quotes the file's first line: not shown
            return "not a WARC file (its start is no WARC or ARC header)"
        return f"not a WARC file ({type(error).__name__}: {_short(str(error))})"
    if first is None:
        return "no WARC record in it"
    record = first[1]
    if record.format == "warc" and not (record.rec_headers.protocol or "").startswith("WARC/"):
        # bytes that start with a blank line read as a header-less "record": not a WARC
        return "not a WARC file (no WARC or ARC header at its start)"
    if record.format != "warc":  # warcio reads any first line as an ARC header: only a real one counts
        uri = (record.rec_headers.get_header("uri") or "") if record.rec_headers else ""
        if not uri.startswith(("filedesc:", "http:", "https:", "dns:", "ftp:")):
            return "not a WARC file (no WARC or ARC header at its start)"
    return None


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wacz_members(path: str) -> list[tuple[str, int, int]]:
    """(name, data offset, size) of the WARC files inside a WACZ.

    The WACZ spec stores them uncompressed in the zip, so a record inside is read by seeking
    the .wacz file itself: a record's address stays "file + offset" like any WARC's.
    """
    members = []
    with zipfile.ZipFile(path) as wacz, open(path, "rb") as raw:
        for info in wacz.infolist():
            if not info.filename.startswith("archive/") or not info.filename.endswith((".warc", ".warc.gz")):
                continue
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{info.filename} is compressed inside the WACZ (the spec says stored)")
            raw.seek(info.header_offset)
            header = raw.read(30)
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            members.append((info.filename, info.header_offset + 30 + name_length + extra_length, info.file_size))
    return members


def read_record(path: str, offset: int, *, max_bytes: int | None = None) -> ArchivedResponse:
    """The response or revisit record at an offset (revisits carry headers but no body)."""
    try:
        for iterator, record in _iter_records(path, offset):
            return _archived_response(record, path, offset, max_bytes)
    except Exception as error:  # OSError, zlib errors, and warcio's own plain Exceptions alike
        raise WarcReadError(f"{path}@{offset}: {error}") from error
    raise WarcReadError(f"{path}@{offset}: no record")


def _archived_response(record, path: str, offset: int, max_bytes: int | None) -> ArchivedResponse:
    headers = record.http_headers
    status = None
    header_list: list[tuple[str, str]] = []
    if headers is not None:
        try:
            status = int(headers.get_statuscode())
        except (TypeError, ValueError):
            status = None
        header_list = list(headers.headers)
    body = b""
    if record.rec_type == "response":
        stream = record.content_stream()
        body = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    return ArchivedResponse(
        url=(record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>"),  # WARC 1.1 drafts used <uri>
        status=status,
        headers=header_list,
        body=body,
        date=record.rec_headers.get_header("WARC-Date") or "",
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        record_type=record.rec_type,
        path=path,
        offset=offset,
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


@dataclass
class _Location:
    path: str
    offset: int
    record_type: str
    date: str
    payload_digest: str | None
    uri: str = ""


class ArchiveIndex:
    """Which URLs a set of WARC files holds, and where; built by one pass over the files."""

    def __init__(self, paths=()):
        self.by_url: dict[str, list[_Location]] = {}
        self.by_digest: dict[str, _Location] = {}
        self.errors: list[str] = []
        for path in warc_files(paths):
            # absolute: a location stored for audit must not depend on the folder tracer ran in
            self.add_file(os.path.abspath(path))

    def add_file(self, path: str) -> None:
        try:
            if path.endswith(".wacz"):
                for _, start, size in wacz_members(path):
                    self._add_records(path, start, size)
            else:
                self._add_records(path, 0, None)
        except Exception as error:  # a corrupt tail still leaves the records before it usable
            self.errors.append(f"{path}: {error}")
            LOGGER.warning("archive %s could only be read in part: %s", path, error)

    def _add_records(self, path: str, start: int, size: int | None) -> None:
        for iterator, record in _iter_records(path, start, limit=size):
            if record.rec_type in ("response", "revisit"):
                self._add_record(path, start + iterator.get_record_offset(), record)

    def _add_record(self, path: str, offset: int, record) -> None:
        headers = record.rec_headers
        uri = headers.get_header("WARC-Target-URI")
        if not uri:
            return
        location = _Location(
            path=path,
            offset=offset,
            record_type=record.rec_type,
            date=headers.get_header("WARC-Date") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            uri=uri.strip("<>"),
        )
        self.by_url.setdefault(normalize_url(uri.strip("<>")), []).append(location)
        if record.rec_type == "response" and location.payload_digest:
            self.by_digest.setdefault(location.payload_digest, location)

    @classmethod
    def for_folder(cls, folder) -> "ArchiveIndex":
        """The payload digests of a folder tracer writes to: from its digest index when there
        is one (fast), else by reading every WARC file in it."""
        sidecar = Path(folder) / DIGEST_INDEX
        if not sidecar.is_file():
            return cls([folder])
        index = cls()
        for line in sidecar.read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.split("\t")
            if len(fields) != 5 or not fields[2].isdigit():
                continue  # a line cut short by a crash
            digest, name, offset, uri, date = fields
            location = _Location(path=str(Path(folder) / name), offset=int(offset), record_type="response",
                                 date=date, payload_digest=digest, uri=uri)
            index.by_digest.setdefault(digest, location)
        return index

    def _locations(self, url: str) -> list[_Location]:
        """Captures of the URL; failing that, of the same URL under the other scheme, as
        Wayback-style replay does (pages link http:// to sites captured over https://)."""
        key = normalize_url(url)
        if key in self.by_url:
            return self.by_url[key]
        for scheme, other in (("http://", "https://"), ("https://", "http://")):
            if key.startswith(scheme):
                return self.by_url.get(other + key[len(scheme):], [])
        return []

    def __contains__(self, url: str) -> bool:
        return bool(self._locations(url))

    def lookup(self, url: str, *, max_bytes: int | None = None) -> ArchivedResponse | None:
        """The latest capture of a URL, its revisit resolved to the stored payload; None if absent."""
        locations = self._locations(url)
        if not locations:
            return None
        latest = max(locations, key=lambda loc: loc.date)
        response = read_record(latest.path, latest.offset, max_bytes=max_bytes)
        if response.record_type == "revisit":
            self.fill_revisit(response, max_bytes=max_bytes)
        return response

    def fill_revisit(self, response: ArchivedResponse, *, max_bytes: int | None = None) -> bool:
        """Put the original payload into a revisit; False when the original is not indexed."""
        original = self.by_digest.get(response.payload_digest or "")
        if original is None:
            return False
        response.body = read_record(original.path, original.offset, max_bytes=max_bytes).body
        return True


# ---------------------------------------------------------------- writing


@dataclass
class Exchange:
    """One HTTP request and its response, as they went over the wire (body de-chunked)."""

    url: str
    request_headers: dict[str, str] | None  # None: a copy of a replayed record (no request of ours)
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    raw_body: bytes  # still Content-Encoded, as sent
    method: str = "GET"
    http_version: str = "HTTP/1.1"
    peer_address: str | None = None
    truncated: str | None = None  # WARC-Truncated reason: length | time
    # A copy of a record replayed from another archive (``RollingWarcWriter.write_copy``): no
    # request was made, so request_headers is None and no request record is written; the
    # capture's own date is kept, and extension fields say where the copy came from.
    warc_date: str | None = None
    copied_from: dict[str, str] | None = None


def _reason_phrase(status: int | None) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase if status else ""
    except ValueError:
        return ""


@dataclass
class WarcLocation:
    path: str
    offset: int
    record_type: str  # response | revisit


def payload_digest(raw_body: bytes) -> str:
    """The digest warcio writes into WARC-Payload-Digest (sha1, base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(raw_body).digest()).decode("ascii")


@dataclass
class WarcWriterState:
    path: str | None = None
    size: int = 0
    sequence: int = 0
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)  # digest -> (uri, date)


class RollingWarcWriter:
    """Appends exchanges to gzip WARC files in a folder, starting a new file past a size.

    Files are named with the process id, so two processes never share a file.
    """

    def __init__(self, folder, *, max_file_size: int = DEFAULT_MAX_FILE_SIZE, prefix: str = "tracer"):
        self.folder = Path(folder).resolve()  # absolute paths go into the audit store
        self.max_file_size = max_file_size
        self.prefix = prefix
        self.state = WarcWriterState()
        self._digests_loaded = False

    def _known_digests(self) -> dict[str, tuple[str, str]]:
        # Payloads stored by earlier runs count too: read the folder's digest index once.
        if not self._digests_loaded:
            self._digests_loaded = True
            if self.folder.is_dir():
                index = ArchiveIndex.for_folder(self.folder)
                for digest, loc in index.by_digest.items():
                    self.state.digests.setdefault(digest, (loc.uri, loc.date))
        return self.state.digests

    def _remember_payload(self, digest: str, path: str, offset: int, uri: str, date: str) -> None:
        self.state.digests.setdefault(digest, (uri, date))
        clean_uri = uri.replace("\t", "%09").replace("\n", "%0A")
        # One short line in append mode: lines from concurrent processes do not interleave.
        with open(self.folder / DIGEST_INDEX, "a", encoding="utf-8") as sidecar:
            sidecar.write(f"{digest}\t{Path(path).name}\t{offset}\t{clean_uri}\t{date}\n")

    def _current_file(self) -> str:
        if self.state.path is None or self.state.size >= self.max_file_size:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.state.sequence += 1
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self.state.sequence:05d}.warc.gz"
            self.state.path = str(self.folder / name)
            self.state.size = 0
            self._write(lambda writer: writer.write_record(self._warcinfo(writer, name)))
        return self.state.path

    def _warcinfo(self, writer: WARCWriter, filename: str):
        return writer.create_warcinfo_record(
            filename,
            {
                "software": f"tracer/{__version__} (warcio)",
                "hostname": socket.gethostname(),
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iso.org/standard/68004.html",
            },
        )

    def _write(self, write_records) -> int:
        """Run a write against the current file; returns the offset where it started."""
        with open(self.state.path, "ab") as out:
            offset = out.tell()
            write_records(WARCWriter(out, gzip=True, warc_version="1.1"))
            self.state.size = out.tell()
        return offset

    def write(self, exchange: Exchange) -> WarcLocation:
        """Write request + response (or revisit) records; returns where the response one starts."""
        path = self._current_file()
        digest = payload_digest(exchange.raw_body)
        known = self._known_digests().get(digest)
        record_type = "revisit" if known and not exchange.truncated else "response"

        written = {}

        def write_records(writer: WARCWriter) -> None:
            response = self._response_record(writer, exchange, digest, known if record_type == "revisit" else None)
            if exchange.request_headers is None:
                writer.write_record(response)  # a copy: there was no request of ours
            else:
                request = self._request_record(writer, exchange)
                writer.write_request_response_pair(request, response)
            written["date"] = response.rec_headers.get_header("WARC-Date")

        # The response record is written first, so its offset is where the file stood.
        offset = self._write(write_records)
        if record_type == "response" and not exchange.truncated and digest not in self.state.digests:
            # Later identical payloads become revisits pointing at this URI and date.
            self._remember_payload(digest, path, offset, exchange.url, written["date"])
        return WarcLocation(path=path, offset=offset, record_type=record_type)

    def write_copy(self, archived: "ArchivedResponse") -> WarcLocation:
        """Copy a response replayed from someone else's archive into tracer's own WARC.

        The audit trail then stands on its own: the user may move or delete their archive and
        ``tracer audit`` still verifies every body from any folder. The copy holds the decoded
        body (Content-Encoding and Transfer-Encoding headers dropped, Content-Length set to
        match), the capture's WARC-Date, and ``WARC-Tracer-Copied-From`` (file@offset) with
        ``WARC-Refers-To`` (the original record's id). A body stored before becomes a revisit.
        """
        dropped = {"content-encoding", "transfer-encoding", "content-length"}
        headers = [(k, v) for k, v in archived.headers if k.lower() not in dropped]
        headers.append(("Content-Length", str(len(archived.body))))
        reason = _reason_phrase(archived.status)
        copied = {"WARC-Tracer-Copied-From": f"{os.path.abspath(archived.path)}@{archived.offset}"}
        if archived.record_id:
            copied["WARC-Refers-To"] = archived.record_id
        return self.write(Exchange(
            url=archived.url, request_headers=None, status=archived.status or 0, reason=reason,
            response_headers=headers, raw_body=archived.body, warc_date=archived.date or None,
            copied_from=copied,
        ))

    def _response_record(self, writer, exchange: Exchange, digest: str, original):
        http_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(),
            [(k, v) for k, v in exchange.response_headers if k.lower() not in HOP_BY_HOP],
            protocol=exchange.http_version,
        )
        warc_headers = {}
        if exchange.peer_address:
            warc_headers["WARC-IP-Address"] = exchange.peer_address
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = exchange.truncated
        if exchange.warc_date:
            warc_headers["WARC-Date"] = exchange.warc_date
        for name, value in (exchange.copied_from or {}).items():
            warc_headers[name] = value
        if original is not None:
            record = writer.create_revisit_record(
                exchange.url, digest, original[0], original[1],
                http_headers=http_headers, warc_headers_dict=warc_headers,
            )
            return record
        record = writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.raw_body),
            length=len(exchange.raw_body), http_headers=http_headers, warc_headers_dict=warc_headers,
        )
        return record  # the writer adds the block digest (HTTP headers + body)

    def _request_record(self, writer, exchange: Exchange):
        parts = urlsplit(exchange.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        http_headers = StatusAndHeaders(
            f"{exchange.method} {target} {exchange.http_version}",
            [("Host", parts.netloc)] + [(k, v) for k, v in exchange.request_headers.items() if k.lower() != "host"],
            is_http_request=True,
        )
        return writer.create_warc_record(exchange.url, "request", http_headers=http_headers)


# ---------------------------------------------------------------- audit


@dataclass
class RecordCheck:
    """The outcome of re-reading one stored record: digests and the body's sha256."""

    path: str
    offset: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    sha256: str | None = None
    record_type: str | None = None


def check_record(path: str, offset: int, expected_sha256: str | None = None,
                 index: ArchiveIndex | None = None, expected_url: str | None = None) -> RecordCheck:
    """Re-read a record, verify its WARC digests and compare its body with the stored sha256.

    A revisit is checked through its original: that record's digests, and its body.
    """
    check = RecordCheck(path=path, offset=offset, ok=False)
    response = _verified_response(check, path, offset)
    if response is None:
        return check
    if expected_url and normalize_url(response.url) != normalize_url(expected_url):
        check.problems.append(f"uri-mismatch: record is for {response.url}")
    if response.record_type == "revisit":
        index = index or ArchiveIndex.for_folder(os.path.dirname(path))
        original = index.by_digest.get(response.payload_digest or "")
        if original is None:
            check.problems.append("revisit-original-missing")
        else:
            original_check = RecordCheck(path=original.path, offset=original.offset, ok=False)
            original_response = _verified_response(original_check, original.path, original.offset)
            check.problems.extend(f"original: {p}" for p in original_check.problems)
            response.body = original_response.body if original_response else b""
    check.sha256 = hashlib.sha256(response.body).hexdigest()
    if expected_sha256 and check.sha256 != expected_sha256:
        check.problems.append("sha256-mismatch")
    check.ok = not check.problems
    return check


def _verified_response(check: RecordCheck, path: str, offset: int) -> ArchivedResponse | None:
    """Read the record twice: once raw with warcio's digest checks, once decoded for its body.

    Problems go into ``check``; None when the record cannot be read at all.
    """
    if not os.path.exists(path):
        check.problems.append("missing-file")
        return None
    try:
        for _, record in _iter_records(path, offset, check_digests=True):
            check.record_type = record.rec_type
            while record.raw_stream.read(1 << 20):  # reading to the end runs the digest checks
                pass
            if record.digest_checker.passed is False:
                check.problems.extend(str(p) for p in record.digest_checker.problems)
            break
        else:
            check.problems.append("no-record")
            return None
        return read_record(path, offset)
    except WarcReadError as error:
        check.problems.append(f"unreadable: {error.__cause__ or error}")
    except Exception as error:  # corrupt gzip or header: a finding, not a crash
        check.problems.append(f"unreadable: {error}")
    return None


# ---------------------------------------------------------------- auditing a store


@dataclass
class AuditFinding:
    """One stored fetch re-checked against its WARC record."""

    fetch_id: int
    url: str
    status: str  # ok | mismatch | missing | unreadable | no-record
    problems: list[str] = field(default_factory=list)
    warc_path: str | None = None
    warc_offset: int | None = None

    def to_json(self) -> dict:
        return {"fetch_id": self.fetch_id, "url": self.url, "status": self.status,
                "problems": self.problems, "warc_path": self.warc_path, "warc_offset": self.warc_offset}


def audit_fetches(db, fetch_ids=None) -> list[AuditFinding]:
    """Re-read every stored body from its WARC record and compare digests.

    ``fetch_ids`` None means every fetch that produced a body. Missing files, flipped bytes
    and unreadable records are findings, never exceptions.
    """
    if "fetches" not in db.table_names():
        return []
    rows = db.query("select id, requested_url, final_url, sha256, warc_path, warc_offset from fetches "
                    "where sha256 is not null order by id")
    wanted = None if fetch_ids is None else set(fetch_ids)
    indexes: dict[str, ArchiveIndex] = {}
    findings = []
    for row in rows:
        if wanted is not None and row["id"] not in wanted:
            continue
        findings.append(_audit_row(row, indexes))
    return findings


def _audit_row(row: dict, indexes: dict) -> AuditFinding:
    finding = AuditFinding(fetch_id=row["id"], url=row["requested_url"], status="ok",
                           warc_path=row["warc_path"], warc_offset=row["warc_offset"])
    if not row["warc_path"] or row["warc_offset"] is None:
        finding.status, finding.problems = "no-record", ["no WARC record was kept for this fetch"]
        return finding
    folder = os.path.dirname(row["warc_path"])
    if folder not in indexes and os.path.isdir(folder):
        indexes[folder] = ArchiveIndex.for_folder(folder)  # only needed for revisits; built once per folder
    check = check_record(row["warc_path"], row["warc_offset"], row["sha256"], indexes.get(folder),
                         expected_url=row["final_url"])
    finding.problems = check.problems
    if check.ok:
        return finding
    if "missing-file" in check.problems:
        finding.status = "missing"
    elif any(p.startswith("unreadable") for p in check.problems):
        finding.status = "unreadable"
    else:
        finding.status = "mismatch"
    return finding


def fetch_ids_for_trace(db, trace_id: int) -> list[int] | None:
    """The fetches behind a trace's hops; None when there is no such trace."""
    if "traces" not in db.table_names() or not list(db.query("select id from traces where id = ?", [trace_id])):
        return None
    return [r["fetch_id"] for r in db.query(
        "select distinct fetch_id from hops where trace_id = ? and fetch_id is not null", [trace_id])]
