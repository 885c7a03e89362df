"""The HTML citation report: one self-contained file, safe to open and to publish.

Everything is inline (styles, the citation graph as SVG); there is no script
at all, and a Content-Security-Policy meta tag forbids loading anything but
inline styles and data: images, so the file makes no network request when
opened. Every string that came from a page is escaped; links are kept only
when they are http(s) URLs.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from tracer.safe import clean_text  # controls and escape sequences dropped (issue 17)
from tracer.report.graph import STATE_WORDS, Graph, Node, _node_caption, _short, citation_graph
from tracer.report.model import (
    REASONS,
    extra_fields,
    flag_words,
    hop_status,
    split_marks,
    verdict,
)

if TYPE_CHECKING:
    from tracer.report.model import HopRecord, Report

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"



def esc(text: object) -> str:
    return html.escape(clean_text("" if text is None else str(text)), quote=True)


def link(url: str | None, text: str | None = None) -> str:
    """An anchor for an http(s) URL; anything else (javascript:, data:, ...) is shown as text only."""
    if not url:
        return "—"
    label = esc(text if text is not None else url)
    if re.fullmatch(r"https?://\S+", url):
        return f'<a href="{esc(url)}" rel="noreferrer noopener nofollow">{label}</a>'
    return f"<code>{label}</code>"


STYLE = """
:root { --ink:#1d1d1f; --muted:#5f6368; --line:#d9dde3; --accent:#2b5ea7; --bad:#b3261e; --ok:#1b7f3b; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:#f6f7f9; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; background:#fff; min-height:100vh;
       box-shadow: 0 0 0 1px var(--line); }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 32px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.claim { font-size: 19px; font-weight: 600; margin: 4px 0 12px; }
.verdict { padding: 10px 14px; border-radius: 6px; border-left: 5px solid var(--bad); background:#fdf1f0; }
.verdict.reached { border-color: var(--ok); background:#eef8f1; }
.verdict.named { border-color: #8a6d00; background:#fbf6e6; }
.meta { color: var(--muted); font-size: 13px; }
ol.hops { list-style: none; padding: 0; margin: 0; }
li.hop { border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 6px;
         padding: 12px 14px; margin: 0 0 12px; }
li.hop.state-dead { border-left-color: var(--bad); }
li.hop.state-unreached { border-left-color: #b06000; }
li.hop.state-unlinked { border-left-color: #888; border-left-style: dashed; }
li.hop.state-anonymous { border-left-color: #333; }
li.hop.state-loop { border-left-color: var(--bad); border-left-style: dashed; }
.depth { display:inline-block; min-width: 28px; padding: 0 6px; margin-right: 6px; border-radius: 10px;
         background: var(--accent); color:#fff; font-size: 13px; text-align:center; }
.kind { color: var(--muted); font-weight: normal; font-size: 13px; }
dl { display: grid; grid-template-columns: 130px 1fr; gap: 2px 12px; margin: 6px 0; font-size: 14px; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
blockquote { margin: 6px 0; padding: 6px 12px; border-left: 3px solid var(--line); background:#fafbfc; }
mark { background: #ffe9a8; padding: 0 1px; }
.flag { display:inline-block; padding: 0 6px; border-radius: 4px; background:#fdecea; color: var(--bad);
        font-size: 12.5px; font-family: ui-monospace, Menlo, Consolas, monospace; }
.stop { font-weight: 600; }
figure { margin: 0; overflow-x: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg .node rect { stroke-width: 1.5; }
svg .state-page rect { fill: #eef5ff; stroke: #2b5ea7; }
svg .state-dead rect { fill: #fdecea; stroke: #b3261e; stroke-dasharray: 6 3; }
svg .state-unreached rect { fill: #fff4e0; stroke: #b06000; stroke-dasharray: 2 3; }
svg .state-unlinked rect { fill: #f1f1f1; stroke: #777; stroke-dasharray: 6 3; }
svg .state-anonymous rect { fill: #3b3b3b; stroke: #111; }
svg .state-anonymous text { fill: #fff; }
svg .end rect { stroke-width: 3.5; }
svg .origin rect { stroke: #1b7f3b; }
svg .edge path { fill: none; stroke: #2b5ea7; stroke-width: 1.6; }
svg .edge.loop path { stroke: #b3261e; stroke-dasharray: 5 3; }
svg .edge text { fill: #444; font-size: 12px; font-style: italic; }
svg .title { font-size: 13px; font-weight: 600; }
svg .sub { font-size: 11.5px; fill: #555; }
.legend { display:flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12.5px; color: var(--muted); margin-top: 6px; }
.swatch { display:inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: -1px;
          border: 1.5px solid #2b5ea7; background:#eef5ff; border-radius: 2px; }
.swatch.dead { border: 1.5px dashed #b3261e; background:#fdecea; }
.swatch.unreached { border: 1.5px dotted #b06000; background:#fff4e0; }
.swatch.unlinked { border: 1.5px dashed #777; background:#f1f1f1; }
.swatch.anonymous { border-color: #111; background:#3b3b3b; }
.swatch.origin { border: 3px solid #1b7f3b; background: #fff; }
.swatch.end { border: 3px solid #555; background: #fff; }
table { border-collapse: collapse; font-size: 13.5px; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
ul.signals { margin: 2px 0 4px; padding-left: 18px; font-size: 13px; color: #333; }
details summary { font-size: 13.5px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
"""

# --------------------------------------------------------------------------- SVG

_W, _H, _GX, _GY, _PAD = 330, 62, 70, 58, 16
_ORIGIN_REASONS = ("no-further-attribution", "unlinked-source", "anonymous-source")


def _layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Top-down: depth is the row, the branch the column (a new column when a row slot is taken)."""
    taken: set[tuple[int, int]] = set()
    pos: dict[str, tuple[float, float]] = {}
    for n in graph.nodes:
        col = n.branch
        while (n.depth, col) in taken:
            col += 1
        taken.add((n.depth, col))
        pos[n.id] = (_PAD + col * (_W + _GX), _PAD + 22 + n.depth * (_H + _GY))
    return pos


def _svg_node(n: Node, x: float, y: float, end_word: str = "origin") -> str:
    caption = _node_caption(n)
    classes = f"node state-{n.state}" + ((" end origin" if end_word == "origin" else " end") if n.origin else "")
    parts = [f'<g class="{classes}" id="node-{esc(n.id)}"><title>{esc(n.label)}'
             f'{" — " + esc(n.url) if n.url else ""} ({esc(STATE_WORDS[n.state])})</title>',
             f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="8" ry="8"/>']
    parts.append(f'<text class="title" x="{x + 12}" y="{y + 20}">{esc(_short(caption[0], 44))}</text>')
    for i, line in enumerate(caption[1:3]):
        parts.append(f'<text class="sub" x="{x + 12}" y="{y + 37 + i * 15}">{esc(_short(line, 52))}</text>')
    if n.origin:
        parts.append(f'<text class="sub" x="{x + _W - 12}" y="{y + 20}" text-anchor="end">{esc(end_word)}</text>')
    parts.append("</g>")
    return "".join(parts)


def citation_svg(graph: Graph, reason: str | None = None) -> str:
    """The graph as inline SVG: boxes top-down from the start page, arrows from citing to cited."""
    end_word = "origin" if reason in _ORIGIN_REASONS else "chain ends"
    pos = _layout(graph)
    width = max((x for x, _ in pos.values()), default=0) + _W + _PAD + 120
    height = max((y for _, y in pos.values()), default=0) + _H + _PAD + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="graph-title">',
           '<title id="graph-title">Citation graph: each box is a page or a named source, each arrow a citation'
           '</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2b5ea7"/></marker>'
           '<marker id="arrow-loop" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b3261e"/></marker></defs>']
    for i, e in enumerate(graph.edges):
        sx, sy = pos[e.source]
        tx, ty = pos[e.target]
        cue = esc(_short(e.cue, 34)) if e.cue else ""
        if ty > sy:  # downwards: from the bottom of the citing box to the top of the cited one
            x1, y1, x2, y2 = sx + _W / 2, sy + _H, tx + _W / 2, ty - 2
            d = f"M{x1},{y1} C{x1},{(y1 + y2) / 2} {x2},{(y1 + y2) / 2} {x2},{y2}"
            lx, ly = (x1 + x2) / 2 + 10, (y1 + y2) / 2 + 4
        else:  # back up the chain (a loop), or sideways: round the right-hand side
            x1, y1, x2, y2 = sx + _W, sy + _H / 2, tx + _W + 2, ty + _H / 2
            bend = max(x1, x2) + 60 + 10 * i
            d = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
            lx, ly = bend - 8, (y1 + y2) / 2 + 4
        marker = "arrow-loop" if e.kind == "loop" else "arrow"
        label = f'<text x="{lx:.0f}" y="{ly:.0f}">{cue}</text>' if cue else ""
        out.append(f'<g class="edge {e.kind}"><title>{esc(e.cue or "cites")} → {esc(e.source_name or "")}'
                   f'</title><path d="{d}" marker-end="url(#{marker})"/>{label}</g>')
    for n in graph.nodes:
        out.append(_svg_node(n, *pos[n.id], end_word=end_word))
    out.append("</svg>")
    return "\n".join(out)


def _legend(graph: Graph, origin: bool = True) -> str:
    states = [s for s in STATE_WORDS if any(n.state == s for n in graph.nodes)]
    items = [f'<span><span class="swatch {s}"></span>{esc(STATE_WORDS[s])}</span>' for s in states]
    if origin:
        items.append('<span><span class="swatch origin"></span>origin: where the chain ends</span>')
    else:
        items.append('<span><span class="swatch end"></span>thick border: where the chain stops (no origin)</span>')
    if any(e.kind == "loop" for e in graph.edges):
        items.append('<span style="color:#b3261e">- - → citation back into the chain (loop)</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


# --------------------------------------------------------------------------- page


def _marked(text: str, marks: list[tuple[int, int]]) -> str:
    return "".join(f"<mark>{esc(p)}</mark>" if m else esc(p) for p, m in split_marks(text, marks))


def _details_html(details: list[str], open_: bool = False) -> str:
    if not details:
        return ""
    items = "".join(f"<li>{esc(d)}</li>" for d in details)
    return f'<details{" open" if open_ else ""}><summary>details</summary><ul class="signals">{items}</ul></details>'


def _row(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value}</dd>"


def _hop_html(r: HopRecord) -> str:
    hop = r.hop
    doc = r.document or {}
    fetch = r.fetch or {}
    rows = []
    if hop.url or hop.requested_url:
        rows.append(_row("URL", link(hop.url or hop.requested_url)))
    if hop.requested_url and hop.url and hop.requested_url != hop.url:
        rows.append(_row("Link followed", link(hop.requested_url)))
    for rd in hop.redirects:
        rows.append(_row("Redirect", f"{link(rd.url)} → HTTP {esc(rd.status)} → {link(rd.location)}"))
    if r.publisher and r.publisher != hop.source:
        rows.append(_row("Publisher", esc(r.publisher)))
    if doc.get("author"):
        rows.append(_row("Author", esc(doc["author"])))
    if hop.title:
        rows.append(_row("Title", esc(hop.title)))
    if hop.published or r.state == "page":
        rows.append(_row("Published", esc(hop.published or "no date found")))
    fetched_at = hop.fetched_at or fetch.get("fetched_at")
    if fetched_at or r.fetch or hop.status is not None or hop.error:
        rows.append(_row("Fetched", esc(fetched_at or "—")))
        rows.append(_row("Status", esc(hop_status(r))))
        if hop.sha256:
            rows.append(_row("sha256", f'<span class="hash">{esc(hop.sha256)}</span>'))
        if fetch.get("origin"):
            rows.append(_row("Read from", esc({"archive": "a web archive (replayed)", "live": "the live web",
                                               "cache": "a fresh stored copy"}.get(fetch["origin"], fetch["origin"]))
                             + (f' <code>{esc(fetch["warc_path"])}</code>' if fetch.get("warc_path") else "")))
    else:
        rows.append(_row("Online", esc(hop_status(r))))
    for key, text, details in extra_fields(hop.extra):
        rows.append(_row(key.capitalize(), esc(text) + _details_html(details)))
    if hop.flags:
        rows.append(_row("Flags", " ".join(f'<span class="flag" title="{esc(flag_words(f))}">{esc(f)}</span> '
                                          f"{esc(flag_words(f))}" for f in hop.flags)))
    if r.stop_reason:
        rows.append(_row("Chain stops", f'<span class="stop">{esc(r.stop_reason)}</span>: '
                                        f"{esc(REASONS.get(r.stop_reason, ''))}"))
    evidence = []
    if hop.evidence:
        score = f" (match {hop.match_score:.2f})" if hop.match_score is not None else ""
        evidence.append(f"<details open><summary>Evidence{esc(score)}</summary>"
                        f"<blockquote>{_marked(hop.evidence, r.marks)}</blockquote>")
        if hop.cites and hop.cites.sentence and hop.cites.sentence != hop.evidence:
            evidence.append(f"<p>Citing sentence:</p><blockquote>{esc(hop.cites.sentence)}</blockquote>")
        evidence.append("</details>")
    elif r.state == "page":
        evidence.append("<p>The claim was not found on this page.</p>")
    if hop.cites:
        c = hop.cites
        cue = f" with the cue “{esc(c.cue)}”" if c.cue else ""
        how = {"link": "link followed", "lookup": "found by lookup"}.get(c.resolved_by or "", "link")
        target = f"{how}: {link(c.link)}" if c.link else "no link"
        loop = f" — <strong>back to hop {r.cited.hop.depth}</strong> (loop)" if r.closes_loop and r.cited else ""
        evidence.append(f"<p>Cites <strong>{esc(c.source or 'an unnamed source')}</strong> ({esc(c.kind)}){cue}; "
                        f"{target}{loop}</p>")
    return (f'<li class="hop state-{esc(r.state)}" id="hop-{esc(r.node_id)}"><h3><span class="depth">{hop.depth}'
            f'</span>{esc(hop.source or "(unknown source)")} <span class="kind">{esc(hop.kind)} · '
            f'{esc(STATE_WORDS.get(r.state, r.state))}</span></h3><dl>{"".join(rows)}</dl>{"".join(evidence)}</li>')


def _secondary_html(report: Report) -> str:
    data = report.secondary or {}
    docs = data.get("documents") or []
    if not docs:
        return f"<p>None listed: {esc(report.secondary_note or 'no secondary sources')}.</p>"
    head = "<tr><th>Publisher</th><th>Published</th><th>Page</th><th>Cites</th><th>Origin</th></tr>"
    rows = []
    for d in docs:
        cites = ", ".join(esc(c.get("source") or c.get("url") or "") for c in d.get("cites") or []) or "nobody"
        copy = f"<br><span class=meta>copy of {link(d['copy_of'])}</span>" if d.get("copy_of") else ""
        rows.append(f"<tr><td>{esc(d.get('publisher'))}</td><td>{esc(d.get('published'))}</td>"
                    f"<td>{link(d.get('url'))}{copy}</td><td>{cites}</td>"
                    f"<td>{esc((d.get('origin') or {}).get('name'))}</td></tr>")
    count = (f"<p>Independent origins: <strong>{esc(data['independent_origins'])}</strong></p>"
             if "independent_origins" in data else "")
    return f"{count}<table>{head}{''.join(rows)}</table>"


def format_html(report: Report) -> str:
    from tracer.version import __version__

    trace = report.trace
    graph = citation_graph(report)
    reason = trace.origin.reason if trace.origin else None
    verdict_class = {"no-further-attribution": "reached", "unlinked-source": "named"}.get(reason or "", "")
    title = f"Citation report: {_short(trace.claim, 80)}"
    chain = "".join(_hop_html(r) for r in report.chain)
    branches = "".join(f'<h2>Branch {i}</h2><ol class="hops">{"".join(_hop_html(r) for r in b)}</ol>'
                       for i, b in enumerate(report.branches(), 1))
    flags = ("<ul>" + "".join(f'<li><span class="flag">{esc(f)}</span> {esc(flag_words(f))}</li>'
                               for f in trace.flags) + "</ul>") if trace.flags else "<p>None.</p>"
    extras = "".join(f"<div class=\"extra\"><p><strong>{esc(k.capitalize())}:</strong> {esc(v)}</p>"
                     f"{_details_html(d, open_=False)}</div>" for k, v, d in extra_fields(trace.extra))
    when = " · ".join(x for x in (f"started {esc(trace.started_at)}" if trace.started_at else "",
                                  f"finished {esc(trace.finished_at)}" if trace.finished_at else "") if x)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tracer {esc(__version__)}">
<link rel="icon" href="data:,">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Citation report{f" · trace {esc(trace.id)}" if trace.id is not None else ""}</h1>
<p class="meta">Claim</p>
<p class="claim">{esc(trace.claim)}</p>
<p class="verdict {verdict_class}">{esc(verdict(trace))}</p>
<p class="meta">Traced from {link(trace.start_url)}{" · " + when if when else ""}</p>
{extras}
<h2>Citation graph</h2>
<figure>{citation_svg(graph, reason)}
<figcaption>{_legend(graph, reason in _ORIGIN_REASONS)}</figcaption></figure>
<h2>Chain</h2>
<ol class="hops">{chain}</ol>
{branches}
<h2>Flags</h2>
{flags}
<h2>Secondary sources</h2>
{_secondary_html(report)}
<footer>Generated {esc(report.generated_at)} by tracer {esc(__version__)} from its audit database.
Highlighted words in the evidence are the claim's words. Text from pages is quoted as read and escaped;
this file loads nothing from the network and runs no script.</footer>
</main>
</body>
</html>
"""
