"""Decide what a page cites for the claim: the attribution behind it and the link to follow.

Only attributions that cover the claim's sentence (or sit next to it in the
same paragraph) count; every other attribution in the article is ignored.
Among the links near that attribution, the one on the source's name wins, then
the one on the cue ("reported"), then one in the claim sentence, then one
elsewhere in the attribution's sentence; a link whose registered domain matches
the source's name is preferred over all others, and links that belong to another
named source are never taken. "The paper", "the agency" and pronouns take the
name of the outlet named just before (or the one the link's domain belongs to).

A named source with no link is looked up in what tracer has stored
(``lookup_source``): pages from that source's host, published before the citing
page and inside the window its time phrase gives ("on Friday"), carrying the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable
from urllib.parse import urlsplit

from tracer.models import Attribution, Citation, ClaimMatch, Document, Link
from tracer.attribution.sources import canonical_source
from tracer.web.urls import (domain_matches_source, is_name_anchor, keyword_links, name_key, navigation_reason,
                             registered_domain, slug_shares_words, url_key)

LOOKUP_THRESHOLD = 0.6
_UNDATED_FACTOR = 0.9




def same_source(a: str | None, b: str | None) -> bool:
    """Do two names denote one source ("the Harbour Times", "Harbour Times")?"""
    if not a or not b:
        return False
    ka, kb = name_key(clean_name(a) or a), name_key(clean_name(b) or b)
    return bool(ka) and ka == kb


# ---------------------------------------------------------------- names

# Names that only point back at a source named earlier.
_GENERIC_NAMES = frozenset({
    "paper", "newspaper", "agency", "news agency", "wire service", "broadcaster", "outlet", "site", "website",
    "magazine", "publication", "station", "channel", "network", "daily", "it", "they", "he", "she",
})
_OUTLET_HEADS = re.compile(
    r"\b(?:Times|Post|Herald|Tribune|Gazette|Journal|Daily|News|Radio|TV|Television|Channel|Wire|Press|"
    r"Courier|Chronicle|Observer|Standard|Telegraph|Guardian|Mail|Express|Star|Record|Monitor|Review|"
    r"Agency|Broadcasting|Digest|Ledger|Dispatch|Bulletin)\b"
)
_CAPITALISED = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w’'\-]*(?:\s+(?:of\s+|for\s+|&\s+)?[A-Z0-9][\w’'\-]*)*")


def clean_name(name: str | None) -> str | None:
    """A source name without a leading "as", "by" or article ("as Harbour Times" -> "Harbour Times")."""
    if not name:
        return name
    cleaned = re.sub(r"^(?:(?:as|by|from)\s+)+", "", name.strip(), flags=re.I)
    cleaned = re.sub(r"^[Tt]he\s+(?=[A-Z])", "", cleaned).strip()
    return cleaned or name


def is_generic(name: str | None) -> bool:
    if not name:
        return True
    low = re.sub(r"^(?:the|this|that|a|an)\s+", "", name.strip().lower())
    return low in _GENERIC_NAMES or name.strip().lower() in _GENERIC_NAMES


def _names_before(doc: Document, attributions: list[Attribution], offset: int) -> list[str]:
    """Names given just before an offset: sources of earlier attributions and capitalised
    names in the two sentences before, nearest first."""
    here = doc.sentence_at(offset)
    if here is None:
        return []
    names: list[tuple[int, str]] = []
    first = max(0, here - 2)
    window = (doc.sentences[first].start, offset)
    for a in attributions:
        if a.source_name and not is_generic(a.source_name) and window[0] <= a.start < window[1]:
            names.append((a.start, clean_name(a.source_name)))
    for i in range(first, here + 1):
        s = doc.sentences[i]
        stop = min(s.end, offset)
        for m in _CAPITALISED.finditer(doc.text, s.start, stop):
            text = m.group(0)
            if m.start() == s.start and len(text.split()) == 1:
                continue  # a sentence's first word is capitalised anyway
            if _OUTLET_HEADS.search(text):
                names.append((m.start(), clean_name(text)))
    names.sort(key=lambda t: -t[0])
    seen, out = set(), []
    for _, n in names:
        if name_key(n) not in seen:
            seen.add(name_key(n))
            out.append(n)
    return out


def specific_name(doc: Document, attributions: list[Attribution], chosen: Attribution, link: str | None) -> str | None:
    """For "the paper said": the outlet named before (the one the link points to, if any)."""
    candidates = _names_before(doc, attributions, chosen.start)
    if link:
        for name in candidates:
            if domain_matches_source(link, name):
                return name
        # the link's own page may name it: keep the generic name, the fetched page will tell
        return None
    for name in candidates:
        if _OUTLET_HEADS.search(name):
            return name
    return None


# ---------------------------------------------------------------- attributions

def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covers(attribution: Attribution, span: tuple[int, int]) -> int:
    return sum(_overlap(c, span) for c in attribution.content)


def _paragraph_of(doc: Document, offset: int) -> int | None:
    for i, (start, end) in enumerate(doc.paragraphs):
        if start <= offset < end:
            return i
    return None


def is_self_reference(doc: Document, attribution: Attribution) -> bool:
    """"Reuters was informed", "told Reuters" on reuters.com: the page's own reporting, not a citation."""
    name = clean_name(attribution.source_name)
    if not name:
        return False
    key = name_key(name)
    publisher = name_key(doc.publisher or "")
    if publisher and key and (key == publisher or len(key) >= 8 and publisher.startswith(key)):
        return True  # "Ministry of Health" on the site of the "Ministry of Health of Meridia"
    return domain_matches_source(doc.url, name)


# Labels that open a paragraph with a colon ("Results: ...") without anyone speaking.
_LABELS = frozenset(
    """background methods method results findings conclusion conclusions objective objectives aim aims
    summary abstract introduction discussion limitations interpretation funding context update note
    correction clarification editor's note photo video watch read more listen disclaimer""".split()
) | {"editor's note", "read more", "key points", "what we know"}


def is_label(doc: Document, attribution: Attribution) -> bool:
    """"Results:" in an abstract is a section label, not a source."""
    name = (attribution.source_name or "").strip().lower()
    cue = " ".join(doc.text[s:e] for s, e in attribution.cue).strip()
    return cue == ":" and name in _LABELS


_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})


def is_first_person(attribution: Attribution) -> bool:
    """"We expect", "I'm told", "as I wrote": the page speaking for itself."""
    return (attribution.source_name or "").strip().lower() in _FIRST_PERSON


def _links_on(doc: Document, spans: list[tuple[int, int]]) -> list[Link]:
    """Links on these words that can be a cited item (no tag, topic, home or search page)."""
    keywords = keyword_links(doc.links)
    return [l for l in _links_within(doc, spans) if not navigation_reason(l.href, l.text, doc.url) and l.href not in keywords]


_TIME_PHRASE = re.compile(
    r"^\s*(?:(?:last|earlier|this|previous|that)\s+(?:week|month|year|spring|summer|autumn|fall|winter|time)|"
    r"(?:on|in|at)\s+(?:the\s+time|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|\d{4})|yesterday|earlier|previously|"
    r"\w+\s+(?:days|weeks|months|years)\s+ago)\b", re.I)


def own_link(doc: Document, attribution: Attribution) -> str | None:
    """A link on the attribution's own source or cue words ("as <a>we reported</a>"), or on
    the time phrase right after its cue ("as we reported <a>last month</a>")."""
    links = _links_on(doc, attribution.source) or _links_on(doc, attribution.cue)
    if not links and attribution.cue:
        end = attribution.cue[-1][1]
        links = [l for l in _links_on(doc, [(end, end + 40)])
                 if not doc.text[end : l.start].strip() and _TIME_PHRASE.match(doc.text[l.start : l.end])]
    return next((l.href for l in links if url_key(l.href) != url_key(doc.url)), None)


def _speaks_for_page(doc: Document, attribution: Attribution) -> bool:
    """The page's own voice ("we", "the Herald" on the Herald's site): a citation only
    when it links another page, which is then the outlet's earlier story (a hop)."""
    return (is_self_reference(doc, attribution) or is_first_person(attribution)) and own_link(doc, attribution) is None


# Sources that say where figures come from: "Official figures published by X show", "data from X"
# (a data word in lower case: "Statistics Meridia said" names an office, which may speak of anything).
_DATA_SOURCES = re.compile(r"\b(?:figures|data|statistics|numbers|estimates|census|records|release|tables)\b")


def _provides_figures(attribution: Attribution) -> bool:
    return bool(_DATA_SOURCES.search(attribution.source_name or ""))


def _item_of(doc: Document, offset: int) -> int | None:
    """Which story of a page made of several (a news stream, a live blog) holds an offset."""
    for n, (start, end) in enumerate(doc.items or ()):
        if start <= offset < end:
            return n
    return None


def _heading_like(text: str) -> bool:
    """A heading or an item's title: short, one line, no closing full stop."""
    text = text.strip()
    return 0 < len(text.split()) <= 16 and "\n" not in text and not text.endswith((".", "”", "\"", ":", ";", ","))


# "those who travelled for more than 60 minutes each way reported ...": a measure is no source
_MEASURE = re.compile(
    r"^\s*(?:(?:more|less|fewer)\s+than\s+|over\s+|under\s+|about\s+|around\s+|up\s+to\s+|at\s+least\s+)?[\d.,]+\s*"
    r"(?:%|per\s*cent|percent|minutes?|hours?|days?|weeks?|months?|years?|miles?|km|kilomet\w*|met\w*|kg|kilos?|"
    r"tonnes?|pounds?|dollars?|euros?|litres?)(?![A-Za-z])", re.I)


_DATELINE_CUE = re.compile(r"^\(\s*[^()]{2,60}\)\s*[-—–:]$")


def _is_dateline(doc: Document, attribution: Attribution) -> bool:
    """A wire's dateline credit opening a paragraph: "PLACE, May 3 (Agency) –"."""
    cue = " ".join(doc.text[s:e] for s, e in attribution.cue).strip()
    return attribution.kind == "outlet" and bool(_DATELINE_CUE.match(cue))


def attributions_for_claim(doc: Document, attributions: list[Attribution], match: ClaimMatch) -> list[Attribution]:
    """Attributions behind a claim match, best first: covering its text, then next to it.

    The page's references to itself are skipped (what it was told is the citation), unless
    they link another page: "as the Herald revealed last month" with a link is a hop to the
    outlet's earlier story. Next to it means the sentence before or after in the paragraph,
    or the first sentence of the next paragraph when that one says where the figures came
    from ("Official figures published on Thursday by X show ...").
    """
    span = (match.start, match.end)
    attributions = [a for a in attributions if not _speaks_for_page(doc, a) and not is_label(doc, a)
                    and not _MEASURE.match(a.source_name or "")]
    covering = [a for a in attributions if _covers(a, span) > 0 and a.source_name]
    if covering:
        # the outer attribution is who the page got it from ("according to Reuters, a report says");
        # a wire's dateline credit ("HARTFELL, May 3 (Nordpress) –") on another outlet's page is
        # where the whole story came from, "the airline said" in it included
        covering.sort(key=lambda a: (not _is_dateline(doc, a), a.parent is not None, a.kind == "anonymous", -_covers(a, span)))
        return covering
    paragraph = _paragraph_of(doc, match.start)
    here = doc.sentence_at(match.start)
    last = doc.sentence_at(max(match.start, match.end - 1))
    heading = paragraph is not None and _heading_like(doc.text[slice(*doc.paragraphs[paragraph])])
    item = _item_of(doc, match.start)
    after = (last if last is not None else here) + 1 if here is not None else None
    if heading and item is not None:
        # a story's headline: its first sentence says who, past a time or label line ("6:14 a.m.")
        while after is not None and after < len(doc.sentences) and _item_of(doc, doc.sentences[after].start) == item \
                and len(doc.sentence_text(after).split()) <= 3:
            after += 1
    near = []
    for a in attributions:
        if not a.source_name:
            continue
        where = doc.sentence_at(a.start)
        if here is None or where is None:
            continue
        distance = here - where if where < here else (where - last if last is not None and where > last else 0)
        if _paragraph_of(doc, a.start) == paragraph:
            if distance <= 1:
                near.append((distance, a.parent is not None, a.kind == "anonymous", a))
        elif a.kind != "anonymous" and _item_of(doc, a.start) == item and (
                where == (last if last is not None else here) + 1 and _provides_figures(a) or heading and (
                    where == after or item is not None and where == after + 1)):
            # "Official figures published on Thursday by X show ..." after the claim's paragraph;
            # or the claim is a heading (a live blog's item, a list entry) and its text says who
            # (a story's headline: its lead's first or second sentence); on a page of several
            # stories, never from the next story
            near.append((2 if where != after + 1 else 3, a.parent is not None, False, a))
    near.sort(key=lambda t: t[:3])
    return [t[3] for t in near]


# ---------------------------------------------------------------- links

def _links_within(doc: Document, spans: list[tuple[int, int]]) -> list[Link]:
    return [l for l in doc.links if any(_overlap((l.start, l.end), s) for s in spans)]


def candidate_links(doc: Document, attribution: Attribution, match: ClaimMatch,
                    attributions: list[Attribution] = ()) -> list[str]:
    """Links that may belong to an attribution, best first.

    The link on the source's name, then on the cue, then in the claim sentence, then
    elsewhere in the attribution's sentence; one whose domain matches the source's name
    first. Never a tag, topic, team, search or home page; never a link on another named
    source; in the sentence (not on the source or cue) never an anchor that only names
    something ("Sheffield United"), which is another element of the sentence.
    """
    sentence_index = doc.sentence_at(attribution.cue[0][0] if attribution.cue else attribution.start)
    sentence_span = []
    if sentence_index is not None:
        s = doc.sentences[sentence_index]
        sentence_span = [(s.start, s.end)]
    # links on another named source belong to it, not to this attribution
    others = [sp for a in attributions if a is not attribution and a.source_name and not is_generic(a.source_name)
              and not same_source(a.source_name, attribution.source_name) for sp in a.source]
    own_domain = registered_domain(doc.url)
    name = clean_name(attribution.source_name)
    tiers = [attribution.source, attribution.cue, [(match.start, match.end)], sentence_span]
    ranked: list[tuple[int, int, int, str]] = []
    seen: set[str] = set(keyword_links(doc.links))  # (a site's keyword linker's links are never the citation)
    for t, tier in enumerate(tiers):
        for link in _links_within(doc, tier):
            if link.href in seen or any(_overlap((link.start, link.end), o) for o in others):
                continue
            if url_key(link.href) == url_key(doc.url) or navigation_reason(link.href, link.text, doc.url):
                continue
            matches = domain_matches_source(link.href, name)
            if t >= 2 and is_name_anchor(link.text) and not matches and not domain_matches_source(link.href, link.text):
                continue  # "at Sheffield United": another element of the sentence (but "told the Harbour Times")
            if t >= 2 and not matches and sentence_span and \
                    slug_shares_words(link.href, doc.text[sentence_span[0][0] : sentence_span[0][1]]) is False:
                continue  # a story on something else the sentence mentions: background, not the source
            seen.add(link.href)
            own = registered_domain(link.href) == own_domain
            ranked.append((0 if matches else 1, t, 1 if own else 0, link.href))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked]


def choose_link(doc: Document, attribution: Attribution, match: ClaimMatch,
                attributions: list[Attribution] = ()) -> str | None:
    """The link that belongs to the attribution, if the page gives one."""
    links = candidate_links(doc, attribution, match, attributions)
    return links[0] if links else None


def _same_speaker(a: Attribution, b: Attribution) -> bool:
    """One source under two names: "Housing Minister Maeve Rennick" and "Rennick" (a person's
    surname), or names that are the same once articles are dropped."""
    if same_source(a.source_name, b.source_name):
        return True
    if a.kind != "person" or b.kind != "person":
        return False
    last = [re.findall(r"[A-Z][\w’'\-]+", n or "") for n in (a.source_name, b.source_name)]
    return bool(last[0] and last[1]) and last[0][-1] == last[1][-1]


def _same_source_linked(doc: Document, attributions: list[Attribution], chosen: Attribution) -> list[str]:
    """Links the page gives the same source nearby ("she told <a>MPs</a>" after "Rennick has
    vowed ..."): another attribution of the same name within a paragraph, with a link on its
    own source or cue."""
    here = _paragraph_of(doc, chosen.start)
    out = []
    for a in attributions:
        if a is chosen or not a.source_name or not _same_speaker(a, chosen):
            continue
        where = _paragraph_of(doc, a.start)
        if here is None or where is None or abs(where - here) > 1 or _item_of(doc, a.start) != _item_of(doc, chosen.start):
            continue  # (a neighbouring story of a stream page speaks of something else)
        link = own_link(doc, a)
        if link is None and a.parent is not None and 0 <= a.parent < len(attributions):
            # "Rennick told parliament, according to <a>a transcript</a>": where her words are
            outer = attributions[a.parent]
            link = own_link(doc, outer) if outer.kind != "anonymous" else None
        if link and link not in out:
            out.append(link)
    return out


_DOCUMENT_HEAD = re.compile(
    r"\b(study|report|survey|paper|poll|research|analysis|review|audit|investigation|inquiry|trial|briefing|dossier|"
    r"index|census|count|assessment|evaluation)s?\b", re.I)


def _document_named_again(doc: Document, chosen: Attribution) -> list[str]:
    """"..., a major study has found. <a>The study</a>, by scientists at X, ...": a document named
    by its kind without a link, and linked where the next sentences name it again ("the study",
    "this report"), in its paragraph or the next."""
    heads = list(_DOCUMENT_HEAD.finditer(chosen.source_name or ""))
    here = doc.sentence_at(chosen.start)
    paragraph = _paragraph_of(doc, chosen.start)
    if not heads or here is None or paragraph is None:
        return []
    noun = heads[-1].group(1).lower()
    again = re.compile(rf"\b(?:the|this|that|these|its|their)\s+(?:[\w’'-]+\s+){{0,2}}?{noun}s?\b", re.I)
    for i in range(here + 1, min(here + 3, len(doc.sentences))):
        s = doc.sentences[i]
        where = _paragraph_of(doc, s.start)
        if where is None or where - paragraph > 1:
            break
        for link in _links_on(doc, [(s.start, s.end)]):
            around = doc.text[max(s.start, link.start - 30) : link.end]
            if again.search(around) and url_key(link.href) != url_key(doc.url):
                return [link.href]
    return []


_DATA_HEAD = re.compile(r"\b(?:figures|statistics|data|numbers|estimates)\b", re.I)
_FIGURES_FROM = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:the|these|those|all)\s+(?:[\w-]+\s+){0,2}?(?:figures|statistics|data|numbers|estimates)\b", re.I)


def _figures_note(doc: Document, attributions: list[Attribution]) -> Attribution | None:
    """"The figures are from <a>X</a>, published by Y" (a press release's notes to editors): the
    linked source of the page's figures."""
    for a in attributions:
        where = doc.sentence_at(a.source[0][0]) if a.source else None
        if a.kind != "anonymous" and where is not None and _FIGURES_FROM.match(doc.sentence_text(where)) \
                and any(url_key(l.href) != url_key(doc.url) for l in _links_on(doc, a.source)):
            return a
    return None


def _figures_sourced_elsewhere(doc: Document, attributions: list[Attribution], chosen: Attribution) -> list[str]:
    """"New statistics published today show ..." with no link, and "The figures are from <a>X</a>"
    in the page's notes to editors: the statistics are those the notes link."""
    if not _DATA_HEAD.search(chosen.source_name or ""):
        return []
    for a in attributions:
        if a is chosen or a.kind == "anonymous":
            continue
        where = doc.sentence_at(a.source[0][0]) if a.source else None
        if where is None or not _FIGURES_FROM.match(doc.sentence_text(where)):
            continue
        links = [l.href for l in _links_on(doc, a.source) if url_key(l.href) != url_key(doc.url)]
        if links:
            return links[:1]
    return []


def _sentence_of(doc: Document, offset: int) -> tuple[str | None, tuple[int, int] | None]:
    index = doc.sentence_at(offset)
    if index is None:
        return None, None
    s = doc.sentences[index]
    return doc.text[s.start : s.end], (s.start, s.end)


_HEARER = re.compile(r"\s+(?:(?:the|a)\s+)?(?P<name>[A-Z][\w’'\-]*(?:\s+(?:of\s+)?[A-Z][\w’'\-]*)*)")


def _hearer(doc: Document, attribution: Attribution) -> str | None:
    """Whom anonymous sources told: "people familiar with the matter told the Harbour Times"."""
    if not attribution.cue:
        return None
    cue_end = attribution.cue[-1][1]
    m = _HEARER.match(doc.text, cue_end)
    return clean_name(m.group("name")) if m else None


# "..., first reported by Pitchside": a report credited inside an attribution to unnamed people
_CREDITED = re.compile(
    r"\b(?:(?:first|originally|initially|previously|exclusively|earlier)\s+)?(?:reported|revealed|disclosed|published|broken)"
    r"\s+(?:on\s+\w+\s+)?by\s+(?P<name>(?:the\s+)?[A-Z][\w’'&.\-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w’'&.\-]*){0,4})"
)


def _credited_report(doc: Document, span: tuple[int, int]) -> tuple[str, str, str] | None:
    """(name, cue, link) for "first reported by X" in a sentence, with a link on those words."""
    for m in _CREDITED.finditer(doc.text, span[0], span[1]):
        links = _links_on(doc, [(m.start(), m.end())])
        if links:
            name = m.group("name").rstrip(".")
            return clean_name(name), doc.text[m.start() : m.start("name")].strip(), links[0].href
    return None


@dataclass
class Candidate:
    """One citation a page gives for the claim, with the claim match it belongs to."""

    citation: Citation
    match: ClaimMatch
    attribution: Attribution | None = None
    anonymous: str | None = None  # "people familiar with the matter" when they told the cited source
    extra: dict[str, Any] = field(default_factory=dict)
    alternatives: list[str] = field(default_factory=list)  # other links for the same source, next best first


_STUDY = re.compile(r"\b(?:study|studies|paper|research|researchers|trial|journal|findings|analysis|scientists|authors)\b", re.I)


_NAME_TAIL = re.compile(r"[^,.;:()“”\"]{1,80}")
_DETAIL_START = re.compile(
    r"^\s*(?:obtained|seen|leaked|released|published|compiled|prepared|commissioned|produced|written|drawn up|"
    r"by|from|of|under|through|via)\b", re.I)


def source_name(doc: Document, attribution: Attribution) -> str | None:
    """The source as the page names it. A document named by its kind alone ("documents",
    "a report by the") keeps the words that say which one, up to the next comma:
    "documents obtained under freedom of information laws", "a report by the think tank X"."""
    name = clean_name(attribution.source_name)
    if attribution.kind != "document" or not attribution.source:
        return name
    words = (name or "").split()
    dangling = bool(words) and words[-1].lower() in ("the", "a", "an", "by", "of", "from", "in", "at")
    if len(words) > 2 and not dangling:
        return name
    start, end = attribution.source[0][0], attribution.source[-1][1]
    raw = doc.text[start:end]
    tail = _NAME_TAIL.match(doc.text, end)
    if tail is not None and (dangling or _DETAIL_START.match(tail.group(0))):
        raw += tail.group(0)
    raw = re.split(r"[;:(]|,(?!\d{3}\b)", raw)[0]  # (not the comma of "2,140")
    raw = re.sub(r"\s+", " ", raw).strip()
    if len(raw.split()) <= len(words) or len(raw.split()) > 14:
        return name
    return clean_name(re.sub(r"^(?:the|a|an)\s+", "", raw, flags=re.I)) or name


def _citation(doc: Document, attributions: list[Attribution], chosen: Attribution, match: ClaimMatch,
              notes: PageNotes | None = None) -> Candidate:
    links = candidate_links(doc, chosen, match, attributions)
    if is_self_reference(doc, chosen) or is_first_person(chosen):
        links = [l for l in [own_link(doc, chosen)] if l]  # the outlet's earlier story, on its own words only
    resolved_by = "link"
    if not links and chosen.kind != "anonymous":
        links = _same_source_linked(doc, attributions, chosen)
    if not links and chosen.kind == "document":
        links = _document_named_again(doc, chosen) or _figures_sourced_elsewhere(doc, attributions, chosen)
    if not links and notes and notes.scholarly and (chosen.kind == "document" or _STUDY.search(chosen.source_name or "")):
        # "according to a study led by engineers at X": the paper, from the publication details
        links = [h for h, _, _ in sorted(notes.scholarly, key=lambda s: not _DOI.search(s[0]))]
        links = list(dict.fromkeys(links))
        resolved_by = "publication-details"
    link = links[0] if links else None
    cue = " ".join(doc.text[s:e] for s, e in chosen.cue) or None
    anchor = chosen.cue[0][0] if chosen.cue else chosen.start
    sentence, span = _sentence_of(doc, anchor)
    name, kind = source_name(doc, chosen), chosen.kind
    anonymous = None
    if kind == "anonymous":
        hearer = _hearer(doc, chosen)
        credited = _credited_report(doc, span) if span else None
        if hearer and not (doc.publisher and same_source(hearer, doc.publisher)) and not domain_matches_source(doc.url, hearer):
            # "people familiar with the matter told the Harbour Times": the page cites the Harbour Times
            anonymous, name, kind = name, hearer, "outlet" if _OUTLET_HEADS.search(hearer) else "unknown"
            link = next((l for l in candidate_links(doc, chosen, match, attributions) if domain_matches_source(l, hearer)),
                        link)
        elif credited and not same_source(credited[0], doc.publisher) and not domain_matches_source(doc.url, credited[0]):
            # "according to people with knowledge of the talks, first reported by X": X's report
            anonymous, (name, cue, link) = name, credited
            kind = "outlet"
        else:
            link = None  # a link near anonymous sources is not theirs
        links = [link] if link else []
    elif is_generic(name):
        better = specific_name(doc, attributions, chosen, link)
        if better:
            name = better
            kind = "outlet" if _OUTLET_HEADS.search(better) else kind
    citation = Citation(
        source=name,
        kind=kind,
        cue=cue,
        link=link,
        sentence=sentence,
        sentence_span=span,
        cue_span=chosen.cue[0] if chosen.cue else None,
        resolved_by=resolved_by if link else None,
    )
    same = [l for l in links[1:] if l != link and (domain_matches_source(l, name) or l in _spans_links(doc, chosen))]
    if link and kind != "anonymous":
        # the same source linked again nearby ("... said on Monday. The rise is set out in <a>its notice</a>")
        here = _paragraph_of(doc, chosen.start)
        for l in doc.links:
            where = _paragraph_of(doc, l.start)
            if here is not None and where is not None and abs(where - here) <= 1 and l.href != link and l.href not in same \
                    and domain_matches_source(l.href, name) and not navigation_reason(l.href, l.text, doc.url):
                same.append(l.href)
    return Candidate(citation, match, chosen, anonymous, alternatives=same)


def names_itself(doc: Document, name: str | None, cited_as: str | None, cited_kind: str | None) -> bool:
    """On the page of an organisation a hop cited ("the company said" -> its announcement), the
    organisation naming itself in the third person ("Brightwater announces that ...") is its own
    statement, not a further source: the name is the one the hop was cited by, or every word of it
    is in the page's title. (A news outlet's page naming the same body cites it.)"""
    if cited_kind != "organisation" or not name:
        return False
    if same_source(name, cited_as):
        return True
    words = [w for w in re.findall(r"[a-z0-9]+", (clean_name(name) or "").lower()) if w not in ("the", "a", "an", "of")]
    title = set(re.findall(r"[a-z0-9]+", (doc.title or "").lower()))
    return bool(words) and len("".join(words)) >= 4 and all(w in title for w in words)


def _spans_links(doc: Document, attribution: Attribution) -> list[str]:
    """Links on an attribution's own source or cue words."""
    return [l.href for l in _links_on(doc, attribution.source + attribution.cue)]


def _note_citation(doc: Document, match: ClaimMatch, notes: PageNotes) -> Candidate | None:
    """A footnote marker on the claim's sentence ("... 9.1 percent.[2]"): the item of the
    sources list it points at. The marker may close the sentence or open the next one."""
    first = doc.sentence_at(match.start)
    last = doc.sentence_at(max(match.start, match.end - 1))
    if first is None or last is None:
        return None
    start = doc.sentences[first].start
    end = doc.sentences[min(last + 1, len(doc.sentences) - 1)].start + 8 if last + 1 < len(doc.sentences) else doc.sentences[last].end
    end = max(end, doc.sentences[last].end)
    window = doc.text[start:end]
    for note in notes.notes:
        marker = note.marker.strip()
        if marker.startswith(("[", "(")):
            pos = window.find(marker)
        else:
            # a bare superscript "2" or "*" glued to the words it marks: "... 9.1 percent.2"
            found = re.search(r"(?<=[^\W\d_]|[.,;:!?”’)\]])" + re.escape(marker) + r"(?![\d%])", window)
            pos = found.start() if found else -1
        if pos < 0:
            continue
        at = start + pos
        if at > doc.sentences[last].end + 2 and doc.text[doc.sentences[last].end : at].strip():
            continue  # the next sentence's own marker
        name = note.name or note.text.split(",")[0]
        kind = canonical_source(name)[1] if name else "unknown"
        sentence, span = _sentence_of(doc, match.start)
        citation = Citation(source=name, kind=kind if kind != "unknown" else "document", cue=marker, link=note.href,
                            sentence=sentence, sentence_span=span, cue_span=(at, at + len(marker)), resolved_by="footnote")
        return Candidate(citation, match, None, extra={"note": note.text})
    return None


_SOURCE_LINE = re.compile(
    r"^\s*(?:sources?|data(?:\s+sources?)?|figures|statistics|graphic|chart)(?:\s+(?:from|by))?\s*:\s*(?P<name>\S.{0,150})$", re.I)


def source_line(doc: Document, match: ClaimMatch, notes: PageNotes | None) -> Candidate | None:
    """"Source: Office of X, annual survey" at the foot of the article (or under a chart) names
    where its figures come from: the citation of a figure the page attributes to no one."""
    if notes is None or notes.source_line is None or not re.search(r"\d", match.text or ""):
        return None
    href, name, cue = notes.source_line
    sentence, span = _sentence_of(doc, match.start)
    kind = canonical_source(name)[1] if name else "document"
    citation = Citation(source=clean_name(name), kind=kind if kind not in ("unknown", "person") else "document", cue=cue,
                        link=href, sentence=sentence, sentence_span=span, resolved_by="source-line" if href else None)
    return Candidate(citation, match, None)


def wire_byline(doc: Document, notes: PageNotes | None) -> Citation | None:
    """A byline or reporting credit naming a wire service other than the page's publisher ("By
    Global Wire" on a newspaper's page, "Reporting by X"): the wire is where the story, and a
    claim the page attributes to no one, comes from. Its link when the byline links the wire's
    story; else the trace looks the wire's page up by name, or names it as not online."""
    from tracer.attribution.sources import is_wire_service

    for name, cue, line, href in (notes.bylines if notes else []):
        if not is_wire_service(name) or same_source(name, doc.publisher) or domain_matches_source(doc.url, name):
            continue
        if href and (registered_domain(href) == registered_domain(doc.url) or navigation_reason(href, name, doc.url)):
            href = None  # the byline links the wire's home page or the outlet's own author page
        return Citation(source=clean_name(name) or name, kind="outlet", cue=cue, link=href, sentence=line,
                        resolved_by="byline" if href else None)
    return None


def syndicated_original(doc: Document, notes: PageNotes | None) -> Citation | None:
    """A syndicated copy leads to the original: a credit line ("This article originally
    appeared on X", with a link) or a canonical link to another site."""
    credit = notes.credit if notes else None
    if credit and registered_domain(credit[0]) != registered_domain(doc.url) and not navigation_reason(credit[0], credit[1], doc.url):
        href, name, line = credit
        cue = _CREDIT.search(line)
        return Citation(source=clean_name(name) or registered_domain(href), kind="outlet", cue=cue.group(0) if cue else line,
                        link=href, sentence=line, resolved_by="credit-line")
    canonical = doc.canonical
    if canonical and registered_domain(canonical) and registered_domain(canonical) != registered_domain(doc.url) \
            and not navigation_reason(canonical, "", doc.url) and not domain_matches_source(canonical, doc.publisher):
        # (a page whose own publisher owns the canonical host is that page, served from elsewhere)
        return Citation(source=registered_domain(canonical), kind="outlet", cue="canonical link", link=canonical,
                        sentence=None, resolved_by="canonical")
    return None


def citations_for_claim(doc: Document, attributions: list[Attribution], matches: list[ClaimMatch],
                        *, branch_ratio: float = 0.8, notes: PageNotes | None = None) -> list[Candidate]:
    """Every distinct source the page cites for the claim, the main one first.

    The main citation belongs to the best claim match that has one; another source
    counts too when its own sentence carries the claim nearly as well (a claim
    attributed to two sources: a branch). A footnote marker on the claim sentence is a
    citation of the note's item; a link found in a linked attribution comes before it.
    """
    out: list[Candidate] = []
    best_score = None
    for match in matches:
        candidates = attributions_for_claim(doc, attributions, match)
        if not candidates and notes and notes.scholarly:
            # "according to a study led by our engineers": the page's own study, published elsewhere
            candidates = [a for a in attributions if _covers(a, (match.start, match.end)) > 0 and a.source_name
                          and (a.kind == "document" or _STUDY.search(a.source_name or "")) and a.kind != "anonymous"][:1]
            if not candidates:
                # a page about a study (a press release) states a finding with no cue, after naming the
                # study it is about ("..., according to new research from X"): that study, whose
                # publication details the page links
                candidates = [a for a in attributions if a.start < match.start and a.source_name and a.kind != "anonymous"
                              and (a.kind == "document" or _STUDY.search(a.source_name or ""))][:1]
        note = _note_citation(doc, match, notes) if notes and notes.notes else None
        if not candidates and note is None:
            note = source_line(doc, match, notes) or post_credit(doc, match, notes)
        if not candidates and note is None and re.search(r"\d", match.text or ""):
            # a figure the text attributes to no one, and "The figures are from <a>X</a>" in the notes
            sourced = _figures_note(doc, attributions)
            candidates = [sourced] if sourced is not None else []
        if not candidates and note is None:
            continue
        if best_score is None:
            best_score = match.score
            main = _citation(doc, attributions, candidates[0], match, notes) if candidates else None
            if note is not None and (main is None or not main.citation.link):
                out.append(note)  # the note is what the page cites; an unlinked name beside it is its content
                rest = []
            else:
                out.append(main)
                chosen = candidates[0]
                # a sibling attribution covering the same sentence ("X and Y reported") is a branch too
                rest = [a for a in candidates[1:] if a.parent is None and chosen.parent is None and _covers(a, (match.start, match.end))]
        else:
            if match.score < best_score * branch_ratio or not candidates:
                continue
            rest = candidates[:1]
        for a in rest:
            if a.kind == "anonymous" or any(c.attribution is not None and _covered_by(a, c.attribution) for c in out):
                continue
            candidate = _citation(doc, attributions, a, match, notes)
            if any(same_source(candidate.citation.source, c.citation.source) or
                   candidate.citation.link and candidate.citation.link == c.citation.link for c in out):
                continue
            out.append(candidate)
    # "according to overnight reports" (a live page's summary) beside the item that names and
    # links the report: a source with neither a name nor a link is no source of its own
    vague = [c for c in out if c.attribution is not None and not c.citation.link and c.citation.kind != "anonymous"
             and c.citation.source and not re.search(r"[A-Z0-9]", c.citation.source)]
    if vague and any(c.citation.link for c in out):
        out = [c for c in out if c not in vague]
    if out and out[0].attribution is not None:
        fixed = _corrected_source(doc, attributions, out[0])
        if fixed is not None:
            out[0] = _citation(doc, attributions, fixed, out[0].match, notes)
    return out


_CORRECTION = re.compile(r"^\W{0,3}(?:correction|clarification|update|editor'?’?s\s+note|amendment)\b[^:.]{0,40}[:.]", re.I)
_REPLACED = re.compile(r"\b(?:earlier|previous|original)\s+version\b|\b(?:wrongly|incorrectly|mistakenly|erroneously)\b|\bpreviously\s+(?:said|stated|attributed)", re.I)


def _corrected_source(doc: Document, attributions: list[Attribution], chosen: Candidate) -> Attribution | None:
    """"Correction: An earlier version of this article said the figure came from the port
    authority. It came from a survey by <a>X</a>.": a correction note that names the source
    the story cites as the one it replaced gives, in its place, the linked source it names."""
    old = chosen.citation.source or ""
    old_words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", old)} - {"the", "and"}
    if not old_words:
        return None
    text = doc.text or ""
    for a, b in doc.paragraphs or []:
        para = text[a:b]
        if not _CORRECTION.match(para) or not _REPLACED.search(para):
            continue
        if not old_words <= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", para)}:
            continue  # the correction is about something else
        for att in attributions:
            if a <= att.start < b and att.link and att is not chosen.attribution and att.kind != "anonymous" \
                    and not same_source(att.source_name, old) and not set(re.findall(r"[a-z]{3,}", (att.source_name or "").lower())) <= old_words:
                return att
    return None


def _covered_by(a: Attribution, b: Attribution) -> bool:
    """Is a nested in b (or b in a)? Then they are one chain, not two branches."""
    return a is b or any(_overlap((a.start, a.end), c) for c in b.content) and (a.parent is not None) or \
        any(_overlap((b.start, b.end), c) for c in a.content) and (b.parent is not None)


def choose_citation(doc: Document, attributions: list[Attribution], matches: list[ClaimMatch]) -> Citation | None:
    """What the page cites for the claim, or None when it cites nobody for it."""
    found = citations_for_claim(doc, attributions, matches)
    return found[0].citation if found else None


# ---------------------------------------------------------------- lookup of unlinked sources

@dataclass
class LookupHit:
    """A stored page that a named but unlinked source may be: its URL, date and claim sentence."""

    url: str
    document_id: str
    score: float
    published: str | None
    evidence: str
    title: str | None = None
    publisher: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "score": round(self.score, 3), "published": self.published, "title": self.title}


def _as_date(value: date | str | None) -> date | None:
    from tracer.read.dates import parse_date

    if value is None or isinstance(value, date):
        return value
    return parse_date(value)


def _from_source(url: str, publisher: str | None, source_name: str) -> bool:
    return domain_matches_source(url, source_name) or same_source(publisher, source_name)


# Up to this many stored pages a lookup reads them all (exact, paraphrase-proof); past it,
# only the pages the corpus full-text index finds for the claim (bounded time on big corpora).
# The caller passes that search in (``corpus.search.claim_candidates``): the corpus uses this
# module to read citations, so this module does not import the corpus.
LOOKUP_SCAN_LIMIT = 5000
CandidateSearch = Callable[[Any, str], list]


def _lookup_rows(db, claim: str, candidates: CandidateSearch | None) -> list[tuple]:
    columns = "select id, url, canonical, publisher, published, title from documents"
    if candidates is None or db.execute("select count(*) from documents").fetchone()[0] <= LOOKUP_SCAN_LIMIT:
        return db.execute(columns).fetchall()
    ids = candidates(db, claim)
    rows: list[tuple] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows += db.execute(f"{columns} where id in ({','.join('?' * len(chunk))})", chunk).fetchall()
    return rows


def lookup_candidates(db, source_name: str, claim: str, before: date | str | None = None,
                      window: tuple[date, date] | None = None, *, exclude: set[str] | frozenset[str] = frozenset(),
                      threshold: float = LOOKUP_THRESHOLD,
                      candidates: CandidateSearch | None = None) -> list[LookupHit]:
    """Stored pages that may be what the named source published, best first."""
    from tracer.read.dates import is_after, parse_date
    from tracer.claims.match import find_claim
    from tracer.read.sentences import split_paragraphs, split_sentences

    name = clean_name(source_name)
    if not name or is_generic(name):
        return []
    before_day = _as_date(before)
    hits: dict[str, LookupHit] = {}
    rows = _lookup_rows(db, claim, candidates)
    for doc_id, url, canonical, publisher, published, title in rows:
        if url in exclude or (canonical and canonical in exclude):
            continue
        if not _from_source(url, publisher, name):
            continue
        day = parse_date(published)
        if window is not None and (day is None or not window[0] <= day <= window[1]):
            continue
        if before is not None and day is not None:
            if isinstance(before, str) and is_after(published, before) or before_day and day > before_day:
                continue
        text = db.execute("select text from documents where id = ?", [doc_id]).fetchone()[0] or ""
        paragraphs = split_paragraphs(text)
        doc = Document(url=url, text=text, paragraphs=paragraphs, sentences=split_sentences(text, paragraphs))
        matches = find_claim(doc, claim, limit=1, threshold=0.0)
        if not matches:
            continue
        score = matches[0].score * (1.0 if day is not None else _UNDATED_FACTOR)
        if score < threshold:
            continue
        key = canonical or url
        if key not in hits or hits[key].score < score:
            hits[key] = LookupHit(url, doc_id, score, published, matches[0].text, title, publisher)
    return sorted(hits.values(), key=lambda h: -h.score)


def lookup_source(db, source_name: str, claim: str, before: date | str | None = None,
                  window: tuple[date, date] | None = None, *, exclude: set[str] | frozenset[str] = frozenset(),
                  threshold: float = LOOKUP_THRESHOLD,
                  candidates: CandidateSearch | None = None) -> LookupHit | None:
    """The stored page most likely to be what an unlinked source published with the claim.

    Pages from the source's host (registered domain matching the name, or the same
    publisher name), published before ``before`` (the citing page's date) and inside
    ``window`` (from "on Friday", "last week"), carrying the claim with a score of at
    least ``threshold``; None when there is none. A plain scan of the ``documents``
    table, or past LOOKUP_SCAN_LIMIT pages only the ids ``candidates(db, claim)`` returns.
    """
    found = lookup_candidates(db, source_name, claim, before, window, exclude=exclude, threshold=threshold,
                              candidates=candidates)
    return found[0] if found else None


# ---------------------------------------------------------------- what the page says beyond its sentences
#
# Some citations sit outside the article's sentences: a footnote marker "[2]" points at an item
# of the sources list, a syndicated copy names the original in a credit line and a canonical
# link, a press release gives the paper it is about in a publication-details box. They are
# read from the page's HTML, once, into PageNotes.

_DOI = re.compile(r"(?:^|/|doi:)(10\.\d{4,9}/[^\s?#]+)", re.I)
_CREDIT = re.compile(
    r"\b(?:(?:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:on|in|at|by)"
    r"|(?:re)?published\s+(?:here\s+)?(?:with|by)\s+(?:kind\s+)?permission\s+(?:of|from)"
    r"|republished\s+from|syndicated\s+from|reproduced\s+from"
    # an aggregator's item: its summary, then where the story is ("Read more at X", "Full story on X")
    r"|(?:read\s+(?:more|the\s+(?:full|whole|original)(?:\s+(?:story|article|report))?)|continue\s+reading)\s+(?:at|on)"
    r"|(?:full|original)\s+(?:story|article)\s+(?:at|on))\b",
    re.I,
)
_NOTE_MARKER = re.compile(r"^\s*[\[(]?\s*(\d{1,3}|[*†‡§¶])\s*[\])]?\s*$")
_PUBLISHED_IN = re.compile(r"\b(?:published|appears?|appeared)\s+in\b|\bjournal\b|\bdoi\b|\bpaper\b", re.I)


@dataclass
class NoteRef:
    """An item of the page's notes or sources list that a marker in the text points at."""

    marker: str  # as the text shows it: "[2]", "2", "*"
    href: str
    text: str  # the whole note
    name: str | None  # who published what the note cites ("The Daily Ledger")


@dataclass
class PageNotes:
    notes: list[NoteRef] = field(default_factory=list)
    scholarly: list[tuple[str, str, str]] = field(default_factory=list)  # (href, anchor, context)
    credit: tuple[str, str, str] | None = None  # (href, name, line): "This article originally appeared on X"
    source_line: tuple[str | None, str, str] | None = None  # (href, name, cue): "Source: X"
    # names the page credits for the story: its byline ("By Global Wire", "Ruth Ferrell, Nordic
    # Press Agency") and reporting credits ("Reporting by X"), as (name, cue, line, href or None)
    bylines: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    # a post's own credit line ("Source: <a>X</a>", "via <a>X</a>" on a line of its own inside a
    # forum post or an aggregator's item), as (href, name, cue, the post's text)
    post_credits: list[tuple[str, str, str, str]] = field(default_factory=list)


def _element_text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def _note_name(el, link_el) -> str | None:
    """Who published what a note cites: its italic or <cite> part, else what follows the
    linked title ("…”, The Daily Ledger, 6 March 2025"), else what precedes it."""
    for tag in ("cite", "em", "i"):
        for c in el.iter(tag):
            if c is not link_el and link_el not in c.iterancestors() and c not in link_el.iterancestors():
                name = _element_text(c)
                if name and len(name) < 80:
                    return name
    text = _element_text(el)
    anchor = _element_text(link_el)
    if anchor and anchor in text:
        after = text.split(anchor, 1)[1].strip(" “”\"'‘’,.;:")
        first = after.split(",")[0].strip()
        if first and first[:1].isupper() and len(first.split()) <= 6 and not re.search(r"\d{4}", first):
            return first
        before = text.split(anchor, 1)[0].strip(" “”\"'‘’,.;:")
        if before:
            return before.split(",")[0].strip() or None
    return None


def page_notes(html: str | bytes | None, url: str) -> PageNotes:
    """Footnotes, scholarly links and a syndication credit line, read from a page's HTML."""
    from urllib.parse import urldefrag, urljoin

    from tracer.read.extract import parse_html

    found = PageNotes()
    if not html:
        return found
    root = parse_html(html)
    if root is None:
        return found

    def absolute(href: str | None) -> str | None:
        if not href or href.strip().startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        try:
            target = urldefrag(urljoin(url, href.strip()))[0]
        except ValueError:
            return None
        return target if target.startswith(("http://", "https://")) else None

    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        marker = _element_text(a)
        if href.startswith("#") and len(href) > 1 and _NOTE_MARKER.match(marker):
            note = by_id.get(href[1:])
            if note is None:
                continue
            outward = [x for x in note.iter("a") if absolute(x.get("href"))]
            if not outward:
                continue
            link_el = outward[0]
            found.notes.append(NoteRef(marker, absolute(link_el.get("href")), _element_text(note),
                                       _note_name(note, link_el)))
    for a in root.iter("a"):
        target = absolute(a.get("href"))
        if not target:
            continue
        block = next((p for p in a.iterancestors() if p.tag in ("p", "li", "dd", "div", "td", "section", "aside")), None)
        context = _element_text(block) if block is not None else _element_text(a)
        if _DOI.search(target) or (len(context) < 600 and _PUBLISHED_IN.search(context) and block is not None
                                     and any(p.tag in ("aside", "dl") or re.search(r"publication|citation|reference", f"{p.get('class') or ''} {p.get('id') or ''}", re.I)
                                             for p in [block, *block.iterancestors()])):
            found.scholarly.append((target, _element_text(a), context[:300]))
        if found.credit is None and len(context) < 300 and _CREDIT.search(context):
            found.credit = (target, _element_text(a), context)
    body = root.find("body")
    for el in (body if body is not None else root).iter("p", "div", "li", "figcaption", "small", "span", "dd"):
        text = _element_text(el)
        if len(text) > 200 or any(c.tag in ("p", "div", "li") for c in el):
            continue
        m = _SOURCE_LINE.match(text)
        if m is None:
            continue
        outward = [absolute(x.get("href")) for x in el.iter("a")]
        outward = [h for h in outward if h and not navigation_reason(h, "", url)]
        name = re.split(r"[;]", m.group("name"))[0].strip(" .")
        found.source_line = (outward[0] if outward else None, name, text[: m.start("name")].strip())
        break
    found.bylines = _bylines(root, absolute)
    found.post_credits = _post_credits(body if body is not None else root, absolute, url)
    return found


_POST_CREDIT = re.compile(r"^\s*(?:(?:sources?|via|h/t|hat\s+tip|credit)\s*[:\-–—]|via\s|h/t\s)\s*(?P<name>\S.{0,120})$", re.I)


def _post_credits(root, absolute, url: str) -> list[tuple[str, str, str, str]]:
    """Credit lines inside a post: a line of its own, between line breaks, that names and links
    where the post's story comes from ("Source: <a>Brindle Bugle</a>", "via <a>X</a>")."""
    out = []
    for el in root.iter("div", "p", "td", "blockquote", "li", "dd"):
        if el.find("br") is None or any(c.tag in ("p", "div", "li", "table") for c in el):
            continue
        lines: list[list] = [[]]  # each line: its text pieces and links
        pieces = [el.text or ""]
        for child in el:
            if child.tag == "br":
                pieces.append("\n")
            elif isinstance(child.tag, str):
                pieces.append(child)
            pieces.append(child.tail or "")
        for piece in pieces:
            if isinstance(piece, str):
                parts = piece.split("\n")
                lines[-1].append(parts[0])
                for part in parts[1:]:
                    lines.append([part])
            else:
                lines[-1].append(piece)
        post = _element_text(el)
        for line in lines:
            text = re.sub(r"\s+", " ", "".join(p if isinstance(p, str) else _element_text(p) for p in line)).strip()
            m = _POST_CREDIT.match(text) if len(text) <= 140 else None
            if m is None:
                continue
            hrefs = [absolute(a.get("href")) for p in line if not isinstance(p, str)
                     for a in ([p] if p.tag == "a" else p.iter("a"))]
            hrefs = [h for h in hrefs if h and not navigation_reason(h, "", url)]
            if hrefs:
                out.append((hrefs[0], m.group("name").strip(" ."), text[: m.start("name")].strip(), post))
    return out


def post_credit(doc: Document, match: ClaimMatch, notes: PageNotes | None) -> Candidate | None:
    """A post that credits its story on a line of its own ("Source: <a>X</a>") cites X for
    every claim the post makes (on a forum or an aggregator: the post, not the page)."""
    if notes is None or not notes.post_credits or not match.text:
        return None
    said = re.sub(r"\s+", " ", match.text).strip()
    for href, name, cue, post in notes.post_credits:
        if said and said in post:
            sentence, span = _sentence_of(doc, match.start)
            kind = canonical_source(name)[1] if name else "unknown"
            citation = Citation(source=clean_name(name) or name, kind=kind, cue=cue or None, link=href,
                                sentence=sentence, sentence_span=span, resolved_by="credit-line")
            return Candidate(citation, match, None)
    return None


_BYLINE_HINT = re.compile(r"byline|author|credit|contributor|reporter", re.I)
_REPORTING_BY = re.compile(r"^\s*(?:(?:additional|further)\s+)?reporting\s+by\s+(?P<names>.{2,150}?)\s*[.;]?\s*(?:$|;|\.\s)", re.I)
_BY = re.compile(r"^\s*by\s+", re.I)


def _byline_names(text: str) -> list[str]:
    """"By Ruth Ferrell, Nordic Press Agency" -> ["Ruth Ferrell", "Nordic Press Agency"]."""
    text = _BY.sub("", text)
    text = re.split(r"\s[|·•—–]\s|\s-\s", text)[0]  # "By X | 2 May 2024"
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*|\s*/\s*|\s+for\s+|\s+with\s+", text)
    return [p.strip(" .;:") for p in parts if p.strip(" .;:") and len(p) < 80]


def _bylines(root, absolute) -> list[tuple[str, str, str, str | None]]:
    """Who the page credits for the story: byline elements (class, id, itemprop or rel naming a
    byline, author or credit) and "Reporting by ..." lines."""
    found: list[tuple[str, str, str, str | None]] = []
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "nav", "footer"):
            continue
        hint = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''} {el.get('rel') or ''}"
        text = _element_text(el)
        if not text or len(text) > 160:
            continue
        reporting = _REPORTING_BY.match(text)
        if reporting:
            cue, names = "reporting by", _byline_names(reporting.group("names"))
        elif _BYLINE_HINT.search(hint) and not any(_BYLINE_HINT.search(f"{p.get('class') or ''} {p.get('id') or ''}")
                                                   for p in el.iterancestors() if isinstance(p.tag, str)):
            cue, names = "byline", _byline_names(text)
        else:
            continue
        links = {_element_text(a): absolute(a.get("href")) for a in el.iter("a")}
        for name in names:
            entry = (name, cue, text, links.get(name))
            if entry not in found:
                found.append(entry)
    return found
