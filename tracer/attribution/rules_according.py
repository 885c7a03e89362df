"""Rules for sources introduced by a preposition or a document: "according to X",
"as reported by X", "X, citing Y", "in a poll released Sunday"."""

from __future__ import annotations

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    QUOTE_TOKENS,
    SURVEY_WORDS,
    np_forward,
    quote_at,
    skip_circumstances,
    skip_intro_chunks,
    skip_setting,
)
from tracer.attribution.cues import Found
from tracer.attribution.rules_context import RuleContext
from tracer.attribution.sources import (
    head_index,
)


_DAY_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight week month year".split()
) | frozenset("january february march april may june july august september october november december".split())


class AccordingRules(RuleContext):
    """Sources after a preposition or named as a document."""

    # "according to X"
    def _according_to(self, index, toks, used, out):
        for i in range(len(toks) - 2):
            if toks[i].low != "according" or toks[i + 1].low != "to" or toks[i].quoted:
                continue
            src_start = i + 2
            src_end = np_forward(toks, src_start, lists=True)
            if src_end <= src_start:
                continue
            cue = [(toks[i].start, toks[i + 1].end)]
            n = len(toks)
            if i > 2 and src_end + 2 < n and toks[src_end].text == "," and toks[src_end + 1].low in ("a", "an", "the") and toks[src_end + 2].text.islower():
                # "..., according to Lily Batchelder, a former tax aide, ...": the appositive
                # is part of the source, not content
                e = src_end + 1
                while e < n and toks[e].text not in ",.;!?" and not toks[e].quoted:
                    e += 1
                content = self._content_around(index, toks, i, e)
                src_end = e
            else:
                content = self._content_around(index, toks, i, src_end)
            source = [(toks[src_start].start, toks[src_end - 1].end)]
            if not content:
                continue
            used.update(range(i, src_end))
            yield Found(source, cue, content, index)

    # "..., as reported by X" / "as first reported by X"
    def _as_reported_by(self, index, toks, used, out):
        for i in range(len(toks) - 3):
            if toks[i].low != "as" or toks[i].quoted:
                continue
            j = i + 1
            while j < len(toks) and toks[j].low in ("first", "previously", "originally", "earlier", "initially"):
                j += 1
            if j + 1 >= len(toks) or toks[j].low not in ("reported", "stated", "noted", "cited", "revealed", "quoted") or toks[j + 1].low != "by" \
                    and not self._reported_in(toks, j):
                f = self._as_x_reported(index, toks, i, used)
                if f is not None:
                    yield f
                continue
            src_start = j + 2
            src_end = np_forward(toks, src_start)
            if src_end <= src_start:
                continue
            content = self._content_around(index, toks, i, src_end)
            if not content:
                continue
            used.update(range(i, src_end))
            yield Found([(toks[src_start].start, toks[src_end - 1].end)], [(toks[i].start, toks[j + 1].end)], content, index)

    @staticmethod
    def _reported_in(toks, j) -> bool:
        """"As reported in the Coastline Herald, ..." / "as revealed on Harbour FM": where it was
        published, named (capitalised) right after "in"/"on"."""
        if toks[j].low not in ("reported", "revealed") or j + 2 >= len(toks) or toks[j + 1].low not in ("in", "on"):
            return False
        k = j + 2
        if toks[k].low == "the" and k + 1 < len(toks):
            k += 1
        return toks[k].text[:1].isupper() and toks[k].low not in _DAY_NAMES  # not "as reported in March"

    _AS_CUES = frozenset("reported reports revealed reveals wrote writes noted notes said says disclosed found reported put".split())

    def _as_x_reported(self, index, toks, i, used) -> Found | None:
        """"..., as the Harbour Times first reported on Friday." / "as Town Talk revealed
        last month": a named source, a reporting verb and only circumstances after it."""
        n = len(toks)
        k = i + 1
        if k >= n or not (toks[k].text[:1].isupper() or toks[k].low == "the" and k + 1 < n and toks[k + 1].text[:1].isupper()):
            return None
        e = np_forward(toks, k, allow_lower=False)
        run = k + 1 if toks[k].low == "the" else k
        while run < e and (toks[run].text[:1].isupper() or toks[run].low in ("of", "&", "’s", "'s", ".", "-")):
            run += 1
        e = min(e, run)  # the name: "as Ms. Simonyan put it in a statement"
        while e > k and toks[e - 1].low in ("first", "previously", "originally", "earlier", "initially", "exclusively", "also", "recently"):
            e -= 1
        if e <= k or e - k > 6 or not all(t.text[:1].isupper() or t.low in ("the", "of", "&", "’s", "'s") for t in toks[k:e]):
            return None
        c = cue0 = e
        while c < n and toks[c].low in ("first", "previously", "originally", "earlier", "initially", "exclusively", "has", "have", "had", "also", "recently"):
            c += 1
        if c < n and toks[c].text == "," and e - k <= 4:
            # "as Steven M. Rosenthal, a tax lawyer at the Urban Institute, recently put it"
            c2 = next((m for m in range(c + 1, min(n, c + 20)) if toks[m].text == "," and not toks[m].quoted), None)
            if c2 is not None and c2 + 1 < n and toks[c + 1].low in ("a", "an", "the", "who", "one"):
                e, c = c2, c2 + 1
                cue0 = c
                while c < n and toks[c].low in ("first", "previously", "originally", "earlier", "recently", "once", "has", "have", "had", "also", "famously", "memorably"):
                    c += 1
        if c >= n or toks[c].low not in self._AS_CUES or toks[c].quoted:
            return None
        if toks[c].low == "put":
            if c + 1 >= n or toks[c + 1].low != "it":
                return None
            c += 1  # "as Ms. Simonyan put it"
        after = skip_setting(toks, skip_circumstances(toks, c + 1))
        if after < n and toks[after].text not in ".,;!?":
            return None
        q = quote_at(toks[after + 1].start, self.quotes, self.quote_starts) if after + 1 < n and toks[after].text == "," else None
        if q is not None:
            content = [q]  # "As X put it, “...”"
        elif after + 2 < n and toks[after].text == "," and toks[after + 1].text not in QUOTE_TOKENS:
            # "Just weeks ago, as the Times reported, Thor and Beck were ...": the main clause
            end = self._content_end(index, toks, after + 1)
            content = [(toks[after + 1].start, end)] if end > toks[after + 1].start else []
        else:
            content = self._content_around(index, toks, i, after)
        if not content:
            return None
        used.update(range(i, c + 1))
        src_end = e - 1 if toks[e - 1].text == "," else e
        return Found([(toks[k].start, toks[src_end - 1].end)], [(toks[cue0].start, toks[c].end)], content, index)

    # "X, citing Y" -> Y nested in X's attribution
    def _citing(self, index, toks, used, out):
        for i in range(len(toks) - 1):
            if toks[i].low != "citing" or toks[i].quoted or i + 1 < len(toks) and (toks[i + 1].text in QUOTE_TOKENS or toks[i + 1].text in "‘'"):
                continue  # "citing ''the unique magic of Trump''": words, not a source
            src_end = np_forward(toks, i + 1)
            if src_end <= i + 1:
                continue
            owner = None
            for k in range(len(out) - 1, -1, -1):
                if out[k].sentence == index:
                    owner = k
                    break
            if owner is not None:
                content = list(out[owner].content)
            else:
                content = self._content_around(index, toks, i, src_end)
            if not content:
                continue
            used.update(range(i, src_end))
            f = Found([(toks[i + 1].start, toks[src_end - 1].end)], [(toks[i].start, toks[i].end)], content, index)
            f.nested_in = owner
            yield f

    # "In a CNN poll released Sunday, Clinton led by 4 points": the document is the source
    def _in_document(self, index, toks, used, out):
        if out or len(toks) < 6:
            return
        start = skip_intro_chunks(toks, 0, len(toks)) if toks[0].low != "in" else 0
        if start >= len(toks) - 4 or toks[start].low != "in":
            return
        comma = next((j for j in range(start + 1, min(len(toks), start + 16)) if toks[j].text == ","), None)
        if comma is None or comma + 3 >= len(toks):
            return
        head = head_index([t.low for t in toks[start + 1 : comma]])
        if head is None or toks[start + 1 + head].low not in SURVEY_WORDS:
            return
        end = self._content_end(index, toks, comma + 1)
        if end <= toks[comma + 1].start:
            return
        used.update(range(start, comma))
        yield Found([(toks[start + 1].start, toks[comma - 1].end)], [(toks[start].start, toks[start].end)], [(toks[comma + 1].start, end)], index)

    # "By CNN's count, ...", "by the agency's estimate": the reckoning is the source's
    _RECKONINGS = frozenset("count counts tally tallies estimate estimates calculation calculations reckoning math analysis tracking measure".split())

    def _by_reckoning(self, index, toks, used, out):
        n = len(toks)
        for i in range(n - 3):
            if toks[i].low != "by" or toks[i].quoted or i in used:
                continue
            j = i + 1
            if toks[j].low in ("the", "a", "an"):
                j += 1
            k = j
            while k < n and k - j < 6 and toks[k].low not in ("’s", "'s") and not toks[k].low.endswith(("’s", "'s")) and toks[k].text not in ",.;":
                k += 1
            if k >= n - 1:
                continue
            if toks[k].low in ("’s", "'s"):
                name_end, noun = k, k + 1
            elif toks[k].low.endswith(("’s", "'s")):
                name_end, noun = k + 1, k + 1
            else:
                continue
            while noun < n and toks[noun].low in ("own", "latest", "new", "initial", "preliminary", "rough", "official", "unofficial"):
                noun += 1
            if noun >= n or toks[noun].low not in self._RECKONINGS or name_end <= j or not toks[j].text[:1].isupper():
                continue
            if toks[j].low.rstrip("’'s") in _DAY_NAMES or toks[j].low in _DAY_NAMES:
                continue  # "by Friday's count": a time, not a source
            content = self._content_around(index, toks, i, noun + 1)
            if not content:
                continue
            used.update(range(i, noun + 1))
            src_end = toks[name_end - 1].end
            if toks[name_end - 1].low.endswith(("’s", "'s")) and toks[name_end - 1].low not in ("’s", "'s"):
                src_end -= 2
            yield Found([(toks[j].start, src_end)], [(toks[i].start, toks[i].end), (toks[noun].start, toks[noun].end)], content, index)

    # "the MTA's announcement on Thursday that it will ...": a statement named by its noun
    _STATEMENT_NOUNS = frozenset(
        "announcement statement claim claims warning pledge promise admission assertion insistence suggestion revelation confirmation prediction forecast finding findings conclusion decision".split()
    )

    def _named_statement(self, index, toks, used, out):
        n = len(toks)
        for i in range(1, n - 2):
            if toks[i].low not in self._STATEMENT_NOUNS or toks[i].quoted or i in used:
                continue
            k = i - 1
            if toks[k].low not in ("’s", "'s"):
                continue
            s = k - 1
            while s >= 0 and k - s <= 6 and (toks[s].text[:1].isupper() or toks[s].low in ("of", "&")) and not toks[s].quoted:
                s -= 1
            s += 1
            if s >= k or not toks[s].text[:1].isupper():
                # "the port authority's announcement": a definite description names it too
                the = next((m for m in range(k - 1, max(-1, k - 5), -1) if toks[m].low == "the"), None)
                if the is None or the == k - 1 or any(not toks[m].text.isalpha() or toks[m].low in lx.CUE_FORMS for m in range(the + 1, k)):
                    continue
                s = the + 1
            that = next((m for m in range(i + 1, min(n, i + 8)) if toks[m].low == "that" and not toks[m].quoted), None)
            if that is None or that + 1 >= n or any(toks[m].text in ",;.()" for m in range(i + 1, that)):
                continue
            end = self._content_end(index, toks, that + 1)
            if end <= toks[that + 1].start:
                continue
            used.update(range(s, that + 1))
            yield Found([(toks[s].start, toks[k - 1].end)], [(toks[i].start, toks[i].end)], [(toks[that + 1].start, end)], index)

    # "This post is based on a recent piece ...", "adapted from a report by ..."
    def _based_on(self, index, toks, used, out):
        n = len(toks)
        for i in range(1, n - 2):
            t = toks[i]
            if t.quoted or i in used:
                continue
            if t.low == "based" and toks[i + 1].low == "on" or t.low in ("adapted", "drawn", "excerpted", "taken") and toks[i + 1].low == "from":
                if toks[i - 1].low not in ("is", "was", "are", "were", "been", "’s", "'s", "largely", "partly", "loosely"):
                    continue
                src_end = np_forward(toks, i + 2)
                if src_end <= i + 2:
                    continue
                subj_start = next((m + 1 for m in range(i - 1, -1, -1) if toks[m].text in ",;:"), 0)
                if subj_start >= i - 1:
                    continue
                used.update(range(i, src_end))
                yield Found([(toks[i + 2].start, toks[src_end - 1].end)], [(t.start, toks[i + 1].end)],
                            [(toks[subj_start].start, toks[i - 1].start - 1 if toks[i - 1].start > toks[subj_start].start else toks[i - 1].end)], index)
