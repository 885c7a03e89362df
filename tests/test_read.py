"""Reading pages (tracer/read/): main text that does not lose the article, exact link
spans, dates kept apart. Each test is one failure shape seen on real news pages, written
here as a small page of its own."""

from __future__ import annotations

from tracer.read.dates import to_iso, url_date
from tracer.read.extract import extract_document

NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(12))
STORY = [
    "The harbour board agreed on Tuesday to spend four million on dredging the northern channel.",
    "Ship owners had complained for two years that larger vessels could not reach the quay at low tide.",
    "Work is due to start in the spring and to last until the end of the summer season.",
]


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Harbour news</title>{head}</head><body>{body}</body></html>"


def paragraphs(doc) -> list[str]:
    return [doc.text[s:e] for s, e in doc.paragraphs]


def check_links(doc) -> None:
    for link in doc.links:
        assert doc.text[link.start : link.end] == link.text


def test_article_inside_an_ad_named_wrapper_is_read():
    # "ad" in a wrapper's class name ("page-ad-margins", "non-ad-column") is no reason to drop
    # the article the wrapper holds
    body = f"""<div class="page-ad-margins"><header><ul>{NAV}</ul></header>
      <div class="ad-slot"><p>Advertisement</p></div>
      <article><h1>Dredging approved</h1>{''.join(f'<p>{p}</p>' for p in STORY)}</article>
      <footer><p>All rights reserved.</p></footer></div>"""
    doc = extract_document(page(body), "https://harbour.example/news/dredging")
    assert paragraphs(doc) == STORY


def test_article_inside_a_page_wide_form_is_read():
    body = f"""<form id="page-form" method="post" action="/postback"><nav><ul>{NAV}</ul></nav>
      <div class="story-body">{''.join(f'<p>{p}</p>' for p in STORY)}</div>
      <input type="hidden" name="state" value="abc"></form>"""
    doc = extract_document(page(body), "https://harbour.example/news/dredging")
    assert paragraphs(doc) == STORY


def test_div_paragraphs_and_line_break_paragraphs():
    divs = "".join(f'<div class="body-paragraph">{p}</div>' for p in STORY)
    doc = extract_document(page(f"<ul>{NAV}</ul><div class='body'>{divs}</div>"), "https://harbour.example/a")
    assert paragraphs(doc) == STORY
    # one container, paragraphs separated by two line breaks, a link inside one of them
    brs = f"{STORY[0]}<br><br>{STORY[1]} <a href='/docs/plan.pdf'>The plan</a> is online.<br/>\n<br/>{STORY[2]}"
    doc = extract_document(page(f"<ul>{NAV}</ul><div class='entry'>{brs}</div>"), "https://harbour.example/b")
    assert paragraphs(doc) == [STORY[0], STORY[1] + " The plan is online.", STORY[2]]
    assert [(l.href, l.text) for l in doc.links] == [("https://harbour.example/docs/plan.pdf", "The plan")]
    check_links(doc)


def test_sentences_that_are_mostly_one_link_stay_with_exact_spans():
    body = f"""<ul>{NAV}</ul><article>
      <p>{STORY[0]}</p>
      <p>Officials say that <a href="https://stats.example/grain">grain exports rose by 18 percent in April</a>.</p>
      <p><a href="https://ministry.example/report">The ministry's annual report lists every dredging contract since 2015.</a></p>
      <p>{STORY[1]}</p>
      <p><a href="/related/1">Related: tides</a> | <a href="/related/2">Quay history</a></p>
    </article>"""
    doc = extract_document(page(body), "https://harbour.example/news/grain")
    got = paragraphs(doc)
    assert "Officials say that grain exports rose by 18 percent in April." in got
    assert "The ministry's annual report lists every dredging contract since 2015." in got
    assert not any("Related" in p for p in got)  # a list of links is no sentence
    assert [l.href for l in doc.links] == ["https://stats.example/grain", "https://ministry.example/report"]
    check_links(doc)


def test_every_story_of_a_stream_page():
    topics = ["dredging", "library hours", "tram fares", "school meals", "flood walls", "bridge repairs",
              "park lighting", "market licences"]
    stories = "".join(
        f"""<article class="brief"><h2><a href="/briefs/{i}">Council decides on {t}</a></h2>
        <p>The council voted on Tuesday to change its plans for {t}, after a long debate in the chamber.</p>
        <p>Members said the decision on {t} would be reviewed next spring, according to
        <a href="https://ledger{i}.example/{i}">the Daily Ledger</a>.</p>
        <div class="share-tools"><a href="/share?s={i}">Share</a></div></article>"""
        for i, t in enumerate(topics)
    )
    body = f"""<header><nav><ul>{NAV}</ul></nav></header><main><h1>Briefs</h1><div class="stream">{stories}</div></main>
      <aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Something else</a></li></ul></aside>"""
    doc = extract_document(page(body), "https://weekly.example/briefs")
    for t in topics:
        assert f"The council voted on Tuesday to change its plans for {t}, after a long debate in the chamber." in doc.text
    assert sum(l.text == "the Daily Ledger" for l in doc.links) == 8
    assert "Share" not in doc.text and "Most read" not in doc.text
    check_links(doc)


def test_comments_and_teasers_are_not_the_article():
    comments = "".join(
        f'<li class="comment"><article class="comment-body"><p>Reader {i} thinks the harbour board should have '
        f'waited for the survey before spending anything on the northern channel this year.</p></article></li>'
        for i in range(12)
    )
    teasers = "".join(
        f'<li><a href="/news/{i}">Other story {i}</a> The tram company said fares would rise again next month, '
        f'its third rise in two years.</li>' for i in range(8)
    )
    body = f"""<ul>{NAV}</ul><div class="breaking"><ul>{teasers}</ul></div>
      <article class="post"><h1>Dredging approved</h1><div class="entry-content">{''.join(f'<p>{p}</p>' for p in STORY)}</div>
      <section id="comments"><ol class="comment-list">{comments}</ol></section></article>"""
    doc = extract_document(page(body), "https://harbour.example/news/dredging")
    assert paragraphs(doc) == STORY


def test_fallback_reader_when_nothing_reads_as_prose():
    # a page of short lines (a poem) in a page of menus: nothing is prose, so the fallback
    # extractor (trafilatura) chooses the text, read by tracer's own walk (exact spans)
    lines = ["Grey gulls over the quay", "Salt on the morning air", "Nets laid out to dry",
             "Boats rocking at anchor", "The tide turns at noon", "Children run on the sand"]
    menu = "".join(f'<li><a href="/section/{i}">Section number {i} of the site</a></li>' for i in range(40))
    body = f"""<div id="menu"><ul>{menu}</ul></div><div class="entry"><h1>Harbour morning</h1>
      {''.join(f'<p>{line}</p>' for line in lines)}</div><div id="foot"><ul>{menu}</ul></div>"""
    doc = extract_document(page(body), "https://verse.example/harbour-morning")
    assert paragraphs(doc) == lines
    assert doc.meta.get("text_from") == "trafilatura"


def test_date_only_in_the_url():
    body = f"<article>{''.join(f'<p>{p}</p>' for p in STORY)}</article>"
    doc = extract_document(page(body), "https://harbour.example/news/2021/03/09/dredging-approved")
    assert (doc.published, doc.published_source) == ("2021-03-09", "url")
    assert url_date("https://harbour.example/archive/20210309/dredging") is not None
    assert url_date("https://harbour.example/stories/2019/nov/19/dredging").isoformat() == "2019-11-19"
    assert url_date("https://harbour.example/a/30657941.html") is None


def test_updated_page_keeps_published_and_modified_apart():
    head = ('<meta property="article:published_time" content="2021-03-01T08:00:00+01:00">'
            '<meta property="article:modified_time" content="2021-03-05T17:30:00+01:00">')
    body = f"<article><p>Updated 5 March 2021</p>{''.join(f'<p>{p}</p>' for p in STORY)}</article>"
    doc = extract_document(page(body, head), "https://harbour.example/news/dredging")
    assert (doc.published, doc.published_source, doc.modified) == \
        ("2021-03-01T08:00:00+01:00", "metadata", "2021-03-05T17:30:00+01:00")
    # no metadata: the lines a reader sees, "Published" and "Updated", kept apart
    body = f"""<article><p class="meta">Published 1 March 2021 · Updated 5 March 2021</p>
      {''.join(f'<p>{p}</p>' for p in STORY)}</article>"""
    doc = extract_document(page(body), "https://harbour.example/news/dredging")
    assert (doc.published, doc.published_source, doc.modified) == ("2021-03-01", "visible", "2021-03-05")


def test_a_utc_moment_takes_the_day_the_page_shows():
    # 02:30 UTC on the 6th is still the 5th where the paper is published, and its page says so
    head = '<meta property="article:published_time" content="2021-03-06T02:30:00Z">'
    body = f"<article><time datetime='2021-03-05'>March 5, 2021</time>{''.join(f'<p>{p}</p>' for p in STORY)}</article>"
    doc = extract_document(page(body, head), "https://harbour.example/news/dredging")
    assert (doc.published, doc.published_source) == ("2021-03-05", "visible")
    # the same moment in a page showing no other day is the metadata's
    doc = extract_document(page(f"<article>{''.join(f'<p>{p}</p>' for p in STORY)}</article>", head),
                           "https://harbour.example/news/dredging")
    assert (doc.published, doc.published_source) == ("2021-03-06T02:30:00Z", "metadata")


def test_dates_written_other_ways_become_iso_8601():
    assert to_iso("Sun, 11 Oct 2020 07:34:36 GMT") == "2020-10-11T07:34:36+00:00"
    assert to_iso("20201123T11:02:35Z") == "2020-11-23T11:02:35+00:00"
    assert to_iso("2020/10/04 15:05:21") == "2020-10-04T15:05:21"
    assert to_iso("2021/10/28") == "2021-10-28"
    assert to_iso("2021-03-01T08:00:00Z") == "2021-03-01T08:00:00Z"  # ISO already: as written
    assert to_iso("not a date") is None
