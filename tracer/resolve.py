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
from tracer.web.urls import domain_matches_source, name_key, registered_domain

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


def attributions_for_claim(doc: Document, attributions: list[Attribution], match: ClaimMatch) -> list[Attribution]:
    """Attributions behind a claim match, best first: covering its text, then next to it.

    The page's references to itself are skipped: what it was told is the citation.
    """
    span = (match.start, match.end)
    attributions = [a for a in attributions if not is_self_reference(doc, a) and not is_label(doc, a)]
    covering = [a for a in attributions if _covers(a, span) > 0 and a.source_name]
    if covering:
        # the outer attribution is who the page got it from ("according to Reuters, a report says")
        covering.sort(key=lambda a: (a.parent is not None, a.kind == "anonymous", -_covers(a, span)))
        return covering
    paragraph = _paragraph_of(doc, match.start)
    here = doc.sentence_at(match.start)
    last = doc.sentence_at(max(match.start, match.end - 1))
    near = []
    for a in attributions:
        if not a.source_name or _paragraph_of(doc, a.start) != paragraph:
            continue
        where = doc.sentence_at(a.start)
        if here is None or where is None:
            continue
        distance = here - where if where < here else (where - last if last is not None and where > last else 0)
        if distance <= 1:
            near.append((distance, a.parent is not None, a.kind == "anonymous", a))
    near.sort(key=lambda t: t[:3])
    return [t[3] for t in near]


# ---------------------------------------------------------------- links

def _links_within(doc: Document, spans: list[tuple[int, int]]) -> list[Link]:
    return [l for l in doc.links if any(_overlap((l.start, l.end), s) for s in spans)]


def candidate_links(doc: Document, attribution: Attribution, match: ClaimMatch,
                    attributions: list[Attribution] = ()) -> list[str]:
    """Links that may belong to an attribution, best first."""
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
    seen: set[str] = set()
    for t, tier in enumerate(tiers):
        for link in _links_within(doc, tier):
            if link.href in seen or any(_overlap((link.start, link.end), o) for o in others):
                continue
            if link.href.rstrip("/") == doc.url.rstrip("/"):
                continue
            seen.add(link.href)
            matches = domain_matches_source(link.href, name)
            own = registered_domain(link.href) == own_domain
            ranked.append((0 if matches else 1, t, 1 if own else 0, link.href))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked]


def choose_link(doc: Document, attribution: Attribution, match: ClaimMatch,
                attributions: list[Attribution] = ()) -> str | None:
    """The link that belongs to the attribution, if the page gives one."""
    links = candidate_links(doc, attribution, match, attributions)
    return links[0] if links else None


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


@dataclass
class Candidate:
    """One citation a page gives for the claim, with the claim match it belongs to."""

    citation: Citation
    match: ClaimMatch
    attribution: Attribution | None = None
    anonymous: str | None = None  # "people familiar with the matter" when they told the cited source
    extra: dict[str, Any] = field(default_factory=dict)


def _citation(doc: Document, attributions: list[Attribution], chosen: Attribution, match: ClaimMatch) -> Candidate:
    link = choose_link(doc, chosen, match, attributions)
    cue = " ".join(doc.text[s:e] for s, e in chosen.cue) or None
    anchor = chosen.cue[0][0] if chosen.cue else chosen.start
    sentence, span = _sentence_of(doc, anchor)
    name, kind = clean_name(chosen.source_name), chosen.kind
    anonymous = None
    if kind == "anonymous":
        hearer = _hearer(doc, chosen)
        if hearer and not (doc.publisher and same_source(hearer, doc.publisher)) and not domain_matches_source(doc.url, hearer):
            # "people familiar with the matter told the Harbour Times": the page cites the Harbour Times
            anonymous, name, kind = name, hearer, "outlet" if _OUTLET_HEADS.search(hearer) else "unknown"
            link = next((l for l in candidate_links(doc, chosen, match, attributions) if domain_matches_source(l, hearer)),
                        link)
        else:
            link = None  # a link near anonymous sources is not theirs
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
        resolved_by="link" if link else None,
    )
    return Candidate(citation, match, chosen, anonymous)


def citations_for_claim(doc: Document, attributions: list[Attribution], matches: list[ClaimMatch],
                        *, branch_ratio: float = 0.8) -> list[Candidate]:
    """Every distinct source the page cites for the claim, the main one first.

    The main citation belongs to the best claim match that has one; another source
    counts too when its own sentence carries the claim nearly as well (a claim
    attributed to two sources: a branch).
    """
    out: list[Candidate] = []
    best_score = None
    for match in matches:
        candidates = attributions_for_claim(doc, attributions, match)
        if not candidates:
            continue
        if best_score is None:
            best_score = match.score
            out.append(_citation(doc, attributions, candidates[0], match))
            chosen = candidates[0]
            # a sibling attribution covering the same sentence ("X and Y reported") is a branch too
            rest = [a for a in candidates[1:] if a.parent is None and chosen.parent is None and _covers(a, (match.start, match.end))]
        else:
            if match.score < best_score * branch_ratio:
                continue
            rest = candidates[:1]
        for a in rest:
            if a.kind == "anonymous" or any(_covered_by(a, c.attribution) for c in out):
                continue
            candidate = _citation(doc, attributions, a, match)
            if any(same_source(candidate.citation.source, c.citation.source) or
                   candidate.citation.link and candidate.citation.link == c.citation.link for c in out):
                continue
            out.append(candidate)
    return out


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
