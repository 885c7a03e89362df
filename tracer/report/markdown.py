"""The Markdown citation report: for pasting into an article or a case file.

Every string taken from a page is escaped so that a Markdown renderer shows it as
written (no tag, link, image or emphasis of its own); the claim's words in the
evidence are the only emphasis added.
"""

from __future__ import annotations

import re

from tracer.safe import clean_text  # controls and escape sequences dropped (issue 17)


from tracer.report.model import REASONS, HopRecord, Report, extra_fields, flag_words, hop_status, split_marks, verdict

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")




def md_escape(text: str | None) -> str:
    """Page text made inert in Markdown: every character that could format, link or embed is escaped,
    control characters dropped, whitespace runs made one space."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean_text(text or "").split()))


def md_url(url: str | None) -> str:
    url = clean_text(url or "")
    if not url:
        return "—"
    if re.fullmatch(r"https?://[^\s<>()\\`]+", url):
        return f"<{url}>"
    return "`" + url.replace("`", "%60") + "`"


def md_marked(text: str, marks: list[tuple[int, int]]) -> str:
    out = []
    for piece, marked in split_marks(text, marks):
        if not marked:
            out.append(_MD_SPECIAL.sub(r"\\\1", clean_text(piece).replace("\n", " ")))
            continue
        piece = clean_text(piece)
        lead = " " if piece[:1].isspace() else ""
        trail = " " if piece[-1:].isspace() and piece.strip() else ""
        escaped = md_escape(piece)
        out.append(f"{lead}**{escaped}**{trail}" if escaped else lead)
    return "".join(out)


def _md_hop(record: HopRecord, claim: str) -> list[str]:
    hop = record.hop
    name = md_escape(hop.source or "(unknown source)")
    title = f"### Hop {hop.depth}: {name} ({hop.kind})"
    lines = [title, ""]
    doc = record.document or {}
    if hop.url or hop.requested_url:
        lines.append(f"- URL: {md_url(hop.url or hop.requested_url)}")
    if hop.requested_url and hop.url and hop.requested_url != hop.url:
        lines.append(f"- Link followed: {md_url(hop.requested_url)}")
    for r in hop.redirects:
        lines.append(f"- Redirect: {md_url(r.url)} → HTTP {r.status} → {md_url(r.location)}")
    if record.publisher and record.publisher != hop.source:
        lines.append(f"- Publisher: {md_escape(record.publisher)}")
    if doc.get("author"):
        lines.append(f"- Author: {md_escape(doc['author'])}")
    if hop.title:
        lines.append(f"- Title: {md_escape(hop.title)}")
    if hop.published or record.state == "page":
        lines.append(f"- Published: {md_escape(hop.published) or 'no date found'}")
    if hop.evidence:
        score = f" (match {hop.match_score:.2f})" if hop.match_score is not None else ""
        lines.append(f"- Evidence{score}: “{md_marked(hop.evidence, record.marks)}”")
    elif record.state == "page":
        lines.append("- Evidence: the claim was not found on this page")
    if hop.cites:
        c = hop.cites
        cue = f" with the cue “{md_escape(c.cue)}”" if c.cue else ""
        how = {"link": "link followed", "lookup": "found by lookup"}.get(c.resolved_by or "", "")
        target = f"{how}: {md_url(c.link)}" if c.link else "no link"
        lines.append(f"- Cites: **{md_escape(c.source or 'an unnamed source')}** ({c.kind}){cue}; {target}")
        if c.sentence and c.sentence != hop.evidence:
            lines.append(f"- Citing sentence: “{md_escape(c.sentence)}”")
        if record.closes_loop and record.cited is not None:
            lines.append(f"- Loop: this citation points back at hop {record.cited.hop.depth}")
    for key, text, details in extra_fields(hop.extra):
        lines.append(f"- {key.capitalize()}: {md_escape(text)}".rstrip())
        lines += [f"  - {md_escape(d)}" for d in details]
    fetch = record.fetch or {}
    fetched_at = hop.fetched_at or fetch.get("fetched_at")
    audit = []
    if fetched_at:
        audit.append(f"fetched {md_escape(fetched_at)}")
    audit.append(hop_status(record))
    if hop.sha256:
        audit.append(f"sha256 `{hop.sha256}`")
    if fetch.get("origin"):
        audit.append({"archive": "replayed from a web archive", "live": "fetched live",
                      "cache": "from a fresh stored copy"}.get(fetch["origin"], md_escape(fetch["origin"])))
    if fetched_at or record.fetch or hop.status is not None or hop.error:
        lines.append(f"- Fetch: {' · '.join(audit)}")
    else:
        lines.append(f"- Not fetched: {hop_status(record)}")
    if hop.flags:
        lines.append("- Flags: " + "; ".join(f"`{f}` ({flag_words(f)})" for f in hop.flags))
    if record.stop_reason:
        lines.append(f"- Chain stops here: `{record.stop_reason}` ({REASONS.get(record.stop_reason, 'no explanation')})")
    lines.append("")
    return lines


def _md_secondary(report: Report) -> list[str]:
    lines = ["## Secondary sources", ""]
    data = report.secondary or {}
    docs = data.get("documents") or []
    if report.secondary_note and not docs:
        return lines + [f"None listed: {md_escape(report.secondary_note)}.", ""]
    if "independent_origins" in data:
        lines += [f"Independent origins: {data['independent_origins']}", ""]
    for d in docs:
        cites = ", ".join(md_escape(c.get("source") or c.get("url") or "") for c in d.get("cites") or []) or "nobody"
        copy = f" (copy of {md_url(d['copy_of'])})" if d.get("copy_of") else ""
        origin = (d.get("origin") or {}).get("name")
        lines.append(f"- {md_escape(d.get('publisher') or '')} {md_escape(d.get('published') or '')} "
                     f"{md_url(d.get('url'))}{copy}: cites {cites}"
                     + (f"; origin {md_escape(origin)}" if origin else ""))
    return lines + [""]


def format_markdown(report: Report) -> str:
    trace = report.trace
    lines = [f"# Citation report: trace {trace.id}" if trace.id is not None else "# Citation report", ""]
    lines += [f"**Claim:** {md_escape(trace.claim)}", "", f"**Verdict:** {md_escape(verdict(trace))}", ""]
    lines.append(f"Traced from {md_url(trace.start_url)}"
                 + (f", started {trace.started_at}" if trace.started_at else "")
                 + (f", finished {trace.finished_at}" if trace.finished_at else "") + ".")
    lines.append("")
    for key, text, details in extra_fields(trace.extra):
        lines += [f"**{key.capitalize()}:** {md_escape(text)}", ""]
        if details:
            lines += [f"- {md_escape(d)}" for d in details] + [""]
    lines += ["## Chain", ""]
    for record in report.chain:
        lines += _md_hop(record, trace.claim)
    for n, branch in enumerate(report.branches(), 1):
        lines += [f"## Branch {n}", ""]
        for record in branch:
            lines += _md_hop(record, trace.claim)
    lines += ["## Flags", ""]
    if trace.flags:
        lines += [f"- `{f}`: {flag_words(f)}." for f in trace.flags]
    else:
        lines.append("None.")
    lines.append("")
    lines += _md_secondary(report)
    lines.append(f"Report generated {report.generated_at} by tracer from the audit database; words in **bold** in "
                 "the evidence are the claim's words. Page text is quoted as read, Markdown characters escaped.")
    return "\n".join(lines) + "\n"
