"""A page analysed: its main text read (``tracer.read``) and its attributions found in it
(``tracer.attribution``). This module composes the two stages so neither imports the other."""

from __future__ import annotations

from tracer.attribution.attribute import attribution_to_json, attributions_for, extract_attributions
from tracer.models import Attribution, Document
from tracer.read.pdf import is_pdf
from tracer.read.reader import read_body
from tracer.web.encoding import decode_text


def read_page(html: str | bytes, url: str, content_type: str | None = None, *,
              deep_dates: bool = True) -> tuple[Document, list[Attribution]]:
    """Read a page (HTML, or a PDF by its media type or first bytes) and find its
    attributions (the links inside them resolved)."""
    doc = read_body(html, url, content_type, deep_dates=deep_dates)
    attributions = extract_attributions(doc.text, sentences=doc.sentences, links=doc.links, paragraphs=doc.paragraphs)
    return doc, attributions


def analyse_input(name: str, data: str | bytes, *, is_text: bool = False, base_url: str | None = None) -> dict:
    """One document of ``tracer attributions``: {"file", "text", "attributions"}.

    Plain text (is_text) is analysed as given; HTML goes through extract.py first (one
    parse for main text and links), and offsets index into the extracted main text.
    """
    if is_text:
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        rows = attributions_for(text)
    else:
        if isinstance(data, bytes) and not is_pdf(data):
            # declared charset, byte-order mark or a guess, as the fetcher decodes pages
            data = decode_text(data, "text/html")[0] or data.decode("utf-8", errors="replace")
        # the listing shows no date: htmldate's deep search for one is left out
        doc, atts = read_page(data, base_url or (name if "://" in name else ""), deep_dates=False)
        text = doc.text
        rows = [attribution_to_json(a) for a in atts]
        if doc.problems:  # part of the page left unread (issue 17): said, not silent
            return {"file": name, "text": text, "attributions": rows, "problems": list(doc.problems)}
    return {"file": name, "text": text, "attributions": rows}
