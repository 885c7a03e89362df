"""Sentences that say where the previous sentence's facts come from, without a cue verb of
their own: "That is the finding of a report by X", "The figures come from a survey by X",
"The totals are set out in the council's annual report, published on Monday", "These numbers
were compiled by X".

The sentence's subject points back (a demonstrative, or a definite data noun: "the figures",
"the totals", "the results") and its predicate names a provenance ("the finding of", "come
from", "are drawn from", "are set out in", "were compiled by"). The source is the noun phrase
after the predicate; the content is what the subject points back at: the sentences before it
in its paragraph, or the paragraph before when it opens a paragraph (a figures paragraph and
then "The figures come from ...").
"""

from __future__ import annotations

import re

from tracer.attribution.clauses import np_forward
from tracer.attribution.cues import Found
from tracer.attribution.rules_context import RuleContext

_WORD = re.compile(r"[A-Za-z]+")
# Words that point back at what was just said.
_POINTERS = frozenset("that this these those it".split())
_DATA_NOUNS = frozenset(
    """figure figures total totals number numbers data statistics stats findings finding results result
    estimate estimates count counts tally numbers rankings ranking details claims claim allegations
    projections forecast forecasts calculations calculation survey poll""".split()
)
_SUBJECT_FILLERS = frozenset("the latest new these those official annual provisional above latter same".split())
_BE = frozenset("is are was were 's ’s".split())
# "the finding of X": nouns that make the whole sentence say whose it is
_RESULT_NOUNS = frozenset("finding findings conclusion conclusions verdict result results estimate estimates figure figures claim assessment calculation calculations analysis".split())
# participle + preposition after "be": "are set out in", "were drawn from", "was compiled by"
_PARTICIPLES = {
    "from": frozenset("drawn taken sourced derived obtained gathered collected culled pulled".split()),
    "in": frozenset("set contained published included detailed given outlined shown revealed reported found presented disclosed listed recorded".split()),
    "by": frozenset("compiled collected produced published released prepared gathered commissioned supplied provided calculated".split()),
    "on": frozenset("based".split()),
}
_COME = frozenset("come comes came".split())
_APPEAR = frozenset("appear appears appeared feature features featured".split())
# words the rule needs in a sentence before it looks closer (the cheap pre-filter)
# "..., in a post by X" / "..., in a statement from X": where the words were published
_MEDIA = frozenset("""post posts blog blogpost statement tweet video letter email message newsletter update notice
    announcement release bulletin interview podcast filing thread broadcast""".split())
# "X's fact sheet is an eye-opener: ...", "A new report from X makes grim reading: ...": a
# document named before a colon, its content after it
_DOC_NOUNS = frozenset("""report study survey sheet factsheet analysis review audit research paper poll figures
    data statistics briefing dossier index tracker""".split())
HINTS = frozenset(_DOC_NOUNS | _RESULT_NOUNS | _COME | _APPEAR | {w for ws in _PARTICIPLES.values() for w in ws} | {"out", "per"} | _MEDIA)


class ProvenanceRules(RuleContext):
    """A sentence naming where the previous sentence's facts come from."""

    def _subject_end(self, toks) -> int | None:
        """Token index after a pointing subject ("That", "The figures", "These latest numbers")."""
        if not toks:
            return None
        first = toks[0].low
        if first in _POINTERS:
            k = 1
            if k < len(toks) and toks[k].low in _DATA_NOUNS:
                k += 1
            return k
        if first not in ("the", "these", "those", "such"):
            return None
        k = 1
        while k < len(toks) and k <= 3 and toks[k].low in _SUBJECT_FILLERS:
            k += 1
        if k < len(toks) and toks[k].low in _DATA_NOUNS:
            k += 1
            if k < len(toks) and toks[k].low in _DATA_NOUNS:
                k += 1  # "the survey results"
            return k
        return None

    def _predicate_end(self, toks, k) -> int | None:
        """Token index where the source starts, after a provenance predicate at k."""
        n = len(toks)
        if k >= n or toks[k].quoted:
            return None
        word = toks[k].low
        if word in _COME and k + 1 < n and toks[k + 1].low == "from":
            return k + 2
        if word in _APPEAR and k + 1 < n and toks[k + 1].low == "in":
            return k + 2
        if word not in _BE or k + 1 >= n:
            return None
        j = k + 1
        if toks[j].low in ("all", "largely", "mostly", "partly", "mainly"):
            j += 1
        if j + 2 < n and toks[j].low in ("the", "a") and toks[j + 1].low in _RESULT_NOUNS and toks[j + 2].low == "of":
            return j + 3  # "That is the finding of"
        if j + 3 < n and toks[j].low in ("the", "a") and toks[j + 1].low in ("main", "central", "key", "headline", "latest") \
                and toks[j + 2].low in _RESULT_NOUNS and toks[j + 3].low == "of":
            return j + 4
        if j + 1 < n and toks[j].low == "according" and toks[j + 1].low == "to":
            return j + 2
        if j + 1 < n and toks[j].low in ("from", "in") and (toks[j + 1].low in ("a", "an", "the") or toks[j + 1].text[:1].isupper()):
            return j + 1  # "The figures are from a survey by X"
        if j + 2 < n and toks[j].low == "set" and toks[j + 1].low == "out" and toks[j + 2].low == "in":
            return j + 3
        for prep, words in _PARTICIPLES.items():
            if j + 1 < n and toks[j].low in words and toks[j + 1].low == prep:
                return j + 2
        return None

    def _pointed_content(self, index: int) -> list:
        """What the subject points back at: the earlier sentences of the paragraph, or the
        whole paragraph before when the sentence opens its own."""
        s = self.sentences[index]
        p = self.paragraph_of(s.start)
        start = self._paragraph_start(p)
        if 0 <= start < s.start:
            return [(start, s.start)]
        if index == 0:
            return []
        prev = self.sentences[index - 1]
        q = self.paragraph_of(prev.start)
        begin = self._paragraph_start(q)
        return [(begin if 0 <= begin <= prev.start else prev.start, prev.end)]

    def _per_credit(self, index, toks, used, out):
        """"..., per the Daily Flare" / "(per Reuters)": a credit like "according to". Only a
        capitalised name follows: "per cent", "per year", "per head" are units."""
        n = len(toks)
        for i in range(n - 1):
            if toks[i].low != "per" or toks[i].quoted or i in used or toks[i].text != "per":
                continue
            if i > 0 and toks[i - 1].text not in (",", "(", "—", "–", ";"):
                continue  # a credit stands apart ("..., per X", "(per X)"); "per Torino" in Italian does not
            k = i + 1
            if toks[k].low in ("the", "a", "an") and k + 1 < n:
                k += 1
            if not toks[k].text[:1].isupper() or toks[k].low in ("cent",):
                continue
            src_end = np_forward(toks, i + 1)
            if src_end <= k:
                continue
            content = self._content_around(index, toks, i, src_end)
            if not content:
                continue
            used.update(range(i, src_end))
            yield Found([(toks[i + 1].start, toks[src_end - 1].end)], [(toks[i].start, toks[i].end)], content, index)

    def _in_medium_by(self, index, toks, used, out):
        """"..., in a post by the Residents' Association" / "..., in a statement from X": the
        clause before it is X's, published in that medium."""
        n = len(toks)
        for i in range(1, n - 3):
            if toks[i].low not in ("in", "on") or toks[i].quoted or i in used or toks[i - 1].text != ",":
                continue
            j = i + 1
            if toks[j].low in ("a", "an", "the", "its", "their", "his", "her"):
                j += 1
            k = j
            while k < n and k - j < 3 and toks[k].low not in _MEDIA and toks[k].text not in ",.;":
                k += 1  # "a Facebook post", "a short video"
            if k + 2 >= n or toks[k].low not in _MEDIA:
                continue
            by = k + 1
            if toks[by].low in ("posted", "published", "issued", "released", "sent", "shared") and by + 1 < n:
                by += 1
            if toks[by].low not in ("by", "from"):
                continue
            src_start = by + 1
            src_end = np_forward(toks, src_start)
            if src_end <= src_start or not any(t.text[:1].isupper() for t in toks[src_start:src_end]):
                continue
            content = self._content_around(index, toks, i, src_end)
            if not content:
                continue
            used.update(range(i, src_end))
            yield Found([(toks[src_start].start, toks[src_end - 1].end)], [(toks[i].start, toks[by].end)], content, index)

    def _document_colon(self, index, toks, used, out):
        """"..., and the Riverwatch Trust's fact sheet is an eye-opener: some 23% ..." / "A new
        report from X makes grim reading: ...": a document whose owner is named before a colon
        says what follows it."""
        if out:
            return
        n = len(toks)
        colon = next((i for i, t in enumerate(toks) if t.text == ":" and not t.quoted), None)
        if colon is None or colon < 3 or sum(1 for t in toks[colon + 1 :] if t.text[:1].isalnum()) < 5:
            return
        if toks[colon + 1].text in ("“", '"', "‘", "'"):
            return  # "X's report says: “...”" is a quote, read by the quote rules
        doc = next((d for d in range(colon - 1, max(colon - 9, 0), -1) if toks[d].low in _DOC_NOUNS and not toks[d].quoted), None)
        if doc is None or any(k in used for k in range(doc, colon + 1)):
            return
        owner = None
        # "X's fact sheet": a capitalised name with a possessive just before the document noun
        d = doc - 1 if doc - 1 >= 0 and toks[doc - 1].low in ("fact",) else doc
        k = d - 1
        while k >= 0 and not toks[k].text[:1].isupper() and toks[k].low in ("new", "latest", "annual", "own", "recent"):
            k -= 1
        if k >= 1 and toks[k].text in ("'s", "’s", "'", "’") and toks[k - 1].text[:1].isupper():
            b = k - 1
            while b - 1 >= 0 and (toks[b - 1].text[:1].isupper() or toks[b - 1].low in ("of", "&", "and")):
                b -= 1
            while b < k and not toks[b].text[:1].isupper():
                b += 1
            owner = (b, doc + 1)
        else:
            # "a report from X", "the survey by X": the owner after the document noun
            j = doc + 1
            if j < colon and toks[j].low in ("from", "by", "of") and j + 1 < colon:
                e = j + 1
                if toks[e].low == "the":
                    e += 1
                if e < colon and toks[e].text[:1].isupper():
                    while e < colon and (toks[e].text[:1].isupper() or toks[e].low in ("of", "&", "and")):
                        e += 1
                    owner = (d if d < doc else doc, e)
        if owner is None:
            return
        a, b = owner
        end = self._content_end(index, toks, colon + 1)
        if end <= toks[colon + 1].start:
            return
        used.update(range(a, colon + 1))
        yield Found([(toks[a].start, toks[b - 1].end)], [(toks[colon].start, toks[colon].end)], [(toks[colon + 1].start, end)], index)

    def _provenance(self, index, toks, used, out):
        if out or not any(t.low in HINTS or t.low == "according" for t in toks):
            return
        k = self._subject_end(toks)
        if k is None:
            return
        src_start = self._predicate_end(toks, k)
        if src_start is None or src_start >= len(toks):
            return
        src_end = np_forward(toks, src_start, lists=True)
        while src_end + 1 < len(toks) and toks[src_end].text == "," and toks[src_end - 1].text.isdigit() \
                and toks[src_end + 1].text[:1].isdigit() and toks[src_end].start == toks[src_end - 1].end:
            src_end = max(src_end + 2, np_forward(toks, src_end + 1, lists=True))  # "2,140 parents"
        if src_end <= src_start or not any(t.text[:1].isalnum() for t in toks[src_start:src_end]):
            return
        content = self._pointed_content(index)
        content = [(a, b) for a, b in content if b > a and self.text[a:b].strip()]
        if not content:
            return
        # trim white space at the content's end
        a, b = content[-1]
        while b > a and self.text[b - 1].isspace():
            b -= 1
        content[-1] = (a, b)
        used.update(range(0, src_end))
        yield Found([(toks[src_start].start, toks[src_end - 1].end)], [(toks[k].start, toks[src_start - 1].end)], content, index)


def has_provenance_hint(chunk: str) -> bool:
    """Could the sentence say where the previous one's facts come from? (the cheap pre-filter)"""
    return any(w.lower() in HINTS for w in _WORD.findall(chunk))
