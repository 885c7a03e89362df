"""Decide what a page cites for the claim: the attribution behind it and the link to follow.

Only attributions that cover the claim's sentence (or sit next to it in the
same paragraph) count; every other attribution in the article is ignored.
Among the links of that attribution, the one on the source's name wins, then
the one on the cue ("reported"), then one elsewhere in the sentence; a link
whose registered domain matches the source's name is preferred over others.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from .models import Attribution, Citation, ClaimMatch, Document, Link


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # ships its own list: no download at run time


def registered_domain(url_or_host: str) -> str | None:
    host = urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host
    if not host:
        return None
    host = host.lower().rstrip(".")
    try:
        return _psl().privatesuffix(host) or host
    except Exception:  # noqa: BLE001 - an odd host is simply not matched
        return host


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def domain_matches_source(url: str, source_name: str | None) -> bool:
    """Does a link's registered domain belong to the named source ("Reuters" -> reuters.com)?"""
    if not source_name:
        return False
    domain = registered_domain(url)
    if not domain:
        return False
    label = _name_key(domain.split(".")[0])
    words = [w for w in re.findall(r"[A-Za-z0-9]+", source_name) if w.lower() not in {"the", "a", "an", "of"}]
    key = _name_key("".join(words))
    initials = "".join(w[0] for w in words).lower()
    return bool(label) and (label in key or key in label or label == initials or
                            any(len(w) > 3 and _name_key(w) == label for w in words))


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
    name = attribution.source_name
    if not name:
        return False
    if doc.publisher and _name_key(name) == _name_key(doc.publisher):
        return True
    return domain_matches_source(doc.url, name)


def attributions_for_claim(doc: Document, attributions: list[Attribution], match: ClaimMatch) -> list[Attribution]:
    """Attributions behind a claim match, best first: covering its text, then next to it.

    The page's references to itself are skipped: what it was told is the citation.
    """
    span = (match.start, match.end)
    attributions = [a for a in attributions if not is_self_reference(doc, a)]
    covering = [a for a in attributions if _covers(a, span) > 0 and a.source_name]
    if covering:
        # the outer attribution is who the page got it from ("according to Reuters, a report says")
        covering.sort(key=lambda a: (a.parent is not None, a.link is None, -_covers(a, span)))
        return covering
    paragraph = _paragraph_of(doc, match.start)
    here = doc.sentence_at(match.start)
    near = []
    for a in attributions:
        if not a.source_name or _paragraph_of(doc, a.start) != paragraph:
            continue
        where = doc.sentence_at(a.start)
        if here is not None and where is not None and abs(where - here) <= 1:
            near.append((abs(where - here), a.parent is not None, a.link is None, a))
    near.sort(key=lambda t: t[:3])
    return [t[3] for t in near]


def _links_within(doc: Document, spans: list[tuple[int, int]]) -> list[Link]:
    return [l for l in doc.links if any(_overlap((l.start, l.end), s) for s in spans)]


def choose_link(doc: Document, attribution: Attribution, match: ClaimMatch) -> str | None:
    """The link that belongs to the attribution, if the page gives one."""
    if attribution.link:
        return attribution.link
    sentence_index = doc.sentence_at(attribution.start)
    sentence_span = []
    if sentence_index is not None:
        s = doc.sentences[sentence_index]
        sentence_span = [(s.start, s.end)]
    tiers = [attribution.source, attribution.cue, [(match.start, match.end)], sentence_span]
    for tier in tiers:
        links = _links_within(doc, tier)
        if links:
            matching = [l for l in links if domain_matches_source(l.href, attribution.source_name)]
            return (matching or links)[0].href
    return None


def _sentence_of(doc: Document, offset: int) -> tuple[str | None, tuple[int, int] | None]:
    index = doc.sentence_at(offset)
    if index is None:
        return None, None
    s = doc.sentences[index]
    return doc.text[s.start : s.end], (s.start, s.end)


def choose_citation(doc: Document, attributions: list[Attribution], matches: list[ClaimMatch]) -> Citation | None:
    """What the page cites for the claim, or None when it cites nobody for it."""
    for match in matches:
        candidates = attributions_for_claim(doc, attributions, match)
        if not candidates:
            continue
        chosen = candidates[0]
        link = choose_link(doc, chosen, match)
        cue = " ".join(doc.text[s:e] for s, e in chosen.cue) or None
        anchor = chosen.cue[0][0] if chosen.cue else chosen.start
        sentence, span = _sentence_of(doc, anchor)
        return Citation(
            source=chosen.source_name,
            kind=chosen.kind,
            cue=cue,
            link=link,
            sentence=sentence,
            sentence_span=span,
            cue_span=chosen.cue[0] if chosen.cue else None,
            resolved_by="link" if link else None,
        )
    return None
