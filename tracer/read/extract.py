"""Read a page: its main text as paragraphs and sentences, the links inside it, its metadata.

The HTML is parsed once, with lxml, and never executed. One walk cuts the page into
segments (a paragraph-level element; a run of text and inline elements between the block
children of a container, as in ``<div>`` paragraphs; text between two line breaks),
builds the whole page's text once with every link's anchor span, and sums for every
element the text, link text and prose below it. The main text is then chosen:

1. a segment is prose when it is long enough or a sentence and not mostly links (a
   sentence that is mostly one link still is: its own words are prose); readers'
   comments never are;
2. the container is scored as readability does (a paragraph's weight to its parent,
   less to the next ones up; list items less than paragraphs; inside an ``<article>``
   more), then widened to the element holding the whole article while what the parent
   adds reads as prose (a body split over several blocks, every story of a stream page),
   with its high-scoring siblings;
3. inside it, segments under a navigation, footer, sharing, related-items or comments
   element are left out, unless that element holds the article (``<article>``, ``<main>``,
   ``<h1>``, ``articleBody``, or most of the page's prose: a page-wide ``<form>``, a
   wrapper named "page-ad-margins"), and so are lists of links;
4. when this finds too little on a page with much text, trafilatura chooses instead, and
   its choice is read by the same walk, so text and link spans are built the same way.

Links are resolved only for the segments kept; their spans index the returned text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urldefrag, urlsplit

import lxml.etree

from tracer.models import Document, Link
from tracer.read.dates import read_dates
from tracer.read.html import parse_html, parse_tree_checked, text_of as _text_of  # noqa: F401  (parse_html: for callers)
from tracer.read.sentences import split_sentences

# Removed before reading: never text a reader sees as the article.
_JUNK_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea",
    "object", "embed", "canvas", "dialog", "input", "option", "map", "audio", "video", "head",
    "math", "link", "meta",
)
# Elements that start a new paragraph.
_BLOCK = frozenset(
    """address article aside blockquote body center dd details dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section
    summary table tbody td tfoot th thead tr ul caption html""".split()
)
# Kinds of container that hold page furniture, by tag.
_FURNITURE_TAGS = frozenset("nav footer aside menu form figure figcaption header".split())
_MARKER_TAGS = frozenset(("article", "main", "h1"))
_LIST_ITEM = frozenset(("li", "dd", "dt"))
_HEADING = frozenset("h2 h3 h4 h5 h6".split())
_BOILERPLATE_HINT = re.compile(
    r"related|recommend|promo|share|sharing|social|newsletter|subscri|comment|sidebar|footer|"
    r"breadcrumb|advert|(?<![a-z])ads?(?![a-z])|cookie|popular|trending|more-stories|read-?more|"
    r"(?<![a-z])nav|menu|caption|byline|author|tags?(?![a-z])|widget|signup|sign-up|toolbar|"
    r"masthead|banner|disclaimer|copyright",
)  # matched against lower-cased class and id values (case-blind matching is four times slower)
_COMMENTS_HINT = re.compile(r"(?<![a-z])comments?(?![a-z])|comment-|disqus")
_ARTICLE_HINT = re.compile(r"article|story|entry|post|content|body|text")
_SPACE = re.compile(r"\s+")
_TERMINAL = re.compile(r"[.!?…:;。！？：；][\"'”’»)\]」』）]*\s*$")
# Chinese and Japanese write words without spaces: two characters count as a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# C0/C1 control characters: an og:site_name carrying ESC sequences must not drive the user's terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _meta(elements) -> dict[str, str]:
    """<meta> values by lower-cased name/property (first one wins)."""
    values: dict[str, str] = {}
    for el in elements:
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in values:
            values[key] = content.strip()
    return values


def _json_ld(elements) -> list[dict]:
    """schema.org objects from <script type=application/ld+json> (read as data, never run)."""
    found: list[dict] = []
    for el in elements:
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


def _ld_type(value: object) -> str | None:
    """The schema.org ``@type`` of an object (the first, when it lists several)."""
    kind = value.get("@type") if isinstance(value, dict) else None
    if isinstance(kind, list):
        kind = next((k for k in kind if isinstance(k, str)), None)
    return kind.strip() if isinstance(kind, str) and kind.strip() else None


def _publisher_type(ld: list[dict], publisher: object) -> str | None:
    """What kind of body publishes the page, as its JSON-LD says: the article's publisher's
    @type, else a top-level organisation object's (NewsMediaOrganization, GovernmentOrganization,
    NGO, ...). The judge reads it to tell an outlet from an organisation (issue 16)."""
    found = _ld_type(publisher)
    if found:
        return found
    for obj in ld:
        kind = _ld_type(obj)
        if kind and (kind.endswith("Organization") or kind in ("NGO", "Corporation", "GovernmentOffice")):
            return kind
    return None


def read_metadata(root, url: str, html: str | bytes | None = None, *, deep_dates: bool = True) -> dict:
    """Title, publisher, author, dates (published, where from, modified), canonical URL,
    language and the citation/description tags of a parsed page."""
    found: dict[str, list] = {"meta": [], "script": [], "link": [], "title": [], "h1": []}
    for el in root.iter("meta", "script", "link", "title", "h1"):  # one pass over the tree
        found[el.tag].append(el)
    meta = _meta(found["meta"])
    ld = _json_ld(found["script"])
    articles = [o for o in ld if isinstance(o.get("@type"), str) and "Article" in o["@type"]] or ld
    ld_get = lambda key: next((o[key] for o in articles if o.get(key)), None)  # noqa: E731
    title_el = found["title"][0] if found["title"] else None
    h1 = found["h1"][0] if found["h1"] else None
    canonical = None
    for el in found["link"]:
        if "canonical" in (el.get("rel") or "").lower().split():
            canonical = _absolute(url, el.get("href"))
            break
    microdata = None if html is None else ("itemprop" in html if isinstance(html, str) else b"itemprop" in html)
    dates = read_dates(root, url, meta, articles, html if deep_dates else None, itemprops=microdata)
    kept = {k: v for k, v in meta.items() if k.startswith("citation_") or k in ("description", "og:type", "dc.identifier")}
    publisher_type = _publisher_type(ld, ld_get("publisher"))
    if publisher_type:
        kept["publisher_type"] = _first(publisher_type)
    return {
        "title": _first(
            meta.get("og:title"),
            _ld_name({"name": ld_get("headline")}) if ld_get("headline") else None,
            _text_of(title_el) if title_el is not None else None,
            _text_of(h1) if h1 is not None else None,
        ),
        "publisher": _first(meta.get("og:site_name"), _ld_name(ld_get("publisher")), meta.get("citation_publisher")),
        "author": _first(meta.get("author"), meta.get("article:author"), _ld_name(ld_get("author")), meta.get("citation_author")),
        "published": _first(dates["published"]),
        "published_source": dates["published_source"],
        "modified": _first(dates["modified"]),
        "canonical": canonical or _absolute(url, meta.get("og:url")),
        "lang": _first(root.get("lang"), meta.get("og:locale")),
        "meta": kept,
    }


# ---------------------------------------------------------------------------- segments

_BLOCK_TUPLE = tuple(_BLOCK)


@dataclass
class _Segment:
    start: int
    end: int
    linked: int  # characters inside links
    links: list[Link]  # hrefs as written; resolved when the segment is kept
    path: tuple[int, ...]  # indexes of the enclosing elements, outermost first
    tag: str  # tag of the element that owns the text
    words: int = 0
    prose: float = 0.0  # characters of prose (outside links) when the segment reads as prose
    noise: float = 0.0  # characters that read as page furniture


class _Reader:
    """One walk over the page: cuts it into segments, builds the whole page's text
    (white space collapsed, the character span of every link's anchor kept) and sums,
    for every element, the text, link text and prose below it."""

    def __init__(self, special: dict | None = None, body=None) -> None:
        self.special = special or {}  # element -> _ARTICLE or _MARKER (found before the walk)
        self.body = body
        self._page_length: float | None = None
        self.parts: list[str] = []
        self.length = 0
        self.links: list[Link] = []
        self.segments: list[_Segment] = []
        self.elements: list = []
        self.parent: list[int] = []
        self.size: list[int] = []
        self.linked: list[int] = []
        self.prose: list[float] = []
        self.prose_count: list[int] = []
        self.score: list[float] = []
        self.stack: list[int] = []
        self.in_article: list[bool] = []  # inside an <article> or articleBody element (not a comment)
        self.holders: set[int] = set()  # elements holding an article marker (<article>, <main>, <h1>, articleBody)
        self._pending_space = False
        self._para_start = 0
        self._anchor: str | None = None  # href of an enclosing link that holds whole blocks
        self._comments = False  # inside a comments section
        self._text: str | None = None

    def _hidden(self, el) -> bool:
        """Hidden (a menu, a pop-up), unless it is most of the page (an article a script would show)."""
        if self.body is None or not _hidden_style(el):
            return False
        if self._page_length is None:
            self._page_length = _TEXT_LENGTH(self.body)
        return _TEXT_LENGTH(el) < 0.5 * self._page_length

    # -- text building
    def _append(self, chunk: str) -> None:
        if chunk[0].isspace():
            self._pending_space = True
        words = chunk.split()
        if not words:
            return
        text = " ".join(words)
        if self._pending_space and self.length > self._para_start:
            text = " " + text
        self.parts.append(text)
        self.length += len(text)
        self._pending_space = chunk[-1].isspace()

    def _inline(self, el, depth: int = 0) -> None:
        tag = el.tag
        if tag == "br":
            self._pending_space = True
            return
        if depth > _DEEPEST_INLINE:  # inline elements nested past reason: their text, without structure
            self._append(_text_of(el) or " ")
            return
        style = el.get("style")
        if style and ("none" in style or "hidden" in style) and self._hidden(el):
            return
        href = el.get("href") if tag == "a" else None
        if href and self._pending_space and self.length > self._para_start:
            # the space before the anchor belongs outside the anchor span
            self.parts.append(" ")
            self.length += 1
            self._pending_space = False
        start = self.length
        if el.text:
            self._append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._inline(child, depth + 1)
            if child.tail:
                self._append(child.tail)
        if href and self.length > start:
            self.links.append(Link(href=href, text="", start=start, end=self.length))

    def _flush(self, run: list, tag: str, owner: int) -> _Segment | None:
        sep = 2 if self.length else 0
        if sep:
            self.parts.append("\n\n")
            self.length += 2
        self._para_start = start = self.length
        first_part = len(self.parts)
        self._pending_space = False
        first_link = len(self.links)
        for item in run:
            if isinstance(item, str):
                self._append(item)
            else:
                self._inline(item)
        if self.length == start:  # nothing but white space: take the separator back
            if sep:
                self.parts.pop()
                self.length -= 2
            del self.links[first_link:]
            return None
        if self._anchor:  # a block inside a link (a teaser card): the whole segment is link text
            del self.links[first_link:]
            self.links.append(Link(href=self._anchor, text="", start=start, end=self.length))
        links = self.links[first_link:]
        linked = 0
        for link in links:
            linked += link.end - link.start
        seg = _Segment(start, self.length, linked, links, tuple(self.stack), tag)
        _classify("".join(self.parts[first_part:]), seg)
        if self._comments and seg.prose:  # readers' comments are not the article's prose
            seg.prose, seg.noise = 0.0, float(seg.end - seg.start)
        self.segments.append(seg)
        self.size[owner] += seg.end - seg.start
        self.linked[owner] += linked
        if seg.prose:
            self.prose[owner] += seg.prose
            self.prose_count[owner] += 1
        return seg

    # -- the walk
    def walk(self, el) -> None:
        stack = self.stack
        idx = len(self.elements)
        up = stack[-1] if stack else -1
        self.elements.append(el)
        self.parent.append(up)
        self.size.append(0)
        self.linked.append(0)
        self.prose.append(0.0)
        self.prose_count.append(0)
        self.score.append(0.0)
        self.in_article.append(self.in_article[up] if up >= 0 else False)
        stack.append(idx)
        tag = el.tag
        outer_comments = self._comments
        kind = self.special.get(el)
        ident = el.get("class"), el.get("id")
        if (ident[0] or ident[1]) and not outer_comments:
            hint = f"{ident[0] or ''} {ident[1] or ''}"
            if ("omment" in hint or "OMMENT" in hint or "isqus" in hint) and _COMMENTS_HINT.search(hint.lower()):
                kind = _COMMENTS
        if kind is not None and not outer_comments:
            if kind == _COMMENTS:
                self._comments = True
            else:  # the article's markers: <article>, articleBody, <main>, <h1>
                self.holders.update(stack)
                if kind == _ARTICLE:
                    self.in_article[idx] = True
        outer_anchor = self._anchor
        if tag == "a" and not outer_anchor:
            self._anchor = el.get("href") or None
        owned: list[_Segment] = []
        run: list = []
        text = el.text
        content = False  # does the run hold more than white space?
        if text:
            run.append(text)
            content = not text.isspace()
        last_br = False
        children = el
        if len(stack) > _DEEPEST_BLOCK and len(el):
            # nested past reason (a hostile page; Python's stack): the rest is one block of text
            children = ()
            whole = _text_of(el)
            run = [whole] if whole else []
            content = bool(whole) and not whole.isspace()
        flush, walk, block = self._flush, self.walk, _BLOCK
        for child in children:
            ctag = child.tag
            if ctag.__class__ is not str:
                pass
            elif ctag in block or (len(child) and next(child.iter(*_BLOCK_TUPLE), None) is not None):
                if content:
                    seg = flush(run, tag, idx)
                    if seg is not None:
                        owned.append(seg)
                    run = []
                    content = False
                elif run:
                    run = []
                last_br = False
                if (len(child) or (child.text and not child.text.isspace())) and not self._hidden(child):
                    walk(child)  # (an empty or hidden block adds nothing)
            elif ctag == "br":
                if last_br:  # two line breaks: a paragraph break
                    if content:
                        seg = flush(run, tag, idx)
                        if seg is not None:
                            owned.append(seg)
                    run = []
                    content = last_br = False
                else:
                    run.append(child)
                    last_br = True
            else:
                run.append(child)
                content = True
                last_br = False
            tail = child.tail
            if tail:
                run.append(tail)
                if not tail.isspace():
                    content = True
                    last_br = False
        if content:
            seg = flush(run, tag, idx)
            if seg is not None:
                owned.append(seg)
        self._anchor = outer_anchor
        self._comments = outer_comments
        stack.pop()
        if owned:
            # the element holding the paragraphs gets their weight, the next ones up less
            score, parent = self.score, self.parent
            base = up if len(owned) == 1 and up >= 0 else idx
            for seg in owned:
                if not seg.prose:
                    continue
                weight = 1.0 + min(seg.prose, 1000.0) / 100.0
                if seg.tag in _LIST_ITEM:
                    weight *= LIST_WEIGHT  # paragraphs choose the container more than list items (teaser lists)
                score[base] += weight
                above = parent[base]
                if above >= 0:
                    score[above] += weight / 2
                    above = parent[above]
                    if above >= 0:
                        score[above] += weight / 6
        if up >= 0:
            size = self.size
            if size[idx]:
                size[up] += size[idx]
                self.linked[up] += self.linked[idx]
                self.prose[up] += self.prose[idx]
                self.prose_count[up] += self.prose_count[idx]

    def text(self) -> str:
        if self._text is None or len(self._text) != self.length:
            self._text = "".join(self.parts)
        return self._text

    def parts_text(self, seg: _Segment) -> str:
        return self.text()[seg.start : seg.end]


def _is_furniture(el) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    cls, ident, role = el.get("class"), el.get("id"), el.get("role")
    if not (cls or ident or role) or el.get("itemprop") == "articleBody":
        return False
    hint = f"{cls or ''} {ident or ''} {role or ''}".lower()
    return _BOILERPLATE_HINT.search(hint) is not None and _ARTICLE_HINT.search(hint) is None


_COMMENTS, _ARTICLE, _MARKER = 1, 2, 3
# How deep the walk goes in blocks, and in inline elements inside a block (Python's stack
# allows about a thousand frames); past these, an element's text is read whole.
_DEEPEST_BLOCK = 400
_DEEPEST_INLINE = 100
_FURNITURE_BY_TAG = frozenset(("nav", "footer", "aside", "menu", "header", "form", "figure"))
_TEXT_LENGTH = lxml.etree.XPath("string-length()")


_MAIN_ROLES = lxml.etree.XPath(".//*[@role='main' or @itemprop='articleBody']")


def _survey(body, html: str | bytes) -> dict:
    """Before the walk: navigation, headers, footers, asides, forms and figures are taken out
    (half a page's elements: half the walk) unless they hold the article — one of its markers
    (<article>, <main>, <h1>, role=main, articleBody) or a good part of the page's text (a
    page-wide <form>); the markers are returned, by element, for the walk."""
    special: dict = {}
    for el in body.iter("article", "main", "h1"):
        special[el] = _ARTICLE if el.tag == "article" else _MARKER
    probe = ("articleBody", 'role="main"', "role='main'", "role=main")
    if any((p if isinstance(html, str) else p.encode()) in html for p in probe):
        for el in _MAIN_ROLES(body):
            special.setdefault(el, _ARTICLE if el.get("itemprop") == "articleBody" else _MARKER)
    furniture = list(body.iter(*_FURNITURE_BY_TAG))
    if not furniture:
        return special
    holders = set()
    for el in special:
        holders.add(el)
        for up in el.iterancestors():
            if up in holders:
                break
            holders.add(up)
    dropped: set = set()
    limit = 0.3 * _TEXT_LENGTH(body)
    for el in furniture:
        if el in holders or any(up in dropped for up in el.iterancestors()):
            continue
        if _TEXT_LENGTH(el) < limit:
            dropped.add(el)
    for el in dropped:
        _drop(el)
    return special


def _hidden_style(el) -> bool:
    style = el.get("style")
    if el.get("hidden") is None:
        if not style:
            return False
        style = style.replace(" ", "").lower()
        if "display:none" not in style and "visibility:hidden" not in style:
            return False
    return True


def _is_comments(el) -> bool:
    hint = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return len(hint) > 1 and _COMMENTS_HINT.search(hint) is not None


def _classify(body: str, seg: _Segment) -> None:
    length = seg.end - seg.start
    if seg.tag in _HEADING or seg.tag == "h1":
        return
    words = body.count(" ") + 1  # the text's white space is collapsed: one space between words
    if words * 8 < length:  # few word breaks: count the CJK characters instead
        words = max(words, len(_CJK.findall(body)) // 2)
    seg.words = words
    free = length - seg.linked
    density = seg.linked / length
    sentence = _TERMINAL.search(body, max(0, length - 8)) is not None
    if density < 0.5 and (words >= 10 or (sentence and words >= 5)):
        seg.prose = free
    elif sentence and words >= 6 and free >= 10:
        seg.prose = free  # a sentence that is mostly links: its own words are prose
        seg.noise = 0.5 * seg.linked
    else:
        seg.noise = length


# Tuned on half of the AEB pages and checked on the other half (F1 0.979 and 0.977):
CLIMB = 0.7  # climb to the parent while what it adds is at least this share prose
LIST_WEIGHT = 0.4  # a list item's weight in choosing the container, against a paragraph's
ARTICLE_BONUS = 1.5  # a container inside an <article> (not a comment)


def _drop(el) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def extract_document(html: str | bytes, url: str, fallback: str | None = "trafilatura", *, deep_dates: bool = True) -> Document:
    """Turn a page into a Document: main text, paragraphs, sentences, links, metadata.
    fallback: the extractor asked when tracer's own reading finds too little (None: none);
    deep_dates=False leaves out htmldate's search when metadata, URL and page show no date."""
    root, problems = parse_tree_checked(html)
    if root is None:
        return Document(url=url)
    info = read_metadata(root, url, html, deep_dates=deep_dates)
    lxml.etree.strip_elements(root, *_JUNK_TAGS, with_tail=False)
    body = root.find("body")
    body = body if body is not None else root
    special = _survey(body, html)
    text_from = None
    items: list[tuple[_Segment, _Segment]] = []  # the first and last segment of each story of a stream page
    if fallback in ("trafilatura-only", "readability-only"):  # the benchmark's comparison of fallbacks
        text_from = fallback.split("-")[0]
        chosen, text = _fallback(html, url, text_from) or ([], "")
    else:
        reader = _Reader(special, body)
        reader.walk(body)
        text = reader.text()
        live = ("LiveBlogPosting" if isinstance(html, str) else b"LiveBlogPosting") in html
        chosen = _choose(reader, live, items)
        found = sum(s.end - s.start for s in chosen)
        if fallback and found < FALLBACK_BELOW and reader.length > 4 * FALLBACK_BELOW:
            # too little for a page with this much text: ask the other extractor
            other = _fallback(html, url, fallback)
            if other and sum(s.end - s.start for s in other[0]) > found:
                chosen, text = other
                text_from = fallback
                items = []
        if not chosen:  # nothing reads as prose: every block of text but the link lists
            chosen = [
                s for s in reader.segments
                if s.tag != "h1" and (s.prose or s.tag in _HEADING or s.linked <= 0.5 * (s.end - s.start))
            ]
    paragraphs, links, text = _assemble(text, chosen, url)
    if items:
        where = {id(seg): n for n, seg in enumerate(chosen)}
        items = [(paragraphs[where[id(a)]][0], paragraphs[where[id(b)]][1]) for a, b in items]
    doc = Document(
        url=url,
        text=text,
        paragraphs=paragraphs,
        links=links,
        title=info["title"],
        publisher=info["publisher"],
        author=info["author"],
        published=info["published"],
        published_source=info["published_source"],
        modified=info["modified"],
        canonical=info["canonical"],
        lang=info["lang"],
        meta=info["meta"] or {},
        problems=problems,
        items=items,
    )
    if text_from:
        doc.meta["text_from"] = text_from  # the main text is the fallback extractor's choice
    doc.sentences = split_sentences(text, paragraphs)
    return doc


FALLBACK_BELOW = 250

# trafilatura's output tree, in HTML terms
_TRAFILATURA_TAGS = {"list": "ul", "item": "li", "quote": "blockquote", "hi": "span", "lb": "br", "row": "tr", "cell": "td", "del": "s"}


def _fallback(html: str | bytes, url: str, which: str) -> tuple[list[_Segment], str] | None:
    """The segments another extractor takes for the main text, read by our own walk
    (so the text and the link spans are built the same way)."""
    try:
        if which == "trafilatura":
            import trafilatura

            found = trafilatura.bare_extraction(html, url=url or None, include_links=True, include_formatting=True, as_dict=False)
            tree = getattr(found, "body", None) if found is not None else None
            if tree is None:
                return None
            for el in tree.iter():
                if el.tag == "ref":
                    el.tag = "a"
                    el.attrib["href"] = el.get("target") or ""
                elif el.tag == "head":
                    el.tag = "h1" if el.get("rend") == "h1" else "h2"
                elif el.tag in _TRAFILATURA_TAGS:
                    el.tag = _TRAFILATURA_TAGS[el.tag]
        elif which == "readability":
            from readability import Document as Readable

            summary = Readable(html, url=url or None).summary(html_partial=True)
            tree = parse_tree_checked(summary)[0]
            if tree is None:
                return None
            tree = tree.find("body") if tree.find("body") is not None else tree
        else:
            return None
    except Exception:  # a third-party extractor failing on a strange page is no reason to fail the page
        return None
    reader = _Reader()
    reader.walk(tree)
    kept = [
        s for s in reader.segments
        if s.tag != "h1" and (s.prose or s.tag in _HEADING or s.linked <= 0.5 * (s.end - s.start))
    ]
    return kept, reader.text()


def _choose(reader: _Reader, stream_hint: bool = False, out_items: list | None = None) -> list[_Segment]:
    """The segments of the main text: the best-scored container (readability-style),
    widened to the element holding the whole article, with its qualifying siblings; on a
    page of several stories, every story (their first and last segments go to out_items)."""
    segments = reader.segments
    if not segments:
        return []
    score, parent, elements = reader.score, reader.parent, reader.elements
    size, linked, prose, prose_count = reader.size, reader.linked, reader.prose, reader.prose_count
    if not any(score):
        return []
    page_prose = prose[0]
    furniture: dict[int, bool] = {}

    def is_furniture(idx: int) -> bool:
        f = furniture.get(idx)
        if f is None:
            # an element that holds the article's markers is no furniture, whatever its name
            el = elements[idx]
            if _is_comments(el):
                f = True  # readers' comments are never the article, however long
            else:
                # an element holding the article's markers, or most of the page's prose,
                # is no furniture, whatever its name
                f = _is_furniture(el) and idx not in reader.holders and not (
                    prose[idx] >= 0.5 * page_prose and prose_count[idx] >= 3
                )
            furniture[idx] = f
        return f

    under: dict[int, bool] = {}

    def under_furniture(idx: int) -> bool:
        chain = []
        while idx >= 0 and idx not in under:
            chain.append(idx)
            idx = parent[idx]
        value = under[idx] if idx >= 0 else False
        for i in reversed(chain):
            value = value or is_furniture(i)
            under[i] = value
        return value

    best, top = -1, 0.0
    in_article = reader.in_article
    for idx, value in enumerate(score):
        if value <= 0.0:
            continue
        value *= 1.0 - linked[idx] / max(1, size[idx])
        if under_furniture(idx):
            value *= 0.2
        if in_article[idx]:
            value *= ARTICLE_BONUS  # the page marks it as (part of) an article
        if value > top:
            best, top = idx, value
    if best < 0:
        return []
    # Up to the element that holds the whole article: the body split over several
    # blocks, or several stories of a stream, when what the parent adds reads as prose.
    while parent[best] >= 0:
        up = parent[best]
        extra_prose = prose[up] - prose[best]
        extra_size = size[up] - size[best]
        if extra_size and (extra_prose < CLIMB * extra_size or is_furniture(up)):
            break
        el = elements[best]
        if el.tag == "article" and (any(other.tag == "article" for other in el.itersiblings()) or
                                    any(other.tag == "article" for other in el.itersiblings(preceding=True))):
            break  # another story beside the article (teasers, the next story): not this article's
        best = up
    stories = _Stories(reader, is_furniture, stream_hint)
    items = stories.around(best)
    if items:
        # a page of several stories (a news stream, a live blog): every story, each one whole
        best = items[0]
    depth = _depth(parent, best)
    region = set(items) or {best}
    up = parent[best]
    if up >= 0 and not items:
        threshold = max(10.0, 0.2 * top)
        for idx, value in enumerate(score):
            if value > 0.0 and parent[idx] == up and idx != best:
                value *= 1.0 - linked[idx] / max(1, size[idx])
                if under_furniture(idx):
                    value *= 0.2
                if in_article[idx]:
                    value *= ARTICLE_BONUS
                if value >= threshold:
                    region.add(idx)
    kept = []
    for seg in segments:
        path = seg.path
        if len(path) <= depth or path[depth] not in region:
            continue
        if seg.tag == "h1" or any(is_furniture(idx) for idx in path[depth + 1 :]):
            continue
        if not seg.prose and seg.tag not in _HEADING and seg.linked > 0.5 * (seg.end - seg.start):
            if not (seg.words >= 6 and len(seg.links) <= 2 and _TERMINAL.search(reader.parts_text(seg))) and not (
                    items and any(elements[i].tag in _HEADLINE for i in path[depth:])):
                continue  # a list of links; a sentence that is one link stays, and a story's linked headline
        kept.append(seg)
    if out_items is not None:
        marks = items or stories.within(best)
        level = _depth(parent, marks[0]) if marks else 0
        for item in marks:  # each story's segments, in page order
            mine = [seg for seg in kept if len(seg.path) > level and seg.path[level] == item]
            if mine:
                out_items.append((mine[0], mine[-1]))
    return kept


def _depth(parent: list[int], idx: int) -> int:
    depth = 0
    while parent[idx] >= 0:
        idx = parent[idx]
        depth += 1
    return depth


# A page of several stories: repeated sibling containers alike in tag and class, each with
# its own prose and a headline or time, none a teaser (mostly links, a line of summary).
# Checked on the AEB and Media Cloud pages: only the stream page's text changes.
ITEM_PROSE = 80  # characters of prose a story has at least
ITEM_SHARE = 0.25  # the middle story's prose against the longest's (a teaser list beside an article: far less)
_NUMBERED = re.compile(r"\d")
_ENTRY_CLASS = frozenset(("hentry", "h-entry"))
_HEADLINE = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_TITLED = (*_HEADLINE, "time")  # a story's headline or its time


def _class_tokens(el) -> frozenset:
    """Class names that say what an element is ("story", "post"), not where ("section-3")."""
    return frozenset(t for t in (el.get("class") or "").lower().split() if not _NUMBERED.search(t))


class _Stories:
    """Finds the stories of a page made of several (a news stream, a live blog)."""

    def __init__(self, reader: _Reader, is_furniture, stream_hint: bool) -> None:
        self.reader, self.is_furniture, self.hint = reader, is_furniture, stream_hint
        self.children: dict[int, list[int]] = {}
        for i, p in enumerate(reader.parent):
            if p >= 0 and reader.size[i]:
                self.children.setdefault(p, []).append(i)

    def alike(self, up: int, x: int, loose: bool) -> list[int]:
        """The children of up alike x (same tag; a class name in common, or all <article>)
        that read as stories: prose of their own (a paragraph's worth unless loose or on a live blog), a headline, a time or an entry class
        (hentry, h-entry), not mostly links. Enough of them (three; two when loose or on a
        live blog), the middle one's prose not far below the longest's, in two paragraphs
        or more (a teaser is one line; loose, or on a live blog: one is enough), or []."""
        r = self.reader
        elements, prose, size, linked = r.elements, r.prose, r.size, r.linked
        loose = loose or self.hint
        el = elements[x]
        tokens = _class_tokens(el)
        if not tokens and el.tag != "article":
            return []
        items = []
        for c in self.children.get(up, ()):
            cel = elements[c]
            if cel.tag != el.tag or not (el.tag == "article" or tokens & _class_tokens(cel)):
                continue
            if prose[c] < (1 if loose else ITEM_PROSE) or linked[c] > 0.5 * size[c] or self.is_furniture(c):
                continue
            if self.hint or _class_tokens(cel) & _ENTRY_CLASS or next(cel.iter(*_TITLED), None) is not None:
                items.append(c)
        if len(items) < (2 if loose else 3):
            return []
        amounts = sorted(prose[c] for c in items)
        paragraphs = sorted(r.prose_count[c] for c in items)
        if amounts[len(amounts) // 2] < ITEM_SHARE * amounts[-1] or not (loose or paragraphs[len(paragraphs) // 2] >= 2):
            return []
        return items

    def around(self, best: int) -> list[int]:
        """Climbing from the chosen container: the first element that is one of several
        stories, with the others (the page's text is then every story)."""
        parent = self.reader.parent
        x = best
        for _ in range(12):
            up = parent[x]
            if up < 0:
                return []
            items = self.alike(up, x, False)
            if x in items:
                return items
            x = up
        return []

    def within(self, best: int) -> list[int]:
        """Inside the chosen container: stories alike that hold most of its prose (a live
        blog's items under its headline); they only mark where each story starts and ends."""
        prose = self.reader.prose
        c = best
        for _ in range(6):
            kids = self.children.get(c, ())
            groups: dict[tuple, list[int]] = {}
            for k in kids:
                el = self.reader.elements[k]
                key = (el.tag, _class_tokens(el))
                if key not in groups and (key[1] or el.tag == "article"):
                    groups[key] = self.alike(c, k, True)
            found = max(groups.values(), key=lambda g: sum(prose[i] for i in g), default=[])
            if found and sum(prose[i] for i in found) >= 0.5 * prose[c]:
                return found
            main = max(kids, key=lambda k: prose[k], default=None)
            if main is None or prose[main] < 0.8 * prose[c]:
                return []
            c = main
        return []


def _assemble(text: str, chosen: list[_Segment], base_url: str) -> tuple[list[tuple[int, int]], list[Link], str]:
    parts: list[str] = []
    paragraphs: list[tuple[int, int]] = []
    links: list[Link] = []
    length = 0
    for seg in chosen:
        if parts:
            parts.append("\n\n")
            length += 2
        shift = length - seg.start
        parts.append(text[seg.start : seg.end])
        length += seg.end - seg.start
        paragraphs.append((seg.start + shift, seg.end + shift))
        for l in seg.links:
            href = _absolute(base_url, l.href)
            if href:
                links.append(Link(href, text[l.start : l.end], l.start + shift, l.end + shift))
    return paragraphs, links, "".join(parts)
