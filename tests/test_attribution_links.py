"""Which link in an attribution sentence is the citation (issue 15), on small pages of our own:
never a tag, topic, team, search or home page, never a name elsewhere in the sentence; credit
lines over quoted statements; a source's reckoning, a named statement, "based on", a
communication done with a light verb; each linked part of a coordinated source."""

from __future__ import annotations

from tracer.attribution.attribute import extract_attributions
from tracer.page import analyse_input

BASE = "https://www.tarnbydaily.example/news/2023/01/10/story"


def analyse(body: str) -> dict:
    html = f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"
    return analyse_input("page.html", html, base_url=BASE)


def links(body: str) -> dict:
    """{source name: link} for every attribution with a link."""
    return {a["source_name"]: a["link"] for a in analyse(body)["attributions"] if a["link"]}


def followed(body: str) -> set:
    return {a["link"] for a in analyse(body)["attributions"] if a["link"]}


def test_tag_topic_team_and_home_pages_are_not_the_citation():
    body = (
        '<p>Fighting resumed near the border on Monday, and <a href="/tag/veldland">Veldland</a> said it would keep up its'
        ' strikes, while the <a href="/topic/red-cross">Red Cross</a> says the crisis may be the worst in a decade.</p>'
        '<p>Coach Anna Berg believes it would be fair for the keeper to stay at <a href="/sport/teampages/ashby-town.html">Ashby'
        ' Town</a> until May, but admitted <a href="/sport/teampages/tarnby-rovers.html">Tarnby Rovers</a> could recall him.</p>'
        '<p>TARNBY (<a href="https://www.lanternwire.example/">Lantern Wire</a>) — A spokesman says the ferry will not sail'
        ' on Sunday.</p>'
    )
    assert followed(body) == set()


def test_a_name_in_what_is_said_is_not_the_citation_but_the_verb_and_the_outlet_are():
    body = (
        '<p>Rumour has it that the band will release a festive album in the style of <a href="https://video.example/x1y2">'
        'Winter at the Lighthouse</a> before Christmas.</p>'
        '<p>The council will close two libraries, the <a href="https://www.harbourtimes.example/2023/01/09/libraries-to-close">'
        'Harbour Times</a> reports.</p>'
        '<p>Ferry fares will rise by 6% in March, the Associated Press <a href="https://wire.example/a1b2c3d4e5f6">reports</a>.</p>'
    )
    assert followed(body) == {"https://www.harbourtimes.example/2023/01/09/libraries-to-close", "https://wire.example/a1b2c3d4e5f6"}


def test_credit_lines_over_quoted_statements():
    body = (
        '<p>Mira Holt, chief executive of Tarnby Foods on <a href="https://social.example/posts/mira-holt-our-stores-8841">'
        'Socialnet</a></p>'
        '<p>“We will keep every store open through the winter and pay staff in <a href="/category/business/">business</a>'
        ' units in full.”</p>'
        '<p>Jon Voss, Ashby Bank chair to employees via <a href="https://www.ledgersheet.example/2023/01/ashby-bank-memo">'
        'Ledger Sheet</a>:</p>'
        '<p>“No branch will close this year.”</p>'
        '<p>Lena Dahl, head of Vell Air (as excerpted by the <a href="https://www.flightdesk.example/articles/vell-air-memo-2">'
        'Flight Desk</a>)</p>'
        '<p>“Our pilots come first.”</p>'
    )
    got = links(body)
    # names end where the name ends (issue 16): the role after the comma is not part of it
    assert got["Mira Holt"] == "https://social.example/posts/mira-holt-our-stores-8841"
    assert got["Jon Voss"] == "https://www.ledgersheet.example/2023/01/ashby-bank-memo"
    assert got["Lena Dahl"] == "https://www.flightdesk.example/articles/vell-air-memo-2"
    assert "https://www.tarnbydaily.example/category/business/" not in followed(body)  # a category link inside the quote


def test_more_ways_of_crediting_a_source():
    body = (
        '<p>By the <a href="https://www.countdesk.example/2023/visits-tally">Count Desk’s tally</a>, the mayor spent 40 days'
        ' abroad last year.</p>'
        '<p>It follows the port authority’s <a href="https://www.tarnbyport.example/news/night-closures">announcement</a> on'
        ' Friday that it will close the harbour at night.</p>'
        '<p>This column is based on <a href="https://www.ledgersheet.example/2022/12/harbour-essay">an essay</a> the author'
        ' wrote last year.</p>'
        '<p>Already, dockworkers have issued a similar <a href="https://www.harbourtimes.example/2023/01/dock-strike-vote">'
        'threat</a>, raising the prospect of a strike.</p>'
        '<p>The ministry has encouraged <a href="https://www.ministry.example/guidance/remote-work-2023">employers</a> to let'
        ' staff work from home.</p>'
        '<p>The rate was 4.1 per cent, according to data compiled from <a href="https://stats.example/census-table-4">census'
        ' records</a> and <a href="https://police.example/crime-records/2022">police crime records</a>.</p>'
    )
    assert followed(body) == {
        "https://www.countdesk.example/2023/visits-tally",
        "https://www.tarnbyport.example/news/night-closures",
        "https://www.ledgersheet.example/2022/12/harbour-essay",
        "https://www.harbourtimes.example/2023/01/dock-strike-vote",
        "https://www.ministry.example/guidance/remote-work-2023",
        "https://stats.example/census-table-4",
        "https://police.example/crime-records/2022",
    }


def test_the_sources_of_the_new_rules():
    def first(text):
        return [(a.source_name, a.kind) for a in extract_attributions(text)][:1]

    assert first("By Harbour Watch's count, 12 ferries were late in May.")[0][0] == "Harbour Watch"
    assert first("By Friday's count the total was 12.") == []
    assert first("The council's announcement on Monday that it will sell the pier surprised many.")[0][0] == "council"
    assert first("Ferry fares rose again, the Associated Press reports.") == [("Associated Press", "outlet")]
    assert first("The rumours spread, according to press reports.") == [("press reports", "document")]
    assert first("The company made a profit of 3 million last year.") == []


def test_a_story_on_something_else_in_what_is_said_is_background():
    body = (
        '<p>The fire chief has praised the rescue, but says two <a href="/2023/01/05/harbour-bridge-reopens-after-repairs-8812">'
        'crews from the northern stations</a> arrived too late.</p>'
        '<p>This follows the port’s announcement that it will <a href="/2023/01/08/port-to-close-harbour-at-night-9921">close'
        ' the harbour at night</a>.</p>'
    )
    assert followed(body) == {"https://www.tarnbydaily.example/2023/01/08/port-to-close-harbour-at-night-9921"}
