"""Reading a PDF document into the same Document as a web page.

pdfminer.six lays each page out into text boxes (one a paragraph), with the box of every
character; the text is built box by box, so that a link annotation's rectangle finds the
characters under it and becomes a Link with its anchor span, as in HTML. Addresses written
out in the text ("https://...") are links too: reports and papers cite that way. Running
heads and page numbers (the same short box on most pages) are left out. Title, author and
the creation and modification dates come from the document's metadata.

Limits as for pages: a document over ``MAX_BYTES`` is not parsed, at most ``MAX_PAGES``
pages are read, and reading stops after ``TIME_LIMIT`` seconds (what was read is kept). A
broken, encrypted or text-less document is a recorded outcome (``Document.problems``),
never an exception.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from tracer.models import Document, Link
from tracer.read.sentences import split_sentences

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
TIME_LIMIT = 30.0  # seconds

PDF_MAGIC = b"%PDF-"
_URL_IN_TEXT = re.compile(r"\bhttps?://[^\s<>\"'()\[\]{}]+", re.I)
_TRAILING = ".,;:!?’”\"'"
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def is_pdf(data: bytes | None, content_type: str | None = None) -> bool:
    """Is this body a PDF (its media type, or its first bytes)?"""
    if content_type and "pdf" in content_type.lower():
        return True
    return bool(data) and data.lstrip()[:5] == PDF_MAGIC


def pdf_date(value) -> str | None:
    """A PDF date ("D:20210301120000+01'00'") as ISO 8601; None when unreadable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1", errors="replace")
    if not isinstance(value, str):
        return None
    m = _PDF_DATE.match(value.strip())
    if not m or not m.group(2):
        return None
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    try:
        if not h:
            return datetime(int(y), int(mo), int(d or 1)).date().isoformat()
        moment = datetime(int(y), int(mo), int(d or 1), int(h), int(mi or 0), int(s or 0))
    except ValueError:
        return None
    if sign in ("Z", "z"):
        moment = moment.replace(tzinfo=timezone.utc)
    elif sign in ("+", "-") and tzh:
        offset = timedelta(hours=int(tzh), minutes=int(tzm or 0))
        moment = moment.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return moment.isoformat()


def _info_text(value) -> str | None:
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            value = value.decode("utf-16", errors="replace")
        else:
            value = value.decode("latin-1", errors="replace")
    if not isinstance(value, str):
        return None
    value = _SPACE.sub(" ", value.replace("\x00", "")).strip()
    return value or None


def read_pdf(data: bytes, url: str, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES,
             time_limit: float = TIME_LIMIT) -> Document:
    """A PDF's text, paragraphs, sentences, links and metadata; problems recorded, never raised."""
    doc = Document(url=url, meta={"content_type": "application/pdf"})
    if len(data) > max_bytes:
        doc.problems.append(f"pdf-too-large: {len(data)} bytes, over the {max_bytes}-byte limit; not read")
        return doc
    try:
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.layout import LAParams
        from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
    except ImportError:  # pragma: no cover - a declared dependency
        doc.problems.append("pdf-unreadable: pdfminer.six is not installed")
        return doc
    try:
        pdf = PDFDocument(PDFParser(io.BytesIO(data)))  # an empty user password opens most "protected" PDFs
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        doc.problems.append(f"pdf-encrypted: the document needs a password ({type(exc).__name__})")
        return doc
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        doc.problems.append(f"pdf-broken: {type(exc).__name__}: {str(exc)[:120]}")
        return doc
    _read_info(pdf, doc)
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[tuple[list[tuple[str, list]], list[tuple[tuple, str]]]] = []
    started = time.monotonic()
    try:
        for number, page in enumerate(PDFPage.create_pages(pdf)):
            if number >= max_pages:
                doc.problems.append(f"pdf-page-limit: read the first {max_pages} pages")
                break
            if time.monotonic() - started > time_limit:
                doc.problems.append(f"pdf-time-limit: read {number} pages in {time_limit:.0f} s, the rest not read")
                break
            links = _page_links(page)
            interpreter.process_page(page)
            pages.append((_page_boxes(device.get_result()), links))
    except Exception as exc:  # a page pdfminer cannot lay out: keep the pages before it
        doc.problems.append(f"pdf-broken: page {len(pages) + 1}: {type(exc).__name__}: {str(exc)[:120]}")
    _build(doc, pages)
    if not doc.text and not any(p.startswith("pdf-") for p in doc.problems):
        doc.problems.append("pdf-no-text: no text layer (a scanned document?)")
    return doc


def _read_info(pdf, doc: Document) -> None:
    from pdfminer.pdftypes import resolve1

    info = {}
    for entry in pdf.info or []:
        entry = resolve1(entry)
        if isinstance(entry, dict):
            info.update(entry)
    doc.title = _info_text(info.get("Title"))
    doc.author = _info_text(info.get("Author"))
    doc.published = pdf_date(resolve1(info.get("CreationDate")))
    doc.modified = pdf_date(resolve1(info.get("ModDate")))
    if doc.published:
        doc.published_source = "metadata"
    subject = _info_text(info.get("Subject"))
    if subject:
        doc.meta["description"] = subject


def _page_links(page) -> list[tuple[tuple, str]]:
    """(rectangle, URI) of the page's link annotations."""
    from pdfminer.pdftypes import resolve1

    found = []
    for annot in resolve1(page.annots) or []:
        annot = resolve1(annot)
        if not isinstance(annot, dict):
            continue
        action = resolve1(annot.get("A"))
        uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
        rect = resolve1(annot.get("Rect"))
        if isinstance(uri, bytes):
            uri = uri.decode("latin-1", errors="replace")
        if isinstance(uri, str) and uri.strip() and isinstance(rect, (list, tuple)) and len(rect) == 4:
            try:
                x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
            except (TypeError, ValueError):
                continue
            found.append(((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), uri.strip()))
    return found


def _page_boxes(layout) -> list[tuple[str, list]]:
    """The page's text boxes in reading order: (text, [(char, bbox or None), ...])."""
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    boxes = []
    for item in layout:
        if not isinstance(item, LTTextBox):
            continue
        chars: list[tuple[str, tuple | None]] = []
        for line in item:
            if not isinstance(line, LTTextLine):
                continue
            for ch in line:
                text = ch.get_text()
                chars.append((text, ch.bbox if isinstance(ch, LTChar) else None))
        text = "".join(c for c, _ in chars)
        if text.strip():
            boxes.append((text, chars))
    return boxes


def _furniture(pages) -> set[str]:
    """Running heads and page numbers: short boxes found, digits aside, on most pages."""
    if len(pages) < 3:
        return set()
    seen = Counter()
    for boxes, _ in pages:
        seen.update({_DIGITS.sub("#", _SPACE.sub(" ", text).strip()) for text, _ in boxes if len(text) < 120})
    return {key for key, count in seen.items() if count >= max(3, len(pages) // 2)}


_HYPHENS = frozenset("-\u00ad\u2010")


def _broken_word(chars, i: int) -> bool:
    """A hyphen at the end of a line, between a letter and a lower-case letter."""
    if i == 0 or not chars[i - 1][0].isalpha():
        return False
    j = i + 1
    newline = False
    while j < len(chars) and chars[j][0].isspace():
        newline = newline or "\n" in chars[j][0]
        j += 1
    return newline and j < len(chars) and chars[j][0][:1].islower()


def _build(doc: Document, pages) -> None:
    """Text, paragraphs, links (annotations and written-out addresses) and sentences."""
    skip = _furniture(pages)
    parts: list[str] = []
    length = 0
    paragraphs: list[tuple[int, int]] = []
    links: list[Link] = []
    for boxes, annots in pages:
        placed: list[tuple[int, tuple]] = []  # (offset in text, bbox) of the page's characters
        for text, chars in boxes:
            if _DIGITS.sub("#", _SPACE.sub(" ", text).strip()) in skip or not _DIGITS.sub("", text).strip():
                continue  # a running head, a page number
            separated = bool(parts)
            if separated:
                parts.append("\n\n")
                length += 2
            start = length
            pending_space = joined = False
            for i, (ch, bbox) in enumerate(chars):
                if ch.isspace():
                    pending_space = length > start and not joined
                    continue
                joined = False
                if ch in _HYPHENS and _broken_word(chars, i):
                    joined = True  # a word broken over two lines: "dredg-\ning" reads "dredging"
                    continue
                if ch.startswith("(cid:"):
                    continue  # a glyph pdfminer could not map to a character
                if pending_space:
                    parts.append(" ")
                    length += 1
                    pending_space = False
                parts.append(ch)
                if bbox is not None:
                    placed.append((length, length + len(ch), bbox))
                length += len(ch)
            if length > start:
                paragraphs.append((start, length))
            elif separated:
                parts.pop()  # an empty box: take the separator back
                length -= 2
        for rect, uri in annots:
            inside = [(a, b) for a, b, (x0, y0, x1, y1) in placed
                      if rect[0] - 1 <= (x0 + x1) / 2 <= rect[2] + 1 and rect[1] - 1 <= (y0 + y1) / 2 <= rect[3] + 1]
            if inside and uri.lower().startswith(("http://", "https://")):
                links.append(Link(href=uri, text="", start=min(a for a, _ in inside), end=max(b for _, b in inside)))
    text = "".join(parts)
    covered = [(l.start, l.end) for l in links]
    for m in _URL_IN_TEXT.finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if not any(s < end and start < e for s, e in covered):
            links.append(Link(href=text[start:end], text="", start=start, end=end))
    links.sort(key=lambda l: l.start)
    for link in links:
        link.text = text[link.start : link.end]
    doc.text, doc.paragraphs, doc.links = text, paragraphs, links
    doc.sentences = split_sentences(text, paragraphs)
