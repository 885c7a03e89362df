"""Fast paragraph and sentence splitting with character offsets.

Regex-only on purpose: extract.py calls this on every page, and the whole page analysis
has to stay faster than trafilatura's main-text extraction alone.
"""

from __future__ import annotations

import re

from tracer.models import Sentence, Span

# A blank line separates paragraphs in plain text; so does a single line break after
# sentence-final punctuation (texts with one paragraph a line). A line break inside a
# sentence ("according to the message\nReuters") is only wrapping.
_PARAGRAPH_BREAK = re.compile(
    r"\n[ \t\r\f\v]*\n\s*|(?<=[.!?:;\"'”’»)\]])[ \t]*\r?\n\s*"
    # a signed quote ("...” ― Esther Tapia") ends its line; the next line opens a new quote
    r"|(?<=[A-Za-z])[ \t\xa0]*\r?\n\s*(?=[“«])"
)

# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, then
# whitespace. Whether it really ends a sentence is decided by _is_boundary.
_CANDIDATE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")

# After a quote closed by ! ? or . : a speaker and a speech verb continue the sentence.
_SPEAKER_FOLLOWS = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){0,4}(?:said|says|asked|asks|added|adds|told|tells|wrote|writes|"
    r"replied|tweeted|shouted|exclaimed|continued|recalled|explained|insisted|declared|argued)\b"
)

# Words after which a period does not end the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon
    pres supt insp det jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp
    bros no nos vol fig vs etc al approx est dept univ assn ave blvd rd e.g i.e u.s u.k
    u.n u.s.a d.c a.m p.m ph.d""".split()
)

# Opening characters that may start a sentence.
_OPENERS = "\"'“‘«([¿¡"


def split_paragraphs(text: str) -> list[Span]:
    """Paragraph spans of plain text: blocks separated by blank lines, trimmed."""
    spans: list[Span] = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        _add_trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _add_trimmed(text, pos, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def _is_boundary(text: str, punct_start: int, after: int, limit: int) -> bool:
    """Does the punctuation at punct_start..after end a sentence?"""
    # Look at what follows the whitespace.
    nxt = after
    while nxt < limit and text[nxt].isspace():
        nxt += 1
    if nxt >= limit:
        return False  # the paragraph end closes the sentence anyway
    ch = text[nxt]
    if not (ch.isupper() or ch.isdigit() or ch in _OPENERS or not ch.isalpha()):
        return False  # "e.g. the", "the U.S. economy": lower-case continuation
    if text[after - 1] in "\"”»'" and text[punct_start] in "!?" and _SPEAKER_FOLLOWS.match(text, nxt):
        return False  # “Her mind is shot!” Trump said.
    if text[punct_start] != ".":
        return True
    if after - punct_start > 1 and text[punct_start + 1] in ".…":
        return True  # an ellipsis followed by a capital
    # The word before the period.
    w = punct_start
    while w > 0 and (text[w - 1].isalnum() or text[w - 1] == "."):
        w -= 1
    word = text[w:punct_start].lower()
    if not word:
        return True
    if word in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha():
        return _letter_ends_sentence(text, w, nxt, limit)
    if "." in word and len(word) <= 6:
        return False  # "U.S." "D.C." written with inner dots
    return True


_NEXT_WORD = re.compile(r"[\w’'-]+")
_INITIAL_AFTER = re.compile(r"[A-Z]\.(?=\s)")
_PREV_WORD = re.compile(r"([\w’'-]+)\s+$")
# Words that open a sentence, never a name after an initial.
_SENTENCE_STARTERS = frozenset(
    """the a an in it he she they we i this that these those there but and so yet if when
    while after before as at on for of his her its their our my some many most all no
    one two three four five six seven eight nine ten however meanwhile still also
    according""".split()
)


def _letter_ends_sentence(text: str, w: int, nxt: int, limit: int) -> bool:
    """A single capital letter and a period: an initial ("John F. Kennedy", "E. Jean
    Carroll", "J. R. R. Tolkien") or a word that ends a sentence ("vitamin D. Deficiency")?"""
    if _INITIAL_AFTER.match(text, nxt):
        return False  # another initial follows
    m = _NEXT_WORD.match(text, nxt)
    if m is None:
        return False
    follower = m.group()
    if follower.lower() in _SENTENCE_STARTERS:
        return True
    if text[w] in "NSEW":
        return False  # "N. Korea", "S. Carolina"
    before = _PREV_WORD.search(text, max(0, w - 40), w)
    if before is None or before.group(1)[:1].isupper():
        return False  # "Franklin D. Roosevelt", a paragraph-initial "J. Smith"
    # "by E. Jean Carroll": a name goes on with another capitalised word
    after = _NEXT_WORD.match(text, m.end() + 1) if m.end() < limit and text[m.end()] == " " else None
    if after is not None and after.group()[:1].isupper():
        return False
    return True


def split_sentences(text: str, paragraphs: list[Span] | None = None) -> list[Sentence]:
    """Sentences of text, each inside one paragraph (split by blank lines when None)."""
    if paragraphs is None:
        paragraphs = split_paragraphs(text)
    sentences: list[Sentence] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        p_start, p_end = max(0, p_start), min(len(text), p_end)
        start = p_start
        for m in _CANDIDATE_END.finditer(text, p_start, p_end):
            if _is_boundary(text, m.start(), m.end(), p_end):
                _add_sentence(text, start, m.end(), index, sentences)
                start = m.end()
        _add_sentence(text, start, p_end, index, sentences)
    return sentences


def _add_sentence(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, paragraph))
