"""Tokens, quotation marks and the clause-level helpers the attribution rules use.

Everything here works on one sentence's tokens (``Token``: offsets, text, lower case, and
whether it sits inside quotation marks): where a subject starts, where a content stops,
what follows a cue. attribute.py strings these together into rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from tracer.attribution import lexicon as lx
from tracer.attribution.sources import head_index
from tracer.models import Span

# Words (with inner apostrophes, hyphens, dots and ampersands) or single punctuation marks.
# Abbreviations keep their period ("Mr.", "U.S.", "J."), so a period token always ends
# something.
_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|Inc|Corp|Co|Ltd|Jan|Feb"
    r"|Aug|Sept|Oct|Nov|Dec|Mt|Ft|No|Vol|vs|Adm|Cmdr|Supt)\.(?=\s)|(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s[A-Z])"
    # contractions come apart ("doesn" "’t", "I" "’ve", "Trump" "’s") as the scorer's words do
    r"|\d+(?:[,.]\d+)+"  # "100,000", "3.5"
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


_MAX_SOURCE_TOKENS = 25
MAX_SENTENCE_CHARS = 5000  # longer "sentences" are junk (tables, scripts): skip the rules


@dataclass
class Token:
    start: int
    end: int
    text: str
    low: str
    quoted: bool  # inside quotation marks


# ---------------------------------------------------------------------------------------
# Quotes


def find_quotes(text: str, paragraphs: list[Span]) -> list[Span]:
    """Quoted stretches (marks included), joined across paragraphs when a quote is left
    open at a paragraph's end and the next paragraph opens with a quotation mark."""
    quotes: list[Span] = []
    carried: Span | None = None  # a quote left open by the previous paragraph
    for p_start, p_end in paragraphs:
        opening: int | None = None
        first = first_non_space(text, p_start, p_end)
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


def first_non_space(text: str, start: int, end: int) -> int:
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


def tokens(text: str, start: int, end: int, quotes: list[Span], quote_starts: list[int]) -> list[Token]:
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


def quote_at(pos: int, quotes: list[Span], quote_starts: list[int]) -> Span | None:
    """The quote that begins at pos (its opening mark is at pos)."""
    i = bisect_right(quote_starts, pos) - 1
    if i >= 0 and quotes[i][0] == pos:
        return quotes[i]
    return None


def quote_ending_at(pos: int, quotes: list[Span], quote_ends: dict[int, int]) -> Span | None:
    """The quote whose closing mark ends at pos."""
    s = quote_ends.get(pos)
    return (s, pos) if s is not None else None


# ---------------------------------------------------------------------------------------
# Token-level helpers


INTRO_WORDS = frozenset(
    """in on at during last this earlier after before since for from by as but and also
    however meanwhile moreover still yet so then now separately additionally finally
    first second third instead further furthermore overall today yesterday amid despite
    with among although though while when once""".split()
)


def skip_intro_chunks(toks, start, end) -> int:
    """Skip "In addition," / "in the spring," chunks that open a clause."""
    while start < end and toks[start].low in INTRO_WORDS:
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


def clause_stop(toks, c0) -> int:
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
                if after is not None and after.low == "that":
                    continue  # "said that A, and that B": one content
                if after is None or after.low in lx.PRONOUNS or after.low in lx.DETERMINERS or after.text[:1].isupper() or after.low in lx.CUE_FORMS:
                    return j
                continue
            if nxt.low in _CLAUSE_AFTER_COMMA or (nxt.low.endswith("ing") and nxt.text.islower() and len(nxt.low) > 5):
                return j
            if nxt.low in ("i", "he", "she", "we", "they") and j + 2 < n and not toks[j + 2].quoted and toks[j + 2].text.isalpha():
                return j  # "..., I knew ...": the narrator's own clause
            if nxt.low in lx.CUE_FORMS and nxt.low not in lx.AMBIGUOUS_FORMS and nxt.text.islower() and not nxt.low.endswith("ing"):
                return j  # "who estimated that A, said B": the outer clause's cue
        if t.low in ("and", "but") and j + 1 < n and toks[j + 1].low in lx.CUE_FORMS and toks[j + 1].low not in lx.AMBIGUOUS_FORMS:
            return j  # "... and said ..."
    return n


def _gerund_subject(toks, k) -> bool:
    """"replacing Clinton would be ...": an -ing word whose phrase is followed by a verb."""
    if toks[k].low in lx.PARTICIPLE_CUES:
        return False
    for t in toks[k + 1 : k + 6]:
        if t.text in ",;:" or t.quoted:
            return False
        if t.low in VERBISH:
            return True
    return False


def tail_kind(toks, k) -> str:
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
        if toks[k + 1].low.endswith("ing") and _gerund_subject(toks, k + 1):
            return "clause"  # "..., he said, replacing Clinton would be ...": a gerund opens the clause
        if toks[k + 1].low.endswith("ing") or toks[k + 1].low in ("adding", "noting", "saying", "citing", "according", "who", "which", "while", "as", "and", "but", "in", "after", "before", "when", "because", "though", "although"):
            return "end"
        return "clause"
    return "other"


# Particles that belong to the cue ("called for X", "referred to X", "pointed out that").
PARTICLES = {
    "call": ("for", "on"),
    "refer": ("to",),
    "complain": ("about",),
    "comment": ("on",),
    "point": ("out", "to"),
    "speak": ("about", "of", "out", "on"),
    "talk": ("about", "of"),
    "focus": ("on",),
    "respond": ("to",),
    "reply": ("to",),
    "testify": ("about", "that"),
    "warn": ("against", "of", "about"),
    "boast": ("about", "of"),
    "joke": ("about",),
    "worry": ("about",),
    "argue": ("for", "against"),
    "ask": ("for", "about"),
    "vote": ("for", "against"),
}

# Documents that "In a ..., X" takes as the source of the clause.
SURVEY_WORDS = frozenset(
    """poll polls survey surveys study report statement interview video letter op-ed
    memo filing documents document analysis tweet post email ad interviews""".split()
)

NOT_SPEAKERS = frozenset(
    """breaking update updated watch read photo photos video videos editor note exclusive
    live related see more source sources advertisement correction analysis opinion latest
    the""".split()
)


def document_shows(toks, subj, i) -> bool:
    """"The poll showed Clinton ahead": show/find take a bare clause after a document."""
    if subj is None or lx.CUE_FORMS.get(toks[i].low, "") not in ("show", "find"):
        return False
    lows = [t.low for t in toks[subj[0] : subj[1]]]
    head = head_index(lows)
    return toks[subj[1] - 1].low in _SHOWING_WORDS or (head is not None and lows[head] in _SHOWING_WORDS)


# What shows something: documents, and averages, results, pictures ("polling averages show").
_SHOWING_WORDS = lx.DOCUMENT_WORDS | frozenset(
    """average averages polling results result slide slides ledger ledgers tally tallies map maps
    chart charts graph graphs photo photos image images picture pictures tape tapes recording
    recordings video videos footage evidence it this""".split()
)


def clause_opener(toks, c0) -> bool:
    """Does content at c0 open with "that", a quote, a colon lead or a question word?"""
    if c0 >= len(toks):
        return True  # the next paragraph after "X said:"
    t = toks[c0]
    prev = toks[c0 - 1].text if c0 > 0 else ""
    return t.low in ("that", "whether", "if", "how", "why", "what") or t.text in QUOTE_TOKENS or prev in (":", ",")


def trim_end(text: str, start: int, end: int) -> int:
    """Drop trailing spaces, sentence punctuation and commas (but keep closing quotes)."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?—–-"):
        end -= 1
    return end


def is_content_break(t: Token) -> bool:
    return not t.quoted and (t.text in ",—–" or t.text in QUOTE_TOKENS)


def after_comma(toks, i) -> bool:
    return i > 0 and toks[i - 1].text in ",—–"


def verb_context(toks, i) -> bool:
    """For cue forms that double as nouns: is this one a verb?"""
    prev = toks[i - 1].low if i > 0 else ""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    if prev in lx.DETERMINERS or prev in ("of", "to", "for", "with", "by", "on", "in", "and", "new", "’s", "'s", "one", "at"):
        return False
    if prev.endswith(("’s", "'s")):
        return False
    if nxt in (".", "!", "?", "") and i > 1 and toks[i].low in ("reports", "notes", "claims", "estimates", "states", "tweets", "posts", "comments", "remarks", "reported", "noted", "claimed", "estimated", "tweeted", "posted", "commented", "remarked"):
        # "..., Pulse Digest reports." / "..., the paper notes.": inverted at the sentence end
        k = i - 1
        while k > 0 and i - k <= 6 and (toks[k].text[:1].isupper() or toks[k].low in lx.DETERMINERS or toks[k].low in lx.PRONOUNS or _source_noun(toks[k].low)):
            k -= 1
        if k < i - 1 and (toks[k].text == "," or toks[k].text in QUOTE_TOKENS) and not toks[k].quoted and not (
            toks[i - 1].text.islower() and prev in ("meeting", "news", "press", "media", "court", "police", "medical", "field", "program", "programme", "release")
        ):  # "press reports." is a noun; "the Associated Press reports." is a name and its verb
            return True
    if nxt.endswith("ly") and i + 2 < len(toks) and _is_adverb(toks[i + 1]):
        nxt_word = toks[i + 2].low  # "talked glowingly about"
    else:
        nxt_word = nxt
    if lx.CUE_FORMS.get(toks[i].low) in lx.TOPIC_PARTICLES and nxt_word in lx.TOPIC_PARTICLES[lx.CUE_FORMS[toks[i].low]] and (
        toks[i].low != "talks" or i > 0 and (toks[i - 1].text[:1].isupper() or prev in lx.PRONOUNS)
    ):
        return True  # "talked about", "spoke of", "focused on"
    prev_tok = toks[i - 1] if i > 0 else None
    # the verb reading needs a subject right before it: a name, a pronoun or a head noun
    if prev_tok is not None and not (
        prev_tok.text[:1].isupper() or prev in lx.PRONOUNS or prev in _SUBJECT_HEADS or prev in lx.AUXILIARIES
        or prev.endswith(("er", "or", "ist", "ian", "ent", "ee")) or prev in lx.DOCUMENT_WORDS or prev in lx.ANONYMOUS_WORDS
        or prev in lx.PERSON_WORDS or prev in lx.ORGANISATION_WORDS
    ):
        return False
    if lx.CUE_FORMS.get(toks[i].low) == "call" and i + 1 < len(toks) and toks[i + 1].text[:1].isupper() and not toks[i + 1].quoted:
        return True  # "Bill Clinton calls Obamacare a crazy system"
    to_ok = nxt == "to" and lx.CUE_FORMS.get(toks[i].low) in lx.INFINITIVE_LEMMAS
    if lx.CUE_FORMS.get(toks[i].low) == "show" and i + 1 < len(toks) and (toks[i + 1].text[:1].isupper() or toks[i + 1].text[:1].isdigit() or nxt in ("little", "no", "more", "most", "support", "voters", "people", "americans")):
        return True  # "polls show Clinton ahead", "surveys show 40 percent ..."
    speech = lx.CUE_FORMS.get(toks[i].low) not in lx.NESTED_WEAK_LEMMAS  # "the Brexit vote," is a noun
    return to_ok or nxt == "that" or nxt in (",", ":") and speech or (nxt in QUOTE_TOKENS) or nxt in lx.PRONOUNS or nxt in ("the", "a", "an")


_SUBJECT_HEADS = frozenset(
    """campaign group company government administration committee party official
    spokesman spokeswoman president senator governor mayor agency department ministry
    team board court council police army firm union state city study poll survey report
    who which that also""".split()
)


def _source_noun(low: str) -> bool:
    return low in _SUBJECT_HEADS or low in lx.DOCUMENT_WORDS or low in lx.ANONYMOUS_WORDS or low in lx.PERSON_WORDS or low in lx.OUTLET_WORDS


def aux_start(toks, i) -> int:
    """Index where the cue's verb group starts: "has also said" -> "has"."""
    j = i
    while j > 0 and not toks[j - 1].quoted:
        if toks[j - 1].low in lx.AUXILIARIES or _is_adverb(toks[j - 1]):
            j -= 1
            continue
        # "have in the past said", "has for years argued", "has at times said"
        if j > 3 and toks[j - 1].low in ("past", "years", "months", "weeks", "days", "times") and toks[j - 3].low in ("in", "for", "at", "over") and toks[j - 4].low in lx.AUXILIARIES:
            j -= 3
            continue
        if j > 2 and toks[j - 1].low in ("years", "months", "weeks", "times", "decades") and toks[j - 2].low in ("for", "at") and toks[j - 3].low in lx.AUXILIARIES:
            j -= 2
            continue
        if j > 1 and toks[j - 1].low == "to" and toks[j - 2].low in _PHASE_VERBS:
            j -= 2  # "continued to complain", "began to question"
            continue
        if j > 2 and toks[j - 1].low == "to" and toks[j - 2].low == "on" and toks[j - 3].low in ("went", "goes", "go", "going", "gone"):
            j -= 3  # "went on to say"
            continue
        break
    return j


_PHASE_VERBS = frozenset("continued continues continue continuing began begins begin started starts start".split())


def _is_adverb(t: Token) -> bool:
    return len(t.low) > 4 and t.low.endswith("ly") and t.text.islower() and t.low not in ("only", "family", "ally", "rally", "july")


def is_passive(toks, cue_start, i) -> bool:
    """"was informed", "is estimated", "has been reported": the subject is not the source."""
    if not toks[i].low.endswith(("ed", "en", "wn", "ld", "id", "ht", "nt")):
        return False
    for t in toks[cue_start:i]:
        if t.low in ("’s", "'s"):
            # "He's said" is "he has said"; "it's reported that", "he's said to be" are passive
            nxt = toks[i + 1].low if i + 1 < len(toks) else ""
            if nxt in ("to", "by") or cue_start > 0 and toks[cue_start - 1].low in ("it", "that", "there", "what", "this"):
                return True
            continue
        if t.low in _BE_FORMS:
            return True
    return False


VERBISH = frozenset("is are was were be been has have had will would can could should may might must do does did".split())
_BE_FORMS = frozenset("is are was were be been being 's".split())


def subject_before(toks, cue_start) -> tuple[int, int] | None:
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
            if j > 0 and toks[j - 1].text == ")":
                return subject_before(toks, j)  # "Sen. Jack Reed (D-R.I.), said": a stray comma
            return None
        head = subject_before(toks, k)
        if head is None:
            return None
        for _ in range(3):  # "Pruitt, the attorney general of Oklahoma, one of the states ..., said"
            h0 = head[0]
            if h0 > 1 and toks[h0 - 1].text == "," and (toks[h0].low in lx.DETERMINERS or toks[h0].low == "one" or toks[h0].text.islower()):
                outer = subject_before(toks, h0 - 1)
                if outer is None or toks[outer[0]].low in INTRO_WORDS:
                    break
                head = (outer[0], head[1])
            else:
                break
        if toks[k + 1].low in ("citing", "quoting", "according", "however", "though", "too", "also", "meanwhile", "instead", "in", "for", "on", "at", "during", "after", "before", "while", "when", "speaking", "like") or j - k <= 2 and _is_adverb(toks[k + 1]) or toks[k + 1].low.endswith("ing") and toks[k + 1].text.islower():
            return head  # "Reuters, citing officials, reported": the head alone speaks
        return head[0], end - 1
    if toks[j].low in ("who", "which", "that") and not toks[j].quoted and j > 0 and toks[j - 1].text not in QUOTE_TOKENS:
        return j, j + 1  # "the number who said", "officials who say": the relative pronoun speaks
    start = j
    last_and = None
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
        if t.low == "and" and last_and is None:
            last_and = start
        if t.low in lx.CLAUSE_BOUNDARIES and not (t.low == "and" and (_joins_names(toks, start) or _joins_modifiers(toks, start) or _joins_nouns(toks, start, j))):
            if t.low not in ("who", "which") or start == j:
                break
        if start < j and (t.low in VERBISH or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS):
            rel = _relative_start(toks, start, j)
            if rel is not None:
                start = rel - 1  # "A spokesman who declined to be named said": the relative clause is part of it
                continue
        if t.low in lx.CUE_FORMS and start < j and t.low not in lx.AMBIGUOUS_FORMS:
            if last_and is not None and not _joins_names(toks, last_and):
                start = last_and  # "A woman asked for a photo and Clinton said": the last conjunct
            break
        if t.low in VERBISH and start < j:
            if last_and is not None and last_and + 1 < j and not _joins_names(toks, last_and):
                start = last_and  # "The bill was passed and lawmakers said"
                break
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
    if start > 0 and toks[start - 1].text == "," and (circumstance_run(toks, start, end) or toks[start].low in ("during", "in", "at", "after", "before", "while")) and toks[start].low in ("on", "in", "at", "during", "last", "this", "earlier", "late", "early", "later", "after", "before", "while"):
        # "Ryan, the top Republican, on Tuesday called": the time phrase is no subject
        return subject_before(toks, start)
    for k in range(start + 1, end):
        if toks[k].low in ("on", "last", "this", "earlier", "late", "early") and circumstance_run(toks, k + 1, end) and all(
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
    if not any(t.text[:1].isalnum() for t in toks[start:end]):
        return None
    # a subject does not start with a verb or preposition
    if toks[end - 1].low in lx.DETERMINERS or toks[end - 1].low in ("his", "her", "their", "its", "my", "our", "your"):
        return None  # "His repeated claims", "There's a saying": no subject
    if toks[start].low in ("which", "that", "whom") and start + 1 < end and toks[start + 1].text[:1].isupper():
        start += 1  # "the plan, which Mr. Clarke says is sound": the speaker after the relative
    if toks[start].low == "about" and start + 1 < end and (toks[start + 1].text[:1].isdigit() or toks[start + 1].low in _QUANTITY_WORDS):
        return start, end  # "About four in 10 said", "about half of voters say"
    if toks[start].low in ("to", "of", "for", "with", "by", "from", "about") or toks[start].low in lx.CUE_FORMS and toks[start].low not in lx.AMBIGUOUS_FORMS:
        return None
    return start, end


_QUANTITY_WORDS = frozenset("one two three four five six seven eight nine ten half a third quarter two-thirds three-quarters".split())


def _relative_start(toks, k, j) -> int | None:
    """Index of the "who"/"that" opening a relative clause on a person or document noun that
    holds token k ("officials who declined to be named"), if the clause runs to j unbroken."""
    for m in range(k, max(0, k - 8), -1):
        t = toks[m]
        if t.quoted or t.text in ",;:()" or t.text in QUOTE_TOKENS:
            return None
        if t.low in ("who", "that") and m > 0 and (_relative_after_head(toks, m) or t.low == "who" and any(
            x.low in lx.ANONYMOUS_WORDS or x.low in lx.PERSON_WORDS for x in toks[max(0, m - 5) : m]
        )):
            return m - 1 if m - 1 >= 0 else None
    return None


def _paren_open(toks, close) -> int | None:
    """Index of the "(" of a short bracket closing at close: "United Nations (UN)"."""
    for k in range(close - 1, max(-1, close - 14), -1):
        if toks[k].text == "(":
            return k
        if toks[k].text in ";:()" or toks[k].text == "," and close - k > 5:
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


def np_forward(toks, k, allow_lower=True, lists=False) -> int:
    """End (exclusive) of a noun phrase starting at token k: up to a comma, a sentence end,
    a clause word or a verb. With lists, "and" joins noun phrases ("polls conducted for the
    AP and television networks") unless a pronoun follows it."""
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
        if t.low in ("that", "who", "which", "when", "while", "because", "as", "and", "but") and j > k and not (t.low == "and" and (_joins_names(toks, j) or lists and _joins_list(toks, j))):
            break
        if t.low in lx.CUE_FORMS and j > k and t.low not in lx.AMBIGUOUS_FORMS and t.low not in ("provided", "published", "released"):
            break
        if j > k and t.low in ("on", "in", "at", "during", "last", "this") and circumstance_run(toks, j, n):
            break
        if j - k >= _MAX_SOURCE_TOKENS:
            return k
        j += 1
    return j


def _joins_list(toks, j) -> bool:
    """'and' between two noun phrases up to a comma or the end, with no verb after it."""
    n = len(toks)
    if j + 1 >= n or toks[j + 1].low in lx.PRONOUNS:
        return False
    for t in toks[j + 1 :]:
        if t.text in ",.;:!?" or t.quoted:
            break
        if t.low in VERBISH or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS:
            return False
    return True


def circumstance_run(toks, k, end) -> bool:
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


def quoted_before_break(toks, brk) -> bool:
    return toks[brk].text in QUOTE_TOKENS or (brk > 0 and toks[brk - 1].text in QUOTE_TOKENS)


def skip_setting(toks, k) -> int:
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


def skip_circumstances(toks, k) -> int:
    n = len(toks)
    while k < n and not toks[k].quoted and (toks[k].low in ("on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tonight", "recently", "previously", "again", "also", "publicly", "privately", "separately", "earlier", "later", "repeatedly", "last", "week", "weekend", "month", "year", "this", "morning", "afternoon", "evening", "night")):
        k += 1
    return k


def skip_to_break(toks, k) -> int:
    n = len(toks)
    j = k
    while j < n and j < k + 8 and toks[j].text not in ",:" and toks[j].low != "that":
        j += 1
    if j < n and toks[j].text in ",:" :
        return j
    return k


def skip_hearer(toks, k) -> int:
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


# Common verbs (past tense and third person) that end a subject: "Cruz took the stage",
# "The president left no doubt", "Rubio hit back".
COMMON_VERBS = frozenset(
    """took left hit began made went gave came got put set sent held kept ran won lost saw
    brought fought stood spent paid met led felt found knew rose fell struck drew broke chose
    spoke threw sat cut let bought caught built heard meant became takes makes goes gives
    comes gets puts sets sends holds keeps runs wins loses sees brings stands spends pays
    meets leads feels knows rises falls draws breaks becomes looks seems wants needs tries
    turned moved opened closed stopped started continued tried used helped showed pushed
    fired hopes plans""".split()
)


def sentence_subject(toks) -> tuple[int, int] | None:
    """The subject that opens a sentence's main clause (for "..., saying ..." and "... and
    said ..." without an earlier cue): names, determiners and a few nouns after them."""
    n = len(toks)
    start = skip_intro_chunks(toks, 0, n)
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
            and not t.low.endswith(("ed", "ly")) and t.low not in lx.CUE_FORMS and t.low not in VERBISH
            and t.low not in lx.CLAUSE_BOUNDARIES and t.low not in INTRO_WORDS and t.low not in ("to", "inside", "about", "over", "with", "by", "from", "at", "into")
            and t.low not in COMMON_VERBS
            # after a name, only a noun goes on: "Trump campaign", not "Cruz took"
            and (lower_run > 0 or not toks[j - 1].text[:1].isupper() or toks[j - 1].low in lx.DETERMINERS or _source_noun(t.low) or t.low in ("campaign", "aides", "aide", "supporters", "allies", "team", "officials"))
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


def clause_subject(toks, end) -> tuple[int, int] | None:
    """The subject of a clause whose verb group starts at end, back to the clause's start:
    "The statistics, purported to be ..., appear" -> "The statistics"; "which is expected"
    -> "which"; "But Trump seems" -> "Trump"."""
    j = end - 1
    if j > 0 and toks[j].text == "," and not toks[j].quoted:
        # an appositive between the subject and the verb
        k = j - 1
        while k >= 0 and j - k < 25 and not (toks[k].text == "," and not toks[k].quoted):
            k -= 1
        if k <= 0:
            return None
        end = k
        j = k - 1
    if j < 0:
        return None
    start = j
    while start >= 0:
        t = toks[start]
        if t.quoted or t.text in QUOTE_TOKENS or t.text in ",;:()[]—–-":
            break
        if t.low in ("which", "who", "that", "what") and start == j:
            return start, end
        if t.low in lx.CLAUSE_BOUNDARIES and not (t.low == "and" and _joins_nouns(toks, start, j)):
            break
        if t.low in VERBISH or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS:
            break
        if start < j and (t.low in ("he", "she", "they", "we", "i", "you") or t.low in ("’s", "'s", "’re", "'re") and toks[start - 1].low in lx.PRONOUNS):
            return None  # "they support the changes lawmakers are expected": a clause, not a subject
        if end - start > 15:
            return None
        start -= 1
    start += 1
    while start < end and (toks[start].low in lx.LEADING_FILLERS or toks[start].low in ("it", "there") and start + 1 < end):
        start += 1
    start = skip_intro_chunks(toks, start, end)
    if start >= end or not any(t.text[:1].isalnum() for t in toks[start:end]):
        return None
    if toks[start].low in _NP_NEVER_STARTS or any(t.low in lx.CUE_FORMS for t in toks[start:end]):
        return None  # "In The New Yorker's profile fellow doctors", "Stumpf blamed workers"
    return start, end


_NP_NEVER_STARTS = frozenset("in on at for with from by after before during over under about as like to into than makes make made".split())


def appositive_subject(toks, cue_start) -> tuple[int, int] | None:
    """"Humphrey, who calls Trump a “sociopath,” said", "The justice -- who has been ... --
    said", "Sanders, meanwhile, who sits at zero, said": the name that opens the sentence,
    its appositive or relative clause between it and the verb (a relative clause is left
    out of the source, an appositive noun phrase is kept)."""
    if cue_start < 3:
        return None
    prev = toks[cue_start - 1]
    if prev.quoted or not (prev.text in ",—–-" or prev.text in QUOTE_TOKENS and toks[cue_start - 2].text == ","):
        return None
    subj = sentence_subject(toks)
    if subj is None:
        return None
    a, b = subj
    if b == cue_start - 1 and toks[b].text == "," and toks[b - 1].text == ")":
        return a, b  # "Sen. Jack Reed (D-R.I.), said"
    if b >= cue_start - 1 or toks[b].text not in ",—–-" or toks[b].quoted:
        return None
    if not (toks[a].text[:1].isupper() or toks[a].low in lx.DETERMINERS):
        return None
    k = b + 1
    while k < cue_start and toks[k].text in ",—–-":
        k += 1
    if k < cue_start and toks[k].low in ("meanwhile", "however", "too", "also", "though", "instead", "then", "now", "for", "in"):
        # "Sanders, meanwhile, who ...": skip a connective between commas
        c = next((m for m in range(k, min(cue_start, k + 5)) if toks[m].text == ","), None)
        if c is not None:
            k = c + 1
    if k >= cue_start:
        return None
    if toks[k].low in ("during", "at", "in", "on", "after", "before", "speaking", "citing", "like", "unlike", "despite", "in", "with", "asked", "when", "while", "according"):
        return a, b  # "Clinton, during a town hall meeting in Columbus, Ohio, said
    if toks[k].low in ("who", "whose", "which"):
        return a, b  # the relative clause is not part of the name
    if toks[k].low in lx.DETERMINERS or toks[k].text[:1].isdigit() or toks[k].low in ("one", "former", "chief", "executive"):
        e = cue_start - 1
        while e > k and toks[e - 1].text in ",—–-" + "".join(QUOTE_TOKENS):
            e -= 1
        if e - a <= 30:
            return a, e  # "Smith, a spokesman for X and a former aide, said"
    return None

