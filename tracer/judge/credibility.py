"""Credibility judgements that explain themselves: per hop, per chain and per claim.

tracer does not judge whether a claim is true. It judges the trail behind it: did the
claim reach an origin, is that origin a primary source (an official body, a document)
or an outlet, did each hop say what its source said (numbers, direct quotes), is the
chain dated in order, does it go round in a circle, does it rest on anonymous sources,
and, over many pages (``assess_claim``), how many independent origins stand behind the
repeats. Every judgement is a named signal with a value and a sentence a person can read;
raters' scores (``tracer.ratings``) are shown side by side with their dates and never
merged into one number, and "unrated" stays distinct from "low".

Direction: a chain runs from the page where the claim was read (depth 0) to its origin.
``upstream_hop`` is the hop a page cites: one step closer to the origin. Signals about a
citation (was it linked, does the source carry the claim, did the numbers or quotes
change on the way) belong to the citing hop, the one that may have got it wrong.

Public API: ``assess_hop``, ``assess_chain``, ``assess_trace``, ``attach`` (used by
``tracer.trace.trace``), ``source_kind``, ``host_kind``, ``assess_claim`` and
``sources_from_traces`` (per claim, over a corpus or a set of traces).
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Iterable
from urllib.parse import urlsplit

from sqlite_utils import Database

from tracer.attribution.sources import WIRE_NAMES as _WIRE_NAMES  # one pattern for resolve and the judge
from tracer.claims.match import Quantity, compatible, quantities, same_kind
from tracer.models import Hop, Origin, Trace
from tracer.judge.ratings import lookup as ratings_lookup
from tracer.web.urls import domain_matches_source, outlet_domain, registered_domain

# Raters' normalised scores (0 = the rater's worst, 1 = its best) read as low / high.
LOW_RATING = 0.4
HIGH_RATING = 0.7
# A claim match below this at a hop is called weak.
WEAK_MATCH = 0.6
# Pages sharing this share of 5-word shingles are copies of one another.
COPY_OVERLAP = 0.6

SCORE_FORMULA = ("origin × mean(fidelity, linkage, dates); the origin part is first averaged with "
                 "origin_rating when the origin is an outlet that raters rate")

SOURCE_KINDS = ("official-body", "primary-document", "wire-service", "outlet", "organisation", "person",
                "anonymous", "unknown")
PRIMARY_KINDS = ("official-body", "primary-document")
# The judge's kinds in the trace's words (models.SOURCE_KINDS), for a hop's ``kind``.
MODEL_KINDS = {"official-body": "organisation", "primary-document": "document", "wire-service": "outlet",
               "outlet": "outlet", "organisation": "organisation", "person": "person", "anonymous": "anonymous",
               "unknown": "unknown"}

_KIND_PHRASE = {
    "official-body": "an official body",
    "primary-document": "a primary document",
    "wire-service": "a wire service",
    "outlet": "a news outlet",
    "organisation": "an organisation",
    "person": "a person",
    "anonymous": "anonymous sources",
    "unknown": "a source of unknown kind",
}

# --- source kinds by host ------------------------------------------------------------------

# Second-level labels that mean government under a country code: gov.uk, gouv.fr, gob.mx,
# go.jp, govt.nz, gv.at, gc.ca, admin.ch, nic.in, gub.uy, mil.br.
_GOV_SECOND_LEVEL = {"gov", "gouv", "gob", "go", "govt", "gv", "gc", "admin", "nic", "gub", "mil", "govern"}
# Registered domains of official bodies that no suffix rule catches (international bodies,
# parliaments, courts, central banks, governments on ordinary TLDs).
OFFICIAL_DOMAINS = frozenset("""
un.org un.int europa.eu coe.int unicef.org unhcr.org undp.org unesco.org wfp.org unep.org ohchr.org
ilo.org fao.org imf.org worldbank.org wto.org oecd.org iaea.org icj-cij.org icc-cpi.int opcw.org
canada.ca gov.scot gov.wales parliament.uk parliament.scot senedd.wales judiciary.uk supremecourt.uk
nhs.uk police.uk bankofengland.co.uk oireachtas.ie courts.ie bundestag.de bundesrat.de
bundesregierung.de bundesverfassungsgericht.de bundesbank.de assemblee-nationale.fr senat.fr elysee.fr
conseil-constitutionnel.fr banque-france.fr camera.it senato.it governo.it congreso.es senado.es
tweedekamer.nl rijksoverheid.nl riksdagen.se regeringen.se folketinget.dk stortinget.no eduskunta.fi
parl.ca parliament.nz boj.or.jp kremlin.ru government.ru
""".split())
# Registered-domain labels that name a parliament or a court (parliament.nz, courts.ie).
_OFFICIAL_LABEL = re.compile(r"(?:parliament|parlament|parlamento|senate|senat|senado|congress|congreso|"
                             r"supremecourt|judiciary|courts|assembly)")
WIRE_DOMAINS = frozenset("""
reuters.com apnews.com ap.org afp.com dpa.com dpa-international.com ansa.it efe.com xinhuanet.com news.cn
tass.com tass.ru interfax.com interfax.ru kyodonews.net jiji.com yna.co.kr upi.com aa.com.tr bernama.com
ptinews.com aninews.in pa.media aap.com.au
""".split())
# Press-release services publish the issuer's own statement: a primary document.
RELEASE_DOMAINS = frozenset("prnewswire.com businesswire.com globenewswire.com einpresswire.com accesswire.com".split())
DOCUMENT_DOMAINS = frozenset("doi.org arxiv.org ssrn.com biorxiv.org medrxiv.org zenodo.org osf.io".split())
_DOCUMENT_PATH = re.compile(r"\.(?:pdf|docx?|xlsx?|csv|odt|ods|pptx?)$", re.I)

_DOCUMENT_NAMES = re.compile(r"\b(?:report|study|paper|filing|ruling|judg(?:e)?ment|verdict|indictment|complaint|"
                             r"lawsuit|press release|statement|data|dataset|survey|census|memo|memorandum|letter|"
                             r"transcript|minutes|records?|audit|white paper|bulletin|document|assessment|"
                             r"analysis|inspection|review|investigation|inquiry|evaluation)\b", re.I)
_OFFICIAL_NAMES = re.compile(r"\b(?:ministry|ministers?|department|government|parliament|congress|senate|court|"
                             r"police|commission|council|agency|treasury|embassy|authority|administration|"
                             r"white house|pentagon|kremlin|united nations|security council|european union|"
                             r"federal|state department|bureau|office of|prosecutors?|regulator|central bank|"
                             r"mayor|governor|president|statistics|statistical office|census bureau)\b|\b(?:UN|U\.N\.|EU|WHO|IMF|NATO|OECD)\b"
                             # local and regional government by its usual style: "City of Nordvik", "Town of X"
                             r"|\b(?:city|town|county|borough|municipality|village|district|region|province|state|"
                             r"commonwealth|republic|kingdom) of\b|\bmunicipal\b|\bcity hall\b", re.I)
# schema.org publisher types (JSON-LD, read/extract.py: meta["publisher_type"]).
# A plain "Organization" says nothing: news sites declare their publisher so too.
_LD_KINDS = {"NewsMediaOrganization": "outlet", "GovernmentOrganization": "official-body",
             "GovernmentOffice": "official-body", "NGO": "organisation", "EducationalOrganization": "organisation",
             "MedicalOrganization": "organisation", "ResearchOrganization": "organisation",
             "CollegeOrUniversity": "organisation", "Consortium": "organisation", "PoliticalParty": "organisation"}


def _strip_reserved(host: str) -> tuple[str, str | None]:
    """Test hosts: ``fwb.gov.example`` is read as ``fwb.gov`` (``.example`` is reserved, RFC 2606)."""
    if host.endswith(".example") and host.count(".") >= 2:
        return host[: -len(".example")], " (read without the reserved .example suffix of test hosts)"
    return host, None


def host_kind(url_or_host: str | None) -> tuple[str, str] | None:
    """What a host says about the kind of source: ``(kind, why)`` or None when it says nothing.

    >>> host_kind("https://home.treasury.gov/news/press-releases/sm1234")[0]
    'official-body'
    """
    if not url_or_host:
        return None
    parts = urlsplit(url_or_host if "://" in url_or_host else "//" + url_or_host)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return None
    shown = host
    host, note = _strip_reserved(host)
    note = note or ""
    labels = host.split(".")
    domain = registered_domain(host) or host
    if labels[-1] in ("gov", "mil"):
        return "official-body", f"{shown} is a government host (.{labels[-1]}){note}"
    if labels[-1] == "int":
        return "official-body", f"{shown} is an international organisation's host (.int){note}"
    if len(labels) >= 2 and len(labels[-1]) == 2 and labels[-2] in _GOV_SECOND_LEVEL:
        return "official-body", f"{shown} is a government host (.{labels[-2]}.{labels[-1]}){note}"
    if len(labels) >= 4 and labels[-1] == "us" and labels[-3] == "state":
        return "official-body", f"{shown} is a US state government host (.state.{labels[-2]}.us){note}"
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in OFFICIAL_DOMAINS:
            return "official-body", f"{shown} belongs to {'.'.join(labels[i:])}, an official body{note}"
    if _OFFICIAL_LABEL.fullmatch(domain.split(".")[0]):
        return "official-body", f"{shown} is a parliament's or court's host ({domain}){note}"
    if domain in RELEASE_DOMAINS:
        return "primary-document", f"{shown} is a press-release service: the issuer's own statement{note}"
    if domain in DOCUMENT_DOMAINS:
        return "primary-document", f"{shown} hosts papers and documents{note}"
    if _DOCUMENT_PATH.search(parts.path or ""):
        return "primary-document", f"the URL is a document file ({parts.path.rsplit('.', 1)[-1].lower()})"
    if domain in WIRE_DOMAINS:
        return "wire-service", f"{shown} is a wire service ({domain}){note}"
    return None


def _document_publisher(db: Database | None, hop: Hop) -> str | None:
    if db is None or not hop.document_id:
        return None
    row = db.execute("select publisher from documents where id = ?", [hop.document_id]).fetchone()
    return row[0] if row and row[0] else None


def _document_meta(db: Database | None, hop: Hop) -> dict[str, Any]:
    if db is None or not hop.document_id:
        return {}
    row = db.execute("select meta from documents where id = ?", [hop.document_id]).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except (TypeError, ValueError):
        return {}


def _name_kind(name: str) -> str | None:
    """What a publisher's name says it is: official-body, wire-service, outlet, organisation."""
    from tracer.attribution import lexicon as lx

    if _WIRE_NAMES.search(name):
        return "wire-service"
    if _OFFICIAL_NAMES.search(name):
        return "official-body"
    words = [w.lower() for w in re.findall(r"[\w'’-]+", name)]
    if not words:
        return None
    head = words[-1]
    if " ".join(w for w in words if w != "the") in lx.OUTLET_NAMES or head in lx.OUTLET_WORDS or \
            (len(words) == 1 and len(head) > 6 and head.endswith(lx.OUTLET_SUFFIXES)):
        return "outlet"
    if any(w in lx.ORGANISATION_WORDS for w in words):
        return "organisation"
    return None


def publisher_kind(url: str | None, publisher: str | None, meta: dict[str, Any] | None) -> tuple[str, str] | None:
    """Outlet or organisation, as the page's own publisher says: its JSON-LD publisher type, its
    name (og:site_name), og:type, and whether the page sits on the publisher's own site.

    One decision for ``trace``, ``sources`` and the reports (issue 16): an organisation
    publishing on its own site is not "a news outlet". None when the page says nothing.
    """
    meta = meta or {}
    ld_type = meta.get("publisher_type")
    who = publisher or "the publisher"
    if ld_type in _LD_KINDS:
        kind = _LD_KINDS[ld_type]
        if kind == "organisation" and publisher and _OFFICIAL_NAMES.search(publisher):
            kind = "official-body"
        return kind, f"{who} describes itself as a {ld_type} (schema.org publisher)"
    if publisher:
        by_name = _name_kind(publisher)
        if by_name in ("wire-service", "official-body"):
            what = "a wire service" if by_name == "wire-service" else "an official body"
            return by_name, f"the page is published by {publisher} (its site name), {what}"
        if by_name == "outlet":
            return "outlet", f"the page is published by {publisher}, a news outlet by its name"
    og_type = (meta.get("og:type") or "").lower()
    if og_type == "article":
        return "outlet", f"{who} publishes the page as an article (og:type): it reports news"
    own_site = bool(publisher and url and domain_matches_source(url, publisher))
    if publisher and (own_site or og_type in ("website", "profile", "organization")):
        where = f"on its own site ({registered_domain(url)})" if own_site else "its own page (og:type website)"
        return "organisation", f"{publisher} publishes the claim {where}: an organisation speaking for itself"
    return None


def source_kind(hop: Hop, db: Database | None = None) -> tuple[str, str]:
    """The kind of source a hop is, and why: host rules, then page metadata, then wording."""
    name = hop.source or ""
    if hop.kind == "anonymous":
        return "anonymous", f"the page names no source: “{name}”" if name else "the page names no source"
    by_host = host_kind(hop.url or hop.requested_url)
    if by_host and by_host[0] == "official-body":
        return by_host
    meta = _document_meta(db, hop)
    doi = meta.get("citation_doi") or (meta.get("dc.identifier") if "10." in (meta.get("dc.identifier") or "") else None)
    if doi:
        return "primary-document", f"the page is a paper (DOI {doi})"
    if meta.get("citation_title") or meta.get("citation_journal_title"):
        return "primary-document", "the page carries document metadata (citation_title)"
    if by_host:
        return by_host
    if hop.url and hop.status and hop.kind == "document":
        return "primary-document", "the page is a document, not an article"
    if name and _WIRE_NAMES.search(name):
        return "wire-service", f"“{name}” is a wire service"
    if name and (hop.kind == "document" or _DOCUMENT_NAMES.search(name)):
        issuer = _OFFICIAL_NAMES.search(name)
        by = f" from an official body ({issuer.group(0)})" if issuer else ""
        return "primary-document", f"“{name}” is a document{by}"
    if name and hop.kind in ("organisation", "unknown", "document") and _OFFICIAL_NAMES.search(name):
        return "official-body", f"“{name}” is an official body ({_OFFICIAL_NAMES.search(name).group(0)})"
    if hop.url and hop.status and 200 <= hop.status < 300:
        by_publisher = publisher_kind(hop.url, _document_publisher(db, hop), meta)
        if by_publisher:
            return by_publisher
    if hop.url and hop.status and hop.kind in ("person", "unknown", "organisation") and (
            domain_matches_source(hop.url, name) or meta.get("og:type") == "article"):
        site = (f"on its own site ({registered_domain(hop.url)})" if domain_matches_source(hop.url, name)
                else "an article (og:type)")
        return "outlet", f"{name or 'the source'} publishes news: the page is {site}"
    if hop.kind in ("outlet", "organisation", "person"):
        what = {"outlet": "a news outlet", "organisation": "an organisation", "person": "a person"}[hop.kind]
        if hop.depth == 0:
            return hop.kind, f"{name or 'the page'}, where the claim was read, is {what}"
        return hop.kind, f"{name or 'the source'} is {what}, as the citing page names it"
    if hop.url:
        return "outlet", "a web page with no sign of an official or primary source"
    return "unknown", "nothing says what kind of source this is"


# --- text helpers --------------------------------------------------------------------------

_QUOTE_RE = re.compile(r"[“„«]([^“”„«»]{3,600}?)[”»]|\"([^\"]{3,600}?)\"")
_HEDGES = re.compile(r"(?:more than|over|at least|at most|about|around|roughly|nearly|almost|up to|approximately|"
                     r"some|as many as|as much as|as high as|fewer than|less than|under|an estimated|estimated)\s*$",
                     re.I)
_WORD_TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def _fold(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def direct_quotes(text: str | None, min_words: int = 3) -> list[str]:
    """Direct quotations of at least ``min_words`` words (shorter ones are scare quotes)."""
    if not text:
        return []
    found = []
    for m in _QUOTE_RE.finditer(text):
        q = (m.group(1) or m.group(2) or "").strip(" ,.;:")
        if len(_WORD_TOKEN.findall(q)) >= min_words and q not in found:
            found.append(q)
    return found


def _closest(quote: str, source: str) -> tuple[float, str | None]:
    """The passage of the source most like a quote, and the share of the quote's words it keeps.

    The window with the most words in common (in order) wins; the passage runs from its
    first to its last common word, stretched by as many words as the quote has beyond its
    own first and last common words ("large-scale and increasingly sophisticated" ->
    "large and increasingly complex").
    """
    qwords = _fold(quote).split()
    tokens = list(_WORD_TOKEN.finditer(source))
    words = [_fold(t.group(0)) for t in tokens]
    n = len(qwords)
    if not n or not words:
        return 0.0, None
    wanted = set(qwords)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(qwords)
    best: tuple[int, int] = (0, 0)
    span = None
    for i in range(len(words)):
        window = words[i : i + n + 2]
        if len(wanted.intersection(window)) * 3 < n:
            continue
        matcher.set_seq1(window)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        common = sum(b.size for b in blocks)
        first, last = blocks[0], blocks[-1]
        lo = max(0, i + first.a - first.b)
        hi = min(len(words) - 1, i + last.a + last.size - 1 + (n - last.b - last.size))
        key = (common, -(hi - lo))
        if key > best:
            best, span = key, (lo, hi)
    if span is None:
        return 0.0, None
    return best[0] / n, source[tokens[span[0]].start() : tokens[min(span[1], len(tokens) - 1)].end()]


def _hedge(text: str, q: Quantity) -> str:
    m = _HEDGES.search(text[max(0, q.start - 30) : q.start])
    return f"{m.group(0).strip().lower()} {q.text}" if m else q.text


def number_changes(source_text: str | None, citing_text: str | None) -> list[dict[str, Any]]:
    """Figures the citing text gives differently from its source: [{"from", "to", "direction", ...}].

    A figure changed when the citing sentence has one that agrees with none of its source's
    (qualifiers and rounding allowed: "23 per cent", "23.4%" and "almost a quarter" agree),
    and the source has a figure of the same kind (same unit, within a factor of three) that
    agrees with none of the citing sentence's: "at least 35" -> "around 40" -> "more than 50".
    """
    if not source_text or not citing_text:
        return []
    up = quantities(source_text)
    down = quantities(citing_text)
    if not up or not down:
        return []
    up_only = [q for q in up if not any(compatible(q, d) for d in down)]
    changes = []
    for d in down:
        if any(compatible(d, q) for q in up):
            continue
        candidates = [q for q in up_only if same_kind(q, d)]
        if not candidates:
            continue
        q = min(candidates, key=lambda c: abs(c.start / max(1, len(source_text)) - d.start / max(1, len(citing_text))))
        up_only.remove(q)
        changes.append({
            "from": _hedge(source_text, q),
            "to": _hedge(citing_text, d),
            "from_value": q.value,
            "to_value": d.value,
            "direction": "grew" if d.value > q.value else "shrank" if d.value < q.value else "changed",
        })
    return changes


def _date(text: str | None) -> str | None:
    return text[:10] if text and re.match(r"\d{4}-\d{2}-\d{2}", text) else None


def _name(hop: Hop | None) -> str:
    if hop is None:
        return "(nobody)"
    if hop.source:
        return hop.source
    url = hop.url or hop.requested_url
    return (urlsplit(url).hostname or url) if url else "(unnamed source)"


def _signal(name: str, value: Any, explanation: str) -> dict[str, Any]:
    return {"name": name, "value": value, "explanation": explanation}


def _document_text(db: Database | None, hop: Hop, full_only: bool = False) -> str | None:
    """The page's stored main text; else (unless ``full_only``) the claim sentence kept on the hop."""
    if db is not None and hop.document_id:
        row = db.execute("select text from documents where id = ?", [hop.document_id]).fetchone()
        if row and row[0]:
            return row[0]
    return None if full_only else hop.evidence


def _seen_upstream(up: Hop | None) -> str | None:
    """The upstream claim sentence as the citing page saw it: before an edit made after the citation."""
    if up is None:
        return None
    changed = up.extra.get("changed_after_citation") if up.extra else None
    if isinstance(changed, dict) and changed.get("change") == "edited" and changed.get("citing_page_saw") == "before" \
            and changed.get("before"):
        return changed["before"]
    return up.evidence


def _day(value: Any) -> str:
    return str(value)[:10] if value else "an unknown date"


def _history_sentences(hops: list[Hop]) -> list[str]:
    """What the verdict tells about pages read from a web archive, and pages changed after they
    were cited: a fact-checker signs a verdict only knowing which version of a page it rests on."""
    out = []
    for i, hop in enumerate(hops):
        citer = hops[i - 1] if i else None
        by = _name(citer) if citer else "the citing page"
        archived = hop.extra.get("archived") if hop.extra else None
        if isinstance(archived, dict):
            why = ("the live link is dead" + (f" ({archived['original_status']})" if archived.get("original_status")
                                              else "") if archived.get("reason") == "dead-link"
                   else "the live page no longer carries the claim")
            when = "made after " + by + " cited it" if archived.get("after_citation") else "made before " + by + " cited it"
            out.append(f"{_name(hop)} was read from a web archive's copy of {_day(archived.get('captured_at'))}, "
                       f"{when}: {why}")
        changed = hop.extra.get("changed_after_citation") if hop.extra else None
        if isinstance(changed, dict):
            since = f" (the page says it was modified {_day(changed['page_modified'])})" if changed.get("page_modified") else ""
            if changed.get("change") == "edited":
                seen = "the earlier version" if changed.get("citing_page_saw") == "before" else "the version of now"
                out.append(f"{_name(hop)} edited the page after {by} cited it{since}: “{_short(changed.get('before') or '')}” "
                           f"then (copy of {_day(changed.get('version_captured_at'))}), “{_short(changed.get('after'))}” "
                           f"now; {by} reports {seen}")
            else:
                out.append(f"{_name(hop)} added the claim after {by} cited it{since}: “{_short(changed.get('after'))}” "
                           f"is not in its copy of {_day(changed.get('version_captured_at'))}")
    return out


def _their_drift(hop: Hop) -> str | None:
    """The trace engine's own drift finding on a hop (issue 5), in words, when it is there."""
    drift = hop.extra.get("drift") if hop.extra else None
    if not drift:
        return None
    if isinstance(drift, str):
        return drift
    if isinstance(drift, dict):
        if drift.get("changed") is False:
            return None
        for key in ("explanation", "summary", "what"):
            if isinstance(drift.get(key), str):
                return drift[key]
        items = drift.get("changes") or drift.get("items")
        if isinstance(items, list) and items:
            drift = items
        else:
            return json.dumps(drift, ensure_ascii=False)
    if isinstance(drift, list):
        parts = []
        for item in drift:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, dict):
                parts.append(next((item[k] for k in ("explanation", "summary", "what") if isinstance(item.get(k), str)),
                                  json.dumps(item, ensure_ascii=False)))
        return "; ".join(parts) or None
    return str(drift)


# --- per hop -------------------------------------------------------------------------------


def _is_dead(hop: Hop) -> bool:
    return "broken-link" in hop.flags or (hop.status is not None and hop.status >= 400)


def assess_hop(hop: Hop, upstream_hop: Hop | None, db: Database | None = None) -> dict[str, Any]:
    """Signals of one hop, its kind of source and every rater's score for its domain.

    ``upstream_hop`` is the hop this page cites (None at the origin). Pure: reads the hops,
    and from ``db`` only the stored page texts and metadata and the raters' lists.
    """
    up = upstream_hop
    signals = []
    cites = hop.cites

    # 1. how the hop reaches its source
    if "loop" in hop.flags:
        target = cites.link if cites else None
        signals.append(_signal("citation", "circular",
                               f"cites {cites.source if cites else 'a page'} at {target}, a page already in the chain"))
    elif cites is None:
        if hop.url is None or hop.error or (hop.status is not None and hop.status >= 400):
            signals.append(_signal("citation", None, "the page could not be read, so whom it cites is unknown"))
        else:
            signals.append(_signal("citation", "none", "the page cites nobody for the claim"))
    elif cites.kind == "anonymous":
        signals.append(_signal("citation", "anonymous",
                               f"attributes the claim to unnamed sources: “{cites.source or 'sources'}”"
                               + (f" (cue “{cites.cue}”)" if cites.cue else "")))
    elif cites.resolved_by == "lookup" or "unlinked-source" in hop.flags and cites.link:
        signals.append(_signal("citation", "lookup",
                               f"names {cites.source} without a link; tracer found {cites.link} by looking it up"))
    elif cites.link:
        on = f" on “{cites.cue}”" if cites.cue else ""
        signals.append(_signal("citation", "link", f"cites {cites.source or 'a source'} with a link{on} to {cites.link}"))
    else:
        signals.append(_signal("citation", "unlinked", f"names {cites.source or 'a source'} but gives no link"
                               + (f" (cue “{cites.cue}”)" if cites.cue else "")))

    # 2. the claim at this page and at its source
    if hop.evidence and hop.match_score is not None:
        weak = " (a weak match)" if hop.match_score < WEAK_MATCH else ""
        signals.append(_signal("claim-found", hop.match_score,
                               f"the page carries the claim: “{_short(hop.evidence)}” (match {hop.match_score:.2f}){weak}"))
    elif hop.url is None:
        signals.append(_signal("claim-found", None, "not online: the claim could not be looked for"))
    elif hop.error or (hop.status is not None and hop.status >= 400) or hop.evidence is None and hop.status is None:
        signals.append(_signal("claim-found", None,
                               f"the page could not be read ({hop.error or hop.status}): the claim could not be looked for"))
    else:
        signals.append(_signal("claim-found", 0.0, "the page does not carry the claim"))
    if up is not None:
        if up.url is None or _is_dead(up) or up.error:
            why = (f"dead link ({up.status})" if _is_dead(up) else up.error) or "not online"
            signals.append(_signal("claim-at-source", None, f"{_name(up)} could not be read ({why}): not checked"))
        elif up.evidence and up.match_score is not None:
            signals.append(_signal("claim-at-source", up.match_score,
                                   f"{_name(up)} carries the claim (match {up.match_score:.2f})"))
        elif up.status is not None and (up.evidence is None) and "loop" not in hop.flags:
            signals.append(_signal("claim-at-source", 0.0, f"{_name(up)} does not carry the claim"))

    # 3. drift: the figures of the claim sentence against its source's, as this page saw it (a
    # source edited after the citation is held against its earlier version: the edit is the source's)
    changes = number_changes(_seen_upstream(up), hop.evidence)
    theirs = _their_drift(hop)
    if changes or theirs:
        # the trace engine's own account (hop.extra["drift"]: figures, hedges, quotes, names) when it
        # gave one; otherwise the figures compared here
        said = theirs or "; ".join(f"“{c['from']}” at {_name(up)} became “{c['to']}” here" for c in changes)
        signals.append({**_signal("drift", "changed", said), "changes": changes})
    elif up is not None and up.evidence and hop.evidence:
        signals.append(_signal("drift", "none", f"the figures agree with those of {_name(up)}"
                               if quantities(hop.evidence) else "no figures to compare"))
    else:
        signals.append(_signal("drift", None, "nothing upstream to compare with"))

    # 4. quote fidelity: each direct quotation found verbatim at the source, or not
    quotes = []
    for text in (hop.evidence, cites.sentence if cites else None):
        quotes += [q for q in direct_quotes(text) if q not in quotes]
    if not quotes:
        signals.append(_signal("quote-fidelity", None, "no direct quotation in the claim sentence"))
    elif up is None or up.url is None or _is_dead(up) or up.error or up.evidence is None and up.status is None:
        signals.append(_signal("quote-fidelity", None,
                               f"{len(quotes)} direct quotation(s), not checked: the source is not online"))
    else:
        full_text = _document_text(db, up, full_only=True)
        source_text = full_text or up.evidence or ""
        folded = _fold(source_text)
        checked = []
        for q in quotes:
            if _fold(q) in folded:
                checked.append({"quote": q, "verbatim": True})
                continue
            ratio, passage = _closest(q, source_text)
            if full_text is None and ratio < 0.5:
                # only the source's claim sentence is at hand, and nothing like the quote is in it:
                # the quote may come from elsewhere in the page
                checked.append({"quote": q, "verbatim": None})
                continue
            checked.append({"quote": q, "verbatim": False,
                            "closest": passage if ratio >= 0.4 else None, "similarity": round(ratio, 2)})
        altered = [c for c in checked if c["verbatim"] is False]
        unchecked = [c for c in checked if c["verbatim"] is None]
        if unchecked and not altered:
            signals.append({**_signal("quote-fidelity", None,
                                      f"{len(unchecked)} direct quotation(s) not in {_name(up)}'s claim sentence; "
                                      "its full text is not at hand to check the rest"), "quotes": checked})
        elif altered:
            said = "; ".join(f"“{c['quote']}” is not in {_name(up)}"
                             + (f", which says “{c['closest']}”" if c.get("closest") else "") for c in altered)
            signals.append({**_signal("quote-fidelity", "altered", said), "quotes": checked})
        else:
            signals.append({**_signal("quote-fidelity", "verbatim",
                                      f"{len(checked)} direct quotation(s) found verbatim at {_name(up)}"),
                            "quotes": checked})

    # 5. anonymous sourcing
    anonymous = (cites is not None and cites.kind == "anonymous") or hop.kind == "anonymous"
    signals.append(_signal("anonymous-sourcing", anonymous,
                           f"rests on unnamed sources (“{cites.source if cites and cites.source else hop.source}”)"
                           if anonymous else "the source is named"))

    # 6. the page's own link: ok, redirected, dead, unreachable, not online
    if hop.url is None and hop.requested_url is None:
        signals.append(_signal("link", "not-online", "named but not online: there is no page to fetch"))
    elif _is_dead(hop):
        via = f" (after a redirect to {hop.url})" if hop.redirects and hop.url and hop.url != hop.requested_url else ""
        signals.append(_signal("link", "dead", f"the link is dead: {hop.requested_url or hop.url} answers "
                               f"{hop.status or hop.error}{via}"))
    elif hop.error:
        signals.append(_signal("link", "unreachable", f"the page could not be fetched ({hop.error})"))
    elif hop.redirects or "redirect" in hop.flags:
        final = hop.url or (hop.redirects[-1].location if hop.redirects else None)
        signals.append(_signal("link", "redirected", f"{hop.requested_url} redirects to {final}"))
    else:
        signals.append(_signal("link", "ok", f"fetched ({hop.status})" if hop.status else "fetched"))

    # 7. date order: a page must not cite a source dated after itself
    mine, theirs_date = _date(hop.published), _date(up.published) if up else None
    if up is None:
        signals.append(_signal("date-order", None, "no source to compare dates with"))
    elif mine and theirs_date:
        if theirs_date > mine:
            signals.append(_signal("date-order", "violated",
                                   f"dated {mine} but cites {_name(up)}, dated {theirs_date}, after itself"))
        else:
            signals.append(_signal("date-order", "ok", f"dated {mine}, its source {theirs_date}"))
    elif "date-order" in up.flags:
        signals.append(_signal("date-order", "violated", f"cites {_name(up)}, dated after itself"))
    else:
        signals.append(_signal("date-order", None, "a date is missing: order not checked"))

    # 8. what kind of source the page is
    kind, why = source_kind(hop, db)
    signals.append(_signal("source-kind", kind, why))

    ratings = ratings_lookup(db, hop.url or hop.requested_url)
    return {
        "summary": _hop_summary(kind, signals, ratings),
        "signals": signals,
        "source_kind": kind,
        "ratings": ratings,
    }


_FINDINGS = {
    ("citation", "anonymous"): "rests on anonymous sources",
    ("citation", "circular"): "cites a page already in the chain",
    ("citation", "unlinked"): "names its source without a link",
    ("citation", "lookup"): "source found by lookup",
    ("claim-at-source", 0.0): "its source does not carry the claim",
    ("drift", "changed"): "the claim changed from its source",
    ("quote-fidelity", "altered"): "a quotation is not in its source",
    ("link", "dead"): "dead link",
    ("link", "unreachable"): "unreachable",
    ("link", "redirected"): "redirected",
    ("date-order", "violated"): "dated before its source",
}


def _hop_summary(kind: str, signals: list[dict[str, Any]], ratings: list[dict[str, Any]]) -> str:
    """One line for reports: the kind of source, what is wrong, and every rater's score."""
    from tracer.judge.ratings import describe

    parts = [_KIND_PHRASE[kind][0].upper() + _KIND_PHRASE[kind][1:]]
    parts += [_FINDINGS[(s["name"], s["value"])] for s in signals
              if not isinstance(s["value"], bool) and (s["name"], s["value"]) in _FINDINGS]
    parts += [describe(r) for r in ratings]
    return "; ".join(parts)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def signal(assessment: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((s for s in assessment["signals"] if s["name"] == name), None)


# --- per chain -----------------------------------------------------------------------------

# How much each finding weakens a hop (the weakest hop is the one with the most).
_SEVERITY = {
    ("citation", "anonymous"): 0.9,
    ("citation", "circular"): 0.8,
    ("claim-at-source", 0.0): 0.8,
    ("upstream-link", "dead"): 0.8,
    ("quote-fidelity", "altered"): 0.7,
    ("drift", "changed"): 0.7,
    ("date-order", "violated"): 0.6,
    ("citation", "unlinked"): 0.4,
    ("upstream-link", "unreachable"): 0.4,
    ("citation", "lookup"): 0.2,
    ("link", "redirected"): 0.1,
}


def _hop_problems(assessment: dict[str, Any], upstream: dict[str, Any] | None, hop: Hop) -> list[tuple[float, str]]:
    problems = []
    for s in assessment["signals"]:
        sev = _SEVERITY.get((s["name"], s["value"])) if not isinstance(s["value"], float) or s["value"] == 0.0 else None
        if sev:
            problems.append((sev, s["explanation"]))
        if s["name"] == "claim-at-source" and isinstance(s["value"], float) and 0 < s["value"] < WEAK_MATCH:
            problems.append((0.3, f"{s['explanation']}, a weak match"))
    if upstream is not None:
        link = signal(upstream, "link")
        if link and (sev := _SEVERITY.get(("upstream-link", link["value"]))):
            problems.append((sev, f"its link to the source: {link['explanation']}"))
    return sorted(problems, key=lambda p: -p[0])


def _origin_reached(origin: Origin | None, hops: list[Hop]) -> str:
    reason = origin.reason if origin else None
    last = hops[-1] if hops else None
    if reason == "no-further-attribution" and last is not None and last.url:
        return "online"
    if reason == "unlinked-source":
        return "named-not-online"
    return "not-reached"


def _chain_text(hops: list[Hop]) -> str:
    return " → ".join(_name(h) for h in hops)


def _drift_summary(hops: list[Hop], assessments: list[dict[str, Any]]) -> str | None:
    """"the number grew from “at least 35” (Ministry) to “more than 50” (Morning Post)"."""
    steps = []
    for hop, a in zip(hops, assessments):
        s = signal(a, "drift")
        if s and s["value"] == "changed" and s.get("changes"):
            steps.append((hop, s["changes"][0]))
        elif s and s["value"] == "changed":
            steps.append((hop, None))
    if not steps:
        return None
    # walk from the origin back to the start page: the earliest figure and the latest
    structured = [(h, c) for h, c in steps if c]
    linked = all(down[1]["from_value"] == up[1]["to_value"] for down, up in zip(structured, structured[1:]))
    if structured and not linked:
        return "; ".join(
            f"“{c['from']}” at {_name(hops[hops.index(h) + 1]) if hops.index(h) + 1 < len(hops) else 'its source'} "
            f"became “{c['to']}” at {_name(h)}" for h, c in reversed(structured))
    if structured:
        first_hop, first = structured[-1]
        last_hop, last = structured[0]
        origin_side = hops[hops.index(first_hop) + 1] if hops.index(first_hop) + 1 < len(hops) else None
        direction = "grew" if last["to_value"] > first["from_value"] else "shrank" \
            if last["to_value"] < first["from_value"] else "changed"
        via = f", in {len(structured)} steps" if len(structured) > 1 else ""
        return (f"the number {direction} from “{first['from']}” ({_name(origin_side)}) to “{last['to']}” "
                f"({_name(last_hop)}) along the way{via}")
    # a misquote is said once, by the quote-fidelity sentence of the verdict
    return "; ".join(f"{_name(h)} changed the claim ({signal(a, 'drift')['explanation']})"
                     for h, a in zip(hops, assessments)
                     if signal(a, "drift")["value"] == "changed" and signal(a, "quote-fidelity")["value"] != "altered")


def _rating_parts(ratings: list[dict[str, Any]]) -> tuple[float | None, str]:
    rated = [r for r in ratings if r.get("score") is not None]
    if not rated:
        unrated = ", ".join(f"{r['rater']} ({r['as_of']})" for r in ratings)
        return None, f"unrated by {unrated}" if unrated else "no raters imported"
    value = round(sum(r["normalised"] for r in rated) / len(rated), 2)
    shown = "; ".join(f"{r['rater']} ({r['as_of']}): {round(r['score'], 3):g} on {r['scale']}" for r in rated)
    unrated = [r["rater"] for r in ratings if r.get("score") is None]
    return value, shown + (f"; unrated by {', '.join(unrated)}" if unrated else "")


def assess_chain(origin: Origin | None, hops: list[Hop], assessments: list[dict[str, Any]]) -> dict[str, Any]:
    """The judgement of one chain of hops (already assessed one by one) that stopped at ``origin``."""
    reason = origin.reason if origin else None
    reached = _origin_reached(origin, hops)
    length = max(0, len(hops) - 1)
    circular = reason == "loop" or any(signal(a, "citation")["value"] == "circular" for a in assessments)

    # weakest hop
    weakest = None
    worst = 0.0
    for i, (hop, a) in enumerate(zip(hops, assessments)):
        upstream = assessments[i + 1] if i + 1 < len(assessments) else None
        problems = _hop_problems(a, upstream, hop)
        if problems and problems[0][0] > worst:
            worst = problems[0][0]
            weakest = {"depth": hop.depth, "why": "; ".join(p[1] for p in problems[:3])}
    if weakest is None and hops:
        scored = [(h.match_score, h) for h in hops if h.match_score is not None]
        if scored:
            score, hop = min(scored, key=lambda t: t[0])
            weakest = {"depth": hop.depth, "why": f"no problem found; its claim match is the lowest ({score:.2f})"}

    altered = [h for h, a in zip(hops, assessments)
               if signal(a, "drift")["value"] == "changed" or signal(a, "quote-fidelity")["value"] == "altered"]
    last = hops[-1] if hops else None
    last_kind = assessments[-1]["source_kind"] if assessments else "unknown"
    verdict = _verdict(origin, hops, assessments, reached, length, altered, last, last_kind, circular)
    score = _score(origin, hops, assessments, reached, last_kind, altered)
    return {
        "origin_reached": reached,
        "origin_kind": last_kind if reached != "not-reached" else None,
        "length": length,
        "weakest_hop": weakest,
        "circular": circular,
        "verdict": verdict,
        "score": score,
    }


def _hops_phrase(n: int, faithful: bool) -> str:
    word = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))
    return f"{word}{' faithful' if faithful and n else ''} hop{'s' if n != 1 else ''}"


def _verdict(origin, hops, assessments, reached, length, altered, last, last_kind, circular) -> str:
    reason = origin.reason if origin else None
    sentences = []
    faithful = not altered
    if not hops:
        return "Nothing was traced."
    citer = hops[-2] if len(hops) >= 2 else None
    if reached == "online":
        where = f"{_name(last)} ({_KIND_PHRASE[last_kind]})"
        if length == 0:
            sentences.append(f"The page itself is the origin: {where}, which cites nobody for the claim")
        elif last_kind in PRIMARY_KINDS:
            noun = "primary document" if last_kind == "primary-document" else "primary source"
            sentences.append(f"Traced to a {noun} online, {where}, through {_hops_phrase(length, faithful)}")
        elif last_kind == "organisation":
            # an organisation's own page that cites nobody: the claim is its own statement, first-hand
            sentences.append(f"Traced to {where}, which cites nobody for the claim: it is the organisation's "
                             f"own statement, not a news report; through {_hops_phrase(length, faithful)}")
        else:
            sentences.append(f"Traced to {where}, which cites nobody for the claim: not a primary source; "
                             f"through {_hops_phrase(length, faithful)}")
    elif reached == "named-not-online":
        noun = {"primary-document": "a primary document", "official-body": "an official body"}.get(last_kind,
                                                                                                    _KIND_PHRASE[last_kind])
        sentences.append(f"Traced to {noun}, {_name(last)}, named by {_name(citer)} but not online; "
                         f"{_hops_phrase(length, faithful)} before it")
    elif reason == "anonymous-source":
        anon = last.cites.source if last and last.cites and last.cites.source else "unnamed sources"
        reporters = [_name(h) for h in hops]
        by = reporters[-1] + (f" (via {', '.join(reporters[:-1])})" if len(reporters) > 1 else "")
        sentences.append(f"Rests on anonymous sources (“{anon}”) reported by {by}")
    elif circular:
        closing = last.cites.link if last and last.cites else None
        back = next((h for h in hops if closing and closing in (h.url, h.requested_url)), None)
        sentences.append(f"Not traced: the citations go round in a circle ({_chain_text(hops)} → back to "
                         f"{_name(back) if back else closing}); no origin is reached")
    elif reason == "broken-link" and last is not None and last.status in (429, 503):
        sentences.append(f"Not traced: {_name(last)} was unavailable ({last.status}: the server asked to be "
                         "asked later); the link may work another time")
    elif reason == "broken-link":
        sentences.append(f"Not traced: {_name(citer)}'s link to {_name(last)} is dead "
                         f"({last.status if last and last.status else last.error if last else 'no answer'})")
    elif reason == "claim-not-found":
        if citer is not None:
            sentences.append(f"Not traced: {_name(citer)} cites {_name(last)}, but that page does not carry the claim")
        else:
            sentences.append("Not traced: the page does not carry the claim")
    elif reason == "max-hops":
        sentences.append(f"Not traced: stopped after {len(hops)} pages, the hop limit")
    else:
        why = {"not-archived": "it is in no archive given and the network was off",
               "robots-disallowed": "the site's robots.txt forbids it",
               "fetch-error": f"the fetch failed ({last.error if last else 'no answer'})"}.get(reason or "", reason or "unknown")
        if last is not None and last.error == "host-paused":
            why = ("its site asked tracer to stay away for longer than tracer waits (Retry-After past "
                   "the cap), so it was not asked again in this run")
        sentences.append(f"Not traced: {_name(last)} could not be read ({why})")
    drift = _drift_summary(hops, assessments)
    if drift:
        sentences.append(drift[0].upper() + drift[1:])
    for hop, a in zip(hops, assessments):
        q = signal(a, "quote-fidelity")
        if q["value"] == "altered":
            sentences.append(f"{_name(hop)} misquotes its source: {q['explanation']}")
        d = signal(a, "date-order")
        if d["value"] == "violated":
            sentences.append(f"{_name(hop)} is {d['explanation']}: a date is wrong or the source changed later")
    sentences += _history_sentences(hops)
    looked_up = [h for h, a in zip(hops, assessments) if signal(a, "citation")["value"] == "lookup"]
    if looked_up:
        sentences.append(f"{', '.join(_name(h) for h in looked_up)} named its source without a link; "
                         "tracer found the page by lookup")
    if last is not None and reached != "not-reached" and last_kind not in PRIMARY_KINDS:
        value, shown = _rating_parts(assessments[-1]["ratings"])
        if value is not None and value < LOW_RATING:
            sentences.append(f"The origin, {_name(last)}, is rated low: {shown}")
    return ". ".join(sentences) + "."


def _score(origin, hops, assessments, reached, last_kind, altered) -> dict[str, Any] | None:
    """A number only with its parts: each part 0..1 with why; the value is their mean."""
    if not hops:
        return None
    reason = origin.reason if origin else None
    parts: dict[str, dict[str, Any]] = {}
    if reached == "online":
        v = 1.0 if last_kind in PRIMARY_KINDS else 0.8 if last_kind in ("wire-service", "organisation") else 0.6
        parts["origin"] = {"value": v, "why": f"origin online: {_KIND_PHRASE[last_kind]}"}
    elif reached == "named-not-online":
        v = 0.6 if last_kind in PRIMARY_KINDS else 0.4
        parts["origin"] = {"value": v, "why": f"origin named but not online: {_KIND_PHRASE[last_kind]}"}
    else:
        v = 0.2 if reason == "anonymous-source" else 0.0
        parts["origin"] = {"value": v, "why": f"origin not reached ({reason})"}
    citing = max(0, len(hops) - 1)
    if citing:
        parts["fidelity"] = {"value": round(max(0.0, 1 - len(altered) / citing), 2),
                             "why": f"{citing - len(altered)} of {citing} citing hops report their source without "
                                    "changed figures or quotes"}
        weights = {"link": 1.0, "lookup": 0.75, "unlinked": 0.5, "circular": 0.0, "anonymous": 0.0}
        values = [weights.get(signal(a, "citation")["value"], 0.5) for a in assessments[:-1]]
        dead = sum(1 for a in assessments[1:] if signal(a, "link")["value"] == "dead")
        parts["linkage"] = {"value": round(max(0.0, sum(values) / len(values) - 0.5 * dead / citing), 2),
                            "why": "how each hop reaches its source (link 1, lookup 0.75, unlinked 0.5, "
                                   "anonymous or circular 0; a dead link costs 0.5)"}
        violated = sum(1 for a in assessments if signal(a, "date-order")["value"] == "violated")
        parts["dates"] = {"value": 0.5 if violated else 1.0,
                          "why": f"{violated} date-order violation(s)" if violated else "every page dated after its source"
                          if all(signal(a, "date-order")["value"] == "ok" for a in assessments[:-1]) else
                          "no date-order violation found (some dates missing)"}
    if reached != "not-reached" and last_kind not in PRIMARY_KINDS:
        value, shown = _rating_parts(assessments[-1]["ratings"])
        if value is not None:
            parts["origin_rating"] = {"value": value, "why": f"mean of the raters' normalised scores: {shown}"}
    origin = parts["origin"]["value"]
    if "origin_rating" in parts:
        origin = (origin + parts["origin_rating"]["value"]) / 2
    rest = [parts[k]["value"] for k in ("fidelity", "linkage", "dates") if k in parts]
    value = round(origin * (sum(rest) / len(rest) if rest else 1.0), 2)
    return {"value": value, "parts": parts, "formula": SCORE_FORMULA}


def _chains(trace: Trace) -> list[tuple[list[Hop], int, Origin | None]]:
    """Each chain of a trace as (hops from the start page, index of its own first hop, origin).

    A branch's own hops start where it forks; the hops before the fork come from the chain
    it leaves (``trace.extra["branch_origins"]``, written by the trace engine).
    """
    chains: list[tuple[list[Hop], int, Origin | None]] = [(list(trace.hops), 0, trace.origin)]
    info = trace.extra.get("branch_origins") or []
    for i, branch in enumerate(trace.branches):
        meta = info[i] if i < len(info) and isinstance(info[i], dict) else {}
        prefix: list[Hop] = []
        source = meta.get("from_branch") or 0
        fork = meta.get("forks_at")
        if fork is not None and source < len(chains):
            prefix = [h for h in chains[source][0] if h.depth <= fork]
        origin = meta.get("origin")
        try:
            origin = Origin(**origin) if isinstance(origin, dict) else None
        except TypeError:
            origin = None
        chains.append((prefix + list(branch), len(prefix), origin))
    return chains


def assess_trace(trace: Trace, db: Database | None = None) -> dict[str, Any]:
    """Per hop and per chain: ``{"hops": [per hop...], **chain}``, other chains under ``"branches"``
    (each with ``"hops"`` for the branch's own hops)."""
    results = []
    for hops, own, origin in _chains(trace):
        assessments = [assess_hop(h, hops[i + 1] if i + 1 < len(hops) else None, db) for i, h in enumerate(hops)]
        results.append({"hops": assessments[own:], **assess_chain(origin, hops, assessments)})
    out = results[0]
    if len(results) > 1:
        out["branches"] = results[1:]
    return out


def attach(trace: Trace, db: Database | None) -> None:
    """Put credibility on a finished trace: ``hop.extra["credibility"]`` and ``trace.extra["credibility"]``,
    written back to the hop rows. Never raises: a failure is recorded as ``{"error": ...}``."""
    try:
        result = assess_trace(trace, db)
        chains = [(0, trace.hops, result["hops"])] + [
            (i + 1, b, r["hops"]) for i, (b, r) in enumerate(zip(trace.branches, result.get("branches", [])))
        ]
        for _, hops, assessments in chains:
            for hop, a in zip(hops, assessments):
                hop.extra["credibility"] = a
        chain = {k: v for k, v in result.items() if k != "hops"}
        if "branches" in chain:
            chain["branches"] = [{k: v for k, v in b.items() if k != "hops"} for b in chain["branches"]]
        trace.extra["credibility"] = chain
        if db is not None and trace.id is not None:
            from tracer.store import update_hop_extra

            rows = {}
            for row in db.execute("select id, branch, depth from hops where trace_id = ? order by branch, depth, id",
                                  [trace.id]).fetchall():
                rows.setdefault(row[1], []).append(row[0])
            for branch, hops, _ in chains:
                for hop_id, hop in zip(rows.get(branch, []), hops):
                    update_hop_extra(db, hop_id, {"credibility": hop.extra["credibility"]})
    except Exception as exc:  # noqa: BLE001 - credibility must never lose a trace
        trace.extra["credibility"] = {"error": f"{type(exc).__name__}: {exc}"}


# --- per claim -----------------------------------------------------------------------------


def _shingles(text: str, k: int = 5) -> set[int]:
    words = _fold(text).split()
    return {hash(" ".join(words[i : i + k])) for i in range(max(1, len(words) - k + 1))} if words else set()


def _publisher(db: Database | None, hop: Hop) -> str | None:
    """The page's own name for its publisher (hop.source is what the citing page called it)."""
    if db is None or not hop.document_id:
        return None
    row = db.execute("select publisher from documents where id = ?", [hop.document_id]).fetchone()
    return row[0] if row and row[0] else None


def sources_from_traces(traces: Iterable[Trace], db: Database | None = None) -> dict[str, Any]:
    """A ``tracer sources``-shaped result built from traces: every page met, with its chain's origin.

    For use before (or without) the corpus: the same shape as the corpus's ``sources`` JSON
    (``{"claim", "documents": [{"url", "publisher", "published", "evidence", "cites", "origin", "copy_of"}],
    "origins", "independent_origins"}``), ``copy_of`` left for ``assess_claim`` to find.
    """
    traces = list(traces)
    documents: dict[str, dict[str, Any]] = {}
    for t in traces:
        origin = {"name": t.origin.name, "url": t.origin.url} if t.origin else {"name": None, "url": None}
        if t.origin and t.origin.reason not in ("no-further-attribution", "unlinked-source"):
            origin = {"name": None, "url": None, "reason": t.origin.reason}
        for hop in t.hops:
            if not hop.url or not hop.evidence or hop.url in documents:
                continue
            documents[hop.url] = {
                "url": hop.url,
                "publisher": _publisher(db, hop) or hop.source,
                "published": hop.published,
                "evidence": hop.evidence,
                "cites": [{"source": hop.cites.source, "url": hop.cites.link}] if hop.cites else [],
                "origin": origin,
                "text": _document_text(db, hop),
            }
    return {"claim": traces[0].claim if traces else None, "documents": list(documents.values())}


# How a chain ends at an origin (the others: a loop, a dead link, max-hops... reach none).
ORIGIN_REASONS = (None, "no-further-attribution", "unlinked-source", "not-in-corpus")


def _outlet_key(origin: dict[str, Any], groups: dict[str, dict[str, Any]]) -> str:
    """One outlet, one origin: origins on one registered domain are one group; a named origin
    without a URL is a group of its name (merged into a site group later, when it names it)."""
    from tracer.resolve import same_source

    url, name = origin.get("url"), origin.get("name")
    if url:
        return "site:" + (outlet_domain(url) or url)
    for key, g in groups.items():
        if key.startswith("name:") and name and same_source(name, g["name"]):
            return key
    return "name:" + _fold(name or "")


def _merge_named_into_sites(groups: dict[str, dict[str, Any]]) -> None:
    """A source named without a link ("Global Wire", not online) is the outlet of a site group
    whose pages it publishes (its name, or its domain): one outlet, one origin."""
    from tracer.resolve import same_source

    sites = [(k, g) for k, g in groups.items() if k.startswith("site:")]
    for key in [k for k in groups if k.startswith("name:")]:
        named = groups[key]
        home = next((g for _, g in sites if named["name"] and (same_source(named["name"], g["name"]) or
                     any(domain_matches_source(u, named["name"]) for u in g["urls"]))), None)
        if home is not None:
            home["documents"] += named["documents"]
            home["copies"] += named["copies"]
            del groups[key]


def _origin_probe(db: Database | None, url: str | None, name: str | None) -> Hop:
    """A hop standing for an origin page, with its stored document (publisher, metadata) when there is one."""
    probe = Hop(depth=1, url=url, source=name, kind="unknown", status=200 if url else None)
    if db is not None and url and "documents" in db.table_names():
        row = db.execute("select id from documents where url = ? order by rowid desc limit 1", [url]).fetchone()
        probe.document_id = row[0] if row else None
    return probe


def _origin_key(origin: dict[str, Any] | None) -> str | None:
    if not origin:
        return None
    if origin.get("url"):
        return origin["url"]
    return ("name:" + _fold(origin["name"])) if origin.get("name") else None


def assess_claim(sources_result: Any, db: Database | None = None) -> dict[str, Any]:
    """Per claim: independent origins, copies collapsed, citation laundering, single-source amplification.

    ``sources_result`` is the ``tracer sources`` JSON (a dict, or an object with ``to_json()``)
    or ``sources_from_traces(...)``. Copies are taken from ``copy_of`` when the documents carry
    that field (the corpus marks them), otherwise found here by shingled overlap of each
    document's ``text``.
    """
    data = sources_result.to_json() if hasattr(sources_result, "to_json") else dict(sources_result)
    docs = [dict(d) for d in data.get("documents", [])]
    by_url = {d.get("url"): d for d in docs}

    # copies: the corpus's copy_of, or near-duplicate text (the earlier page is the original)
    if not any("copy_of" in d for d in docs):
        ordered = sorted(docs, key=lambda d: (d.get("published") or "9999", d.get("url") or ""))
        kept: list[tuple[dict[str, Any], set[int]]] = []
        for d in ordered:
            sh = _shingles(d.get("text") or "")  # whole texts: two pages quoting one sentence are not copies
            original = None
            for o, osh in kept:
                if sh and osh and len(sh & osh) / min(len(sh), len(osh)) >= COPY_OVERLAP:
                    original = o
                    break
            if original is not None:
                d["copy_of"] = original.get("url")
                by_url[d.get("url")]["copy_of"] = original.get("url")
            else:
                kept.append((d, sh))
    docs = [by_url[d.get("url")] for d in docs]

    def root(d: dict[str, Any]) -> dict[str, Any]:
        seen = set()
        while d.get("copy_of") and d["copy_of"] in by_url and d["copy_of"] not in seen:
            seen.add(d["copy_of"])
            d = by_url[d["copy_of"]]
        return d

    # origins: a copy stands on its original's origin; pages whose chain reached no origin
    # (a loop, a dead link, a cited page without the claim) are counted apart, never as origins
    # of their own; and one outlet is one origin, however many of its pages or names the chains end at
    groups: dict[str, dict[str, Any]] = {}
    unresolved = []
    for d in docs:
        r = root(d)
        origin = r.get("origin") or {}
        key = _origin_key(origin)
        if key is None or origin.get("reason") not in ORIGIN_REASONS:
            unresolved.append(d.get("url"))
            continue
        if origin.get("url") and origin["url"] in by_url and by_url[origin["url"]].get("publisher"):
            origin = {**origin, "name": by_url[origin["url"]]["publisher"]}  # the origin page's own name for itself
        key = _outlet_key(origin, groups)
        g = groups.setdefault(key, {"name": origin.get("name"), "url": origin.get("url"), "urls": [],
                                    "documents": [], "copies": []})
        if origin.get("url") and origin["url"] not in g["urls"]:
            g["urls"].append(origin["url"])
            g["url"] = g["url"] or origin["url"]
        g["name"] = g["name"] or origin.get("name")
        (g["copies"] if d.get("copy_of") else g["documents"]).append(d.get("url"))
    _merge_named_into_sites(groups)
    origins = []
    for g in groups.values():
        probe = _origin_probe(db, g["url"], g["name"])
        kind = source_kind(probe, db)[0]
        repeaters = g["documents"] + g["copies"]
        origins.append({
            "name": g["name"],
            "url": g["url"],
            **({"urls": g["urls"]} if len(g["urls"]) > 1 else {}),
            "source_kind": kind,
            "documents": len(repeaters),
            "copies": len(g["copies"]),
            "pages": repeaters,
            "ratings": ratings_lookup(db, g["url"]) if g["url"] else [],
        })
    origins.sort(key=lambda o: (-o["documents"], o["url"] or o["name"] or ""))

    # laundering: a low-rated origin repeated by outlets the same rater rates high
    laundering = []
    for o in origins:
        for r in o["ratings"]:
            if r.get("score") is None or r["normalised"] >= LOW_RATING:
                continue
            amplifiers = []
            for url in o["pages"]:
                if url == o["url"]:
                    continue
                for ar in ratings_lookup(db, url):
                    if ar["rater"] == r["rater"] and ar.get("score") is not None and ar["normalised"] >= HIGH_RATING:
                        amplifiers.append({"url": url, "domain": ar["domain"], "score": ar["score"], "scale": ar["scale"]})
            if amplifiers:
                names = " and ".join(sorted({f"{a['domain']} ({a['score']:g})" for a in amplifiers}))
                label = f"{o['name']} ({r['domain']})" if o["name"] else r["domain"]
                laundering.append({
                    "origin": o["url"] or o["name"],
                    "rater": r["rater"],
                    "as_of": r["as_of"],
                    "origin_score": r["score"],
                    "scale": r["scale"],
                    "amplifiers": amplifiers,
                    "explanation": (f"{label} is rated {r['score']:g} on {r['scale']} by {r['rater']} ({r['as_of']}), "
                                    f"yet {names}, rated high by the same rater, repeat it: the claim borrows "
                                    "their standing, not its origin's"),
                })

    independent = len(origins)
    n_docs = len(docs)
    n_copies = sum(1 for d in docs if d.get("copy_of"))
    amplified = independent == 1 and n_docs >= 3
    top = origins[0] if origins else None
    if amplified:
        amp = {"value": True, "explanation": f"{n_docs} pages carry the claim, and all rest on one origin: "
                                             f"{top['name'] or top['url']}" +
                                             (f" ({n_copies} of them copies of one text)" if n_copies else "")}
    else:
        amp = {"value": False, "explanation": f"{n_docs} page(s), {independent} independent origin(s)"}

    sentences = []
    ends = {}
    for d in docs:
        reason = ((root(d).get("origin") or {}).get("reason")) if d.get("url") in unresolved else None
        if reason:
            ends[reason] = ends.get(reason, 0) + 1
    if not docs:
        sentences.append("No page carries the claim")
    elif not origins:
        why = {"loop": "the citations go round in a circle", "claim-not-found": "a cited page does not carry it",
               "max-hops": "the chain is longer than the hop limit"}
        told = "; ".join(f"{why.get(r, r)} ({n} page(s))" for r, n in ends.items())
        sentences.append(f"{n_docs} page(s) carry the claim, but no chain reaches an origin"
                         + (f": {told}" if told else ""))
    elif independent == 1:
        sentences.append(f"{n_docs} page(s) carry the claim; one independent origin stands behind them: "
                         f"{top['name'] or top['url']} ({_KIND_PHRASE.get(top['source_kind'], top['source_kind'])})")
    else:
        sentences.append(f"{n_docs} pages carry the claim, resting on {independent} independent origins: "
                         + "; ".join(f"{o['name'] or o['url']} ({o['documents']} page(s))" for o in origins))
    if n_copies:
        sentences.append(f"{n_copies} page(s) are copies of another page's text and count once")
    for item in laundering:
        sentences.append("Citation laundering: " + item["explanation"])
    if amplified:
        sentences.append("Single-source amplification: repeats are not confirmations")
    if unresolved and origins:
        sentences.append(f"{len(unresolved)} page(s) reach no origin and are not counted as one")
    return {
        "claim": data.get("claim"),
        "documents": n_docs,
        "copies": n_copies,
        "unresolved": unresolved,
        "independent_origins": independent,
        "origins": origins,
        "laundering": laundering,
        "single_source_amplification": amp,
        "verdict": ". ".join(sentences) + ".",
    }


# --- stored traces and text ----------------------------------------------------------------


def recheck(db: Database, trace_id: int) -> Trace:
    """Judge a stored trace again (after importing a rater, say) and store the new judgements."""
    from tracer.store import load_trace, update_trace_extra

    stored = load_trace(db, trace_id)
    attach(stored, db)
    update_trace_extra(db, trace_id, {"credibility": stored.extra["credibility"]})
    return stored


def format_trace_text(trace: Trace) -> str:
    """The judgement of a trace for a person: verdict, score with its parts, a line per hop."""
    chain = trace.extra.get("credibility") or {}
    if "error" in chain:
        return f"Credibility could not be judged: {chain['error']}"
    lines = [f"Claim: {trace.claim}", f"Verdict: {chain.get('verdict', '')}"]
    score = chain.get("score")
    if score:
        lines.append(f"Score: {score['value']} = {score['formula']}")
        lines += [f"    {name}: {part['value']} ({part['why']})" for name, part in score["parts"].items()]
    weakest = chain.get("weakest_hop")
    if weakest:
        lines.append(f"Weakest hop: [{weakest['depth']}] {weakest['why']}")
    for hop in trace.hops:
        cred = hop.extra.get("credibility") or {}
        lines.append(f"[{hop.depth}] {_name(hop)} — {cred.get('summary', '')}")
        for s in cred.get("signals", []):
            if s["value"] is not None and s["name"] != "source-kind":
                lines.append(f"    {s['name']}: {s['explanation']}")
    return "\n".join(lines)


def format_claim_text(result: dict[str, Any]) -> str:
    """The per-claim judgement for a person: verdict, then each origin with its pages and raters."""
    from tracer.judge.ratings import describe

    lines = [f"Claim: {result.get('claim')}", f"Verdict: {result['verdict']}"]
    for o in result["origins"]:
        lines.append(f"Origin: {o['name'] or o['url']} ({_KIND_PHRASE.get(o['source_kind'], o['source_kind'])}) — "
                     f"{o['documents']} page(s), {o['copies']} copies" + (f" — {o['url']}" if o["url"] else ""))
        lines += [f"    {describe(r)}" for r in o["ratings"]]
    for item in result["laundering"]:
        lines.append(f"Laundering: {item['explanation']}")
    return "\n".join(lines)
