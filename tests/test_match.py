"""Claim matching: paraphrase, numbers as words or digits, currency scales, qualifiers, absence."""

from __future__ import annotations

import pytest

from tracer.read.extract import extract_document
from tracer.claims.match import claim_score, compatible, confidence, find_claim, quantities


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("North Korea stole $2 billion", 2e9, "$"),
        ("took 2bn dollars", 2e9, "$"),
        ("two billion dollars", 2e9, "$"),
        ("US$2,000 million", 2e9, "$"),
        ("€4.2 million", 4.2e6, "€"),
        ("4.2m euros", 4.2e6, "€"),
        ("thirty-five people", 35, None),
        ("two hundred and twelve cases", 212, None),
        ("23 per cent of households", 23, "%"),
        ("23.4% of adults", 23.4, "%"),
        ("almost a quarter of adults", 25, "%"),
        ("one in four adults", 25, "%"),
        ("two-thirds of voters", 200 / 3, "%"),
    ],
)
def test_figures_are_read_as_a_reader_reads_them(text, value, unit):
    found = quantities(text)
    assert len(found) == 1, found
    assert found[0].value == pytest.approx(value) and found[0].unit == unit


@pytest.mark.parametrize(
    "text",
    ["On 14 March 2021 at 10:30", "March 14, the 20th", "two officials said", "Covid-19 and G-7", "in 1998"],
)
def test_dates_times_codes_and_small_words_are_not_figures(text):
    assert quantities(text) == []


def test_qualifiers_make_ranges():
    (more,) = quantities("more than 50 people")
    (around,) = quantities("around 40 people")
    (least,) = quantities("at least 35 cases")
    (exact,) = quantities("35 cases")
    assert (more.qualifier, around.qualifier, least.qualifier, exact.qualifier) == ("more than", "around", "at least", None)
    assert more.phrase == "more than 50" and exact.phrase == "35"
    # 35 vs "around 40" vs "more than 50" is drift ...
    assert not compatible(exact, around) and not compatible(around, more) and not compatible(least, around)
    # ... "23 per cent" vs "23.4%" vs "almost a quarter" is not
    a, b, c = (quantities(t)[0] for t in ("23 per cent", "23.4%", "almost a quarter of"))
    assert compatible(a, b) and compatible(b, c) and compatible(a, c)
    # "approximately $2 billion" is "$2 billion"; "$2 billion" is not 2 billion people
    (approx,) = quantities("approximately $2 billion")
    assert compatible(approx, quantities("$2bn")[0]) and not compatible(approx, quantities("2 billion people")[0])


def test_paraphrase_with_aliases_scales_and_synonyms_is_found():
    doc = extract_document(page(
        "The weather in Pyongyang was mild on Tuesday, and the markets were calm.",
        "Investigators say the DPRK carried out sophisticated hacks to take roughly 2bn dollars from lenders "
        "and cryptocurrency exchanges.",
    ), "https://a.example/x")
    matches = find_claim(doc, "North Korea stole $2 billion from banks and crypto exchanges")
    assert matches and "2bn dollars" in matches[0].text
    assert confidence(matches[0].score) in ("medium", "high")


def test_numbers_as_words_match_digits():
    doc = extract_document(page(
        "Health officials said thirty-five residents of the district had been admitted to hospital.",
        "The district has a population of about 12,000.",
    ), "https://a.example/y")
    matches = find_claim(doc, "35 people were hospitalised in the district")
    assert matches and matches[0].text.startswith("Health officials said thirty-five")


def test_a_drifted_figure_still_carries_the_claim_but_scores_lower():
    claim = "More than 50 people were hospitalised after drinking tap water in Nordvik"
    same = claim_score(claim, "More than 50 people have been hospitalised after drinking tap water in Nordvik.")
    drifted = claim_score(claim, "Around 40 people have been hospitalised after drinking tap water in Nordvik.")
    absent = claim_score(claim, "People have been hospitalised after drinking tap water in Nordvik.")
    assert same > drifted > absent
    assert drifted >= 0.5


def test_a_claim_that_is_not_there_is_not_found():
    doc = extract_document(page(
        "The port authority approved a new ferry timetable on Monday.",
        "Passengers will pay €4 for a single crossing from April.",
    ), "https://a.example/z")
    assert find_claim(doc, "North Korea stole $2 billion from banks and crypto exchanges") == []
    assert find_claim(doc, "The council paid €4.2 million for the dredging survey") == []


def test_a_claim_split_over_two_sentences_is_found_as_a_pair():
    doc = extract_document(page(
        "The council signed the dredging contract in January. It paid Seabed Surveys €4.2 million for the work."
    ), "https://a.example/w")
    matches = find_claim(doc, "The council paid €4.2 million for the dredging contract")
    assert matches
    assert matches[0].text == doc.text  # both sentences
