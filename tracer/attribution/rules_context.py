"""The text a rule reads: sentences, paragraphs and paired quotes, with the offset
helpers and the content boundaries (where an attributed statement starts and ends) that
every rule family uses."""

from __future__ import annotations

from bisect import bisect_right

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    PARTICLES,
    QUOTE_TOKENS,
    Token,
    circumstance_run,
    clause_stop,
    find_quotes,
    first_non_space,
    quote_at,
    quote_ending_at,
    sentence_subject,
    skip_circumstances,
    skip_hearer,
    skip_intro_chunks,
    skip_to_break,
    tokens,
    trim_end,
)
from tracer.attribution.cues import (
    OBJECT_STOPS,
    SETTING_NOUNS,
    is_ly,
    participle_word,
    setting_before,
)
from tracer.models import Sentence, Span


class RuleContext:
    """The text with its sentences, paragraphs and quotes; what every rule family reads."""

    def __init__(self, text: str, sentences: list[Sentence], paragraphs: list[Span]):
        self.text = text
        self.sentences = sentences
        self.paragraphs = paragraphs
        self.quotes = find_quotes(text, paragraphs)
        self.quote_starts = [q[0] for q in self.quotes]
        self.quote_ends = {q[1]: q[0] for q in self.quotes}
        self.par_starts = [p[0] for p in paragraphs]

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect_right(self.par_starts, pos) - 1)

    def sentence_tokens(self, index: int) -> list[Token]:
        s = self.sentences[index]
        return tokens(self.text, s.start, s.end, self.quotes, self.quote_starts)

    def is_quote_span(self, span: Span) -> bool:
        """Is this span exactly one paired quotation?"""
        return quote_at(span[0], self.quotes, self.quote_starts) == span

    def extend_to_quote(self, start: int, end: int) -> int:
        """When content starts with an opening quote, it runs to that quote's end."""
        q = quote_at(start, self.quotes, self.quote_starts)
        if q is not None and q[1] > end:
            return q[1]
        return end

    def _paragraph_start(self, p: int) -> int:
        if 0 <= p < len(self.paragraphs):
            return first_non_space(self.text, *self.paragraphs[p])
        return -1

    def _inside_content(self, pos: int) -> bool:
        return any(s <= pos < e for f in self._current for s, e in f.content)

    def _sentence_source(self, index, toks, before: int) -> list[Span] | None:
        """The source of the latest attribution found earlier in this sentence, else the
        noun phrase that opens the sentence."""
        for f in reversed(self._current):
            if f.sentence == index and f.source and f.cue and f.cue[0][1] <= toks[before].start:
                return list(f.source)
        # "..., I laughed and said": the clause after the last comma has its own subject
        comma = next((k for k in range(before - 1, -1, -1) if toks[k].text == "," and not toks[k].quoted), None)
        if comma is not None and comma + 1 < before:
            first = toks[comma + 1]
            if first.low in ("he", "she", "they", "i", "we", "it"):
                return [(first.start, first.end)]
        subj = sentence_subject(toks)
        if subj is None or subj[1] > before:
            return None
        return [(toks[subj[0]].start, toks[subj[1] - 1].end)]

    def _content_start(self, toks, i) -> tuple[int | None, int]:
        """First content token after the cue at i, and the end of the cue (exclusive)."""
        n = len(toks)
        cue_end = i + 1
        lemma = lx.CUE_FORMS.get(toks[i].low, "")
        k = i + 1
        if k + 1 < n and is_ly(toks[k]) and toks[k + 1].low in PARTICLES.get(lemma, ()):
            k += 1  # "talked glowingly about"
        if k < n and toks[k].low in PARTICLES.get(lemma, ()):
            cue_end = k + 1  # "called for", "referred to", "pointed out"
            k += 1
        # "said in a statement", "told reporters", "said on Monday" up to "that"
        that = None
        for j in range(k, min(n, k + 12)):
            if toks[j].low == "that" and not toks[j].quoted:
                that = j
                break
            if (toks[j].quoted or toks[j].text in QUOTE_TOKENS) and lemma in lx.HEARER_LEMMAS:
                continue  # 'told MSNBC's "Morning Joe" that ...'
            if toks[j].text in ",;:" or toks[j].quoted or toks[j].text in QUOTE_TOKENS or toks[j].low in lx.CUE_FORMS:
                break
        if that is not None and (that == k or circumstance_run(toks, k, that) or lemma in lx.HEARER_LEMMAS or setting_before(toks, k, that)):
            return that, cue_end
        if k < n and toks[k].low in ("in", "to") and k + 2 < n and toks[k + 2].low in ("statement", "interview", "tweet", "post", "email", "letter", "release"):
            cue_end = k + 3
            k = skip_to_break(toks, k + 3)
        if lemma in lx.HEARER_LEMMAS and cue_end == i + 1:
            k = skip_hearer(toks, k)  # not after a particle: "asked for a sentence"
        if k < n and toks[k].low in ("of", "about"):
            colon = next((j for j in range(k + 1, min(n, k + 8)) if toks[j].text in ":,"), None)
            if colon is not None and toks[colon].text == ":":
                cue_end = colon + 1
                k = colon + 1
                if k >= n:
                    return n, cue_end
        k = skip_circumstances(toks, k)
        if k < n and toks[k].text in ",:" and (k + 1 >= n or True):
            if toks[k].text == ":":
                cue_end = k + 1
            k += 1
        if k >= n:
            # "X said:" at the very end of the sentence: content is in the next paragraph
            return (n, cue_end) if toks[-1].text == ":" else (None, cue_end)
        if k == i + 1 and toks[k].text in ".!?":
            return None, cue_end
        if n - k < 2 and toks[k].text not in QUOTE_TOKENS:
            return None, cue_end
        return k, cue_end

    def _content_end(self, index, toks, c0) -> int:
        """End offset of content starting at token c0: the sentence end (without its final
        period), or the end of the quote the content opens with."""
        s = self.sentences[index]
        if c0 >= len(toks):
            return s.end
        stop = clause_stop(toks, c0)
        end = s.end if stop >= len(toks) else toks[stop].start
        end = trim_end(self.text, toks[c0].start, end)
        q = quote_at(toks[c0].start, self.quotes, self.quote_starts)
        if q is not None and q[1] > end:
            end = q[1]
        # a quote opened inside the content and closed after the sentence: keep it whole
        i = bisect_right(self.quote_starts, end) - 1
        if i >= 0 and toks[c0].start <= self.quotes[i][0] < end < self.quotes[i][1] and self.quotes[i][1] - end < 2000:
            end = self.quotes[i][1]
        return end

    def _object_end(self, toks, c0) -> int:
        """End offset of a stance verb's object: "backed the bill despite ..." -> "the bill";
        "accused X of Y" and "called X a liar" keep their second part."""
        n = len(toks)
        j = c0
        while j < n:
            t = toks[j]
            if t.quoted or t.text in QUOTE_TOKENS:
                j += 1
                continue
            if j > c0 and (t.text in ";:—–()" or t.low in OBJECT_STOPS or t.text in ".!?" and j == n - 1):
                break
            if j > c0 + 1 and t.low in ("in", "on", "at", "during") and any(x.low in SETTING_NOUNS for x in toks[j + 1 : j + 4]):
                break  # "called the system “rigged” in a tweet Tuesday"
            if j > c0 and t.text == "," and j + 1 < n:
                nxt = toks[j + 1]
                if nxt.low in OBJECT_STOPS or nxt.low in lx.DETERMINERS or nxt.low in lx.PRONOUNS or nxt.low in ("down", "up", "according", "saying", "adding", "noting") or participle_word(nxt):
                    break
            j += 1
        j = max(j, c0 + 1)
        return trim_end(self.text, toks[c0].start, toks[j - 1].end)

    def _content_before(self, index, toks, brk) -> list[Span]:
        """Content of an inverted attribution: what precedes the break at token brk."""
        s = self.sentences[index]
        end_tok = toks[brk]
        # a closing quote before the break: the whole quote, wherever it started
        j = brk
        if end_tok.text in QUOTE_TOKENS:
            q = quote_ending_at(end_tok.end, self.quotes, self.quote_ends)
        elif brk > 0 and toks[brk - 1].text in QUOTE_TOKENS:
            q = quote_ending_at(toks[brk - 1].end, self.quotes, self.quote_ends)
        else:
            q = None
        if q is not None:
            lead = self.text[s.start : q[0]]
            if s.start < q[0] and not lead.rstrip().endswith((":", ".", "!", "?")) and len(lead.split()) <= 25:
                return [(s.start, q[1])]  # 'Using the tax ''is a misguided approach,'' said X'
            return [q]
        start = s.start
        # the content starts after a leading "But," / "In 2012," only if a clause follows
        for k in range(j - 1, -1, -1):
            if toks[k].text in ";" or (toks[k].text == ":" and k > 0):
                start = toks[k + 1].start
                break
        end = trim_end(self.text, start, end_tok.start if end_tok.text not in QUOTE_TOKENS else end_tok.end)
        if end <= start:
            return []
        return [(start, end)]

    def _content_around(self, index, toks, cue_i, src_end) -> list[Span]:
        """Content of "according to X": what precedes it, what follows it when it opens
        the clause, or both around a mid-sentence ", according to X,"."""
        n = len(toks)
        after = src_end + 1 if src_end < n and toks[src_end].text == "," else src_end
        after_ok = after < n - 1 and toks[after].text not in ".!?"
        lead_start = 0
        for k in range(cue_i - 1, -1, -1):
            if toks[k].text == ";" and not toks[k].quoted:
                lead_start = k + 1
                break
        lead_start = skip_intro_chunks(toks, lead_start, cue_i)
        lead_end = cue_i
        while lead_end > lead_start and toks[lead_end - 1].text in ",(—–-":
            lead_end -= 1
        words = sum(1 for t in toks[lead_start:lead_end] if t.text[:1].isalnum())
        spans: list[Span] = []
        if words >= 2:
            spans.append((toks[lead_start].start, trim_end(self.text, toks[lead_start].start, toks[lead_end - 1].end)))
        if after_ok and spans:
            # "Trump, according to X, has said ...": the clause goes on after the source;
            # ", according to X, who ..." does not
            first = toks[after]
            after_ok = toks[src_end].text == "," and first.text.islower() and first.low not in lx.CLAUSE_BOUNDARIES and first.low not in lx.DETERMINERS and first.low not in ("who", "which", "whose")
        if after_ok:
            end = self._content_end(index, toks, after)
            if end > toks[after].start:
                spans.append((toks[after].start, end))
        return spans
