"""The plain dataclasses passed between the stages of the pipeline.

fetch -> FetchResult; extract -> Document; attribute -> Attribution;
match -> ClaimMatch; resolve -> Citation; trace -> Hop, Origin, Trace.
Offsets are character offsets into ``Document.text``, end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]

# The kinds a source can be; attribute.py decides, later stages only read them.
SOURCE_KINDS = ("outlet", "organisation", "person", "document", "anonymous", "unknown")

# Why a chain stopped (the JSON "origin.reason"); documented in the README.
STOP_REASONS = (
    "no-further-attribution",
    "unlinked-source",
    "anonymous-source",
    "broken-link",
    "loop",
    "max-hops",
    "not-archived",
    "robots-disallowed",
    "claim-not-found",
    "fetch-error",
)

# Flags a trace can carry (the JSON "flags"); later issues add to this list.
FLAGS = (
    "redirect",
    "broken-link",
    "loop",
    "claim-drift",
    "anonymous-source",
    "unlinked-source",
    "date-order",
    # issue 9 (tracer/archive.py)
    "archived-copy",  # the hop was read from a web archive's capture (the live link is dead or changed)
    "archived-after-citation",  # ... from a capture made after the citing page's date (none before)
    "added-after-citation",  # the claim sentence was added after the page was cited
    "edited-after-citation",  # issue 16: the claim sentence was there when cited and was edited since
)


@dataclass
class Redirect:
    url: str
    status: int
    location: str


@dataclass
class FetchResult:
    """One fetch outcome: a response, or the reason there is none."""

    requested_url: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes = b""
    # Decoded text when the body is HTML (or other text); None for binary bodies.
    text: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    fetched_at: str | None = None  # ISO 8601 UTC
    error: str | None = None  # short reason: timeout, too-large, not-archived, ...
    redirects: list[Redirect] = field(default_factory=list)
    # Where the raw exchange is kept: a WARC file and the offset of its response record.
    warc_path: str | None = None
    warc_offset: int | None = None
    origin: str = "live"  # live | archive (replayed) | cache (fresh stored copy)
    # What a reader of the audit trail needs beyond the code: why a host was paused (Retry-After
    # past the cap), which archive record a replayed body was copied from.
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def is_html(self) -> bool:
        ct = (self.content_type or "").lower()
        return self.text is not None and ("html" in ct or not ct)


@dataclass
class Link:
    """A hyperlink inside the main text, with the span of its anchor text."""

    href: str  # absolute URL
    text: str
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass
class Document:
    """The article a page carries: main text, sentences, in-text links, metadata."""

    url: str
    text: str = ""
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date or datetime as the page gives it
    modified: str | None = None
    published_source: str | None = None  # where the date came from: metadata, url, visible, htmldate
    canonical: str | None = None
    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # other metadata (citation_doi, ...)
    problems: list[str] = field(default_factory=list)  # what left part of the page unread ("too-deep: ...")
    # A page of several stories (a news stream, a live blog): each story's span; empty for one article.
    items: list[Span] = field(default_factory=list)

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]

    def sentence_at(self, offset: int) -> int | None:
        """Index of the sentence containing a character offset."""
        for i, s in enumerate(self.sentences):
            if s.start <= offset < s.end:
                return i
        return None


@dataclass
class Attribution:
    """Who a stretch of text is attributed to: source, cue and content spans."""

    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)
    source_name: str | None = None  # canonical name ("Reuters", "a UN report")
    kind: str = "unknown"  # one of SOURCE_KINDS
    link: str | None = None  # absolute URL of the link that belongs to it
    # For "X, citing Y": the attribution of Y nested inside X's (index into the list).
    parent: int | None = None

    @property
    def start(self) -> int:
        spans = self.source + self.cue + self.content
        return min(s for s, _ in spans) if spans else 0

    @property
    def end(self) -> int:
        spans = self.source + self.cue + self.content
        return max(e for _, e in spans) if spans else 0


@dataclass
class ClaimMatch:
    """A sentence that carries the claim, with how sure the matcher is."""

    sentence: int  # index into Document.sentences
    start: int
    end: int
    text: str
    score: float  # 0..1
    # what this sentence says differently from the claim (another figure, the negation); [] when it carries it
    mismatch: list[str] = field(default_factory=list)


@dataclass
class Citation:
    """What a hop cites for the claim: the attribution and the link chosen."""

    source: str | None
    kind: str
    cue: str | None
    link: str | None
    sentence: str | None
    sentence_span: Span | None = None
    cue_span: Span | None = None
    resolved_by: str | None = None  # link | lookup | None (not resolved)


@dataclass
class Hop:
    depth: int
    url: str | None  # final URL; None when the source is not online
    requested_url: str | None = None
    status: int | None = None
    source: str | None = None  # the name the citing page gives it; hop 0: its publisher
    kind: str = "unknown"
    evidence: str | None = None
    evidence_span: Span | None = None
    match_score: float | None = None
    cites: Citation | None = None
    title: str | None = None
    published: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    parent: int | None = None  # depth of the hop that cited this one
    fetch_id: int | None = None
    document_id: str | None = None
    # Additive JSON fields from later stages ("drift", "credibility", "archived", ...):
    # merged into to_json() and stored in hops.extra, so new stages need no new columns.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.extra,
            "depth": self.depth,
            "url": self.url,
            "requested_url": self.requested_url,
            "status": self.status,
            "source": self.source,
            "kind": self.kind,
            "evidence": self.evidence,
            "cites": None
            if self.cites is None
            else {
                "source": self.cites.source,
                "cue": self.cites.cue,
                "link": self.cites.link,
                "sentence": self.cites.sentence,
                "kind": self.cites.kind,
                "resolved_by": self.cites.resolved_by,
            },
            "title": self.title,
            "published": self.published,
            "fetched_at": self.fetched_at,
            "sha256": self.sha256,
            "match_score": self.match_score,
            "error": self.error,
            "flags": list(self.flags),
            "redirects": [asdict(r) for r in self.redirects],
        }


@dataclass
class Origin:
    name: str | None
    url: str | None
    kind: str
    reason: str  # one of STOP_REASONS


@dataclass
class Trace:
    claim: str
    start_url: str
    hops: list[Hop] = field(default_factory=list)
    origin: Origin | None = None
    flags: list[str] = field(default_factory=list)
    id: int | None = None
    started_at: str | None = None
    finished_at: str | None = None
    # Other branches when the claim is attributed to more than one source.
    branches: list[list[Hop]] = field(default_factory=list)
    # Additive JSON fields for the whole trace ("credibility", ...), stored in traces.extra.
    extra: dict[str, Any] = field(default_factory=dict)

    def add_flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.extra,
            "trace_id": self.id,
            "claim": self.claim,
            "start_url": self.start_url,
            "hops": [h.to_json() for h in self.hops],
            "origin": None if self.origin is None else asdict(self.origin),
            "flags": list(self.flags),
            "branches": [[h.to_json() for h in b] for b in self.branches],
        }
