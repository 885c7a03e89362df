"""Figures in a text, read as a reader reads them.

"$2 billion", "2bn", "two billion dollars" and "US$2,000 million" are one value;
"€250 000", "€250,000" and "a quarter of a million euros" are another; "23 per
cent", "23.4%" and "almost a quarter of" are percentages; "1.2m" is 1,200,000.
Qualifiers ("more than", "around", "at least") turn a figure into a range
(``Quantity.bounds``), so "over a third" and "one in three" agree and 35, "around
40" and "more than 50" do not.

Small number words ("two officials", "twelve") are read too, but marked ``soft``:
they are compared with a figure of the same kind when the other text has one, and
never missed when it has none (a page may well say "two officials" with no figure
meant).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SCALE_WORDS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "millions": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "billions": 1e9, "trillion": 1e12, "tn": 1e12,
}
# the ways a scale word or a percentage is written, each spelling -> the others
SCALE_SPELLINGS: dict[str, tuple[str, ...]] = {}
for _spellings in (("thousand", "k"), ("million", "mn", "mln", "m"), ("billion", "bn", "bln"), ("trillion", "tn"),
                   ("percent", "per cent", "pct")):
    for _s in _spellings:
        SCALE_SPELLINGS[_s] = tuple(x for x in _spellings if x != _s)
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS = {**_UNITS, **_TENS, "hundred": 100, "dozen": 12}
_CURRENCY_SIGNS = {"$": "$", "us$": "$", "usd": "$", "€": "€", "eur": "€", "£": "£", "gbp": "£", "¥": "¥", "jpy": "¥"}
_CURRENCY_WORDS = {"dollars": "$", "dollar": "$", "euros": "€", "euro": "€", "yen": "¥"}
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
    "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2,
    "a tenth": 0.1, "one tenth": 0.1,
}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# After "5m": words that make it five metres, not five million.
_LENGTH_AFTER = re.compile(r"\s*(?:-|high\b|tall\b|long\b|wide\b|deep\b|away\b|above\b|below\b|square\b|"
                           r"of\s+(?:water|snow|rain|road|track|cable|pipe)\b)", re.I)

_WORDNUM = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# digits with thousands separated by commas or by a (thin, no-break) space: 250,000 / 250 000
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,.])|\d+)(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<cur>US\$|\$|€|£|¥|\b(?:USD|EUR|GBP|JPY)\s?)?"
    rf"(?P<num>{_NUM}(?![\d])|\b(?:{_WORDNUM})(?:(?:[-\s]+|\s+and\s+)(?:{_WORDNUM}))*\b|\b(?:a|one)(?=\s+(?:thousand|million|billion|trillion)\b))"
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
# "a quarter of a million euros", "half a billion dollars": a number, not a share
_FRACTION_OF_SCALE = re.compile(
    r"\b(?P<frac>(?:a|one|two|three)[-\s](?:half|third|thirds|quarter|quarters|fifth|tenth)|half)"
    r"\s+(?:of\s+)?an?\s+(?P<scale>thousand|million|billion|trillion)\b"
    r"(?:\s+(?P<curword>dollars?|euros?|yen)\b)?",
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


@dataclass(frozen=True)
class Quantity:
    value: float
    text: str
    start: int
    end: int
    unit: str | None  # currency sign, "%" or None
    qualifier: str | None = None  # "more than", "around", ... as written, lower-cased
    soft: bool = False  # a small number word ("two officials"): compared, never required

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
        if self.qualifier and self.value > 0:
            # a round figure rounds by its last digit: "more than a million" is true of 1.2 million,
            # "over 50" of 56, "almost 40" of 33; "at least 35" is not "around 40"
            unit = _rounding_unit(self.value)
            if high > 1.05:
                b = max(b, self.value + unit)
            if low < 0.95:
                a = min(a, self.value - unit)
        return (min(a, b), max(a, b))

    @property
    def phrase(self) -> str:
        """The figure as a reader quotes it: "around 40", "$2 billion"."""
        return f"{self.qualifier} {self.text}" if self.qualifier else self.text


def _rounding_unit(value: float) -> float:
    """The place of a figure's last significant digit: 1,000,000 for 1m, 10 for 50, 1 for 35."""
    import math

    if value != int(value):
        return 0.0
    unit = 10 ** int(math.log10(value)) if value >= 1 else 0
    while unit >= 1 and value % unit:
        unit //= 10
    return float(unit)


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
        elif word in ("a", "one") and not seen:
            current = 1  # "a million"
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


def _fraction_value(phrase: str) -> float | None:
    key = re.sub(r"[-\s]+", " ", phrase.lower())
    key = {"two third": "two thirds", "three quarter": "three quarters"}.get(key, key)
    return _FRACTIONS.get(key)


def _fractions(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    for m in _FRACTION_OF_SCALE.finditer(text):
        share = _fraction_value(m.group("frac"))
        if share is None:
            continue
        curword = m.group("curword")
        unit = _CURRENCY_WORDS.get(curword.lower()) if curword else None
        sign = re.search(r"(US\$|\$|€|£|¥)\s?$", text[max(0, m.start() - 4) : m.start()])
        if unit is None and sign:
            unit = _CURRENCY_SIGNS.get(sign.group(1).lower())
        found.append(Quantity(share * _SCALE_WORDS[m.group("scale").lower()], m.group(0), m.start(), m.end(), unit))
    for m in _FRACTION.finditer(text):
        if any(q.start <= m.start() < q.end for q in found):
            continue
        if m.group("frac"):
            share = _fraction_value(m.group("frac"))
            if share is None:
                continue
            value = share * 100
        else:
            num = _word_number(m.group("num")) if not m.group("num").isdigit() else float(m.group("num"))
            den_raw = m.group("den")
            den = float(den_raw) if den_raw.isdigit() else _word_number(den_raw)
            if not num or not den or num >= den:
                continue
            value = num / den * 100
        found.append(Quantity(value, m.group(0), m.start(), m.end(), "%"))
    return found


def quantities(text: str, *, soft: bool = False) -> list[Quantity]:
    """Figures in a text, scale words folded in: "$2bn" and "2 billion dollars" are 2e9.

    Years, days of the month, clock times and codes ("Covid-19") are not figures;
    "a quarter of" and "one in four" are 25 per cent. Small number words ("two
    officials", "twelve") are left out, or given as ``soft`` figures with ``soft=True``.
    """
    found = _quantities(text)
    return list(found) if soft else [q for q in found if not q.soft]


@lru_cache(maxsize=8192)
def _quantities(text: str) -> list[Quantity]:
    found = [_with_qualifier(text, q) for q in _fractions(text)]
    taken = [(q.start, q.end) for q in found]
    for m in _QUANTITY.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        raw = m.group("num")
        cur = m.group("cur")
        lead = text[max(0, m.start() - 2) : m.start()]
        if len(lead) == 2 and lead[1] in "-/" and lead[0].isalnum():
            continue  # "Covid-19", "G-7", "3/4": part of a name or a code
        if raw[0].isdigit():
            value = float(re.sub(r"[,\s\u00a0\u202f\u2009]", "", raw))
            is_word = False
        else:
            parsed = _word_number(raw)
            if parsed is None:
                continue
            value, is_word = parsed, True
        scale = m.group("scale")
        pct = m.group("pct")
        curword = m.group("curword")
        if raw.lower() in ("a", "one") and not scale:
            continue
        if raw[0].isdigit() and not scale and not pct and text[m.end("num") : m.end("num") + 1].isalpha():
            continue  # "3yearold", "4G", "5th"-like codes glued to letters
        if scale:
            spaced = m.start("scale") > m.end("num")
            if scale.lower() in ("m", "b", "k") and not cur and not curword and (
                    is_word or spaced or scale.lower() != "m" or _LENGTH_AFTER.match(text, m.end("scale"))):
                scale = None  # "5m high", "a 10m-long wall": metres, not millions; "5 b" is not a figure
            if scale:
                value *= _SCALE_WORDS[scale.lower()]
        is_soft = is_word and not scale and not cur and not pct and not curword and value < 13
        if is_soft and value < 2:
            continue  # "one of the": not a figure
        unit = (_CURRENCY_SIGNS.get(cur.strip().lower()) if cur else None) or ("%" if pct else None) or (
            _CURRENCY_WORDS.get(curword.lower()) if curword else None)
        if unit is None and not scale and not is_word:
            if 1900 <= value <= 2100 and "." not in raw and "," not in raw and not re.search(r"\s", raw):
                continue  # a year, not a figure
            if _is_date_part(text, m.start("num"), m.end("num")):
                continue
        end = m.end()
        if not scale and not pct and not curword:
            end = m.end("num")
        elif not pct and not curword:
            end = m.end("scale")
        found.append(_with_qualifier(text, Quantity(value, text[m.start() : end].strip(), m.start(), end, unit,
                                                    soft=is_soft)))
    found.sort(key=lambda q: q.start)
    return found


def _with_qualifier(text: str, q: Quantity) -> Quantity:
    m = _QUALIFIER_BEFORE.search(text[max(0, q.start - 24) : q.start])
    if not m:
        return q
    return Quantity(q.value, q.text, q.start, q.end, q.unit, m.group("q").lower(), q.soft)


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


def same_figure(a: Quantity, b: Quantity) -> bool:
    """One figure written two ways: compatible, or equal when one side names no unit ("$2bn", "2 billion")."""
    if compatible(a, b):
        return True
    if None in (a.unit, b.unit) and a.unit != b.unit:
        (a0, a1), (b0, b1) = a.bounds, b.bounds
        return a0 <= b1 and b0 <= a1
    return False


def figure_state(claim: list[Quantity], text: list[Quantity]) -> tuple[str, list[tuple[Quantity, Quantity | None]]]:
    """How a text's figures stand to a claim's.

    ("none", []) the claim has no figure; ("same", []) the text carries a claim figure;
    ("differs", pairs) the text has a figure of the same kind with another value (claim figure,
    text figure); ("missing", [(q, None)...]) the text has no figure of that kind. Soft figures
    (small number words) count only against a figure of the same kind.
    """
    hard = [q for q in claim if not q.soft]
    if not claim:
        return "none", []
    differs: list[tuple[Quantity, Quantity | None]] = []
    missing: list[tuple[Quantity, Quantity | None]] = []
    found = False
    for q in claim:
        if any(same_figure(q, t) for t in text):
            found = True
            continue
        kin = [t for t in text if same_kind(q, t) and (q.unit or t.unit or not (q.soft and t.soft))]
        if kin:
            differs.append((q, min(kin, key=lambda t: abs(t.value - q.value))))
        elif not q.soft:
            missing.append((q, None))
    if differs and not found:
        return "differs", differs
    if found:
        return "same", differs
    if missing and hard:
        return "missing", missing
    return "none", []
