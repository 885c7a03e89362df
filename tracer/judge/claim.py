"""The judgement of a claim over many pages: how many independent origins stand behind the
repeats (copies counted once), citation laundering and single-source amplification."""

from __future__ import annotations

from typing import Any, Iterable

from sqlite_utils import Database

from tracer.judge.hop import document_text, fold
from tracer.judge.kinds import COPY_OVERLAP, HIGH_RATING, KIND_PHRASE, LOW_RATING, source_kind
from tracer.judge.ratings import lookup as ratings_lookup
from tracer.models import Hop, Trace
from tracer.web.urls import domain_matches_source, outlet_domain



def _shingles(text: str, k: int = 5) -> set[int]:
    words = fold(text).split()
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
                "text": document_text(db, hop),
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
    return "name:" + fold(name or "")


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
    return ("name:" + fold(origin["name"])) if origin.get("name") else None


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
                         f"{top['name'] or top['url']} ({KIND_PHRASE.get(top['source_kind'], top['source_kind'])})")
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



def format_claim_text(result: dict[str, Any]) -> str:
    """The per-claim judgement for a person: verdict, then each origin with its pages and raters."""
    from tracer.judge.ratings import describe

    lines = [f"Claim: {result.get('claim')}", f"Verdict: {result['verdict']}"]
    for o in result["origins"]:
        lines.append(f"Origin: {o['name'] or o['url']} ({KIND_PHRASE.get(o['source_kind'], o['source_kind'])}) — "
                     f"{o['documents']} page(s), {o['copies']} copies" + (f" — {o['url']}" if o["url"] else ""))
        lines += [f"    {describe(r)}" for r in o["ratings"]]
    for item in result["laundering"]:
        lines.append(f"Laundering: {item['explanation']}")
    return "\n".join(lines)
