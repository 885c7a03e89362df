"""Find the sentences of a page that carry a claim, however a person words it.

    >>> from tracer import claim_scores, CLAIM_THRESHOLD
    >>> claim_scores("Police detained a boy of seventeen over the blaze",
    ...              ["A 17-year-old boy has been arrested on suspicion of arson.", "The weather was mild."])

One matcher serves ``trace``, ``sources`` and the lookup of unlinked sources. A
sentence's score blends two readings:

- the words: the weighted share of the claim's content words (by lemma and stem,
  tracer.claims.terms) and figures (tracer.claims.figures: "over 1m", "more than a
  million") that the sentence carries;
- the meaning: the cosine of the two sentences' vectors from a sentence model
  (all-MiniLM-L6-v2, tracer.claims.semantic), which sees "detained" / "arrested"
  and "countryside bus services" / "rural bus routes".

The words are cheap, so they pick the candidates: the model reads only the
sentences the words rank highest (``MODEL_CANDIDATES``), which keeps a hop fast.

A sentence does not carry the claim when it says something else about the same
thing: a figure of the same kind with another value ("40 cases" for "12 cases"),
or the negation ("no cases" for "40 cases"). Such a sentence scores below the
threshold (``claim_scores``), and ``find_claim`` still returns it when nothing
better is there, marked with what differs (``ClaimMatch.mismatch``), so that a
trace can say where the claim changed instead of stopping.

``CLAIM_THRESHOLD`` was chosen on real claim/sentence data (README, "Finding the
claim"): a score at or above it means the sentence carries the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from tracer.claims import semantic
from tracer.claims.figures import Quantity, compatible, figure_state, quantities, same_figure, same_kind
from tracer.claims.terms import Terms, coverage, negation_differs, terms
from tracer.models import ClaimMatch, Document

__all__ = [
    "CLAIM_THRESHOLD", "claim_scores", "claim_score", "find_claim", "closest_sentences", "chosen_match", "assess",
    "Quantity", "quantities", "compatible", "same_kind", "claim_figures", "confidence", "claim_problem",
]

CLAIM_THRESHOLD = 0.43
LEXICAL_WEIGHT = 0.05  # the rest is the model's cosine
FIGURE_WEIGHT = 1.5  # a claim's figure counts as much as 1.5 words
# Another value for the claim's figure, or its negation: the text says something else about the
# same thing. It keeps its rank among the texts that do not carry the claim (it is closer than an
# unrelated one) but scores just below the threshold, whatever else it shares.
MISMATCH_PENALTY = 0.0
MISMATCH_CAP = 0.99
LOW_WORDS, LOW_WORDS_PENALTY = 0.25, 0.4  # the model read it, but it shares few of the claim's words
MISSING_FIGURE_PENALTY = 0.1  # the claim has a figure and the text none of its kind: the figure is what is checked
# A fragment of a few words ("Senator...", "We have the Act.") gets a high cosine from the model
# with almost any claim on its topic, and carries little of it: a text the model read of under
# SHORT_WORDS words costs up to SHORT_PENALTY (dev, all tasks at once, threshold 0.43: PolitiFact
# R@1 +0.014, present/absent -0.005, ClaimMatch and MRPC the same)
SHORT_WORDS, SHORT_PENALTY = 15, 0.1
PAIR_PENALTY = 0.95  # two sentences together must do better than either alone
SPLIT_TEXTS = True
WINDOW_GATE: float | None = None  # two sentences are read together when they carry this much more of the claim's words
MODEL_CANDIDATES = 40  # claim_scores: the sentences the model reads, the best by words
WINDOW_AROUND = 8  # claim_scores reads two sentences together around its best-scored few
# ... on a page of a trace (find_claim): fewer, to keep a hop fast; a news page's claim sentence
# shares many of the claim's words, and a pair is read when it adds words to its sentence
HOP_MODEL_CANDIDATES = 4
# Without the model (TRACER_CLAIM_MODEL=off) the word score is put on the same scale:
# on the dev data its best shared threshold is about LEXICAL_ONLY_THRESHOLD.
LEXICAL_ONLY_THRESHOLD = 0.3
MIN_CLAIM_WORDS = 2  # a claim needs this many content words (or a word and a figure) to be matched

_WORD = re.compile(r"\w+")

# kept for callers of the matcher before issue 13
MATCH_THRESHOLD = CLAIM_THRESHOLD


@dataclass
class Assessment:
    """How one text stands to a claim."""

    text: str
    lexical: float
    semantic: float | None = None  # None: the model did not read it (off, or not a top candidate)
    figures: str = "none"  # figure_state: none, same, differs, missing
    differs: list[tuple[Quantity, Quantity | None]] = field(default_factory=list)
    negation: bool = False

    @property
    def base(self) -> float:
        """The score before any mismatch: how close the text is to the claim."""
        if self.semantic is None:
            if semantic.enabled():
                return LEXICAL_WEIGHT * self.lexical  # not read by the model: a weak candidate
            return min(1.0, self.lexical * CLAIM_THRESHOLD / LEXICAL_ONLY_THRESHOLD)
        return LEXICAL_WEIGHT * self.lexical + (1 - LEXICAL_WEIGHT) * max(self.semantic, 0.0)

    @property
    def score(self) -> float:
        """The score: the base, less a penalty when a figure differs or the text negates the claim."""
        penalty = MISMATCH_PENALTY if self.figures == "differs" else MISSING_FIGURE_PENALTY if self.figures == "missing" else 0.0
        if self.negation:
            penalty += MISMATCH_PENALTY
        if self.semantic is not None:
            penalty += LOW_WORDS_PENALTY * max(0.0, LOW_WORDS - self.lexical)
            penalty += SHORT_PENALTY * max(0.0, 1 - len(_WORD.findall(self.text)) / SHORT_WORDS)
        score = max(0.0, self.base - penalty)
        if self.figures == "differs" or self.negation:  # says something else: never the claim
            score = min(score, MISMATCH_CAP * CLAIM_THRESHOLD)
        return score

    @property
    def mismatch(self) -> list[str]:
        notes = []
        if self.figures == "differs":
            for want, got in self.differs:
                if got is not None:
                    notes.append(f"figure: the claim says “{want.phrase}”, the page “{got.phrase}”")
        if self.negation:
            notes.append("negation: the page says the opposite of the claim")
        return notes


def _lexical(claim: Terms, text: Terms) -> tuple[float, str, list[tuple[Quantity, Quantity | None]]]:
    total = claim.weight
    got = coverage(claim, text) * total
    hard = [q for q in claim.numbers if not q.soft]
    state, pairs = figure_state(list(claim.numbers), list(text.numbers))
    if hard:
        total += FIGURE_WEIGHT * len(hard)
        got += FIGURE_WEIGHT * sum(1 for q in hard if any(same_figure(q, t) for t in text.numbers))
    return (got / total if total else 0.0), state, pairs


def assess(claim: str, texts: Sequence[str], *, model_candidates: int | None = None,
           read: Sequence[int] | None = None, floor: float = 0.0) -> list[Assessment]:
    """Assess texts against a claim: words for all, the model for the best ``model_candidates``
    by words that carry at least ``floor`` of them (and for the indices in ``read``)."""
    claim_terms = terms(claim)
    out = []
    for text in texts:
        text_terms = terms(text)
        lexical, state, pairs = _lexical(claim_terms, text_terms)
        out.append(Assessment(text, lexical, None, state, pairs, negation_differs(claim_terms, text_terms)))
    if not out or not semantic.enabled():
        return out
    if model_candidates is None:
        model_candidates = MODEL_CANDIDATES
    ranked = [i for i in sorted(range(len(out)), key=lambda i: -out[i].lexical) if out[i].lexical >= floor]
    chosen = list(dict.fromkeys(list(ranked[:model_candidates]) + list(read or ())))
    if not chosen:
        return out
    vectors = semantic.embed([claim] + [out[i].text for i in chosen])
    if vectors is None:
        return out
    cosines = vectors[1:] @ vectors[0]
    for i, cos in zip(chosen, cosines):
        out[i].semantic = float(cos)
    return out


def claim_scores(claim: str, sentences: Sequence[str]) -> list[float]:
    """One score a sentence, 0..1: at or above CLAIM_THRESHOLD, the sentence carries the claim.

    ``sentences`` are read as a page's sentences in order: a claim split over two adjacent
    sentences gives the better of the two the score of both together (less PAIR_PENALTY)."""
    assessed = assess(claim, sentences)
    scores = [a.score for a in assessed]
    read = {i for i, a in enumerate(assessed) if a.semantic is not None}
    # two sentences are read together around the best-scored few only
    near = set(sorted(read, key=lambda i: -scores[i])[:WINDOW_AROUND])
    claim_terms = terms(claim)
    windows = []
    for i in range(len(sentences) - 1):
        if not ({i, i + 1} & near):
            continue
        joined = f"{sentences[i]} {sentences[i + 1]}"
        if WINDOW_GATE is None or _lexical(claim_terms, terms(joined))[0] > max(assessed[i].lexical, assessed[i + 1].lexical) + WINDOW_GATE:
            windows.append((i, joined))
    if windows:
        for (i, _), a in zip(windows, assess(claim, [w for _, w in windows], model_candidates=len(windows))):
            better = i if scores[i] >= scores[i + 1] else i + 1
            scores[better] = max(scores[better], a.score * PAIR_PENALTY)
    if SPLIT_TEXTS:
        for i in read:
            parts = _parts(sentences[i])  # a "sentence" that is a paragraph: its best sentence counts too
            if parts:
                scores[i] = max([scores[i]] + [a.score for a in assess(claim, parts, model_candidates=len(parts))])
    return scores


def claim_score(claim: str, text: str) -> float:
    """The score of one text (a sentence, or a few) against a claim."""
    return assess(claim, [text])[0].score


def closeness(claim: str, text: str) -> float:
    """How close a text is to a claim before any mismatch: the same statement with another
    figure is close (an edited sentence and its earlier version), though it does not carry it."""
    return assess(claim, [text])[0].base


def _parts(text: str) -> list[str]:
    from tracer.read.sentences import split_paragraphs, split_sentences

    spans = split_sentences(text, split_paragraphs(text))
    return [text[s.start : s.end] for s in spans] if len(spans) > 1 else []


def claim_problem(claim: str) -> str | None:
    """Why a claim cannot be matched (too short to mean anything on its own), or None."""
    t = terms(claim)
    words = len(t.words) + len([q for q in t.numbers if not q.soft])
    if words < MIN_CLAIM_WORDS:
        return "the claim is too short to match: write it as a statement (who did what, with its figure)"
    return None


def _candidates(doc: Document) -> list[tuple[int, int, int]]:
    """(sentence index, start, end) of every sentence and of every two sentences of one paragraph."""
    out = []
    sentences = doc.sentences
    for i, s in enumerate(sentences):
        out.append((i, s.start, s.end))
        if i + 1 < len(sentences) and sentences[i + 1].paragraph == s.paragraph:
            out.append((i, s.start, sentences[i + 1].end))
    return out


def _assess_doc(doc: Document, claim: str) -> list[tuple[ClaimMatch, Assessment]]:
    spans = _candidates(doc)
    singles = [k for k, (i, start, end) in enumerate(spans) if doc.sentences[i].end == end]
    texts = [doc.text[start:end] for _, start, end in spans]
    claim_terms = terms(claim)
    lexical = {k: _lexical(claim_terms, terms(texts[k]))[0] for k in range(len(spans))}
    # the model reads the best singles by words, and a pair only when it adds words to both its sentences
    best_single = {spans[k][0]: lexical[k] for k in singles}
    order = sorted(singles, key=lambda k: -lexical[k])[:HOP_MODEL_CANDIDATES]
    top = {spans[k][0] for k in order}
    pairs = [k for k in range(len(spans)) if k not in set(singles) and spans[k][0] in top | {i - 1 for i in top}
             and lexical[k] > max(best_single.get(spans[k][0], 0), best_single.get(spans[k][0] + 1, 0)) + 0.1]
    wanted = order + pairs
    assessed = assess(claim, [texts[k] for k in wanted], model_candidates=len(wanted))
    out = []
    for k, a in zip(wanted, assessed):
        i, start, end = spans[k]
        factor = 1.0 if k in singles else PAIR_PENALTY
        out.append((ClaimMatch(i, start, end, texts[k], a.score * factor), a))
    for k in singles:
        if k not in set(order):
            i, start, end = spans[k]
            a = assess(claim, [texts[k]], model_candidates=0)[0]
            out.append((ClaimMatch(i, start, end, texts[k], a.score), a))
    return out


def find_claim(doc: Document, claim: str, *, limit: int = 3, threshold: float = CLAIM_THRESHOLD) -> list[ClaimMatch]:
    """The sentences (or two adjacent ones) that carry the claim, best first; [] when none does.

    When one of them carries the claim's figure, those without it are left out (on that page
    they are context, not the claim). When no sentence carries the claim but one says the same with another figure or the
    negation, that one is returned with ``mismatch`` saying what differs (a trace flags it)."""
    assessed = _assess_doc(doc, claim)
    passing = [(m, a) for m, a in assessed if m.score >= threshold]
    if any(a.figures == "same" for _, a in passing):
        # the page states the claim with its figure: sentences on the topic without it are context
        passing = [(m, a) for m, a in passing if a.figures != "missing"]
    found = sorted((m for m, _ in passing), key=lambda m: (-m.score, m.start))
    if found:
        return found[:limit]
    changed = []
    for m, a in assessed:
        factor = m.score / a.score if a.score else (1.0 if doc.sentences[m.sentence].end == m.end else PAIR_PENALTY)
        base = a.base * factor
        if a.mismatch and base >= threshold:
            changed.append(ClaimMatch(m.sentence, m.start, m.end, m.text, round(base, 3), mismatch=a.mismatch))
    changed.sort(key=lambda m: (-m.score, m.start))
    return changed[:1]


def closest_sentences(doc: Document, claim: str, *, limit: int = 3) -> list[ClaimMatch]:
    """The sentences that came closest to carrying the claim, best first, whatever their score."""
    assessed = [m for m, _ in _assess_doc(doc, claim) if doc.sentences[m.sentence].end == m.end]
    assessed.sort(key=lambda m: (-m.score, m.start))
    return assessed[:limit]


def confidence(score: float | None) -> str:
    """A word for a match score: high, medium or low."""
    if score is None:
        return "none"
    return "high" if score >= CLAIM_THRESHOLD + 0.25 else "medium" if score >= CLAIM_THRESHOLD + 0.1 else "low"


def claim_figures(claim: str, text: str) -> list[Quantity]:
    """The figures of a text that stand for the claim's figures (same kind), in text order.

    With no figure in the claim, every figure of the text counts.
    """
    wanted = [q for q in quantities(claim) if not q.soft]
    found = [q for q in quantities(text) if not q.soft]
    if not wanted:
        return found
    return [q for q in found if any(same_kind(w, q) for w in wanted)]


def _squash(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).lower()


def chosen_match(doc: Document, claim: str, *, sentence: int | None = None, quote: str | None = None) -> ClaimMatch | None:
    """The claim's sentence as a person chose it: its number (1-based, as ``claim_candidates`` are
    shown) or words quoted from it; None when the page has no such sentence."""
    index = None
    if sentence is not None:
        if 1 <= sentence <= len(doc.sentences):
            index = sentence - 1
    elif quote and quote.strip():
        wanted = _squash(quote.strip().strip('"“”'))
        for i in range(len(doc.sentences)):
            if wanted in _squash(doc.sentence_text(i)):
                index = i
                break
        if index is None:  # words that run over into the next sentence
            for i in range(len(doc.sentences) - 1):
                s, nxt = doc.sentences[i], doc.sentences[i + 1]
                if wanted in _squash(doc.text[s.start : nxt.end]) and not wanted in _squash(doc.sentence_text(i + 1)):
                    text = doc.text[s.start : nxt.end]
                    return ClaimMatch(i, s.start, nxt.end, text, round(claim_score(claim, text), 3))
    if index is None:
        return None
    s = doc.sentences[index]
    text = doc.text[s.start : s.end]
    return ClaimMatch(index, s.start, s.end, text, round(claim_score(claim, text), 3))
