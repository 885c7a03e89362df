"""Attribution extraction: who does each stretch of text say it came from?

Rule-based, pure Python + regex. For every sentence the rules look for a cue ("said",
"according to", "told", a colon lead-in, a dateline ...) outside quotation marks, then find
the cue's source (the noun phrase that speaks) and its content (what is attributed), with
character offsets into the text. Quotes are paired over the whole text first, so a content
that starts with a quotation mark runs to its closing mark, across sentences and across
paragraphs ("opening marks on each paragraph, one closing mark").

Public API: ``extract_attributions`` (and ``split_sentences`` from tracer.sentences);
``attribution_to_json`` / ``attributions_for`` / ``analyse_input`` serve the CLI.
The token and clause helpers live in tracer.clauses, source names and kinds in
tracer.sources, the word lists in tracer.lexicon.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from tracer.attribution import lexicon as lx
from tracer.models import Attribution, Link, Sentence, Span
from tracer.attribution.clauses import (  # the rules' building blocks
    QUOTE_CHARS,
    QUOTE_TOKENS,
    Token,
    INTRO_WORDS,
    MAX_SENTENCE_CHARS,
    NOT_SPEAKERS,
    PARTICLES,
    SURVEY_WORDS,
    VERBISH,
    after_comma,
    appositive_subject,
    aux_start,
    circumstance_run,
    clause_subject,
    COMMON_VERBS,
    clause_opener,
    clause_stop,
    document_shows,
    first_non_space,
    is_content_break,
    is_passive,
    np_forward,
    quote_at,
    quote_ending_at,
    quoted_before_break,
    sentence_subject,
    skip_circumstances,
    skip_hearer,
    skip_intro_chunks,
    skip_setting,
    skip_to_break,
    subject_before,
    tail_kind,
    tokens,
    trim_end,
    verb_context,
    find_quotes,
)
from tracer.read.sentences import split_paragraphs, split_sentences
from tracer.attribution.sources import (
    SPACES,
    head_index,
    canonical_source,
)

__all__ = [
    "extract_attributions",
    "canonical_source",
    "split_sentences",
    "attribution_to_json",
    "attributions_for",
]

# A sentence is only analysed when one of these words occurs in it, or a colon or a
# bracket (lead-ins, datelines): a cheap pre-filter, a set lookup per word.
_HINT_WORDS = frozenset(lx.CUE_FORMS) | lx.RECORD_FORMS | lx.SEEM_FORMS | lx.JUDGED_FORMS | {"allegedly", "purportedly", "reputedly", "according", "citing", "cited", "reportedly", "asked"} | set(
    "poll polls survey surveys study report statement interview video letter memo filing documents document analysis put".split()
)
_WORD = re.compile(r"[A-Za-z]+")
_ABBREV_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Col|Lt|Sgt|Capt|Prof|Rev|St|Jr|Sr)|\b[A-Z])\.$")


def _setting_before(toks, k, that) -> bool:
    """"said after a lunch on Tuesday that ...": a place or time between the cue and "that"."""
    return toks[k].low in ("in", "at", "on", "during", "after", "before", "following", "over", "while", "from") and not any(
        t.low in VERBISH or t.low in lx.CUE_FORMS or t.quoted for t in toks[k + 1 : that]
    )


_MONTHS = frozenset("january february march april may june july august september october november december".split())
# Cues whose source may follow them: "..., said Larry Sabato, director of ...".
_INVERTING_LEMMAS = frozenset(
    "say add note explain insist argue continue recall observe caution warn acknowledge concede reply respond remark joke declare quip".split()
)


def _name_tail(toks, k) -> bool:
    """"..., said Larry Sabato, director of the Center for Politics.": after the cue only a
    name and its appositive (a relative clause may follow), no verb of a clause of its own."""
    n = len(toks)
    if k >= n or not (toks[k].text[:1].isupper() or toks[k].low in ("a", "an", "the", "one", "former", "another")):
        return False
    caps = False
    for t in toks[k:]:
        if t.low in ("who", "which", "whose") or t.text in ".!?;" or t.quoted or t.text in QUOTE_TOKENS:
            break
        if t.text == "," and caps:
            continue
        if t.low in VERBISH or t.low in COMMON_VERBS or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS or t.low in lx.PRONOUNS or (
            t.low in lx.AUXILIARIES and t.low not in ("’s", "'s") and not t.text[:1].isupper()
        ):
            return False  # "said Ivanka Trump's statement didn't clarify it": a clause
        caps = caps or t.text[:1].isupper() and t.low not in lx.CIRCUMSTANCE_WORDS and t.low not in _MONTHS
    return caps


def _is_ly(t) -> bool:
    return t.text.islower() and t.low.endswith("ly") and len(t.low) > 4 and t.low not in ("only", "family", "rally", "ally", "early")


def _participle_word(t) -> bool:
    return t.text.islower() and (t.low.endswith("ing") or t.low.endswith("ed") and len(t.low) > 4)


# Lower-case titles before a name after an inverted cue ("said former Gov. Ed Rendell",
# "said election lawyer Joe Birkenstock", "said retired neurosurgeon Ben Carson").
def _titled_name(toks, k, e) -> bool:
    if e - k < 2 or toks[k].low in INTRO_WORDS or toks[k].low in lx.CLAUSE_BOUNDARIES or toks[k].low in VERBISH or toks[k].low in lx.CUE_FORMS:
        return False
    caps = [t for t in toks[k:e] if t.text[:1].isupper()]
    return bool(caps) and toks[e - 1].text[:1].isupper() and all(t.text.isalpha() or t.text in (".", "-") or t.text[:1].isupper() for t in toks[k:e])


# Words that end a stance verb's object ("backed the bill despite his reservations").
_OBJECT_STOPS = frozenset(
    """because while when although though despite since if but which who where whose even
    especially including whereas unless""".split()
)
# Multi-word cues, matched on the lower-case tokens of a sentence joined by spaces.
_PHRASE_CUES = re.compile(
    r"\b(?:"
    r"(?:make|makes|made|making) (?:it )?(?:very |abundantly |perfectly |quite )?clear"
    r"|(?:make|makes|made|making) (?:the|a|his|her|their|its|an)(?: \w+){0,2} case(?: for| against)?"
    r"|(?:take|takes|took|taking|taken) (?:a |another |several |some |repeated |multiple )?(?:shot|shots|swipe|swipes|jab|jabs|aim|issue) (?:at|with)"
    r"|(?:weigh|weighs|weighed|weighing) in(?: on)?"
    r"|(?:lash|lashes|lashed|lashing) out(?: at| against)?"
    r"|(?:rail|railed|rails|railing) against"
    r"|(?:raise|raised|raises|raising) (?:concerns|questions|doubts|alarm|alarms) (?:about|over)"
    r"|(?:express|expressed|expresses|voice|voiced|voices|signal|signaled|signalled|signals) (?:his |her |their |its |strong |some |deep |serious |growing |a )?"
    r"(?:support|concern|concerns|opposition|doubt|doubts|frustration|optimism|confidence|skepticism|interest|regret|dismay|outrage|disappointment|reservations|willingness)(?: for| about| over| with| in| at)?"
    r"|(?:throw|threw|throws|thrown|throwing) (?:his|her|their|its) (?:full )?(?:support|weight) behind"
    r"|(?:give|gave|gives|given|giving) (?:his|her|their|its) (?:full )?(?:support|backing|blessing|endorsement) to"
    r")\b"
)
_PHRASE_HINT = re.compile(r"\b(?:clear|case|shot|shots|swipe|swipes|jab|jabs|aim|issue|weigh|weighs|weighed|weighing|lash|lashes|lashed|lashing|rail|railed|rails|railing|concerns|questions|doubts|alarm|alarms|support|concern|opposition|doubt|frustration|optimism|confidence|skepticism|interest|regret|dismay|outrage|disappointment|reservations|willingness|backing|blessing|endorsement|weight)\b")
_QUESTION_STARTS = frozenset("to about if whether what why how who which when where for".split())
_SETTING_NOUNS = frozenset(
    """tweet tweets statement interview speech show program programme radio rally debate letter
    post op-ed column book video appearance briefing conference hearing town forum""".split()
)
_COMPLEMENT_ENDS = frozenset("but and while which who whose as although though because so when where if whereas".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion half".split())


# Cues that take a place or time of speaking after an inverted source ("..., X said in a
# statement.", "..., the Times reported at the time.").
_SETTING_LEMMAS = frozenset("say tell report write add announce confirm note explain reveal claim warn state tweet post".split())
# "was first reported by X": passive verbs whose "by" agent is the source.
_PASSIVE_BY_LEMMAS = frozenset("report reveal announce confirm disclose estimate predict forecast".split())


def _that_verb(toks, i) -> bool:
    """A past-tense verb outside the lexicon that takes a that-clause ("X hinted that ...",
    "X bragged that ..."): a cue too."""
    t = toks[i]
    return (
        i > 0 and i + 1 < len(toks) and toks[i + 1].low == "that"
        and t.text.isalpha() and t.text.islower() and t.low.endswith("ed") and len(t.low) > 4
        and toks[i - 1].low not in lx.DETERMINERS and toks[i - 1].low not in ("so", "such", "was", "were", "is", "are", "be", "been")
    )


def _has_hint(chunk: str) -> bool:
    if ":" in chunk or "(" in chunk or "―" in chunk or "—" in chunk or "ed that " in chunk:
        return True
    return any(w in _HINT_WORDS or w.lower() in _HINT_WORDS for w in _WORD.findall(chunk)) or bool(_PHRASE_HINT.search(chunk.lower()))




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
    found = _drop_weak_nested(ctx, found)
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
        return tokens(self.text, s.start, s.end, self.quotes, self.quote_starts)

    def extend_to_quote(self, start: int, end: int) -> int:
        """When content starts with an opening quote, it runs to that quote's end."""
        q = quote_at(start, self.quotes, self.quote_starts)
        if q is not None and q[1] > end:
            return q[1]
        return end

    # -- per sentence ---------------------------------------------------------------------

    def sentence_attributions(self, index: int, previous: list[_Found]) -> list[_Found]:
        s = self.sentences[index]
        if s.end - s.start > MAX_SENTENCE_CHARS:
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
        for rule in (self._according_to, self._as_reported_by, self._dateline, self._phrase_cues, self._verb_cues, self._citing, self._colon_lead, self._in_document, self._asked, self._signed_quote, self._impressions):
            for f in rule(index, toks, used, out):
                out.append(f)
        if len(out) > 1:
            self._trim_inner(out)
        if not out:
            out.extend(self._quote_after_colon(index, previous))
        return out

    def _trim_inner(self, out: list[_Found]) -> None:
        """"The mayor denied it, the Times reported": the inner attribution's content stops
        before the source of the outer one, whose content covers the inner cue."""
        for g in out:
            if not g.source or not g.content or not g.cue:
                continue
            g0 = min(g.source[0][0], g.cue[0][0])
            g1 = max(g.source[-1][1], g.cue[-1][1])
            tail = self.text[g1 : self.sentences[g.sentence].end]
            if len(tail.split()) > 5 or any(q in tail for q in QUOTE_CHARS):
                continue  # only a source and cue that close the sentence
            for f in out:
                if f is g or not f.cue or not f.content:
                    continue
                c0, c1 = f.content[-1]
                if c0 < g0 < c1 and any(s <= f.cue[0][0] and f.cue[-1][1] <= e <= g0 for s, e in g.content):
                    end = trim_end(self.text, c0, g0)
                    while end > c0 and self.text[end - 1] in ",—–- ":
                        end -= 1
                    if end > c0:
                        f.content[-1] = (c0, end)

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
            yield _Found([(toks[src_start].start, toks[src_end - 1].end)], [(toks[i].start, toks[j + 1].end)], content, index)

    _AS_CUES = frozenset("reported reports revealed reveals wrote writes noted notes said says disclosed found reported put".split())

    def _as_x_reported(self, index, toks, i, used) -> _Found | None:
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
        return _Found([(toks[k].start, toks[src_end - 1].end)], [(toks[cue0].start, toks[c].end)], content, index)

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
                yield _Found([(toks[i + 1].start, toks[close - 1].end)], [(toks[i].start, toks[close + 1].end)], content, index)
                return

    # "X made clear that ...", "X took aim at Y", "X expressed concern about Y"
    def _phrase_cues(self, index, toks, used, out):
        lows = [t.low for t in toks]
        joined = " ".join(lows)
        if not _PHRASE_HINT.search(joined):
            return
        starts = []
        pos = 0
        for w in lows:
            starts.append(pos)
            pos += len(w) + 1
        n = len(toks)
        for m in _PHRASE_CUES.finditer(joined):
            i = bisect_right(starts, m.start()) - 1
            last = bisect_right(starts, m.end() - 1) - 1
            if starts[i] != m.start() or any(k in used or toks[k].quoted for k in range(i, last + 1)):
                continue
            cue_start = aux_start(toks, i)
            subj = subject_before(toks, cue_start)
            if subj is None or any(k in used for k in range(*subj)):
                continue
            c0 = last + 1
            if c0 >= n or toks[c0].text in ".!?":
                continue
            if toks[c0].text in ",:" and c0 + 1 < n and toks[c0 + 1].text in QUOTE_TOKENS:
                c0 += 1
            end = self._content_end(index, toks, c0)
            if not clause_opener(toks, c0) and toks[c0].low != "to":
                end = min(end, self._object_end(toks, c0))
            if end <= toks[c0].start:
                continue
            used.update(range(subj[0], last + 1))
            yield _Found([(toks[subj[0]].start, toks[subj[1] - 1].end)], [(toks[cue_start].start, toks[last].end)], [(toks[c0].start, end)], index)

    # "X said ...", "..., X said", "..., said X", "X told Y that ..."
    def _verb_cues(self, index, toks, used, out):
        n = len(toks)
        words = [t for t in toks if t.text[:1].isalpha()]
        title_case = len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)
        for i in range(n):
            t = toks[i]
            progressive = i > 1 and toks[i - 1].low in ("is", "are", "was", "were", "’s", "'s", "’re", "'re", "been", "be")
            if t.quoted or i in used or t.low in lx.PARTICIPLE_CUES and not progressive and i > 0:
                continue
            if t.low in lx.RECORD_FORMS:
                found = self._organisation_records(index, toks, i, used)
                if found is not None:
                    yield found
                continue
            if t.low not in lx.CUE_FORMS and not _that_verb(toks, i):
                continue
            if t.low == "asked" and (i == 0 or toks[i - 1].low in ("when", "whenever", "if", "after", "once", "before", "being")):
                continue  # "When asked about it, ...": the question rule
            if t.low in lx.AMBIGUOUS_FORMS and not verb_context(toks, i) and not (
                lx.CUE_FORMS.get(t.low) == "show" and document_shows(toks, subject_before(toks, aux_start(toks, i)), i)
            ):
                continue  # ("records show", "a poll shows": the noun reading is out)
            if lx.CUE_FORMS.get(t.low) == "see" and not any(x.low == "as" and not x.quoted for x in toks[i + 2 : min(n, i + 16)]):
                continue  # "experts see the vote as a test": a view; "they saw the abundance": no
            topic = lx.CUE_FORMS.get(t.low)
            after = i + 2 if i + 2 < n and _is_ly(toks[i + 1]) else i + 1
            if topic in lx.TOPIC_PARTICLES and (after >= n or toks[after].low not in lx.TOPIC_PARTICLES[topic]):
                continue  # "talked to reporters" is no cue, "talked about the plan" is
            if t.low.endswith("ing") and t.low not in lx.PARTICIPLE_CUES and not (
                i > 1 and toks[i - 1].low in ("is", "are", "was", "were", "’s", "'s", "’re", "'re", "been")
            ):
                continue  # (progressive forms are cues: "is planning to", "is promising lower taxes")
            if i > 0 and t.text[:1].isupper() and not title_case:
                continue  # "The Washington Post" (but "Trump Says ..." in a headline)
            if aux_start(toks, i) > 0 and toks[aux_start(toks, i) - 1].low == "to":
                continue  # "needed to know"
            if i + 1 < n and toks[i + 1].low == "tank":
                continue  # "think tank"
            if t.low in ("called", "dubbed", "named") and i + 1 < n and (
                toks[i + 1].low in ("off", "up", "in", "back") or toks[i + 1].text[:1].isupper() and toks[i - 1].text.isalpha() and toks[i - 1].text.islower() and toks[i - 1].low not in lx.PRONOUNS and toks[i - 1].low not in lx.AUXILIARIES
            ):
                continue  # "a group called Black Votes Matter" names it; "called off the deal"
            found = self._inverted(index, toks, i, used) or self._forward(index, toks, i, used)
            if found is not None:
                yield found
        # participles hang on the subject of an attribution found before them
        for i in range(n):
            t = toks[i]
            if t.quoted or i in used or t.low not in lx.PARTICIPLE_CUES:
                continue
            prev = toks[i - 1] if i > 0 else None
            if prev is None or prev.low in lx.AUXILIARIES and not after_comma(toks, i) or prev.low in ("to", "of", "for", "about", "the", "a", "an", "is", "are", "was", "were", "be", "been"):
                continue  # "is saying" went through the verb rules; "about saying" is no cue
            f = self._participle(index, toks, i, used, out)
            if f is not None:
                yield f

    def _forward(self, index, toks, i, used) -> _Found | None:
        """SOURCE CUE CONTENT: the subject before the cue, the content after it."""
        cue_start = aux_start(toks, i)
        passive = is_passive(toks, cue_start, i)
        subj = None if passive else subject_before(toks, cue_start)
        if not passive and (subj is None or any(k in used for k in range(*subj))):
            subj = appositive_subject(toks, cue_start) or subj
        shared_source = None
        if subj is None and not passive and cue_start > 0 and toks[cue_start - 1].low in ("and", "but") and not (
            lx.CUE_FORMS.get(toks[i].low) in lx.NESTED_WEAK_LEMMAS and self._inside_content(toks[i].start)
        ):
            # "Graham called Trump “crazy” and said ...": the same subject speaks again
            # (but in "Police say he posed a threat and refused to drop the gun" he refused)
            shared_source = self._sentence_source(index, toks, cue_start)
        if subj is None and not passive and shared_source is None:
            return None
        if subj is not None and any(k in used for k in range(*subj)):
            return None
        if subj is not None and subj[1] > subj[0] and toks[subj[1] - 1].low in ("who", "that", "which") and lx.CUE_FORMS.get(toks[i].low) in lx.NESTED_WEAK_LEMMAS:
            return None  # "Voters who want to ban the tax said": part of the subject
        if passive and i + 2 < len(toks) and toks[i + 1].low == "by" and lx.CUE_FORMS.get(toks[i].low, "") in _PASSIVE_BY_LEMMAS:
            return self._passive_by(index, toks, cue_start, i, used)
        c0, cue_end = self._content_start(toks, i)
        if c0 is None:
            return None
        lemma = lx.CUE_FORMS.get(toks[i].low, "")
        if lemma in ("ask", "urge") and c0 < len(toks) and toks[c0].low != "to" and cue_end == i + 1:
            # "asked workers to sign up", "urged Republicans to join": the hearer and the request
            to = next((m for m in range(c0 + 1, min(len(toks), c0 + 7)) if toks[m].low == "to"), None)
            if to is not None and not any(x.text in ",;:" or x.low in VERBISH or x.quoted for x in toks[c0:to]):
                c0 = to
        if lemma in ("ask", "urge") and c0 < len(toks) and toks[c0].low == "to" and c0 > cue_end:
            c0 = cue_end  # the hearer belongs to the request
            infinitive_hearer = True
        else:
            infinitive_hearer = False
        infinitive = infinitive_hearer or lemma in lx.INFINITIVE_LEMMAS and c0 < len(toks) and toks[c0].low == "to"
        if infinitive and toks[c0 - 1].low != "to":
            pass
        elif lemma in lx.INFINITIVE_LEMMAS and lemma not in lx.WEAK_LEMMAS and lemma not in ("want",):
            if not clause_opener(toks, c0):
                return None  # "plan" and "decline" without an infinitive are not cues
        if lemma == "propose" and c0 < len(toks) and toks[c0].low == "to":
            return None  # "we propose to close the libraries": a plan in the page's own voice, not a report
        weak = lemma in lx.WEAK_LEMMAS and not document_shows(toks, subj, i) and not infinitive and not (lemma in ("ask", "point") and cue_end > i + 1)
        if (passive or weak) and not clause_opener(toks, c0):
            return None
        if passive:
            # "It was reported that ...": an attribution without a source
            s0 = next((k for k in range(cue_start - 1, -1, -1) if toks[k].low in ("it", "this")), cue_start)
            subj = (s0, s0)
        end = self._content_end(index, toks, c0)
        if lemma in lx.STANCE_LEMMAS and c0 < len(toks) and not clause_opener(toks, c0) and toks[c0].low != "to":
            end = min(end, self._object_end(toks, c0))  # "opposed the tax, down from ...": the object
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

    def _organisation_records(self, index, toks, i, used) -> _Found | None:
        """"The Ministry of Health has recorded 35 confirmed cases": an organisation's count
        is its report. Only organisations, outlets and documents, and only for a figure."""
        n = len(toks)
        cue_start = aux_start(toks, i)
        if is_passive(toks, cue_start, i):
            return None
        subj = subject_before(toks, cue_start)
        if subj is None or any(k in used for k in range(*subj)):
            return None
        kind = canonical_source(" ".join(t.text for t in toks[subj[0] : subj[1]]))[1]
        if kind not in ("organisation", "outlet", "document"):
            return None
        k = i + 1
        if k < n and toks[k].low in ("at", "about", "around", "nearly", "almost", "some", "over", "more", "fewer", "less", "a", "an", "its", "the"):
            k += 1
            if k < n and toks[k].low == "than":
                k += 1
        if k >= n or not (toks[k].text[:1].isdigit() or toks[k].low in _NUMBER_WORDS or toks[k].low in ("record", "total", "rise", "drop", "fall", "increase", "decline", "further")):
            return None
        end = self._content_end(index, toks, i + 1)
        if end <= toks[i + 1].start:
            return None
        used.update(range(subj[0], i + 1))
        return _Found([(toks[subj[0]].start, toks[subj[1] - 1].end)], [(toks[cue_start].start, toks[i].end)], [(toks[i + 1].start, end)], index)

    def _passive_by(self, index, toks, cue_start, i, used) -> _Found | None:
        """"The figures were first reported by the Coastal Courier": the agent after "by" is
        the source, the subject is what it reported."""
        src_end = np_forward(toks, i + 2)
        while src_end > i + 2 and toks[src_end - 1].low in lx.CIRCUMSTANCE_WORDS | {"first"}:
            src_end -= 1
        subj = subject_before(toks, cue_start)
        if src_end <= i + 2 or subj is None or any(k in used for k in range(subj[0], src_end)):
            return None
        if not (toks[i + 2].text[:1].isupper() or toks[i + 2].low in ("the", "a", "an") and src_end > i + 3 and toks[i + 3].text[:1].isupper()):
            return None  # only named agents: "reported by the Coastal Courier", "by Reuters"
        used.update(range(subj[0], src_end))
        return _Found(
            [(toks[i + 2].start, toks[src_end - 1].end)],
            [(toks[cue_start].start, toks[i + 1].end)],
            [(toks[subj[0]].start, toks[subj[1] - 1].end)],
            index,
        )

    def _inverted(self, index, toks, i, used) -> _Found | None:
        """CONTENT, SOURCE CUE. / CONTENT, CUE SOURCE. / "A," SOURCE CUE, "B". /
        A, SOURCE CUE, B."""
        n = len(toks)
        cue_start = aux_start(toks, i)
        src = None
        subj = subject_before(toks, cue_start)
        name_after = cue_start == i and cue_start > 0 and is_content_break(toks[cue_start - 1]) and lx.CUE_FORMS.get(toks[i].low) in _INVERTING_LEMMAS and _name_tail(toks, i + 1)
        if subj is not None and subj[0] > 0 and is_content_break(toks[subj[0] - 1]) and not name_after:
            src, brk, k = subj, subj[0] - 1, i + 1
        elif cue_start > 0 and is_content_break(toks[cue_start - 1]) and cue_start == i and (not (
            subj is not None and subj[0] == skip_intro_chunks(toks, 0, subj[1]) and toks[cue_start - 1].text not in QUOTE_TOKENS
        ) or lx.CUE_FORMS.get(toks[i].low) in _INVERTING_LEMMAS and _name_tail(toks, i + 1)):
            # ", said Smith." / "” said Smith, a spokesman." -> the source follows the cue
            # (but "Smith, a spokesman, said ..." has its subject before the cue)
            e = np_forward(toks, i + 1, allow_lower=True)
            if e + 1 < n and toks[e].low == "and" and not toks[e].quoted:
                # "said lobbyist and GOP strategist Charlie Black": titles joined before a name
                w = e + 1
                while w < n and toks[w].text not in ",;.!?" and not toks[w].quoted and toks[w].text not in QUOTE_TOKENS:
                    w += 1
                run = toks[e + 1 : w]
                if run and run[-1].text[:1].isupper() and not any(
                    t.low in VERBISH or t.low in COMMON_VERBS or t.low in lx.CUE_FORMS or t.low in lx.PRONOUNS for t in run
                ):
                    e = w
            first = toks[i + 1] if i + 1 < n else None
            if first is not None and (first.low == "that" or not (first.text[:1].isupper() or first.low in lx.DETERMINERS or first.low in lx.PRONOUNS or first.text[:1].isdigit() or _titled_name(toks, i + 1, e))):
                e = i + 1  # "... said that in 1998": no source after the cue
            elif first is not None and first.low in lx.PRONOUNS and e > i + 2:
                e = i + 1  # '“A,” said he doubts ...' is no inverted source: "he" opens the content
            if e > i + 1 and e - i <= 14 and not any(t.low in VERBISH for t in toks[i + 1 : e]):
                if e + 1 < n and toks[e].low in ("who", "whose") and not toks[e].quoted:
                    # "said a former official who oversaw the inquiry": the clause names the speaker
                    w = e + 1
                    while w < n and w - e < 16 and toks[w].text not in ",;.!?—–" and toks[w].low not in ("and", "but") and not toks[w].quoted and toks[w].text not in QUOTE_TOKENS:
                        w += 1
                    if w < n and toks[w].low in ("and", "but"):
                        e = w  # "... who oversaw X and described Y": the speaker's next act
                    elif w >= n or toks[w].text in ",;.!?—–":
                        e = w
                src, brk, k = (i + 1, e), cue_start - 1, e
                k = skip_circumstances(toks, k)
                if k < n - 1 and toks[k].text == "," and toks[k + 1].text not in QUOTE_TOKENS and not _participle_word(toks[k + 1]):
                    e = k + 1
                    while e < n and toks[e].text not in ".;!?" and toks[e].text not in QUOTE_TOKENS:
                        if toks[e].text == "," and e + 1 < n and _participle_word(toks[e + 1]):
                            break  # ", referring to ...", ", asked about ...": the speaker's act, not the speaker
                        if toks[e].low in ("who", "which") and toks[e - 1].text == "," and any(
                            t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS for t in toks[e + 1 : min(n, e + 4)]
                        ):
                            e -= 1
                            break  # "said Weaver, who said ...": a new attribution
                        if toks[e].text == "," and e > k + 2 and e + 1 < n and toks[e + 1].low in ("which", "a", "an", "one", "whose", "where"):
                            break  # "said Mulgrew, president of the union, which represents ...": one appositive
                        e += 1
                    src, k = (i + 1, e), e
        if src is None or any(x in used for x in range(*src)):
            return None
        if brk <= 0 and toks[0].text not in QUOTE_TOKENS:
            return None
        if lx.CUE_FORMS.get(toks[i].low, "") in lx.HEARER_LEMMAS and k == i + 1:
            k = skip_hearer(toks, k)
        k = skip_circumstances(toks, k)
        # where it was said: "on Twitter", "in a statement", "at the time", "in its report"
        if quoted_before_break(toks, brk):
            k = skip_setting(toks, k)
        elif k + 1 < n and toks[k].low in ("in", "at", "on", "during") and toks[k + 1].low not in ("least", "most", "all", "first", "last") and lx.CUE_FORMS.get(toks[i].low, "") in _SETTING_LEMMAS:
            j = skip_setting(toks, k)
            if k < j <= k + 6 and not any(t.low in VERBISH or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS for t in toks[k:j]) and tail_kind(toks, j) == "end":
                k = j
        if k < n and toks[k].low == "that":
            return None  # "..., Sanders told MSNBC that ...": a forward cue after an intro
        tail = tail_kind(toks, k)
        if tail == "other" and src[0] > i and k < n and toks[k].low in ("and", "but") and k + 1 < n and toks[k + 1].text.islower():
            tail = "end"  # "..., said X who oversaw Y and described Z": X's next act
        before = self._content_before(index, toks, brk)
        if not before:
            return None
        quoted_before = _is_quote_span(self, before[0])
        if tail in ("other", "quote") and not quoted_before:
            return None  # 'He left, and when asked, he said, “No.”' is a forward cue
        content = before
        if tail == "quote":
            q = quote_at(toks[k + 1 if toks[k].text == "," else k].start, self.quotes, self.quote_starts)
            if q is not None:
                content.append(q)
        elif tail == "clause" and not quoted_before:
            c0 = k + 1
            end = self._content_end(index, toks, c0)
            if end > toks[c0].start:
                if not quoted_before and toks[0].low in INTRO_WORDS and skip_intro_chunks(toks, 0, brk + 1) > brk and not any(
                    t.low in VERBISH or t.low in COMMON_VERBS or t.text.islower() and t.low.endswith("ed") for t in toks[:brk]
                ):
                    content = []  # "In a speech, Smith said, the plan ..." -> only what follows
                    # (but "Though that was seamless, he said, replacing her ..." keeps both clauses)
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
            subj = sentence_subject(toks)
            # "..., and he has battled with X, at one point calling": the nearer clause's subject
            for k in range(i - 1, (subj[1] if subj else 0), -1):
                if toks[k].low in ("he", "she", "they", "we", "i") and not toks[k].quoted and k > 0 and (
                    toks[k - 1].low in ("and", "but", ";") or toks[k - 1].text in ",;"
                ):
                    subj = (k, k + 1)
                    break
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
            owner.content[-1] = (owner.content[-1][0], trim_end(self.text, owner.content[-1][0], toks[i - 1].start))
        return _Found(source, [(toks[i].start, toks[cue_end - 1].end)], [(toks[c0].start, end)], index)

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
            f = _Found([(toks[i + 1].start, toks[src_end - 1].end)], [(toks[i].start, toks[i].end)], content, index)
            f.nested_in = owner
            yield f

    # "Asked whether he would run, Smith said no": the question, attributed to no one named;
    # "asked by a reporter whether ...": the asker is the source; "X was asked about Y"
    def _asked(self, index, toks, used, out):
        n = len(toks)
        for i in range(n - 1):
            t = toks[i]
            if t.low != "asked" or t.quoted or i in used:
                continue
            prev = toks[i - 1].low if i > 0 else ""
            passive = prev in ("was", "were", "is", "are", "been", "being", "be")
            if not (i == 0 or prev in ("when", "whenever", "if", "after", "once", "before", "being") or toks[i - 1].text == "," or passive):
                continue
            k = i + 1
            source: list[Span] = []
            if k < n and toks[k].low == "by":
                e = np_forward(toks, k + 1)
                q = next((m for m in range(k + 2, e) if toks[m].low in _QUESTION_STARTS), None)
                if q is not None:
                    e = q  # "asked by a reporter whether ..."
                while e > k + 1 and toks[e - 1].low in _QUESTION_STARTS:
                    e -= 1
                if e <= k + 1:
                    continue
                source = [(toks[k + 1].start, toks[e - 1].end)]
                k = e
            k = skip_setting(toks, k) if k < n and toks[k].low in ("on", "at", "in", "during") else k
            if k < n and toks[k].low in ("later", "again", "repeatedly", "directly", "specifically", "recently"):
                k += 1
            if k >= n:
                continue
            first = toks[k].low
            question = first in ("about", "if", "whether", "what", "why", "how", "who", "which", "when", "where", "to")
            if not question and not (passive and (first in ("a", "an", "the", "for") or toks[k].text[:1].isupper())):
                continue
            comma = next((j for j in range(k + 1, n) if toks[j].text in ",.;:" and not toks[j].quoted), n)
            if comma <= k + 1 and first not in ("why", "how", "what", "about"):
                continue
            if comma <= k:
                continue
            used.add(i)
            cue_start = i - 1 if passive else i
            yield _Found(source, [(toks[cue_start].start, t.end)], [(toks[k].start, toks[comma - 1].end)], index)

    # "X seems to ...", "X is expected to ...", "X is widely seen as ...": no one named
    def _impressions(self, index, toks, used, out):
        n = len(toks)
        for i in range(1, n - 1):
            t = toks[i]
            if t.quoted or i in used or not t.text.islower():
                continue
            if t.low in ("reportedly", "allegedly", "purportedly", "reputedly") and t.text.islower():
                # "The FBI is reportedly making arrangements ...": reported by no one named
                if i + 1 < n and toks[i + 1].low in lx.CUE_FORMS and toks[i + 1].low not in lx.AMBIGUOUS_FORMS:
                    continue  # "reportedly said": the verb is the cue
                a0 = aux_start(toks, i)
                subj = clause_subject(toks, a0)
                if subj is None or any(k in used for k in range(*subj)):
                    continue
                end = self._content_end(index, toks, i + 1)
                if end <= toks[i + 1].start:
                    continue
                used.add(i)
                content = [(toks[subj[0]].start, toks[i - 1].end if a0 < i else toks[subj[1] - 1].end), (toks[i + 1].start, end)]
                yield _Found([], [(t.start, t.end)], content, index)
                continue
            if t.low in lx.SEEM_FORMS:
                nxt = toks[i + 1]
                if nxt.low in lx.APPEARANCE_WORDS or nxt.text in ".,;:!?" or nxt.quoted or nxt.text in QUOTE_TOKENS:
                    continue
                if nxt.low == "to" and i + 2 < n and toks[i + 2].low in lx.DETERMINERS | {"me", "him", "her", "us", "them", "be"} - {"be"}:
                    continue  # "it appeared to the crowd"
                c0 = i + 1
            elif t.low in lx.JUDGED_FORMS:
                cue_start = aux_start(toks, i)
                if not any(x.low in ("is", "are", "was", "were", "be", "been", "being", "’s", "'s") for x in toks[cue_start:i]):
                    continue
                nxt = toks[i + 1].low
                if t.low in ("expected",):
                    if nxt not in ("to", "in", "on", "by", "at", "next", "this", "later", "soon", "within") or nxt == "by" :
                        continue
                elif nxt not in ("as", "to") and not (t.low in ("considered", "deemed", "thought", "believed") and toks[i + 1].text.isalpha() and toks[i + 1].low not in INTRO_WORDS and toks[i + 1].low not in lx.DETERMINERS):
                    continue
                if nxt == "to" and i + 2 < n and toks[i + 2].low not in ("be", "have") and t.low not in ("expected", "believed", "thought", "rumored", "rumoured"):
                    continue  # "known to everyone", "seen to it"
                c0 = i + 1
            else:
                continue
            cue_start = aux_start(toks, i)
            subj = clause_subject(toks, cue_start)
            near = subject_before(toks, cue_start)
            if near is not None and subj is not None and subj[0] < near[0] < subj[1]:
                subj = near  # "Last week Stumpf in a televised interview appeared to ..."
            if subj is None or any(k in used for k in range(*subj)):
                continue
            end = self._content_end(index, toks, c0)
            for j in range(c0 + 1, n - 1):  # "New Hampshire seems stable, but that could change"
                if toks[j].quoted or toks[j].text in QUOTE_TOKENS:
                    break
                if toks[j].text == ";" or toks[j].text == "," and toks[j + 1].low in _COMPLEMENT_ENDS:
                    end = min(end, trim_end(self.text, toks[c0].start, toks[j].start))
                    break
            if end <= toks[c0].start:
                continue
            used.update(range(cue_start, i + 1))
            if toks[c0].low == "to" and c0 + 1 < n and toks[c0 + 1].low in lx.CUE_FORMS and lx.CUE_FORMS[toks[c0 + 1].low] not in lx.STATE_LEMMAS and c0 + 2 < n:
                # "Mr. Cruz seemed to mock his talk": the subject speaks, hedged
                yield _Found(
                    [(toks[subj[0]].start, toks[subj[1] - 1].end)],
                    [(toks[cue_start].start, toks[c0 + 1].end)],
                    [(toks[c0 + 2].start, end)],
                    index,
                )
                continue
            content = [(toks[c0].start, end)]
            if not (subj[1] - subj[0] == 1 and toks[subj[0]].low in ("it", "there")):
                content.insert(0, (toks[subj[0]].start, toks[subj[1] - 1].end))  # "it seems": no subject
            yield _Found([], [(toks[cue_start].start, toks[i].end)], content, index)

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
            yield _Found([(toks[first].start, toks[i - 1].end)], [(toks[i].start, toks[i].end)], [(toks[rest].start, end)], index)
            return

    def _paragraph_start(self, p: int) -> int:
        if 0 <= p < len(self.paragraphs):
            return first_non_space(self.text, *self.paragraphs[p])
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
            q = quote_ending_at(len(before), self.quotes, self.quote_ends)
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
        start = first_non_space(self.text, p_start, p_end)
        if start >= p_end:
            return None
        q = quote_at(start, self.quotes, self.quote_starts)
        if q is not None:
            return q
        return (start, trim_end(self.text, start, p_end))

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
        if k + 1 < n and _is_ly(toks[k]) and toks[k + 1].low in PARTICLES.get(lemma, ()):
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
        if that is not None and (that == k or circumstance_run(toks, k, that) or lemma in lx.HEARER_LEMMAS or _setting_before(toks, k, that)):
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
            if j > c0 and (t.text in ";:—–()" or t.low in _OBJECT_STOPS or t.text in ".!?" and j == n - 1):
                break
            if j > c0 + 1 and t.low in ("in", "on", "at", "during") and any(x.low in _SETTING_NOUNS for x in toks[j + 1 : j + 4]):
                break  # "called the system “rigged” in a tweet Tuesday"
            if j > c0 and t.text == "," and j + 1 < n:
                nxt = toks[j + 1]
                if nxt.low in _OBJECT_STOPS or nxt.low in lx.DETERMINERS or nxt.low in lx.PRONOUNS or nxt.low in ("down", "up", "according", "saying", "adding", "noting") or _participle_word(nxt):
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


# ---------------------------------------------------------------------------------------
# Names, kinds, parents, links


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


def _resolve_names(ctx: _Context, found: list[_Found], atts: list[Attribution]) -> None:
    """Pronouns and "the source added" take the name of the nearest fitting earlier source."""
    for i, a in enumerate(atts):
        if not a.source:
            continue
        raw = SPACES.sub(" ", " ".join(ctx.text[s:e] for s, e in a.source)).lower().strip()
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
        if head in ("agency", "company", "group", "firm", "organization", "organisation", "department", "ministry", "government"):
            return lambda k, n: k == "organisation" or head in n.split()
        if head in ("newspaper", "paper", "network", "broadcaster", "outlet", "magazine", "station"):
            return lambda k, n: k == "outlet"
        if head in lx.DOCUMENT_WORDS or head in lx.ANONYMOUS_WORDS:
            return lambda k, n: head in n.split()
    return None


def _relative_antecedent(ctx: _Context, pos: int) -> str | None:
    """For ", who said": the noun phrase before the comma."""
    text = ctx.text
    j = pos - 1
    while j >= 0 and text[j] in " ,":
        j -= 1
    start = j
    while start > 0:
        ch = text[start - 1]
        if ch == "." and _ABBREV_BEFORE.search(text, max(0, start - 6), start):
            start -= 1  # "Mr. Leenders", "John F. Kennedy"
            continue
        if ch in ",.;:\n“”\"(":
            break
        start -= 1
    words = text[start : j + 1].split()
    while words and (words[0].lower() in lx.CUE_FORMS or words[0].strip("“”\"'‘’") == ""):
        words = words[1:]  # "..., said Weaver, who said": the name after the cue
    return " ".join(words) or None


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

    def in_spans(spans: list[Span], taken: list[Span] = ()) -> str | None:
        for s, e in spans:
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(ordered) and ordered[i].start < e:
                link = ordered[i]
                if link.end > s and link.start < e and not any(link.end > ts and link.start < te for ts, te in taken):
                    return link.href
                i += 1
        return None

    # A link on another attribution's source or cue is that attribution's: "according to
    # <a>Reuters</a>, a report says ..." links Reuters, not the report nested inside.
    named = [(id(a), span) for a in atts for span in a.source + a.cue]
    for a, f in zip(atts, found):
        href = in_spans(a.source) or in_spans(a.cue)
        if href is None:
            taken = [span for owner, span in named if owner != id(a)]
            sent = sentences[f.sentence] if 0 <= f.sentence < len(sentences) else None
            href = in_spans(a.content, taken) or (in_spans([(sent.start, sent.end)], taken) if sent else None)
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
        if last[1] not in ctx.quote_ends:
            continue  # the speaker's words end with a quotation, which may go on
        if f.cue[-1][0] < last[0] and not _is_quote_span(ctx, last):
            continue  # "He said it was “over.”": a quoted word, not the start of a quote
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
            q = quote_at(sents[nxt].start, ctx.quotes, ctx.quote_starts)
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
    return quote_at(span[0], ctx.quotes, ctx.quote_starts) == span


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


def _drop_weak_nested(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """Intentions, beliefs and stances ("wants to", "believes", "endorsed") count only as
    a main clause: inside another attribution's content, or with a relative pronoun for a
    subject, they are part of what is told (speech verbs inside a content stay nested)."""
    text = ctx.text
    keep = []
    for f in found:
        if f.cue and f.source:
            word = text[f.cue[-1][0] : f.cue[-1][1]].lower().split()[-1:]
            if word and (word[0] in lx.INTENT_ONLY_FORMS or lx.CUE_FORMS.get(word[0]) in lx.NESTED_WEAK_LEMMAS):
                src = text[f.source[-1][0] : f.source[-1][1]].lower().split()
                if src and src[-1] in ("who", "that", "which"):
                    continue
                c0, c1 = f.cue[0][0], f.cue[-1][1]
                if any(g is not f and any(s <= c0 and c1 <= e for s, e in g.content) for g in found):
                    continue
        keep.append(f)
    if len(keep) == len(found):
        return found
    remap = {id(f): i for i, f in enumerate(keep)}
    old = {i: id(f) for i, f in enumerate(found)}
    for f in keep:
        if f.nested_in is not None:
            f.nested_in = remap.get(old.get(f.nested_in))
    return keep

