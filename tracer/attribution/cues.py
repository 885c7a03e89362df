"""What the rules look for: the cheap pre-filter, cue tables and token tests shared by the
rule families, and the attribution under construction (``Found``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    COMMON_VERBS,
    INTRO_WORDS,
    QUOTE_TOKENS,
    VERBISH,
)
from tracer.models import Span

# A sentence is only analysed when one of these words occurs in it, or a colon or a
# bracket (lead-ins, datelines): a cheap pre-filter, a set lookup per word.
HINT_WORDS = frozenset(lx.CUE_FORMS) | lx.RECORD_FORMS | lx.STUDY_FORMS | lx.DOCUMENT_PARTICIPLES | lx.SEEM_FORMS | lx.JUDGED_FORMS | {"allegedly", "purportedly", "reputedly", "according", "citing", "cited", "reportedly", "asked"} | set(
    "poll polls survey surveys study report statement interview video letter memo filing documents document analysis put count tally estimate announcement based adapted".split()
)
WORD = re.compile(r"[A-Za-z]+")
ABBREV_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Col|Lt|Sgt|Capt|Prof|Rev|St|Jr|Sr)|\b[A-Z])\.$")


def setting_before(toks, k, that) -> bool:
    """"said after a lunch on Tuesday that ...": a place or time between the cue and "that"."""
    return toks[k].low in ("in", "at", "on", "during", "after", "before", "following", "over", "while", "from") and not any(
        t.low in VERBISH or t.low in lx.CUE_FORMS or t.quoted for t in toks[k + 1 : that]
    )


MONTHS = frozenset("january february march april may june july august september october november december".split())
# Cues whose source may follow them: "..., said Larry Sabato, director of ...".
INVERTING_LEMMAS = frozenset(
    "say add note explain insist argue continue recall observe caution warn acknowledge concede reply respond remark joke declare quip".split()
)


def name_tail(toks, k) -> bool:
    """"..., said Larry Sabato, director of the Center for Politics.": after the cue only a
    name and its appositive (a relative clause may follow), no verb of a clause of its own."""
    n = len(toks)
    if k >= n or not (toks[k].text[:1].isupper() or toks[k].low in ("a", "an", "the", "one", "former", "another")):
        return False
    caps = False
    for t in toks[k:]:
        if t.low in ("who", "which", "whose") or t.text in ".!?;" or t.quoted or t.text in QUOTE_TOKENS:
            break
        if t.text == "," and caps:
            continue
        if t.low in VERBISH or t.low in COMMON_VERBS or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS or t.low in lx.PRONOUNS or (
            t.low in lx.AUXILIARIES and t.low not in ("’s", "'s") and not t.text[:1].isupper()
        ):
            return False  # "said Ivanka Trump's statement didn't clarify it": a clause
        caps = caps or t.text[:1].isupper() and t.low not in lx.CIRCUMSTANCE_WORDS and t.low not in MONTHS
    return caps


def is_ly(t) -> bool:
    return t.text.islower() and t.low.endswith("ly") and len(t.low) > 4 and t.low not in ("only", "family", "rally", "ally", "early")


def participle_word(t) -> bool:
    return t.text.islower() and (t.low.endswith("ing") or t.low.endswith("ed") and len(t.low) > 4)


# Lower-case titles before a name after an inverted cue ("said former Gov. Ed Rendell",
# "said election lawyer Joe Birkenstock", "said retired neurosurgeon Ben Carson").
def titled_name(toks, k, e) -> bool:
    if e - k < 2 or toks[k].low in INTRO_WORDS or toks[k].low in lx.CLAUSE_BOUNDARIES or toks[k].low in VERBISH or toks[k].low in lx.CUE_FORMS:
        return False
    caps = [t for t in toks[k:e] if t.text[:1].isupper()]
    return bool(caps) and toks[e - 1].text[:1].isupper() and all(t.text.isalpha() or t.text in (".", "-") or t.text[:1].isupper() for t in toks[k:e])


# Words that end a stance verb's object ("backed the bill despite his reservations").
OBJECT_STOPS = frozenset(
    """because while when although though despite since if but which who where whose even
    especially including whereas unless""".split()
)
# Multi-word cues, matched on the lower-case tokens of a sentence joined by spaces.
PHRASE_CUES = re.compile(
    r"\b(?:"
    r"(?:make|makes|made|making) (?:it )?(?:very |abundantly |perfectly |quite )?clear"
    r"|(?:make|makes|made|making) (?:the|a|his|her|their|its|an)(?: \w+){0,2} case(?: for| against)?"
    r"|(?:take|takes|took|taking|taken) (?:a |another |several |some |repeated |multiple )?(?:shot|shots|swipe|swipes|jab|jabs|aim|issue) (?:at|with)"
    r"|(?:weigh|weighs|weighed|weighing) in(?: on)?"
    r"|(?:lash|lashes|lashed|lashing) out(?: at| against)?"
    r"|(?:rail|railed|rails|railing) against"
    r"|(?:raise|raised|raises|raising) (?:concerns|questions|doubts|alarm|alarms) (?:about|over)"
    r"|(?:express|expressed|expresses|voice|voiced|voices|signal|signaled|signalled|signals) (?:his |her |their |its |strong |some |deep |serious |growing |a )?"
    r"(?:support|concern|concerns|opposition|doubt|doubts|frustration|optimism|confidence|skepticism|interest|regret|dismay|outrage|disappointment|reservations|willingness)(?: for| about| over| with| in| at)?"
    r"|(?:throw|threw|throws|thrown|throwing) (?:his|her|their|its) (?:full )?(?:support|weight) behind"
    r"|(?:give|gave|gives|given|giving) (?:his|her|their|its) (?:full )?(?:support|backing|blessing|endorsement) to"
    # a communication done with a light verb: "issued a similar threat", "made false claims about",
    # "penned a letter", "has released data", "compiled a detailed report"
    r"|(?:issue|issues|issued|issuing|make|makes|made|making|send|sends|sent|sending|pen|pens|penned|penning"
    r"|write|writes|wrote|written|writing|publish|publishes|published|publishing|release|releases|released|releasing"
    r"|compile|compiles|compiled|compiling|file|files|filed|filing|put out|puts out"
    r"|submit|submits|submitted|submitting|introduce|introduces|introduced|introducing|table|tables|tabled|tabling) "
    r"(?:(?:a|an|the|its|his|her|their|new|similar|false|several|detailed|joint|open|formal|fresh|public|written|"
    r"further|repeated|misleading|unfounded|baseless|separate|brief|lengthy|short) )*"
    r"(?:statement|statements|warning|warnings|threat|threats|claim|claims|letter|letters|memo|memos|report|reports|"
    r"data|figures|announcement|appeal|appeals|pledge|ultimatum|complaint|complaints|op-ed|guidance|advisory|notice|"
    # a document put before a legislature or a court: what it says is its sponsors' ("submitted a bill “to ...”")
    r"bill|bills|motion|motions|resolution|resolutions|amendment|amendments|petition|petitions|lawsuit|lawsuits|proposal|proposals)"
    r"(?: (?:about|that|on|to|for))?"
    r")\b"
)
LIGHT_VERBS = frozenset(
    """issue issues issued issuing make makes made making send sends sent sending pen pens penned penning write writes
    wrote written writing publish publishes published publishing release releases released releasing compile compiles
    compiled compiling file files filed filing put puts submit submits submitted submitting introduce introduces
    introduced introducing table tables tabled tabling""".split()
)
COMMUNICATION_NOUNS = frozenset(
    """statement statements warning warnings threat threats claim claims letter letters memo memos report reports data
    figures announcement appeal appeals pledge ultimatum complaint complaints op-ed guidance advisory notice bill bills
    motion motions resolution resolutions amendment amendments petition petitions lawsuit lawsuits proposal proposals""".split()
)
PHRASE_HINT = re.compile(r"\b(?:bill|bills|motion|motions|resolution|resolutions|amendment|amendments|petition|petitions|lawsuit|lawsuits|proposal|proposals|statement|statements|warning|warnings|threat|threats|claims|letter|letters|memo|memos|data|figures|announcement|appeal|pledge|ultimatum|complaint|op-ed|guidance|advisory|notice|report|reports|clear|case|shot|shots|swipe|swipes|jab|jabs|aim|issue|weigh|weighs|weighed|weighing|lash|lashes|lashed|lashing|rail|railed|rails|railing|concerns|questions|doubts|alarm|alarms|support|concern|opposition|doubt|frustration|optimism|confidence|skepticism|interest|regret|dismay|outrage|disappointment|reservations|willingness|backing|blessing|endorsement|weight)\b")
QUESTION_STARTS = frozenset("to about if whether what why how who which when where for".split())
SETTING_NOUNS = frozenset(
    """tweet tweets statement interview speech show program programme radio rally debate letter
    post op-ed column book video appearance briefing conference hearing town forum""".split()
)
COMPLEMENT_ENDS = frozenset("but and while which who whose as although though because so when where if whereas".split())
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion half".split())


# Cues that take a place or time of speaking after an inverted source ("..., X said in a
# statement.", "..., the Times reported at the time.").
SETTING_LEMMAS = frozenset("say tell report write add announce confirm note explain reveal claim warn state tweet post".split())
# "was first reported by X": passive verbs whose "by" agent is the source.
PASSIVE_BY_LEMMAS = frozenset("report reveal announce confirm disclose estimate predict forecast".split())


def that_verb(toks, i) -> bool:
    """A past-tense verb outside the lexicon that takes a that-clause ("X hinted that ...",
    "X bragged that ..."): a cue too."""
    t = toks[i]
    return (
        i > 0 and i + 1 < len(toks) and toks[i + 1].low == "that"
        and t.text.isalpha() and t.text.islower() and t.low.endswith("ed") and len(t.low) > 4
        and toks[i - 1].low not in lx.DETERMINERS and toks[i - 1].low not in ("so", "such", "was", "were", "is", "are", "be", "been")
    )


def has_hint(chunk: str) -> bool:
    if ":" in chunk or "(" in chunk or "―" in chunk or "—" in chunk or "ed that " in chunk:
        return True
    return any(w in HINT_WORDS or w.lower() in HINT_WORDS for w in WORD.findall(chunk)) or bool(PHRASE_HINT.search(chunk.lower()))




@dataclass
class Found:
    """An attribution under construction (offsets into the document text)."""

    source: list[Span]
    cue: list[Span]
    content: list[Span]
    sentence: int
    source_name: str | None = None
    kind: str = "unknown"
    nested_in: int | None = None  # for "X, citing Y": index of X in the found list
