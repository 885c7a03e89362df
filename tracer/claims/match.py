"""Find the sentences of a document that carry a claim typed by a person.

Claims are paraphrased, never verbatim: "North Korea stole $2 billion from banks
and crypto exchanges" must find "...the DPRK carried out hacks to steal
approximately $2 billion". Sentences (and pairs of adjacent sentences in one
paragraph, since a claim is often split across two) are scored by the weighted
share of the claim's terms they carry: named entities and numbers weigh more than
other content words, and a sentence that lacks the claim's number is penalised,
because the number is usually what is being checked. A sentence whose figure
differs from the claim's but is of the same kind and size ("around 40" for "more
than 50") still carries the claim: that is drift, which trace reports, not absence.

Numbers are read as a reader reads them: "$2 billion", "2bn", "two billion
dollars" and "US$2,000 million" are one value; "23 per cent", "23.4%" and
"almost a quarter of" are percentages; qualifiers ("more than", "around",
"at least") turn a figure into a range (``Quantity.bounds``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tracer.models import ClaimMatch, Document

MATCH_THRESHOLD = 0.5
_PAIR_PENALTY = 0.95
_MISSING_NUMBER_FACTOR = 0.6
_NUMBER_WEIGHT = 2.5

_STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with without into onto over under about
    as is are was were be been being has have had do does did that this these those it its
    their they them he she his her we our you your i me my which who whom whose what when where
    while than then so such not no nor also very more most much many some any all each other
    there here after before since until between against during through per via up down out off
    says said say according reported reports report told tells claims claimed would could should
    will shall may might can must just only own same us new first last week year years month
    monday tuesday wednesday thursday friday saturday sunday yesterday today""".split()
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

# Words a paraphrase swaps for one another, folded to one term (after stemming).
_SYNONYMS = {
    "stole": "steal", "stolen": "steal", "stealing": "steal", "took": "steal", "taken": "steal",
    "hacked": "hack", "hackers": "hack", "hacker": "hack", "hacks": "hack", "hacking": "hack",
    "cyberattack": "hack", "cyberattacks": "hack",
    "paid": "pay", "pays": "pay", "paying": "pay", "payment": "pay", "payments": "pay",
    "spent": "pay", "spend": "pay", "spending": "pay", "spends": "pay", "cost": "pay", "costs": "pay",
    "residents": "people", "persons": "people", "inhabitants": "people", "individuals": "people",
    "hospitalised": "hospital", "hospitalized": "hospital", "hospitalisation": "hospital",
    "hospitalization": "hospital", "hospitals": "hospital",
    "ill": "ill", "sick": "ill", "sickened": "ill", "illness": "ill", "illnesses": "ill",
    "died": "die", "dies": "die", "dying": "die", "deaths": "die", "death": "die", "dead": "die",
    "killed": "die", "fatalities": "die",
    "homes": "household", "households": "household", "families": "household",
    "rose": "rise", "risen": "rise", "rising": "rise", "increase": "rise", "increased": "rise",
    "grew": "rise", "grown": "rise", "jumped": "rise", "surged": "rise",
    "fell": "fall", "fallen": "fall", "falling": "fall", "decline": "fall", "declined": "fall",
    "dropped": "fall", "drop": "fall", "decrease": "fall", "decreased": "fall",
    "study": "study", "studies": "study", "research": "study", "survey": "study",
    "infections": "case", "infection": "case", "cases": "case", "case": "case",
    "recorded": "record", "registered": "record", "confirmed": "record", "reported": "record",
}

_SCALE_WORDS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "millions": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "billions": 1e9, "trillion": 1e12, "tn": 1e12,
}
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS = {**_UNITS, **_TENS, "hundred": 100, "dozen": 12}
_CURRENCY_SIGNS = {"$": "$", "us$": "$", "usd": "$", "€": "€", "eur": "€", "£": "£", "gbp": "£", "¥": "¥", "jpy": "¥"}
_CURRENCY_WORDS = {"dollars": "$", "dollar": "$", "euros": "€", "euro": "€", "pounds sterling": "£", "yen": "¥"}
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
    "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2,
    "a tenth": 0.1, "one tenth": 0.1,
}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

_WORDNUM = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<cur>US\$|\$|€|£|¥|\b(?:USD|EUR|GBP|JPY)\s?)?"
    rf"(?P<num>{_NUM}(?![\d])|\b(?:{_WORDNUM})(?:(?:[-\s]+|\s+and\s+)(?:{_WORDNUM}))*\b)"
    rf"(?:\s?-?\s?(?P<scale>thousand|millions?|billions?|trillion|mln|bln|mn|bn|tn|k|m|b)\b)?"
    rf"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?"
    rf"(?:\s(?P<curword>dollars?|euros?|yen)\b)?",
    re.I,
)
_FRACTION = re.compile(
    r"\b(?P<frac>(?:a|one|two|three)[-\s](?:half|third|thirds|quarter|quarters|fifth|tenth)|half)"
    r"(?=\s+of\b)"
    r"|\b(?P<num>one|two|three|four|five|six|seven|eight|nine|\d)\s+(?:in|out\s+of)\s+"
    r"(?P<den>two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\b",
    re.I,
)
# Words before a figure that make it a range: (low factor, high factor) around the value.
_QUALIFIERS = [
    (("more than", "over", "above", "in excess of", "upwards of", "at least", "no fewer than",
      "no less than", "a minimum of", "just over", "at minimum"), (1.0, 1.08)),
    (("almost", "nearly", "close to", "just under", "just below", "as many as", "as much as",
      "up to", "at most", "fewer than", "less than", "under", "below"), (0.88, 1.0)),
    (("around", "about", "approximately", "approx.", "roughly", "some", "an estimated", "estimated",
      "circa", "or so", "an approximate"), (0.95, 1.05)),
]
_QUALIFIER_BEFORE = re.compile(
    r"(?P<q>" + "|".join(re.escape(q) for group, _ in _QUALIFIERS for q in sorted(group, key=len, reverse=True))
    + r")\s+(?:(?:a|an)\s+)?$",
    re.I,
)
_EXACT_TOLERANCE = 0.03
_WORD = re.compile(r"[A-Za-z][A-Za-z.\-']*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Quantity:
    value: float
    text: str
    start: int
    end: int
    unit: str | None  # currency sign, "%" or None
    qualifier: str | None = None  # "more than", "around", ... as written, lower-cased

    @property
    def bounds(self) -> tuple[float, float]:
        """The range of values the figure as written allows."""
        low, high = 1 - _EXACT_TOLERANCE, 1 + _EXACT_TOLERANCE
        if self.qualifier:
            for group, factors in _QUALIFIERS:
                if self.qualifier in group:
                    low, high = factors
                    break
        a, b = self.value * low, self.value * high
        return (min(a, b), max(a, b))

    @property
    def phrase(self) -> str:
        """The figure as a reader quotes it: "around 40", "$2 billion"."""
        return f"{self.qualifier} {self.text}" if self.qualifier else self.text


def _word_number(phrase: str) -> float | None:
    """"thirty-five" -> 35, "two hundred and twelve" -> 212, "a dozen" -> 12."""
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[-\s]+", phrase.lower()):
        if word in ("and", ""):
            continue
        if word in _UNITS or word in _TENS:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "dozen":
            current = (current or 1) * 12
        else:
            return None
        seen = True
    return total + current if seen else None


def _is_date_part(text: str, start: int, end: int) -> bool:
    """A day of the month ("14 March", "March 14") or a clock time is not a figure."""
    before = text[max(0, start - 12) : start].lower()
    after = text[end : end + 12].lower()
    if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before) or re.match(rf"\s*(?:{_MONTHS})\b", after):
        return True
    if re.match(r":\d\d", text[end : end + 3]) or before.endswith(":") and before[-2:-1].isdigit():
        return True  # 10:30
    return re.match(r"(?:st|nd|rd|th)\b", text[end : end + 3], re.I) is not None


def quantities(text: str) -> list[Quantity]:
    """Figures in a text, scale words folded in: "$2bn" and "2 billion dollars" are 2e9.

    Years, days of the month, clock times and small unscaled number words ("two
    officials") are not figures; "a quarter of" and "one in four" are 25 per cent.
    """
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _FRACTION.finditer(text):
        if m.group("frac"):
            key = re.sub(r"[-\s]+", " ", m.group("frac").lower())
            key = {"two third": "two thirds", "three quarter": "three quarters"}.get(key, key)
            if key not in _FRACTIONS:
                continue
            value = _FRACTIONS[key] * 100
        else:
            num = _word_number(m.group("num")) if not m.group("num").isdigit() else float(m.group("num"))
            den_raw = m.group("den")
            den = float(den_raw) if den_raw.isdigit() else _word_number(den_raw)
            if not num or not den or num >= den:
                continue
            value = num / den * 100
        found.append(_with_qualifier(text, Quantity(value, m.group(0), m.start(), m.end(), "%")))
        taken.append((m.start(), m.end()))
    for m in _QUANTITY.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        raw = m.group("num")
        cur = m.group("cur")
        lead = text[max(0, m.start() - 2) : m.start()]
        if len(lead) == 2 and lead[1] in "-/" and lead[0].isalnum():
            continue  # "Covid-19", "G-7", "3/4": part of a name or a code
        if raw[0].isdigit():
            value = float(raw.replace(",", ""))
            is_word = False
        else:
            parsed = _word_number(raw)
            if parsed is None:
                continue
            value, is_word = parsed, True
        scale = m.group("scale")
        pct = m.group("pct")
        curword = m.group("curword")
        if scale:
            if scale.lower() in ("m", "b", "k") and not cur and not curword:
                scale = None  # "5 m" is more likely metres than millions
            else:
                value *= _SCALE_WORDS[scale.lower()]
        if is_word and not scale and not cur and not pct and value < 13:
            continue  # "one of the", "two officials": small number words are not figures
        unit = (_CURRENCY_SIGNS.get(cur.strip().lower()) if cur else None) or ("%" if pct else None) or (
            _CURRENCY_WORDS.get(curword.lower()) if curword else None)
        if unit is None and not scale and not is_word:
            if 1900 <= value <= 2100 and "." not in raw and "," not in raw:
                continue  # a year, not a figure
            if _is_date_part(text, m.start("num"), m.end("num")):
                continue
        end = m.end()
        if not scale and not pct and not curword:
            end = m.end("num")
        found.append(_with_qualifier(text, Quantity(value, text[m.start() : end].strip(), m.start(), end, unit)))
    found.sort(key=lambda q: q.start)
    return found


def _with_qualifier(text: str, q: Quantity) -> Quantity:
    m = _QUALIFIER_BEFORE.search(text[max(0, q.start - 24) : q.start])
    if not m:
        return q
    qualifier = m.group("q").lower()
    return Quantity(q.value, q.text, q.start, q.end, q.unit, qualifier)


def same_kind(a: Quantity, b: Quantity) -> bool:
    """Could two figures measure the same thing? Same unit, and within a factor of three."""
    if a.unit != b.unit:
        return False
    hi, lo = max(abs(a.value), abs(b.value)), min(abs(a.value), abs(b.value))
    return hi == 0 or (lo > 0 and hi / lo <= 3)


def compatible(a: Quantity, b: Quantity) -> bool:
    """Do two figures say the same thing, given their qualifiers and rounding?

    "23 per cent", "23.4%" and "almost a quarter" are compatible; 35, "around 40"
    and "more than 50" are not.
    """
    if a.unit != b.unit:
        return False
    (a0, a1), (b0, b1) = a.bounds, b.bounds
    return a0 <= b1 and b0 <= a1


def _stem(word: str) -> str:
    w = word.lower().strip(".'-")
    if w in _SYNONYMS:
        return _SYNONYMS[w]
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return _SYNONYMS.get(w, w)


# short aliases are acronyms: "UN", "US" count, "un-" and "us" do not
_ALIAS_PATTERN = re.compile(
    r"(?<![A-Za-z])(?:"
    + "|".join(re.escape(a.upper()) if len(a) <= 4 else f"(?i:{re.escape(a)})"
               for a in sorted(_ALIASES, key=len, reverse=True))
    + r")(?![A-Za-z])"
)


@dataclass
class _Terms:
    words: dict[str, float]  # stem -> weight
    numbers: list[Quantity]


@lru_cache(maxsize=4096)
def _terms(text: str) -> _Terms:
    """Content terms of a text: aliases folded, stopwords dropped, entities weighted up.

    Cached: a page's sentences are scored once per claim and again as pairs and for drift.
    The result is shared, so callers must not change it."""
    words: dict[str, float] = {}
    for m in _ALIAS_PATTERN.finditer(text):
        for part in _ALIASES[m.group(0).lower()].split():
            words[part] = 2.0
    for i, m in enumerate(_WORD.finditer(text)):
        token = m.group(0)
        low = token.lower()
        if low in _ALIASES:
            continue
        if low in _STOPWORDS or len(low) < 2 or low in _NUMBER_WORDS or low in _SCALE_WORDS:
            continue
        is_entity = token[0].isupper() and (i > 0 or token.isupper())
        stem = _stem(low)
        words[stem] = max(words.get(stem, 0.0), 2.0 if is_entity else 1.0)
    return _Terms(words, quantities(text))


def _term_present(stem: str, vocabulary: set[str]) -> bool:
    if stem in vocabulary:
        return True
    if len(stem) >= 5:
        # prefix match catches crypto/cryptocurrency and most derivations the stemmer misses;
        # a long shared stem catches deficient/deficiency
        return any(len(v) >= 5 and (v.startswith(stem) or stem.startswith(v) or _shared_stem(stem, v)) for v in vocabulary)
    return False


def _shared_stem(a: str, b: str) -> bool:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 7 and n >= min(len(a), len(b)) - 2


def _same_number(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value and (a.unit == b.unit or None in (a.unit, b.unit)):
        return True
    if a.unit != b.unit and None not in (a.unit, b.unit):
        return False
    hi = max(abs(a.value), abs(b.value))
    return hi > 0 and abs(a.value - b.value) / hi <= 0.05


def _number_credit(claim_number: Quantity, target: list[Quantity]) -> float:
    """1 when the text has the claim's figure, 0.5 for a drifted figure of the same kind, else 0."""
    if any(_same_number(claim_number, t) or compatible(claim_number, t) for t in target):
        return 1.0
    if any(same_kind(claim_number, t) for t in target):
        return 0.5
    return 0.0


def score_text(claim: _Terms, text: str) -> float:
    """Share of the claim's weighted terms that a text carries, 0..1."""
    target = _terms(text)
    vocabulary = set(target.words)
    total = sum(claim.words.values()) + _NUMBER_WEIGHT * len(claim.numbers)
    if total == 0:
        return 0.0
    got = sum(w for stem, w in claim.words.items() if _term_present(stem, vocabulary))
    credits = [_number_credit(q, target.numbers) for q in claim.numbers]
    got += _NUMBER_WEIGHT * sum(credits)
    score = got / total
    if claim.numbers and not any(credits):
        score *= _MISSING_NUMBER_FACTOR
    return score


def confidence(score: float | None) -> str:
    """A word for a match score: high, medium or low."""
    if score is None:
        return "none"
    return "high" if score >= 0.75 else "medium" if score >= 0.6 else "low"


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


def claim_figures(claim: str, text: str) -> list[Quantity]:
    """The figures of a text that stand for the claim's figures (same kind), in text order.

    With no figure in the claim, every figure of the text counts.
    """
    wanted = quantities(claim)
    found = quantities(text)
    if not wanted:
        return found
    return [q for q in found if any(same_kind(w, q) for w in wanted)]
