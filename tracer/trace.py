"""Walk a claim from the page where it was read back to its origin, hop by hop.

Each hop: fetch the page, read it, find the claim, find who the page cites for
it, and follow that citation. The walk stops, with a recorded reason, at a page
that cites nobody for the claim, at a named source that is not online (after
looking it up among the pages tracer has stored), at anonymous sources, at a dead
link, at a loop, at a page that no longer carries the claim, or at the hop limit.
Every hop is written to the audit store as soon as it is known; what a later hop
teaches about an earlier one (drift, a swapped main branch) updates that row.

A page that attributes the claim to two sources gives a tree: each further source
is walked as a branch, and the best-supported chain (one that reaches an origin,
with the most hops carrying the claim) becomes the main chain, ``Trace.hops``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlite_utils import Database

from tracer import store

from tracer.web import archive
from tracer.read.dates import is_after, page_date, time_window
from tracer.read.pdf import is_pdf
from tracer.claims.drift import compare as drift_compare
from tracer.page import read_page
from tracer.web.fetch import Fetcher
from tracer.web.urls import url_key
from tracer.claims.match import chosen_match, closest_sentences, confidence, find_claim
from tracer.models import Citation, ClaimMatch, Document, FetchResult, Hop, Origin, Trace
from tracer.corpus.search import claim_candidates
from tracer.resolve import (Candidate, citations_for_claim, is_generic, wire_byline, lookup_source, names_itself, page_notes,
                            same_source, syndicated_original)

DEFAULT_MAX_HOPS = 8
MAX_BRANCHES = 4

# FetchResult.error values that mean "the page is not there" rather than "we could not ask".
_FETCH_STOP_REASONS = {
    "not-archived": "not-archived",
    "robots-disallowed": "robots-disallowed",
}
# A cited link that no server answers is as dead as a 404.
_UNREACHABLE = {"dns-error", "connection-error", "tls-error", "invalid-url"}
# How well a chain is supported, by the way it ended.
_OUTCOME_RANK = {
    "no-further-attribution": 3,
    "unlinked-source": 2,
    "anonymous-source": 2,
    "max-hops": 2,
    "loop": 1,
    "claim-not-found": 1,
}


@dataclass
class TraceOptions:
    max_hops: int = DEFAULT_MAX_HOPS
    archives: tuple[str, ...] = ()
    offline: bool = False
    allow_private: bool = False
    fetch_options: dict[str, Any] = field(default_factory=dict)
    # Web-archive fallback (tracer/archive.py): read a dead or changed page from a capture.
    archive_fallback: bool = True
    memento: tuple[str, ...] | None = None
    # the claim's sentence on the start page as the user chose it (issue 13): its number, or words from it
    start_sentence: int | None = None
    start_quote: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "max_hops": self.max_hops,
            "archives": list(self.archives),
            "offline": self.offline,
            "allow_private": self.allow_private,
            "archive_fallback": self.archive_fallback,
            **({"memento": list(self.memento)} if self.memento else {}),
            **({"start_sentence": self.start_sentence} if self.start_sentence else {}),
            **({"start_quote": self.start_quote} if self.start_quote else {}),
        }


def warc_dir_for(db: Database) -> str | None:
    """WARC captures live in a folder next to the database file."""
    filename = db.conn.execute("PRAGMA database_list").fetchone()[2]
    return str(Path(filename).with_suffix("").parent / (Path(filename).stem + "-warc")) if filename else None


def make_fetcher(db: Database, options: TraceOptions) -> Fetcher:
    return Fetcher(
        archives=options.archives,
        offline=options.offline,
        allow_private=options.allow_private,
        warc_dir=warc_dir_for(db),
        db=db,
        **options.fetch_options,
    )


def _fetch_stop_reason(result: FetchResult, depth: int) -> str:
    if result.error in _FETCH_STOP_REASONS:
        return _FETCH_STOP_REASONS[result.error]
    if result.status is not None and result.status >= 400:
        return "broken-link"
    if depth > 0 and result.error in _UNREACHABLE:
        return "broken-link"
    return "fetch-error"


def _citation_json(c: Citation, **more: Any) -> dict[str, Any]:
    return {"source": c.source, "cue": c.cue, "link": c.link, "sentence": c.sentence, "kind": c.kind,
            "resolved_by": c.resolved_by, **more}


def _set_drift(hop: Hop, changes: list[str]) -> list[str]:
    """Put a drift list (possibly empty) on a hop, with its flag; returns the one it replaces."""
    old = hop.extra.pop("drift", [])
    if changes:
        hop.extra["drift"] = changes
        if "claim-drift" not in hop.flags:
            hop.flags.append("claim-drift")
    elif "claim-drift" in hop.flags:
        hop.flags.remove("claim-drift")
    return old


@dataclass
class _Step:
    """A hop of a chain as it is walked: the hop, its row id, and the page it read."""

    hop: Hop
    hop_id: int
    doc: Document | None = None
    day: Any = None  # the page's date (datetime.date) from metadata or visible text


@dataclass
class _Chain:
    """One path of the tree: the main chain (branch 0) or a branch off another chain."""

    branch: int
    steps: list[_Step] = field(default_factory=list)
    origin: Origin | None = None
    fork_depth: int | None = None  # depth of the hop the branch leaves from
    from_branch: int | None = None
    prefix: list[_Step] = field(default_factory=list)  # the path from the start page to the fork
    candidate: Candidate | None = None  # the citation the branch follows
    lookup: dict[str, Any] | None = None  # how that citation was found, when it had no link
    fork_drift: list[str] = field(default_factory=list)  # how the fork hop changed this branch's source

    @property
    def path(self) -> list[_Step]:
        return self.prefix + self.steps

    def support(self) -> tuple:
        reason = self.origin.reason if self.origin else None
        carried = [s.hop.match_score for s in self.path if s.hop.evidence]
        rank = _OUTCOME_RANK.get(reason, 0)
        if self.lookup or any("lookup" in s.hop.extra for s in self.steps):
            rank -= 1  # a source tracer had to look up is a guess beside one the pages link
        return (rank, len(carried), sum(carried) / len(carried) if carried else 0.0)


@dataclass
class _Fork:
    chain: _Chain
    step_index: int  # index in chain.path of the hop that cites the branch
    candidate: Candidate


def _note_unread(hop: Hop, doc: Document) -> None:
    """Record on the hop what part of its page could not be read (``doc.problems``)."""
    hop.extra.pop("page_problems", None)
    if "partly-read" in hop.flags:
        hop.flags.remove("partly-read")
    if doc.problems:
        hop.extra["page_problems"] = list(doc.problems)
        hop.flags.append("partly-read")


class _Walk:
    """State of one trace while it is walked: the chains so far and where they are stored."""

    def __init__(self, trace: Trace, db: Database, fetcher: Fetcher, options: TraceOptions,
                 progress: Callable[[Hop], None] | None) -> None:
        self.trace = trace
        self.db = db
        self.fetcher = fetcher
        self.options = options
        self.progress = progress
        self.chains: list[_Chain] = []
        self.forks: list[_Fork] = []

    # ------------------------------------------------------------ recording

    def record(self, chain: _Chain, hop: Hop, stop_reason: str | None = None, doc: Document | None = None,
               day: Any = None) -> _Step:
        path = chain.path
        hop_id = store.save_hop(
            self.db, self.trace.id, hop, branch=chain.branch,
            parent_hop_id=path[-1].hop_id if path else None,
            stop_reason=stop_reason,
        )
        step = _Step(hop, hop_id, doc, day)
        chain.steps.append(step)
        for flag in hop.flags:
            self.trace.add_flag(flag)
        if self.progress:
            self.progress(hop)
        return step

    def stop(self, chain: _Chain, origin: Origin, last_hop: Hop | None = None, **kw: Any) -> None:
        """End a chain: record the last hop (if not yet) with the stop reason."""
        chain.origin = origin
        if last_hop is not None:
            self.record(chain, last_hop, stop_reason=origin.reason, **kw)
        elif chain.steps:  # never the fork hop a branch shares with its parent chain
            store.set_stop_reason(self.db, chain.steps[-1].hop_id, origin.reason)

    def update(self, step: _Step) -> None:
        store.update_hop(self.db, step.hop_id, step.hop)
        for flag in step.hop.flags:
            self.trace.add_flag(flag)

    # ------------------------------------------------------------ one hop

    def fetch_hop(self, url: str, depth: int, source: str | None, kind: str) -> tuple[Hop, FetchResult]:
        result = self.fetcher.fetch(url)
        fetch_id = store.save_fetch(self.db, result)
        hop = Hop(
            depth=depth,
            url=result.final_url or url,
            requested_url=url,
            status=result.status,
            source=source,
            kind=kind,
            fetched_at=result.fetched_at,
            sha256=result.sha256,
            error=result.error,
            redirects=list(result.redirects),
            fetch_id=fetch_id,
            parent=depth - 1 if depth else None,
        )
        if result.redirects:
            hop.flags.append("redirect")
        return hop, result

    def _closing_step(self, chain: _Chain, *urls: str | None) -> _Step | None:
        keys = {url_key(u) for u in urls if u}
        for step in chain.path:
            hop_keys = {url_key(u) for u in (step.hop.url, step.hop.requested_url) if u}
            if step.doc is not None and step.doc.canonical:
                hop_keys.add(url_key(step.doc.canonical))
            if keys & hop_keys:
                return step
        return None

    def walk(self, chain: _Chain, url: str, source: str | None, kind: str, depth: int,
             alternatives: list[str] | tuple[str, ...] = ()) -> None:
        """Follow citations from url until the chain stops.

        ``alternatives`` are other links the citing page gives the same source: when the
        cited page is dead or does not carry the claim, the next one is tried (a source
        linked twice: the link whose target carries the claim wins)."""
        claim = self.trace.claim
        pending, tried = list(alternatives), []
        while True:
            previous = chain.path[-1] if chain.path else None
            if depth >= self.options.max_hops:
                last = previous.hop if previous else None
                self.stop(chain, Origin(last.source if last else None, last.url if last else None,
                                        last.kind if last else "unknown", "max-hops"))
                return
            hop, result = self.fetch_hop(url, depth, source, kind)
            if not result.ok:  # a dead link may be read from a web archive's capture
                hop, result = archive.rescue_hop(self, hop, result, previous.hop if previous else None)
            if previous is not None and result.redirects:
                closing = self._closing_step(chain, result.final_url)
                if closing is not None:  # redirected back onto a page of the chain
                    self._loop(chain, hop, closing, result.final_url)
                    return
            if not result.ok and pending and self._try_next(previous, url, pending, tried):
                url = previous.hop.cites.link
                continue
            if not result.ok:
                reason = _fetch_stop_reason(result, depth)
                if reason == "broken-link":
                    hop.flags.append("broken-link")
                hop.url = result.final_url if result.status is not None else None
                dead = result.final_url or url
                self.stop(chain, Origin(source or dead, dead, kind, reason), hop)
                return
            if not result.is_html and not is_pdf(result.body, result.content_type):
                # A dataset, an image: online, but tracer does not read past it (a PDF it reads).
                hop.kind = "document" if kind in ("unknown", "document", "person") else kind
                self.stop(chain, Origin(source or hop.url, hop.url, hop.kind, "no-further-attribution"), hop)
                return
            doc, attributions, day = self._read(hop, result, depth, previous)
            matches = self._find_claim(doc, hop, depth)
            if not matches and not self._chosen(depth):
                # the live page no longer carries the claim: an archived capture may
                rescued, archived = archive.rescue_hop(self, hop, result, previous.hop if previous else None)
                if archived is not result and archived.ok and archived.is_html:
                    hop, result = rescued, archived
                    doc, attributions, day = self._read(hop, result, depth, previous)
                    matches = find_claim(doc, claim)
            if not matches and pending and self._try_next(previous, url, pending, tried):
                url = previous.hop.cites.link
                continue
            if tried:
                hop.extra["tried_links"] = list(tried)  # the same source's other links, which did not carry the claim
            if not matches:
                self._candidates(hop, doc, depth)
                self.stop(chain, Origin(hop.source, hop.url, hop.kind, "claim-not-found"), hop, doc=doc, day=day)
                return
            best = matches[0]
            hop.evidence, hop.evidence_span, hop.match_score = best.text, (best.start, best.end), round(best.score, 3)
            hop.extra["confidence"] = confidence(best.score)
            if best.mismatch:  # the page says it with another figure, or denies it (issue 13)
                hop.extra["claim_mismatch"] = best.mismatch
                if depth == 0 and "claim-mismatch" not in hop.flags:
                    hop.flags.append("claim-mismatch")  # later hops: the drift between hops says it
            # an edit after the citation: the citing page is held against the version it saw
            seen = archive.check_added_after_citation(self, hop, doc, previous.hop if previous else None)
            if previous is not None and chain.candidate is not None and not chain.steps:
                # the first hop of a branch: the fork hop cites it with its own sentence
                chain.fork_drift = self._drift_changes(previous, hop, doc, chain.candidate.match.text,
                                                       chain.candidate.citation.source, seen=seen)
            elif previous is not None:
                self._drift(previous, hop, doc, seen=seen)
            notes = page_notes(result.text, hop.url)
            if (doc.meta or {}).get("citation_doi"):
                notes.scholarly = []  # a paper's links to its own DOI are not a further source
            original = syndicated_original(doc, notes)
            if original is not None and url_key(original.link) not in {url_key(u) for s in chain.path for u in (s.hop.url, s.hop.requested_url)}:
                # a syndicated copy: the original it credits carries the claim and its citations
                original.sentence = original.sentence or best.text
                candidates = [Candidate(original, best)]
            else:
                original = None
                candidates = citations_for_claim(doc, attributions, matches, notes=notes)
            if (doc.meta or {}).get("citation_doi"):
                # a scholarly article: its own findings, unless it links the work it takes them from
                candidates = [c for c in candidates if c.citation.link]
            if not candidates and not original:
                # nothing in the text: a byline or reporting credit may name the wire the story came from
                wire = wire_byline(doc, notes)
                if wire is not None and url_key(wire.link) not in {url_key(u) for s in chain.path for u in (s.hop.url, s.hop.requested_url)}:
                    wire.sentence = best.text if not wire.link else wire.sentence
                    candidates = [Candidate(wire, best)]
            if not candidates:
                reason = archive.origin_reason(hop, "no-further-attribution")
                self.stop(chain, Origin(hop.source, hop.url, hop.kind, reason), hop, doc=doc, day=day)
                return
            main, others = candidates[0], candidates[1:]
            citation = main.citation
            if not citation.link and depth > 0 and citation.kind != "anonymous" and not main.anonymous \
                    and names_itself(doc, citation.source, hop.source, hop.kind):
                # the cited organisation's own page, speaking of itself in the third person
                hop.extra["speaks_as"] = citation.source
                self.stop(chain, Origin(hop.source, hop.url, hop.kind, "no-further-attribution"), hop, doc=doc, day=day)
                self._queue_forks(chain, others)
                return
            hop.cites = citation
            if others:
                hop.extra["also_cites"] = [_citation_json(o.citation, evidence=o.match.text) for o in others]
            if main.anonymous or citation.kind == "anonymous":
                hop.flags.append("anonymous-source")
                hop.extra["anonymous"] = main.anonymous or citation.source
            if citation.kind == "anonymous":
                # "people familiar with the matter": the chain ends at the page that relies on them
                self.stop(chain, Origin(hop.source, hop.url, hop.kind, "anonymous-source"), hop, doc=doc, day=day)
                self._queue_forks(chain, others)
                return
            if not citation.link:
                hit = self._lookup(chain, citation, doc, day, hop)
                if hit is None:
                    step = self.record(chain, hop, doc=doc, day=day)
                    self._queue_forks(chain, others, step)
                    self._stop_unlinked(chain, citation, depth + 1)
                    return
            closing = self._closing_step(chain, citation.link) if citation.link else None
            if closing is None and original is None and url_key(citation.link) in {url_key(hop.url), url_key(url), url_key(doc.canonical)}:
                closing = _Step(hop, -1)  # a page that cites itself
            if closing is not None:
                hop.flags.append("loop")
                hop.extra["loop_to"] = {"depth": closing.hop.depth, "url": closing.hop.url, "source": closing.hop.source}
                closed = closing.hop  # the chain closes on this hop: the loop ends there
                self.stop(chain, Origin(closed.source or citation.source, closed.url or citation.link,
                                        closed.kind if closed.url else citation.kind, "loop"), hop, doc=doc, day=day)
                self._queue_forks(chain, others)
                return
            step = self.record(chain, hop, doc=doc, day=day)
            self._queue_forks(chain, others, step)
            url, source, kind, depth = citation.link, citation.source, citation.kind, depth + 1
            pending, tried = list(main.alternatives), []

    def _try_next(self, previous: _Step | None, url: str, pending: list[str], tried: list[str]) -> bool:
        """Move the citing hop's link on to the next link it gives the same source."""
        if previous is None or previous.hop.cites is None:
            return False
        tried.append(url)
        previous.hop.cites.link = pending.pop(0)
        self.update(previous)
        return True

    def _chosen(self, depth: int) -> bool:
        return depth == 0 and bool(self.options.start_sentence or self.options.start_quote)

    def _find_claim(self, doc: Document, hop: Hop, depth: int) -> list[ClaimMatch]:
        """The claim's sentences on a page; on the start page, the one the user chose, if any."""
        if self._chosen(depth):
            chosen = chosen_match(doc, self.trace.claim, sentence=self.options.start_sentence,
                                  quote=self.options.start_quote)
            if chosen is None:
                hop.extra["chosen_not_found"] = (f"sentence {self.options.start_sentence}" if self.options.start_sentence
                                                 else f"“{self.options.start_quote}”")
                return []
            hop.extra["chosen_by"] = "sentence" if self.options.start_sentence else "quote"
            return [chosen]
        return find_claim(doc, self.trace.claim)

    def _candidates(self, hop: Hop, doc: Document, depth: int) -> None:
        """The sentences that came closest to the claim, for a person to choose from (issue 13)."""
        near = [{"sentence": m.sentence + 1, "score": round(m.score, 3), "text": m.text}
                for m in closest_sentences(doc, self.trace.claim)]
        hop.extra["candidates"] = near
        if depth == 0:
            self.trace.extra["candidates"] = near

    def _read(self, hop: Hop, result: FetchResult, depth: int, previous: _Step | None):
        """Read a fetched page into the hop: document stored, title, date (metadata, then visible)."""
        doc, attributions = read_page(result.text if result.is_html else result.body, hop.url, result.content_type)
        hop.document_id = store.save_document(self.db, doc, attributions, sha256=result.sha256,
                                              fetch_id=hop.fetch_id)
        hop.title = doc.title
        _note_unread(hop, doc)  # issue 17: a page only partly read (nesting past the parser's depth) says so
        day, date_source = page_date(doc.published, result.text, doc.published_source)
        hop.published = doc.published or (day.isoformat() if day else None)
        if date_source not in (None, "metadata"):
            hop.extra["date_source"] = date_source  # url, visible or htmldate: not the page's metadata
        self._describe_source(hop, doc, depth)
        hop.extra.pop("date_order", None)
        if "date-order" in hop.flags:
            hop.flags.remove("date-order")  # read again (an archived copy): dated again
        if previous is not None and is_after(hop.published, previous.hop.published):
            hop.flags.append("date-order")  # the cited page is dated after the page citing it
            hop.extra["date_order"] = (f"published {hop.published[:10]}, after the page citing it "
                                       f"(hop {previous.hop.depth}, {previous.hop.published[:10]})")
            updated = previous.doc.modified if previous.doc is not None else None
            if updated and is_after(updated, hop.published):
                # the citing page was updated after this one came out: the citation came with the update
                hop.extra["date_order"] += (f"; hop {previous.hop.depth} was updated {updated[:10]}, after this page "
                                            f"was published: the citation came with the update")
                hop.extra["date_order_explained"] = "updated"
        return doc, attributions, day

    def _loop(self, chain: _Chain, hop: Hop, closing: _Step, url: str | None) -> None:
        hop.flags.append("loop")
        hop.extra["loop_to"] = {"depth": closing.hop.depth, "url": closing.hop.url, "source": closing.hop.source}
        self.stop(chain, Origin(closing.hop.source or hop.source, closing.hop.url or url, closing.hop.kind, "loop"), hop)

    def _describe_source(self, hop: Hop, doc: Document, depth: int) -> None:
        """What the page says about itself: its publisher for hop 0, a study's DOI, an outlet's kind."""
        if depth == 0 or is_generic(hop.source) and doc.publisher:
            hop.source = doc.publisher or hop.source  # "the paper said" + a link: the page says whose it is
        meta = doc.meta or {}
        if meta.get("citation_doi") or meta.get("dc.identifier", "").lower().startswith(("doi:", "10.")):
            doi = meta.get("citation_doi") or meta["dc.identifier"]
            hop.extra["doi"] = doi.removeprefix("doi:").removeprefix("https://doi.org/")
            if meta.get("citation_journal_title"):
                hop.extra["journal"] = meta["citation_journal_title"]
            if depth > 0:
                hop.kind = "document"
        elif hop.kind in ("unknown", "person", "outlet", "organisation") and doc.publisher and (
                depth == 0 or hop.kind == "unknown" or same_source(doc.publisher, hop.source)):
            # the page's own publisher decides outlet or organisation, as the verdict reads it (issue 16)
            from tracer.judge.kinds import MODEL_KINDS, publisher_kind

            judged = publisher_kind(hop.url, doc.publisher, meta)
            if judged is not None:
                hop.kind = MODEL_KINDS[judged[0]]
            elif depth > 0 and hop.kind in ("unknown", "person") and same_source(doc.publisher, hop.source):
                hop.kind = "outlet" if (meta.get("og:type") or "article") == "article" else "organisation"

    def _drift_changes(self, previous: _Step, hop: Hop, doc: Document, evidence: str | None,
                       cited: str | None, seen: Document | None = None) -> list[str]:
        citing = previous.hop
        upstream = hop.evidence
        if seen is not None:  # the source was edited after it was cited: compare with what the citer saw
            upstream, doc = hop.extra["changed_after_citation"]["before"], seen
        return drift_compare(
            self.trace.claim, evidence, upstream,
            upstream_text=doc.text,
            here_text=previous.doc.text if previous.doc else "",
            exclude_names=[n for n in (citing.source, hop.source, doc.publisher, cited) if n],
            upstream_label=f"the source (hop {hop.depth})",
        )

    def _drift(self, previous: _Step, hop: Hop, doc: Document, seen: Document | None = None) -> None:
        """Compare the citing hop's claim sentence with this one (upstream), or with the version of
        it the citing page saw: record what changed on it."""
        citing = previous.hop
        changes = self._drift_changes(previous, hop, doc, citing.evidence, citing.cites.source if citing.cites else None,
                                      seen=seen)
        if changes:
            _set_drift(citing, changes)
            self.update(previous)

    def _lookup(self, chain: _Chain, citation: Citation, doc: Document, day: Any, hop: Hop):
        """A named source without a link: find the page among the stored ones."""
        if not citation.source or citation.kind == "anonymous":
            return None
        window = time_window(citation.sentence or "", day)
        exclude = {u for s in chain.path for u in (s.hop.url, s.hop.requested_url) if u} | {hop.url, doc.url}
        hit = lookup_source(self.db, citation.source, self.trace.claim, before=hop.published or day,
                            window=window, exclude=exclude, candidates=claim_candidates)
        if hit is None:
            return None
        citation.link, citation.resolved_by = hit.url, "lookup"
        hop.flags.append("unlinked-source")
        hop.extra["lookup"] = {**hit.to_json(), "window": [window[0].isoformat(), window[1].isoformat()] if window else None}
        return hit

    def _stop_unlinked(self, chain: _Chain, citation: Citation, depth: int) -> None:
        """A named source with no link ends the chain as a hop with no URL."""
        hop = Hop(depth=depth, url=None, source=citation.source, kind=citation.kind,
                  parent=depth - 1, flags=["unlinked-source"])
        self.stop(chain, Origin(citation.source, None, citation.kind, "unlinked-source"), hop)

    # ------------------------------------------------------------ branches

    def _queue_forks(self, chain: _Chain, others: list[Candidate], step: _Step | None = None) -> None:
        index = len(chain.path) - 1 if step is None else chain.path.index(step)
        for candidate in others:
            self.forks.append(_Fork(chain, index, candidate))

    def _walk_fork(self, fork: _Fork) -> None:
        parent = fork.chain
        prefix = parent.path[: fork.step_index + 1]
        fork_hop = prefix[-1].hop
        branch = _Chain(branch=len(self.chains), fork_depth=fork_hop.depth, from_branch=parent.branch, prefix=prefix,
                        candidate=fork.candidate)
        self.chains.append(branch)
        citation = fork.candidate.citation
        depth = fork_hop.depth + 1
        if not citation.link:
            doc = prefix[-1].doc
            hit = None
            if doc is not None:
                probe = Hop(depth=fork_hop.depth, url=fork_hop.url, published=fork_hop.published)
                hit = self._lookup(branch, citation, doc, prefix[-1].day, probe)
                branch.lookup = probe.extra.get("lookup")
            if hit is None:
                self._stop_unlinked(branch, citation, depth)
                return
        closing = self._closing_step(branch, citation.link)
        if closing is not None:
            hop = Hop(depth=depth, url=None, requested_url=citation.link, source=citation.source, kind=citation.kind,
                      parent=fork_hop.depth, flags=["loop"],
                      extra={"loop_to": {"depth": closing.hop.depth, "url": closing.hop.url, "source": closing.hop.source}})
            self.stop(branch, Origin(closing.hop.source or citation.source, closing.hop.url or citation.link,
                                     closing.hop.kind, "loop"), hop)
            return
        self.walk(branch, citation.link, citation.source, citation.kind, depth, fork.candidate.alternatives)

    def _choose_main(self) -> None:
        """Make the best-supported chain the main one (branch 0), swapping rows if needed."""
        main = self.chains[0]
        contenders = [c for c in self.chains[1:] if c.from_branch == 0 and c.steps]
        if not contenders:
            return
        best = max(contenders, key=lambda c: c.support())
        if best.support() <= main.support():
            return
        fork = best.fork_depth
        cut = next(i for i, s in enumerate(main.steps) if s.hop.depth == fork) + 1
        fork_step = main.steps[cut - 1]
        old_tail = main.steps[cut:]
        # the old main tail becomes the branch, the branch becomes the main tail
        for step in best.steps:
            store.update_hop(self.db, step.hop_id, step.hop, branch=0)
        for step in old_tail:
            store.update_hop(self.db, step.hop_id, step.hop, branch=best.branch)
        old_origin = main.origin
        main.steps, best.steps = main.steps[:cut] + best.steps, old_tail
        main.origin, best.origin = best.origin, old_origin
        best.prefix = main.steps[:cut]
        for other in self.chains[1:]:
            if other is not best and other.from_branch == 0 and other.fork_depth is not None and other.fork_depth >= cut:
                other.from_branch = best.branch
        # the fork hop now cites the new main source first, the old one among the others
        hop = fork_step.hop
        if hop.cites is not None and best.candidate is not None:
            chosen, match = best.candidate.citation, best.candidate.match
            others = [c for c in hop.extra.get("also_cites", []) if not same_source(c.get("source"), chosen.source)]
            demoted = _citation_json(hop.cites, evidence=hop.evidence)
            old_drift = _set_drift(hop, best.fork_drift)
            if old_drift:
                demoted["drift"] = old_drift
            best.fork_drift = []
            old_match = ClaimMatch(-1, *(hop.evidence_span or (0, 0)), hop.evidence or "", hop.match_score or 0.0)
            best.candidate = Candidate(hop.cites, old_match)
            hop.extra["also_cites"] = [demoted] + others
            hop.cites = chosen
            hop.evidence, hop.evidence_span, hop.match_score = match.text, (match.start, match.end), round(match.score, 3)
            hop.extra["confidence"] = confidence(match.score)
            if best.lookup:
                hop.extra["lookup"] = best.lookup
                if "unlinked-source" not in hop.flags:
                    hop.flags.append("unlinked-source")
            store.update_hop(self.db, fork_step.hop_id, hop)
        if main.origin:
            store.set_stop_reason(self.db, main.steps[-1].hop_id, main.origin.reason)

    def _note_fork_drift(self) -> None:
        """A branch's drift at its fork belongs to the fork hop's other citation (also_cites)."""
        for branch in self.chains[1:]:
            if not branch.fork_drift or not branch.prefix or branch.candidate is None:
                continue
            fork_step = branch.prefix[-1]
            for entry in fork_step.hop.extra.get("also_cites", []):
                if same_source(entry.get("source"), branch.candidate.citation.source):
                    entry["drift"] = branch.fork_drift
                    store.update_hop(self.db, fork_step.hop_id, fork_step.hop)
                    break

    # ------------------------------------------------------------ the whole walk

    def run(self, start_url: str) -> Trace:
        main = _Chain(branch=0)
        self.chains.append(main)
        self.walk(main, start_url, None, "outlet", 0)
        while self.forks and len(self.chains) <= MAX_BRANCHES:
            self._walk_fork(self.forks.pop(0))
        if len(self.chains) > 1:
            self._choose_main()
            self._note_fork_drift()
        self._finish()
        return self.trace

    def _finish(self) -> None:
        trace = self.trace
        main = self.chains[0]
        trace.hops = [s.hop for s in main.steps]
        trace.origin = main.origin
        branches = sorted(self.chains[1:], key=lambda c: c.branch)
        trace.branches = [[s.hop for s in c.steps] for c in branches]
        if branches:
            trace.extra["branch_origins"] = [
                {"branch": c.branch, "forks_at": c.fork_depth, "from_branch": c.from_branch,
                 "origin": asdict(c.origin) if c.origin else None}
                for c in branches
            ]
        flags: list[str] = []
        for hop in trace.hops + [h for b in trace.branches for h in b]:
            for flag in hop.flags:
                if flag not in flags:
                    flags.append(flag)
        trace.flags = flags


def trace(
    url: str,
    claim: str,
    *,
    db: Database | str | None = None,
    archives: tuple[str, ...] | list[str] = (),
    offline: bool = False,
    allow_private: bool = False,
    max_hops: int = DEFAULT_MAX_HOPS,
    fetcher: Fetcher | None = None,
    progress: Callable[[Hop], None] | None = None,
    archive_fallback: bool = True,
    memento: tuple[str, ...] | list[str] | None = None,
    start_sentence: int | None = None,
    start_quote: str | None = None,
    **fetch_options: Any,
) -> Trace:
    """Trace a claim from a page to its origin; every hop is stored in ``db``.

    >>> t = trace("https://example.com/story", "North Korea stole $2 billion", archives=["web.warc.gz"], offline=True)
    >>> [h.source for h in t.hops], t.origin.reason

    When the start page does not carry the claim, the trace stops (``claim-not-found``) with the
    closest sentences in ``trace.extra["candidates"]``; ``start_sentence`` (a candidate's number)
    or ``start_quote`` (words from the page) then says which sentence the claim is.
    """
    if not isinstance(db, Database):
        db = store.open_db(db if db is not None else ":memory:")
    # archives stored absolute: the trace's options must mean the same from any folder
    options = TraceOptions(max_hops=max_hops, archives=tuple(str(Path(a).absolute()) for a in archives),
                           offline=offline, allow_private=allow_private, fetch_options=fetch_options,
                           archive_fallback=archive_fallback, memento=tuple(memento) if memento else None,
                           start_sentence=start_sentence, start_quote=start_quote)
    result = Trace(claim=claim, start_url=url)
    store.begin_trace(db, result, options.to_json())
    own_fetcher = fetcher is None
    fetcher = fetcher or make_fetcher(db, options)
    walk = _Walk(result, db, fetcher, options, progress)
    try:
        walk.run(url)
    except BaseException as exc:  # issue 17: a trace that stops on an error is finished and marked so
        result.extra["failed"] = "interrupted" if isinstance(exc, KeyboardInterrupt) else \
            f"{type(exc).__name__}: {exc}"[:500]
        raise
    finally:
        if own_fetcher:
            fetcher.close()
        if result.origin is None and walk.chains:
            walk._finish()
        from tracer.judge.chain import attach  # issue 8: credibility per hop and chain (never raises)

        attach(result, db)
        store.finish_trace(db, result)
    return result
