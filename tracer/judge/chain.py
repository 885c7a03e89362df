"""The judgement of a chain: did it reach an origin, of what kind, did the claim survive each
hop, is it dated in order or circular; a verdict in words and a score with its parts."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tracer.judge.hop import assess_hop, history_sentences, hop_name, signal
from tracer.judge.kinds import KIND_PHRASE, LOW_RATING, PRIMARY_KINDS, SCORE_FORMULA, WEAK_MATCH
from tracer.models import Hop, Origin, Trace


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
    return " → ".join(hop_name(h) for h in hops)


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
            f"“{c['from']}” at {hop_name(hops[hops.index(h) + 1]) if hops.index(h) + 1 < len(hops) else 'its source'} "
            f"became “{c['to']}” at {hop_name(h)}" for h, c in reversed(structured))
    if structured:
        first_hop, first = structured[-1]
        last_hop, last = structured[0]
        origin_side = hops[hops.index(first_hop) + 1] if hops.index(first_hop) + 1 < len(hops) else None
        direction = "grew" if last["to_value"] > first["from_value"] else "shrank" \
            if last["to_value"] < first["from_value"] else "changed"
        via = f", in {len(structured)} steps" if len(structured) > 1 else ""
        return (f"the number {direction} from “{first['from']}” ({hop_name(origin_side)}) to “{last['to']}” "
                f"({hop_name(last_hop)}) along the way{via}")
    # a misquote is said once, by the quote-fidelity sentence of the verdict
    return "; ".join(f"{hop_name(h)} changed the claim ({signal(a, 'drift')['explanation']})"
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
    mismatch = hops[0].extra.get("claim_mismatch") if "claim-mismatch" in hops[0].flags else None
    if mismatch:  # the page says something else than the claim: everything after is about the page's version
        sentences.append(f"{hop_name(hops[0])} does not say what the claim says ({'; '.join(mismatch)}): "
                         "what follows traces the page's version, which does not confirm the claim")
    if reached == "online":
        where = f"{hop_name(last)} ({KIND_PHRASE[last_kind]})"
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
                                                                                                    KIND_PHRASE[last_kind])
        sentences.append(f"Traced to {noun}, {hop_name(last)}, named by {hop_name(citer)} but not online; "
                         f"{_hops_phrase(length, faithful)} before it")
    elif reason == "anonymous-source":
        anon = last.cites.source if last and last.cites and last.cites.source else "unnamed sources"
        reporters = [hop_name(h) for h in hops]
        by = reporters[-1] + (f" (via {', '.join(reporters[:-1])})" if len(reporters) > 1 else "")
        sentences.append(f"Rests on anonymous sources (“{anon}”) reported by {by}")
    elif circular:
        closing = last.cites.link if last and last.cites else None
        back = next((h for h in hops if closing and closing in (h.url, h.requested_url)), None)
        sentences.append(f"Not traced: the citations go round in a circle ({_chain_text(hops)} → back to "
                         f"{hop_name(back) if back else closing}); no origin is reached")
    elif reason == "broken-link" and last is not None and last.status in (429, 503):
        sentences.append(f"Not traced: {hop_name(last)} was unavailable ({last.status}: the server asked to be "
                         "asked later); the link may work another time")
    elif reason == "broken-link":
        sentences.append(f"Not traced: {hop_name(citer)}'s link to {hop_name(last)} is dead "
                         f"({last.status if last and last.status else last.error if last else 'no answer'})")
    elif reason == "claim-not-found":
        if citer is not None:
            sentences.append(f"Not traced: {hop_name(citer)} cites {hop_name(last)}, but that page does not carry the claim")
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
        sentences.append(f"Not traced: {hop_name(last)} could not be read ({why})")
    drift = _drift_summary(hops, assessments)
    if drift:
        sentences.append(drift[0].upper() + drift[1:])
    for hop, a in zip(hops, assessments):
        q = signal(a, "quote-fidelity")
        if q["value"] == "altered":
            sentences.append(f"{hop_name(hop)} misquotes its source: {q['explanation']}")
        d = signal(a, "date-order")
        if d["value"] == "violated":
            sentences.append(f"{hop_name(hop)} is {d['explanation']}: a date is wrong or the source changed later")
    sentences += history_sentences(hops)
    looked_up = [h for h, a in zip(hops, assessments) if signal(a, "citation")["value"] == "lookup"]
    if looked_up:
        sentences.append(f"{', '.join(hop_name(h) for h in looked_up)} named its source without a link; "
                         "tracer found the page by lookup")
    if last is not None and reached != "not-reached" and last_kind not in PRIMARY_KINDS:
        value, shown = _rating_parts(assessments[-1]["ratings"])
        if value is not None and value < LOW_RATING:
            sentences.append(f"The origin, {hop_name(last)}, is rated low: {shown}")
    return ". ".join(sentences) + "."


def _score(origin, hops, assessments, reached, last_kind, altered) -> dict[str, Any] | None:
    """A number only with its parts: each part 0..1 with why; the value is their mean."""
    if not hops:
        return None
    reason = origin.reason if origin else None
    parts: dict[str, dict[str, Any]] = {}
    if reached == "online":
        v = 1.0 if last_kind in PRIMARY_KINDS else 0.8 if last_kind in ("wire-service", "organisation") else 0.6
        parts["origin"] = {"value": v, "why": f"origin online: {KIND_PHRASE[last_kind]}"}
    elif reached == "named-not-online":
        v = 0.6 if last_kind in PRIMARY_KINDS else 0.4
        parts["origin"] = {"value": v, "why": f"origin named but not online: {KIND_PHRASE[last_kind]}"}
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
        lines.append(f"[{hop.depth}] {hop_name(hop)} — {cred.get('summary', '')}")
        for s in cred.get("signals", []):
            if s["value"] is not None and s["name"] != "source-kind":
                lines.append(f"    {s['name']}: {s['explanation']}")
    return "\n".join(lines)
