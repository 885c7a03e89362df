"""The judgement of one hop: did the page say what its source said (figures, direct quotes),
is the citation linked and dated in order, what kind of source is it, how do raters rate it.

``upstream_hop`` is the hop a page cites: one step closer to the origin. Signals about a
citation belong to the citing hop, the one that may have got it wrong."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from tracer.claims.match import Quantity, compatible, quantities, same_kind
from tracer.judge.kinds import KIND_PHRASE, WEAK_MATCH, source_kind
from tracer.judge.ratings import lookup as ratings_lookup
from tracer.models import Hop

# --- text helpers --------------------------------------------------------------------------

_QUOTE_RE = re.compile(r"[“„«]([^“”„«»]{3,600}?)[”»]|\"([^\"]{3,600}?)\"")
_HEDGES = re.compile(r"(?:more than|over|at least|at most|about|around|roughly|nearly|almost|up to|approximately|"
                     r"some|as many as|as much as|as high as|fewer than|less than|under|an estimated|estimated)\s*$",
                     re.I)
_WORD_TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def fold(text: str) -> str:
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
    qwords = fold(quote).split()
    tokens = list(_WORD_TOKEN.finditer(source))
    words = [fold(t.group(0)) for t in tokens]
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


def hop_name(hop: Hop | None) -> str:
    if hop is None:
        return "(nobody)"
    if hop.source:
        return hop.source
    url = hop.url or hop.requested_url
    return (urlsplit(url).hostname or url) if url else "(unnamed source)"


def _signal(name: str, value: Any, explanation: str) -> dict[str, Any]:
    return {"name": name, "value": value, "explanation": explanation}


def document_text(db: Database | None, hop: Hop, full_only: bool = False) -> str | None:
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


def history_sentences(hops: list[Hop]) -> list[str]:
    """What the verdict tells about pages read from a web archive, and pages changed after they
    were cited: a fact-checker signs a verdict only knowing which version of a page it rests on."""
    out = []
    for i, hop in enumerate(hops):
        citer = hops[i - 1] if i else None
        by = hop_name(citer) if citer else "the citing page"
        archived = hop.extra.get("archived") if hop.extra else None
        if isinstance(archived, dict):
            why = ("the live link is dead" + (f" ({archived['original_status']})" if archived.get("original_status")
                                              else "") if archived.get("reason") == "dead-link"
                   else "the live page no longer carries the claim")
            when = "made after " + by + " cited it" if archived.get("after_citation") else "made before " + by + " cited it"
            out.append(f"{hop_name(hop)} was read from a web archive's copy of {_day(archived.get('captured_at'))}, "
                       f"{when}: {why}")
        changed = hop.extra.get("changed_after_citation") if hop.extra else None
        if isinstance(changed, dict):
            since = f" (the page says it was modified {_day(changed['page_modified'])})" if changed.get("page_modified") else ""
            if changed.get("change") == "edited":
                seen = "the earlier version" if changed.get("citing_page_saw") == "before" else "the version of now"
                out.append(f"{hop_name(hop)} edited the page after {by} cited it{since}: “{_short(changed.get('before') or '')}” "
                           f"then (copy of {_day(changed.get('version_captured_at'))}), “{_short(changed.get('after'))}” "
                           f"now; {by} reports {seen}")
            else:
                out.append(f"{hop_name(hop)} added the claim after {by} cited it{since}: “{_short(changed.get('after'))}” "
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
            signals.append(_signal("claim-at-source", None, f"{hop_name(up)} could not be read ({why}): not checked"))
        elif up.evidence and up.match_score is not None:
            signals.append(_signal("claim-at-source", up.match_score,
                                   f"{hop_name(up)} carries the claim (match {up.match_score:.2f})"))
        elif up.status is not None and (up.evidence is None) and "loop" not in hop.flags:
            signals.append(_signal("claim-at-source", 0.0, f"{hop_name(up)} does not carry the claim"))

    # 3. drift: the figures of the claim sentence against its source's, as this page saw it (a
    # source edited after the citation is held against its earlier version: the edit is the source's)
    changes = number_changes(_seen_upstream(up), hop.evidence)
    theirs = _their_drift(hop)
    if changes or theirs:
        # the trace engine's own account (hop.extra["drift"]: figures, hedges, quotes, names) when it
        # gave one; otherwise the figures compared here
        said = theirs or "; ".join(f"“{c['from']}” at {hop_name(up)} became “{c['to']}” here" for c in changes)
        signals.append({**_signal("drift", "changed", said), "changes": changes})
    elif up is not None and up.evidence and hop.evidence:
        signals.append(_signal("drift", "none", f"the figures agree with those of {hop_name(up)}"
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
        full_text = document_text(db, up, full_only=True)
        source_text = full_text or up.evidence or ""
        folded = fold(source_text)
        checked = []
        for q in quotes:
            if fold(q) in folded:
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
                                      f"{len(unchecked)} direct quotation(s) not in {hop_name(up)}'s claim sentence; "
                                      "its full text is not at hand to check the rest"), "quotes": checked})
        elif altered:
            said = "; ".join(f"“{c['quote']}” is not in {hop_name(up)}"
                             + (f", which says “{c['closest']}”" if c.get("closest") else "") for c in altered)
            signals.append({**_signal("quote-fidelity", "altered", said), "quotes": checked})
        else:
            signals.append({**_signal("quote-fidelity", "verbatim",
                                      f"{len(checked)} direct quotation(s) found verbatim at {hop_name(up)}"),
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
                                   f"dated {mine} but cites {hop_name(up)}, dated {theirs_date}, after itself"))
        else:
            signals.append(_signal("date-order", "ok", f"dated {mine}, its source {theirs_date}"))
    elif "date-order" in up.flags:
        signals.append(_signal("date-order", "violated", f"cites {hop_name(up)}, dated after itself"))
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

    parts = [KIND_PHRASE[kind][0].upper() + KIND_PHRASE[kind][1:]]
    parts += [_FINDINGS[(s["name"], s["value"])] for s in signals
              if not isinstance(s["value"], bool) and (s["name"], s["value"]) in _FINDINGS]
    parts += [describe(r) for r in ratings]
    return "; ".join(parts)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def signal(assessment: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((s for s in assessment["signals"] if s["name"] == name), None)
