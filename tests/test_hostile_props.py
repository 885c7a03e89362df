"""Property-based hostile input (issue 17): control characters, terminal escape sequences,
non-characters and deep nesting fed to extraction, attribution, claim matching and every
output format. Nothing raises; no raw ESC or BEL reaches text output; XML formats stay XML."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracer.attribution.attribute import extract_attributions
from tracer.claims.match import claim_figures, find_claim
from tracer.cli import cli
from tracer.corpus.search import format_sources_text, sources_csv
from tracer.models import Citation, Hop, Origin, Trace
from tracer.page import read_page
from tracer.report.model import REPORT_FORMATS, format_text, report_from_trace
from tracer.report.render import render
from tracer.safe import TerminalSafeStream, clean_text, csv_cell, for_terminal, for_xml

ESCAPES = [
    "\x1b]0;OWNED\x07", "\x1b]8;;https://evil.example/\x1b\\", "\x1b[2J", "\x1b[31m", "\x1b[0m", "\x1bc", "\x1b(0",
    "\x1bP1$qm\x1b\\", "\x9b31m", "\x9d0;x\x9c", "\x07", "\x1b", "\x1b]", "\x1b[", "\r", "\x00", "\x01", "\x08",
    "\x7f", "\x85", "\ufffe", "\uffff", "\u202e", "\u2067",
]
WORDS = ["The bridge", "will close", "for six months", ",", ".", " said", " according to", " the engineer",
         " Reuters", "“", "”", " ", "\n", "=SUM(1)", "+1", "-2", "@x", "<", "&amp;", "50%", "$2 billion"]
TAGS = ["p", "div", "span", "a", "script", "style", "nav", "form", "li", "blockquote", "b"]

hostile_text = st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(WORDS),
                                  st.text(max_size=6)), max_size=40).map("".join)
clean_words = st.lists(st.sampled_from(WORDS[:12]), min_size=1, max_size=12).map("".join)


@st.composite
def hostile_html(draw):
    depth = draw(st.sampled_from([0, 1, 30, 255, 300, 2100]))
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        tag = draw(st.sampled_from(TAGS))
        attrs = ' href="https://x.example/' + draw(st.sampled_from(ESCAPES)) + '"' if tag == "a" else ""
        parts.append(f"<{tag}{attrs}>{draw(hostile_text)}</{tag}>{draw(hostile_text)}")
    inner = "".join(parts)
    head = f"<title>{draw(hostile_text)}</title><meta property=\"og:site_name\" content=\"{draw(hostile_text)}\">"
    return f"<html><head>{head}</head><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>"


RAW = ("\x1b", "\x07", "\x9b", "\x9d")


def assert_inert(text: str) -> None:
    assert not any(ch in text for ch in RAW), repr(text[:200])


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(hostile_html(), clean_words)
def test_extraction_attribution_and_matching_never_raise(html, claim):
    doc, atts = read_page(html, "https://page.example/a")
    assert clean_text(doc.text) == doc.text  # nothing a terminal or XML would choke on
    for a in atts:
        for s, e in a.source + a.cue + a.content:
            assert 0 <= s <= e <= len(doc.text)
    find_claim(doc, claim)
    claim_figures(claim, doc.text)
    extract_attributions(html)  # the raw markup as plain text, escapes and all


@PROPS
@given(hostile_text, hostile_text, hostile_text, hostile_text)
def test_every_report_format_is_inert(claim, source, evidence, url_tail):
    hop0 = Hop(depth=0, url="https://a.example/" + url_tail, status=200, source=source, evidence=evidence,
               title=source, published="2024-01-02", flags=["claim-drift"],
               cites=Citation(source=source, kind="outlet", cue=evidence[:10], link="https://b.example/" + url_tail,
                                sentence=evidence))
    hop1 = Hop(depth=1, url="https://b.example/" + url_tail, status=200, source=evidence, evidence=claim)
    trace = Trace(claim=claim or "x", start_url="https://a.example/", hops=[hop0, hop1],
                  origin=Origin(source, None, "unknown", "no-further-attribution"), flags=["claim-drift"])
    report = report_from_trace(trace)
    for fmt in REPORT_FORMATS:
        out = render(report, fmt)
        assert_inert(out)
        if fmt in ("gexf",):
            ET.fromstring(out.encode("utf-8"))
        if fmt in ("json", "prov"):
            json.loads(out)
        if fmt == "csv":
            for row in csv.reader(io.StringIO(out)):
                assert all(not cell or cell[0] not in "=+-@\t\r" for cell in row), row
    # the text a command prints goes through the terminal filter
    stream = io.StringIO()
    TerminalSafeStream(stream).write(format_text(trace))
    assert_inert(stream.getvalue())


@PROPS
@given(hostile_text, hostile_text)
def test_sources_output_is_inert(name, evidence):
    result = {"claim": name, "independent_origins": 1, "copies": 0, "search": {},
              "documents": [{"url": "https://a.example/" + name, "publisher": name, "published": "2024-01-02",
                             "evidence": evidence, "copy_of": None, "cites": [{"source": name, "url": None}],
                             "origin": {"name": name, "url": None}}],
              "origins": [{"name": name, "url": None, "reason": "unlinked-source",
                           "documents": ["https://a.example/" + name]}]}
    assert_inert(for_terminal(format_sources_text(result)))
    rows = list(csv.reader(io.StringIO(sources_csv(result))))
    assert_inert("".join(c for row in rows for c in row))
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)


@PROPS
@given(hostile_text)
def test_the_safe_functions(text):
    shown = for_terminal(text)
    assert_inert(shown)
    assert not any(ord(c) < 32 and c not in "\n\t\r" for c in shown)
    assert "\r" not in shown.replace("\r\n", "\n")  # a CR only as part of a CR LF line end
    assert not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in shown)  # no reordering
    ET.fromstring(f"<x>{for_xml(text).replace('&', '&amp;').replace('<', '&lt;')}</x>".encode("utf-8", "surrogatepass"))
    cell = csv_cell(text)
    assert not cell or cell[0] not in "=+-@\t\r"
    assert for_terminal(shown) == shown and clean_text(clean_text(text)) == clean_text(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(html=hostile_html())
def test_the_attributions_command_prints_nothing_raw(tmp_path, html):
    page = tmp_path / "page.html"
    page.write_bytes(html.encode("utf-8", "surrogatepass"))
    for fmt in ("text", "json", "jsonl"):
        result = CliRunner().invoke(cli, ["attributions", str(page), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert_inert(result.output)
