"""Walk a claim from the page where it was read back to its origin, hop by hop.

Each hop: fetch the page, read it, find the claim, find who the page cites for
it, and follow that citation. The walk stops, with a recorded reason, at a page
that cites nobody for the claim, at a named source that is not online, at
anonymous sources, at a dead link, at a loop, or at the hop limit. Every hop is
written to the audit store as soon as it is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlite_utils import Database

from . import archive, store
from .extract import read_page
from .fetch import Fetcher
from .match import find_claim, quantities
from .models import Citation, FetchResult, Hop, Origin, Trace
from .resolve import choose_citation

DEFAULT_MAX_HOPS = 8

# FetchResult.error values that mean "the page is not there" rather than "we could not ask".
_FETCH_STOP_REASONS = {
    "not-archived": "not-archived",
    "robots-disallowed": "robots-disallowed",
}


@dataclass
class TraceOptions:
    max_hops: int = DEFAULT_MAX_HOPS
    archives: tuple[str, ...] = ()
    offline: bool = False
    allow_private: bool = False
    fetch_options: dict[str, Any] = field(default_factory=dict)
    # issue 9 (tracer/archive.py): web archives asked when a link is dead; None = the default one.
    memento: tuple[str, ...] | None = None
    archive_fallback: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "max_hops": self.max_hops,
            "archives": list(self.archives),
            "offline": self.offline,
            "allow_private": self.allow_private,
            "memento": None if self.memento is None else list(self.memento),  # issue 9
            "archive_fallback": self.archive_fallback,  # issue 9
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


def _fetch_stop_reason(result: FetchResult) -> str:
    if result.error in _FETCH_STOP_REASONS:
        return _FETCH_STOP_REASONS[result.error]
    if result.status is not None and result.status >= 400:
        return "broken-link"
    return "fetch-error"


def _numbers_changed(upstream: str | None, downstream: str | None) -> bool:
    """A first drift check: the figures of the claim sentence differ between two hops."""
    if not upstream or not downstream:
        return False
    up = {round(q.value, 6) for q in quantities(upstream)}
    down = {round(q.value, 6) for q in quantities(downstream)}
    return bool(up and down and not (up & down))


class _Walk:
    """State of one trace while it is walked: the chain so far and where it is stored."""

    def __init__(self, trace: Trace, db: Database, fetcher: Fetcher, options: TraceOptions,
                 progress: Callable[[Hop], None] | None) -> None:
        self.trace = trace
        self.db = db
        self.fetcher = fetcher
        self.options = options
        self.progress = progress
        self.hop_ids: list[int] = []
        self.seen_urls: set[str] = set()

    def record(self, hop: Hop, stop_reason: str | None = None) -> None:
        hop_id = store.save_hop(
            self.db, self.trace.id, hop,
            parent_hop_id=self.hop_ids[-1] if self.hop_ids else None,
            stop_reason=stop_reason,
        )
        self.hop_ids.append(hop_id)
        self.trace.hops.append(hop)
        for flag in hop.flags:
            self.trace.add_flag(flag)
        if self.progress:
            self.progress(hop)

    def stop(self, origin: Origin, last_hop: Hop | None = None) -> None:
        """End the chain: record the last hop (if not yet) with the stop reason."""
        self.trace.origin = origin
        if last_hop is not None:
            self.record(last_hop, stop_reason=origin.reason)
        elif self.hop_ids:
            store.set_stop_reason(self.db, self.hop_ids[-1], origin.reason)

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

    def run(self, start_url: str) -> Trace:
        claim = self.trace.claim
        url: str | None = start_url
        source: str | None = None
        kind = "outlet"
        upstream_evidence: str | None = None
        previous: Hop | None = None
        for depth in range(self.options.max_hops + 1):
            if depth == self.options.max_hops:
                self.stop(Origin(previous.source if previous else None, previous.url if previous else None,
                                 previous.kind if previous else "unknown", "max-hops"))
                break
            hop, result = self.fetch_hop(url, depth, source, kind)
            # issue 9 (tracer/archive.py): a dead link, or a live page that no longer carries the
            # claim, is read from the web-archive capture closest before the citing page's date.
            hop, result = archive.rescue_hop(self, hop, result, previous)
            if not result.ok:
                reason = _fetch_stop_reason(result)
                if reason == "broken-link":
                    hop.flags.append("broken-link")
                hop.url = result.final_url if result.status is not None else None
                self.stop(Origin(source or url, url, kind, reason), hop)
                break
            if not result.is_html:
                # A report PDF, a dataset: online, but tracer does not read past it.
                hop.kind = "document" if kind in ("unknown", "document") else kind
                self.stop(Origin(source or url, hop.url, hop.kind, "no-further-attribution"), hop)
                break
            doc, attributions = read_page(result.text, hop.url)
            hop.document_id = store.save_document(self.db, doc, attributions, sha256=result.sha256, fetch_id=hop.fetch_id)
            hop.title = doc.title
            hop.published = doc.published
            if depth == 0:
                hop.source = doc.publisher or hop.source
            self.seen_urls.update(u for u in (url, hop.url, doc.canonical) if u)
            if previous is not None and previous.published and doc.published and doc.published[:10] > previous.published[:10]:
                hop.flags.append("date-order")  # the cited page is dated after the page citing it
            matches = find_claim(doc, claim)
            if not matches:
                self.stop(Origin(hop.source, hop.url, hop.kind, "claim-not-found"), hop)
                break
            best = matches[0]
            hop.evidence, hop.evidence_span, hop.match_score = best.text, (best.start, best.end), round(best.score, 3)
            if _numbers_changed(upstream_evidence, hop.evidence):
                hop.flags.append("claim-drift")
            # issue 9 (tracer/archive.py): was the claim sentence added after the citing page cited it?
            archive.check_added_after_citation(self, hop, doc, previous)
            citation = choose_citation(doc, attributions, matches)
            hop.cites = citation
            if citation is None:
                # issue 9: text added after the citation does not make this page the origin
                self.stop(Origin(hop.source, hop.url, hop.kind, archive.origin_reason(hop)), hop)
                break
            if citation.kind == "anonymous":
                hop.flags.append("anonymous-source")
                self.stop(Origin(citation.source, hop.url, "anonymous", "anonymous-source"), hop)
                break
            if not citation.link:
                self.record(hop)
                self._stop_unlinked(citation, depth + 1)
                break
            if citation.link in self.seen_urls:
                hop.flags.append("loop")
                self.stop(Origin(citation.source, citation.link, citation.kind, "loop"), hop)
                break
            self.record(hop)
            previous, upstream_evidence = hop, hop.evidence
            url, source, kind = citation.link, citation.source, citation.kind
        return self.trace

    def _stop_unlinked(self, citation: Citation, depth: int) -> None:
        """A named source with no link ends the chain as a hop with no URL."""
        hop = Hop(depth=depth, url=None, source=citation.source, kind=citation.kind,
                  parent=depth - 1, flags=["unlinked-source"])
        self.stop(Origin(citation.source, None, citation.kind, "unlinked-source"), hop)


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
    memento: tuple[str, ...] | list[str] | None = None,  # issue 9: archive endpoints (None: default)
    archive_fallback: bool = True,  # issue 9: read dead links from web archives
    **fetch_options: Any,
) -> Trace:
    """Trace a claim from a page to its origin; every hop is stored in ``db``.

    >>> t = trace("https://example.com/story", "North Korea stole $2 billion", archives=["web.warc.gz"], offline=True)
    >>> [h.source for h in t.hops], t.origin.reason
    """
    if not isinstance(db, Database):
        db = store.open_db(db if db is not None else ":memory:")
    options = TraceOptions(max_hops=max_hops, archives=tuple(str(a) for a in archives), offline=offline,
                           allow_private=allow_private, fetch_options=fetch_options,
                           memento=None if memento is None else tuple(memento), archive_fallback=archive_fallback)
    result = Trace(claim=claim, start_url=url)
    store.begin_trace(db, result, options.to_json())
    own_fetcher = fetcher is None
    fetcher = fetcher or make_fetcher(db, options)
    try:
        _Walk(result, db, fetcher, options, progress).run(url)
    finally:
        if own_fetcher:
            fetcher.close()
        store.finish_trace(db, result)
    return result
