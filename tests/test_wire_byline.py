"""A byline or credit naming a wire service makes the wire the cited source (issue 16), when the
claim sentence itself cites nobody. wire-byline: one agency story carried by five newspapers."""

from __future__ import annotations

import pytest

from tracer import trace
from tracer.fixtures import load_web

WEB = load_web("wire-byline")
CLAIM = WEB.claim
AGENCY = "https://www.nordicpress.example/2024/05/01/tarn-dams-cracks"


@pytest.fixture
def warc(web_warc):
    return web_warc("wire-byline")


@pytest.mark.parametrize("start, cue", [
    ("https://www.lakeshoreherald.example/2024/05/02/tarn-dams-cracked", "byline"),  # "By Nordic Press Agency"
    ("https://www.valleypost.example/news/2024/05/02/dam-inspections", "byline"),  # "Ruth Ferrell, Nordic Press Agency"
    ("https://pineridgecourier.example/region/tarn-dams", "reporting by"),  # "Reporting by ...; editing by ..."
])
def test_an_unlinked_wire_byline_names_the_wire_as_the_source(warc, tmp_path, start, cue):
    result = trace(start, CLAIM, db=str(tmp_path / "t.db"), archives=[warc], offline=True)
    cites = result.hops[0].cites
    assert (cites.source, cites.cue, cites.link) == ("Nordic Press Agency", cue, None)
    assert result.origin.name == "Nordic Press Agency" and result.origin.reason == "unlinked-source"
    verdict = result.extra["credibility"]["verdict"]
    assert verdict.startswith("Traced to a wire service, Nordic Press Agency, named by")
    assert "The page itself is the origin" not in verdict


def test_the_wire_page_stored_earlier_is_found_by_its_name(warc, tmp_path):
    db = str(tmp_path / "t.db")
    trace(AGENCY, CLAIM, db=db, archives=[warc], offline=True)  # tracer has read the agency's story before
    result = trace("https://www.lakeshoreherald.example/2024/05/02/tarn-dams-cracked", CLAIM, db=db,
                   archives=[warc], offline=True)
    assert [h.url for h in result.hops] == ["https://www.lakeshoreherald.example/2024/05/02/tarn-dams-cracked", AGENCY]
    assert result.hops[0].cites.resolved_by == "lookup"
    assert result.hops[1].extra["credibility"]["source_kind"] == "wire-service"


def test_a_linked_byline_is_followed_to_the_wire_story(warc, tmp_path):
    result = trace("https://www.fjordtimes.example/2024/05/02/tarn-dams", CLAIM, db=str(tmp_path / "t.db"),
                   archives=[warc], offline=True)
    assert [h.url for h in result.hops][-1] == AGENCY
    assert result.hops[0].cites.cue == "byline" and result.origin.reason == "no-further-attribution"
    assert "Nordic Press Agency (a wire service)" in result.extra["credibility"]["verdict"]


@pytest.mark.parametrize("start, name", [
    ("https://www.marshgazette.example/2024/05/03/our-dams", "Marsh Gazette"),  # its own reporter: a person
    (AGENCY, "Nordic Press Agency"),  # the agency's own reporter, on its own page
])
def test_a_page_bylined_by_a_person_or_itself_is_its_own_origin(warc, tmp_path, start, name):
    result = trace(start, CLAIM, db=str(tmp_path / "t.db"), archives=[warc], offline=True)
    assert len(result.hops) == 1 and result.hops[0].cites is None
    assert result.origin.name == name and result.origin.reason == "no-further-attribution"


def test_wire_copies_bylined_by_the_wire_are_not_their_own_origin(web_warc, tmp_path):
    copies = load_web("wire-copies")
    start = "https://www.morningcourier.example/news/world/velmar-drought-shipping"  # "By Global Wire", no link
    result = trace(start, copies.claim, db=str(tmp_path / "t.db"), archives=[web_warc("wire-copies")], offline=True)
    assert result.hops[0].cites.source == "Global Wire"
    assert "The page itself is the origin" not in result.extra["credibility"]["verdict"]
