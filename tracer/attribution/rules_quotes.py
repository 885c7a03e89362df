"""Rules for layout and punctuation: datelines ("LONDON (Reuters) -"), a name and a colon
opening a sentence, a quote signed with a dash, a quote after a colon in the next paragraph."""

from __future__ import annotations

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    NOT_SPEAKERS,
    QUOTE_CHARS,
    QUOTE_TOKENS,
    first_non_space,
    quote_at,
    quote_ending_at,
    trim_end,
)
from tracer.attribution.cues import Found
from tracer.attribution.rules_context import RuleContext
from tracer.attribution.sources import (
    canonical_source,
)
from tracer.models import Span


class QuoteRules(RuleContext):
    """Sources given by layout: datelines, colons, signed and continued quotes."""

    # "LONDON (Reuters) - ..." at the start of a paragraph
    def _dateline(self, index, toks, used, out):
        s = self.sentences[index]
        p_start = self.paragraphs[s.paragraph][0] if s.paragraph < len(self.paragraphs) else s.start
        if s.start != p_start or len(toks) < 6:
            return
        for i in range(min(len(toks) - 3, 12)):
            if toks[i].text != "(" or not toks[i + 1].text[:1].isupper():
                continue
            # "(Reuters)", "(Nordic Wire Agency)": up to four capitalised words in brackets
            close = next((m for m in range(i + 2, min(len(toks) - 1, i + 6)) if toks[m].text == ")"), None)
            if close is None or not all(t.text[:1].isupper() or t.text in ("&", "-", "/") for t in toks[i + 1 : close]):
                continue
            if toks[close + 1].text in "-—–:":
                if i == 0 or not toks[i - 1].text.isupper() and toks[i - 1].text not in (",", ".") and not toks[i - 1].text[:1].isdigit():
                    # a dateline place is in capitals, or a date precedes the bracket
                    if i > 0 and not any(t.text.isupper() and len(t.text) > 1 for t in toks[:i]):
                        continue
                rest = close + 2
                if rest >= len(toks):
                    return
                used.update(range(i, rest))
                content = [(toks[rest].start, self._content_end(index, toks, rest))]
                yield Found([(toks[i + 1].start, toks[close - 1].end)], [(toks[i].start, toks[close + 1].end)], content, index)
                return

    # "Reuters: UN report says ..." / "Trump: ..." — a short name and a colon open the sentence
    def _colon_lead(self, index, toks, used, out):
        """"Reuters: ...", "WALLACE: ..." (a transcript), "Warren to CEO: ‘...’"."""
        first = 1 if toks and toks[0].text in QUOTE_TOKENS else 0  # '"WALLACE: ...'
        for i in range(first + 1, min(len(toks) - 1, first + 12)):
            if toks[i].text != ":" or toks[i].quoted and not first:
                continue
            name = toks[first:i]
            if any(k in used for k in range(i + 1)):
                return
            if not all(t.text[:1].isupper() or t.low in ("of", "the", "&", "-", "'s", "’s", "’", "'") for t in name):
                return
            if toks[first].low in lx.DETERMINERS - {"the"} or toks[i - 1].low in lx.CLAUSE_BOUNDARIES or toks[first].low in NOT_SPEAKERS:
                return  # "Breaking: ...": not a speaker
            rest = i + 1
            words = [t for t in name if t.text[:1].isalpha()]
            label = len(words) == 1 and words[0].text.isupper() and len(words[0].text) >= 3
            quoted = toks[rest].text in QUOTE_TOKENS or toks[rest].text in "‘'"
            kind = canonical_source(" ".join(t.text for t in name))[1]
            s = self.sentences[index]
            headline = (
                kind == "person" and first == 0 and s.start == self._paragraph_start(s.paragraph) and 1 <= len(words) <= 3
                and sum(1 for t in toks[i + 1 :] if t.text[:1].isalnum()) >= 5 and toks[i - 1].low not in lx.PERSON_WORDS
            )  # "Lynch: No outside influence on FBI probe" — a headline quoting a person
            if not (label or quoted or headline or kind in ("outlet", "organisation", "document")):
                return  # "Thunder: Host the Lakers", "Star Wars Jedi: Fallen Order": not speakers
            if not label and not quoted and (i - first > 4 or len(toks) - i < 6):
                return  # "South Carolina: names, names": a list, not a speaker
            s = self.sentences[index]
            if label and s.start == self._paragraph_start(s.paragraph):
                # a transcript turn: the speaker's words run to the paragraph's end
                end = trim_end(self.text, toks[rest].start, self.paragraphs[s.paragraph][1])
            else:
                end = self._content_end(index, toks, rest)
            if end <= toks[rest].start:
                return
            used.update(range(i + 1))
            yield Found([(toks[first].start, toks[i - 1].end)], [(toks[i].start, toks[i].end)], [(toks[rest].start, end)], index)
            return

    # "“...” ― Veronica Cruz": a quote signed with a dash and a name
    def _signed_quote(self, index, toks, used, out):
        n = len(toks)
        for i in range(0, n - 1):
            if toks[i].text not in ("―", "—", "–", "-") or toks[i].quoted:
                continue
            before = self.text[: toks[i].start].rstrip()
            if not before or before[-1] not in QUOTE_CHARS:
                continue
            e = i + 1
            while e < n and (toks[e].text[:1].isupper() or toks[e].text in (".", "-")) and e - i <= 6:
                e += 1
            if e < n - 1 or e == i + 1 or (e == n - 1 and toks[e].text not in ".!"):
                continue
            q = quote_ending_at(len(before), self.quotes, self.quote_ends)
            if q is None:
                continue
            name_end = e - 1 if toks[e - 1].text == "." else e
            used.update(range(i, e))
            yield Found([(toks[i + 1].start, toks[name_end - 1].end)], [(toks[i].start, toks[i].end)], [q], index)
            return

    def _next_paragraph_quote(self, index) -> Span | None:
        """After "X said:" ending a paragraph: the quote (or the paragraph) that follows."""
        s = self.sentences[index]
        p = s.paragraph + 1
        if p >= len(self.paragraphs):
            return None
        p_start, p_end = self.paragraphs[p]
        start = first_non_space(self.text, p_start, p_end)
        if start >= p_end:
            return None
        q = quote_at(start, self.quotes, self.quote_starts)
        if q is not None:
            return q
        return (start, trim_end(self.text, start, p_end))

    def _quote_after_colon(self, index, previous: list[Found]) -> list[Found]:
        """A paragraph that is only a quote, after "X said:" — already taken as X's content."""
        return []
