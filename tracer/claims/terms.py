"""The lexical side of claim matching: content words folded to their lemma and stem.

A word counts for every lemma it can have (lemminflect: "stole" -> steal, "rose" ->
rose or rise) and for its Snowball stem, so "arrested", "arrests" and "arrest" are
one term, and so are "queuing" and "queue". Function words (the Snowball English stop
list) and the verbs that report speech carry no content. A word in capitals inside a
sentence is a name and weighs twice as much as another word.

Words that mean the same without sharing a root ("detained" / "arrested") are the
sentence model's to see (tracer.claims.semantic), not a synonym list's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from lemminflect import getAllInflections, getAllLemmas

from tracer.claims.figures import SCALE_SPELLINGS, Quantity, quantities

_STEMMER = snowballstemmer.stemmer("english")

# The Snowball project's English stop word list (snowballstem.org/algorithms/english/stop.txt).
_SNOWBALL_STOP = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom this that these those
am is are was were be been being have has had having do does did doing would should could ought i'm you're he's
she's it's we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll
they'll isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't
can't cannot couldn't mustn't let's that's who's what's here's there's when's where's why's how's a an the and
but if or because as until while of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how all any
both each few more most other some such no nor not only own same so than too very"""
# Modal verbs, and the verbs by which a page reports what a source said: they say who, not what.
_REPORTING = "will shall may might can must also just say tell report state add accord claim"
STOPWORDS = frozenset(_SNOWBALL_STOP.split()) | frozenset(_REPORTING.split())

# Words that turn a statement into its negation (a closed class of English function words).
NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot n't".split())
# Cessative verbs: before a gerund they deny it from then on ("will stop opening" = "won't be open").
CESSATIVES = frozenset("stop stops stopped stopping cease ceases ceased ceasing quit quits quitting halt halts "
                       "halted halting discontinue discontinues discontinued discontinuing".split())

_SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+(?=[\"“‘(]*[A-Z0-9])")
_BREAK = re.compile(r"[,.;:!?()\[\]—–]")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*", re.UNICODE)


@lru_cache(maxsize=65536)
def keys(word: str) -> frozenset[str]:
    """The forms under which a word is matched: its Snowball stem and the stems of its lemmas."""
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    found = {_STEMMER.stemWord(low)}
    for lemmas in getAllLemmas(low).values():
        found.update(_STEMMER.stemWord(lemma) for lemma in lemmas)
    return frozenset(found)


@dataclass(frozen=True)
class Terms:
    """Content terms of a text (first key -> (all keys, weight)), its figures and its negations."""

    words: dict[str, tuple[frozenset[str], float]]
    keyset: frozenset[str]
    numbers: tuple[Quantity, ...]
    negated: frozenset[str]  # keys of the words a negation stands before ("no cases" -> case)
    negations: int
    sentences: int = 1  # how many sentences the text has (roughly: ends of sentence inside it, plus one)

    @property
    def weight(self) -> float:
        return sum(w for _, w in self.words.values())


def _tokens(text: str) -> list[tuple[str, int]]:
    out = []
    for m in _WORD.finditer(text):
        token = m.group(0)
        if token.lower().endswith(("n't", "n’t")) and len(token) > 3:
            out.append((token[:-3], m.start()))
            out.append(("n't", m.start() + len(token) - 3))
        else:
            out.append((token, m.start()))
    return out


@lru_cache(maxsize=16384)
def terms(text: str) -> Terms:
    """The terms of a text (cached: a page's sentences are scored for every claim and hop)."""
    words: dict[str, tuple[frozenset[str], float]] = {}
    keyset: set[str] = set()
    negated: set[str] = set()
    negations = 0
    pending = False  # a negation waiting for the content word it denies ("no cases", "did not steal")
    ceasing = False  # the last content word was a cessative verb ("stop", "ceased")
    last = 0
    for token, start in _tokens(text):
        if pending and _BREAK.search(text, last, start):
            pending = False  # "..., without comment. Police said": the negation stops at the clause's end
        last = start + len(token)
        low = token.lower().replace("’", "'")
        if low in NEGATIONS or low.endswith("nt") and low[:-2] + "n't" in STOPWORDS:  # "don't", "dont"
            negations += 1
            pending = True
            continue
        if low in STOPWORDS or len(low) < 2:
            continue
        k = keys(token)
        keyset |= k
        if pending:
            negated |= k
            pending = False
        elif ceasing and low.endswith("ing"):
            negated |= k
            negations += 1
        ceasing = low in CESSATIVES
        name = token[0].isupper() and (start > 0 or token.isupper())
        first = min(k)
        weight = 2.0 if name else 1.0
        if first not in words or words[first][1] < weight:
            words[first] = (k, weight)
    sentences = 1 + len(_SENTENCE_END.findall(text.strip()))
    return Terms(words, frozenset(keyset), tuple(quantities(text, soft=True)), frozenset(negated), negations, sentences)


def coverage(claim: Terms, text: Terms) -> float:
    """Weighted share of the claim's content words that a text carries, 0..1 (figures apart)."""
    total = claim.weight
    if not total:
        return 0.0
    got = sum(w for k, w in claim.words.values() if k & text.keyset)
    return got / total


def negation_differs(claim: Terms, text: Terms) -> bool:
    """Does one side deny what the other asserts? ("no cases" / "40 cases"; "did not steal" / "stole")

    A negation counts when it stands before a word both sides share; a "not" elsewhere in a
    long sentence ("who did not comment") does not make the sentence deny the claim.
    """
    claim_neg = {k for k in claim.negated if k in text.keyset}
    text_neg = {k for k in text.negated if k in claim.keyset}
    if claim_neg and not text_neg:
        return True
    if claim.negated and not text.negations and text.sentences == 1:
        return True  # "got no grant" / "voted to award a quarter of a million": one statement, no denial
    if text_neg and not claim_neg and not claim.negations:
        return True
    return False


@lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """Other spellings of a word for a full-text search: the forms of its lemmas ("stole" ->
    steal, steals, stealing, stolen) and a scale word's abbreviations ("billion" -> bn, bln)."""
    low = word.lower()
    forms: set[str] = set(SCALE_SPELLINGS.get(low, ()))
    for lemmas in getAllLemmas(low).values():
        for lemma in lemmas:
            forms.add(lemma)
            for inflected in getAllInflections(lemma).values():
                forms.update(inflected)
    forms.discard(low)
    return frozenset(f for f in forms if f.isalpha() or " " in f)
