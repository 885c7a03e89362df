"""Documents that speak and links that do not cite (issue 15), on small pages of our own: what a
study did is what it reports; a bill or motion put before a chamber carries its sponsors' words;
on a site whose keyword linker links ordinary words to its own keyword pages, such a link in an
attribution sentence is no citation."""

from __future__ import annotations

from tracer.page import analyse_input

BASE = "https://www.marrowfield-courier.example/news/2024/02/12/story"


def attributions(body: str) -> list[dict]:
    html = f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"
    return analyse_input("page.html", html, base_url=BASE)["attributions"]


def followed(body: str) -> set:
    return {a["link"] for a in attributions(body) if a["link"]}


def test_what_a_study_did_is_what_it_reports():
    body = (
        '<p><a href="https://www.northbay-uni.example/press/2024/commuter-sleep-study">A new study</a> from Northbay '
        'University tracked the sleep of 1,200 ferry commuters over two winters and found shorter nights on stormy weeks.</p>'
        '<p>A survey by the <a href="https://harbourinstitute.example/surveys/rents-2023">Harbour Institute</a> examined '
        'rents in 40 coastal towns.</p>'
        '<p>The coach analysed the <a href="https://www.marrowfield-courier.example/sport/cup-final-report-2024">cup final</a> '
        'with his players on Sunday morning.</p>'
    )
    found = {a["source_name"]: (a["kind"], a["link"]) for a in attributions(body)}
    assert found["A new study from Northbay University"] == \
        ("document", "https://www.northbay-uni.example/press/2024/commuter-sleep-study")
    assert any(kind == "document" and link == "https://harbourinstitute.example/surveys/rents-2023"
               for kind, link in found.values())
    # a person who analysed a match reports nothing: no attribution, no link followed
    assert "https://www.marrowfield-courier.example/sport/cup-final-report-2024" not in followed(body)


def test_a_bill_or_motion_carries_its_sponsors_words():
    body = (
        '<p>Last March, councillors Ines Varga and Tomas Brell <a href="https://www.marrowfield.gov.example/motions/'
        'ferry-winter-timetable">tabled a motion</a> “to keep the night ferry running through the winter months”.</p>'
        '<p>Two deputies <a href="https://parliament.example/bills/2024/coastal-rail-fund">introduced a bill</a> that would '
        'set aside 90 million for the coastal railway.</p>'
    )
    found = {a["link"]: a for a in attributions(body) if a["link"]}
    motion = found["https://www.marrowfield.gov.example/motions/ferry-winter-timetable"]
    assert motion["source_name"] == "councillors Ines Varga and Tomas Brell"
    assert "https://parliament.example/bills/2024/coastal-rail-fund" in found


def test_a_keyword_linkers_links_are_not_citations():
    own = "https://www.marrowfield-courier.example"
    body = (
        f'<p>(Marrowfield Courier / Lantern Wire) It is too early to name the <a href="{own}/calendar/harbour-festival-date.html">'
        f'date</a> when the <a href="{own}/latest-news/ferry.html">ferry</a> will sail again, the '
        f'<a href="{own}/latest-news/harbour-master.html">harbour master</a> said on Monday.</p>'
        f'<p>The <a href="{own}/latest-news/storm.html">storm</a> closed the port for four days, the '
        f'<a href="https://www.lanternwire.example/2024/02/11/port-closed-four-days-storm">Lantern Wire reported</a>.</p>'
    )
    links = followed(body)
    assert f"{own}/calendar/harbour-festival-date.html" not in links
    assert "https://www.lanternwire.example/2024/02/11/port-closed-four-days-storm" in links
    # without the keyword linker's other links, a one-word own-site link is judged as before
    alone = (f'<p>It is too early to name the <a href="{own}/calendar/harbour-festival-date.html">date</a> when the '
             f'ferry will sail again, the harbour master said on Monday.</p>')
    assert followed(alone) == {f"{own}/calendar/harbour-festival-date.html"}


def test_a_document_that_asks_is_the_source_of_the_request():
    body = (
        '<p>Thirty councillors signed on to a <a href="https://www.marrowfield.gov.example/papers/2024/ferry-petition.pdf">'
        'petition</a> sent to the transport board on Friday asking it to restore the night crossings.</p>'
        '<p>The harbour master read the <a href="https://www.marrowfield-courier.example/2024/ferry-logs-released">logs</a>, '
        'asking why two crossings had been cancelled.</p>'
        '<p>Fans shared <a href="https://clips.example/v/ferry-protest-clip-march">footage</a> asking why the ferry had not sailed.</p>'
    )
    found = {a["link"]: a for a in attributions(body) if a["link"]}
    petition = found["https://www.marrowfield.gov.example/papers/2024/ferry-petition.pdf"]
    assert (petition["source_name"], petition["kind"]) == ("a petition", "document")
    assert petition["content"] and "restore the night crossings" in \
        analyse_text(body)[petition["content"][0][0]:petition["content"][0][1]]
    # after a comma the participle is the clause subject's; in footage, whoever is filmed asks
    assert not any(a["kind"] == "document" and a["source_name"] in ("logs", "the logs", "footage")
                   for a in attributions(body))


def analyse_text(body: str) -> str:
    html = f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"
    return analyse_input("page.html", html, base_url=BASE)["text"]


def test_describing_and_promising_carry_the_speakers_words():
    body = (
        '<p>The mayor closed the meeting by thanking the crews, <a href="https://www.marrowfield-courier.example/2024/02/10/'
        'mayor-flood-response-finest-hour">describing</a> the flood response as “the finest hour of this city,” and '
        'promising to “<a href="https://www.marrowfield.gov.example/speeches/2024/mayor-address-after-the-floods">rebuild every bridge</a> '
        'by spring.”</p>'
    )
    links = followed(body)
    assert "https://www.marrowfield-courier.example/2024/02/10/mayor-flood-response-finest-hour" in links
    assert "https://www.marrowfield.gov.example/speeches/2024/mayor-address-after-the-floods" in links
