"""Attribution extraction: who does each stretch of text say it came from?

Rule-based, pure Python + regex. For every sentence the rules look for a cue ("said",
"according to", "told", a colon lead-in, a dateline ...) outside quotation marks, then find
the cue's source (the noun phrase that speaks) and its content (what is attributed), with
character offsets into the text. Quotes are paired over the whole text first, so a content
that starts with a quotation mark runs to its closing mark, across sentences and across
paragraphs ("opening marks on each paragraph, one closing mark").

Public API: ``extract_attributions`` (and ``split_sentences`` from tracer.sentences);
``attribution_to_json`` / ``attributions_for`` serve the CLI.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from . import lexicon as lx
from .models import Attribution, Link, Sentence, Span
from .sentences import split_paragraphs, split_sentences

__all__ = [
    "extract_attributions",
    "split_sentences",
    "attribution_to_json",
    "attributions_for",
]

# Words (with inner apostrophes, hyphens, dots and ampersands) or single punctuation marks.
# Abbreviations keep their period ("Mr.", "U.S.", "J."), so a period token always ends
# something.
_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|Inc|Corp|Co|Ltd|Jan|Feb"
    r"|Aug|Sept|Oct|Nov|Dec|Mt|Ft|No|Vol|vs|Adm|Cmdr|Supt)\.(?=\s)|(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s[A-Z])"
    # contractions come apart ("doesn" "’t", "I" "’ve", "Trump" "’s") as the scorer's words do
    r"|\w+(?:[\-.&]\w+|[’'](?!(?:s|re|ve|ll|d|m|t)\b)\w+)*|[’'](?:s|re|ve|ll|d|m|t)\b|''|[^\w\s]",
    re.UNICODE,
)

OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"
STRAIGHT_QUOTES = '"'
QUOTE_CHARS = OPEN_QUOTES + CLOSE_QUOTES + STRAIGHT_QUOTES
# Two apostrophes ('') stand for a double quotation mark in some wire copy.
_QUOTE_CHAR = re.compile(r"''|[\"“”„«»]")
QUOTE_TOKENS = frozenset(QUOTE_CHARS) | {"''"}

# A sentence is only analysed when one of these words occurs in it, or a colon or a
# bracket (lead-ins, datelines): a cheap pre-filter, a set lookup per word.
_HINT_WORDS = frozenset(lx.CUE_FORMS) | {"according", "citing", "cited", "reportedly", "asked"} | set(
    "poll polls survey surveys study report statement interview video letter memo filing documents document analysis".split()
)
_WORD = re.compile(r"[A-Za-z]+")


def _has_hint(chunk: str) -> bool:
    if ":" in chunk or "(" in chunk or "―" in chunk or "—" in chunk:
        return True
    return any(w in _HINT_WORDS or w.lower() in _HINT_WORDS for w in _WORD.findall(chunk))


_MAX_SOURCE_TOKENS = 25
_MAX_SENTENCE_CHARS = 5000  # longer "sentences" are junk (tables, scripts): skip the rules


@dataclass
class Token:
    start: int
    end: int
    text: str
    low: str
    quoted: bool  # inside quotation marks


@dataclass
class _Found:
    """An attribution under construction (offsets into the document text)."""

    source: list[Span]
    cue: list[Span]
    content: list[Span]
    sentence: int
    source_name: str | None = None
    kind: str = "unknown"
    nested_in: int | None = None  # for "X, citing Y": index of X in the found list


# ---------------------------------------------------------------------------------------
# Quotes


def find_quotes(text: str, paragraphs: list[Span]) -> list[Span]:
    """Quoted stretches (marks included), joined across paragraphs when a quote is left
    open at a paragraph's end and the next paragraph opens with a quotation mark."""
    quotes: list[Span] = []
    carried: Span | None = None  # a quote left open by the previous paragraph
    for p_start, p_end in paragraphs:
        opening: int | None = None
        first = _first_non_space(text, p_start, p_end)
        for m in _QUOTE_CHAR.finditer(text, p_start, p_end):
            pos = m.start()
            if opening is None:
                if not _acts_as_opening(text, pos, m.end(), p_start):
                    continue  # a stray closing mark
                if carried is not None and pos == first:
                    opening = carried[0]  # the continuation mark of a multi-paragraph quote
                else:
                    if carried is not None:
                        quotes.append(carried)
                    opening = pos
                carried = None
            else:
                quotes.append((opening, m.end()))
                opening = None
        if carried is not None:  # the paragraph did not continue the open quote
            quotes.append(carried)
            carried = None
        if opening is not None:
            carried = (opening, p_end)
    if carried is not None:
        quotes.append(carried)
    quotes.sort()
    return quotes


def _first_non_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _acts_as_opening(text: str, pos: int, end: int, p_start: int) -> bool:
    """Is the mark at pos an opening mark? Decided by its neighbours, so that curly,
    straight and mismatched marks (” used as an opener) all pair up."""
    ch = text[pos]
    if ch in OPEN_QUOTES:
        return True
    before = text[pos - 1] if pos > p_start else " "
    after = text[end] if end < len(text) else " "
    # A straight or closing mark opens when it starts a word.
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


# ---------------------------------------------------------------------------------------
# Tokens


def _tokens(text: str, start: int, end: int, quotes: list[Span], quote_starts: list[int]) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text, start, end):
        s, e = m.span()
        w = m.group()
        out.append(Token(s, e, w, w.lower(), _inside(text, s, quotes, quote_starts)))
    return out


def _inside(text: str, pos: int, quotes: list[Span], quote_starts: list[int]) -> bool:
    """Is pos inside a quote, between (not on) its marks?"""
    i = bisect_right(quote_starts, pos) - 1
    if i < 0:
        return False
    qs, qe = quotes[i]
    close = qe - 2 if text[qe - 2 : qe] == "''" else qe - 1
    return qs < pos < close


def _quote_at(pos: int, quotes: list[Span], quote_starts: list[int]) -> Span | None:
    """The quote that begins at pos (its opening mark is at pos)."""
    i = bisect_right(quote_starts, pos) - 1
    if i >= 0 and quotes[i][0] == pos:
        return quotes[i]
    return None


def _quote_ending_at(pos: int, quotes: list[Span], quote_ends: dict[int, int]) -> Span | None:
    """The quote whose closing mark ends at pos."""
    s = quote_ends.get(pos)
    return (s, pos) if s is not None else None


# ---------------------------------------------------------------------------------------
# Public API


def extract_attributions(
    text: str,
    sentences: list[Sentence] | None = None,
    links: list[Link] | None = None,
    paragraphs: list[Span] | None = None,
) -> list[Attribution]:
    """Every attribution in text, in text order; nested ones point at their parent."""
    if not text:
        return []
    n = len(text)
    if paragraphs is None:
        paragraphs = split_paragraphs(text)
    else:  # offsets from elsewhere: keep them inside the text, ordered, not overlapping
        paragraphs = _clean_spans(paragraphs, n)
    if sentences is None:
        sentences = split_sentences(text, paragraphs)
    else:
        sentences = _clean_sentences(sentences, n, len(paragraphs))
    if not paragraphs:
        paragraphs = [(0, n)]
    ctx = _Context(text, sentences, paragraphs)
    found: list[_Found] = []
    for index in range(len(sentences)):
        base = len(found)
        for f in ctx.sentence_attributions(index, found):
            if f.nested_in is not None:
                f.nested_in += base  # sentence-local index -> index in found
            found.append(f)
    _continue_quotes(ctx, found)
    found = _dedupe(found)
    attributions = [_finish(ctx, f) for f in found]
    _resolve_names(ctx, found, attributions)
    _assign_parents(found, attributions)
    if links:
        _assign_links(attributions, links, sentences, found)
    return attributions


def _clean_spans(spans: list[Span], n: int) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted((max(0, min(s, n)), max(0, min(e, n))) for s, e in spans):
        if e > s and (not out or s >= out[-1][1]):
            out.append((s, e))
    return out


def _clean_sentences(sentences: list[Sentence], n: int, n_paragraphs: int) -> list[Sentence]:
    out: list[Sentence] = []
    last = max(0, n_paragraphs - 1)
    for x in sorted(sentences, key=lambda x: x.start):
        s, e = max(0, min(x.start, n)), max(0, min(x.end, n))
        if e > s and (not out or s >= out[-1].end):
            out.append(Sentence(s, e, min(max(0, x.paragraph), last)))
    return out


def attribution_to_json(a: Attribution) -> dict:
    """The JSON shape of one attribution (``tracer attributions --format json``)."""
    return {
        "source": [list(s) for s in a.source],
        "cue": [list(s) for s in a.cue],
        "content": [list(s) for s in a.content],
        "source_name": a.source_name,
        "kind": a.kind,
        "link": a.link,
        "parent": a.parent,
    }


def attributions_for(text: str, sentences=None, links=None, paragraphs=None) -> list[dict]:
    """extract_attributions, as JSON-ready dicts."""
    return [attribution_to_json(a) for a in extract_attributions(text, sentences, links, paragraphs)]


def analyse_input(name: str, data: str | bytes, *, is_text: bool = False, base_url: str | None = None) -> dict:
    """One document of ``tracer attributions``: {"file", "text", "attributions"}.

    Plain text (is_text) is analysed as given; HTML goes through extract.py first (one
    parse for main text and links), and offsets index into the extracted main text.
    """
    if is_text:
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        rows = attributions_for(text)
    else:
        from .extract import read_page

        doc, atts = read_page(data, base_url or (name if "://" in name else ""))
        text = doc.text
        rows = [attribution_to_json(a) for a in atts]
    return {"file": name, "text": text, "attributions": rows}


def format_attributions_text(result: dict) -> str:
    """A readable listing of one analysed document: one attribution a line."""
    text = result["text"]
    lines = [f"# {result['file']}: {len(result['attributions'])} attributions"]

    def show(spans):
        return " … ".join(" ".join(text[s:e].split()) for s, e in spans)

    for i, a in enumerate(result["attributions"]):
        nested = f" (inside #{a['parent']})" if a.get("parent") is not None else ""
        link = f" <{a['link']}>" if a.get("link") else ""
        content = show(a["content"])
        if len(content) > 160:
            content = content[:157] + "..."
        lines.append(f"#{i} {a['source_name'] or '(no source)'} [{a['kind']}] {show(a['cue'])!r}{nested}{link}: {content}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The rules


class _Context:
    """The text with its sentences, paragraphs and quotes, shared by the rules."""

    def __init__(self, text: str, sentences: list[Sentence], paragraphs: list[Span]):
        self.text = text
        self.sentences = sentences
        self.paragraphs = paragraphs
        self.quotes = find_quotes(text, paragraphs)
        self.quote_starts = [q[0] for q in self.quotes]
        self.quote_ends = {q[1]: q[0] for q in self.quotes}
        self.par_starts = [p[0] for p in paragraphs]

    # -- helpers over offsets -----------------------------------------------------------

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect_right(self.par_starts, pos) - 1)

    def sentence_tokens(self, index: int) -> list[Token]:
        s = self.sentences[index]
        return _tokens(self.text, s.start, s.end, self.quotes, self.quote_starts)

    def extend_to_quote(self, start: int, end: int) -> int:
        """When content starts with an opening quote, it runs to that quote's end."""
        q = _quote_at(start, self.quotes, self.quote_starts)
        if q is not None and q[1] > end:
            return q[1]
        return end

    # -- per sentence ---------------------------------------------------------------------

    def sentence_attributions(self, index: int, previous: list[_Found]) -> list[_Found]:
        s = self.sentences[index]
        if s.end - s.start > _MAX_SENTENCE_CHARS:
            return []
        chunk = self.text[s.start : s.end]
        if not _has_hint(chunk):
            return self._quote_after_colon(index, previous)
        toks = self.sentence_tokens(index)
        if not toks:
            return []
        out: list[_Found] = []
        self._current = out
        used: set[int] = set()  # token indices already part of a cue or source
        for rule in (self._according_to, self._as_reported_by, self._dateline, self._verb_cues, self._citing, self._colon_lead, self._in_document, self._asked, self._signed_quote):
            for f in rule(index, toks, used, out):
                out.append(f)
        if not out:
            out.extend(self._quote_after_colon(index, previous))
        return out

    # "according to X"
    def _according_to(self, index, toks, used, out):
        for i in range(len(toks) - 2):
            if toks[i].low != "according" or toks[i + 1].low != "to" or toks[i].quoted:
                continue
            src_start = i + 2
            src_end = _np_forward(toks, src_start)
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
            yield _Found(source, cue, content, index)

    # "..., as reported by X" / "as first reported by X"
    def _as_reported_by(self, index, toks, used, out):
        for i in range(len(toks) - 3):
            if toks[i].low != "as" or toks[i].quoted:
                continue
            j = i + 1
            while j < len(toks) and toks[j].low in ("first", "previously", "originally", "earlier", "initially"):
                j += 1
            if j + 1 >= len(toks) or toks[j].low not in ("reported", "stated", "noted", "cited", "revealed", "quoted") or toks[j + 1].low != "by":
                continue
            src_start = j + 2
            src_end = _np_forward(toks, src_start)
            if src_end <= src_start:
                continue
            content = self._content_around(index, toks, i, src_end)
            if not content:
                continue
            used.update(range(i, src_end))
            yield _Found([(toks[src_start].start, toks[src_end - 1].end)], [(toks[i].start, toks[j + 1].end)], content, index)

    # "LONDON (Reuters) - ..." at the start of a paragraph
    def _dateline(self, index, toks, used, out):
        s = self.sentences[index]
        p_start = self.paragraphs[s.paragraph][0] if s.paragraph < len(self.paragraphs) else s.start
        if s.start != p_start or len(toks) < 6:
            return
        for i in range(min(len(toks) - 3, 12)):
            if toks[i].text == "(" and toks[i + 2].text == ")" and toks[i + 3].text in "-—–:" and toks[i + 1].text[:1].isupper():
                if i == 0 or not toks[i - 1].text.isupper() and toks[i - 1].text not in (",", ".") and not toks[i - 1].text[:1].isdigit():
                    # a dateline place is in capitals, or a date precedes the bracket
                    if i > 0 and not any(t.text.isupper() and len(t.text) > 1 for t in toks[:i]):
                        continue
                rest = i + 4
                if rest >= len(toks):
                    return
                used.update(range(i, rest))
                content = [(toks[rest].start, self._content_end(index, toks, rest))]
                yield _Found([(toks[i + 1].start, toks[i + 1].end)], [(toks[i].start, toks[i + 3].end)], content, index)
                return

    # "X said ...", "..., X said", "..., said X", "X told Y that ..."
    def _verb_cues(self, index, toks, used, out):
        n = len(toks)
        words = [t for t in toks if t.text[:1].isalpha()]
        title_case = len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)
        for i in range(n):
            t = toks[i]
            if t.quoted or i in used or t.low not in lx.CUE_FORMS or t.low in lx.PARTICIPLE_CUES and _after_comma(toks, i):
                continue
            if t.low in lx.AMBIGUOUS_FORMS and not _verb_context(toks, i):
                continue
            if t.low.endswith("ing") and t.low not in lx.PARTICIPLE_CUES:
                continue
            if i > 0 and t.text[:1].isupper() and not title_case:
                continue  # "The Washington Post" (but "Trump Says ..." in a headline)
            if _aux_start(toks, i) > 0 and toks[_aux_start(toks, i) - 1].low == "to":
                continue  # "needed to know"
            found = self._inverted(index, toks, i, used) or self._forward(index, toks, i, used)
            if found is not None:
                yield found
        # participles hang on the subject of an attribution found before them
        for i in range(n):
            t = toks[i]
            if t.quoted or i in used or t.low not in lx.PARTICIPLE_CUES or not _after_comma(toks, i):
                continue
            f = self._participle(index, toks, i, used, out)
            if f is not None:
                yield f

    def _forward(self, index, toks, i, used) -> _Found | None:
        """SOURCE CUE CONTENT: the subject before the cue, the content after it."""
        cue_start = _aux_start(toks, i)
        passive = _is_passive(toks, cue_start, i)
        subj = None if passive else _subject_before(toks, cue_start)
        shared_source = None
        if subj is None and not passive and cue_start > 0 and toks[cue_start - 1].low in ("and", "but"):
            # "Graham called Trump “crazy” and said ...": the same subject speaks again
            shared_source = self._sentence_source(index, toks, cue_start)
        if subj is None and not passive and shared_source is None:
            return None
        if subj is not None and any(k in used for k in range(*subj)):
            return None
        c0, cue_end = self._content_start(toks, i)
        if c0 is None:
            return None
        lemma = lx.CUE_FORMS[toks[i].low]
        infinitive = lemma in lx.INFINITIVE_LEMMAS and c0 < len(toks) and toks[c0].low == "to"
        if infinitive and toks[c0 - 1].low != "to":
            pass
        elif lemma in lx.INFINITIVE_LEMMAS and lemma not in lx.WEAK_LEMMAS and lemma not in ("want",):
            if not _clause_opener(toks, c0):
                return None  # "plan" and "decline" without an infinitive are not cues
        weak = lemma in lx.WEAK_LEMMAS and not _document_shows(toks, subj, i) and not infinitive
        if (passive or weak) and not _clause_opener(toks, c0):
            return None
        if passive:
            # "It was reported that ...": an attribution without a source
            s0 = next((k for k in range(cue_start - 1, -1, -1) if toks[k].low in ("it", "this")), cue_start)
            subj = (s0, s0)
        end = self._content_end(index, toks, c0)
        if c0 >= len(toks):  # "X said:" closing the paragraph: the next paragraph speaks
            span = self._next_paragraph_quote(index)
            if span is None:
                return None
            content = [span]
        else:
            content = [(toks[c0].start, end)]
            if end <= toks[c0].start:
                return None
        if shared_source is not None:
            used.update(range(cue_start, cue_end))
            return _Found(shared_source, [(toks[cue_start].start, toks[cue_end - 1].end)], content, index)
        s0, s1 = subj
        used.update(range(s0, cue_end))
        return _Found(
            [(toks[s0].start, toks[s1 - 1].end)] if s1 > s0 else [],
            [(toks[cue_start].start, toks[cue_end - 1].end)],
            content,
            index,
        )

    def _inverted(self, index, toks, i, used) -> _Found | None:
        """CONTENT, SOURCE CUE. / CONTENT, CUE SOURCE. / "A," SOURCE CUE, "B". /
        A, SOURCE CUE, B."""
        n = len(toks)
        cue_start = _aux_start(toks, i)
        src = None
        subj = _subject_before(toks, cue_start)
        if subj is not None and subj[0] > 0 and _is_content_break(toks[subj[0] - 1]):
            src, brk, k = subj, subj[0] - 1, i + 1
        elif cue_start > 0 and _is_content_break(toks[cue_start - 1]) and cue_start == i and not (
            subj is not None and subj[0] == _skip_intro_chunks(toks, 0, subj[1]) and toks[cue_start - 1].text not in QUOTE_TOKENS
        ):
            # ", said Smith." / "” said Smith, a spokesman." -> the source follows the cue
            # (but "Smith, a spokesman, said ..." has its subject before the cue)
            e = _np_forward(toks, i + 1, allow_lower=True)
            first = toks[i + 1] if i + 1 < n else None
            if first is not None and not (first.text[:1].isupper() or first.low in lx.DETERMINERS or first.low in lx.PRONOUNS or first.text[:1].isdigit()):
                e = i + 1  # "... said that in 1998": no source after the cue
            if e > i + 1 and e - i <= 10 and not any(t.low in _VERBISH for t in toks[i + 1 : e]):
                src, brk, k = (i + 1, e), cue_start - 1, e
                k = _skip_circumstances(toks, k)
                if k < n - 1 and toks[k].text == "," and toks[k + 1].text not in QUOTE_TOKENS and not toks[k + 1].low.endswith("ing"):
                    e = k + 1
                    while e < n and toks[e].text not in ".;!?" and toks[e].text not in QUOTE_TOKENS:
                        if toks[e].text == "," and e + 1 < n and toks[e + 1].low.endswith("ing"):
                            break  # ", referring to ...": the speaker's action, not the speaker
                        e += 1
                    src, k = (i + 1, e), e
        if src is None or any(x in used for x in range(*src)):
            return None
        if brk <= 0 and toks[0].text not in QUOTE_TOKENS:
            return None
        if lx.CUE_FORMS[toks[i].low] in lx.HEARER_LEMMAS and k == i + 1:
            k = _skip_hearer(toks, k)
        k = _skip_circumstances(toks, k)
        if _quoted_before_break(toks, brk):
            k = _skip_setting(toks, k)
        if k < n and toks[k].low == "that":
            return None  # "..., Sanders told MSNBC that ...": a forward cue after an intro
        tail = _tail_kind(toks, k)
        before = self._content_before(index, toks, brk)
        if not before:
            return None
        quoted_before = _is_quote_span(self, before[0])
        if tail in ("other", "quote") and not quoted_before:
            return None  # 'He left, and when asked, he said, “No.”' is a forward cue
        content = before
        if tail == "quote":
            q = _quote_at(toks[k + 1 if toks[k].text == "," else k].start, self.quotes, self.quote_starts)
            if q is not None:
                content.append(q)
        elif tail == "clause" and not quoted_before:
            c0 = k + 1
            end = self._content_end(index, toks, c0)
            if end > toks[c0].start:
                if not quoted_before and toks[0].low in _INTRO_WORDS and _skip_intro_chunks(toks, 0, brk + 1) > brk:
                    content = []  # "In a speech, Smith said, the plan ..." -> only what follows
                content.append((toks[c0].start, end))
        cue_end = i + 1
        if cue_end < n and toks[cue_end].low == "in" and cue_end + 2 < n and toks[cue_end + 2].low in ("statement", "interview", "tweet", "post", "email"):
            cue_end += 3
        if src[0] > i:
            cue_end = i + 1
        used.update(range(min(src[0], cue_start), max(src[1], cue_end)))
        return _Found(
            [(toks[src[0]].start, toks[src[1] - 1].end)],
            [(toks[cue_start].start, toks[cue_end - 1].end)],
            content,
            index,
        )

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
        subj = _sentence_subject(toks)
        if subj is None or subj[1] > before:
            return None
        return [(toks[subj[0]].start, toks[subj[1] - 1].end)]

    def _participle(self, index, toks, i, used, out) -> _Found | None:
        """"X did Y, saying/adding that Z": the participle's source is the clause subject."""
        owner = None
        for f in reversed(out):
            if f.sentence == index and f.cue and f.cue[0][1] <= toks[i].start:
                owner = f
                break
        if owner is not None:
            source = list(owner.source)
        else:
            subj = _sentence_subject(toks)
            if subj is None:
                return None
            source = [(toks[subj[0]].start, toks[subj[1] - 1].end)]
        c0, cue_end = self._content_start(toks, i)
        if c0 is None or c0 >= len(toks):
            return None
        end = self._content_end(index, toks, c0)
        if end <= toks[c0].start:
            return None
        used.update(range(i, cue_end))
        if owner is not None and owner.content and owner.content[-1][1] > toks[i].start:
            # the owner's content stops before ", adding"
            owner.content[-1] = (owner.content[-1][0], _trim_end(self.text, owner.content[-1][0], toks[i - 1].start))
        return _Found(source, [(toks[i].start, toks[cue_end - 1].end)], [(toks[c0].start, end)], index)

    # "X, citing Y" -> Y nested in X's attribution
    def _citing(self, index, toks, used, out):
        for i in range(len(toks) - 1):
            if toks[i].low != "citing" or toks[i].quoted:
                continue
            src_end = _np_forward(toks, i + 1)
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
            f = _Found([(toks[i + 1].start, toks[src_end - 1].end)], [(toks[i].start, toks[i].end)], content, index)
            f.nested_in = owner
            yield f

    # "Asked whether he would run, Smith said no": the question, attributed to no one named
    def _asked(self, index, toks, used, out):
        for i in range(len(toks) - 3):
            t = toks[i]
            if t.low != "asked" or t.quoted or i in used:
                continue
            if not (i == 0 or toks[i - 1].low in ("when", "if", "after", "once") or toks[i - 1].text == ","):
                continue
            k = i + 1
            k = _skip_setting(toks, k) if toks[k].low in ("on", "at", "in", "during") else k
            if k >= len(toks) or toks[k].low not in ("about", "if", "whether", "what", "why", "how", "who", "which", "when", "where", "to"):
                continue
            comma = next((j for j in range(k + 1, len(toks)) if toks[j].text in ",.;:" and not toks[j].quoted), len(toks))
            if comma <= k + 1:
                continue
            used.add(i)
            yield _Found([], [(t.start, t.end)], [(toks[k].start, toks[comma - 1].end)], index)

    # "In a CNN poll released Sunday, Clinton led by 4 points": the document is the source
    def _in_document(self, index, toks, used, out):
        if out or len(toks) < 6:
            return
        start = _skip_intro_chunks(toks, 0, len(toks)) if toks[0].low != "in" else 0
        if start >= len(toks) - 4 or toks[start].low != "in":
            return
        comma = next((j for j in range(start + 1, min(len(toks), start + 16)) if toks[j].text == ","), None)
        if comma is None or comma + 3 >= len(toks):
            return
        head = _head_index([t.low for t in toks[start + 1 : comma]])
        if head is None or toks[start + 1 + head].low not in _SURVEY_WORDS:
            return
        end = self._content_end(index, toks, comma + 1)
        if end <= toks[comma + 1].start:
            return
        used.update(range(start, comma))
        yield _Found([(toks[start + 1].start, toks[comma - 1].end)], [(toks[start].start, toks[start].end)], [(toks[comma + 1].start, end)], index)

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
            if toks[first].low in lx.DETERMINERS - {"the"} or toks[i - 1].low in lx.CLAUSE_BOUNDARIES or toks[first].low in _NOT_SPEAKERS:
                return  # "Breaking: ...": not a speaker
            rest = i + 1
            label = all(t.text.isupper() for t in name if t.text[:1].isalpha()) and len(name) <= 3
            quoted = toks[rest].text in QUOTE_TOKENS or toks[rest].text in "‘'"
            if not label and not quoted and (i - first > 4 or len(toks) - i < 6):
                return  # "South Carolina: names, names": a list, not a speaker
            s = self.sentences[index]
            if label and s.start == self._paragraph_start(s.paragraph):
                # a transcript turn: the speaker's words run to the paragraph's end
                end = _trim_end(self.text, toks[rest].start, self.paragraphs[s.paragraph][1])
            else:
                end = self._content_end(index, toks, rest)
            if end <= toks[rest].start:
                return
            used.update(range(i + 1))
            yield _Found([(toks[first].start, toks[i - 1].end)], [(toks[i].start, toks[i].end)], [(toks[rest].start, end)], index)
            return

    def _paragraph_start(self, p: int) -> int:
        if 0 <= p < len(self.paragraphs):
            return _first_non_space(self.text, *self.paragraphs[p])
        return -1

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
            q = _quote_ending_at(len(before), self.quotes, self.quote_ends)
            if q is None:
                continue
            name_end = e - 1 if toks[e - 1].text == "." else e
            used.update(range(i, e))
            yield _Found([(toks[i + 1].start, toks[name_end - 1].end)], [(toks[i].start, toks[i].end)], [q], index)
            return

    def _next_paragraph_quote(self, index) -> Span | None:
        """After "X said:" ending a paragraph: the quote (or the paragraph) that follows."""
        s = self.sentences[index]
        p = s.paragraph + 1
        if p >= len(self.paragraphs):
            return None
        p_start, p_end = self.paragraphs[p]
        start = _first_non_space(self.text, p_start, p_end)
        if start >= p_end:
            return None
        q = _quote_at(start, self.quotes, self.quote_starts)
        if q is not None:
            return q
        return (start, _trim_end(self.text, start, p_end))

    def _quote_after_colon(self, index, previous: list[_Found]) -> list[_Found]:
        """A paragraph that is only a quote, after "X said:" — already taken as X's content."""
        return []

    # -- content boundaries ---------------------------------------------------------------

    def _content_start(self, toks, i) -> tuple[int | None, int]:
        """First content token after the cue at i, and the end of the cue (exclusive)."""
        n = len(toks)
        cue_end = i + 1
        lemma = lx.CUE_FORMS.get(toks[i].low, "")
        k = i + 1
        if k < n and toks[k].low in _PARTICLES.get(lemma, ()):
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
        if that is not None and (that == k or _circumstance_run(toks, k, that) or lemma in lx.HEARER_LEMMAS):
            return that, cue_end
        if k < n and toks[k].low in ("in", "to") and k + 2 < n and toks[k + 2].low in ("statement", "interview", "tweet", "post", "email", "letter", "release"):
            cue_end = k + 3
            k = _skip_to_break(toks, k + 3)
        if lemma in lx.HEARER_LEMMAS:
            k = _skip_hearer(toks, k)
        if k < n and toks[k].low in ("of", "about"):
            colon = next((j for j in range(k + 1, min(n, k + 8)) if toks[j].text in ":,"), None)
            if colon is not None and toks[colon].text == ":":
                cue_end = colon + 1
                k = colon + 1
                if k >= n:
                    return n, cue_end
        k = _skip_circumstances(toks, k)
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
        stop = _clause_stop(toks, c0)
        end = s.end if stop >= len(toks) else toks[stop].start
        end = _trim_end(self.text, toks[c0].start, end)
        q = _quote_at(toks[c0].start, self.quotes, self.quote_starts)
        if q is not None and q[1] > end:
            end = q[1]
        # a quote opened inside the content and closed after the sentence: keep it whole
        i = bisect_right(self.quote_starts, end) - 1
        if i >= 0 and toks[c0].start <= self.quotes[i][0] < end < self.quotes[i][1] and self.quotes[i][1] - end < 2000:
            end = self.quotes[i][1]
        return end

    def _content_before(self, index, toks, brk) -> list[Span]:
        """Content of an inverted attribution: what precedes the break at token brk."""
        s = self.sentences[index]
        end_tok = toks[brk]
        # a closing quote before the break: the whole quote, wherever it started
        j = brk
        if end_tok.text in QUOTE_TOKENS:
            q = _quote_ending_at(end_tok.end, self.quotes, self.quote_ends)
        elif brk > 0 and toks[brk - 1].text in QUOTE_TOKENS:
            q = _quote_ending_at(toks[brk - 1].end, self.quotes, self.quote_ends)
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
        end = _trim_end(self.text, start, end_tok.start if end_tok.text not in QUOTE_TOKENS else end_tok.end)
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
        lead_start = _skip_intro_chunks(toks, lead_start, cue_i)
        lead_end = cue_i
        while lead_end > lead_start and toks[lead_end - 1].text in ",(—–-":
            lead_end -= 1
        words = sum(1 for t in toks[lead_start:lead_end] if t.text[:1].isalnum())
        spans: list[Span] = []
        if words >= 2:
            spans.append((toks[lead_start].start, _trim_end(self.text, toks[lead_start].start, toks[lead_end - 1].end)))
        if after_ok and (not spans or toks[src_end].text == ","):
            end = self._content_end(index, toks, after)
            if end > toks[after].start:
                spans.append((toks[after].start, end))
        return spans


# ---------------------------------------------------------------------------------------
# Token-level helpers


_INTRO_WORDS = frozenset(
    """in on at during last this earlier after before since for from by as but and also
    however meanwhile moreover still yet so then now separately additionally finally
    first second third instead further furthermore overall today yesterday amid despite
    with among although though while when once""".split()
)


def _skip_intro_chunks(toks, start, end) -> int:
    """Skip "In addition," / "in the spring," chunks that open a clause."""
    while start < end and toks[start].low in _INTRO_WORDS:
        k = start
        while k < end and k - start < 8 and toks[k].text != ",":
            k += 1
        if k < end and toks[k].text == ",":
            start = k + 1
        else:
            break
    return start


_APPOSITIVE_OPENERS = frozenset("a an the who his her its their one another".split())


_CLAUSE_AFTER_COMMA = frozenset(
    "and but while whereas though although which where noting adding saying according as".split()
)


def _clause_stop(toks, c0) -> int:
    """Where content starting at c0 stops: before a new clause of the narrator (", and he
    added", ", but", ", which", " - ", ";") rather than at the sentence end."""
    n = len(toks)
    for j in range(c0 + 3, n):
        t = toks[j]
        if t.quoted or t.text in QUOTE_TOKENS:
            continue
        if t.text == ";" or (t.text == ":" and j + 1 < n and toks[j + 1].text[:1].isupper()):
            return j
        if t.text == "," and j + 1 < n:
            nxt = toks[j + 1]
            if nxt.low in ("and", "but"):
                # ", and he added" / ", but conceded that" end the content; ", and of ..." and
                # ", but could not ..." go on with the same speaker's words
                after = toks[j + 2] if j + 2 < n else None
                if after is None or after.low in lx.PRONOUNS or after.low in lx.DETERMINERS or after.text[:1].isupper() or after.low in lx.CUE_FORMS:
                    return j
                continue
            if nxt.low in _CLAUSE_AFTER_COMMA or (nxt.low.endswith("ing") and nxt.text.islower() and len(nxt.low) > 5):
                return j
        if t.low in ("and", "but") and j + 1 < n and toks[j + 1].low in lx.CUE_FORMS and toks[j + 1].low not in lx.AMBIGUOUS_FORMS:
            return j  # "... and said ..."
    return n


def _tail_kind(toks, k) -> str:
    """What follows a cue (after its circumstances): the sentence "end", a "quote" that
    continues the speaker's words, a "clause" after a comma, or "other" words."""
    n = len(toks)
    if k >= n or toks[k].text in ".;!?" or toks[k].low in ("adding", "noting", "saying", "citing", "according"):
        return "end"
    if toks[k].text in QUOTE_TOKENS:
        if k > 0 and toks[k - 1].low in ("on", "in", "at", "to", "for", "of", "about", "from", "with"):
            return "other"  # 'said on “The Late Show”': a title, not more words
        return "quote"
    if toks[k].text in ",—–":
        if k + 1 >= n or toks[k + 1].text in ".!?":
            return "end"
        if toks[k + 1].text in QUOTE_TOKENS:
            return "quote"
        if toks[k + 1].low.endswith("ing") or toks[k + 1].low in ("adding", "noting", "saying", "citing", "according", "who", "which", "while", "as", "and", "but", "in", "after", "before", "when", "because", "though", "although"):
            return "end"
        return "clause"
    return "other"


# Particles that belong to the cue ("called for X", "referred to X", "pointed out that").
_PARTICLES = {
    "call": ("for", "on"),
    "refer": ("to",),
    "complain": ("about",),
    "comment": ("on",),
    "point": ("out",),
    "speak": ("about", "of"),
    "respond": ("to",),
    "reply": ("to",),
    "testify": ("about", "that"),
    "warn": ("against", "of", "about"),
    "boast": ("about", "of"),
    "joke": ("about",),
    "worry": ("about",),
    "argue": ("for", "against"),
    "vote": ("for", "against"),
}

# Documents that "In a ..., X" takes as the source of the clause.
_SURVEY_WORDS = frozenset(
    """poll polls survey surveys study report statement interview video letter op-ed
    memo filing documents document analysis tweet post email ad interviews""".split()
)

_NOT_SPEAKERS = frozenset(
    """breaking update updated watch read photo photos video videos editor note exclusive
    live related see more source sources advertisement correction analysis opinion latest
    the""".split()
)


def _document_shows(toks, subj, i) -> bool:
    """"The poll showed Clinton ahead": show/find take a bare clause after a document."""
    if subj is None or lx.CUE_FORMS[toks[i].low] not in ("show", "find"):
        return False
    lows = [t.low for t in toks[subj[0] : subj[1]]]
    head = _head_index(lows)
    return toks[subj[1] - 1].low in lx.DOCUMENT_WORDS or (head is not None and lows[head] in lx.DOCUMENT_WORDS)


def _clause_opener(toks, c0) -> bool:
    """Does content at c0 open with "that", a quote, a colon lead or a question word?"""
    if c0 >= len(toks):
        return True  # the next paragraph after "X said:"
    t = toks[c0]
    prev = toks[c0 - 1].text if c0 > 0 else ""
    return t.low in ("that", "whether", "if", "how", "why", "what") or t.text in QUOTE_TOKENS or prev in (":", ",")


def _trim_end(text: str, start: int, end: int) -> int:
    """Drop trailing spaces, sentence punctuation and commas (but keep closing quotes)."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?—–-"):
        end -= 1
    return end


def _is_content_break(t: Token) -> bool:
    return not t.quoted and (t.text in ",—–" or t.text in QUOTE_TOKENS)


def _after_comma(toks, i) -> bool:
    return i > 0 and toks[i - 1].text in ",—–"


def _verb_context(toks, i) -> bool:
    """For cue forms that double as nouns: is this one a verb?"""
    prev = toks[i - 1].low if i > 0 else ""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    if prev in lx.DETERMINERS or prev in ("of", "to", "for", "with", "by", "on", "in", "and", "new", "’s", "'s"):
        return False
    if prev.endswith(("’s", "'s")):
        return False
    prev_tok = toks[i - 1] if i > 0 else None
    # the verb reading needs a subject right before it: a name, a pronoun or a head noun
    if prev_tok is not None and not (
        prev_tok.text[:1].isupper() or prev in lx.PRONOUNS or prev in _SUBJECT_HEADS or prev in lx.AUXILIARIES
        or prev.endswith(("er", "or", "ist", "ian", "ent", "ee")) or prev in lx.DOCUMENT_WORDS or prev in lx.ANONYMOUS_WORDS
    ):
        return False
    to_ok = nxt == "to" and lx.CUE_FORMS.get(toks[i].low) in lx.INFINITIVE_LEMMAS
    if lx.CUE_FORMS.get(toks[i].low) == "show" and i + 1 < len(toks) and (toks[i + 1].text[:1].isupper() or toks[i + 1].text[:1].isdigit() or nxt in ("little", "no", "more", "most", "support", "voters", "people", "americans")):
        return True  # "polls show Clinton ahead", "surveys show 40 percent ..."
    return to_ok or nxt == "that" or nxt in (",", ":") or (nxt in QUOTE_TOKENS) or nxt in lx.PRONOUNS or nxt in ("the", "a", "an")


_SUBJECT_HEADS = frozenset(
    """campaign group company government administration committee party official
    spokesman spokeswoman president senator governor mayor agency department ministry
    team board court council police army firm union state city study poll survey report
    who which that also""".split()
)


def _aux_start(toks, i) -> int:
    """Index where the cue's verb group starts: "has also said" -> "has"."""
    j = i
    while j > 0 and not toks[j - 1].quoted and (toks[j - 1].low in lx.AUXILIARIES or _is_adverb(toks[j - 1])):
        j -= 1
    return j


def _is_adverb(t: Token) -> bool:
    return len(t.low) > 4 and t.low.endswith("ly") and t.text.islower() and t.low not in ("only", "family", "ally", "rally", "july")


def _is_passive(toks, cue_start, i) -> bool:
    """"was informed", "is estimated", "has been reported": the subject is not the source."""
    if not toks[i].low.endswith(("ed", "en", "wn", "ld", "id", "ht", "nt")):
        return False
    return any(t.low in _BE_FORMS for t in toks[cue_start:i])


_VERBISH = frozenset("is are was were be been has have had will would can could should may might must do does did".split())
_BE_FORMS = frozenset("is are was were be been being 's".split())


def _subject_before(toks, cue_start) -> tuple[int, int] | None:
    """The subject noun phrase ending right before the cue's verb group."""
    end = cue_start
    if end == 0:
        return None
    j = end - 1
    if toks[j].low in ("he", "she", "they", "i", "we", "it", "you") and not toks[j].quoted:
        return j, end
    if toks[j].text == "," and not toks[j].quoted:
        # "Smith, a spokesman for X, said": go back over the appositive
        k = j - 1
        while k >= 0 and k > j - _MAX_SOURCE_TOKENS and toks[k].text not in ",;:" and not toks[k].quoted:
            k -= 1
        if k < 0 or toks[k].text != ",":
            return None
        head = _subject_before(toks, k)
        if head is None:
            return None
        for _ in range(3):  # "Pruitt, the attorney general of Oklahoma, one of the states ..., said"
            h0 = head[0]
            if h0 > 1 and toks[h0 - 1].text == "," and (toks[h0].low in lx.DETERMINERS or toks[h0].low == "one" or toks[h0].text.islower()):
                outer = _subject_before(toks, h0 - 1)
                if outer is None or toks[outer[0]].low in _INTRO_WORDS:
                    break
                head = (outer[0], head[1])
            else:
                break
        if toks[k + 1].low in ("citing", "quoting", "according", "however", "though", "too", "also", "meanwhile", "instead", "in", "for", "on", "at", "during", "after", "before", "while", "when", "speaking", "like") or j - k <= 2 and _is_adverb(toks[k + 1]) or toks[k + 1].low.endswith("ing") and toks[k + 1].text.islower():
            return head  # "Reuters, citing officials, reported": the head alone speaks
        return head[0], end - 1
    start = j
    while start >= 0:
        t = toks[start]
        if t.text == ")" and not t.quoted:
            k = _paren_open(toks, start)
            if k is not None:
                start = k - 1
                continue
        if (t.quoted or t.text in QUOTE_TOKENS) and start < j:
            k = _short_quote_open(toks, start)
            if k is not None:
                start = k - 1
                continue
        if t.quoted or t.text in ",;:()[]—–-" or t.text in QUOTE_TOKENS:
            break
        if t.low in ("that", "who", "which") and 0 < start < j and _relative_after_head(toks, start):
            start -= 1  # "A 2014 study that appeared in the BMJ found"
            continue
        if t.low in lx.CLAUSE_BOUNDARIES and not (t.low == "and" and (_joins_names(toks, start) or _joins_modifiers(toks, start) or _joins_nouns(toks, start, j))):
            if t.low not in ("who", "which") or start == j:
                break
        if t.low in lx.CUE_FORMS and start < j and t.low not in lx.AMBIGUOUS_FORMS:
            break
        if t.low in _VERBISH and start < j:
            return None  # "Sanders is disavowing remarks made by X who said": no subject here
        if end - start > _MAX_SOURCE_TOKENS:
            return None
        start -= 1
    start += 1
    # relative pronoun subject: "..., who said" -> "who"
    if start > j:
        if j >= 0 and toks[j].low in ("who", "which"):
            return j, j + 1
        return None
    while start < end and (toks[start].low in lx.LEADING_FILLERS or toks[start].text in "-—–"):
        start += 1
    start = _skip_leading_circumstance(toks, start, end)
    if start >= end:
        return None
    if start > 0 and toks[start - 1].text == "," and (_circumstance_run(toks, start, end) or toks[start].low in ("during", "in", "at", "after", "before", "while")) and toks[start].low in ("on", "in", "at", "during", "last", "this", "earlier", "late", "early", "later", "after", "before", "while"):
        # "Ryan, the top Republican, on Tuesday called": the time phrase is no subject
        return _subject_before(toks, start)
    for k in range(start + 1, end):
        if toks[k].low in ("on", "last", "this", "earlier", "late", "early") and _circumstance_run(toks, k + 1, end) and all(
            t.low in _MONTHS_SEASONS or t.low in lx.CIRCUMSTANCE_WORDS or t.text.isdigit() for t in toks[k + 1 : end]
        ):
            end = k  # "The Times on Saturday wrote"
            break
    for k in range(start + 1, end - 1):
        if toks[k].low in ("in", "during") and toks[k + 1].low in ("a", "an", "the", "his", "her", "their") and any(
            t.low in ("statement", "interview", "speech", "call", "email", "post", "tweet", "letter", "release") for t in toks[k + 2 : end]
        ):
            end = k  # "Romero in a statement said"
            break
    if not any(t.text[:1].isalpha() for t in toks[start:end]):
        return None
    # a subject does not start with a verb or preposition
    if toks[start].low in ("to", "of", "for", "with", "by", "from", "about") or toks[start].low in lx.CUE_FORMS and toks[start].low not in lx.AMBIGUOUS_FORMS:
        return None
    return start, end


def _paren_open(toks, close) -> int | None:
    """Index of the "(" of a short bracket closing at close: "United Nations (UN)"."""
    for k in range(close - 1, max(-1, close - 6), -1):
        if toks[k].text == "(":
            return k
        if toks[k].text in ",;:()":
            return None
    return None


def _short_quote_open(toks, end) -> int | None:
    """A short quotation inside a subject: 'a report by “independent experts”'."""
    k = end
    if toks[k].text in QUOTE_TOKENS:
        k -= 1
    while k >= 0 and toks[k].quoted and end - k < 6:
        k -= 1
    if k >= 0 and toks[k].text in QUOTE_TOKENS and k > 0 and toks[k - 1].low in ("by", "of", "from", "the", "a", "an", "called", "named", "so-called"):
        return k
    return None


def _joins_modifiers(toks, i) -> bool:
    """'and' between two participles of one noun phrase: "created by X and submitted to Y"."""
    return 0 < i < len(toks) - 1 and toks[i + 1].low.endswith("ed") and toks[i + 1].text.islower() and toks[i + 1].low not in lx.CUE_FORMS


def _relative_after_head(toks, i) -> bool:
    """"study that", "officials who": a relative clause on a document or person noun."""
    head = toks[i - 1].low
    return head in lx.DOCUMENT_WORDS or head in lx.ANONYMOUS_WORDS or head in lx.PERSON_WORDS


def _joins_nouns(toks, i, j) -> bool:
    """'and' inside a plural subject: "attorneys and legal experts said", "current and former
    officials said" — not before a new clause ("and the senator said") or after a verb."""
    if i == 0 or i >= j:
        return False
    before, after = toks[i - 1], toks[i + 1]
    if after.low in lx.PRONOUNS or after.quoted or before.quoted or before.text == ",":
        return False  # ", and the senator said" opens a new clause
    if before.text.islower() and before.low.endswith("ed"):
        return False
    return j - i <= 8 and before.text[:1].isalnum()


def _joins_names(toks, i) -> bool:
    """'and' inside a name list: "Smith and Jones said"."""
    return 0 < i < len(toks) - 1 and toks[i - 1].text[:1].isupper() and toks[i + 1].text[:1].isupper()


def _skip_leading_circumstance(toks, start, end) -> int:
    """"Last fall Group-IB claimed": drop a leading time phrase without its comma."""
    k = start
    if k < end and toks[k].low in ("on", "in", "last", "this", "earlier", "late", "early") and k + 1 < end:
        j = k + 1
        while j < end and (toks[j].low in lx.CIRCUMSTANCE_WORDS or toks[j].text.isdigit() or toks[j].low in _MONTHS_SEASONS):
            j += 1
        if j > k + 1 and j < end:
            return j
    return start


_MONTHS_SEASONS = frozenset(
    """january february march april may june july august september october november december
    spring summer fall autumn winter weekend""".split()
)


def _np_forward(toks, k, allow_lower=True) -> int:
    """End (exclusive) of a noun phrase starting at token k: up to a comma, a sentence end,
    a clause word or a verb."""
    n = len(toks)
    j = k
    while j < n:
        t = toks[j]
        if t.quoted and j > k:
            break
        if t.text == "(" and j > k:
            close = next((m for m in range(j + 1, min(n, j + 6)) if toks[m].text == ")"), None)
            if close is not None:
                j = close + 1  # "Sen. Chris Murphy (D-Conn.)"
                continue
        if t.text in ",.;:!?—–()[]" or t.text in QUOTE_TOKENS and j > k:
            break
        if t.low in ("that", "who", "which", "when", "while", "because", "as", "and", "but") and j > k and not (t.low == "and" and _joins_names(toks, j)):
            break
        if t.low in lx.CUE_FORMS and j > k and t.low not in lx.AMBIGUOUS_FORMS and t.low not in ("provided", "published", "released"):
            break
        if j > k and t.low in ("on", "in", "at", "during", "last", "this") and _circumstance_run(toks, j, n):
            break
        if j - k >= _MAX_SOURCE_TOKENS:
            return k
        j += 1
    return j


def _circumstance_run(toks, k, end) -> bool:
    """Are tokens k..end all circumstance words (time, place of speaking)?"""
    if k >= end:
        return False
    for t in toks[k:end]:
        if t.quoted:
            return False
        if not (t.low in lx.CIRCUMSTANCE_WORDS or t.low in _MONTHS_SEASONS or t.text.isdigit() or t.low in ("a", "an", "the") or t.low in ("statement", "interview", "press", "conference", "news", "reporters", "with", "to")):
            if not t.text[:1].isupper():
                return False
    return True


def _quoted_before_break(toks, brk) -> bool:
    return toks[brk].text in QUOTE_TOKENS or (brk > 0 and toks[brk - 1].text in QUOTE_TOKENS)


def _skip_setting(toks, k) -> int:
    """After an inverted cue, skip where it was said: "on Twitter", "at a rally in Iowa",
    "in an interview with CNN" (up to a comma or the sentence end)."""
    n = len(toks)
    if k >= n or toks[k].low not in ("on", "in", "at", "to", "during", "after", "before", "while", "from", "with", "of", "about", "when"):
        return k
    j = k
    while j < n and j - k <= 14 and toks[j].text not in ",.;!?:" and toks[j].text not in QUOTE_TOKENS and toks[j].low != "that" and not toks[j].quoted:
        j += 1
    if j >= n or toks[j].text in ",.;!?":
        return j
    return k


def _skip_circumstances(toks, k) -> int:
    n = len(toks)
    while k < n and not toks[k].quoted and (toks[k].low in ("on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tonight", "recently", "previously", "again", "also", "publicly", "privately", "separately", "earlier", "later", "repeatedly", "last", "week", "weekend", "month", "year", "this", "morning", "afternoon", "evening", "night")):
        k += 1
    return k


def _skip_to_break(toks, k) -> int:
    n = len(toks)
    j = k
    while j < n and j < k + 8 and toks[j].text not in ",:" and toks[j].low != "that":
        j += 1
    if j < n and toks[j].text in ",:" :
        return j
    return k


def _skip_hearer(toks, k) -> int:
    """Skip the hearer of "told/informed X": "reporters", "the BBC", "the local paper"."""
    n = len(toks)
    j = k
    if j < n and toks[j].low in ("reporters", "journalists", "me", "us", "him", "her", "them", "supporters", "voters", "lawmakers"):
        return j + 1
    if j < n and toks[j].low in ("the", "a", "an", "his", "her", "their", "its"):
        j += 1
        while j < n and j - k <= 4 and not toks[j].quoted and toks[j].text[:1].isalnum() and toks[j].low not in ("that", "in", "on", "at", "during", "after", "he", "she", "they", "it", "we", "i"):
            j += 1
        return j
    while j < n and toks[j].text[:1].isupper() and not toks[j].quoted and toks[j].text not in QUOTE_TOKENS:
        j += 1
    if j < n and toks[j].low in ("news", "reporters", "newspaper", "agency", "crowd", "audience", "interviewer", "station"):
        j += 1
    return j


def _sentence_subject(toks) -> tuple[int, int] | None:
    """The subject that opens a sentence's main clause (for "..., saying ..." and "... and
    said ..." without an earlier cue): names, determiners and a few nouns after them."""
    n = len(toks)
    start = _skip_intro_chunks(toks, 0, n)
    while start < n and (toks[start].low in lx.LEADING_FILLERS or toks[start].text in ",—–"):
        start += 1
    if start < n and toks[start].low in ("he", "she", "they", "we", "i", "it"):
        return start, start + 1
    j = start
    lower_run = 0
    while j < n:
        t = toks[j]
        if t.quoted or t.text in QUOTE_TOKENS:
            break
        if t.text[:1].isupper() or t.text[:1].isdigit() or t.low in lx.DETERMINERS or t.low in ("of", "’s", "'s", "percent", "one"):
            lower_run = 0
            j += 1
            continue
        if t.low == "and" and j > start and j + 1 < n and toks[j + 1].text[:1].isupper():
            j += 1
            continue
        if (
            t.text.isalpha() and t.text.islower() and j > start and lower_run < 3
            and not t.low.endswith(("ed", "ly")) and t.low not in lx.CUE_FORMS and t.low not in _VERBISH
            and t.low not in lx.CLAUSE_BOUNDARIES and t.low not in _INTRO_WORDS and t.low not in ("to", "inside", "about", "over", "with", "by", "from", "at", "into")
        ):
            lower_run += 1
            j += 1
            continue
        break
    while j > start and toks[j - 1].low in ("of", "and", "the", "a", "an", "’s", "'s"):
        j -= 1
    if j == start or j >= n:
        return None
    return start, j


# ---------------------------------------------------------------------------------------
# Names, kinds, parents, links


_PAREN_ABBREV = re.compile(r"([A-Z][\w.\-]*(?:\s+(?:of|the|for|and|on|[A-Z][\w.\-]*))*)\s*\(([A-Z][A-Z.\-]{1,9})\)")
_SPACES = re.compile(r"\s+")
_LEAD_DET = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)


def _finish(ctx: _Context, f: _Found) -> Attribution:
    text = ctx.text
    raw = " ".join(text[s:e] for s, e in f.source)
    name, kind = canonical_source(raw)
    n = len(text)
    return Attribution(
        source=_valid_spans(f.source, n),
        cue=_valid_spans(f.cue, n),
        content=_valid_spans(f.content, n),
        source_name=name,
        kind=kind,
    )


def _valid_spans(spans: list[Span], n: int) -> list[Span]:
    """Sorted, inside the text, never empty (a guard: the rules should already hold it)."""
    return sorted({(max(0, s), min(e, n)) for s, e in spans if min(e, n) > max(0, s)})


def canonical_source(raw: str) -> tuple[str | None, str]:
    """A readable canonical name and a kind for a source phrase."""
    s = _SPACES.sub(" ", raw).strip(" ,.;:—–-\"'“”‘’()")
    if not s:
        return None, "unknown"
    low = s.lower()
    if low in lx.PRONOUNS or low in ("i", "we", "you"):
        return s, "unknown"  # resolved later from the context
    # "data provided by East Security" -> East Security
    m = re.match(r"^(?:the\s+|some\s+)?(\w+)\s+(?:provided|published|released|compiled|collected|gathered)?\s*(?:by|from)\s+(.+)$", s, re.IGNORECASE)
    if m and m.group(1).lower() in lx.CARRIER_WORDS:
        return canonical_source(m.group(2))
    # "United Nations (UN)" -> "UN"
    s = _PAREN_ABBREV.sub(lambda mm: mm.group(2), s)
    words = s.split()
    lows = [w.lower().strip(",.") for w in words]
    kind = _kind(words, lows)
    # Drop determiners and generic outlet words around a name: "the message Reuters".
    if kind == "outlet":
        kept = [w for w, lw in zip(words, lows) if lw not in lx.OUTLET_DESCRIPTORS and lw not in lx.DETERMINERS]
        if kept and any(w[:1].isupper() for w in kept):
            words = kept
    name = " ".join(words)
    if kind in ("person", "organisation", "outlet", "anonymous"):
        name = _LEAD_DET.sub("", name)
    elif kind == "document":
        name = _document_name(words, lows)
    return name.strip(" ,") or None, kind


def _document_name(words: list[str], lows: list[str]) -> str:
    """"a report created by “independent experts” and submitted ..." -> "a report by
    independent experts"; "The UN report" -> "UN report"."""
    head = _head_index(lows) or 0
    kept = words[: head + 1]
    rest = lows[head + 1 :]
    if "by" in rest[:3]:
        k = head + 1 + rest.index("by") + 1
        by = []
        for w, lw in zip(words[k:], lows[k:]):
            if lw in ("and", "to", "on", "in", "for", "at", "with", "which", "that") or w.endswith(","):
                if w.endswith(","):
                    by.append(w)
                break
            by.append(w)
        if by:
            kept += ["by"] + by
    if kept and kept[0].lower() in ("the", "this", "that", "these", "those"):
        kept = kept[1:]
    elif kept and kept[0].lower() == "an":
        kept = ["a"] + kept[1:]
    return " ".join(w.strip("“”\"'‘’,") for w in kept if w.strip("“”\"'‘’,"))


def _kind(words: list[str], lows: list[str]) -> str:
    joined = " ".join(w for w in lows if w not in lx.DETERMINERS)
    head = _head_index(lows)
    head_low = lows[head] if head is not None else ""
    if joined in lx.OUTLET_NAMES or _has_outlet_phrase(lows) or any(w in lx.OUTLET_NAMES and words[i][:1].isupper() and len(w) > 3 for i, w in enumerate(lows)):
        if head_low not in lx.DOCUMENT_WORDS and head_low not in lx.PERSON_WORDS and head_low not in lx.ANONYMOUS_WORDS:
            return "outlet"
    if head_low in lx.DOCUMENT_WORDS:
        return "document"
    named = any(w[:1].isupper() for w in words[1:] if w.lower() not in lx.ORGANISATION_WORDS) or (words and words[0][:1].isupper() and lows[0] not in lx.DETERMINERS)
    if head_low in lx.ANONYMOUS_WORDS and not _has_person_name(words, lows, head):
        return "anonymous"
    if head_low in lx.OUTLET_WORDS and named:
        return "outlet"
    if head_low in lx.PERSON_WORDS:
        return "person"
    if head_low in lx.ORGANISATION_WORDS or (head is not None and _acronym_in(words[head])):
        return "organisation"
    if any(w in lx.ORGANISATION_WORDS and words[i][:1].isupper() for i, w in enumerate(lows)) and not _has_person_name(words, lows, head):
        return "organisation"
    if head_low in lx.PERSON_WORDS or named:
        return "person"
    if head_low in ("group", "company", "firm", "government", "agency", "administration", "campaign", "committee"):
        return "organisation"
    return "unknown"


def _acronym_in(word: str) -> bool:
    """"UN", "Group-IB": an all-capitals part of two letters or more."""
    return any(1 < len(p) <= 4 and p.isupper() and p.isalpha() for p in word.split("-"))


_OUTLET_MULTI = frozenset(p for p in lx.OUTLET_NAMES if " " in p)
_OUTLET_MAX_WORDS = max(len(p.split()) for p in _OUTLET_MULTI)


def _has_outlet_phrase(lows: list[str]) -> bool:
    """Does a multi-word outlet name ("new york times") occur in the words?"""
    words = [w.strip(",.’'") for w in lows]
    for n in range(2, _OUTLET_MAX_WORDS + 1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) in _OUTLET_MULTI:
                return True
    return False


def _head_index(lows: list[str]) -> int | None:
    """The head noun: the last word before "of/for/at/with/from/by/who/in"."""
    if not lows:
        return None
    end = len(lows)
    for i, w in enumerate(lows):
        if i > 0 and w in ("of", "for", "at", "with", "from", "by", "who", "in", "familiar", "close", "on", "to", "which", "that", "provided", "created", "published", "released", "conducted", "taken", "issued", "filed"):
            end = i
            break
    # "Stein spokeswoman Melezia Figueroa, ..." -> stop at a comma too
    for i in range(end):
        if lows[i].endswith(","):
            end = i + 1
            break
    return end - 1 if end > 0 else None


def _has_person_name(words, lows, head) -> bool:
    """A capitalised word after the head that is not an organisation word: "spokesman John Kirby"."""
    if head is None:
        return False
    return any(w[:1].isupper() and lows[i] not in lx.ORGANISATION_WORDS for i, w in enumerate(words[head + 1 :], head + 1) if i < len(words) and not lows[i] in ("of", "for"))


def _resolve_names(ctx: _Context, found: list[_Found], atts: list[Attribution]) -> None:
    """Pronouns and "the source added" take the name of the nearest fitting earlier source."""
    for i, a in enumerate(atts):
        if not a.source:
            continue
        raw = _SPACES.sub(" ", " ".join(ctx.text[s:e] for s, e in a.source)).lower().strip()
        if raw in ("who", "which"):
            ante = _relative_antecedent(ctx, a.source[0][0])
            if ante:
                a.source_name, a.kind = canonical_source(ante)
            continue
        fits = _antecedent_test(raw)
        if fits is None:
            continue
        for j in range(i - 1, max(-1, i - 15), -1):
            b = atts[j]
            name = (b.source_name or "").lower()
            if name and name not in lx.PRONOUNS and name.split()[0] not in ("his", "her", "its", "their", "the") and fits(b.kind, name):
                a.source_name, a.kind = b.source_name, b.kind
                break


def _antecedent_test(raw: str):
    """A test (kind, name) -> bool for the earlier sources a pronoun or a bare definite
    description ("the report", "the source") may refer to; None when raw is a name."""
    if raw in ("he", "she", "i", "him", "her"):
        return lambda k, n: k == "person"
    if raw in ("they", "we"):
        return lambda k, n: k in ("organisation", "outlet") or (k in ("person", "anonymous", "document") and n.endswith("s"))
    if raw == "it":
        return lambda k, n: k in ("organisation", "outlet", "document")
    words = raw.split()
    if len(words) == 2 and words[0] in ("the", "this", "that"):
        head = words[1]
        if head in lx.DOCUMENT_WORDS or head in lx.ANONYMOUS_WORDS or head in ("agency", "newspaper", "company", "group", "firm"):
            return lambda k, n: head in n.split()
    return None


def _relative_antecedent(ctx: _Context, pos: int) -> str | None:
    """For ", who said": the noun phrase before the comma."""
    text = ctx.text
    j = pos - 1
    while j >= 0 and text[j] in " ,":
        j -= 1
    start = j
    while start > 0 and text[start - 1] not in ",.;:\n“”\"(":
        start -= 1
    phrase = text[start : j + 1].strip()
    return phrase or None


def _assign_parents(found: list[_Found], atts: list[Attribution]) -> None:
    """An attribution lying wholly inside another's content is nested in it."""
    for i, (f, a) in enumerate(zip(found, atts)):
        if f.nested_in is not None:
            a.parent = f.nested_in
            continue
        spans = a.source + a.cue
        if not spans:
            continue
        s, e = a.start, a.end
        best = None
        for j, b in enumerate(atts):
            if j == i or found[j].sentence != f.sentence and not _covers(b.content, s, e):
                continue
            if _covers(b.content, min(x for x, _ in spans), max(y for _, y in spans)) and _covers(b.content, s, e):
                size = b.end - b.start
                if best is None or size < best[0]:
                    best = (size, j)
        if best is not None and atts[best[1]].parent != i:
            a.parent = best[1]


def _covers(spans: list[Span], s: int, e: int) -> bool:
    return any(cs <= s and e <= ce for cs, ce in spans)


def _assign_links(atts: list[Attribution], links: list[Link], sentences: list[Sentence], found: list[_Found]) -> None:
    """The link on the source's name, else on the cue, else in the content or sentence."""
    ordered = sorted(links, key=lambda l: l.start)
    starts = [l.start for l in ordered]

    def in_spans(spans: list[Span]) -> str | None:
        for s, e in spans:
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(ordered) and ordered[i].start < e:
                link = ordered[i]
                if link.end > s and link.start < e:
                    return link.href
                i += 1
        return None

    for a, f in zip(atts, found):
        href = in_spans(a.source) or in_spans(a.cue)
        if href is None:
            sent = sentences[f.sentence] if 0 <= f.sentence < len(sentences) else None
            href = in_spans(a.content) or (in_spans([(sent.start, sent.end)]) if sent else None)
        a.link = href


def _continue_quotes(ctx: _Context, found: list[_Found]) -> None:
    """"“A,” she said. “B. C.”": a quote that opens the next sentence of the paragraph,
    with no cue of its own, goes on the speaker's words."""
    claimed = {f.content[0][0] for f in found if f.content}
    cue_sentences = {f.sentence for f in found}
    for f in found:
        if not f.content or not f.cue:
            continue
        last = f.content[-1]
        if not _is_quote_span(ctx, last) or f.cue[-1][0] < last[0]:
            continue  # only speaker-after-quote and mid-quote forms
        index = f.sentence
        sents = ctx.sentences
        while True:
            # the sentence after the one where the current content ends
            nxt = index + 1
            while nxt < len(sents) and sents[nxt].start < f.content[-1][1]:
                nxt += 1
            if nxt >= len(sents) or nxt in cue_sentences:
                break
            if ctx.text[sents[index].start : sents[index].end].rstrip()[-1:] not in ".!?" and index == f.sentence:
                break
            q = _quote_at(sents[nxt].start, ctx.quotes, ctx.quote_starts)
            if q is None or q[0] in claimed:
                break
            p = sents[nxt].paragraph
            if p != sents[index].paragraph:
                # the next paragraph: only a quote that fills it, with no cue of its own
                p_end = ctx.paragraphs[p][1] if p < len(ctx.paragraphs) else q[1]
                if q[1] < p_end - 1 or any(k in cue_sentences for k in range(nxt, len(sents)) if sents[k].paragraph == p):
                    break
            f.content.append(q)
            claimed.add(q[0])
            index = nxt


def _is_quote_span(ctx: _Context, span: Span) -> bool:
    return _quote_at(span[0], ctx.quotes, ctx.quote_starts) == span


def _dedupe(found: list[_Found]) -> list[_Found]:
    """Drop attributions whose cue repeats an earlier one's; keep text order."""
    seen: set[tuple] = set()
    out: list[_Found] = []
    order = sorted(range(len(found)), key=lambda k: (found[k].cue[0] if found[k].cue else (0, 0)))
    remap: dict[int, int] = {}
    for k in order:
        f = found[k]
        key = tuple(f.cue)
        if key in seen:
            continue
        seen.add(key)
        remap[k] = len(out)
        out.append(f)
    for f in out:
        if f.nested_in is not None:
            f.nested_in = remap.get(f.nested_in)
    return out
