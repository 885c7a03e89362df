"""Find the sentences of a document that carry a claim typed by a person.

Claims are paraphrased, never verbatim: "North Korea stole $2 billion from banks
and crypto exchanges" must find "...the DPRK carried out hacks to steal
approximately $2 billion". Sentences (and pairs of adjacent sentences in one
paragraph, since a claim is often split across two) are scored by the weighted
share of the claim's terms they carry: named entities and numbers weigh more than
other content words, and a sentence that lacks the claim's number is penalised,
because the number is usually what is being checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import ClaimMatch, Document

MATCH_THRESHOLD = 0.5
_PAIR_PENALTY = 0.95
_MISSING_NUMBER_FACTOR = 0.6

_STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with without into onto over under about
    as is are was were be been being has have had do does did that this these those it its
    their they them he she his her we our you your i me my which who whom whose what when where
    while than then so such not no nor also very more most much many some any all each other
    there here after before since until between against during through per via up down out off
    says said say according reported reports report told tells claims claimed would could should
    will shall may might can must just only own same us""".split()
)

# Names a claim and a page may use for the same entity (folded to one term).
_ALIASES = {
    "dprk": "north korea",
    "pyongyang": "north korea",
    "rok": "south korea",
    "seoul": "south korea",
    "u.s.": "united states",
    "usa": "united states",
    "america": "united states",
    "washington": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "u.n.": "united nations",
    "un": "united nations",
    "eu": "european union",
    "crypto": "cryptocurrency",
    "cryptocurrencies": "cryptocurrency",
}

_SCALE_WORDS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12,
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "half": 0.5, "quarter": 0.25,
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<cur>[$€£¥])?\s?(?P<num>{_NUM}|\b(?:{'|'.join(_NUMBER_WORDS)})\b)"
    rf"(?:\s?-?\s?(?P<scale>thousand|million|billion|trillion|mln|bln|mn|bn|tn|k|m|b)\b)?"
    rf"(?:\s?(?P<pct>%|per\s?cent|percent))?",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z.\-']*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Quantity:
    value: float
    text: str
    start: int
    end: int
    unit: str | None  # currency sign, "%" or None


def quantities(text: str) -> list[Quantity]:
    """Numbers in a text, with scale words folded in: "$2bn" and "2 billion dollars" are 2e9."""
    found = []
    for m in _QUANTITY.finditer(text):
        raw = m.group("num")
        if raw.lower() in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[raw.lower()])
            if not m.group("scale") and not m.group("cur") and not m.group("pct") and value < 13:
                # "one of the", "two officials": small number words are not figures unless scaled
                continue
        else:
            value = float(raw.replace(",", ""))
        scale = m.group("scale")
        if scale:
            if scale.lower() in ("m", "b", "k") and not m.group("cur"):
                scale = None  # "5 m" is more likely metres than millions
            else:
                value *= _SCALE_WORDS[scale.lower()]
        unit = m.group("cur") or ("%" if m.group("pct") else None)
        if unit is None and 1900 <= value <= 2100 and "." not in raw and "," not in raw and not scale:
            continue  # a year, not a figure
        found.append(Quantity(value, m.group(0).strip(), m.start(), m.end(), unit))
    return found


def _stem(word: str) -> str:
    w = word.lower().strip(".'-")
    for irregular, base in (("stole", "steal"), ("stolen", "steal"), ("stealing", "steal"),
                            ("stealth", "stealth"), ("hacked", "hack"), ("hackers", "hack"),
                            ("hacker", "hack"), ("hacks", "hack"), ("hacking", "hack")):
        if w == irregular:
            return base
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


@dataclass
class _Terms:
    words: dict[str, float]  # stem -> weight
    numbers: list[Quantity]


def _terms(text: str) -> _Terms:
    """Content terms of a text: aliases folded, stopwords dropped, entities weighted up."""
    words: dict[str, float] = {}
    for alias, canonical in _ALIASES.items():
        # short aliases are acronyms: "UN", "US" count, "un-" and "us" do not
        pattern = re.escape(alias.upper()) if len(alias) <= 4 else re.escape(alias)
        flags = 0 if len(alias) <= 4 else re.I
        if re.search(rf"(?<![A-Za-z]){pattern}(?![A-Za-z])", text, flags):
            for part in canonical.split():
                words[part] = 2.0
    for i, m in enumerate(_WORD.finditer(text)):
        token = m.group(0)
        low = token.lower()
        if low in _ALIASES:
            continue
        if low in _STOPWORDS or len(low) < 2:
            continue
        is_entity = token[0].isupper() and (i > 0 or token.isupper())
        stem = _stem(low)
        words[stem] = max(words.get(stem, 0.0), 2.0 if is_entity else 1.0)
    return _Terms(words, quantities(text))


def _term_present(stem: str, vocabulary: set[str]) -> bool:
    if stem in vocabulary:
        return True
    if len(stem) >= 5:
        # prefix match catches crypto/cryptocurrency and most derivations the stemmer misses
        return any(len(v) >= 5 and (v.startswith(stem) or stem.startswith(v)) for v in vocabulary)
    return False


def _same_number(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value:
        return True
    hi = max(abs(a.value), abs(b.value))
    return hi > 0 and abs(a.value - b.value) / hi <= 0.05


def score_text(claim: _Terms, text: str) -> float:
    """Share of the claim's weighted terms that a text carries, 0..1."""
    target = _terms(text)
    vocabulary = set(target.words)
    total = sum(claim.words.values()) + 2.5 * len(claim.numbers)
    if total == 0:
        return 0.0
    got = sum(w for stem, w in claim.words.items() if _term_present(stem, vocabulary))
    numbers_found = sum(1 for q in claim.numbers if any(_same_number(q, t) for t in target.numbers))
    got += 2.5 * numbers_found
    score = got / total
    if claim.numbers and numbers_found == 0:
        score *= _MISSING_NUMBER_FACTOR
    return score


def find_claim(doc: Document, claim: str, *, limit: int = 3, threshold: float = MATCH_THRESHOLD) -> list[ClaimMatch]:
    """The best sentences (or adjacent pairs) carrying the claim, best first; [] when absent."""
    claim_terms = _terms(claim)
    candidates: list[ClaimMatch] = []
    sentences = doc.sentences
    for i, s in enumerate(sentences):
        text = doc.text[s.start : s.end]
        candidates.append(ClaimMatch(i, s.start, s.end, text, score_text(claim_terms, text)))
        if i + 1 < len(sentences) and sentences[i + 1].paragraph == s.paragraph:
            nxt = sentences[i + 1]
            pair = doc.text[s.start : nxt.end]
            single = max(candidates[-1].score, 0.0)
            pair_score = score_text(claim_terms, pair) * _PAIR_PENALTY
            if pair_score > single + 0.1:
                candidates.append(ClaimMatch(i, s.start, nxt.end, pair, pair_score))
    candidates.sort(key=lambda m: (-m.score, m.start))
    return [m for m in candidates if m.score >= threshold][:limit]


def claim_score(claim: str, text: str) -> float:
    """Score one text against a claim (for corpus candidates and drift checks)."""
    return score_text(_terms(claim), text)
