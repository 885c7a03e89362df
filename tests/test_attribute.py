"""Attribution extraction: the seed story and short sentences written for these tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracer.attribution.attribute import attributions_for, canonical_source, extract_attributions
from tracer.models import Link
from tracer.read.sentences import split_paragraphs, split_sentences

SHARED = Path(os.environ.get("TRACER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SEEDS = SHARED / "seeds"


def spans_text(text, spans):
    return " ".join(text[s:e] for s, e in spans)


def by_source(text, atts, source):
    """The attributions whose source span reads `source`."""
    return [a for a in atts if " ".join(spans_text(text, a.source).split()) == source]


def covering(text, atts, phrase):
    """The attributions whose content covers the phrase."""
    at = text.index(phrase)
    return [a for a in atts if any(s <= at and at + len(phrase) <= e for s, e in a.content)]


def one(items):
    assert len(items) == 1, items
    return items[0]


def seed(prefix):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found in {SEEDS} (set TRACER_SHARED)")
    path = next(SEEDS.glob(prefix + "_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return path.read_text(encoding="utf-8")


# --- the seed story -----------------------------------------------------------------------


def test_seed_003_according_to_reuters_with_nested_report():
    text = seed("003")
    atts = extract_attributions(text)
    reuters = one([a for a in atts if a.source_name == "Reuters" and spans_text(text, a.cue) == "According to"])
    assert spans_text(text, reuters.source) == "the message\nReuters"
    assert reuters.kind == "outlet"
    inner = [a for a in covering(text, atts, "the DPRK carried out") if a is not reuters]
    report = one(inner)
    assert report.kind == "document"
    assert report.source_name == "a report by independent experts"
    assert spans_text(text, report.cue) == "says"
    assert spans_text(text, report.content).startswith("that the DPRK carried out")
    assert report.parent == atts.index(reuters)
    # the Reuters content covers the whole attributed clause, the report included
    assert spans_text(text, reuters.content).startswith("a report created by")
    assert "steal approximately $2 billion" in spans_text(text, reuters.content)


def test_seed_003_other_sources():
    text = seed("003")
    atts = extract_attributions(text)
    group_ib = one(by_source(text, atts, "Group-IB"))
    assert group_ib.kind == "organisation"
    assert spans_text(text, group_ib.cue) == "claimed"
    assert "Lazarus stole $571 million" in spans_text(text, group_ib.content)

    east = one(covering(text, atts, "attempted a phishing attack"))
    assert east.source_name == "East Security"
    assert east.kind == "organisation"
    assert spans_text(text, east.content).startswith("North Korean hackers")

    agency = one(by_source(text, atts, "The Reuters news agency"))
    assert agency.source_name == "Reuters" and agency.kind == "outlet"
    assert spans_text(text, agency.cue) == "reported"

    un = one(covering(text, atts, "North Korea finances the development of weapons"))
    assert un.kind == "document" and "UN report" in un.source_name

    report = one(by_source(text, atts, "The UN report"))
    assert report.kind == "document"
    assert "generate income" in spans_text(text, report.content)

    hunted = one(covering(text, atts, "hackers are hunting"))
    assert hunted.source == [] and hunted.source_name is None  # "it was also reported"


def test_seed_000_reuters_report():
    text = seed("000")
    atts = extract_attributions(text)
    un = one([a for a in atts if a.kind == "document" and "used" in spans_text(text, a.content)[:40]])
    assert spans_text(text, un.source) == "a United Nations (UN) confidential report"
    assert un.source_name == "a UN confidential report"
    assert spans_text(text, un.cue) == "showed"
    assert spans_text(text, un.content).startswith("that North Korea used")

    experts = one(by_source(text, atts, "The experts"))
    assert spans_text(text, experts.cue) == "said"
    assert experts.kind == "person"

    report = one(by_source(text, atts, "The report"))
    assert report.source_name == "a UN confidential report"  # the definite description resolved
    assert spans_text(text, report.content) == "they also use cyberspace to launder money"

    according = one(by_source(text, atts, "UN experts"))
    assert spans_text(text, according.cue) == "According to"
    assert "create revenue in ways" in spans_text(text, according.content)

    spokesman = one(by_source(text, atts, "a US State Department spokesman"))
    assert spokesman.kind == "anonymous"
    quote = spans_text(text, spokesman.content)
    assert quote.startswith('"We call on all reliable countries')  # the next paragraph
    assert quote.rstrip().endswith('missile programs."')


def test_seed_000_title_colon_lead():
    text = seed("000")
    atts = extract_attributions(text)
    first, second = atts[0], atts[1]
    assert first.source_name == "Reuters" and spans_text(text, first.cue) == ":"
    assert second.source_name == "UN report" and second.parent == 0


# --- short sentences -----------------------------------------------------------------------


def check(text, source, cue, content, **fields):
    atts = extract_attributions(text)
    match = [a for a in atts if spans_text(text, a.cue) == cue]
    assert match, [(spans_text(text, a.source), spans_text(text, a.cue)) for a in atts]
    a = match[0]
    assert spans_text(text, a.source) == source
    assert spans_text(text, a.content) == content
    for k, v in fields.items():
        assert getattr(a, k) == v, (k, getattr(a, k))
    return a


def test_forward_said_that():
    check("The minister said that taxes would rise next year.", "The minister", "said", "that taxes would rise next year")


def test_inverted_source_after_content():
    check("Taxes will rise next year, the minister said.", "the minister", "said", "Taxes will rise next year")


def test_inverted_cue_before_source():
    check("Taxes will rise next year, said Anna Berg.", "Anna Berg", "said", "Taxes will rise next year", kind="person")


def test_quote_then_speaker():
    text = "“We were there legitimately,” Figueroa told the paper."
    check(text, "Figueroa", "told", "“We were there legitimately,”")


def test_split_quote_is_one_discontinuous_content():
    text = "“It is over,” she said. “We lost.”"
    a = check(text, "she", "said", "“It is over,” “We lost.”")
    text2 = "“It is over,” she said, “and we lost.”"
    atts = extract_attributions(text2)
    assert [text2[s:e] for s, e in atts[0].content] == ["“It is over,”", "“and we lost.”"]


def test_according_to_at_end():
    check("The plant closed in May, according to company filings.", "company filings", "according to", "The plant closed in May", kind="document")


def test_told_hearer_is_skipped():
    check("Smith told Reuters that the deal was off.", "Smith", "told", "that the deal was off")


def test_appositive_subject():
    check(
        "Mary Jones, a spokeswoman for the agency, said the data were wrong.",
        "Mary Jones, a spokeswoman for the agency",
        "said",
        "the data were wrong",
    )


def test_anonymous_sources():
    a = check("The talks collapsed on Friday, sources familiar with the matter said.", "sources familiar with the matter", "said", "The talks collapsed on Friday")
    assert a.kind == "anonymous"


def test_internal_state():
    check("Clinton believes the economy is improving.", "Clinton", "believes", "the economy is improving")


def test_colon_lead_in_next_paragraph_quote():
    text = "The senator added:\n\n“This bill is dead. Nobody will vote for it.”\n\nThe vote is on Monday."
    a = check(text, "The senator", "added:", "“This bill is dead. Nobody will vote for it.”")
    assert a.kind == "person"


def test_multi_paragraph_quote():
    text = "He said: “First paragraph of the quote.\n\n“Second paragraph, still quoting.”\n\nNarration."
    a = check(text, "He", "said:", "“First paragraph of the quote.\n\n“Second paragraph, still quoting.”")


def test_citing_is_nested():
    text = "Reuters, citing two officials, reported that the talks had failed."
    atts = extract_attributions(text)
    outer = one(by_source(text, atts, "Reuters"))
    inner = one(by_source(text, atts, "two officials"))
    assert inner.parent == atts.index(outer)
    assert inner.kind == "anonymous"
    assert spans_text(text, inner.content) == spans_text(text, outer.content) == "that the talks had failed"


def test_pronoun_carries_the_earlier_name():
    text = "Anna Berg said the plan had failed. She added that a new one was ready."
    atts = extract_attributions(text)
    assert atts[1].source_name == "Anna Berg" and atts[1].kind == "person"


def test_passive_report_has_no_source():
    text = "It was reported that the bank had closed."
    a = one(extract_attributions(text))
    assert a.source == [] and spans_text(text, a.cue) == "was reported"


def test_dateline():
    text = "LONDON (Reuters) - The bank raised rates on Thursday."
    a = extract_attributions(text)[0]
    assert a.source_name == "Reuters" and a.kind == "outlet"
    assert spans_text(text, a.content) == "The bank raised rates on Thursday"


def test_link_prefers_the_source_name():
    text = "According to Reuters, the deal is off, as the ministry said."
    links = [Link("https://example.org/ministry", "ministry", text.index("ministry"), text.index("ministry") + 8),
             Link("https://reuters.com/x", "Reuters", 13, 20)]
    atts = extract_attributions(text, links=links)
    assert atts[0].link == "https://reuters.com/x"


def test_link_on_the_cue():
    text = "The Guardian reported that the deal is off."
    start = text.index("reported")
    a = extract_attributions(text, links=[Link("https://guardian.example/a", "reported", start, start + 8)])[0]
    assert a.link == "https://guardian.example/a"


def test_no_cue_no_attribution():
    assert extract_attributions("The sun rose over the hills. Birds sang.") == []


def test_canonical_names():
    assert canonical_source("the message Reuters") == ("Reuters", "outlet")
    assert canonical_source("The Reuters news agency") == ("Reuters", "outlet")
    assert canonical_source("data provided by East Security") == ("East Security", "organisation")
    assert canonical_source("sources familiar with the matter")[1] == "anonymous"
    assert canonical_source("The New York Times") == ("New York Times", "outlet")


def test_json_shape():
    rows = attributions_for("The minister said that taxes would rise.")
    assert set(rows[0]) == {"source", "cue", "content", "source_name", "kind", "link", "parent"}
    assert rows[0]["source"] == [[0, 12]]


def test_sentence_splitter_keeps_abbreviations():
    text = "Mr. Smith went to Washington, D.C. on Monday. He met U.S. officials.\n\nNew paragraph here."
    sents = split_sentences(text)
    assert [text[s.start:s.end] for s in sents] == [
        "Mr. Smith went to Washington, D.C. on Monday.",
        "He met U.S. officials.",
        "New paragraph here.",
    ]
    assert [s.paragraph for s in sents] == [0, 0, 1]
    assert split_paragraphs("a\n\n\nb") == [(0, 1), (4, 5)]


def test_transcript_speaker_label_runs_to_paragraph_end():
    text = "WALLACE: Let us start with the news. The debate is tomorrow.\n\nPENCE: Thank you."
    atts = extract_attributions(text)
    assert spans_text(text, atts[0].source) == "WALLACE" and spans_text(text, atts[0].cue) == ":"
    assert spans_text(text, atts[0].content) == "Let us start with the news. The debate is tomorrow"
    assert atts[0].kind == "person"


def test_quote_signed_with_a_dash():
    text = "“He is a bully. He will lose.” ― Veronica Cruz"
    a = one(extract_attributions(text))
    assert a.source_name == "Veronica Cruz" and spans_text(text, a.content) == "“He is a bully. He will lose.”"


def test_asked_question_has_no_source():
    text = "Asked whether he would run again, the senator said no."
    atts = extract_attributions(text)
    asked = one([a for a in atts if spans_text(text, a.cue) == "Asked"])
    assert asked.source == [] and spans_text(text, asked.content) == "whether he would run again"


def test_in_a_poll_is_the_source():
    text = "In a CNN poll released Sunday, Clinton led Trump by four points."
    a = one(extract_attributions(text))
    assert spans_text(text, a.source) == "a CNN poll released Sunday" and a.kind == "document"
    assert spans_text(text, a.content) == "Clinton led Trump by four points"


def test_contraction_is_not_part_of_the_subject():
    text = "He doesn't think the bill will pass."
    a = one(extract_attributions(text))
    assert spans_text(text, a.source) == "He" and spans_text(text, a.cue) == "doesn't think"


def test_and_said_shares_the_subject():
    text = "Graham called Trump “crazy” and said the party would lose."
    atts = extract_attributions(text)
    said = one([a for a in atts if spans_text(text, a.cue) == "said"])
    assert spans_text(text, said.source) == "Graham" and spans_text(text, said.content) == "the party would lose"


def test_quote_paragraph_continues_the_speaker():
    text = "“We lost,” he said.\n\n“We will be back next year.”\n\nThe season is over."
    a = one(extract_attributions(text))
    assert [text[s:e] for s, e in a.content] == ["“We lost,”", "“We will be back next year.”"]


def test_one_line_paragraphs():
    text = "The vote failed.\n“It is over,” she said.\nThe end"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["The vote failed.", "“It is over,” she said.", "The end"]
    # a line break inside a sentence is wrapping, not a paragraph
    assert len(split_paragraphs("According to the message\nReuters, a report says so.")) == 1


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_attributions_jsonl_text_and_html(tmp_path):
    import json

    from click.testing import CliRunner

    from tracer.cli import cli

    txt = tmp_path / "a.txt"
    txt.write_text("The minister said that taxes would rise.\n\nNothing here.", encoding="utf-8")
    html = tmp_path / "b.html"
    html.write_text(
        "<html><body><article><p>According to <a href='/r'>Reuters</a>, the talks failed on Monday "
        "after a long night of negotiations in the capital.</p></article></body></html>",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["attributions", "--text", str(txt), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[0])
    assert row["file"] == str(txt) and row["text"] == txt.read_text(encoding="utf-8")
    assert row["attributions"][0]["source"] == [[0, 12]] and row["attributions"][0]["kind"] == "person"

    result = runner.invoke(cli, ["attributions", str(html), "--base-url", "https://news.example/x", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[0])
    a = row["attributions"][0]
    assert a["source_name"] == "Reuters" and a["link"] == "https://news.example/r"
    assert row["text"][a["source"][0][0] : a["source"][0][1]] == "Reuters"

    result = runner.invoke(cli, ["attributions", str(tmp_path / "missing.html")])
    assert result.exit_code != 0 and "missing.html" in result.output


# --- misses found while tracing real stories (each a real news phrasing) -------------------


def test_organisation_records_a_figure():
    text = "The Ministry of Health has recorded 35 confirmed cases of Varn fever in the region."
    a = check(text, "The Ministry of Health", "has recorded", "35 confirmed cases of Varn fever in the region")
    assert a.source_name == "Ministry of Health" and a.kind == "organisation"
    # a person or a band recording something reports nothing
    assert extract_attributions("The band recorded three albums in Nordvik.") == []
    assert extract_attributions("Smith recorded 35 songs that year.") == []


def test_said_in_a_statement_after_the_content():
    text = "Around 40 people have been taken ill, the city council said in a statement."
    a = check(text, "the city council", "said in a statement", "Around 40 people have been taken ill")
    assert a.kind == "organisation"


def test_said_in_its_report_is_not_the_content():
    text = "Cases rose by a third in March, the Eastern Health Board said in its monthly report."
    check(text, "the Eastern Health Board", "said", "Cases rose by a third in March", kind="organisation")


def test_reported_at_the_time_is_not_the_content():
    text = "The mayor denied any wrongdoing, the Harbour Times reported at the time."
    a = check(text, "the Harbour Times", "reported", "The mayor denied any wrongdoing", kind="outlet")
    denied = one([b for b in extract_attributions(text) if spans_text(text, b.cue) == "denied"])
    assert spans_text(text, denied.content) == "any wrongdoing"  # the outlet's words end before it


def test_as_outlet_first_reported():
    text = "The plant was closed in 2019, as the Harbour Times first reported on Friday."
    a = check(text, "the Harbour Times", "first reported", "The plant was closed in 2019", kind="outlet")
    assert a.source_name == "Harbour Times"


def test_outlet_reports_at_the_end():
    text = "The deal is worth 2 million crowns, Pulse Digest reports."
    check(text, "Pulse Digest", "reports", "The deal is worth 2 million crowns", kind="outlet")


def test_as_outlet_revealed():
    text = "The mayor had hidden the losses, as Town Talk revealed last month."
    check(text, "Town Talk", "revealed", "The mayor had hidden the losses", kind="outlet")


def test_dateline_with_a_multi_word_agency():
    text = "OSLOVIK, March 3 (Nordic Wire Agency) - The central bank raised rates on Thursday."
    a = one(extract_attributions(text))
    assert spans_text(text, a.source) == "Nordic Wire Agency"
    assert a.source_name == "Nordic Wire Agency" and a.kind == "outlet"
    assert spans_text(text, a.content) == "The central bank raised rates on Thursday"


def test_first_reported_by_an_outlet():
    text = "The figures were first reported by the Coastal Courier earlier this week."
    a = check(text, "the Coastal Courier", "were first reported by", "The figures", kind="outlet")
    assert a.source_name == "Coastal Courier"


def test_document_names_keep_who_made_or_holds_them():
    assert canonical_source("council accounts obtained by the Nordvik Herald") == (
        "council accounts obtained by the Nordvik Herald", "document")
    assert canonical_source("a report created by “independent experts” and submitted to the UN")[0] == "a report by independent experts"


def test_outlet_and_organisation_words_beat_person():
    for name in ("Nordwire", "Town Talk", "Radio Nordvik", "the Daily Ledger", "the Harbour Times", "Nordic Wire Agency"):
        assert canonical_source(name)[1] == "outlet", name
    for name in ("Statistics Meridia", "the Ministry of Health", "the Eastern Health Board", "the Post Office"):
        assert canonical_source(name)[1] == "organisation", name
    assert canonical_source("Press Secretary Josh Earnest")[1] == "person"


def test_sentence_splitter_single_letter_before_a_new_sentence():
    text = "Most were deficient in vitamin D. Deficiency was common among the elderly."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Most were deficient in vitamin D.", "Deficiency was common among the elderly."]
    for kept in ("He met John F. Kennedy in 1960.", "The book by J. R. R. Tolkien sold well.",
                 "The column by E. Jean Carroll ran on Monday."):
        assert len(split_sentences(kept)) == 1, kept


# --- recall on news phrasing: impressions, appositives, titles -----------------------------


def test_impressions_have_no_source():
    text = "The statistics, which nobody has checked, appear to be fabricated."
    a = one(extract_attributions(text))
    assert a.source == [] and spans_text(text, a.cue) == "appear"
    assert [text[s:e] for s, e in a.content] == ["The statistics", "to be fabricated"]
    text = "Trump is expected to deliver a victory speech later tonight."
    a = one(extract_attributions(text))
    assert a.source == [] and spans_text(text, a.cue) == "is expected"
    assert [text[s:e] for s, e in a.content] == ["Trump", "to deliver a victory speech later tonight"]
    text = "New Hampshire seems stable, but that could change."
    a = one(extract_attributions(text))
    assert [text[s:e] for s, e in a.content] == ["New Hampshire", "stable"]
    # showing up somewhere is not an impression
    assert extract_attributions("He appeared on Fox News on Sunday.") == []


def test_hedged_speech_keeps_the_speaker():
    check("Mr. Cruz seemed to mock his vague tough talk.", "Mr. Cruz", "seemed to mock", "his vague tough talk")


def test_subject_with_a_relative_clause_or_an_interruption():
    check("Humphrey, who calls Trump a “sociopath,” said he doubts the plan.", "Humphrey", "said", "he doubts the plan")
    check("Sanders, meanwhile, who sits at zero endorsements, said that fact speaks volumes.", "Sanders", "said", "that fact speaks volumes")
    check("Clinton, during a town hall meeting in Columbus, Ohio, said she would close the mines.", "Clinton", "said", "she would close the mines")
    check("Kasich (who has 25 delegates) said it is possible.", "Kasich (who has 25 delegates)", "said", "it is possible", source_name="Kasich")
    text = "Mr. Leenders, who estimated that a third of the workers backed Trump, said he voted for Obama."
    check(text, "Mr. Leenders", "said", "he voted for Obama")
    check(text, "who", "estimated", "that a third of the workers backed Trump", source_name="Mr. Leenders")


def test_inverted_source_with_a_title_in_lower_case():
    check('"It is a yellow light," said election lawyer Joe Birkenstock.', "election lawyer Joe Birkenstock", "said", '"It is a yellow light,"', kind="person")
    a = check('"I will not say it is a mistake," said retired neurosurgeon Ben Carson, asked about his claims.',
              "retired neurosurgeon Ben Carson", "said", '"I will not say it is a mistake,"')
    assert a.source_name == "retired neurosurgeon Ben Carson"
    text = '"It is not normal," said Weaver, who said executives often fail to understand that.'
    check(text, "Weaver", "said", '"It is not normal,"')
    who = one(by_source(text, extract_attributions(text), "who"))
    assert who.source_name == "Weaver" and spans_text(text, who.content) == "executives often fail to understand that"


def test_verb_groups_and_quantities():
    check("He's said he gets his ideas from a novel.", "He", "'s said", "he gets his ideas from a novel")
    check("Gore's friends have in the past said he was staying quiet.", "Gore's friends", "have in the past said", "he was staying quiet")
    check("About four in 10 said they were angry.", "About four in 10", "said", "they were angry")
    check("A woman asked for a photo and Clinton said, “as long as it is legal.”", "Clinton", "said", "“as long as it is legal.”")


def test_intentions_are_attributions_of_the_main_clause():
    check("Trump wants to build a wall.", "Trump", "wants", "to build a wall")
    check("The campaign is planning to spend $20 million.", "The campaign", "is planning", "to spend $20 million")
    # inside what someone else reports, a belief or an intention is part of the report
    text = "Reuters reported that Smith wants to sell the bank."
    assert [spans_text(text, a.cue) for a in extract_attributions(text)] == ["reported"]
    text = "Voters who want to ban the tax said it was unfair."
    assert [spans_text(text, a.cue) for a in extract_attributions(text)] == ["said"]


def test_questions_put_to_someone():
    text = "When asked by a reporter whether the plan had failed, Trump said nothing."
    asked = one([a for a in extract_attributions(text) if spans_text(text, a.cue) == "asked"])
    assert spans_text(text, asked.source) == "a reporter" and spans_text(text, asked.content) == "whether the plan had failed"
    check("Sanders was asked by host John Dickerson whether his aim was similar.", "host John Dickerson", "was asked", "whether his aim was similar")
    check("A desperate HP asked workers to sign up for a pay cut.", "A desperate HP", "asked", "workers to sign up for a pay cut")
    check("The defense asked for a sentence of three years.", "The defense", "asked for", "a sentence of three years")
    a = check("Whenever asked about her weaknesses, they shifted topics.", "", "asked", "about her weaknesses")
    assert a.source == []


def test_headline_name_and_colon():
    text = "Lynch: No outside influence on FBI probe into Clinton emails."
    check(text, "Lynch", ":", "No outside influence on FBI probe into Clinton emails", kind="person")
    assert extract_attributions("Star Wars Jedi: Fallen Order is out.") == []


def test_topics_and_phrases():
    check("His family and friends talked glowingly about his character.", "His family and friends", "talked glowingly about", "his character")
    check("Blackwell pointed to Cruz's organizational capabilities.", "Blackwell", "pointed to", "Cruz's organizational capabilities")
    check("D'Souza went on to explain that the commitment is unrelenting.", "D'Souza", "went on to explain", "that the commitment is unrelenting")
    check("Sanders has made clear that he expects an attack.", "Sanders", "has made clear", "that he expects an attack")
    check("Obama will make the case that Clinton is qualified.", "Obama", "will make the case", "that Clinton is qualified")
    check("Blackwell also took a shot at Hillary Clinton.", "Blackwell", "also took a shot at", "Hillary Clinton")
    check("Democrats opposed the bill because it fell short.", "Democrats", "opposed", "the bill")
    assert extract_attributions("Sanders spoke to reporters on Monday.") == []
    assert extract_attributions("The peace talks about the border failed.") == []


def test_signed_quotes_one_a_line():
    text = ("“He can’t even answer a question. And he is obsessed with Mexico.” ― Esther Tapia\n"
            "“The most unqualified child to ever run for president.” ― Francisco Herrero")
    atts = extract_attributions(text)
    assert [(a.source_name, spans_text(text, a.content)) for a in atts] == [
        ("Esther Tapia", "“He can’t even answer a question. And he is obsessed with Mexico.”"),
        ("Francisco Herrero", "“The most unqualified child to ever run for president.”"),
    ]


def test_quote_goes_on_after_a_mid_sentence_quote():
    text = "But at Carrier, ''we all worked hard,'' he said. ''And now they throw us under the bus?''"
    a = one(extract_attributions(text))
    assert [text[s:e] for s, e in a.content] == ["But at Carrier, ''we all worked hard,''", "''And now they throw us under the bus?''"]


def test_documents_show_and_more_verb_groups():
    check("But leaked documents from his 1995 tax return show he took a huge loss.",
          "leaked documents from his 1995 tax return", "show", "he took a huge loss", kind="document")
    check("Polling averages show Clinton with a lead.", "Polling averages", "show", "Clinton with a lead", kind="document")
    check("The races are all close, a Quinnipiac University poll shows.", "a Quinnipiac University poll", "shows", "The races are all close")
    check("Cruz has long said that he qualifies.", "Cruz", "has long said", "that he qualifies")
    check("Hillary Clinton is promising to help mining communities.", "Hillary Clinton", "is promising", "to help mining communities")
    check("He barely mentioned climate change.", "He", "barely mentioned", "climate change")
    check("Mr. Schultz likened RT to the BBC.", "Mr. Schultz", "likened", "RT to the BBC")
    assert extract_attributions("The band shows up on time.") == []


def test_as_someone_put_it():
    text = "As Ms. Simonyan put it in a statement in July, RT is ''providing a perspective.''"
    check(text, "Ms. Simonyan", "put it", "RT is ''providing a perspective.''")
    text = "As Steven M. Rosenthal, a tax lawyer, recently put it, ''Did Trump avoid taxes?''"
    check(text, "Steven M. Rosenthal, a tax lawyer", "recently put it", "''Did Trump avoid taxes?''", source_name="Steven M. Rosenthal")  # the name ends where the name ends


def test_relative_pronouns_and_appositives_in_sources():
    check("Double the number who said the same of Mr. Trump.", "who", "said", "the same of Mr. Trump")
    a = check("Officials who say the talks failed.", "who", "say", "the talks failed")
    assert a.source_name == "Officials"
    check("The plan, which Mr. Clarke says is sound, failed.", "Mr. Clarke", "says", "is sound, failed")
    check('"It was fine," said Michael Mulgrew, president of the union, which represents teachers.',
          "Michael Mulgrew, president of the union", "said", '"It was fine,"')
    check("World leaders almost universally expressed outrage over the test.", "World leaders", "almost universally expressed outrage over", "the test")
    check("Last week Stumpf in a televised interview appeared to blame low-level workers.", "Stumpf", "appeared to blame", "low-level workers")
    check("Though that went well, he said, replacing her would be harder.", "he", "said", "Though that went well replacing her would be harder")


def test_participles_without_a_comma_hang_on_the_subject():
    check("American Bridge President Jessica Mackler issued a statement saying his comment was dangerous.",
          "American Bridge President Jessica Mackler", "saying", "his comment was dangerous")
    check("The effort stalled, and he has battled with the city, at one point calling the mayor a liar.",
          "he", "calling", "the mayor a liar")


def test_called_names_and_settings():
    text = 'Bernie Sanders called Trump a "pathological liar." Carly Fiorina said Cruz "says anything."'
    assert [spans_text(text, a.cue) for a in extract_attributions(text)] == ["called", "said"]
    check("Trump called the system “rigged” in a tweet Tuesday.", "Trump", "called", "the system “rigged”")
    assert extract_attributions("A new group called Black Votes Matter is raising money.") == []
    assert extract_attributions("Trump and Clinton called off the debate.") == []


def test_inverted_source_after_a_long_clause():
    text = "Cruz lacks support from colleagues, whom he has alienated, said Larry Sabato, director of the Center for Politics."
    check(text, "Larry Sabato, director of the Center for Politics", "said", "Cruz lacks support from colleagues, whom he has alienated")
    text = "The firm lobbied on gaming, said lobbyist and GOP strategist Charlie Black."
    check(text, "lobbyist and GOP strategist Charlie Black", "said", "The firm lobbied on gaming")
    text = "Aparna Mathur, who studies tax policy, said Ivanka Trump's statement didn't clarify the matter."
    check(text, "Aparna Mathur, who studies tax policy", "said", "Ivanka Trump's statement didn't clarify the matter")


def test_reportedly_and_views():
    text = "The FBI is reportedly making arrangements to interview Hillary Clinton."
    a = one(extract_attributions(text))
    assert a.source == [] and spans_text(text, a.cue) == "reportedly"
    assert [text[s:e] for s, e in a.content] == ["The FBI is", "making arrangements to interview Hillary Clinton"]
    check("He reportedly said he would resign.", "He", "reportedly said", "he would resign")
    check("Experts see the elections as a test of the generals.", "Experts", "see", "the elections as a test of the generals")
    assert extract_attributions("They saw the abundance in the aisles.") == []


def test_relative_clause_inside_the_subject():
    check("A spokesman for the campaign who declined to be named said the plan was dead.",
          "A spokesman for the campaign who declined to be named", "said", "the plan was dead", kind="anonymous")


def test_document_names_keep_who_wrote_or_published_them():
    text = ("A study by researchers at the University of Nordvik found that 35 people fell ill. "
            "A study published in the Journal of Coastal Health found that the water was to blame.")
    names = [a.source_name.lower() for a in extract_attributions(text)]
    assert "a study by researchers at the university of nordvik" in names
    assert "a study published in the journal of coastal health" in names


def test_a_link_on_the_outer_source_is_not_the_nested_sources_link():
    text = "According to Reuters, a report by independent experts says that hackers stole $2 billion."
    start = text.index("Reuters")
    link = Link(href="https://www.reuters.com/story", text="Reuters", start=start, end=start + len("Reuters"))
    by_name = {a.source_name: a for a in extract_attributions(text, links=[link])}
    assert by_name["Reuters"].link == "https://www.reuters.com/story"
    assert by_name["a report by independent experts"].link is None
    assert by_name["a report by independent experts"].parent is not None
