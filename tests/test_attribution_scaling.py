"""Attribution post-processing in near-linear time (issue 17, case 3).

A page of repeated attribution sentences used to cost time in the square of its length
(0.25 MB 3.9 s, 1 MB 111 s: every attribution compared with every other in
``_assign_parents``, ``_drop_weak_nested`` and ``_assign_links``). The work is counted here
in Python function calls, which do not depend on the machine's speed or load: four times the
page must cost about four times the calls, not sixteen. The fast functions are also checked
against the plain all-pairs definitions on random spans.
"""

from __future__ import annotations

import cProfile
import pstats
from bisect import bisect_right

from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.attribution.attribute import _assign_links, _assign_parents, _inside_other_content
from tracer.attribution.cues import Found
from tracer.models import Attribution, Link, Sentence
from tracer.page import read_page

PARAGRAPH = (
    "<p>The minister said on Monday that the plan, according to <a href=\"https://wire.example/{i}\">the "
    "Wire</a>, would fail, citing a report by the audit office which believes the costs were hidden. "
    "“The costs are far higher than we were told,” said Jane Doe of the audit office. "
    "“We will publish everything.” <a href=\"https://related.example/{i}\">More</a></p>\n"
)


def _page(paragraphs: int) -> str:
    body = "".join(PARAGRAPH.format(i=i) for i in range(paragraphs))
    return f"<html><body><article>{body}</article></body></html>"


def _calls(html: str) -> tuple[int, int]:
    profile = cProfile.Profile()
    profile.enable()
    _, atts = read_page(html, "https://page.example/")
    profile.disable()
    return pstats.Stats(profile).total_calls, len(atts)


def test_page_analysis_work_grows_linearly_with_page_size():
    small_calls, small_atts = _calls(_page(60))
    large_calls, large_atts = _calls(_page(240))
    assert large_atts >= 4 * small_atts - 8  # the page really carries four times the attributions
    # linear: ~4x the calls (quadratic was ~16x at these sizes)
    assert large_calls < 5 * small_calls, (small_calls, large_calls)


# ---- the fast functions against the plain definitions ---------------------------------------

span = st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1]))


@st.composite
def attributions(draw):
    n = draw(st.integers(0, 12))
    atts, found = [], []
    for _ in range(n):
        source = sorted(draw(st.lists(span, max_size=2)))
        cue = sorted(draw(st.lists(span, max_size=2)))
        content = sorted(draw(st.lists(span, max_size=3)))
        atts.append(Attribution(source=source, cue=cue, content=content))
        found.append(Found(source=list(source), cue=list(cue), content=list(content),
                           sentence=draw(st.integers(0, 3))))
    return atts, found


def _covers(spans, s, e):
    return any(cs <= s and e <= ce for cs, ce in spans)


def _parents_by_pairs(found, atts):
    """The definition: the smallest other attribution (first of equal size) with a content
    span around this one, unless that one is already nested in this one."""
    parents = [a.parent for a in atts]
    for i, (f, a) in enumerate(zip(found, atts)):
        if f.nested_in is not None:
            parents[i] = f.nested_in
            continue
        spans = a.source + a.cue
        if not spans:
            continue
        s, e = a.start, a.end
        best = None
        for j, b in enumerate(atts):
            if j == i or found[j].sentence != f.sentence and not _covers(b.content, s, e):
                continue
            if _covers(b.content, min(x for x, _ in spans), max(y for _, y in spans)) and _covers(b.content, s, e):
                size = b.end - b.start
                if best is None or size < best[0]:
                    best = (size, j)
        if best is not None and parents[best[1]] != i:
            parents[i] = best[1]
    return parents


@settings(max_examples=300, deadline=None)
@given(attributions())
def test_parents_match_the_all_pairs_definition(case):
    atts, found = case
    expected = _parents_by_pairs(found, atts)
    _assign_parents(found, atts)
    assert [a.parent for a in atts] == expected


@settings(max_examples=300, deadline=None)
@given(attributions(), st.lists(span, max_size=6))
def test_inside_other_content_matches_the_all_pairs_definition(case, cues):
    _, found = case
    inside = _inside_other_content(found)
    for k in range(len(found)):
        for c0, c1 in cues:
            expected = any(g is not found[k] and any(s <= c0 and c1 <= e for s, e in g.content) for g in found)
            assert inside(k, c0, c1) == expected


def _links_by_pairs(atts, links, sentences, found):
    # issue 15: never a listing/home page; in content or sentence never a name-only anchor; unnamed sources own words only
    from tracer.web.urls import domain_matches_source, is_name_anchor, navigation_reason

    ordered = sorted((l for l in links if not navigation_reason(l.href, l.text)), key=lambda l: l.start)
    starts = [l.start for l in ordered]

    def in_spans(spans, taken=(), names=True):
        for s, e in spans:
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(ordered) and ordered[i].start < e:
                link = ordered[i]
                if link.end > s and link.start < e and not any(link.end > ts and link.start < te for ts, te in taken) and (
                        names or not is_name_anchor(link.text) or domain_matches_source(link.href, link.text)):
                    return link.href
                i += 1
        return None

    named = [(id(a), span) for a in atts for span in a.source + a.cue]
    out = []
    for a, f in zip(atts, found):
        href = in_spans(a.source) or in_spans(a.cue)
        if href is None and a.kind != "anonymous":
            taken = [span for owner, span in named if owner != id(a)]
            sent = sentences[f.sentence] if 0 <= f.sentence < len(sentences) else None
            href = in_spans(a.content, taken, False) or (in_spans([(sent.start, sent.end)], taken, False) if sent else None)
        out.append(href)
    return out


@settings(max_examples=300, deadline=None)
@given(attributions(), st.lists(span, max_size=8))
def test_links_match_the_all_pairs_definition(case, link_spans):
    atts, found = case
    # story pages and, now and then, a tag page or a name-only anchor (issue 15's filters)
    links = [Link(href=f"https://l{i}.example/" + ("tag/x" if i % 3 == 2 else f"news/2023/story-{i}"),
                  text="Ashby Town" if i % 4 == 3 else "said", start=s, end=e) for i, (s, e) in enumerate(link_spans)]
    sentences = [Sentence(start=k * 20, end=k * 20 + 20, paragraph=0) for k in range(4)]
    expected = _links_by_pairs(atts, links, sentences, found)
    _assign_links(atts, links, sentences, found)
    assert [a.link for a in atts] == expected
