"""The corpus: web archives indexed for search, and the secondary sources of a claim in it.

``index_warcs`` (``tracer index``) reads every HTML response of any WARC file (tracer's
own, Common Crawl's, Heritrix's, wget's) into the store: the document and its metadata,
sentences, attributions and links, plus a contentless FTS5 index of the sentences.

* Work is cut into spans: a gzip-per-record WARC (the usual kind) is split into byte
  ranges that a worker reads on its own, resynchronising on the first record that starts
  in its range; an uncompressed or whole-file-gzip WARC is streamed by the parent, which
  hands batches of records to the workers. Workers (a process pool, or a Dask cluster)
  only parse; the single parent process writes SQLite, one transaction per span, in file
  order, so memory stays flat and a crash leaves a consistent database.
* Each span's transaction also moves the file's ``done_offset`` forward, so a rerun after
  kill -9 or Ctrl-C starts where the last committed span ended; a document already in the
  corpus (same URL and body digest, the store's document id) is never added twice.
* Bad input is counted, never fatal: revisit, request, metadata and warcinfo records,
  non-HTML bodies, undecodable content encodings, truncated gzip members (the reader
  skips to the next member) and broken files end up in ``IndexStats``.

``sources`` (``tracer sources``) answers "who carries this claim, whom do they cite, and how
many independent origins stand behind it": FTS candidate search, then the claim matcher on
the candidates only, each document's citation followed among stored pages (no network),
near-duplicates (wire copy, syndication: shingled text overlap) collapsed onto the copy
they repeat, documents grouped by origin.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
import zlib
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from sqlite_utils import Database

from .models import Attribution, ClaimMatch, Document, Link, Sentence
from .store import document_id, utcnow
from .warc import normalize_url, warc_files

DEFAULT_SPAN_BYTES = 8 * 1024 * 1024  # compressed bytes of WARC per unit of work
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # larger bodies are skipped (as the fetcher refuses them)
_BATCH_RECORDS = 400  # records per batch when the parent streams a file
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml")
_GZIP_MAGIC = b"\x1f\x8b\x08"


class CorpusError(Exception):
    """A corpus operation that cannot start (no such file, bad option)."""


# ---------------------------------------------------------------- records and pages


@dataclass
class RawRecord:
    """The parts of one WARC record a worker needs (picklable, unlike warcio's records)."""

    offset: int
    rec_type: str
    url: str
    date: str | None
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = None
    body: bytes | None = None  # entity body, Content-Encoding removed; None when not read
    payload_digest: str | None = None
    refers_to_uri: str | None = None
    skip: str | None = None  # why the record is not a page, decided before its body is read


@dataclass
class Page:
    """What parsing one record gave: a page, a redirect, a revisit, or a reason to skip it."""

    offset: int
    kind: str  # page | redirect | revisit | skip
    url: str = ""
    date: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    nbytes: int = 0
    sha256: str | None = None
    payload_digest: str | None = None
    location: str | None = None
    reason: str | None = None
    doc: Document | None = None
    attributions: list[Attribution] = field(default_factory=list)


@dataclass
class SpanResult:
    path: str
    pages: list[Page]
    errors: list[str] = field(default_factory=list)
    records: int = 0  # every record read, of any type
    # a record cut short at the end of the file (a crawler still writing it): the next run starts there
    resume_at: int | None = None


def _is_html_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in _HTML_TYPES or media.endswith("+html")


def _sniff_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")) or b"<html" in head or b"<body" in head


def _header_value(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def raw_record(record, offset: int, max_bytes: int = DEFAULT_MAX_BYTES) -> RawRecord:
    """Turn a warcio record into a RawRecord, reading the body only when it may be a page."""
    h = record.rec_headers
    url = (h.get_header("WARC-Target-URI") or "").strip().strip("<>")
    raw = RawRecord(
        offset=offset,
        rec_type=record.rec_type,
        url=url,
        date=h.get_header("WARC-Date"),
        payload_digest=h.get_header("WARC-Payload-Digest"),
        refers_to_uri=h.get_header("WARC-Refers-To-Target-URI"),
    )
    if record.rec_type not in ("response", "revisit", "resource"):
        raw.skip = f"record-{record.rec_type}"
        return raw
    if not url.startswith(("http://", "https://")):
        raw.skip = "not-http"
        return raw
    if record.rec_type == "resource":
        raw.status, raw.content_type = 200, h.get_header("Content-Type")
    else:
        http = record.http_headers
        if http is None:
            raw.skip = "no-http-headers"
            return raw
        try:
            raw.status = int(http.get_statuscode())
        except (TypeError, ValueError):
            raw.skip = "bad-status"
            return raw
        raw.headers = list(http.headers)
        raw.content_type = http.get_header("Content-Type")
    if record.rec_type == "revisit" or 300 <= raw.status < 400:
        return raw
    if not 200 <= raw.status < 300:
        raw.skip = "status"
        return raw
    if raw.content_type and not _is_html_type(raw.content_type):
        raw.skip = "not-html"
        return raw
    try:
        body = record.content_stream().read(max_bytes + 1)
    except Exception:  # noqa: BLE001 - a broken Content-Encoding or chunking: skip the record
        raw.skip = "bad-content-encoding"
        return raw
    if len(body) > max_bytes:
        raw.skip = "too-large"
        return raw
    encoding = (_header_value(raw.headers, "content-encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate", "br") and body[:2] == _GZIP_MAGIC[:2]:
        raw.skip = "bad-content-encoding"  # warcio hands back the raw bytes when decoding fails
        return raw
    if not raw.content_type and not _sniff_html(body):
        raw.skip = "not-html"
        return raw
    raw.body = body
    return raw


def parse_record(raw: RawRecord) -> Page:
    """Parse one record into a Page (this is the work done on the workers)."""
    from .extract import read_page
    from .fetch import decode_text

    page = Page(offset=raw.offset, kind="skip", url=raw.url, date=raw.date, status=raw.status,
                headers=_merge_headers(raw.headers), content_type=raw.content_type,
                payload_digest=raw.payload_digest, reason=raw.skip)
    if raw.skip:
        return page
    if raw.rec_type == "revisit":
        page.kind = "revisit"
        return page
    if raw.status is not None and 300 <= raw.status < 400:
        location = _header_value(raw.headers, "location")
        if not location:
            page.reason = "redirect-without-location"
            return page
        page.kind, page.location = "redirect", urljoin(raw.url, location.strip())
        return page
    body = raw.body or b""
    page.nbytes = len(body)
    page.sha256 = hashlib.sha256(body).hexdigest()
    try:
        text, _ = decode_text(body, raw.content_type or "text/html")
        if text is None:
            page.reason = "not-text"
            return page
        page.doc, page.attributions = read_page(text, raw.url)
    except Exception as error:  # noqa: BLE001 - one odd page never stops an index run
        page.reason = f"parse-error: {type(error).__name__}"
        return page
    page.kind = "page"
    return page


def _merge_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key, value in headers:
        name = key.lower()
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


# ---------------------------------------------------------------- reading WARC files


def warc_mode(path: str, probe_limit: int = 64 * 1024 * 1024) -> str:
    """How a WARC file is stored: ``member`` (gzip per record, seekable), ``gzip`` (one gzip
    stream for the whole file) or ``plain`` (uncompressed).

    A gzip file whose first member ends before the file does is read as members; one
    whose first member runs past ``probe_limit`` bytes of output (or to the end) is streamed.
    """
    with open(path, "rb") as f:
        if f.read(2) != _GZIP_MAGIC[:2]:
            return "plain"
        f.seek(0)
        inflater = zlib.decompressobj(31)
        produced = 0
        while produced < probe_limit:
            chunk = f.read(1 << 16)
            if not chunk:
                return "gzip"  # one member, the whole file
            try:
                produced += len(inflater.decompress(chunk, 1 << 20))
                while inflater.unconsumed_tail and not inflater.eof and produced < probe_limit:
                    produced += len(inflater.decompress(inflater.unconsumed_tail, 1 << 20))
            except zlib.error:
                return "member"  # a broken first member: read as members, skipping what is broken
            if inflater.eof:
                return "member" if inflater.unused_data or f.read(1) else "gzip"
    return "gzip"


def find_member_start(f, start: int, limit: int | None = None) -> int | None:
    """The offset of the first gzip member at or after ``start`` that holds a WARC record."""
    pos = start
    chunk_size = 1 << 16
    while limit is None or pos < limit:
        f.seek(pos)
        chunk = f.read(chunk_size + 2)
        if len(chunk) < 3:
            return None
        found = chunk.find(_GZIP_MAGIC)
        if found < 0 or found >= chunk_size:
            pos += chunk_size
            continue
        candidate = pos + found
        if _member_holds_warc(f, candidate):
            return candidate
        pos = candidate + 1
    return None


def _member_complete(f, offset: int) -> bool:
    """Does the gzip member at offset end properly (its trailer written)?"""
    f.seek(offset)
    inflater = zlib.decompressobj(31)
    while not inflater.eof:
        chunk = f.read(1 << 16)
        if not chunk:
            return False
        try:
            inflater.decompress(chunk, 1 << 16)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
        except zlib.error:
            return False
    return True


def _member_holds_warc(f, offset: int) -> bool:
    f.seek(offset)
    data = f.read(4096)
    try:
        out = zlib.decompressobj(31).decompress(data, 16)
    except zlib.error:
        return False
    return out.startswith((b"WARC/", b"filedesc://"))


def _records(stream, start: int) -> Iterator[tuple[Any, int]]:
    """(record, offset) from a stream positioned at a record start; stops on an unreadable record."""
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(stream)
    for record in iterator:
        yield record, iterator.offset


def parse_span(path: str, start: int, end: int, max_bytes: int = DEFAULT_MAX_BYTES) -> SpanResult:
    """Parse the records of a gzip-per-record WARC that start in [start, end).

    Runs on a worker: it opens the file itself, so only the parsed pages travel back.
    A truncated or corrupt member is skipped: reading resumes at the next member.
    """
    from warcio.archiveiterator import ArchiveIterator

    result = SpanResult(path=path, pages=[])
    with open(path, "rb") as f:
        pos = find_member_start(f, start, end)
        while pos is not None and pos < end:
            f.seek(pos)
            iterator = ArchiveIterator(f)
            last = None
            try:
                for record in iterator:
                    offset = iterator.offset  # where this record starts
                    if offset >= end:
                        return result
                    result.records += 1
                    result.pages.append(parse_record(raw_record(record, offset, max_bytes)))
                    last = offset
                if last is not None and not _member_complete(f, last):
                    # the file ends inside its last record (a crawler still writing it): leave it for later
                    result.pages = [page for page in result.pages if page.offset != last]
                    result.records -= 1
                    result.errors.append(f"{path}@{last}: the last record is cut short")
                    result.resume_at = last
                return result
            except Exception as error:  # noqa: BLE001 - corrupt gzip, truncated member, bad header
                bad = iterator.offset
                result.errors.append(f"{path}@{bad}: {type(error).__name__}: {str(error).strip()[:200]}")
                pos = find_member_start(f, bad + 1, end)
                if pos is None and end >= os.fstat(f.fileno()).st_size:
                    result.resume_at = bad
    return result


def parse_batch(path: str, records: list[RawRecord]) -> SpanResult:
    """Parse records the parent read from a file it streams (plain or whole-file gzip)."""
    return SpanResult(path=path, pages=[parse_record(r) for r in records], records=len(records))


# ---------------------------------------------------------------- writing


@contextmanager
def write_transaction(db: Database):
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE): a second writer on the
    same database (a crawl while an index runs) waits for it instead of failing half-way."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.execute("COMMIT")


class CorpusWriter:
    """Writes parsed pages into the store; the parent process is the only writer."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn = db.conn

    # -- one page

    def add_page(self, page: Page, warc_path: str | None) -> str:
        """Store one parsed page; returns what happened: added | duplicate | redirect | revisit-... | skip reason."""
        if page.kind == "redirect":
            self.add_redirect(page.url, page.location)
            return "redirect"
        if page.kind == "revisit":
            return self._add_revisit(page, warc_path)
        if page.kind != "page" or page.doc is None:
            return page.reason or "skipped"
        doc_id = document_id(page.doc.url, page.sha256)
        if self._in_corpus(doc_id):
            return "duplicate"
        fetch_id = None
        if not self._has_document(doc_id):
            fetch_id = self.conn.execute(
                "insert into fetches (requested_url, final_url, status, content_type, bytes, headers, redirects, "
                "fetched_at, sha256, warc_path, warc_offset, origin) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                (page.url, page.url, page.status, page.content_type, page.nbytes,
                 json.dumps(page.headers, ensure_ascii=False), "[]", _iso_date(page.date), page.sha256,
                 warc_path, page.offset if warc_path else None, "archive"),
            ).lastrowid
        self.add_document(page.doc, page.attributions, sha256=page.sha256, fetch_id=fetch_id,
                          payload_digest=page.payload_digest, captured=_iso_date(page.date), doc_id=doc_id)
        return "added"

    def _in_corpus(self, doc_id: str) -> bool:
        return self.conn.execute("select 1 from corpus_docs where document_id = ?", (doc_id,)).fetchone() is not None

    def _has_document(self, doc_id: str) -> bool:
        return self.conn.execute("select 1 from documents where id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: Document, attributions: list[Attribution], *, sha256: str | None,
                     fetch_id: int | None, payload_digest: str | None = None, captured: str | None = None,
                     doc_id: str | None = None) -> tuple[str, bool]:
        """Store a document (unless stored) and add it to the corpus; (document id, added?)."""
        doc_id = doc_id or document_id(doc.url, sha256)
        if self._in_corpus(doc_id):
            return doc_id, False
        conn = self.conn
        if not self._has_document(doc_id):
            conn.execute(
                "insert into documents (id, url, canonical, title, publisher, author, published, modified, lang, "
                "text, sha256, meta, fetch_id) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, doc.url, doc.canonical, doc.title, doc.publisher, doc.author, doc.published, doc.modified,
                 doc.lang, doc.text, sha256, json.dumps(doc.meta, ensure_ascii=False) if doc.meta is not None else None,
                 fetch_id),
            )
            conn.executemany(
                "insert into links (document_id, idx, href, text, start, [end]) values (?,?,?,?,?,?)",
                [(doc_id, i, l.href, l.text, l.start, l.end) for i, l in enumerate(doc.links)],
            )
            conn.executemany(
                "insert into attributions (document_id, idx, source_name, kind, source_spans, cue_spans, "
                "content_spans, cue, link, parent) values (?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, i, a.source_name, a.kind, json.dumps(a.source), json.dumps(a.cue), json.dumps(a.content),
                  " ".join(doc.text[s:e] for s, e in a.cue) or None, a.link, a.parent)
                 for i, a in enumerate(attributions)],
            )
        self._add_to_corpus(doc_id, doc.url, doc.canonical, doc.text, doc.sentences, payload_digest, captured)
        return doc_id, True

    def _add_to_corpus(self, doc_id: str, url: str, canonical: str | None, text: str,
                       sentences: list[Sentence], payload_digest: str | None, captured: str | None) -> int:
        # read inside the write transaction (write_transaction), so two writers never share ids
        first = self.conn.execute("select coalesce(max(id), 0) + 1 from sentences").fetchone()[0]
        corpus_id = self.conn.execute(
            "insert into corpus_docs (document_id, nurl, ncanonical, payload_digest, captured, first_sentence, "
            "n_sentences) values (?,?,?,?,?,?,?)",
            (doc_id, normalize_url(url), normalize_url(canonical) if canonical else None, payload_digest, captured,
             first, len(sentences)),
        ).lastrowid
        self.conn.executemany(
            "insert into sentences (id, doc, idx, start, [end], paragraph) values (?,?,?,?,?,?)",
            [(first + i, corpus_id, i, s.start, s.end, s.paragraph) for i, s in enumerate(sentences)],
        )
        self.conn.executemany(
            "insert into sentences_fts (rowid, text) values (?, ?)",
            [(first + i, text[s.start : s.end]) for i, s in enumerate(sentences)],
        )
        return corpus_id

    def add_redirect(self, url: str, location: str | None) -> None:
        if not location or normalize_url(url) == normalize_url(location):
            return
        self.conn.execute("insert or replace into corpus_redirects (nurl, location) values (?, ?)",
                          (normalize_url(url), location))

    def _add_revisit(self, page: Page, warc_path: str | None) -> str:
        """A revisit repeats a payload stored before: the same document under this URL."""
        row = self.conn.execute(
            "select c.document_id, d.sha256 from corpus_docs c join documents d on d.id = c.document_id "
            "where c.payload_digest = ? limit 1", (page.payload_digest,)
        ).fetchone() if page.payload_digest else None
        if row is None:
            return "revisit-original-missing"
        original_id, sha256 = row
        doc_id = document_id(page.url, sha256)
        if self._in_corpus(doc_id):
            return "duplicate"
        conn = self.conn
        if not self._has_document(doc_id):
            fetch_id = conn.execute(
                "insert into fetches (requested_url, final_url, status, content_type, bytes, headers, redirects, "
                "fetched_at, sha256, warc_path, warc_offset, origin) "
                "select ?, ?, ?, content_type, bytes, ?, '[]', ?, sha256, ?, ?, 'archive' from fetches "
                "where id = (select fetch_id from documents where id = ?)",
                (page.url, page.url, page.status, json.dumps(page.headers), _iso_date(page.date), warc_path,
                 page.offset, original_id),
            ).lastrowid
            conn.execute(
                "insert into documents (id, url, canonical, title, publisher, author, published, modified, lang, "
                "text, sha256, meta, fetch_id) select ?, ?, canonical, title, publisher, author, published, modified, "
                "lang, text, sha256, meta, ? from documents where id = ?",
                (doc_id, page.url, fetch_id or None, original_id),
            )
            conn.execute("insert into links select ?, idx, href, text, start, [end] from links where document_id = ?",
                         (doc_id, original_id))
            conn.execute(
                "insert into attributions (document_id, idx, source_name, kind, source_spans, cue_spans, "
                "content_spans, cue, link, parent) select ?, idx, source_name, kind, source_spans, cue_spans, "
                "content_spans, cue, link, parent from attributions where document_id = ?",
                (doc_id, original_id),
            )
        text, canonical = conn.execute("select text, canonical from documents where id = ?", (doc_id,)).fetchone()
        sentences = [Sentence(s, e, p) for s, e, p in conn.execute(
            "select s.start, s.[end], s.paragraph from sentences s join corpus_docs c on s.doc = c.id "
            "where c.document_id = ? order by s.idx", (original_id,))]
        self._add_to_corpus(doc_id, page.url, canonical, text or "", sentences, page.payload_digest,
                            _iso_date(page.date))
        return "added"


def _iso_date(warc_date: str | None) -> str | None:
    if not warc_date:
        return None
    return warc_date if warc_date.endswith("Z") or "+" in warc_date[10:] else warc_date + "Z"


def index_stored_documents(db: Database) -> int:
    """Add documents stored by traces (not by ``index``) to the corpus; returns how many."""
    from .sentences import split_paragraphs, split_sentences

    rows = db.execute(
        "select d.id, d.url, d.canonical, d.text, f.fetched_at from documents d left join fetches f on f.id = d.fetch_id "
        "where not exists (select 1 from corpus_docs c where c.document_id = d.id)"
    ).fetchall()
    if not rows:
        return 0
    writer = CorpusWriter(db)
    with write_transaction(db):
        for doc_id, url, canonical, text, fetched_at in rows:
            text = text or ""
            sentences = split_sentences(text, split_paragraphs(text))
            writer._add_to_corpus(doc_id, url, canonical, text, sentences, None, fetched_at)
    return len(rows)


# ---------------------------------------------------------------- the index run


@dataclass
class IndexStats:
    files: int = 0
    files_unchanged: int = 0
    records: int = 0
    documents: int = 0  # added to the corpus by this run
    duplicates: int = 0  # already in the corpus (same URL and digest)
    redirects: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    retried: int = 0  # spans a worker failed on, parsed again in this process
    seconds: float = 0.0

    def count(self, outcome: str) -> None:
        if outcome == "added":
            self.documents += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        elif outcome == "redirect":
            self.redirects += 1
        else:
            key = outcome.split(":", 1)[0]
            self.skipped[key] = self.skipped.get(key, 0) + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files, "files_unchanged": self.files_unchanged, "records": self.records,
            "documents": self.documents, "duplicates": self.duplicates, "redirects": self.redirects,
            "skipped": dict(sorted(self.skipped.items())), "errors": self.errors, "retried": self.retried,
            "seconds": round(self.seconds, 3),
            "pages_per_second": round(self.records / self.seconds, 1) if self.seconds else None,
        }

    def summary(self) -> str:
        skipped = sum(self.skipped.values())
        line = (f"{self.files} file(s), {self.records} records: {self.documents} documents added, "
                f"{self.duplicates} already indexed, {self.redirects} redirects, {skipped} other records skipped")
        if self.files_unchanged:
            line += f", {self.files_unchanged} file(s) unchanged since the last run"
        if self.errors:
            line += f", {len(self.errors)} unreadable stretch(es)"
        if self.retried:
            line += f", {self.retried} span(s) parsed again in this process after a worker failed"
        return line + f" in {self.seconds:.1f}s"


@dataclass
class _Task:
    path: str
    fn: Callable[..., SpanResult]
    args: tuple
    end: int  # the file's done_offset once this task is written
    last: bool  # the file is finished once this task is written
    progress_bytes: int = 0


class _InlineExecutor:
    """Runs each task at once in this process (``--workers 1``)."""

    def submit(self, fn, *args):
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as error:  # noqa: BLE001 - handed back through the future
            future.set_exception(error)
        return future

    def shutdown(self) -> None:
        pass


class _DaskExecutor:
    def __init__(self, client) -> None:
        self.client = client

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def shutdown(self) -> None:
        pass


class _Progress:
    """One line on stderr, rewritten in place; only when stderr is a terminal."""

    def __init__(self, total_bytes: int, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total = max(total_bytes, 1)
        self.done = 0
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, stats: IndexStats, done_bytes: int, force: bool = False) -> None:
        if not self.enabled:
            return
        self.done += done_bytes
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        rate = stats.records / max(now - self.started, 1e-6)
        pct = min(100.0, 100.0 * self.done / self.total)
        width = 24
        bar = "#" * int(width * pct / 100)
        sys.stderr.write(f"\rindex [{bar:<{width}}] {pct:5.1f}%  {stats.records} records  "
                         f"{stats.documents} added  {rate:.0f} rec/s ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def index_warcs(
    db: Database,
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    span_bytes: int = DEFAULT_SPAN_BYTES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool | None = None,
    connect_timeout: float = 20.0,
) -> IndexStats:
    """Index every HTML response record of the WARC files (folders are expanded).

    ``engine="local"`` parses on a process pool of ``workers`` processes (default: all
    cores; 1 parses in this process); ``engine="dask"`` parses on a Dask cluster (the one
    at ``scheduler``, or a ``client`` given, or a local one). Either way this process alone
    writes the database.
    """
    files = list(dict.fromkeys(str(Path(p).resolve()) for p in warc_files(paths)))
    for path in files:
        if not os.path.isfile(path):
            raise CorpusError(f"no such WARC file: {path}")
    stats = IndexStats()
    started = time.monotonic()
    executor, window, cleanup = _make_executor(engine, workers, scheduler, client, connect_timeout)
    db.execute("PRAGMA synchronous=NORMAL")
    writer = CorpusWriter(db)
    bar = _Progress(sum(os.path.getsize(p) for p in files), progress)
    try:
        pending: deque[tuple[_Task, Any]] = deque()
        for task in _tasks(db, files, stats, span_bytes, max_bytes):
            while len(pending) >= window:
                _write(db, writer, *pending.popleft(), stats, bar)
            try:
                future = executor.submit(task.fn, *task.args)
            except Exception as error:  # noqa: BLE001 - the pool is gone (a worker was killed): go on here
                stats.errors.append(f"parsing processes failed ({type(error).__name__}): parsing goes on in this process")
                cleanup()
                executor, window, cleanup = _InlineExecutor(), 1, lambda: None
                future = executor.submit(task.fn, *task.args)
            pending.append((task, future))
        while pending:
            _write(db, writer, *pending.popleft(), stats, bar)
    finally:
        bar.close()
        cleanup()
        stats.seconds = time.monotonic() - started
    return stats


def _make_executor(engine: str, workers: int | None, scheduler: str | None, client: Any, connect_timeout: float = 20.0):
    if engine == "dask":
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise CorpusError("the dask engine needs dask.distributed: pip install 'citation-tracer[dask]'") from None
        owned = []
        if client is None:
            if scheduler:
                try:
                    client = Client(scheduler, timeout=f"{connect_timeout}s")
                except (OSError, TimeoutError) as error:
                    raise CorpusError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
            else:
                cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
                client = Client(cluster)
                owned = [client, cluster]
            if scheduler:
                owned = [client]
        n = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()) or 1

        def close():
            for thing in owned:
                thing.close()

        return _DaskExecutor(client), max(4, 2 * n), close
    if engine != "local":
        raise CorpusError(f"unknown engine {engine!r} (local or dask)")
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        return _InlineExecutor(), 1, lambda: None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_watch_parent, initargs=(os.getpid(),))
    return pool, 2 * workers, lambda: pool.shutdown(wait=True, cancel_futures=True)


def _watch_parent(parent: int) -> None:
    """In each pool worker: exit when the parent is gone (killed with -9), instead of waiting forever."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="tracer-parent-watch", daemon=True).start()


def _tasks(db: Database, files: list[str], stats: IndexStats, span_bytes: int, max_bytes: int) -> Iterator[_Task]:
    for path in files:
        stats.files += 1
        real = str(Path(path).resolve())
        size, mtime = os.path.getsize(path), os.path.getmtime(path)
        try:
            mode = warc_mode(path)
        except OSError as error:
            stats.errors.append(f"{path}: {error}")
            continue
        row = db.execute("select size, mode, done_offset, finished_at from corpus_files where path = ?",
                         (real,)).fetchone()
        start = 0
        if row is not None:
            old_size, old_mode, done, finished = row
            if finished and old_size == size and old_mode == mode:
                stats.files_unchanged += 1
                continue
            if old_mode == mode and size >= (old_size or 0):
                start = done  # a killed run, or a file that grew (an appending crawler)
        with write_transaction(db):
            db.execute(
                "insert into corpus_files (path, size, mtime, mode, done_offset, started_at) values (?,?,?,?,?,?) "
                "on conflict(path) do update set size = excluded.size, mtime = excluded.mtime, mode = excluded.mode, "
                "done_offset = ?, finished_at = null",
                (real, size, mtime, mode, start, utcnow(), start),
            )
        if mode == "member":
            yield from _span_tasks(real, start, size, span_bytes, max_bytes)
        else:
            yield from _stream_tasks(real, mode, start, size, span_bytes, max_bytes, stats)


def _span_tasks(path: str, start: int, size: int, span_bytes: int, max_bytes: int) -> Iterator[_Task]:
    if start >= size:
        yield _Task(path, parse_batch, (path, []), size, True)
        return
    pos = start
    while pos < size:
        end = min(size, pos + span_bytes)
        yield _Task(path, parse_span, (path, pos, end, max_bytes), end, end >= size, end - pos)
        pos = end


def _stream_tasks(path: str, mode: str, start: int, size: int, span_bytes: int, max_bytes: int,
                  stats: IndexStats) -> Iterator[_Task]:
    """The parent reads a file that cannot be split and hands its records out in batches."""
    opener = gzip.open if mode == "gzip" else open
    batch: list[RawRecord] = []
    batch_bytes = 0
    with opener(path, "rb") as stream:
        try:
            stream.seek(start)
            for record, offset in _records(stream, start):
                if batch and (len(batch) >= _BATCH_RECORDS or batch_bytes >= span_bytes):
                    yield _Task(path, parse_batch, (path, batch), offset, False)
                    batch, batch_bytes = [], 0
                raw = raw_record(record, offset, max_bytes)
                batch.append(raw)
                batch_bytes += len(raw.body or b"")
        except Exception as error:  # noqa: BLE001 - a truncated or corrupt tail: keep what came before
            stats.errors.append(f"{path}: {type(error).__name__}: {str(error).strip()[:200]}")
    yield _Task(path, parse_batch, (path, batch), size, True, size - start)


def _write(db: Database, writer: CorpusWriter, task: _Task, future: Any, stats: IndexStats, bar: _Progress) -> None:
    try:
        result: SpanResult = future.result()
    except Exception:  # noqa: BLE001 - a worker that died (killed, out of memory): parse the span here
        stats.retried += 1
        try:
            result = task.fn(*task.args)
        except Exception as error:  # noqa: BLE001 - it fails here too: record it, go on with the next span
            result = SpanResult(path=task.path, pages=[],
                                errors=[f"{task.path}: span {task.args[1:3]} unreadable: {type(error).__name__}: {error}"])
    added = 0
    with write_transaction(db):
        for page in result.pages:
            outcome = writer.add_page(page, task.path)
            stats.count(outcome)
            added += outcome == "added"
        stats.records += result.records
        stats.errors.extend(result.errors)
        db.execute(
            "update corpus_files set done_offset = ?, records = records + ?, documents = documents + ?, "
            "errors = case when ? = '' then errors else coalesce(errors || char(10), '') || ? end, "
            "finished_at = ? where path = ?",
            (task.end if result.resume_at is None else result.resume_at, result.records, added,
             "\n".join(result.errors), "\n".join(result.errors),
             utcnow() if task.last and result.resume_at is None else None, task.path),
        )
    bar.update(stats, task.progress_bytes)


# ---------------------------------------------------------------- candidate search

_TOKEN = re.compile(r"[^\W_]+")
_MAX_HITS = 4000  # sentences taken from the FTS ranking
_MAX_CANDIDATES = 1500  # documents the matcher looks at
_MAX_MISSES = 150  # ... stopping after this many in a row that do not carry the claim
_RARE_GROUPS = 5  # a candidate sentence has two (three, first) of the claim's five rarest terms
_DF_CAP = 20000
_RANK_ALL = 40000  # fewer sentences than this with two rare terms: rank them all by bm25
_IRREGULAR = {
    "stole": ("steal", "stolen", "stealing"), "stolen": ("steal", "stole"), "steal": ("stole", "stolen"),
    "fell": ("fall", "fallen", "falling", "drop", "dropped"), "fall": ("fell", "fallen"),
    "rose": ("rise", "risen", "rising"), "rise": ("rose", "risen"), "paid": ("pay",), "sold": ("sell",),
    "bought": ("buy",), "took": ("take", "taken"), "won": ("win",), "lost": ("lose",), "hacked": ("hack",),
    "killed": ("kill", "died", "dead"), "percent": ("per cent", "pct"),
    "billion": ("bn", "bln"), "million": ("mn", "mln", "m"), "trillion": ("tn",),
    "cryptocurrency": ("crypto",), "cryptocurrencies": ("crypto", "cryptocurrency"), "crypto": ("cryptocurrency",),
}


def _match_tables():
    from . import match

    aliases = getattr(match, "_ALIASES", {})
    stopwords = getattr(match, "_STOPWORDS", frozenset())
    return aliases, stopwords


def _phrase(text: str) -> str:
    tokens = _TOKEN.findall(text.lower())
    return '"' + " ".join(tokens) + '"' if tokens else ""


def claim_query_groups(claim: str) -> list[list[str]]:
    """The claim's terms as FTS5 alternatives: [["\"north korea\"", "\"dprk\"", ...], ["\"billion\"", "\"bn\""], ...]."""
    return [group for group, _ in _claim_groups(claim)]


def _claim_groups(claim: str) -> list[tuple[list[str], float]]:
    """The claim's terms as groups of alternatives, each with the weight the matcher gives it
    (names 2, figures 2.5, other words 1)."""
    aliases, stopwords = _match_tables()
    lowered = claim.lower()
    used: set[str] = set()
    groups: list[tuple[list[str], float]] = []
    by_canonical: dict[str, set[str]] = {}
    for alias, canonical in aliases.items():
        by_canonical.setdefault(canonical, set()).add(alias)
    for canonical, names in by_canonical.items():
        canonical_tokens = _TOKEN.findall(canonical)
        present = re.search(rf"\b{re.escape(canonical)}\b", lowered) is not None
        alias_hits = [a for a in names if re.search(rf"(?<![\w.]){re.escape(a)}(?![\w])", claim if len(a) <= 4 else lowered,
                                                    0 if len(a) <= 4 else re.I) and (len(a) > 4 or a.upper() in claim)]
        if present or alias_hits:
            alternatives = {_phrase(canonical)} | {_phrase(a) for a in names}
            groups.append((sorted(a for a in alternatives if a), 2.0 * len(canonical_tokens)))
            used.update(canonical_tokens)
            for a in alias_hits:
                used.update(_TOKEN.findall(a))
    for i, m in enumerate(_TOKEN.finditer(claim)):
        token = m.group(0)
        word = token.lower()
        if word in used or word in stopwords or (len(word) < 2 and not word.isdigit()):
            continue
        used.add(word)
        alternatives = {_phrase(word)} | {_phrase(a) for a in _IRREGULAR.get(word, ())}
        weight = 2.5 if word.isdigit() else 2.0 if token[0].isupper() and (i > 0 or token.isupper()) else 1.0
        groups.append((sorted(a for a in alternatives if a), weight))
    return groups


def _group_expr(group: list[str]) -> str:
    return group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")"


def candidate_sentences(db: Database, claim: str, *, max_hits: int = _MAX_HITS) -> list[int]:
    """Sentence ids (FTS rowids) most likely to carry the claim, best first."""
    return _candidate_sentences(db, claim, max_hits)[0]


def _candidate_sentences(db: Database, claim: str, max_hits: int = _MAX_HITS) -> tuple[list[int], int]:
    """(sentence ids, how many of them, from the start, are ranked by bm25; the rest are not)."""
    groups = claim_query_groups(claim)
    if not groups:
        return [], 0
    counted = []
    for group in groups:
        expr = _group_expr(group)
        try:
            df = db.execute(
                f"select count(*) from (select 1 from sentences_fts where sentences_fts match ? limit {_DF_CAP})",
                [expr]).fetchone()[0]
        except Exception:  # noqa: BLE001 - a term FTS5 cannot parse is left out
            continue
        if df:
            counted.append((df, expr))
    if not counted:
        return [], 0
    counted.sort()
    rare = [expr for _, expr in counted[:_RARE_GROUPS]]
    pairs = rare[0] if len(rare) == 1 else _any_of(rare, 2)
    few = len(rare) <= 3 or db.execute(
        f"select count(*) from (select 1 from sentences_fts where sentences_fts match ? limit {_RANK_ALL})",
        [pairs]).fetchone()[0] < _RANK_ALL
    if few:  # ranking every sentence with two of the rare terms is cheap: rank them all
        query = pairs
        ranked = [r[0] for r in db.execute(
            "select rowid from sentences_fts where sentences_fts match ? order by rank limit ?", [query, max_hits])]
        return ranked, len(ranked)
    # Sentences with three of the rarest terms, best first (bm25); then, unranked, those with two:
    # ranking every sentence that has two common terms is what costs time in a large corpus.
    found = [r[0] for r in db.execute(
        "select rowid from sentences_fts where sentences_fts match ? order by rank limit ?", [_any_of(rare, 3), max_hits])]
    n_ranked = len(found)
    if len(found) < max_hits:
        seen = set(found)
        for (rowid,) in db.execute("select rowid from sentences_fts where sentences_fts match ? limit ?",
                                   [_any_of(rare, 2), max_hits]):
            if rowid not in seen:
                found.append(rowid)
                if len(found) >= max_hits:
                    break
    return found, n_ranked


def _any_of(exprs: list[str], k: int) -> str:
    """An FTS5 query for rows that have at least k of the expressions."""
    from itertools import combinations

    return " OR ".join("(" + " AND ".join(c) + ")" for c in combinations(exprs, k))


def claim_candidates(db: Database, claim: str, *, limit: int = _MAX_CANDIDATES) -> list[str]:
    """``documents.id`` of stored pages likely to carry the claim, best first, from the
    full-text index (pages stored by traces join the corpus first).

    For scans over the documents table (``resolve.lookup_source``): match only these
    instead of every page; an empty list means no page has enough of the claim's terms.
    """
    _catch_up(db)
    hits = candidate_sentences(db, claim)
    ordered: dict[str, None] = {}
    for start in range(0, len(hits), 900):
        chunk = hits[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rank = {sid: i for i, sid in enumerate(chunk)}
        rows = db.execute(f"select s.id, c.document_id from sentences s join corpus_docs c on c.id = s.doc "
                          f"where s.id in ({marks})", chunk).fetchall()
        for _, doc_id in sorted(rows, key=lambda r: rank[r[0]]):
            ordered.setdefault(doc_id, None)
        if len(ordered) >= limit:
            break
    return list(ordered)[:limit]


# ---------------------------------------------------------------- documents read back


@dataclass
class StoredDoc:
    """A corpus document read back from the store, with what sources() found in it."""

    cid: int
    document_id: str
    url: str
    title: str | None
    publisher: str | None
    published: str | None
    captured: str | None
    text: str
    first_sentence: int
    n_sentences: int
    canonical: str | None = None
    document: Document | None = None
    attributions: list[Attribution] | None = None
    matches: list[ClaimMatch] = field(default_factory=list)
    citation: Any = None
    cites: list[dict[str, Any]] = field(default_factory=list)
    copy_of: int | None = None

    @property
    def date(self) -> str:
        return (self.published or self.captured or "")[:19]


_DOC_COLUMNS = ("c.id, c.document_id, d.url, d.title, d.publisher, d.published, c.captured, d.text, "
                "c.first_sentence, c.n_sentences, d.canonical")


def _stored_docs(db: Database, cids: Iterable[int]) -> dict[int, StoredDoc]:
    cids = list(cids)
    docs: dict[int, StoredDoc] = {}
    for i in range(0, len(cids), 500):
        chunk = cids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"select {_DOC_COLUMNS} from corpus_docs c join documents d on d.id = c.document_id "
                              f"where c.id in ({marks})", chunk):
            docs[row[0]] = StoredDoc(*row[:7], row[7] or "", row[8] or 0, row[9] or 0, row[10])
    return docs


def _sentences_of(db: Database, doc: StoredDoc) -> list[Sentence]:
    if not doc.n_sentences:
        return []
    rows = db.execute("select start, [end], paragraph from sentences where id between ? and ? order by id",
                      [doc.first_sentence, doc.first_sentence + doc.n_sentences - 1]).fetchall()
    return [Sentence(s, e, p) for s, e, p in rows]


def _load_document(db: Database, doc: StoredDoc, sentences: list[Sentence] | None = None) -> Document:
    """The Document (text, sentences, paragraphs, links) and attributions, as read when indexed."""
    if doc.document is not None:
        return doc.document
    sentences = sentences if sentences is not None else _sentences_of(db, doc)
    paragraphs: dict[int, tuple[int, int]] = {}
    for s in sentences:
        lo, hi = paragraphs.get(s.paragraph, (s.start, s.end))
        paragraphs[s.paragraph] = (min(lo, s.start), max(hi, s.end))
    links = [Link(h, t or "", s, e) for h, t, s, e in db.execute(
        "select href, text, start, [end] from links where document_id = ? order by idx", [doc.document_id])]
    doc.document = Document(url=doc.url, text=doc.text, sentences=sentences,
                            paragraphs=[paragraphs[k] for k in sorted(paragraphs)], links=links, title=doc.title,
                            publisher=doc.publisher, published=doc.published, canonical=doc.canonical)
    spans = lambda value: [tuple(s) for s in json.loads(value or "[]")]  # noqa: E731
    doc.attributions = [
        Attribution(source=spans(src), cue=spans(cue), content=spans(content), source_name=name, kind=kind or "unknown",
                    link=link, parent=parent)
        for name, kind, src, cue, content, link, parent in db.execute(
            "select source_name, kind, source_spans, cue_spans, content_spans, link, parent from attributions "
            "where document_id = ? order by idx", [doc.document_id])
    ]
    return doc.document


# ---------------------------------------------------------------- matching


def _keys(text: str) -> set[str]:
    return {t[:5] for t in _TOKEN.findall(text.lower())}


class ClaimScorer:
    """The claim matcher (tracer.match) made cheap enough for thousands of candidates.

    A sentence is scored by the matcher only when a rough score (the share of the
    claim's weighted terms among its words, by 5-letter prefix) comes near the
    threshold; scores are cached by text, so wire copies are scored once.
    """

    GATE = 0.6  # rough score needed, as a share of the threshold

    def __init__(self, claim: str, threshold: float) -> None:
        from .match import _terms

        self.terms = _terms(claim)
        self.threshold = threshold
        self.groups = [(weight, [tuple(t[:5] for t in _TOKEN.findall(alt.lower())) for alt in alts])
                       for alts, weight in _claim_groups(claim)]
        self.total = sum(w for w, _ in self.groups) or 1.0
        self.numbers = any(w == 2.5 for w, _ in self.groups)
        # one-word alternatives by key (most of them), phrases checked one by one
        self.single: dict[str, set[int]] = {}
        self.phrases: list[tuple[int, tuple[str, ...]]] = []
        for g, (weight, alts) in enumerate(self.groups):
            if weight == 2.5:
                continue  # figures: any figure counts (below)
            for alt in alts:
                if len(alt) == 1:
                    self.single.setdefault(alt[0], set()).add(g)
                elif alt:
                    self.phrases.append((g, alt))
        self.figure_weight = sum(w for w, _ in self.groups if w == 2.5)
        self.cache: dict[str, float] = {}

    def rough(self, keys: set[str]) -> float:
        present: set[int] = set()
        any_figure = False
        for k in keys:
            groups = self.single.get(k)
            if groups:
                present |= groups
            elif not any_figure and k[:1].isdigit():
                any_figure = True
        for g, alt in self.phrases:
            if g not in present and all(k in keys for k in alt):
                present.add(g)
        # the matcher credits a drifted figure too, so any figure counts for the claim's figures
        got = sum(self.groups[g][0] for g in present) + (self.figure_weight if any_figure else 0.0)
        score = got / self.total
        return score * 0.6 if self.numbers and not any_figure else score

    def score(self, text: str) -> float:
        value = self.cache.get(text)
        if value is None:
            from .match import score_text

            value = self.cache[text] = score_text(self.terms, text)
        return value

    def matches(self, doc: Document, indices: Iterable[int] | None = None, limit: int = 3) -> list[ClaimMatch]:
        """find_claim, over some sentences only (those the search hit and their neighbours) or all."""
        from .match import _PAIR_PENALTY

        sentences = doc.sentences
        if indices is None:
            wanted = range(len(sentences))
        else:
            wanted = sorted({j for i in indices for j in (i - 1, i, i + 1) if 0 <= j < len(sentences)})
        gate = self.threshold * self.GATE
        keys: dict[int, set[str]] = {}

        def keys_of(i: int) -> set[str]:
            if i not in keys:
                s = sentences[i]
                keys[i] = _keys(doc.text[s.start : s.end])
            return keys[i]

        candidates: list[ClaimMatch] = []
        for i in wanted:
            s = sentences[i]
            if s is None:  # a probe reads only the sentences around the search hits
                continue
            text = doc.text[s.start : s.end]
            rough = self.rough(keys_of(i))
            single = self.score(text) if rough >= gate else 0.0
            if rough >= gate:
                candidates.append(ClaimMatch(i, s.start, s.end, text, single))
            if i + 1 < len(sentences) and sentences[i + 1] is not None and sentences[i + 1].paragraph == s.paragraph:
                pair_rough = self.rough(keys_of(i) | keys_of(i + 1))
                if pair_rough >= gate and pair_rough > rough:
                    nxt = sentences[i + 1]
                    pair_score = self.score(doc.text[s.start : nxt.end]) * _PAIR_PENALTY
                    if pair_score > single + 0.1:
                        candidates.append(ClaimMatch(i, s.start, nxt.end, doc.text[s.start : nxt.end], pair_score))
        candidates.sort(key=lambda m: (-m.score, m.start))
        return [m for m in candidates if m.score >= self.threshold][:limit]


# ---------------------------------------------------------------- near-duplicates

_SHINGLE = 5
COPY_CONTAINMENT = 0.6  # share of the shorter text's 5-word shingles found in the other


def _stable_hash(words: list[str]) -> int:
    # not hash(): it is salted per process, and the "0 mod 4" sample below must be
    # the same in every run, or which pages count as copies would change from run to run
    return zlib.crc32(" ".join(words).encode("utf-8"))


def shingles(text: str, size: int = _SHINGLE) -> set[int]:
    words = _TOKEN.findall(text.lower())
    if len(words) < size:
        return {_stable_hash(words)} if words else set()
    return {_stable_hash(words[i : i + size]) for i in range(len(words) - size + 1)}


def near_duplicate_groups(texts: dict[int, str], threshold: float = COPY_CONTAINMENT) -> list[set[int]]:
    """Groups of texts that repeat one another (containment of shingles >= threshold).

    Identical texts are grouped first; the others are compared on a fixed quarter of
    their shingles (those whose hash is 0 mod 4), which estimates the containment
    with a quarter of the work.
    """
    same: dict[int, list[int]] = {}
    for k, t in texts.items():
        same.setdefault(hash(" ".join(_TOKEN.findall(t.lower()))), []).append(k)
    sets: dict[int, set[int]] = {}
    for ks in same.values():
        full = shingles(texts[ks[0]])
        sample = {h for h in full if h % 4 == 0}
        sets[ks[0]] = sample if len(sample) >= 8 else full
    postings: dict[int, list[int]] = {}
    for k, sh in sets.items():
        for h in sh:
            postings.setdefault(h, []).append(k)
    overlap: dict[tuple[int, int], int] = {}
    for ks in postings.values():
        if len(ks) < 2 or len(ks) > 2000:
            continue
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                overlap[(a, b)] = overlap.get((a, b), 0) + 1
    parent = {k: k for k in sets}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for (a, b), shared in overlap.items():
        smaller = min(len(sets[a]), len(sets[b]))
        if smaller >= 4 and shared / smaller >= threshold:
            parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for ks in same.values():
        groups.setdefault(find(ks[0]), set()).update(ks)
    return [g for g in groups.values() if len(g) > 1]


# ---------------------------------------------------------------- sources


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _name_key(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


class _Sources:
    MAX_HOPS = 8

    def __init__(self, db: Database, claim: str, threshold: float) -> None:
        self.db = db
        self.claim = claim
        self.scorer = ClaimScorer(claim, threshold)
        self._by_name: dict[str, list[StoredDoc]] = {}
        self._labels: dict[str, list[StoredDoc]] | None = None
        self.search_info: dict[str, Any] = {"hits": 0, "candidates": 0, "read": 0, "limited": False}
        self.docs: dict[int, StoredDoc] = {}  # every document looked at, matched or not
        self.matched: dict[int, StoredDoc] = {}
        self.origins: dict[int, dict[str, Any]] = {}
        self.chains: dict[int, list[str]] = {}

    # -- finding the documents that carry the claim

    def search(self) -> None:
        hits, n_ranked = _candidate_sentences(self.db, self.claim)
        rank = {sid: i for i, sid in enumerate(hits)}
        wanted = sorted({j for sid in hits for j in (sid - 1, sid, sid + 1)})
        near: dict[int, dict[int, Sentence]] = {}  # doc -> idx -> sentence, for the hits and their neighbours
        best: dict[int, int] = {}  # doc -> rank of its best hit
        hit_idx: dict[int, list[int]] = {}
        for chunk_start in range(0, len(wanted), 900):
            chunk = wanted[chunk_start : chunk_start + 900]
            marks = ",".join("?" * len(chunk))
            for sid, cid, idx, start, end, para in self.db.execute(
                    f"select id, doc, idx, start, [end], paragraph from sentences where id in ({marks})", chunk):
                near.setdefault(cid, {})[idx] = Sentence(start, end, para)
                if sid in rank:
                    best[cid] = min(best.get(cid, rank[sid]), rank[sid])
                    hit_idx.setdefault(cid, []).append(idx)
        order = sorted(best, key=best.get)
        self.search_info = {"hits": len(hits), "candidates": len(order), "read": 0,
                            "limited": len(hits) >= _MAX_HITS or len(order) > _MAX_CANDIDATES}
        order = order[:_MAX_CANDIDATES]
        self.docs.update(_stored_docs(self.db, order))
        misses = 0
        for cid in order:
            doc = self.docs.get(cid)
            if doc is None:
                continue
            # among the ranked candidates (best first), stop once a long run of them carries nothing;
            # the unranked ones (two rare terms only) are all read, up to the limit
            if misses >= _MAX_MISSES and best[cid] < n_ranked:
                continue
            self.search_info["read"] += 1
            sparse: list[Sentence | None] = [None] * doc.n_sentences
            for idx, sentence in near[cid].items():
                if idx < doc.n_sentences:
                    sparse[idx] = sentence
            probe = Document(url=doc.url, text=doc.text, sentences=sparse)  # type: ignore[arg-type]
            if not self.scorer.matches(probe, hit_idx[cid], limit=1):
                misses += 1
                continue
            misses = 0
            _load_document(self.db, doc)
            doc.matches = self.scorer.matches(doc.document)
            if doc.matches:
                self._cite(doc)
                self.matched[cid] = doc

    def _cite(self, doc: StoredDoc) -> None:
        """Whom the page cites for the claim: the citation a trace would follow, then any branches."""
        from . import resolve

        if hasattr(resolve, "citations_for_claim"):
            citations = [c.citation for c in resolve.citations_for_claim(doc.document, doc.attributions, doc.matches)]
        else:  # an older resolve: the main citation only
            citations = [c for c in [resolve.choose_citation(doc.document, doc.attributions, doc.matches)] if c]
        doc.citation = citations[0] if citations else None
        doc.cites = [{"source": c.source, "url": c.link, "kind": c.kind, "cue": c.cue} for c in citations]

    # -- following citations among stored documents

    def by_url(self, url: str) -> StoredDoc | None:
        nurl = normalize_url(url)
        for _ in range(5):  # through recorded redirects
            row = self.db.execute("select id from corpus_docs where nurl = ? order by id limit 1", [nurl]).fetchone()
            if row is None:
                row = self.db.execute("select id from corpus_docs where ncanonical = ? order by id limit 1",
                                      [nurl]).fetchone()
            if row is not None:
                return self._doc(row[0])
            nxt = self.db.execute("select location from corpus_redirects where nurl = ?", [nurl]).fetchone()
            if nxt is None:
                return None
            nurl = normalize_url(nxt[0])
        return None

    def _doc(self, cid: int) -> StoredDoc | None:
        if cid not in self.docs:
            self.docs.update(_stored_docs(self.db, [cid]))
        doc = self.docs.get(cid)
        if doc is not None and doc.document is None:
            _load_document(self.db, doc)
            doc.matches = self.scorer.matches(doc.document)
            if doc.matches:
                self._cite(doc)
                self.matched[cid] = doc
                self._labels, self._by_name = None, {}
        return doc

    def by_name(self, name: str | None, citing: StoredDoc) -> StoredDoc | None:
        """A document carrying the claim that the named source published (an unlinked citation)."""
        if not name:
            return None
        found = [d for d in self._published_by(name) if d.cid != citing.cid]
        if not found:
            return None
        # the source's own report: the earliest, preferring one that cites nobody for the claim
        return min(found, key=lambda d: (d.citation is not None, d.date or "9999", d.cid))

    def _published_by(self, name: str) -> list[StoredDoc]:
        """Matched documents whose publisher is the name, or whose domain belongs to it (as
        resolve.domain_matches_source decides, with each domain worked out once)."""
        from .resolve import registered_domain

        if name in self._by_name:
            return self._by_name[name]
        if self._labels is None:
            self._labels = {}
            for d in self.matched.values():
                domain = registered_domain(d.url) or ""
                self._labels.setdefault(_name_key(domain.split(".")[0]), []).append(d)
        key = _name_key(name)
        words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in {"the", "a", "an", "of"}]
        word_key = _name_key("".join(words))
        initials = "".join(w[0] for w in words).lower()
        word_keys = {_name_key(w) for w in words if len(w) > 3}
        found = {d.cid: d for d in self.matched.values() if key and _name_key(d.publisher) == key}
        for label, docs in self._labels.items():
            if label and word_key and (label in word_key or word_key in label or label == initials or label in word_keys):
                found.update((d.cid, d) for d in docs)
        self._by_name[name] = list(found.values())
        return self._by_name[name]

    def origin(self, doc: StoredDoc, visiting: frozenset[int] = frozenset()) -> tuple[dict[str, Any], list[str]]:
        if doc.cid in self.origins:
            return self.origins[doc.cid], self.chains[doc.cid]
        if doc.copy_of is not None and doc.copy_of not in visiting:
            origin, chain = self.origin(self.matched[doc.copy_of], visiting | {doc.cid})
            chain = [doc.url] + chain
        else:
            origin, chain = self._follow(doc, visiting | {doc.cid})
        if not visiting:
            self.origins[doc.cid], self.chains[doc.cid] = origin, chain
        return origin, chain

    def _follow(self, doc: StoredDoc, visiting: frozenset[int]) -> tuple[dict[str, Any], list[str]]:
        citation = doc.citation
        here = [doc.url]
        own = {"name": doc.publisher or _host(doc.url), "url": doc.url, "kind": "outlet"}
        if citation is None:
            return {**own, "reason": "no-further-attribution"}, here
        if citation.kind == "anonymous":
            return {"name": citation.source, "url": None, "kind": "anonymous", "reason": "anonymous-source",
                    "_key": f"anonymous:{doc.url}"}, here
        if len(visiting) > self.MAX_HOPS:
            return {**own, "reason": "max-hops"}, here
        target = self.by_url(citation.link) if citation.link else self.by_name(citation.source, doc)
        if target is None:
            reason = "not-in-corpus" if citation.link else "unlinked-source"
            return {"name": citation.source, "url": citation.link, "kind": citation.kind, "reason": reason}, here
        if target.cid in visiting:
            return {"name": citation.source, "url": target.url, "kind": citation.kind, "reason": "loop"}, here
        if not target.matches:
            return {"name": citation.source or target.publisher, "url": target.url, "kind": citation.kind,
                    "reason": "claim-not-found"}, here + [target.url]
        origin, chain = self.origin(target, visiting)
        return origin, here + chain

    # -- the answer

    def collapse_copies(self) -> None:
        texts = {cid: d.text for cid, d in self.matched.items()}
        for group in near_duplicate_groups(texts):
            docs = sorted((self.matched[c] for c in group), key=lambda d: (d.date or "9999", d.citation is not None, d.cid))
            for d in docs[1:]:
                d.copy_of = docs[0].cid

    def result(self) -> dict[str, Any]:
        groups: dict[str, dict[str, Any]] = {}
        entries = []
        for doc in sorted(self.matched.values(), key=lambda d: (d.copy_of is not None, d.date or "9999", d.cid)):
            origin, chain = self.origin(doc)
            key = origin.get("_key") or (normalize_url(origin["url"]) if origin.get("url") else f"name:{_name_key(origin['name'])}")
            public = {k: v for k, v in origin.items() if not k.startswith("_")}
            group = groups.setdefault(key, {**public, "documents": []})
            group["documents"].append(doc.url)
            best = doc.matches[0]
            entries.append((key, {
                "url": doc.url,
                "publisher": doc.publisher,
                "published": doc.published,
                "title": doc.title,
                "evidence": best.text,
                "match_score": round(best.score, 3),
                "cites": doc.cites,
                "origin": public,
                "chain": chain,
                "copy_of": self.matched[doc.copy_of].url if doc.copy_of is not None else None,
            }))
        origins = sorted(groups.values(), key=lambda g: (-len(g["documents"]), g["name"] or ""))
        rank = {id(g): i for i, g in enumerate(origins)}
        entries.sort(key=lambda e: rank[id(groups[e[0]])])
        documents = [e for _, e in entries]
        return {
            "claim": self.claim,
            "documents": documents,
            "origins": origins,
            "independent_origins": len(origins),
            "copies": sum(1 for d in documents if d["copy_of"]),
            # how far the search went: sentences hit, candidate pages, pages read by the matcher, and
            # whether the hit or candidate limit was reached (then more pages may carry the claim)
            "search": self.search_info,
        }


def sources(db: Database, claim: str, *, threshold: float | None = None) -> dict[str, Any]:
    """Every corpus document that carries the claim, whom it cites, and the origins behind them.

    Answers from stored pages only (no network). See the module docstring for the JSON.
    """
    from .match import MATCH_THRESHOLD

    if not claim or not claim.strip():
        raise CorpusError("the claim is empty")
    _catch_up(db)
    finder = _Sources(db, claim.strip(), MATCH_THRESHOLD if threshold is None else threshold)
    finder.search()
    finder.collapse_copies()
    return finder.result()


def _catch_up(db: Database) -> None:
    """Documents stored by traces join the corpus before a search."""
    stored = db.execute("select count(*) from documents").fetchone()[0]
    indexed = db.execute("select count(*) from corpus_docs").fetchone()[0]
    if stored != indexed:
        try:
            index_stored_documents(db)
        except sqlite3.OperationalError:
            pass  # another process holds the write lock (an index run): search what is indexed


def format_sources_text(result: dict[str, Any]) -> str:
    lines = [f"Claim: {result['claim']}"]
    n_docs = len(result["documents"])
    if not n_docs:
        lines.append("No stored document carries this claim.")
        return "\n".join(lines)
    copies = result.get("copies", 0)
    lines.append(f"{n_docs} document(s) carry it; {result['independent_origins']} independent origin(s)"
                 + (f"; {copies} near-duplicate cop{'y' if copies == 1 else 'ies'} collapsed" if copies else ""))
    search = result.get("search") or {}
    if search.get("limited"):
        lines.append(f"(the search reached its limit at {search.get('candidates')} candidate pages: "
                     "more pages may carry the claim)")
    by_url = {doc["url"]: doc for doc in result["documents"]}
    for i, origin in enumerate(result["origins"], 1):
        where = origin["url"] or "not online"
        lines.append("")
        lines.append(f"Origin {i}: {origin['name'] or '(unnamed)'} — {where} [{origin.get('reason')}] "
                     f"({len(origin['documents'])} document(s))")
        for doc in (by_url[u] for u in origin["documents"]):
            date = (doc["published"] or "")[:10] or "----------"
            lines.append(f"  {date}  {doc['publisher'] or _host(doc['url'])}  {doc['url']}")
            if doc["copy_of"]:
                lines.append(f"      copy of {doc['copy_of']}")
                continue
            evidence = doc["evidence"] if len(doc["evidence"]) <= 240 else doc["evidence"][:237] + "..."
            lines.append(f"      “{evidence}”")
            if doc["cites"]:
                cited = "; ".join(f"{c['source']}" + (f" → {c['url']}" if c["url"] else " (no link)") for c in doc["cites"])
                lines.append(f"      cites: {cited}")
            else:
                lines.append("      cites: nobody for the claim")
    return "\n".join(lines)


def sources_csv(result: dict[str, Any]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["url", "publisher", "published", "evidence", "cites", "origin_name", "origin_url", "copy_of"])
    for doc in result["documents"]:
        cites = "; ".join(f"{c['source']} <{c['url']}>" if c["url"] else f"{c['source']}" for c in doc["cites"])
        writer.writerow([doc["url"], doc["publisher"], doc["published"], doc["evidence"], cites,
                         doc["origin"]["name"], doc["origin"]["url"], doc["copy_of"]])
    return out.getvalue()
