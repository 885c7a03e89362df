"""Indexing: web archives read into the corpus for search (the index side of tracer/corpus/search.py).

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
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import time
import zlib
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urljoin

from sqlite_utils import Database

from tracer.models import Attribution, Document, Sentence
from tracer.store import document_id, utcnow, write_transaction  # write_transaction: crawl imports it from here too
from tracer.web.warc import archive_problem, normalize_url, warc_files


class CorpusError(Exception):
    """A corpus operation that cannot start (no such file, bad option)."""

DEFAULT_SPAN_BYTES = 8 * 1024 * 1024  # compressed bytes of WARC per unit of work, at most
# Unless a span size is given, a unit of work holds about this many records (its size in bytes is
# learnt from the records read so far), so the progress line moves every few hundred records
# whatever the size of the pages: a 2 MB WARC of 4,000 records is ~16 steps, not one.
PROGRESS_RECORDS = 250
_FIRST_SPAN_BYTES = 256 * 1024
_MIN_SPAN_BYTES = 32 * 1024
PROGRESS_INTERVAL = 0.2  # seconds between two redraws of the progress line
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # larger bodies are skipped (as the fetcher refuses them)
_BATCH_RECORDS = 400  # records per batch when the parent streams a file
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml")
_GZIP_MAGIC = b"\x1f\x8b\x08"



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
    from tracer.page import read_page
    from tracer.web.fetch import decode_text

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


def _why_unreadable(error: Exception) -> str:
    """An unreadable stretch in a few words: warcio's message quotes the bytes it could not read
    (binary garbage on a terminal), so only its kind is kept."""
    if type(error).__name__ == "ArchiveLoadFailed":
        return "no WARC record could be read here (corrupt or cut bytes)"
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


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
                result.errors.append(f"{path}@{bad}: {_why_unreadable(error)}")
                pos = find_member_start(f, bad + 1, end)
                if pos is None and end >= os.fstat(f.fileno()).st_size:
                    result.resume_at = bad
    return result


def parse_batch(path: str, records: list[RawRecord]) -> SpanResult:
    """Parse records the parent read from a file it streams (plain or whole-file gzip)."""
    return SpanResult(path=path, pages=[parse_record(r) for r in records], records=len(records))


# ---------------------------------------------------------------- writing


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
    from tracer.read.sentences import split_paragraphs, split_sentences

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
    # files that yielded no WARC record (empty, not a WARC, broken from the start): not indexed,
    # never marked done, so a rerun tries them again (issue 17)
    no_records: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list, repr=False)  # the files read this run

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
            "files_without_records": self.no_records,
        }

    def summary(self) -> str:
        skipped = sum(self.skipped.values())
        line = (f"{self.files} file(s), {self.records} records: {self.documents} documents added, "
                f"{self.duplicates} already indexed, {self.redirects} redirects, {skipped} other records skipped")
        if self.files_unchanged:
            line += f", {self.files_unchanged} file(s) unchanged since the last run"
        if self.no_records:
            line += f", {len(self.no_records)} file(s) without a WARC record"
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


class _SpanSizer:
    """How many bytes of WARC the next unit of work reads: ``fixed`` when given, else about
    PROGRESS_RECORDS records at the bytes per record seen so far (never over DEFAULT_SPAN_BYTES)."""

    def __init__(self, fixed: int | None = None) -> None:
        self.fixed = fixed
        self.bytes = 0
        self.records = 0

    def seen(self, done_bytes: int, records: int) -> None:
        self.bytes += done_bytes
        self.records += records

    def next(self) -> int:
        if self.fixed:
            return self.fixed
        if self.records < 1 or self.bytes < 1:
            return _FIRST_SPAN_BYTES
        per_record = self.bytes / self.records
        return int(min(DEFAULT_SPAN_BYTES, max(_MIN_SPAN_BYTES, per_record * PROGRESS_RECORDS)))


class _Progress:
    """One line on stderr, rewritten in place; only when stderr is a terminal.

    It counts records, the unit a user thinks in: records read, pages added, the rate, and an
    estimate of the records in all (from the bytes read so far), with the share done.
    """

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
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        rate = stats.records / max(now - self.started, 1e-6)
        share = min(1.0, self.done / self.total)
        estimate = f" of ~{round(stats.records / share):,}" if 0 < share < 1 and stats.records else ""
        width = 24
        bar = "#" * int(width * share)
        sys.stderr.write(f"\rindex [{bar:<{width}}] {stats.records:,}{estimate} records ({100 * share:.0f}%)  "
                         f"{stats.documents:,} added  {rate:.0f} records/s ")
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
    span_bytes: int | None = None,
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
    sizer = _SpanSizer(span_bytes)
    try:
        pending: deque[tuple[_Task, Any]] = deque()
        for task in _tasks(db, files, stats, sizer, max_bytes):
            while len(pending) >= window:
                _write(db, writer, *pending.popleft(), stats, bar, sizer)
            try:
                future = executor.submit(task.fn, *task.args)
            except Exception as error:  # noqa: BLE001 - the pool is gone (a worker was killed): go on here
                stats.errors.append(f"parsing processes failed ({type(error).__name__}): parsing goes on in this process")
                cleanup()
                executor, window, cleanup = _InlineExecutor(), 1, lambda: None
                future = executor.submit(task.fn, *task.args)
            pending.append((task, future))
        while pending:
            _write(db, writer, *pending.popleft(), stats, bar, sizer)
        _no_records(db, stats)
    finally:
        bar.close()
        cleanup()
        stats.seconds = time.monotonic() - started
    return stats


def _no_records(db: Database, stats: IndexStats) -> None:
    """A file read this run that has yielded no record at all is an error, never done."""
    for path in stats.read:
        row = db.execute("select records from corpus_files where path = ?", (path,)).fetchone()
        if row is not None and not row[0]:
            stats.no_records.append(path)
            with write_transaction(db):
                db.execute("update corpus_files set finished_at = null, done_offset = 0 where path = ?", (path,))


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


def _tasks(db: Database, files: list[str], stats: IndexStats, sizer: _SpanSizer, max_bytes: int) -> Iterator[_Task]:
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
        problem = archive_problem(real)
        if problem:  # issue 17: nothing indexed, nothing marked; the run ends in an error naming it
            stats.no_records.append(real)
            stats.errors.append(f"{real}: {problem}")
            continue
        with write_transaction(db):
            db.execute(
                "insert into corpus_files (path, size, mtime, mode, done_offset, started_at) values (?,?,?,?,?,?) "
                "on conflict(path) do update set size = excluded.size, mtime = excluded.mtime, mode = excluded.mode, "
                "done_offset = ?, finished_at = null",
                (real, size, mtime, mode, start, utcnow(), start),
            )
        stats.read.append(real)
        if mode == "member":
            yield from _span_tasks(real, start, size, sizer, max_bytes)
        else:
            yield from _stream_tasks(real, mode, start, size, sizer, max_bytes, stats)


def _span_tasks(path: str, start: int, size: int, sizer: _SpanSizer, max_bytes: int) -> Iterator[_Task]:
    if start >= size:
        yield _Task(path, parse_batch, (path, []), size, True)
        return
    pos = start
    while pos < size:
        end = min(size, pos + sizer.next())
        yield _Task(path, parse_span, (path, pos, end, max_bytes), end, end >= size, end - pos)
        pos = end


def _stream_tasks(path: str, mode: str, start: int, size: int, sizer: _SpanSizer, max_bytes: int,
                  stats: IndexStats) -> Iterator[_Task]:
    """The parent reads a file that cannot be split and hands its records out in batches."""
    opener = gzip.open if mode == "gzip" else open
    batch: list[RawRecord] = []
    batch_bytes = 0
    limit = min(_BATCH_RECORDS, PROGRESS_RECORDS) if not sizer.fixed else _BATCH_RECORDS
    reported = start  # bytes of the file (compressed) already counted by the progress line
    with opener(path, "rb") as stream:
        try:
            stream.seek(start)
            for record, offset in _records(stream, start):
                if batch and (len(batch) >= limit or batch_bytes >= (sizer.fixed or DEFAULT_SPAN_BYTES)):
                    read = min(_file_position(stream), size)
                    yield _Task(path, parse_batch, (path, batch), offset, False, max(0, read - reported))
                    reported = max(reported, read)
                    batch, batch_bytes = [], 0
                raw = raw_record(record, offset, max_bytes)
                batch.append(raw)
                batch_bytes += len(raw.body or b"")
        except Exception as error:  # noqa: BLE001 - a truncated or corrupt tail: keep what came before
            stats.errors.append(f"{path}: {_why_unreadable(error)}")
    yield _Task(path, parse_batch, (path, batch), size, True, max(0, size - reported))


def _file_position(stream) -> int:
    """Bytes of the file on disk read so far (the compressed position of a gzip stream)."""
    raw = getattr(stream, "fileobj", None) or stream
    try:
        return raw.tell()
    except (OSError, ValueError):
        return 0


def _write(db: Database, writer: CorpusWriter, task: _Task, future: Any, stats: IndexStats, bar: _Progress,
           sizer: _SpanSizer | None = None) -> None:
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
            if page.doc is not None and page.doc.problems:  # indexed, but part of it could not be read
                stats.errors.extend(f"{page.url}: {problem}" for problem in page.doc.problems)
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
    if sizer is not None:
        sizer.seen(task.progress_bytes, result.records)
    bar.update(stats, task.progress_bytes)
