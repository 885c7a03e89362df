"""Claim matching (issue 13): one matcher, by meaning and figures, with a public API.

Paraphrases with other words, clauses in another order and figures written another way are
found; a sentence with another figure, or the negation, or on another subject is not.
"""

from __future__ import annotations

import pytest

import tracer
from tracer.claims import semantic
from tracer.claims.match import (CLAIM_THRESHOLD, chosen_match, claim_problem, claim_score, claim_scores,
                                 closest_sentences, compatible, find_claim, quantities)
from tracer.read.extract import extract_document


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"


def test_the_public_api():
    assert tracer.CLAIM_THRESHOLD == CLAIM_THRESHOLD and 0 < CLAIM_THRESHOLD < 1
    scores = tracer.claim_scores("The ferry company raised fares by a fifth",
                                 ["Tickets on the ferry now cost 20% more, the operator said.",
                                  "The weather on the lake was calm all week."])
    assert len(scores) == 2 and all(isinstance(s, float) for s in scores)
    assert scores[0] >= CLAIM_THRESHOLD > scores[1]
    assert claim_scores("anything at all", []) == []


@pytest.mark.parametrize(
    "claim, sentence",
    [
        # other words for the same thing
        ("Police detained a girl of sixteen after the warehouse fire",
         "A 16-year-old girl has been arrested following the blaze at the warehouse."),
        ("Over a third of village post offices have shut since 2010",
         "One in three rural post offices has closed its doors since 2010, the report found."),
        # the clauses the other way round
        ("After the floods, the council closed the riverside path for a month",
         "The riverside path was shut by the council for a month when the floods came."),
        # figures written another way
        ("The museum received €250 000 from the lottery fund",
         "The lottery fund gave the museum a quarter of a million euros."),
        ("Ticket sales reached 1.2m last season", "Last season the club sold 1,200,000 tickets."),
        ("The crew was called out twelve times in July", "In July the crew was called out 12 times."),
        ("More than a million commuters use the tram each week",
         "Over 1m commuters ride the tram every week, the operator says."),
    ],
)
def test_a_paraphrase_carries_the_claim(claim, sentence):
    assert claim_score(claim, sentence) >= CLAIM_THRESHOLD, claim_score(claim, sentence)


@pytest.mark.parametrize(
    "claim, sentence",
    [
        # another subject, sharing a figure
        ("The airline cut 250 000 seats from its winter timetable",
         "The town council of Holmvik handed a grant of €250 000 to the sailing club."),
        ("The council approved 40 percent more libraries",
         "Shipping through the strait fell 40 percent after the drought."),
        # another figure of the same kind
        ("The museum received €400 000 from the lottery fund",
         "The lottery fund gave the museum a quarter of a million euros."),
        # the negation
        ("The inspectors found no faults in the bridge",
         "The inspectors found three serious faults in the bridge."),
    ],
)
def test_a_sentence_that_says_something_else_does_not(claim, sentence):
    assert claim_score(claim, sentence) < CLAIM_THRESHOLD, claim_score(claim, sentence)


def test_a_wrong_figure_is_found_but_marked_not_the_claim():
    doc = extract_document(page(
        "The weather on the coast was mild this week.",
        "The lottery fund gave the harbour museum a quarter of a million euros for its new wing.",
    ), "https://a.example/museum")
    (found,) = find_claim(doc, "The harbour museum got €400 000 from the lottery fund")
    assert "quarter of a million" in found.text
    assert found.mismatch == ["figure: the claim says “€400 000”, the page “a quarter of a million euros”"]
    assert find_claim(doc, "The harbour museum got €250,000 from the lottery fund")[0].mismatch == []


def test_a_denied_claim_is_found_but_marked_not_the_claim():
    doc = extract_document(page("Inspectors found three serious faults in the Aldbury bridge on Monday."),
                           "https://a.example/bridge")
    (found,) = find_claim(doc, "Inspectors found no faults in the Aldbury bridge")
    assert found.mismatch == ["negation: the page says the opposite of the claim"]


def test_stopping_something_is_its_negation():
    doc = extract_document(page("The Kelby swimming pool is going to stop opening on Sundays from January."),
                           "https://a.example/pool")
    (found,) = find_claim(doc, "From January the Kelby pool won't be open on Sundays any more")
    assert found.mismatch == []  # "stop opening" says what "won't be open" says
    (denied,) = find_claim(doc, "From January the Kelby pool will be open on Sundays")
    assert denied.mismatch == ["negation: the page says the opposite of the claim"]


def test_a_claim_split_over_two_sentences_is_found_as_a_pair():
    doc = extract_document(page(
        "The harbour board signed the dredging contract in March. It will pay Seabed Works €3.5 million for the job."
    ), "https://a.example/w")
    matches = find_claim(doc, "The harbour board will pay €3.5 million for the dredging contract")
    assert matches and matches[0].text == doc.text  # both sentences


def test_a_claim_that_is_not_there_is_not_found_and_the_closest_are_offered():
    doc = extract_document(page(
        "The port authority approved a new ferry timetable on Monday.",
        "Passengers will pay €4 for a single crossing from April.",
        "The night ferry will stop running in winter.",
    ), "https://a.example/z")
    claim = "The regional airport will close its second runway"
    assert find_claim(doc, claim) == []
    near = closest_sentences(doc, claim)
    assert len(near) == 3 and all(m.score < CLAIM_THRESHOLD for m in near)
    assert near[0].score >= near[1].score >= near[2].score
    # a person may say which sentence the claim is: by its number (1-based) or by words from it
    chosen = chosen_match(doc, claim, sentence=2)
    assert chosen is not None and chosen.text.startswith("Passengers will pay")
    assert chosen_match(doc, claim, quote="the NIGHT ferry will  stop").text.startswith("The night ferry")
    assert chosen_match(doc, claim, sentence=9) is None and chosen_match(doc, claim, quote="no such words") is None


def test_a_one_word_claim_is_too_short_to_match():
    assert claim_problem("lifeboat") and claim_problem("the") and not claim_problem("Lifeboat crews rescued 40 people")


def test_without_the_model_words_and_figures_still_match(monkeypatch):
    monkeypatch.setenv("TRACER_CLAIM_MODEL", "off")
    semantic.reset()
    try:
        assert claim_score("The museum received €250 000 from the lottery fund",
                           "The lottery fund gave the museum €250,000.") >= CLAIM_THRESHOLD
        assert claim_score("The museum received €250 000 from the lottery fund",
                           "The weather on the lake was calm all week.") < CLAIM_THRESHOLD
    finally:
        monkeypatch.delenv("TRACER_CLAIM_MODEL")
        semantic.reset()


def test_the_model_files_are_checked_at_load(tmp_path, monkeypatch):
    model = semantic.SentenceModel()  # the shipped files pass their sha256 check
    vectors = model.encode(["a grant for the lifeboat crew", "the crew got money"])
    assert vectors.shape == (2, 384)
    altered = tmp_path / "model"
    altered.mkdir()
    (altered / "model.onnx").write_bytes((semantic.MODEL_DIR / "model.onnx").read_bytes()[:-10] + b"0" * 10)
    (altered / "vocab.txt").write_bytes((semantic.MODEL_DIR / "vocab.txt").read_bytes())
    with pytest.raises(semantic.ClaimModelError, match="sha256"):
        semantic.SentenceModel(altered)
    monkeypatch.setenv("TRACER_CLAIM_MODEL", str(tmp_path / "nowhere"))
    semantic.reset()
    try:
        with pytest.raises(semantic.ClaimModelError, match="no such folder"):
            claim_score("a claim with words", "a sentence with words")
    finally:
        monkeypatch.delenv("TRACER_CLAIM_MODEL")
        semantic.reset()


def test_the_tokenizer_gives_bert_word_pieces():
    tok = semantic.sentence_model().tokenizer
    # ids of bert-base-uncased's vocabulary: [CLS] lifeboat -> life ##boat, accents stripped, punctuation split
    ids = tok.encode("Lifeboat café, €250!")
    vocab = {i: t for t, i in tok.ids.items()}
    assert [vocab[i] for i in ids] == ["[CLS]", "lifeboat", "cafe", ",", "€", "##25", "##0", "!", "[SEP]"] or \
        [vocab[i] for i in ids][:3] == ["[CLS]", "life", "##boat"]
    assert ids[0] == 101 and ids[-1] == 102
    assert len(tok.encode("word " * 500)) == semantic.MAX_TOKENS


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("North Korea stole $2 billion", 2e9, "$"),
        ("took 2bn dollars", 2e9, "$"),
        ("two billion dollars", 2e9, "$"),
        ("US$2,000 million", 2e9, "$"),
        ("€4.2 million", 4.2e6, "€"),
        ("4.2m euros", 4.2e6, "€"),
        ("€250 000 for the club", 2.5e5, "€"),
        ("a quarter of a million euros", 2.5e5, "€"),
        ("half a billion dollars", 5e8, "$"),
        ("1.2m tickets", 1.2e6, None),
        ("more than a million people", 1e6, None),
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
    ["On 14 March 2021 at 10:30", "March 14, the 20th", "two officials said", "Covid-19 and G-7", "in 1998",
     "the 3yearold", "a 4G mast"],
)
def test_dates_times_codes_lengths_and_small_words_are_not_figures(text):
    assert quantities(text) == []


def test_metres_are_not_millions():
    assert [q.value for q in quantities("a 5m high wall")] == [5] and [q.value for q in quantities("5 m")] == [5]


def test_small_number_words_are_soft_figures():
    (twelve,) = quantities("called out twelve times", soft=True)
    assert twelve.value == 12 and twelve.soft


def test_qualifiers_make_ranges():
    (more,) = quantities("more than 50 people")
    (around,) = quantities("around 40 people")
    (least,) = quantities("at least 35 cases")
    (exact,) = quantities("35 cases")
    assert (more.qualifier, around.qualifier, least.qualifier, exact.qualifier) == ("more than", "around", "at least", None)
    assert more.phrase == "more than 50" and exact.phrase == "35"
    assert not compatible(exact, around) and not compatible(around, more) and not compatible(least, around)
    a, b, c = (quantities(t)[0] for t in ("23 per cent", "23.4%", "almost a quarter of"))
    assert compatible(a, b) and compatible(b, c) and compatible(a, c)
    (approx,) = quantities("approximately $2 billion")
    assert compatible(approx, quantities("$2bn")[0]) and not compatible(approx, quantities("2 billion people")[0])
