"""Turn a trace into something a person or a program reads.

``trace_json`` is the stable machine format documented in the README;
``format_text`` is the readable chain printed by ``tracer trace``.

``build_report`` gathers a stored trace with its evidence, fetch and document
records (no network), and ``render`` writes it as one of ``REPORT_FORMATS``:
Markdown, self-contained HTML, JSON (with a JSON Schema in
``tracer/data/report.schema.json``), CSV, Graphviz DOT, GEXF or W3C PROV-JSON.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from tracer.models import Hop, Trace

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

# What each flag tells a reader, in words.
FLAG_REASONS = {
    "redirect": "a cited link redirected elsewhere; the page read is at the final URL, and both are shown",
    "broken-link": "a cited link is dead: the server answered with an error status, so the cited page could not be read",
    "loop": "the citations go round in a circle: a page cites a page already in the chain",
    "claim-drift": "the claim changed between hops: the figures (or hedges, quotes, names) differ from the page upstream",
    "anonymous-source": "the claim rests on anonymous sources, whom nobody can check",
    "unlinked-source": "a source is named but not linked, and was not found online: its words cannot be checked here",
    "date-order": "a page cites a source dated after itself: one of the dates is wrong, or the citation was added later",
    "archived-copy": "a page was read from a web archive's copy: the live link is dead, or the live page no longer carries the claim",
    "archived-after-citation": "the only archived copy was made after the citing page cited it: it may differ from what was cited",
    "added-after-citation": "the claim sentence was added to the cited page after it was cited: the page as cited did not carry it",
    "edited-after-citation": "the claim sentence of the cited page was edited after it was cited: both versions are given, and which one the citing page reports",
    "partly-read": "part of a page could not be read (elements nested deeper than the HTML parser goes): "
                   "the claim or its citation may be in the part not read",
}

REPORT_FORMATS = ("md", "html", "json", "csv", "dot", "gexf", "prov")
SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "report.schema.json"


def trace_json(trace: Trace) -> dict[str, Any]:
    return trace.to_json()


def dumps(trace: Trace) -> str:
    from tracer.safe import json_text  # controls escaped, lossless (issue 17)

    return json_text(trace_json(trace), indent=2)


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
        for change in hop.extra.get("drift") or []:
            lines.append(_wrap("drift: ", change))
        for note in hop.extra.get("claim_mismatch") or []:
            lines.append(_wrap("not the claim: ", note))
        archived = hop.extra.get("archived")
        if archived:
            lines.append(f"    read from archive: {archived.get('url')} (captured {archived.get('captured_at')})")
        if hop.flags:
            lines.append(f"    flags: {', '.join(hop.flags)}")
    for number, branch in enumerate(trace.branches, start=1):
        names = " → ".join(h.source or h.url or "?" for h in branch)
        lines.append(f"Branch {number}: {names}")
    origin = trace.origin
    near = trace.extra.get("candidates")
    if origin and origin.reason == "claim-not-found" and len(trace.hops) == 1 and near is not None:
        # issue 13: the start page is not an origin; show what came closest and how to go on
        lines.append(f"Not found: the start page does not carry the claim ({origin.url}).")
        if near:
            lines.append("Closest sentences:")
            for c in near:
                lines.append(_wrap(f"[{c['sentence']}] {c['score']:.2f} ", f"“{c['text']}”"))
            lines.append("To trace from one of them: add --sentence N (its number above), "
                         "or --quote \"exact words\" from the page.")
    elif origin:
        where = origin.url or "not online"
        lines.append(f"Origin: {origin.name} ({origin.kind}, {where}) — {origin.reason}: {REASONS.get(origin.reason, '')}")
    if trace.flags:
        lines.append(f"Flags: {', '.join(trace.flags)}")
    verdict = (trace.extra.get("credibility") or {}).get("verdict")
    if verdict:
        lines.append(textwrap.fill(f"Verdict: {verdict}", width=100, subsequent_indent="    "))
    return "\n".join(lines)


# --------------------------------------------------------------------------- report data


class ReportError(Exception):
    """The trace asked for cannot be found or reported."""


@dataclass
class HopRecord:
    """One hop with what the store knows about it: its row, fetch, document and evidence marks."""

    hop: Hop
    branch: int = 0
    index: int = 0  # position inside its branch
    node_id: str = ""
    hop_id: int | None = None
    parent_hop_id: int | None = None
    stop_reason: str | None = None
    fetch: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    marks: list[tuple[int, int]] = field(default_factory=list)  # claim words inside hop.evidence
    cited: HopRecord | None = None  # the hop its citation led to (None: not followed)
    closes_loop: bool = False  # its citation points back at a page already in the chain
    parent: HopRecord | None = None  # the hop that cited this one
    loop_to: HopRecord | None = None  # set on a hop recorded only to say "back to that page" (a loop)

    @property
    def state(self) -> str:
        """How the hop ended up: page, dead, unreached, unlinked or anonymous."""
        hop = self.hop
        if self.loop_to is not None:
            return "loop"
        if hop.kind == "anonymous":
            return "anonymous"
        if hop.url is None and hop.requested_url is None and hop.error is None and hop.status is None:
            return "unlinked"
        if hop.status is not None and hop.status >= 400:
            return "dead"
        if hop.error or hop.status is None:
            return "unreached"
        return "page"

    @property
    def publisher(self) -> str | None:
        return (self.document or {}).get("publisher") or self.hop.source


@dataclass
class Report:
    trace: Trace
    records: list[HopRecord]  # main chain (branch 0) first, then the branches
    options: dict[str, Any] = field(default_factory=dict)
    secondary: dict[str, Any] | None = None
    secondary_note: str | None = None
    generated_at: str = ""

    @property
    def chain(self) -> list[HopRecord]:
        return [r for r in self.records if r.branch == 0]

    def branches(self) -> list[list[HopRecord]]:
        out: dict[int, list[HopRecord]] = {}
        for r in self.records:
            if r.branch:
                out.setdefault(r.branch, []).append(r)
        return [out[b] for b in sorted(out)]


def _utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _loads(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


_FETCH_FIELDS = ("id", "requested_url", "final_url", "status", "error", "content_type", "bytes", "headers",
                 "redirects", "fetched_at", "sha256", "warc_path", "warc_offset", "origin")
_DOC_FIELDS = ("id", "url", "canonical", "title", "publisher", "author", "published", "modified", "lang", "sha256",
               "fetch_id")


def _fetch_record(db: Database, fetch_id: int | None) -> dict[str, Any] | None:
    if fetch_id is None:
        return None
    rows = list(db["fetches"].rows_where("id = ?", [fetch_id]))
    if not rows:
        return None
    row = rows[0]
    record = {k: row.get(k) for k in _FETCH_FIELDS}
    record["headers"] = _loads(record["headers"], {})
    record["redirects"] = _loads(record["redirects"], [])
    return record


def _document_record(db: Database, document_id: str | None) -> dict[str, Any] | None:
    if document_id is None:
        return None
    rows = list(db["documents"].rows_where("id = ?", [document_id]))
    if not rows:
        return None
    row = rows[0]
    record = {k: row.get(k) for k in _DOC_FIELDS}
    record["text_chars"] = len(row.get("text") or "")
    record["meta"] = _loads(row.get("meta"), {})
    return record


def _loop_target(hop: Hop) -> str | None:
    """The URL a loop-marker hop points back at (a hop recorded only to say the chain closes on itself)."""
    if hop.url is not None or "loop" not in hop.flags:
        return None
    loop_to = hop.extra.get("loop_to") if isinstance(hop.extra.get("loop_to"), dict) else {}
    return loop_to.get("url") or hop.requested_url


def _link_records(records: list[HopRecord]) -> None:
    """Say which hop cited each hop, which hop each citation led to, and which citation closes a loop."""
    by_url: dict[str, HopRecord] = {}
    for r in records:
        if _loop_target(r.hop) is None:
            for u in (r.hop.url, r.hop.requested_url):
                if u and u not in by_url:
                    by_url[u] = r
    by_id = {r.hop_id: r for r in records if r.hop_id is not None}
    for r in records:
        if r.parent_hop_id is not None and r.parent_hop_id in by_id:
            r.parent = by_id[r.parent_hop_id]
    for branch in {r.branch for r in records}:
        members = [r for r in records if r.branch == branch]
        for a, b in zip(members, members[1:]):
            if b.parent is None and b.parent_hop_id is None:
                b.parent = a
    for r in records:
        target_url = _loop_target(r.hop)
        if target_url and target_url in by_url:
            r.loop_to = by_url[target_url]
            if r.parent is not None and r.parent.cited is None:
                r.parent.cited, r.parent.closes_loop = r.loop_to, True
        elif r.parent is not None and r.parent.cited is None:
            r.parent.cited = r
    for r in records:
        cites = r.hop.cites
        loop_to = r.hop.extra.get("loop_to")
        if r.loop_to is not None:  # a loop marker cites nothing itself
            continue
        if r.cited is None and isinstance(loop_to, dict) and loop_to.get("url") in by_url:
            # the engine names the page a loop closes on (the link may differ: tracking parameters, ...)
            r.cited, r.closes_loop = by_url[loop_to["url"]], True
        if r.cited is None and cites is not None and cites.link and cites.link in by_url:
            target = by_url[cites.link]
            r.cited = target
            r.closes_loop = target.hop.depth <= r.hop.depth


def _records(trace: Trace, rows: list[dict[str, Any]] | None = None) -> list[HopRecord]:
    chains = [trace.hops, *trace.branches]
    rows_by_branch: dict[int, list[dict[str, Any]]] = {}
    for row in rows or []:
        rows_by_branch.setdefault(row["branch"], []).append(row)
    branch_numbers = sorted(rows_by_branch) if rows else list(range(len(chains)))
    if 0 not in branch_numbers:
        branch_numbers = [0, *branch_numbers]
    records = []
    for chain, number in zip(chains, branch_numbers):
        branch_rows = rows_by_branch.get(number, [])
        for i, hop in enumerate(chain):
            row = branch_rows[i] if i < len(branch_rows) else {}
            records.append(
                HopRecord(
                    hop=hop,
                    branch=number,
                    index=i,
                    node_id=f"hop{row['id']}" if row.get("id") is not None else f"b{number}h{i}",
                    hop_id=row.get("id"),
                    parent_hop_id=row.get("parent_hop_id"),
                    stop_reason=row.get("stop_reason"),
                    marks=claim_marks(trace.claim, hop.evidence),
                )
            )
    _link_records(records)
    return records


def report_from_trace(trace: Trace) -> Report:
    """A report of a trace held in memory (no fetch or document records)."""
    records = _records(trace)
    chain_last = [r for r in records if r.branch == 0]
    if chain_last and trace.origin:
        chain_last[-1].stop_reason = trace.origin.reason
    return Report(trace=trace, records=records, generated_at=_utcnow(),
                  secondary_note="secondary sources were not looked up for this report")


def find_trace_id(db: Database, trace_id: int | None = None, *, last: bool = False, claim: str | None = None) -> int:
    """Which stored trace a report is about: an id, the last one, or the last one for a claim."""
    from tracer.store import last_trace_id

    if trace_id is not None:
        if not db["traces"].count_where("id = ?", [trace_id]):
            raise ReportError(f"no trace with id {trace_id} in this database")
        return trace_id
    if claim is not None:
        row = db.execute("select max(id) from traces where claim = ?", [claim]).fetchone()
        if row[0] is None:
            # instr, not LIKE: a claim is text, not a pattern (no % or _ wildcards, no 50,000-byte limit)
            row = db.execute("select max(id) from traces where instr(lower(claim), lower(?)) > 0",
                             [claim.strip()]).fetchone()
        if row[0] is None:
            shown = claim if len(claim) <= 120 else claim[:117] + "..."
            raise ReportError(f"no stored trace for the claim {shown!r}")
        return row[0]
    found = last_trace_id(db)
    if found is None:
        raise ReportError("no trace in this database yet: run `tracer trace` first")
    return found


def secondary_sources(db: Database, claim: str) -> tuple[dict[str, Any] | None, str | None]:
    """The corpus's secondary sources for the claim, or (None, why not)."""
    try:
        from tracer.corpus import search as corpus  # type: ignore[attr-defined]
    except ImportError:
        return None, "no corpus in this version of tracer, so no secondary sources"
    fn = next((getattr(corpus, n) for n in ("sources", "find_sources", "secondary_sources")
               if callable(getattr(corpus, n, None))), None)
    if fn is None:
        return None, "the corpus module offers no sources lookup"
    try:
        params = list(inspect.signature(fn).parameters)
        result = fn(db, claim) if params[:1] == ["db"] else fn(claim, db=db)
        if hasattr(result, "to_json"):
            result = result.to_json()
        result = json.loads(json.dumps(result, default=str))
    except Exception as exc:  # an optional lookup in another module must not sink the report
        return None, f"the corpus lookup failed: {type(exc).__name__}: {exc}"
    if not isinstance(result, dict):
        return None, "the corpus lookup gave no usable answer"
    if not result.get("documents"):
        return result, "no stored document in the corpus carries the claim"
    return result, None


def build_report(db: Database, trace_id: int, *, sources: bool = True) -> Report:
    """Gather a stored trace with its evidence, fetches and documents (no network)."""
    from tracer.store import StoreError, hop_rows, load_trace

    try:
        trace = load_trace(db, trace_id)
    except StoreError as exc:
        raise ReportError(str(exc)) from None
    rows = hop_rows(db, trace_id)
    records = _records(trace, rows)
    for r in records:
        r.fetch = _fetch_record(db, r.hop.fetch_id)
        r.document = _document_record(db, r.hop.document_id)
    options = _loads(db["traces"].get(trace_id).get("options"), {})
    secondary, note = (secondary_sources(db, trace.claim) if sources
                       else (None, "secondary sources were not looked up for this report"))
    return Report(trace=trace, records=records, options=options, secondary=secondary, secondary_note=note,
                  generated_at=_utcnow())


# --------------------------------------------------------------------------- claim words


_STOP = frozenset(
    """a an the and or but of to in on at by for from with into over under about as is are was were be been
    has have had do does did that this these those it its their they them he she his her we our you which who
    what when where while than then so such not no also very more most much many some any all each other there
    after before since between against during through per via up down out off says said say according reported
    reports told would could should will may might can must just only""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]", re.UNICODE)
_NUMBER = re.compile(r"[$€£¥]?\s?\d[\d,.]*(?:\s?(?:thousand|million|billion|trillion|bn|mn|%|per\s?cent))?", re.I)
_IRREGULAR = {"stole": "steal", "stolen": "steal", "took": "take", "taken": "take", "paid": "pay", "sold": "sell",
              "hackers": "hack", "hacker": "hack", "hacked": "hack", "hacks": "hack", "hacking": "hack"}


def _stem(word: str) -> str:
    w = word.lower().strip(".'’-")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def _number_value(text: str) -> float | None:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not m:
        return None
    value = float(m.group(0).replace(",", ""))
    low = text.lower()
    for word, scale in (("thousand", 1e3), ("million", 1e6), ("mn", 1e6), ("billion", 1e9), ("bn", 1e9),
                        ("trillion", 1e12)):
        if word in low:
            value *= scale
    return value


def claim_marks(claim: str, evidence: str | None) -> list[tuple[int, int]]:
    """Spans of ``evidence`` that carry the claim's words or figures (merged when adjacent)."""
    if not evidence:
        return []
    stems = {_stem(m.group(0)) for m in _WORD.finditer(claim) if m.group(0).lower() not in _STOP}
    stems.discard("")
    numbers = {v for m in _NUMBER.finditer(claim) if (v := _number_value(m.group(0))) is not None}
    spans: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(evidence):
        value = _number_value(m.group(0))
        if value is not None and any(abs(value - n) <= 0.05 * max(abs(n), 1e-9) for n in numbers):
            text = m.group(0)
            start = m.start() + len(text) - len(text.lstrip())
            spans.append((start, m.start() + len(text.rstrip())))
    for m in _WORD.finditer(evidence):
        word = m.group(0)
        if word.lower() in _STOP:
            continue
        stem = _stem(word)
        if stem in stems or (len(stem) >= 5 and any(len(s) >= 5 and (s.startswith(stem) or stem.startswith(s))
                                                     for s in stems)):
            end = m.end()
            while end > m.start() and evidence[end - 1] in ".'’-":
                end -= 1
            spans.append((m.start(), end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or evidence[merged[-1][1]:s].strip() == ""):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def split_marks(text: str, marks: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, marked) runs."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for s, e in marks:
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


# --------------------------------------------------------------------------- words shared by every format


def verdict(trace: Trace) -> str:
    """One line: was the origin reached, and if not, why the chain stopped."""
    origin = trace.origin
    if origin is None:
        return "No verdict: the trace did not finish (it was interrupted before its origin was known)."
    name = origin.name or origin.url or "an unnamed source"
    words = REASONS.get(origin.reason, origin.reason)
    hops = len(trace.hops)
    if origin.reason == "no-further-attribution":
        return f"Origin reached after {hops} hop{'s' * (hops != 1)}: {name} — {words}."
    if origin.reason == "unlinked-source":
        return f"Origin named but not online: {name} ({origin.kind}) — {words} ({origin.reason})."
    if origin.reason == "anonymous-source":
        return f"Origin not identified: the chain ends at {name} — {words} ({origin.reason})."
    return f"Origin not reached: the chain stops at {name} — {words} ({origin.reason})."


def flag_words(flag: str) -> str:
    return FLAG_REASONS.get(flag, "no explanation recorded for this flag")


def hop_status(record: HopRecord) -> str:
    """Where the hop stands, in words: its HTTP status, or why there is no page."""
    hop = record.hop
    state = record.state
    if state == "loop":
        return f"not read again: the page is already in the chain at hop {record.loop_to.hop.depth}"
    if state == "unlinked":
        return "named, not linked, not online"
    if state == "anonymous" and hop.url is None:
        return "anonymous, not online"
    if hop.status is not None:
        return f"HTTP {hop.status}" + (f" ({hop.error})" if hop.error else "")
    return f"no response ({hop.error or 'not fetched'})"


def summarise(value: Any, limit: int = 600) -> str:
    """A one-line rendering of a later stage's JSON field (drift, credibility, ...)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict):
        for key in ("verdict", "summary", "explanation", "description", "label", "why"):
            if isinstance(value.get(key), str) and value[key].strip():
                text = value[key]
                break
        else:
            text = "; ".join(f"{k}: {summarise(v, 120)}" for k, v in value.items()
                             if v not in (None, "", [], {}) and k not in ("signals", "parts"))
    elif isinstance(value, list):
        text = "; ".join(summarise(v, 200) for v in value)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hop_credibility(hop: Hop) -> tuple[str | None, str | None]:
    """The hop's credibility judgement in one line and the kind of source it is (None: not judged)."""
    cred = hop.extra.get("credibility")
    if not isinstance(cred, dict):
        return None, None
    summary = cred.get("summary") if isinstance(cred.get("summary"), str) else None
    if summary is None and cred.get("error"):
        summary = f"not judged ({summarise(cred['error'], 200)})"
    kind = cred.get("source_kind") if isinstance(cred.get("source_kind"), str) else None
    return (" ".join(summary.split()) if summary else None), kind


def credibility_verdict(trace: Trace) -> str | None:
    """The chain's credibility verdict in words (None: the trace was not judged)."""
    cred = trace.extra.get("credibility")
    if not isinstance(cred, dict):
        return None
    if isinstance(cred.get("verdict"), str) and cred["verdict"].strip():
        return " ".join(cred["verdict"].split())
    if cred.get("error"):
        return f"not judged ({summarise(cred['error'], 200)})"
    return None


def _details(value: Any) -> list[str]:
    """Itemised lines under a field: its signals ({name, value, explanation}) or the parts of its score."""
    if not isinstance(value, dict):
        return []
    lines = []
    for s in value.get("signals") or []:
        if isinstance(s, dict):
            shown = s.get("explanation") or summarise(s.get("value"), 200)
            lines.append(f"{s.get('name', 'signal')}: {summarise(shown, 400)}")
    score = value.get("score")
    if isinstance(score, dict) and isinstance(score.get("parts"), dict):
        lines.append(f"score: {summarise(score.get('value'), 40)}")
        for part, info in score["parts"].items():
            if isinstance(info, dict):
                lines.append(f"{part}: {summarise(info.get('value'), 40)} ({summarise(info.get('why'), 300)})")
    return lines


# Additive fields the reports already show in their own words.
_SHOWN_ELSEWHERE = frozenset({"loop_to"})


def extra_fields(extra: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The additive fields a hop or trace carries, as (name, one-line summary, itemised details),
    drift and credibility first."""
    keys = sorted(extra, key=lambda k: ({"drift": 0, "credibility": 1}.get(k, 2), k))
    out = []
    for k in keys:
        if extra[k] in (None, "", [], {}) or k in _SHOWN_ELSEWHERE:
            continue
        summary, details = summarise(extra[k]), _details(extra[k])
        if details and isinstance(extra[k], dict) and not any(
                isinstance(extra[k].get(x), str) for x in ("verdict", "summary", "explanation")):
            summary = "; ".join(f"{n}: {summarise(v, 80)}" for n, v in extra[k].items()
                                if n not in ("signals", "score") and v not in (None, "", [], {}))
        out.append((k, summary, details))
    return out


# --------------------------------------------------------------------------- JSON


def report_json(report: Report) -> dict[str, Any]:
    """The trace JSON plus verdict, evidence, fetch and document records (``schema_version``)."""
    from tracer.version import __version__

    data = trace_json(report.trace)
    hop_objects = [*data["hops"], *(h for b in data["branches"] for h in b)]
    for obj, r in zip(hop_objects, report.records):
        obj["hop_id"] = r.hop_id
        obj["branch"] = r.branch
        obj["parent_hop_id"] = r.parent_hop_id
        obj["stop_reason"] = r.stop_reason
        obj["state"] = r.state
        obj["publisher"] = r.publisher
        obj["evidence_record"] = None if r.hop.evidence is None else {
            "document_id": r.hop.document_id,
            "start": r.hop.evidence_span[0] if r.hop.evidence_span else None,
            "end": r.hop.evidence_span[1] if r.hop.evidence_span else None,
            "text": r.hop.evidence,
            "claim_marks": [list(m) for m in r.marks],
        }
        obj["fetch"] = r.fetch
        obj["document"] = r.document
        obj["cited_hop_id"] = r.cited.hop_id if r.cited else None
        obj["closes_loop"] = r.closes_loop
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "tracer", "version": __version__},
        "generated_at": report.generated_at,
        **data,
        "verdict": verdict(report.trace),
        "reason_explained": REASONS.get(report.trace.origin.reason) if report.trace.origin else None,
        "flags_explained": {f: flag_words(f) for f in report.trace.flags},
        "started_at": report.trace.started_at,
        "finished_at": report.trace.finished_at,
        "options": report.options,
        "secondary_sources": report.secondary,
        "secondary_sources_note": report.secondary_note,
    }


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))
