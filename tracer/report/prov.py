"""A trace as W3C PROV-JSON: how each page was fetched, what was read from it, and who it credits.

- entities: every page read (``tr:page-N``, with its URL, digest, status and date), every named
  source not online and every anonymous source (``tr:source-N``), every evidence sentence
  (``tr:evidence-N``), the claim (``tr:claim``) and the stored trace (``tr:trace-N``);
- activities: every fetch (``tr:fetch-N``: time, status, live or archive replay, WARC record),
  every extraction of a page (``tr:extract-N``), and the trace itself (``tr:tracing-N``);
- agents: tracer (a software agent) and each source a page is credited to (its publisher, or
  the name the citing page gives it);
- relations: wasGeneratedBy (page by fetch, evidence by extraction), used (extraction used
  page), wasInformedBy (extraction by fetch), wasAssociatedWith (activities with tracer),
  wasAttributedTo (page to source), wasDerivedFrom (citing page from cited page, with the cue
  and sentence), and quotations (``wasDerivedFrom`` with ``prov:type`` ``prov:Quotation``,
  as PROV-JSON writes wasQuotedFrom): the evidence sentence quoted from its page, and a citing
  page quoted from the cited page when a passage it puts in quotation marks is there verbatim.

PROV-JSON: https://www.w3.org/submissions/prov-json/ (no network is used to write it).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from tracer.safe import for_xml

if TYPE_CHECKING:
    from tracer.report.model import Report

PREFIXES = {
    "tr": "urn:citation-tracer:",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
}

_AGENT_TYPES = {"outlet": "prov:Organization", "organisation": "prov:Organization", "person": "prov:Person"}


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:60] or "unnamed"


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def _time(value: str | None) -> dict[str, str] | None:
    if not value or not re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        return None
    return {"$": value, "type": "xsd:dateTime"}


class _Doc:
    def __init__(self) -> None:
        self.sections: dict[str, dict[str, Any]] = {"prefix": dict(PREFIXES)}
        self._n = 0

    def add(self, section: str, ident: str, attrs: dict[str, Any]) -> str:
        self.sections.setdefault(section, {})[ident] = _clean(attrs)
        return ident

    def relation(self, section: str, attrs: dict[str, Any]) -> None:
        self._n += 1
        self.add(section, f"_:{section}{self._n}", attrs)


def prov_document(report: Report) -> dict[str, Any]:
    from tracer.version import __version__
    from tracer.report.model import credibility_verdict, hop_credibility

    trace = report.trace
    doc = _Doc()
    tool = doc.add("agent", "tr:tracer", {"prov:type": {"$": "prov:SoftwareAgent", "type": "prov:QUALIFIED_NAME"},
                                          "prov:label": f"tracer {__version__}"})
    claim = doc.add("entity", "tr:claim", {"prov:type": {"$": "tr:Claim", "type": "prov:QUALIFIED_NAME"},
                                           "prov:value": trace.claim})
    tid = trace.id if trace.id is not None else 0
    tracing = doc.add("activity", f"tr:tracing-{tid}", {
        "prov:startTime": _time(trace.started_at), "prov:endTime": _time(trace.finished_at),
        "prov:type": {"$": "tr:Trace", "type": "prov:QUALIFIED_NAME"}, "prov:label": "trace of the claim",
        "tr:startUrl": trace.start_url,
    })
    doc.relation("used", {"prov:activity": tracing, "prov:entity": claim})
    doc.relation("wasAssociatedWith", {"prov:activity": tracing, "prov:agent": tool})
    result = doc.add("entity", f"tr:trace-{tid}", {
        "prov:type": {"$": "tr:CitationChain", "type": "prov:QUALIFIED_NAME"},
        "tr:originName": trace.origin.name if trace.origin else None,
        "tr:originUrl": trace.origin.url if trace.origin else None,
        "tr:stopReason": trace.origin.reason if trace.origin else None,
        "tr:flags": " ".join(trace.flags),
        "tr:verdict": credibility_verdict(trace),  # issue 8: the chain's credibility verdict
    })
    doc.relation("wasGeneratedBy", {"prov:entity": result, "prov:activity": tracing,
                                    "prov:time": _time(trace.finished_at)})

    agents: dict[str, str] = {}

    def agent_for(name: str | None, kind: str) -> str | None:
        if not name:
            return None
        if name not in agents:
            agent_type = _AGENT_TYPES.get(kind, "prov:Agent")
            agents[name] = doc.add("agent", f"tr:agent-{_slug(name)}-{len(agents) + 1}", {
                "prov:type": {"$": agent_type, "type": "prov:QUALIFIED_NAME"}, "prov:label": name,
                "tr:kind": kind,
            })
        return agents[name]

    entity_of: dict[int, str] = {}
    by_url: dict[str, str] = {}
    for r in report.records:
        hop = r.hop
        n = r.hop_id if r.hop_id is not None else f"{r.branch}-{r.index}"
        url = hop.url or hop.requested_url
        credibility, source_kind = hop_credibility(hop)
        if r.loop_to is not None:  # "back to that page": the page's entity, recorded earlier
            entity_of[id(r)] = entity_of[id(r.loop_to)]
            continue
        if url and url in by_url:
            entity_of[id(r)] = by_url[url]
            continue
        if r.state in ("page", "dead", "unreached") and url:
            ident = doc.add("entity", f"tr:page-{n}", {
                "prov:type": {"$": "tr:WebPage", "type": "prov:QUALIFIED_NAME"},
                "prov:label": hop.title or hop.source or url, "prov:location": url,
                "tr:requestedUrl": hop.requested_url, "tr:httpStatus": hop.status, "tr:error": hop.error,
                "tr:sha256": hop.sha256, "tr:published": hop.published, "tr:source": hop.source,
                "tr:kind": hop.kind, "tr:depth": hop.depth,
                "tr:credibility": credibility, "tr:sourceKind": source_kind,
            })
            by_url[url] = ident
            fetch = r.fetch or {}
            fid = fetch.get("id") if fetch.get("id") is not None else n
            act = doc.add("activity", f"tr:fetch-{fid}", {
                "prov:type": {"$": "tr:Fetch", "type": "prov:QUALIFIED_NAME"},
                "prov:startTime": _time(hop.fetched_at or fetch.get("fetched_at")),
                "prov:endTime": _time(hop.fetched_at or fetch.get("fetched_at")),
                "tr:requestedUrl": hop.requested_url, "tr:httpStatus": hop.status, "tr:error": hop.error,
                "tr:from": fetch.get("origin"), "tr:warcPath": fetch.get("warc_path"),
                "tr:warcOffset": fetch.get("warc_offset"),
            })
            doc.relation("wasAssociatedWith", {"prov:activity": act, "prov:agent": tool})
            doc.relation("wasInformedBy", {"prov:informed": tracing, "prov:informant": act})
            if hop.status is not None:
                doc.relation("wasGeneratedBy", {"prov:entity": ident, "prov:activity": act,
                                                "prov:time": _time(hop.fetched_at)})
            publisher = r.publisher
            who = agent_for(publisher, "outlet" if hop.depth == 0 else hop.kind)
            if who:
                doc.relation("wasAttributedTo", {"prov:entity": ident, "prov:agent": who})
            if hop.evidence is not None or hop.cites is not None or r.state == "page":
                ext = doc.add("activity", f"tr:extract-{n}", {
                    "prov:type": {"$": "tr:Extraction", "type": "prov:QUALIFIED_NAME"},
                    "prov:label": "main text, claim and attribution extraction",
                })
                doc.relation("used", {"prov:activity": ext, "prov:entity": ident})
                doc.relation("wasInformedBy", {"prov:informed": ext, "prov:informant": act})
                doc.relation("wasAssociatedWith", {"prov:activity": ext, "prov:agent": tool})
                if hop.evidence:
                    ev = doc.add("entity", f"tr:evidence-{n}", {
                        "prov:type": {"$": "tr:EvidenceSentence", "type": "prov:QUALIFIED_NAME"},
                        "prov:value": hop.evidence, "tr:matchScore": hop.match_score,
                        "tr:start": hop.evidence_span[0] if hop.evidence_span else None,
                        "tr:end": hop.evidence_span[1] if hop.evidence_span else None,
                    })
                    doc.relation("wasGeneratedBy", {"prov:entity": ev, "prov:activity": ext})
                    doc.relation("wasDerivedFrom", {
                        "prov:generatedEntity": ev, "prov:usedEntity": ident, "prov:activity": ext,
                        "prov:type": {"$": "prov:Quotation", "type": "prov:QUALIFIED_NAME"},
                    })
        else:
            ident = doc.add("entity", f"tr:source-{n}", {
                "prov:type": {"$": "tr:NamedSource", "type": "prov:QUALIFIED_NAME"},
                "prov:label": hop.source or "an unnamed source", "tr:kind": hop.kind, "tr:online": False,
                "tr:state": r.state, "tr:credibility": credibility, "tr:sourceKind": source_kind,
            })
            who = agent_for(hop.source, hop.kind) if hop.kind != "document" else None
            if who:
                doc.relation("wasAttributedTo", {"prov:entity": ident, "prov:agent": who})
        entity_of[id(r)] = ident

    for r in report.records:  # a branch leaves its fork by a citation the fork's main citation is not
        p = r.parent
        if p is not None and p.cited is not r and r.loop_to is None:
            doc.relation("wasDerivedFrom", {
                "prov:generatedEntity": entity_of[id(p)], "prov:usedEntity": entity_of[id(r)],
                "prov:type": {"$": "tr:Citation", "type": "prov:QUALIFIED_NAME"},
                "tr:citedAs": r.hop.source, "tr:link": r.hop.requested_url,
            })
    for r in report.records:
        c = r.hop.cites
        if c is None:
            continue
        if r.cited is not None:
            cited = entity_of[id(r.cited)]
        else:  # not followed to a hop of its own (anonymous sources)
            n = r.hop_id if r.hop_id is not None else f"{r.branch}-{r.index}"
            cited = doc.add("entity", f"tr:source-{n}-cited", {
                "prov:type": {"$": "tr:NamedSource", "type": "prov:QUALIFIED_NAME"},
                "prov:label": c.source or "an unnamed source", "tr:kind": c.kind, "tr:online": False,
                "prov:location": c.link,
            })
            who = agent_for(c.source, c.kind)
            if who:
                doc.relation("wasAttributedTo", {"prov:entity": cited, "prov:agent": who})
        for quote in shared_quotes(r.hop.evidence, r.cited.hop.evidence if r.cited else None):
            doc.relation("wasDerivedFrom", {  # PROV-JSON's wasQuotedFrom
                "prov:generatedEntity": entity_of[id(r)], "prov:usedEntity": cited,
                "prov:type": {"$": "prov:Quotation", "type": "prov:QUALIFIED_NAME"}, "tr:quote": quote,
            })
        doc.relation("wasDerivedFrom", {
            "prov:generatedEntity": entity_of[id(r)], "prov:usedEntity": cited,
            "prov:type": {"$": "tr:Citation", "type": "prov:QUALIFIED_NAME"},
            "tr:cue": c.cue, "tr:citedAs": c.source, "tr:link": c.link, "tr:sentence": c.sentence,
            "tr:resolvedBy": c.resolved_by, "tr:closesLoop": True if r.closes_loop else None,
        })
    return doc.sections


_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def shared_quotes(citing: str | None, cited: str | None) -> list[str]:
    """Passages the citing sentence puts in quotation marks that the cited page's sentence carries verbatim."""
    if not citing or not cited:
        return []
    target = _norm(cited)
    return [m.group(1) for m in _QUOTED.finditer(citing) if _norm(m.group(1).strip(" ,.")) in target]


def format_prov(report: Report) -> str:
    return json.dumps(_xml_safe(prov_document(report)), ensure_ascii=False, indent=2) + "\n"


def _xml_safe(value: Any) -> Any:
    """Every string with only characters XML allows: PROV-JSON must convert to PROV-XML, and page
    text (or a claim) may carry C0 controls or U+FFFE that JSON escapes but XML refuses."""
    if isinstance(value, str):
        return for_xml(value)
    if isinstance(value, dict):
        return {for_xml(k) if isinstance(k, str) else k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_xml_safe(v) for v in value]
    return value


def page_entities(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page entities of a PROV-JSON document written here (for tests and tools)."""
    return {k: v for k, v in document.get("entity", {}).items() if k.startswith("tr:page-")}


__all__ = ["prov_document", "format_prov", "page_entities", "PREFIXES"]
