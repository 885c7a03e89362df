"""Parsing HTML for reading: lenient, never executed, safe from what pages carry.

The parser never sees a character XML refuses (C0 controls, U+FFFE, U+FFFF, lone
surrogates) nor a terminal escape sequence: they are removed first, so that no later step
that builds or edits the tree (dropping a <script>, setting a tail) meets one. Bytes are
decoded as the fetcher decodes pages (byte-order mark, declared charset, a guess).
libxml2's nesting limit is lifted from 256 to MAX_DEPTH (huge_tree); a page nested deeper
is read up to there and the problem is returned, to be recorded.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from tracer.safe import clean_text
from tracer.web.encoding import decode_text

# libxml2's nesting limit with XML_PARSE_HUGE (lxml's huge_tree); 256 without it, which real
# pages built of nested layout blocks can pass. Past it the parser stops: the rest is not read.
MAX_DEPTH = 2048
TOO_DEEP = (f"too-deep: the page nests elements more than {MAX_DEPTH} levels deep; the parser "
            "stopped there and the rest of the page was not read")

_PARSER = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, collect_ids=False)


# What clean_text removes, looked for in the UTF-8 bytes (quicker than a regex over the text):
# C0 controls but tab, newline and CR, DEL; C1 controls; U+FFFE/U+FFFF; lone surrogates.
_C0 = bytes([c for c in range(32) if c not in (9, 10, 13)] + [0x7F])
_UNWANTED = (re.compile(rb"\xc2[\x80-\x9f]"), re.compile(rb"\xef\xbf[\xbe\xbf]"), re.compile(rb"\xed[\xa0-\xbf]"))


def _prepared(html: str | bytes) -> bytes | None:
    if isinstance(html, bytes):
        html = decode_text(html, "text/html")[0] or html.decode("utf-8", errors="replace")
    if not html.strip():
        return None
    # lxml refuses str input that carries an XML encoding declaration: hand it UTF-8 bytes.
    data = html.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0)) != len(data) or any(p.search(data) for p in _UNWANTED):
        data = clean_text(html).encode("utf-8")
    return data


def _problems(parser) -> list[str]:
    if any(e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message.lower() for e in parser.error_log):
        return [TOO_DEEP]
    return []


def parse_tree_checked(html: str | bytes):
    """(a plain lxml tree of the page, or None; problems that left part of it unread).
    Plain elements, no per-element Python classes: faster to walk than parse_html's."""
    data = _prepared(html)
    if data is None:
        return None, []
    try:
        root = lxml.etree.fromstring(data, _PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None, []
    return root, _problems(_PARSER)


def parse_tree(html: str | bytes):
    """A plain lxml tree of the page; None when there is nothing to parse."""
    return parse_tree_checked(html)[0]


def parse_html_checked(html: str | bytes) -> tuple[lxml.html.HtmlElement | None, list[str]]:
    """(an lxml.html tree of the page, or None; problems that left part of it unread)."""
    data = _prepared(html)
    if data is None:
        return None, []
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, []
    return root, _problems(parser)


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """An lxml.html tree of the page; None when there is nothing to parse."""
    return parse_html_checked(html)[0]


def text_of(el) -> str:
    """All the text inside an element."""
    return "".join(el.itertext())
