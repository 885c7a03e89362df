"""Read a page: its main text as paragraphs and sentences, the links inside it, its metadata.

The HTML is parsed once, with lxml, and never executed. The main text is
the block of paragraphs a reader would call the article (readability-style
scoring of paragraph containers); navigation, footers, related-article lists
and link-dense blocks are left out so that their links are never followed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from urllib.parse import urljoin, urldefrag, urlsplit

import lxml.etree
import lxml.html

from tracer.models import Attribution, Document, Link
from tracer.safe import clean_text
from tracer.web.encoding import decode_text
from tracer.read.sentences import split_sentences

# Never part of the article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "form", "nav",
    "footer", "aside", "button", "select", "textarea", "object", "embed", "canvas",
    "figure", "menu", "dialog",
)
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre", "dd"}
_BOILERPLATE_HINT = re.compile(
    r"related|recommend|promo|share|social|newsletter|subscribe|comment|sidebar|footer|"
    r"breadcrumb|advert|\bads?\b|cookie|popular|trending|more-stories|read-more|nav|menu",
    re.I,
)
_ARTICLE_HINT = re.compile(r"article|story|entry|post|content|body|text", re.I)
_SPACE = re.compile(r"\s+")
# C0/C1 control characters: an og:site_name carrying ESC sequences must not drive the user's terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# libxml2's nesting limit with XML_PARSE_HUGE (lxml's huge_tree); 256 without it, which real
# pages built of nested layout blocks can pass. Past it the parser stops: the rest is not read.
MAX_DEPTH = 2048


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """Parse HTML leniently; None when there is nothing to parse."""
    return parse_html_checked(html)[0]


def parse_html_checked(html: str | bytes) -> tuple[lxml.html.HtmlElement | None, list[str]]:
    """Parse HTML leniently: (root or None, problems met that left part of the page unread).

    The parser never sees a character XML refuses (C0 controls, U+FFFE, U+FFFF, lone
    surrogates) nor a terminal escape sequence: they are removed first, so that no later
    step that builds or edits the tree (dropping a <script>, setting a tail) meets one.
    """
    if isinstance(html, bytes):
        html = decode_text(html, "text/html")[0] or html.decode("utf-8", errors="replace")
    if not html.strip():
        return None, []
    # lxml refuses str input that carries an XML encoding declaration: hand it UTF-8 bytes.
    data = clean_text(html).encode("utf-8")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, []
    problems = []
    if any(e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message.lower() for e in parser.error_log):
        problems.append(f"too-deep: the page nests elements more than {MAX_DEPTH} levels deep; the parser "
                        "stopped there and the rest of the page was not read")
    return root, problems


def _meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta> values by lower-cased name/property (first one wins)."""
    values: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in values:
            values[key] = content.strip()
    return values


def _json_ld(root: lxml.html.HtmlElement) -> list[dict]:
    """schema.org objects from <script type=application/ld+json> (read as data, never run)."""
    found: list[dict] = []
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _ld_name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _first(*values: str | None) -> str | None:
    for v in values:
        v = _CONTROL.sub("", v) if v else v
        if v and v.strip():
            return _SPACE.sub(" ", v).strip()
    return None


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:  # e.g. href="http://[ccpa-preferences]"
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def read_metadata(root: lxml.html.HtmlElement, url: str) -> dict[str, str | None]:
    meta = _meta(root)
    ld = _json_ld(root)
    articles = [o for o in ld if isinstance(o.get("@type"), str) and "Article" in o["@type"]] or ld
    ld_get = lambda key: next((o[key] for o in articles if o.get(key)), None)  # noqa: E731
    title_el = root.find(".//title")
    h1 = root.find(".//h1")
    canonical = None
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            canonical = _absolute(url, el.get("href"))
            break
    published = _first(
        meta.get("article:published_time"),
        ld_get("datePublished") if isinstance(ld_get("datePublished"), str) else None,
        meta.get("og:published_time"),
        meta.get("date"),
        meta.get("pubdate"),
        meta.get("dc.date"),
        meta.get("citation_publication_date"),
        meta.get("citation_date"),
    )
    if not published:
        time_el = next((t for t in root.iter("time") if t.get("datetime")), None)
        published = time_el.get("datetime") if time_el is not None else None
    return {
        "title": _first(
            meta.get("og:title"),
            _ld_name({"name": ld_get("headline")}) if ld_get("headline") else None,
            title_el.text_content() if title_el is not None else None,
            h1.text_content() if h1 is not None else None,
        ),
        "publisher": _first(meta.get("og:site_name"), _ld_name(ld_get("publisher")), meta.get("citation_publisher")),
        "author": _first(meta.get("author"), meta.get("article:author"), _ld_name(ld_get("author")), meta.get("citation_author")),
        "published": published,
        "modified": _first(meta.get("article:modified_time"), ld_get("dateModified") if isinstance(ld_get("dateModified"), str) else None),
        "canonical": canonical or _absolute(url, meta.get("og:url")),
        "lang": _first(root.get("lang"), meta.get("og:locale")),
        "meta": {k: v for k, v in meta.items() if k.startswith("citation_") or k in ("description", "og:type", "dc.identifier")},
    }


def _hinted_boilerplate(el: lxml.html.HtmlElement) -> bool:
    hint = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"
    return bool(hint.strip()) and bool(_BOILERPLATE_HINT.search(hint)) and not _ARTICLE_HINT.search(hint)


def _strip_boilerplate(root: lxml.html.HtmlElement) -> None:
    for el in list(root.iter(*_DROP_TAGS, "header")):
        # A <header> inside the article may hold the headline only; drop it all the same.
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter("div", "section", "ul", "ol", "span", "p")):
        if el.getparent() is not None and _hinted_boilerplate(el):
            el.drop_tree()


def _text_len(el: lxml.html.HtmlElement) -> int:
    return len(_SPACE.sub(" ", el.text_content()).strip())


def _main_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element whose paragraphs make up the article (readability-style scoring)."""
    body = root.find("body")
    body = body if body is not None else root
    for path in (".//*[@itemprop='articleBody']", ".//article"):
        found = [el for el in root.xpath(path) if _text_len(el) > 200]
        if found:
            return max(found, key=_text_len)
    scores: dict[lxml.html.HtmlElement, float] = {}
    for p in body.iter("p"):
        length = _text_len(p)
        if length < 25:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + length / 2
    if not scores:
        return body
    return max(scores, key=scores.get)


class _TextBuilder:
    """Builds the document text paragraph by paragraph, collapsing white space,
    and keeps the character span of every link's anchor text."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.parts: list[str] = []
        self.length = 0
        self.paragraphs: list[tuple[int, int]] = []
        self.links: list[Link] = []
        self._pending_space = False
        self._para_start = 0

    def _append(self, chunk: str) -> None:
        if not chunk:
            return
        if chunk[0].isspace():
            self._pending_space = True
        words = chunk.split()
        if not words:
            return
        text = " ".join(words)
        if self._pending_space and self._para_len() > 0:
            text = " " + text
        self.parts.append(text)
        self.length += len(text)
        self._pending_space = chunk[-1].isspace()

    def _para_len(self) -> int:
        return self.length - self._para_start

    def _walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self._pending_space = True
        href = _absolute(self.base_url, el.get("href")) if tag == "a" else None
        if href and self._pending_space and self._para_len() > 0:
            # the space before the anchor belongs outside the anchor span
            self.parts.append(" ")
            self.length += 1
            self._pending_space = False
        start = self.length
        self._append(el.text or "")
        for child in el:
            self._walk(child)
            self._append(child.tail or "")
        if href and self.length > start:
            # the anchor text is filled in once the whole text is built
            self.links.append(Link(href=href, text="", start=start, end=self.length))

    def add_block(self, el: lxml.html.HtmlElement) -> None:
        if self.paragraphs:
            self.parts.append("\n\n")
            self.length += 2
        self._para_start = self.length
        self._pending_space = False
        self._walk(el)
        if self.length == self._para_start:  # empty block: take the separator back
            if self.paragraphs:
                self.parts.pop()
                self.length -= 2
            return
        self.paragraphs.append((self._para_start, self.length))

    def text(self) -> str:
        return "".join(self.parts)


def _blocks(container: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Paragraph-level elements in document order, none inside another."""
    blocks: list[lxml.html.HtmlElement] = []
    chosen: set[lxml.html.HtmlElement] = set()
    for el in container.iter(*_BLOCK_TAGS):
        if any(anc in chosen for anc in el.iterancestors()):
            continue
        blocks.append(el)
        chosen.add(el)
    if not blocks and _text_len(container) > 0:
        blocks = [container]
    return blocks


def _link_dense(text: str, links: list[Link], span: tuple[int, int], ends: list[int] | None = None) -> bool:
    """A short block that is mostly link text ("Related: ...") is navigation, not prose.

    ``links`` sorted by start with ``ends`` the running maximum of their end offsets: the
    links of the block are found by bisection, not by a pass over every link of the page."""
    start, end = span
    length = end - start
    if length >= 300:
        return False
    if ends is None:
        links = sorted(links, key=lambda l: l.start)
        ends = _running_max_ends(links)
    linked = 0
    i = bisect_left(ends, start + 1)  # links before it all end before the block starts
    while i < len(links) and links[i].start < end:
        l = links[i]
        if l.end > start:
            linked += min(l.end, end) - max(l.start, start)
        i += 1
    return linked > 0.6 * length


def _running_max_ends(links: list[Link]) -> list[int]:
    out, top = [], 0
    for l in links:
        top = max(top, l.end)
        out.append(top)
    return out


def extract_document(html: str | bytes, url: str) -> Document:
    """Turn a page into a Document: main text, paragraphs, sentences, links, metadata."""
    root, problems = parse_html_checked(html)
    if root is None:
        return Document(url=url)
    info = read_metadata(root, url)
    _strip_boilerplate(root)
    container = _main_container(root)
    builder = _TextBuilder(url)
    kept_paragraphs: list[tuple[int, int]] = []
    for block in _blocks(container):
        before = len(builder.paragraphs)
        builder.add_block(block)
        if len(builder.paragraphs) > before:
            kept_paragraphs.append(builder.paragraphs[-1])
    text = builder.text()
    # Drop link-dense blocks by rebuilding text without them (rare, cheap).
    ordered = sorted(builder.links, key=lambda l: l.start)
    ends = _running_max_ends(ordered)
    dense = [p for p in kept_paragraphs if _link_dense(text, ordered, p, ends)]
    paragraphs, links, text = _without(text, kept_paragraphs, builder.links, dense)
    for link in links:
        link.text = text[link.start : link.end]
    doc = Document(
        url=url,
        text=text,
        paragraphs=paragraphs,
        links=links,
        title=info["title"],
        publisher=info["publisher"],
        author=info["author"],
        published=info["published"],
        modified=info["modified"],
        canonical=info["canonical"],
        lang=info["lang"],
        meta=info["meta"] or {},
        problems=problems,
    )
    doc.sentences = split_sentences(text, paragraphs)
    return doc


def _without(
    text: str, paragraphs: list[tuple[int, int]], links: list[Link], drop: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[Link], str]:
    if not drop:
        return paragraphs, links, text
    dropped = set(drop)
    parts: list[str] = []
    new_paragraphs: list[tuple[int, int]] = []
    new_links: list[Link] = []
    length = 0
    for start, end in paragraphs:
        if (start, end) in dropped:
            continue
        if parts:
            parts.append("\n\n")
            length += 2
        shift = length - start
        parts.append(text[start:end])
        length += end - start
        new_paragraphs.append((start + shift, end + shift))
        for l in links:
            if start <= l.start and l.end <= end:
                new_links.append(Link(l.href, "", l.start + shift, l.end + shift))
    return new_paragraphs, new_links, "".join(parts)
