"""Attribution extraction: who does each stretch of text say it came from?

Rule-based, pure Python + regex. For every sentence the rules look for a cue ("said",
"according to", "told", a colon lead-in, a dateline ...) outside quotation marks, then find
the cue's source (the noun phrase that speaks) and its content (what is attributed), with
character offsets into the text. Quotes are paired over the whole text first, so a content
that starts with a quotation mark runs to its closing mark, across sentences and across
paragraphs ("opening marks on each paragraph, one closing mark").

Public API: ``extract_attributions`` (and ``split_sentences`` from tracer.read.sentences);
``attribution_to_json`` / ``attributions_for`` serve the CLI (with ``tracer.page.analyse_input``).
The rules come in families, one module each (``rules_according``, ``rules_verbs``,
``rules_quotes``, ``rules_unnamed``) over ``rules_context`` (offsets, content boundaries);
this module runs them over every sentence and then settles names, parents and links. The
token and clause helpers live in ``clauses``, source names and kinds in ``sources``, the word
lists in ``lexicon``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (  # the rules' building blocks
    MAX_SENTENCE_CHARS,
    QUOTE_CHARS,
    quote_at,
    trim_end,
)
from tracer.attribution.sources import (
    SPACES,
    canonical_source,
)
from tracer.models import Attribution, Link, Sentence, Span
from tracer.read.sentences import split_paragraphs, split_sentences
from tracer.web.urls import domain_matches_source, is_name_anchor, keyword_links, navigation_reason, slug_shares_words

__all__ = [
    "extract_attributions",
    "canonical_source",
    "split_sentences",
    "attribution_to_json",
    "attributions_for",
]
from tracer.attribution.cues import ABBREV_BEFORE, Found, has_hint
from tracer.attribution.rules_according import AccordingRules
from tracer.attribution.rules_provenance import ProvenanceRules, has_provenance_hint
from tracer.attribution.rules_quotes import QuoteRules
from tracer.attribution.rules_unnamed import UnnamedRules
from tracer.attribution.rules_verbs import VerbRules

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
    found: list[Found] = []
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
        _assign_links(attributions, links, sentences, found, text)
        credits = [a for _, a in _credit_lines(ctx, links, found)] + _linked_conjuncts(text, attributions, links)
        if credits:
            attributions = _merge_in_order(attributions, credits)
    return attributions


def _linked_conjuncts(text: str, atts: list[Attribution], links: list[Link]) -> list[Attribution]:
    """"according to data compiled from <a>census records</a> and <a>the state's crime
    records</a>": each linked part of a coordinated source is a source of its own."""
    out = []
    ordered = sorted(links, key=lambda l: l.start)
    starts = [l.start for l in ordered]
    for a in atts:
        if len(a.source) != 1:
            continue
        s0, s1 = a.source[0]
        inside = [l for l in ordered[bisect_left(starts, s0) : bisect_left(starts, s1)]
                  if l.end <= s1 and not navigation_reason(l.href, l.text)]
        hrefs = {l.href for l in inside}
        if len(hrefs) < 2:
            continue
        for l in inside:
            if l.href == a.link:
                continue
            between = text[s0:l.start]
            if " and " not in between and "," not in between:
                continue
            name, kind = canonical_source(text[l.start : l.end])
            out.append(Attribution(source=[(l.start, l.end)], cue=list(a.cue), content=list(a.content), source_name=name,
                                   kind=kind, link=l.href, parent=a.parent))
            hrefs.discard(l.href)
    return out


def _merge_in_order(attributions: list[Attribution], more: list[Attribution]) -> list[Attribution]:
    """Add attributions and keep the list in text order, parents re-pointed."""
    order = sorted(range(len(attributions) + len(more)), key=lambda i: (attributions + more)[i].start)
    every = attributions + more
    new_index = {old: new for new, old in enumerate(order)}
    merged = [every[i] for i in order]
    for a in merged:
        if a.parent is not None:
            a.parent = new_index.get(a.parent)
    return merged


# "Kenneth Frazier, CEO of Merck on CNBC", "Tim Cook, CEO of Apple to employees via MacRumors",
# "Evan Spiegel, CEO of Snap (as excerpted by the Information)": a line of its own that credits
# the words below it to a person and names, with a link, where they were published.
_CREDIT_LINE = re.compile(
    r"^(?P<who>[A-Z][^:;!?()“”\"]{1,90}?)\s*"
    r"(?:(?P<cue1>(?:(?:to|in)\s+(?:a\s+|an\s+|the\s+|his\s+|her\s+|their\s+)?[a-z]+(?:\s+[a-z]+)?\s+)?(?:via|on|in|from))\s+"
    r"(?P<venue1>(?:the\s+)?[^:;!?()“”\"]{1,50}?)"
    r"|\(\s*(?P<cue2>(?:as\s+)?(?:excerpted|excepted|published|reported|quoted|shared|posted|first\s+reported|obtained)\s+by|via|from)\s+"
    r"(?P<venue2>[^)]{1,50})\))"
    r"\s*[:.]?\s*$"
)
_CREDIT_WHO_WORDS = re.compile(r"[A-Za-z][\w’'.&-]*")


def _credit_lines(ctx: _Context, links: list[Link], found: list[Found]) -> list[tuple[Found, Attribution]]:
    """Credit lines: a short paragraph naming a person (and title) and, linked, the venue
    that published the words that follow ("X, CEO of Y on LinkedIn")."""
    out = []
    taken = {(s, e) for f in found for s, e in f.cue}
    ordered = sorted(links, key=lambda l: l.start)
    starts = [l.start for l in ordered]
    sent_starts = [x.start for x in ctx.sentences]
    for p, (p0, p1) in enumerate(ctx.paragraphs):
        line = ctx.text[p0:p1]
        if len(line) > 160 or "\n" in line.strip():
            continue
        m = _CREDIT_LINE.match(line.strip())
        if m is None:
            continue
        lead = len(line) - len(line.lstrip())
        who = m.group("who").rstrip(" ,")
        words = _CREDIT_WHO_WORDS.findall(who)
        if not words or len(words) > 12 or sum(w[:1].isupper() for w in words) < 2:
            continue
        if any(w.lower() in lx.CUE_FORMS and w.lower() not in lx.AMBIGUOUS_FORMS for w in words):
            continue  # a clause with a reporting verb of its own, not a credit line
        venue = "venue1" if m.group("venue1") else "venue2"
        cue = "cue1" if m.group("cue1") else "cue2"
        v0, v1 = p0 + lead + m.start(venue), p0 + lead + m.end(venue)
        c0 = p0 + lead + m.start(cue)
        linked = [l for l in ordered[max(0, bisect_left(starts, v0) - 1) : bisect_left(starts, v1)] if l.start < v1 and l.end > v0]
        if not linked or any(s <= c0 < e for s, e in taken):
            continue
        # what is credited: the paragraphs below, up to the next short line
        content = []
        for q in range(p + 1, min(len(ctx.paragraphs), p + 8)):
            q0, q1 = ctx.paragraphs[q]
            if q1 - q0 < 160 and _CREDIT_LINE.match(ctx.text[q0:q1].strip()):
                break
            content.append((q0, q1))
        content = content or [(v0, v1)]
        sentence = max(0, bisect_right(sent_starts, p0 + lead) - 1)
        w0 = p0 + lead
        f = Found([(w0, w0 + len(who))], [(c0, v1)], content, sentence)
        name, kind = canonical_source(who)
        hrefs = [l.href for l in linked if not navigation_reason(l.href, l.text)]
        if not hrefs:
            continue
        a = Attribution(source=[(w0, w0 + len(who))], cue=[(c0, v1)], content=content, source_name=name, kind=kind, link=hrefs[0])
        out.append((f, a))
    return out


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
    lines.extend(f"# warning: {problem}" for problem in result.get("problems", ()))

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


class _Context(AccordingRules, VerbRules, QuoteRules, UnnamedRules, ProvenanceRules):
    """The text with its sentences, paragraphs and quotes, and every rule family over it."""

    def sentence_attributions(self, index: int, previous: list[Found]) -> list[Found]:
        s = self.sentences[index]
        if s.end - s.start > MAX_SENTENCE_CHARS:
            return []
        chunk = self.text[s.start : s.end]
        if not has_hint(chunk) and not has_provenance_hint(chunk):
            return self._quote_after_colon(index, previous)
        toks = self.sentence_tokens(index)
        if not toks:
            return []
        out: list[Found] = []
        self._current = out
        used: set[int] = set()  # token indices already part of a cue or source
        for rule in (self._according_to, self._as_reported_by, self._by_reckoning, self._named_statement, self._based_on, self._dateline, self._phrase_cues, self._verb_cues, self._citing, self._colon_lead, self._in_document, self._asked, self._signed_quote, self._impressions, self._per_credit, self._in_medium_by, self._document_colon, self._provenance):
            for f in rule(index, toks, used, out):
                out.append(f)
        if len(out) > 1:
            self._trim_inner(out)
        if not out:
            out.extend(self._quote_after_colon(index, previous))
        return out

    def _trim_inner(self, out: list[Found]) -> None:
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


# ---------------------------------------------------------------------------------------
# Names, kinds, parents, links


def _finish(ctx: _Context, f: Found) -> Attribution:
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


def _resolve_names(ctx: _Context, found: list[Found], atts: list[Attribution]) -> None:
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
        if ch == "." and ABBREV_BEFORE.search(text, max(0, start - 6), start):
            start -= 1  # "Mr. Leenders", "John F. Kennedy"
            continue
        if ch in ",.;:\n“”\"(":
            break
        start -= 1
    words = text[start : j + 1].split()
    while words and (words[0].lower() in lx.CUE_FORMS or words[0].strip("“”\"'‘’") == ""):
        words = words[1:]  # "..., said Weaver, who said": the name after the cue
    return " ".join(words) or None


def _assign_parents(found: list[Found], atts: list[Attribution]) -> None:
    """An attribution lying wholly inside another's content is nested in it: its parent is the
    smallest other attribution (the first of equal size) with a content span around it.

    Near-linear: the content spans are swept by start offset while a Fenwick tree over their
    end offsets answers "the smallest attribution whose span, started by now, ends after e"."""
    best = _smallest_enclosing(atts)
    for i, (f, a) in enumerate(zip(found, atts)):
        if f.nested_in is not None:
            a.parent = f.nested_in
            continue
        if not (a.source or a.cue):
            continue
        j = best[i]
        if j is not None and atts[j].parent != i:
            a.parent = j


def _smallest_enclosing(atts: list[Attribution]) -> list[int | None]:
    """For each attribution, the index of the smallest other attribution (ties: the lowest
    index) that has one content span covering it whole, or None."""
    spans = sorted((cs, ce, j) for j, b in enumerate(atts) for cs, ce in b.content)
    if not spans:
        return [None] * len(atts)
    sizes = [b.end - b.start for b in atts]
    ends = sorted({ce for _, ce, _ in spans}, reverse=True)  # position k: the k-th largest end
    rank = {ce: k for k, ce in enumerate(ends)}
    tree: list[tuple] = [()] * (len(ends) + 1)  # Fenwick over end rank: the two best (size, j), distinct j

    def merge(a: tuple, b: tuple) -> tuple:
        for item in b:
            a = _two_best(a, item)
        return a

    queries = sorted(range(len(atts)), key=lambda i: atts[i].start)
    result: list[int | None] = [None] * len(atts)
    k = 0
    for i in queries:
        a = atts[i]
        s, e = a.start, a.end
        while k < len(spans) and spans[k][0] <= s:  # every span starting at or before s
            _, ce, j = spans[k]
            pos = rank[ce] + 1
            item = ((sizes[j], j),)
            while pos < len(tree):
                tree[pos] = merge(tree[pos], item)
                pos += pos & -pos
            k += 1
        # spans ending at or after e: the ranks of ends >= e are the prefix 0 .. r-1
        r = _count_at_least(ends, e)
        acc: tuple = ()
        pos = r
        while pos > 0:
            acc = merge(acc, tree[pos])
            pos -= pos & -pos
        for _, j in acc:
            if j != i:
                result[i] = j
                break
    return result


def _count_at_least(descending: list[int], value: int) -> int:
    """How many items of a descending list are >= value."""
    lo, hi = 0, len(descending)
    while lo < hi:
        mid = (lo + hi) // 2
        if descending[mid] >= value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _assign_links(atts: list[Attribution], links: list[Link], sentences: list[Sentence], found: list[Found],
                  text: str = "") -> None:
    """The link on the source's name, else on the cue, else in the content or sentence.

    Never a link whose target lists stories rather than carrying one (a tag, topic, team,
    search or home page: ``navigation_reason``); in the content or sentence never an anchor
    that only names something ("at <a>Sheffield United</a>"), unless it names the linked
    site itself ("told the <a>Harbour Times</a>"); and for unnamed sources ("a spokesman
    said") only a link on their own words.
    """
    keywords = keyword_links(links)
    usable = [l for l in links if not navigation_reason(l.href, l.text) and l.href not in keywords]

    def sentences_text(sentence: Sentence) -> str:
        return text[sentence.start : sentence.end] if text else ""
    ordered = sorted(usable, key=lambda l: l.start)
    starts = [l.start for l in ordered]

    # A link on another attribution's source or cue is that attribution's: "according to
    # <a>Reuters</a>, a report says ..." links Reuters, not the report nested inside.
    named = sorted((s, e, owner) for owner, a in enumerate(atts) for s, e in a.source + a.cue)
    named_starts = [s for s, _, _ in named]
    widest = max((e - s for s, e, _ in named), default=0)
    owners_cache: dict[int, tuple[int, ...]] = {}

    def owners(k: int) -> tuple[int, ...]:
        """Up to two attributions whose source or cue overlaps link k (found by start offset:
        a named span overlapping the link starts less than ``widest`` before it)."""
        if k not in owners_cache:
            link = ordered[k]
            found_owners: list[int] = []
            m = bisect_right(named_starts, link.start - widest)
            while m < len(named) and named[m][0] < link.end and len(found_owners) < 2:
                s, e, owner = named[m]
                if e > link.start and owner not in found_owners:
                    found_owners.append(owner)
                m += 1
            owners_cache[k] = tuple(found_owners)
        return owners_cache[k]

    def in_spans(spans: list[Span], me: int | None = None, names: bool = True, sentence: Sentence | None = None) -> str | None:
        """The first link in spans; with ``me``, not one on another attribution's source or cue;
        without ``names``, not an anchor that only names something, nor a story whose slug
        shares no word with the sentence (background reading, not the source of the words)."""
        for s, e in spans:
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(ordered) and ordered[i].start < e:
                link = ordered[i]
                if link.end > s and link.start < e and (me is None or all(o == me for o in owners(i))) and (
                    names or not is_name_anchor(link.text) or domain_matches_source(link.href, link.text)
                ) and (names or sentence is None or slug_shares_words(link.href, sentences_text(sentence)) is not False):
                    return link.href
                i += 1
        return None

    for me, (a, f) in enumerate(zip(atts, found)):
        href = in_spans(a.source) or in_spans(a.cue)
        if href is None and a.kind != "anonymous":
            sent = sentences[f.sentence] if 0 <= f.sentence < len(sentences) else None
            href = in_spans(a.content, me, names=False, sentence=sent) or (
                in_spans([(sent.start, sent.end)], me, names=False, sentence=sent) if sent else None)
        a.link = href


def _continue_quotes(ctx: _Context, found: list[Found]) -> None:
    """"“A,” she said. “B. C.”": a quote that opens the next sentence of the paragraph,
    with no cue of its own, goes on the speaker's words."""
    claimed = {f.content[0][0] for f in found if f.content}
    cue_sentences = {f.sentence for f in found}
    last_cue_in_paragraph: dict[int, int] = {}  # paragraph -> its last sentence with a cue
    for k in cue_sentences:
        if 0 <= k < len(ctx.sentences):
            p = ctx.sentences[k].paragraph
            last_cue_in_paragraph[p] = max(k, last_cue_in_paragraph.get(p, -1))
    for f in found:
        if not f.content or not f.cue:
            continue
        last = f.content[-1]
        if last[1] not in ctx.quote_ends:
            continue  # the speaker's words end with a quotation, which may go on
        if f.cue[-1][0] < last[0] and not ctx.is_quote_span(last):
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
                if q[1] < p_end - 1 or last_cue_in_paragraph.get(p, -1) >= nxt:
                    break
            f.content.append(q)
            claimed.add(q[0])
            index = nxt


def _dedupe(found: list[Found]) -> list[Found]:
    """Drop attributions whose cue repeats an earlier one's; keep text order."""
    seen: set[tuple] = set()
    out: list[Found] = []
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


def _drop_weak_nested(ctx: _Context, found: list[Found]) -> list[Found]:
    """Intentions, beliefs and stances ("wants to", "believes", "endorsed") count only as
    a main clause: inside another attribution's content, or with a relative pronoun for a
    subject, they are part of what is told (speech verbs inside a content stay nested)."""
    text = ctx.text
    inside = _inside_other_content(found)
    keep = []
    for k, f in enumerate(found):
        if f.cue and f.source:
            word = text[f.cue[-1][0] : f.cue[-1][1]].lower().split()[-1:]
            if word and (word[0] in lx.INTENT_ONLY_FORMS or lx.CUE_FORMS.get(word[0]) in lx.NESTED_WEAK_LEMMAS):
                src = text[f.source[-1][0] : f.source[-1][1]].lower().split()
                if src and src[-1] in ("who", "that", "which"):
                    continue
                if inside(k, f.cue[0][0], f.cue[-1][1]):
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



def _inside_other_content(found: list[Found]):
    """A test (k, c0, c1) -> is [c0, c1) inside a content span of an attribution other than
    found[k]? Content spans sorted by start, with the two largest ends (of distinct owners)
    among each prefix: one bisect a question instead of a pass over every attribution."""
    spans = sorted((s, e, owner) for owner, g in enumerate(found) for s, e in g.content)
    starts = [s for s, _, _ in spans]
    best: list[tuple[tuple[int, int], ...]] = []  # per prefix: up to two (end, owner), distinct owners
    top: tuple[tuple[int, int], ...] = ()
    for _, e, owner in spans:
        top = _two_best(top, (e, owner), reverse=True)
        best.append(top)

    def inside(k: int, c0: int, c1: int) -> bool:
        n = bisect_right(starts, c0)
        if n == 0:
            return False
        return any(owner != k and end >= c1 for end, owner in best[n - 1])

    return inside


def _two_best(top: tuple, item: tuple, reverse: bool = False) -> tuple:
    """The two best (value, owner) pairs of top + item, of distinct owners: the smallest
    values (the largest with reverse); for one owner its best value counts."""
    merged = sorted(top + (item,), reverse=reverse)
    out: list[tuple] = []
    for value, owner in merged:
        if all(owner != o for _, o in out):
            out.append((value, owner))
            if len(out) == 2:
                break
    return tuple(out)
