"""What tracer sees on a page or document: ``tracer read``.

A body is read as a PDF when its media type or first bytes say so, else as HTML; a WARC is
read record by record (every HTML or PDF response). ``document_json`` is the shape of one
document in ``--format json``/``jsonl``; ``format_document`` is the text a person reads.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from tracer.models import Document
from tracer.read.extract import extract_document
from tracer.read.pdf import MAX_BYTES as PDF_MAX_BYTES, is_pdf, read_pdf

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def read_body(data: str | bytes, url: str, content_type: str | None = None, *, max_bytes: int | None = None,
              deep_dates: bool = True) -> Document:
    """A page or document body as a Document: a PDF by media type or magic bytes, else HTML
    (deep_dates=False: no htmldate search, for callers that show no date)."""
    if isinstance(data, bytes) and is_pdf(data, content_type):
        return read_pdf(data, url, max_bytes=max_bytes or PDF_MAX_BYTES)
    return extract_document(data, url, deep_dates=deep_dates)


def is_readable(content_type: str | None, data: bytes) -> bool:
    """An HTML page or a PDF (what ``tracer read`` reads from a WARC)."""
    ct = (content_type or "").lower()
    if "html" in ct or is_pdf(data, ct):
        return True
    head = data[:512].lstrip().lower()
    return not ct and (head.startswith((b"<!doctype html", b"<html")) or b"<body" in head)


def is_warc(path: str | Path) -> bool:
    """A WARC (or ARC) file, by its name or its first bytes."""
    name = str(path).lower()
    if name.endswith(WARC_SUFFIXES):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                head = fh.read(16)
    except (OSError, EOFError, gzip.BadGzipFile):
        return False
    return head.startswith(b"WARC/")


def read_warc(path: str | Path, *, max_bytes: int = PDF_MAX_BYTES) -> Iterator[tuple[Document, dict]]:
    """(Document, record facts) for every HTML or PDF response record of a WARC, in file order.
    A body over max_bytes is a recorded outcome, not read."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from tracer.web.warc import archive_problem

    problem = archive_problem(path)  # empty, random bytes, not a WARC: an error, never "nothing in it" (issue 17)
    if problem:
        raise ValueError(f"{path}: {problem}")
    with open(path, "rb") as fh:
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                http = record.http_headers
                content_type = http.get_header("Content-Type") if http is not None else None
                status = int(http.get_statuscode()) if http is not None and http.get_statuscode().isdigit() else None
                body = record.content_stream().read(max_bytes + 1)
                if not is_readable(content_type, body):
                    continue
                facts = {"status": status, "content_type": content_type,
                         "warc_date": record.rec_headers.get_header("WARC-Date")}
                if len(body) > max_bytes:
                    doc = Document(url=url, problems=[f"too-large: the body passes {max_bytes} bytes; not read"])
                else:
                    doc = read_body(body, url, content_type, max_bytes=max_bytes)
                yield doc, facts
        except ArchiveLoadFailed as exc:
            raise ValueError(f"{path}: not a readable WARC ({exc})") from None


def document_json(doc: Document, facts: dict | None = None) -> dict:
    """One document as ``tracer read --format json`` gives it. Offsets index into "text"."""
    out = {
        "url": doc.url,
        "title": doc.title,
        "publisher": doc.publisher,
        "author": doc.author,
        "published": doc.published,
        "published_source": doc.published_source,
        "modified": doc.modified,
        "canonical": doc.canonical,
        "lang": doc.lang,
    }
    if facts:
        out.update({k: v for k, v in facts.items() if v is not None})
    meta = dict(doc.meta or {})
    out["content_type"] = out.get("content_type") or meta.pop("content_type", None) or "text/html"
    meta.pop("content_type", None)
    if meta.get("text_from"):
        out["text_from"] = meta.pop("text_from")  # the fallback extractor chose the main text
    out["problems"] = list(doc.problems)
    out["text"] = doc.text
    out["paragraphs"] = [list(p) for p in doc.paragraphs]
    if doc.items:
        out["items"] = [list(i) for i in doc.items]  # the stories of a stream page / live blog
    out["sentences"] = [[s.start, s.end] for s in doc.sentences]
    out["links"] = [{"href": l.href, "text": l.text, "start": l.start, "end": l.end} for l in doc.links]
    out["meta"] = meta
    return out


def format_document(doc: Document, facts: dict | None = None) -> str:
    """A document for a person: what tracer found on it, its text, its links."""
    lines = [f"# {doc.url or '(no URL)'}"]
    for label, value in (("title", doc.title), ("publisher", doc.publisher), ("author", doc.author)):
        if value:
            lines.append(f"{label}: {value}")
    if doc.published:
        lines.append(f"published: {doc.published} (from the {doc.published_source or 'metadata'})")
    else:
        lines.append("published: no date found")
    if doc.modified:
        lines.append(f"modified: {doc.modified}")
    if doc.canonical and doc.canonical != doc.url:
        lines.append(f"canonical: {doc.canonical}")
    if facts and facts.get("status") is not None:
        lines.append(f"status: {facts['status']}")
    source = (doc.meta or {}).get("text_from")
    lines.append((f"{len(doc.items)} stories, " if doc.items else "")
                 + f"{len(doc.paragraphs)} paragraphs, {len(doc.sentences)} sentences, {len(doc.links)} links"
                 + (f" (main text chosen by {source})" if source else ""))
    for problem in doc.problems:
        lines.append(f"warning: {problem}")
    if doc.text:
        lines.append("")
        lines.extend(doc.text[s:e] + "\n" for s, e in doc.paragraphs)
        lines[-1] = lines[-1].rstrip("\n")
    if doc.links:
        lines.append("")
        lines.append("links:")
        lines.extend(f"  [{l.start}-{l.end}] {l.text!r} -> {l.href}" for l in doc.links)
    return "\n".join(lines)
