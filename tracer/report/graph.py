"""The citation graph of a trace: pages (and named sources) as nodes, citations as edges.

One graph model feeds three outputs: Graphviz DOT, GEXF 1.3 (Gephi) and the
inline SVG of the HTML report. A node is a hop (pages seen twice share one
node); a citation that was not followed to a hop of its own (anonymous
sources) gets a node of its own; a citation back to a page already in the
chain is a ``loop`` edge.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tracer.safe import clean_text  # controls and escape sequences dropped (issue 17)


if TYPE_CHECKING:
    from tracer.report.model import HopRecord, Report

# How each node state reads in a legend.
STATE_WORDS = {
    "page": "page read",
    "dead": "dead link (HTTP error)",
    "unreached": "not reached (no response, not archived, refused)",
    "unlinked": "named source, not linked, not online",
    "anonymous": "anonymous source",
    "loop": "citation back to a page already in the chain",
}


@dataclass
class Node:
    id: str
    label: str
    kind: str
    state: str
    url: str | None = None
    status: int | None = None
    depth: int = 0
    branch: int = 0
    published: str | None = None
    origin: bool = False
    record: HopRecord | None = None

    @property
    def credibility(self) -> tuple[str | None, str | None]:
        """The hop's credibility summary and source kind (None, None: no hop of its own, or not judged)."""
        from tracer.report.model import hop_credibility

        return hop_credibility(self.record.hop) if self.record is not None else (None, None)

    @property
    def host(self) -> str | None:
        if not self.url:
            return None
        try:
            return urlsplit(self.url).hostname
        except ValueError:
            return None


@dataclass
class Edge:
    source: str
    target: str
    cue: str | None = None
    link: str | None = None
    kind: str = "cites"  # cites | loop
    source_name: str | None = None  # the name the citing page gives the cited source


@dataclass
class Graph:
    claim: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def citation_graph(report: Report) -> Graph:
    graph = Graph(claim=report.trace.claim)
    node_of: dict[int, str] = {}  # id(record) -> node id
    by_url: dict[str, str] = {}
    for r in report.records:
        hop = r.hop
        if r.loop_to is not None:  # "back to that page": no node of its own
            continue
        url = hop.url or hop.requested_url
        if url and url in by_url:
            node_of[id(r)] = by_url[url]
            continue
        graph.nodes.append(Node(
            id=r.node_id, label=hop.source or url or "(unknown source)", kind=hop.kind, state=r.state, url=url,
            status=hop.status, depth=hop.depth, branch=r.branch, published=hop.published, record=r,
        ))
        node_of[id(r)] = r.node_id
        if url:
            by_url[url] = r.node_id
    for r in report.records:
        if r.loop_to is not None:
            node_of[id(r)] = node_of[id(r.loop_to)]
    seen: set[tuple[str, str, str]] = set()

    def add(source: HopRecord, target: str, kind: str, cue: str | None, link: str | None, name: str | None) -> None:
        key = (node_of[id(source)], target, kind)
        if key not in seen:
            seen.add(key)
            graph.edges.append(Edge(source=key[0], target=target, cue=cue, link=link, kind=kind, source_name=name))

    for r in report.records:  # who cited whom, as recorded (branches leave from their fork)
        p = r.parent
        if p is None or r.loop_to is not None:
            continue
        c = p.hop.cites if p.cited is r else None
        add(p, node_of[id(r)], "cites", c.cue if c else None, (c.link if c else None) or r.hop.requested_url,
            (c.source if c else None) or r.hop.source)
    for r in report.records:
        cites = r.hop.cites
        if cites is None or r.loop_to is not None:
            continue
        if r.cited is not None:
            add(r, node_of[id(r.cited)], "loop" if r.closes_loop else "cites", cites.cue, cites.link, cites.source)
        else:  # not followed to a hop of its own (anonymous sources)
            target = f"{r.node_id}-cited"
            state = "anonymous" if cites.kind == "anonymous" else ("unlinked" if not cites.link else "unreached")
            graph.nodes.append(Node(id=target, label=cites.source or cites.link or "(unnamed source)",
                                    kind=cites.kind, state=state, url=cites.link, depth=r.hop.depth + 1,
                                    branch=r.branch))
            add(r, target, "cites", cites.cue, cites.link, cites.source)
    # The origin: where the main chain ends (the last node reached from it).
    chain = report.chain
    if chain and report.trace.origin is not None:
        tail = chain[-1].parent if chain[-1].loop_to is not None and chain[-1].parent else chain[-1]
        last = node_of[id(tail)]
        onward = [e for e in graph.edges if e.source == last and e.kind == "cites"]
        graph.node(onward[0].target if onward else last).origin = True
    return graph


# --------------------------------------------------------------------------- DOT

_DOT_FILL = {"page": "#eef5ff", "dead": "#fdecea", "unreached": "#fff4e0", "unlinked": "#f1f1f1",
             "anonymous": "#3b3b3b"}
_DOT_STYLE = {"page": "rounded,filled", "dead": "rounded,filled,dashed", "unreached": "rounded,filled,dotted",
              "unlinked": "rounded,filled,dashed", "anonymous": "rounded,filled"}


def dot_quote(text: str | None) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as \\n, control characters dropped."""
    text = clean_text(text or "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_caption(node: Node) -> list[str]:
    lines = [_short(node.label, 48)]
    if node.state == "page":
        lines.append(f"{node.host or ''} · HTTP {node.status}")
    elif node.state == "dead":
        lines.append(f"{node.host or ''} · dead link, HTTP {node.status}")
    elif node.state == "unreached":
        err = node.record.hop.error if node.record else None
        lines.append(f"{node.host or ''} · not reached ({err or 'not followed'})")
    elif node.state == "unlinked":
        lines.append(f"{node.kind} · named, not online")
    else:
        lines.append("anonymous source")
    if node.published:
        lines.append(node.published[:10])
    return lines


def format_dot(report: Report) -> str:
    from tracer.report.model import credibility_verdict

    graph = citation_graph(report)
    verdict = credibility_verdict(report.trace)
    title = "Claim: " + graph.claim
    if verdict:
        title += "\n" + "\n".join(textwrap.wrap("Verdict: " + verdict, 100))
    out = [
        "digraph citations {",
        f"  graph [rankdir=TB, labelloc=t, fontname=Helvetica, label={dot_quote(title)}];",
        '  node [shape=box, fontname=Helvetica, fontsize=11, style="rounded,filled", fillcolor="#eef5ff"];',
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    if verdict:
        out.insert(2, f"  verdict={dot_quote(verdict)};")  # issue 8: the chain's credibility verdict
    for n in graph.nodes:
        summary, source_kind = n.credibility
        attrs = {
            "label": "\n".join(_node_caption(n)),
            "style": _DOT_STYLE[n.state],
            "fillcolor": _DOT_FILL[n.state],
            "color": "#1b7f3b" if n.origin else ("#b3261e" if n.state == "dead" else "#2b5ea7"),
            "fontcolor": "#ffffff" if n.state == "anonymous" else "#111111",
            "penwidth": "2.5" if n.origin else "1",
            "tooltip": (n.url or n.label) + (f"\nCredibility: {summary}" if summary else ""),
            "class": f"state-{n.state}",
            "kind": n.kind,
            "state": n.state,
            "depth": str(n.depth),
        }
        if n.url and re.match(r"https?://", n.url):
            attrs["URL"] = n.url
        if n.status is not None:
            attrs["status"] = str(n.status)
        if summary:
            attrs["credibility"] = summary
        if source_kind:
            attrs["source_kind"] = source_kind
        body = ", ".join(f"{k}={dot_quote(v)}" for k, v in attrs.items())
        out.append(f"  {dot_quote(n.id)} [{body}];")
    for e in graph.edges:
        attrs = {"label": _short(e.cue, 40), "kind": e.kind}
        if e.kind == "loop":
            attrs.update({"style": "dashed", "color": "#b3261e", "constraint": "false"})
        if e.link:
            attrs["tooltip"] = e.link
        body = ", ".join(f"{k}={dot_quote(v)}" for k, v in attrs.items())
        out.append(f"  {dot_quote(e.source)} -> {dot_quote(e.target)} [{body}];")
    out.append("}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- GEXF

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
_NODE_ATTRS = (("url", "string"), ("kind", "string"), ("state", "string"), ("status", "integer"),
               ("depth", "integer"), ("branch", "integer"), ("published", "string"), ("origin", "boolean"),
               ("credibility", "string"), ("source_kind", "string"))
_EDGE_ATTRS = (("cue", "string"), ("link", "string"), ("kind", "string"), ("source_name", "string"))
_RGB = {"page": (43, 94, 167), "dead": (179, 38, 30), "unreached": (176, 96, 0), "unlinked": (120, 120, 120),
        "anonymous": (40, 40, 40)}


def _xml_text(value: object) -> str:
    return clean_text(str(value))


def format_gexf(report: Report) -> str:
    from tracer.version import __version__
    from tracer.report.model import credibility_verdict

    graph = citation_graph(report)
    verdict = credibility_verdict(report.trace)
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    g = "{%s}" % GEXF_NS
    root = ET.Element(g + "gexf", {"version": "1.3"})
    meta = ET.SubElement(root, g + "meta", {"lastmodifieddate": (report.generated_at or "")[:10]})
    ET.SubElement(meta, g + "creator").text = f"tracer {__version__}"
    description = f"Citation graph for the claim: {graph.claim}" + (f"\nVerdict: {verdict}" if verdict else "")
    ET.SubElement(meta, g + "description").text = _xml_text(description)
    graph_el = ET.SubElement(root, g + "graph", {"defaultedgetype": "directed", "mode": "static"})
    for cls, attrs in (("node", _NODE_ATTRS), ("edge", _EDGE_ATTRS)):
        block = ET.SubElement(graph_el, g + "attributes", {"class": cls, "mode": "static"})
        for name, type_ in attrs:
            ET.SubElement(block, g + "attribute", {"id": name, "title": name, "type": type_})
    nodes_el = ET.SubElement(graph_el, g + "nodes")
    for n in graph.nodes:
        el = ET.SubElement(nodes_el, g + "node", {"id": n.id, "label": _xml_text(n.label)})
        summary, source_kind = n.credibility
        values = {"url": n.url, "kind": n.kind, "state": n.state, "status": n.status, "depth": n.depth,
                  "branch": n.branch, "published": n.published, "origin": "true" if n.origin else "false",
                  "credibility": summary, "source_kind": source_kind}
        att = ET.SubElement(el, g + "attvalues")
        for name, _ in _NODE_ATTRS:
            if values[name] is not None:
                ET.SubElement(att, g + "attvalue", {"for": name, "value": _xml_text(values[name])})
        r, gr, b = _RGB[n.state]
        ET.SubElement(el, "{%s}color" % VIZ_NS, {"r": str(r), "g": str(gr), "b": str(b)})
    edges_el = ET.SubElement(graph_el, g + "edges")
    for i, e in enumerate(graph.edges):
        el = ET.SubElement(edges_el, g + "edge", {"id": f"e{i}", "source": e.source, "target": e.target,
                                                   "label": _xml_text(e.cue or "")})
        att = ET.SubElement(el, g + "attvalues")
        values = {"cue": e.cue, "link": e.link, "kind": e.kind, "source_name": e.source_name}
        for name, _ in _EDGE_ATTRS:
            if values[name] is not None:
                ET.SubElement(att, g + "attvalue", {"for": name, "value": _xml_text(values[name])})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
