"""Rules for sources introduced by a preposition or a document: "according to X",
"as reported by X", "X, citing Y", "in a poll released Sunday"."""

from __future__ import annotations

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
            if j + 1 >= len(toks) or toks[j].low not in ("reported", "stated", "noted", "cited", "revealed", "quoted") or toks[j + 1].low != "by":
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
