"""Robustness of attribution extraction: random and mutated text and HTML never raise, and
every offset stays inside the text; every real page of shared/data/pages runs cleanly."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracer.attribution.attribute import extract_attributions
from tracer.page import analyse_input
from tracer.models import Link, SOURCE_KINDS
from tracer.read.sentences import split_sentences

SHARED = Path(os.environ.get("TRACER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
PAGES = SHARED / "data" / "pages"

# Pieces that exercise the rules: cues, quote marks of every kind, names, breaks.
PIECES = [
    "said", "says", "told", "according to", "citing", "as reported by", ", ", ". ", ": ", " - ",
    "“", "”", '"', "''", "‘", "’", "«", "»", "(", ")", "\n", "\n\n", "Reuters", "the report",
    "sources familiar with the matter", "he", "she", "who", "that", "Mr. Smith", "U.S.", "LONDON",
    "(Reuters) -", "added:", "in a statement", "\x00", "\x0b", "\u200b", "Привет", "北京",
    "مرحبا", "!", "?", "…", "—", "and said", "noting", "The", "a", "X",
]

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join),
)


def assert_inside(text, atts):
    n = len(text)
    for i, a in enumerate(atts):
        for s, e in a.source + a.cue + a.content:
            assert 0 <= s < e <= n, (s, e, n)
        assert a.kind in SOURCE_KINDS
        assert a.parent is None or (0 <= a.parent < len(atts) and a.parent != i)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_random_text_never_raises(text):
    atts = extract_attributions(text)
    assert_inside(text, atts)
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(-5, 500), st.integers(-5, 500)), max_size=5))
def test_random_links_and_paragraphs_never_raise(text, pairs):
    links = [Link("https://example.org/" + str(i), "x", s, e) for i, (s, e) in enumerate(pairs)]
    paragraphs = sorted((min(s, e), max(s, e)) for s, e in pairs)
    atts = extract_attributions(text, links=links, paragraphs=paragraphs or None)
    assert_inside(text, atts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["<p>", "</p>", "<a href='/x'>", "</a>", "<div>", "<script>", "<!--", "&amp;", "<br>"]), max_size=80).map(" ".join))
def test_random_html_never_raises(html):
    result = analyse_input("page.html", html, base_url="https://example.org/")
    text = result["text"]
    for a in result["attributions"]:
        for s, e in a["source"] + a["cue"] + a["content"]:
            assert 0 <= s < e <= len(text)


def _sample_page() -> str | None:
    files = page_files()
    if not files:
        return None
    raw = files[0].read_bytes()
    return (gzip.decompress(raw) if files[0].suffix == ".gz" else raw).decode("utf-8", "replace")


SAMPLE_PAGE = None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_page_never_raises(data):
    """A real page with slices cut out and quote marks, tags and control characters
    thrown in: extraction and attribution still hold."""
    global SAMPLE_PAGE
    if SAMPLE_PAGE is None:
        SAMPLE_PAGE = _sample_page() or "<html><body><p>He said “no.</p></body></html>"
    html = SAMPLE_PAGE
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(html)))
        cut = data.draw(st.integers(0, 2000))
        insert = data.draw(st.sampled_from(["“", "”", '"', "<p>", "</p>", "<a href='x'>", "</div>", "\x00", " said ", ":", "\n\n"]))
        html = html[:at] + insert + html[at + cut :]
    result = analyse_input("mutated.html", html, base_url="https://example.org/")
    n = len(result["text"])
    for a in result["attributions"]:
        for s, e in a["source"] + a["cue"] + a["content"]:
            assert 0 <= s < e <= n


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "“" * 1000,
        '"' * 999 + " said",
        "He said “" + "word " * 20000,  # unbalanced quote, 100 KB
        ("Officials said that " + "x" * 1_000_000),  # a 1 MB paragraph
        ("a, " * 300_000) + "he said.",  # 900 KB of commas in one sentence
        "said said said according to according to citing citing",
        "\x00\x01\x02 said \x7f\u2028\u2029 told",
    ],
)
def test_edge_cases(text):
    atts = extract_attributions(text)
    assert_inside(text, atts)


def page_files():
    if not PAGES.is_dir():
        return []
    return sorted(p for p in PAGES.rglob("*") if p.name.endswith((".html", ".html.gz")))


@pytest.mark.skipif(not PAGES.is_dir(), reason=f"real pages not found under {PAGES} (set TRACER_SHARED)")
def test_every_real_page_runs():
    files = page_files()
    assert len(files) >= 381
    failures = []
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        try:
            result = analyse_input(path.name, raw, base_url="https://example.org/")
            n = len(result["text"])
            assert all(0 <= s < e <= n for a in result["attributions"] for s, e in a["source"] + a["cue"] + a["content"])
        except Exception as exc:  # report every failing page at once
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])
