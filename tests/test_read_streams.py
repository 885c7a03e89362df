"""A page made of several stories (a news stream, a live blog): every story is read, each
one whole (its linked headline, its paragraphs and links), and the attribution inside a story
counts for the claims of that story only. A single article beside a list of teasers that look
like it is not widened."""

from __future__ import annotations

import json

from tracer.models import ClaimMatch
from tracer.page import read_page
from tracer.read.extract import extract_document
from tracer.resolve import citations_for_claim

URL = "https://fenwick-digest.example/briefing"

# (kicker, headline, paragraphs); each story credits its own source, with a link
STORIES = [
    ("rates", "Lending rate held at four percent",
     ["The central bank of Fenwick kept its lending rate unchanged on Wednesday, as most traders had expected.",
      'Governor Alma Ruiz told reporters that prices were still rising too fast, <a href="https://monetary.fenwick.example/statements/rate-decision">the bank said in its statement</a>.',
      "Two members of the board voted for a cut, the first split vote this year."]),
    ("harbour", "Dredging of the north channel delayed again",
     ["Work to deepen the north channel will not start before the autumn, a year later than planned.",
      'The contractor blamed a shortage of dredgers, <a href="https://www.quaysidepost.example/2024/05/dredging-delay">the Quayside Post reported</a>.',
      "Shipping lines have warned that larger vessels may skip the port until the work is done."]),
    ("trams", "Tram fares rise by a tenth in June",
     ["Single tram tickets in the capital will cost a tenth more from the first of June.",
      'New figures from <a href="https://transit.fenwick.example/reports/fares-2024">the transit authority</a> show that ridership has not recovered since the pandemic.',
      "Season tickets are left unchanged for another year, the authority added."]),
    ("schools", "School meals to be free for all pupils",
     ["Every primary pupil in the city will get a free lunch from September under a plan approved by the council.",
      'The scheme will cost eleven million a year, <a href="https://www.fenwickcouncil.example/news/free-school-meals">the council said in a statement</a>.',
      "Parents' groups, which had campaigned for the change since 2019, welcomed the vote on Tuesday evening."]),
    ("weather", "Flood warnings lifted along the river",
     ["The last flood warnings on the lower river were lifted on Thursday morning after four days of high water.",
      'Levels fell faster than forecast, <a href="https://www.riverwatch.example/updates/lower-river">the river agency said</a>, though some fields remain under water.',
      "Residents in low-lying streets were told they could return to their homes."]),
]


def stream_page() -> str:
    items = []
    for n, (kicker, headline, paras) in enumerate(STORIES, 1):
        body = "".join(f"<p>{p}</p>" for p in paras)
        items.append(
            f'<section class="brief-slot slot-{n}" id="b{n}"><article class="brief-card">'
            f'<div class="kicker"><a href="/briefing/topic/{kicker}">{kicker}</a></div>'
            f'<h3 class="brief-title"><a href="/briefing/{n}/{kicker}"><span>{headline}</span></a></h3>'
            f'<div class="stamp">{8 + n}:05 a.m.</div>'
            f'<div class="brief-text">{body}</div>'
            f'<div class="share-bar"><a href="/share?b={n}">Share</a> <a href="/mail?b={n}">Email</a></div>'
            f'</article><div class="ad-slot ad-{n}"><p>Advertisement</p></div></section>'
        )
    return (
        '<html><head><title>The Briefing | Fenwick Digest</title></head><body>'
        '<header><nav><a href="/">Home</a> <a href="/briefing">Briefing</a></nav></header>'
        f'<div class="page"><div class="briefing-column"><div class="briefing-list">{"".join(items)}'
        '<a class="more" href="/briefing?page=2">More briefs</a></div></div>'
        '<aside class="rail"><h4>Most read</h4><ul><li><a href="/x">Something else entirely</a></li></ul></aside></div>'
        '<footer><p>Fenwick Digest, all rights reserved.</p></footer></body></html>'
    )


def plain(html: str) -> str:
    """A paragraph's words as the page shows them."""
    import re

    return re.sub(r"<[^>]+>", "", html)


def test_every_story_of_a_stream_page_is_read_whole():
    doc = extract_document(stream_page(), URL)
    for _, headline, paras in STORIES:
        assert headline in doc.text  # a story's linked headline is its title, not a link list
        for p in paras:
            assert plain(p) in doc.text
    for furniture in ("Advertisement", "Share", "More briefs", "Most read", "all rights reserved"):
        assert furniture not in doc.text
    assert len(doc.items) == len(STORIES)
    for (start, end), (_, headline, paras) in zip(doc.items, STORIES):
        assert doc.text[start:end].startswith(headline) and doc.text[start:end].endswith(plain(paras[-1]))
    for link in doc.links:
        assert doc.text[link.start : link.end] == link.text
    hrefs = {l.href for l in doc.links}
    assert "https://www.quaysidepost.example/2024/05/dredging-delay" in hrefs
    assert "https://www.riverwatch.example/updates/lower-river" in hrefs


def test_each_storys_attribution_counts_for_that_story():
    doc, atts = read_page(stream_page(), URL)
    linked = {a.link for a in atts if a.link}
    for _, _, paras in STORIES:  # every story's linked attribution is found
        href = paras[1].split('href="')[1].split('"')[0]
        assert href in linked

    def cited(sentence_text: str):
        i = next(k for k, s in enumerate(doc.sentences) if doc.text[s.start : s.end] == sentence_text)
        s = doc.sentences[i]
        found = citations_for_claim(doc, atts, [ClaimMatch(i, s.start, s.end, sentence_text, 0.8)])
        return found[0].citation.link if found else None

    # a headline: its own story's first attribution, past the time line; never the story above or below
    assert cited("Dredging of the north channel delayed again") == "https://www.quaysidepost.example/2024/05/dredging-delay"
    # the last sentence of a story: the next story's "New figures from X show" is not its source
    assert cited("Shipping lines have warned that larger vessels may skip the port until the work is done.") is None
    # ... which, inside one story, it is
    assert cited("Single tram tickets in the capital will cost a tenth more from the first of June.") == \
        "https://transit.fenwick.example/reports/fares-2024"


ARTICLE = [
    "The harbour board agreed on Tuesday to spend four million on dredging the northern channel after years of complaints.",
    "Ship owners had said for two years that larger vessels could not reach the quay at low tide, and some had moved away.",
    'The board\'s chair, Ines Maro, said the money would come from reserves, <a href="https://harbourboard.example/minutes/may">according to the minutes</a>.',
    "Work is due to start in the spring and to last until the end of the summer season, weather permitting.",
    "Fishermen asked that the work stop during the herring run, and the board promised to consider it next month.",
    "The last dredging of the channel, in 2009, took eight months and went over budget by a third.",
]


def teaser(n: int) -> str:
    return (f'<article class="story"><h3><a href="/news/{n}">Other harbour story {n}</a></h3>'
            f'<p>The quay company said on Monday that berth {n} would close for repairs for most of the coming week.</p></article>')


def test_a_single_article_beside_teasers_like_it_is_not_widened():
    body = "".join(f"<p>{p}</p>" for p in ARTICLE)
    html = ('<html><head><title>Dredging approved</title></head><body><div class="stories">'
            f'<article class="story"><h1>Dredging approved</h1>{body}</article>'
            f'{"".join(teaser(n) for n in range(1, 6))}</div></body></html>')
    doc = extract_document(html, "https://harbour.example/news/dredging")
    assert [doc.text[s:e] for s, e in doc.paragraphs] == [plain(p) for p in ARTICLE]
    assert doc.items == []


def test_a_live_blog_by_its_json_ld_two_short_posts_are_enough():
    ld = json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm live",
                     "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Ferry service suspended"}]})
    posts = [
        ('<div class="post-body"><p>All ferries to the islands are cancelled for the rest of the day, '
         '<a href="https://ferries.example/notices/storm">the operator said</a>.</p></div>'),
        ('<div class="post-body"><p>Gusts of 90 miles an hour were measured on the headland this morning, '
         '<a href="https://weather.example/obs/headland">the weather service said</a>.</p></div>'),
    ]
    items = "".join(f'<div class="live-post"><div class="live-meta"><span>1{n}:00</span></div>{p}'
                    f'<div class="share-bar"><a href="/s">Share</a></div></div><div class="ad-slot"><p>Advert</p></div>'
                    for n, p in enumerate(posts))
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            f'<div class="live-wrap"><div class="live-column">{items}</div></div></body></html>')
    doc = extract_document(html, "https://storm.example/live")
    assert len(doc.items) == 2
    assert "the operator said" in doc.text and "the weather service said" in doc.text
    assert "Advert" not in doc.text and "Share" not in doc.text
