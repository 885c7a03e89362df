"""The corpus: the secondary sources of a claim among the indexed web archives.

Indexing (``index_warcs``, ``tracer index``) lives in tracer/corpus/index.py.

``sources`` (``tracer sources``) answers "who carries this claim, whom do they cite, and how
many independent origins stand behind it": FTS candidate search, then the claim matcher on
the candidates only, each document's citation followed among stored pages (no network),
near-duplicates (wire copy, syndication: shingled text overlap) collapsed onto the copy
they repeat, documents grouped by origin.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

from sqlite_utils import Database

from tracer.models import Attribution, ClaimMatch, Document, Link, Sentence
from tracer.web.urls import domain_matches_source, name_key, outlet_domain, without_tracking
from tracer.web.warc import normalize_url

from tracer.corpus.index import CorpusError, index_stored_documents



# ---------------------------------------------------------------- candidate search

_TOKEN = re.compile(r"[^\W_]+")
_MAX_HITS = 4000  # sentences taken from the FTS ranking
_MAX_CANDIDATES = 1500  # documents the matcher looks at
_MAX_MISSES = 150  # ... stopping after this many in a row that do not carry the claim
_RARE_GROUPS = 5  # a candidate sentence has two (three, first) of the claim's five rarest terms
_DF_CAP = 20000
_RANK_ALL = 40000  # fewer sentences than this with two rare terms: rank them all by bm25
def _phrase(text: str) -> str:
    tokens = _TOKEN.findall(text.lower())
    return '"' + " ".join(tokens) + '"' if tokens else ""


def claim_query_groups(claim: str) -> list[list[str]]:
    """The claim's terms as FTS5 alternatives: [["\"stole\"", "\"steal\"", "\"stolen\"", ...], ["\"billion\"", "\"bn\""], ...]."""
    return [group for group, _ in _claim_groups(claim)]


def _claim_groups(claim: str) -> list[tuple[list[str], float]]:
    """The claim's terms as groups of alternatives (a word's other forms, from its lemmas: "stole",
    "steal", "stolen"; a scale word's abbreviations: "billion", "bn"), each with the weight the
    matcher gives it (names 2, figures 2.5, other words 1)."""
    from tracer.claims.terms import STOPWORDS, word_forms

    used: set[str] = set()
    groups: list[tuple[list[str], float]] = []
    for i, m in enumerate(_TOKEN.finditer(claim)):
        token = m.group(0)
        word = token.lower()
        if word in used or word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        used.add(word)
        alternatives = {_phrase(word)} | {_phrase(a) for a in word_forms(word)}
        weight = 2.5 if word.isdigit() else 2.0 if token[0].isupper() and (i > 0 or token.isupper()) else 1.0
        groups.append((sorted(a for a in alternatives if a), weight))
    return groups


def _group_expr(group: list[str]) -> str:
    return group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")"


def candidate_sentences(db: Database, claim: str, *, max_hits: int = _MAX_HITS) -> list[int]:
    """Sentence ids (FTS rowids) most likely to carry the claim, best first."""
    return _candidate_sentences(db, claim, max_hits)[0]


def _candidate_sentences(db: Database, claim: str, max_hits: int = _MAX_HITS) -> tuple[list[int], int]:
    """(sentence ids, how many of them, from the start, are ranked by bm25; the rest are not)."""
    groups = claim_query_groups(claim)
    if not groups:
        return [], 0
    counted = []
    for group in groups:
        expr = _group_expr(group)
        try:
            df = db.execute(
                f"select count(*) from (select 1 from sentences_fts where sentences_fts match ? limit {_DF_CAP})",
                [expr]).fetchone()[0]
        except Exception:  # noqa: BLE001 - a term FTS5 cannot parse is left out
            continue
        if df:
            counted.append((df, expr))
    if not counted:
        return [], 0
    counted.sort()
    rare = [expr for _, expr in counted[:_RARE_GROUPS]]
    pairs = rare[0] if len(rare) == 1 else _any_of(rare, 2)
    few = len(rare) <= 3 or db.execute(
        f"select count(*) from (select 1 from sentences_fts where sentences_fts match ? limit {_RANK_ALL})",
        [pairs]).fetchone()[0] < _RANK_ALL
    if few:  # ranking every sentence with two of the rare terms is cheap: rank them all
        query = pairs
        ranked = [r[0] for r in db.execute(
            "select rowid from sentences_fts where sentences_fts match ? order by rank limit ?", [query, max_hits])]
        return ranked, len(ranked)
    # Sentences with three of the rarest terms, best first (bm25); then, unranked, those with two:
    # ranking every sentence that has two common terms is what costs time in a large corpus.
    found = [r[0] for r in db.execute(
        "select rowid from sentences_fts where sentences_fts match ? order by rank limit ?", [_any_of(rare, 3), max_hits])]
    n_ranked = len(found)
    if len(found) < max_hits:
        seen = set(found)
        for (rowid,) in db.execute("select rowid from sentences_fts where sentences_fts match ? limit ?",
                                   [_any_of(rare, 2), max_hits]):
            if rowid not in seen:
                found.append(rowid)
                if len(found) >= max_hits:
                    break
    return found, n_ranked


def _any_of(exprs: list[str], k: int) -> str:
    """An FTS5 query for rows that have at least k of the expressions."""
    from itertools import combinations

    return " OR ".join("(" + " AND ".join(c) + ")" for c in combinations(exprs, k))


def claim_candidates(db: Database, claim: str, *, limit: int = _MAX_CANDIDATES) -> list[str]:
    """``documents.id`` of stored pages likely to carry the claim, best first, from the
    full-text index (pages stored by traces join the corpus first).

    For scans over the documents table (``resolve.lookup_source``): match only these
    instead of every page; an empty list means no page has enough of the claim's terms.
    """
    _catch_up(db)
    hits = candidate_sentences(db, claim)
    ordered: dict[str, None] = {}
    for start in range(0, len(hits), 900):
        chunk = hits[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rank = {sid: i for i, sid in enumerate(chunk)}
        rows = db.execute(f"select s.id, c.document_id from sentences s join corpus_docs c on c.id = s.doc "
                          f"where s.id in ({marks})", chunk).fetchall()
        for _, doc_id in sorted(rows, key=lambda r: rank[r[0]]):
            ordered.setdefault(doc_id, None)
        if len(ordered) >= limit:
            break
    return list(ordered)[:limit]


# ---------------------------------------------------------------- documents read back


@dataclass
class StoredDoc:
    """A corpus document read back from the store, with what sources() found in it."""

    cid: int
    document_id: str
    url: str
    title: str | None
    publisher: str | None
    published: str | None
    captured: str | None
    text: str
    first_sentence: int
    n_sentences: int
    canonical: str | None = None
    document: Document | None = None
    attributions: list[Attribution] | None = None
    matches: list[ClaimMatch] = field(default_factory=list)
    citation: Any = None
    cites: list[dict[str, Any]] = field(default_factory=list)
    copy_of: int | None = None

    @property
    def date(self) -> str:
        return (self.published or self.captured or "")[:19]


_DOC_COLUMNS = ("c.id, c.document_id, d.url, d.title, d.publisher, d.published, c.captured, d.text, "
                "c.first_sentence, c.n_sentences, d.canonical")


def _stored_docs(db: Database, cids: Iterable[int]) -> dict[int, StoredDoc]:
    cids = list(cids)
    docs: dict[int, StoredDoc] = {}
    for i in range(0, len(cids), 500):
        chunk = cids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"select {_DOC_COLUMNS} from corpus_docs c join documents d on d.id = c.document_id "
                              f"where c.id in ({marks})", chunk):
            docs[row[0]] = StoredDoc(*row[:7], row[7] or "", row[8] or 0, row[9] or 0, row[10])
    return docs


def _sentences_of(db: Database, doc: StoredDoc) -> list[Sentence]:
    if not doc.n_sentences:
        return []
    rows = db.execute("select start, [end], paragraph from sentences where id between ? and ? order by id",
                      [doc.first_sentence, doc.first_sentence + doc.n_sentences - 1]).fetchall()
    return [Sentence(s, e, p) for s, e, p in rows]


def _load_document(db: Database, doc: StoredDoc, sentences: list[Sentence] | None = None) -> Document:
    """The Document (text, sentences, paragraphs, links) and attributions, as read when indexed."""
    if doc.document is not None:
        return doc.document
    sentences = sentences if sentences is not None else _sentences_of(db, doc)
    paragraphs: dict[int, tuple[int, int]] = {}
    for s in sentences:
        lo, hi = paragraphs.get(s.paragraph, (s.start, s.end))
        paragraphs[s.paragraph] = (min(lo, s.start), max(hi, s.end))
    links = [Link(h, t or "", s, e) for h, t, s, e in db.execute(
        "select href, text, start, [end] from links where document_id = ? order by idx", [doc.document_id])]
    doc.document = Document(url=doc.url, text=doc.text, sentences=sentences,
                            paragraphs=[paragraphs[k] for k in sorted(paragraphs)], links=links, title=doc.title,
                            publisher=doc.publisher, published=doc.published, canonical=doc.canonical)
    spans = lambda value: [tuple(s) for s in json.loads(value or "[]")]  # noqa: E731
    doc.attributions = [
        Attribution(source=spans(src), cue=spans(cue), content=spans(content), source_name=name, kind=kind or "unknown",
                    link=link, parent=parent)
        for name, kind, src, cue, content, link, parent in db.execute(
            "select source_name, kind, source_spans, cue_spans, content_spans, link, parent from attributions "
            "where document_id = ? order by idx", [doc.document_id])
    ]
    return doc.document


# ---------------------------------------------------------------- matching


def _keys(text: str) -> set[str]:
    return {t[:5] for t in _TOKEN.findall(text.lower())}


class ClaimScorer:
    """The claim matcher (tracer.claims.match) made cheap enough for thousands of candidates.

    A sentence is scored only when a rough score (the share of the claim's weighted
    terms among its words, by 5-letter prefix) reaches ROUGH_GATE; the sentence model
    reads the few of a page that carry most of the claim's words (READ_PER_PAGE, with at
    least READ_FLOOR of them). Scores are cached by text, so wire copies are scored once
    (and the model's vectors by the matcher, so a query asked again is answered warm).
    """

    ROUGH_GATE = 0.3
    READ_PER_PAGE = 3
    READ_FLOOR = 0.3

    def __init__(self, claim: str, threshold: float) -> None:
        self.claim = claim
        self.threshold = threshold
        self.groups = [(weight, [tuple(t[:5] for t in _TOKEN.findall(alt.lower())) for alt in alts])
                       for alts, weight in _claim_groups(claim)]
        self.total = sum(w for w, _ in self.groups) or 1.0
        self.numbers = any(w == 2.5 for w, _ in self.groups)
        # one-word alternatives by key (most of them), phrases checked one by one
        self.single: dict[str, set[int]] = {}
        self.phrases: list[tuple[int, tuple[str, ...]]] = []
        for g, (weight, alts) in enumerate(self.groups):
            if weight == 2.5:
                continue  # figures: any figure counts (below)
            for alt in alts:
                if len(alt) == 1:
                    self.single.setdefault(alt[0], set()).add(g)
                elif alt:
                    self.phrases.append((g, alt))
        self.figure_weight = sum(w for w, _ in self.groups if w == 2.5)
        self.cache: dict[str, float] = {}
        self.figures: dict[str, str] = {}  # figure_state of a scored text: none, same, differs, missing

    def rough(self, keys: set[str]) -> float:
        present: set[int] = set()
        any_figure = False
        for k in keys:
            groups = self.single.get(k)
            if groups:
                present |= groups
            elif not any_figure and k[:1].isdigit():
                any_figure = True
        for g, alt in self.phrases:
            if g not in present and all(k in keys for k in alt):
                present.add(g)
        # the matcher credits a drifted figure too, so any figure counts for the claim's figures
        got = sum(self.groups[g][0] for g in present) + (self.figure_weight if any_figure else 0.0)
        score = got / self.total
        return score * 0.6 if self.numbers and not any_figure else score

    def scores(self, texts: list[str]) -> list[float]:
        """Matcher scores of texts (one page's candidates), the model reading the best few."""
        from tracer.claims.match import assess

        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for text, a in zip(todo, assess(self.claim, todo, model_candidates=self.READ_PER_PAGE,
                                            floor=self.READ_FLOOR)):
                self.cache[text] = a.score
                self.figures[text] = a.figures
        return [self.cache[t] for t in texts]

    def score(self, text: str) -> float:
        return self.scores([text])[0]

    def matches(self, doc: Document, indices: Iterable[int] | None = None, limit: int = 3) -> list[ClaimMatch]:
        """find_claim, over some sentences only (those the search hit and their neighbours) or all."""
        from tracer.claims.match import PAIR_PENALTY

        sentences = doc.sentences
        if indices is None:
            wanted = range(len(sentences))
        else:
            wanted = sorted({j for i in indices for j in (i - 1, i, i + 1) if 0 <= j < len(sentences)})
        keys: dict[int, set[str]] = {}

        def keys_of(i: int) -> set[str]:
            if i not in keys:
                s = sentences[i]
                keys[i] = _keys(doc.text[s.start : s.end])
            return keys[i]

        spans: list[tuple[int, int, int, float]] = []  # sentence, start, end, factor
        for i in wanted:
            s = sentences[i]
            if s is None:  # a probe reads only the sentences around the search hits
                continue
            rough = self.rough(keys_of(i))
            if rough >= self.ROUGH_GATE:
                spans.append((i, s.start, s.end, 1.0))
            if i + 1 < len(sentences) and sentences[i + 1] is not None and sentences[i + 1].paragraph == s.paragraph:
                pair_rough = self.rough(keys_of(i) | keys_of(i + 1))
                if pair_rough >= self.ROUGH_GATE and pair_rough > rough:
                    spans.append((i, s.start, sentences[i + 1].end, PAIR_PENALTY))
        if not spans:
            return []
        texts = [doc.text[start:end] for _, start, end, _ in spans]
        candidates = [ClaimMatch(i, start, end, text, score * factor)
                      for (i, start, end, factor), text, score in zip(spans, texts, self.scores(texts))]
        candidates.sort(key=lambda m: (-m.score, m.start))
        passing = [m for m in candidates if m.score >= self.threshold]
        if any(self.figures.get(m.text) == "same" for m in passing):
            # as find_claim: the page states the claim with its figure, sentences on the topic without it are context
            passing = [m for m in passing if self.figures.get(m.text) != "missing"]
        return passing[:limit]


# ---------------------------------------------------------------- near-duplicates

_SHINGLE = 5
COPY_CONTAINMENT = 0.6  # share of the shorter text's 5-word shingles found in the other


def _stable_hash(words: list[str]) -> int:
    # not hash(): it is salted per process, and the "0 mod 4" sample below must be
    # the same in every run, or which pages count as copies would change from run to run
    return zlib.crc32(" ".join(words).encode("utf-8"))


def shingles(text: str, size: int = _SHINGLE) -> set[int]:
    words = _TOKEN.findall(text.lower())
    if len(words) < size:
        return {_stable_hash(words)} if words else set()
    return {_stable_hash(words[i : i + size]) for i in range(len(words) - size + 1)}


def near_duplicate_groups(texts: dict[int, str], threshold: float = COPY_CONTAINMENT) -> list[set[int]]:
    """Groups of texts that repeat one another (containment of shingles >= threshold).

    Identical texts are grouped first; the others are compared on a fixed quarter of
    their shingles (those whose hash is 0 mod 4), which estimates the containment
    with a quarter of the work.
    """
    same: dict[int, list[int]] = {}
    for k, t in texts.items():
        same.setdefault(hash(" ".join(_TOKEN.findall(t.lower()))), []).append(k)
    sets: dict[int, set[int]] = {}
    for ks in same.values():
        full = shingles(texts[ks[0]])
        sample = {h for h in full if h % 4 == 0}
        sets[ks[0]] = sample if len(sample) >= 8 else full
    postings: dict[int, list[int]] = {}
    for k, sh in sets.items():
        for h in sh:
            postings.setdefault(h, []).append(k)
    overlap: dict[tuple[int, int], int] = {}
    for ks in postings.values():
        if len(ks) < 2 or len(ks) > 2000:
            continue
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                overlap[(a, b)] = overlap.get((a, b), 0) + 1
    parent = {k: k for k in sets}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for (a, b), shared in overlap.items():
        smaller = min(len(sets[a]), len(sets[b]))
        if smaller >= 4 and shared / smaller >= threshold:
            parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for ks in same.values():
        groups.setdefault(find(ks[0]), set()).update(ks)
    return [g for g in groups.values() if len(g) > 1]


# ---------------------------------------------------------------- sources


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


# How a chain through stored pages ends at an origin; a loop, a cited page without the claim
# and the hop limit reach none.
ORIGIN_REASONS = ("no-further-attribution", "unlinked-source", "not-in-corpus", "anonymous-source")


class _Sources:
    MAX_HOPS = 8

    def __init__(self, db: Database, claim: str, threshold: float) -> None:
        self.db = db
        self.claim = claim
        self.scorer = ClaimScorer(claim, threshold)
        self._by_name: dict[str, list[StoredDoc]] = {}
        self._labels: dict[str, list[StoredDoc]] | None = None
        self.search_info: dict[str, Any] = {"hits": 0, "candidates": 0, "read": 0, "limited": False}
        self.docs: dict[int, StoredDoc] = {}  # every document looked at, matched or not
        self.matched: dict[int, StoredDoc] = {}
        self.origins: dict[int, dict[str, Any]] = {}
        self.chains: dict[int, list[str]] = {}

    # -- finding the documents that carry the claim

    def search(self) -> None:
        hits, n_ranked = _candidate_sentences(self.db, self.claim)
        rank = {sid: i for i, sid in enumerate(hits)}
        wanted = sorted({j for sid in hits for j in (sid - 1, sid, sid + 1)})
        near: dict[int, dict[int, Sentence]] = {}  # doc -> idx -> sentence, for the hits and their neighbours
        best: dict[int, int] = {}  # doc -> rank of its best hit
        hit_idx: dict[int, list[int]] = {}
        for chunk_start in range(0, len(wanted), 900):
            chunk = wanted[chunk_start : chunk_start + 900]
            marks = ",".join("?" * len(chunk))
            for sid, cid, idx, start, end, para in self.db.execute(
                    f"select id, doc, idx, start, [end], paragraph from sentences where id in ({marks})", chunk):
                near.setdefault(cid, {})[idx] = Sentence(start, end, para)
                if sid in rank:
                    best[cid] = min(best.get(cid, rank[sid]), rank[sid])
                    hit_idx.setdefault(cid, []).append(idx)
        order = sorted(best, key=best.get)
        self.search_info = {"hits": len(hits), "candidates": len(order), "read": 0,
                            "limited": len(hits) >= _MAX_HITS or len(order) > _MAX_CANDIDATES}
        order = order[:_MAX_CANDIDATES]
        self.docs.update(_stored_docs(self.db, order))
        misses = 0
        for cid in order:
            doc = self.docs.get(cid)
            if doc is None:
                continue
            # among the ranked candidates (best first), stop once a long run of them carries nothing;
            # the unranked ones (two rare terms only) are all read, up to the limit
            if misses >= _MAX_MISSES and best[cid] < n_ranked:
                continue
            self.search_info["read"] += 1
            sparse: list[Sentence | None] = [None] * doc.n_sentences
            for idx, sentence in near[cid].items():
                if idx < doc.n_sentences:
                    sparse[idx] = sentence
            probe = Document(url=doc.url, text=doc.text, sentences=sparse)  # type: ignore[arg-type]
            if not self.scorer.matches(probe, hit_idx[cid], limit=1):
                misses += 1
                continue
            misses = 0
            _load_document(self.db, doc)
            doc.matches = self.scorer.matches(doc.document)
            if doc.matches:
                self._cite(doc)
                self.matched[cid] = doc

    def _cite(self, doc: StoredDoc) -> None:
        """Whom the page cites for the claim: the citation a trace would follow, then any branches."""
        from tracer import resolve

        citations = [c.citation for c in resolve.citations_for_claim(doc.document, doc.attributions, doc.matches)]
        doc.citation = citations[0] if citations else None
        doc.cites = [{"source": c.source, "url": c.link, "kind": c.kind, "cue": c.cue} for c in citations]

    # -- following citations among stored documents

    def by_url(self, url: str) -> StoredDoc | None:
        found = self._by_url(url)
        if found is None and without_tracking(url) != url:
            found = self._by_url(without_tracking(url))  # a shared link: ?utm_source=... is the same page
        return found

    def _by_url(self, url: str) -> StoredDoc | None:
        nurl = normalize_url(url)
        for _ in range(5):  # through recorded redirects
            row = self.db.execute("select id from corpus_docs where nurl = ? order by id limit 1", [nurl]).fetchone()
            if row is None:
                row = self.db.execute("select id from corpus_docs where ncanonical = ? order by id limit 1",
                                      [nurl]).fetchone()
            if row is not None:
                return self._doc(row[0])
            nxt = self.db.execute("select location from corpus_redirects where nurl = ?", [nurl]).fetchone()
            if nxt is None:
                return None
            nurl = normalize_url(nxt[0])
        return None

    def _doc(self, cid: int) -> StoredDoc | None:
        if cid not in self.docs:
            self.docs.update(_stored_docs(self.db, [cid]))
        doc = self.docs.get(cid)
        if doc is not None and doc.document is None:
            _load_document(self.db, doc)
            doc.matches = self.scorer.matches(doc.document)
            if doc.matches:
                self._cite(doc)
                self.matched[cid] = doc
                self._labels, self._by_name = None, {}
        return doc

    def by_name(self, name: str | None, citing: StoredDoc) -> StoredDoc | None:
        """A document carrying the claim that the named source published (an unlinked citation)."""
        if not name:
            return None
        found = [d for d in self._published_by(name) if d.cid != citing.cid]
        if not found:
            return None
        # the source's own report: the earliest, preferring one that cites nobody for the claim
        return min(found, key=lambda d: (d.citation is not None, d.date or "9999", d.cid))

    def _published_by(self, name: str) -> list[StoredDoc]:
        """Matched documents whose publisher is the name, or whose domain belongs to it (as
        resolve.domain_matches_source decides, with each domain worked out once)."""
        from tracer.web.urls import registered_domain

        if name in self._by_name:
            return self._by_name[name]
        if self._labels is None:
            self._labels = {}
            for d in self.matched.values():
                domain = registered_domain(d.url) or ""
                self._labels.setdefault(name_key(domain.split(".")[0]), []).append(d)
        key = name_key(name)
        words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in {"the", "a", "an", "of"}]
        word_key = name_key("".join(words))
        initials = "".join(w[0] for w in words).lower()
        word_keys = {name_key(w) for w in words if len(w) > 3}
        found = {d.cid: d for d in self.matched.values() if key and name_key(d.publisher or "") == key}
        for label, docs in self._labels.items():
            if label and word_key and (label in word_key or word_key in label or label == initials or label in word_keys):
                found.update((d.cid, d) for d in docs)
        self._by_name[name] = list(found.values())
        return self._by_name[name]

    def origin(self, doc: StoredDoc, visiting: frozenset[int] = frozenset()) -> tuple[dict[str, Any], list[str]]:
        if doc.cid in self.origins:
            return self.origins[doc.cid], self.chains[doc.cid]
        if doc.copy_of is not None and doc.copy_of not in visiting:
            origin, chain = self.origin(self.matched[doc.copy_of], visiting | {doc.cid})
            chain = [doc.url] + chain
        else:
            origin, chain = self._follow(doc, visiting | {doc.cid})
        if not visiting:
            self.origins[doc.cid], self.chains[doc.cid] = origin, chain
        return origin, chain

    def _follow(self, doc: StoredDoc, visiting: frozenset[int]) -> tuple[dict[str, Any], list[str]]:
        citation = doc.citation
        here = [doc.url]
        own = {"name": doc.publisher or _host(doc.url), "url": doc.url, "kind": "outlet"}
        if citation is None:
            return {**own, "reason": "no-further-attribution"}, here
        if citation.kind == "anonymous":
            return {"name": citation.source, "url": None, "kind": "anonymous", "reason": "anonymous-source",
                    "_key": f"anonymous:{doc.url}"}, here
        if len(visiting) > self.MAX_HOPS:
            return {**own, "reason": "max-hops"}, here
        target = self.by_url(citation.link) if citation.link else self.by_name(citation.source, doc)
        if target is None:
            reason = "not-in-corpus" if citation.link else "unlinked-source"
            return {"name": citation.source, "url": citation.link, "kind": citation.kind, "reason": reason}, here
        if target.cid in visiting:
            return {"name": citation.source, "url": target.url, "kind": citation.kind, "reason": "loop"}, here
        if not target.matches:
            return {"name": citation.source or target.publisher, "url": target.url, "kind": citation.kind,
                    "reason": "claim-not-found"}, here + [target.url]
        origin, chain = self.origin(target, visiting)
        return origin, here + chain

    # -- the answer

    def collapse_copies(self) -> None:
        texts = {cid: d.text for cid, d in self.matched.items()}
        for group in near_duplicate_groups(texts):
            docs = sorted((self.matched[c] for c in group), key=lambda d: (d.date or "9999", d.citation is not None, d.cid))
            for d in docs[1:]:
                d.copy_of = docs[0].cid

    def _outlet_key(self, origin: dict[str, Any], groups: dict[str, dict[str, Any]]) -> str:
        """One outlet is one origin: its pages (one registered domain) and its name without a link."""
        from tracer.resolve import same_source

        if origin.get("_key"):
            return origin["_key"]
        if origin.get("reason") not in ORIGIN_REASONS:
            # no origin: each dead end apart (a loop's page is not an origin, nor one of a kind)
            return f"none:{origin.get('reason')}:{normalize_url(origin['url']) if origin.get('url') else origin.get('name')}"
        url, name = origin.get("url"), origin.get("name")
        for key, g in groups.items():
            if key.startswith("none:"):
                continue
            urls = g.get("urls") or ([g["url"]] if g.get("url") else [])
            if url and urls and outlet_domain(url) and outlet_domain(url) == outlet_domain(urls[0]):
                return key
            if name and (same_source(name, g.get("name")) and (not url or not urls) or
                         not url and any(domain_matches_source(u, name) for u in urls)):
                return key
        return normalize_url(url) if url else f"name:{name_key(name or '')}"

    def result(self) -> dict[str, Any]:
        groups: dict[str, dict[str, Any]] = {}
        entries = []
        # URL-ended chains first, so a name without a link finds the outlet whose site it names
        ordered = sorted(self.matched.values(), key=lambda d: (d.copy_of is not None, d.date or "9999", d.cid))
        ended = {doc.cid: self.origin(doc) for doc in ordered}
        keys: dict[int, str] = {}
        for doc in sorted(ordered, key=lambda d: not ended[d.cid][0].get("url")):
            origin = ended[doc.cid][0]
            keys[doc.cid] = key = self._outlet_key(origin, groups)
            public = {k: v for k, v in origin.items() if not k.startswith("_")}
            group = groups.setdefault(key, {**public, "documents": []})
            if origin.get("url") and origin["url"] != group.get("url"):
                group.setdefault("urls", [group["url"]] if group.get("url") else [])
                if origin["url"] not in group["urls"]:
                    group["urls"].append(origin["url"])
            group["url"] = group.get("url") or origin.get("url")
        for doc in ordered:
            origin, chain = ended[doc.cid]
            key = keys[doc.cid]
            public = {k: v for k, v in origin.items() if not k.startswith("_")}
            groups[key]["documents"].append(doc.url)
            best = doc.matches[0]
            entries.append((key, {
                "url": doc.url,
                "publisher": doc.publisher,
                "published": doc.published,
                "title": doc.title,
                "evidence": best.text,
                "match_score": round(best.score, 3),
                "cites": doc.cites,
                "origin": public,
                "chain": chain,
                "copy_of": self.matched[doc.copy_of].url if doc.copy_of is not None else None,
            }))
        ranked = sorted(groups.items(), key=lambda kg: (kg[0].startswith("none:"), -len(kg[1]["documents"]),
                                                         kg[1]["name"] or ""))
        rank = {key: i for i, (key, _) in enumerate(ranked)}
        entries.sort(key=lambda e: rank[e[0]])
        documents = [e for _, e in entries]
        origins = [g for key, g in ranked if not key.startswith("none:")]
        return {
            "claim": self.claim,
            "documents": documents,
            "origins": origins,
            # chains that reach no origin (a loop, a cited page without the claim, the hop limit):
            # shown, never counted as independent origins
            "no_origin": [g for key, g in ranked if key.startswith("none:")],
            "independent_origins": len(origins),
            "copies": sum(1 for d in documents if d["copy_of"]),
            # how far the search went: sentences hit, candidate pages, pages read by the matcher, and
            # whether the hit or candidate limit was reached (then more pages may carry the claim)
            "search": self.search_info,
        }


def sources(db: Database, claim: str, *, threshold: float | None = None) -> dict[str, Any]:
    """Every corpus document that carries the claim, whom it cites, and the origins behind them.

    Answers from stored pages only (no network). See the module docstring for the JSON.
    """
    from tracer.claims.match import CLAIM_THRESHOLD, claim_problem

    if not claim or not claim.strip():
        raise CorpusError("the claim is empty")
    problem = claim_problem(claim)
    if problem:
        raise CorpusError(problem)
    _catch_up(db)
    finder = _Sources(db, claim.strip(), CLAIM_THRESHOLD if threshold is None else threshold)
    finder.search()
    finder.collapse_copies()
    return finder.result()


def _catch_up(db: Database) -> None:
    """Documents stored by traces join the corpus before a search."""
    stored = db.execute("select count(*) from documents").fetchone()[0]
    indexed = db.execute("select count(*) from corpus_docs").fetchone()[0]
    if stored != indexed:
        try:
            index_stored_documents(db)
        except sqlite3.OperationalError:
            pass  # another process holds the write lock (an index run): search what is indexed


def format_sources_text(result: dict[str, Any]) -> str:
    lines = [f"Claim: {result['claim']}"]
    n_docs = len(result["documents"])
    if not n_docs:
        lines.append("No stored document carries this claim.")
        return "\n".join(lines)
    copies = result.get("copies", 0)
    lines.append(f"{n_docs} document(s) carry it; {result['independent_origins']} independent origin(s)"
                 + (f"; {copies} near-duplicate cop{'y' if copies == 1 else 'ies'} collapsed" if copies else ""))
    search = result.get("search") or {}
    if search.get("limited"):
        lines.append(f"(the search reached its limit at {search.get('candidates')} candidate pages: "
                     "more pages may carry the claim)")
    by_url = {doc["url"]: doc for doc in result["documents"]}
    reasons = {"loop": "the citations go round in a circle", "claim-not-found": "a cited page does not carry it",
               "max-hops": "the hop limit"}
    headed = [(f"Origin {i}", o) for i, o in enumerate(result["origins"], 1)]
    headed += [(f"No origin ({reasons.get(o.get('reason'), o.get('reason'))})", o) for o in result.get("no_origin", [])]
    for heading, origin in headed:
        where = origin["url"] or "not online"
        more = [u for u in origin.get("urls", []) if u != origin["url"]]
        lines.append("")
        lines.append(f"{heading}: {origin['name'] or '(unnamed)'} — {where} [{origin.get('reason')}] "
                     f"({len(origin['documents'])} document(s))" + (f"; also {', '.join(more)}" if more else ""))
        for doc in (by_url[u] for u in origin["documents"]):
            date = (doc["published"] or "")[:10] or "----------"
            lines.append(f"  {date}  {doc['publisher'] or _host(doc['url'])}  {doc['url']}")
            if doc["copy_of"]:
                lines.append(f"      copy of {doc['copy_of']}")
                continue
            evidence = doc["evidence"] if len(doc["evidence"]) <= 240 else doc["evidence"][:237] + "..."
            lines.append(f"      “{evidence}”")
            if doc["cites"]:
                cited = "; ".join(f"{c['source']}" + (f" → {c['url']}" if c["url"] else " (no link)") for c in doc["cites"])
                lines.append(f"      cites: {cited}")
            else:
                lines.append("      cites: nobody for the claim")
    return "\n".join(lines)


def sources_csv(result: dict[str, Any]) -> str:
    from tracer.safe import csv_text  # the one CSV writer: formulas quoted, controls dropped

    rows = []
    for doc in result["documents"]:
        cites = "; ".join(f"{c['source']} <{c['url']}>" if c["url"] else f"{c['source']}" for c in doc["cites"])
        rows.append([doc["url"], doc["publisher"], doc["published"], doc["evidence"], cites,
                     doc["origin"]["name"], doc["origin"]["url"], doc["copy_of"]])
    return csv_text(["url", "publisher", "published", "evidence", "cites", "origin_name", "origin_url", "copy_of"], rows)
