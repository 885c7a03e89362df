"""Page text in the Markdown report is inert: whatever a page says, a CommonMark renderer shows it
as the same text, with no tag, link, image, emphasis or code span of its own."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tracer.report.markdown import md_escape, md_marked
from tracer.safe import clean_text

MD = MarkdownIt("commonmark")
SPECIAL = list("\\`*_[]<>()!#&|~-+=.:;\"'/ ") + ["](", "<script>", "&amp;", "&#60;", "http://x.example/", "\n"]
TEXTS = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=4)), max_size=30).map("".join)


def rendered_text(markdown: str) -> str:
    out = MD.render(markdown).strip()
    assert out.startswith("<p>") and out.endswith("</p>"), out
    inner = out[3:-4]
    assert not re.search(r"<(?!br ?/?>)", inner), inner  # no tag but the paragraph's
    return html.unescape(inner)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXTS)
def test_escaped_page_text_renders_as_itself(text):
    expected = " ".join(clean_text(text).split())
    assert rendered_text("Evidence: " + md_escape(text)) == ("Evidence: " + expected).rstrip()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(TEXTS, st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=4))
def test_marked_evidence_adds_only_strong_emphasis(text, spans):
    text = " ".join(clean_text(text).split())
    marks, pos = [], 0
    for start, length in sorted(spans):
        start = max(start, pos)
        end = min(start + length, len(text))
        if start < end:
            marks.append((start, end))
            pos = end + 1
    out = MD.render("Evidence: " + md_marked(text, marks)).strip()
    inner = re.sub(r"</?strong>", "", out[3:-4])  # the marks are <strong> when they take; nothing else is a tag
    assert not re.search(r"<(?!br ?/?>)", inner), out
    assert html.unescape(inner).replace("**", "").rstrip() == ("Evidence: " + text).replace("**", "").rstrip()
