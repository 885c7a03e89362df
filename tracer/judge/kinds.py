"""What kind of source a hop is (official body, primary document, wire service, outlet, …),
from its host, its publisher's name and its page's metadata; and the judge's shared thresholds."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from tracer.attribution.sources import WIRE_NAMES as _WIRE_NAMES  # one pattern for resolve and the judge
from tracer.models import Hop
from tracer.web.urls import domain_matches_source, registered_domain

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

KIND_PHRASE = {
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
