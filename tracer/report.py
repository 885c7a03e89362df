"""Turn a trace into something a person or a program reads.

``trace_json`` is the stable machine format documented in the README;
``format_text`` is the readable chain printed by ``tracer trace``.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from .models import Hop, Trace

# What each stop reason means, in words (also used by the README and later reports).
REASONS = {
    "no-further-attribution": "the page cites nobody for the claim: it is the origin found",
    "unlinked-source": "the source is named but not linked, and was not found online",
    "anonymous-source": "the claim rests on anonymous sources",
    "broken-link": "the cited link is dead",
    "loop": "the citations go round in a circle",
    "max-hops": "the hop limit was reached",
    "not-archived": "the cited page is in no archive given, and the network was off",
    "robots-disallowed": "the site's robots.txt forbids fetching the cited page",
    "claim-not-found": "the page does not carry the claim",
    "fetch-error": "the page could not be fetched",
}


def trace_json(trace: Trace) -> dict[str, Any]:
    return trace.to_json()


def dumps(trace: Trace) -> str:
    return json.dumps(trace_json(trace), ensure_ascii=False, indent=2)


def _hop_heading(hop: Hop) -> str:
    name = hop.source or "(unknown source)"
    if hop.url is None:
        where = "not online" if hop.error is None and hop.requested_url is None else f"{hop.requested_url} ({hop.error or hop.status})"
        return f"[{hop.depth}] {name} ({hop.kind}) — {where}"
    status = f" ({hop.status})" if hop.status is not None else ""
    return f"[{hop.depth}] {name}{status} {hop.url}"


def _wrap(label: str, text: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=f"    {label}", subsequent_indent=" " * (4 + len(label)))


def format_text(trace: Trace) -> str:
    lines = [f"Claim: {trace.claim}"]
    for hop in trace.hops:
        lines.append(_hop_heading(hop))
        if hop.evidence:
            lines.append(_wrap("evidence: ", f"“{hop.evidence}”"))
        if hop.cites:
            target = hop.cites.link or "no link"
            cue = f" — “{hop.cites.cue}”" if hop.cites.cue else ""
            lines.append(f"    cites: {hop.cites.source} ({hop.cites.kind}){cue} → {target}")
        if hop.flags:
            lines.append(f"    flags: {', '.join(hop.flags)}")
    origin = trace.origin
    if origin:
        where = origin.url or "not online"
        lines.append(f"Origin: {origin.name} ({origin.kind}, {where}) — {origin.reason}: {REASONS.get(origin.reason, '')}")
    if trace.flags:
        lines.append(f"Flags: {', '.join(trace.flags)}")
    return "\n".join(lines)
