"""Link rot and silent edits: read a cited page from web archives when the live one fails.

Two ways to ask an archive what it holds for a URL:

* Memento (RFC 7089): an endpoint is a TimeGate prefix (``https://web.archive.org/web/``);
  its TimeMap (``.../web/timemap/link/URL``) lists every capture with its datetime;
* a CDX API (an endpoint whose path ends in ``/cdx``, e.g. ``https://web.archive.org/cdx/search/cdx``),
  whose captures are replayed under the matching ``/web/`` prefix.

Of the captures, the one closest *before* the citing page's publication date is taken (what
the citing author could have read); one after it only when none is before, and the hop says
so. Every request, to the archive's API and for the capture itself, goes through the trace's
``Fetcher`` (guard, robots.txt, pacing, size and time limits) and is stored as a fetch.

``rescue_hop`` and ``check_added_after_citation`` are the two calls the trace makes.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlsplit, urlunsplit

from tracer.models import FetchResult, Hop

LOGGER = logging.getLogger(__name__)

# The Internet Archive's Wayback Machine: a Memento TimeGate with TimeMaps and a CDX API.
DEFAULT_ENDPOINTS = ("https://web.archive.org/web/",)
MAX_CANDIDATES = 3  # captures tried per lookup before giving up (each one is a paced request)
CDX_LIMIT = 5000

FLAG_ARCHIVED = "archived-copy"
FLAG_AFTER = "archived-after-citation"
FLAG_ADDED = "added-after-citation"
FLAG_EDITED = "edited-after-citation"  # the claim sentence was there when cited, and has changed since

_TIMESTAMP = re.compile(r"/(\d{4,14})([a-z]{2}_)?/(?=[a-zA-Z][a-zA-Z0-9+.-]*:)")


# ---------------------------------------------------------------- dates


def parse_when(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """An aware UTC datetime from ISO 8601, a 14-digit archive timestamp or an HTTP date.

    A bare date (``2021-03-10``) is the end of that day when ``end_of_day`` is set: a page
    dated that day may have been written after any capture made on it.
    """
    if not value:
        return None
    value = str(value).strip()
    try:
        if value.isdigit() and 4 <= len(value) <= 14:
            value = value.ljust(14, "0")
            month, day = max(int(value[4:6]), 1), max(int(value[6:8]), 1)
            return datetime(int(value[:4]), month, day, int(value[8:10]), int(value[10:12]),
                            int(value[12:14]), tzinfo=timezone.utc)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
            return datetime.combine(day.date(), time(23, 59, 59), timezone.utc) if end_of_day else day
        if re.match(r"\d{4}-\d{2}-\d{2}[T ]", value):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def timestamp14(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


# ---------------------------------------------------------------- endpoints


@dataclass
class Endpoint:
    """One archive to ask: a Memento TimeGate prefix, or a CDX API with its replay prefix."""

    url: str
    kind: str = "memento"  # memento | cdx
    replay: str | None = None  # cdx: where a capture is replayed, ``{replay}{timestamp}id_/{url}``

    @classmethod
    def parse(cls, spec: str) -> "Endpoint":
        spec = spec.strip()
        path = urlsplit(spec).path.rstrip("/")
        if path.endswith("/cdx"):
            parts = urlsplit(spec)
            prefix = path[: -len("/cdx/search/cdx")] + "/web/" if path.endswith("/cdx/search/cdx") \
                else path[: -len("cdx")]
            return cls(spec, "cdx", urlunsplit((parts.scheme, parts.netloc, prefix, "", "")))
        return cls(spec if spec.endswith("/") else spec + "/", "memento")

    def timemap_url(self, url: str) -> str:
        base = self.url
        if base.rstrip("/").endswith("/timegate"):
            base = base.rstrip("/")[: -len("timegate")] + "timemap/"
        return f"{base}timemap/link/{url}" if not base.endswith("/timemap/") else f"{base}link/{url}"

    def timegate_url(self, url: str) -> str:
        return self.url + url

    def cdx_url(self, url: str) -> str:
        sep = "&" if "?" in self.url else "?"
        return (f"{self.url}{sep}url={quote(url, safe='')}&output=json"
                f"&fl=timestamp,original,statuscode,mimetype&limit={CDX_LIMIT}")


def default_endpoints() -> tuple[str, ...]:
    """``$TRACER_MEMENTO`` (endpoints separated by spaces; empty: ask no archive), else the default."""
    env = os.environ.get("TRACER_MEMENTO")
    return DEFAULT_ENDPOINTS if env is None else tuple(env.split())


def endpoints_from(specs: Iterable[str] | None) -> list[Endpoint]:
    """The archives to ask; a spec that is not an http(s) URL is left out, with a warning."""
    from tracer.web.guard import url_problem

    endpoints = []
    for spec in default_endpoints() if specs is None else specs:
        if not spec or not spec.strip():
            continue
        problem = url_problem(spec.strip())
        if problem:
            LOGGER.warning("web archive left out: %s", problem)
            continue
        endpoints.append(Endpoint.parse(spec))
    return endpoints


# ---------------------------------------------------------------- what archives answer


@dataclass
class Capture:
    """One memento: where it is replayed, what it is a copy of, and when it was made."""

    url: str
    original: str
    captured_at: datetime
    status: int | None = None
    endpoint: str = ""


def split_links(text: str) -> list[tuple[str, dict[str, str]]]:
    """Parse RFC 6690 link-format (a TimeMap): [(uri, {param: value})]; tolerant of whitespace."""
    links: list[tuple[str, dict[str, str]]] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("<", i)
        if start < 0:
            break
        end = text.find(">", start)
        if end < 0:
            break
        uri = text[start + 1 : end].strip()
        params: dict[str, str] = {}
        i = end + 1
        while i < n:
            while i < n and text[i] in " \t\r\n":
                i += 1
            if i >= n or text[i] == ",":
                i += 1
                break
            if text[i] != ";":
                break
            i += 1
            m = re.compile(r'\s*([A-Za-z0-9_*-]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*)))?').match(text, i)
            if not m:
                break
            params[m.group(1).lower()] = m.group(2) if m.group(2) is not None else (m.group(3) or "")
            i = m.end()
        links.append((uri, params))
    return links


def parse_timemap(text: str, endpoint: str = "") -> list[Capture]:
    captures = []
    original = next((u for u, p in split_links(text) if "original" in p.get("rel", "").split()), None)
    for uri, params in split_links(text):
        if "memento" not in params.get("rel", "").split():
            continue
        when = parse_when(params.get("datetime"))
        if when is None:
            m = _TIMESTAMP.search(uri)
            when = parse_when(m.group(1)) if m else None
        if when is not None:
            captures.append(Capture(uri, original or _original_of(uri), when, None, endpoint))
    return captures


def parse_cdx(text: str, endpoint: Endpoint) -> list[Capture]:
    """CDX JSON (a header row, then rows) or the classic space-separated lines."""
    rows: list[dict[str, str]] = []
    text = text.strip()
    if text.startswith("["):
        data = json.loads(text)
        if data and isinstance(data[0], list):
            header = [str(h) for h in data[0]]
            rows = [dict(zip(header, map(str, row))) for row in data[1:]]
    else:
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 5:
                rows.append({"timestamp": parts[1], "original": parts[2], "statuscode": parts[4]})
    captures = []
    for row in rows:
        when = parse_when(row.get("timestamp"))
        original = row.get("original")
        if when is None or not original:
            continue
        status = int(row["statuscode"]) if str(row.get("statuscode", "")).isdigit() else None
        url = f"{endpoint.replay}{row['timestamp']}id_/{original}"
        captures.append(Capture(url, original, when, status, endpoint.url))
    return captures


def _original_of(memento_url: str) -> str:
    m = _TIMESTAMP.search(memento_url)
    return memento_url[m.end():] if m else memento_url


def raw_memento_url(url: str) -> str:
    """The capture's original bytes (``id_``): links not rewritten to the archive, no banner."""
    m = _TIMESTAMP.search(url)
    if not m or m.group(2) == "id_":
        return url
    return url[: m.start()] + f"/{m.group(1)}id_/" + url[m.end():]


def order_captures(captures: list[Capture], before: datetime | None) -> list[Capture]:
    """Preference order: closest before ``before`` first, then those after, closest first.

    Captures recorded with an error status (4xx/5xx) go last: they hold no page.
    Without a date, the most recent capture comes first.
    """
    def bad(c: Capture) -> bool:
        return c.status is not None and c.status >= 400

    if before is None:
        ordered = sorted(captures, key=lambda c: c.captured_at, reverse=True)
    else:
        prior = sorted((c for c in captures if c.captured_at <= before), key=lambda c: c.captured_at, reverse=True)
        later = sorted((c for c in captures if c.captured_at > before), key=lambda c: c.captured_at)
        ordered = prior + later
    return [c for c in ordered if not bad(c)] + [c for c in ordered if bad(c)]


# ---------------------------------------------------------------- asking the archives


@dataclass
class Lookup:
    """What one endpoint answered for one URL: captures, or why there are none."""

    endpoint: str
    request: str
    status: int | None = None
    error: str | None = None
    captures: int = 0
    fetch_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "request": self.request, "status": self.status,
                "error": self.error, "captures": self.captures}


@dataclass
class Rescue:
    """The outcome of asking the archives for a URL: the capture used (if any) and every step."""

    url: str
    before: datetime | None
    result: FetchResult | None = None
    capture: Capture | None = None
    lookups: list[Lookup] = field(default_factory=list)
    tried: list[dict[str, Any]] = field(default_factory=list)
    fetch_ids: list[int] = field(default_factory=list)

    @property
    def after_citation(self) -> bool:
        return bool(self.capture and self.before and self.capture.captured_at > self.before)

    def outcome(self) -> dict[str, Any]:
        """A recorded outcome for the hop, whether or not a capture was found."""
        return {
            "url": self.url,
            "before": iso(self.before),
            "found": self.capture is not None,
            "lookups": [l.to_json() for l in self.lookups],
            "tried": self.tried,
            "fetch_ids": self.fetch_ids,
        }


Recorder = Callable[[FetchResult], "int | None"]


def _record(record: Recorder | None, rescue: Rescue, result: FetchResult) -> int | None:
    fetch_id = record(result) if record else None
    if fetch_id is not None:
        rescue.fetch_ids.append(fetch_id)
    return fetch_id


def _body_text(result: FetchResult) -> str:
    # application/link-format and JSON are not among the fetcher's text types: decode here.
    return result.text if result.text is not None else result.body.decode("utf-8", errors="replace")


def _lookup_memento(fetcher, endpoint: Endpoint, url: str, rescue: Rescue, record) -> list[Capture]:
    request = endpoint.timemap_url(url)
    result = fetcher.fetch(request)
    lookup = Lookup(endpoint.url, request, result.status, result.error, fetch_id=_record(record, rescue, result))
    rescue.lookups.append(lookup)
    if result.ok:
        captures = parse_timemap(_body_text(result), endpoint.url)
        lookup.captures = len(captures)
        return captures
    if result.status is None or result.status == 404:
        return []  # unreachable, slow, or the archive holds nothing for it
    # A TimeGate without TimeMaps: its default memento (usually the latest) is all we can get.
    request = endpoint.timegate_url(url)
    result = fetcher.fetch(request)
    lookup = Lookup(endpoint.url, request, result.status, result.error, fetch_id=_record(record, rescue, result))
    rescue.lookups.append(lookup)
    when = parse_when(result.headers.get("memento-datetime")) if result.ok else None
    if when is None:
        return []
    lookup.captures = 1
    return [Capture(result.final_url or request, url, when, result.status, endpoint.url)]


def _lookup_cdx(fetcher, endpoint: Endpoint, url: str, rescue: Rescue, record) -> list[Capture]:
    request = endpoint.cdx_url(url)
    result = fetcher.fetch(request)
    lookup = Lookup(endpoint.url, request, result.status, result.error, fetch_id=_record(record, rescue, result))
    rescue.lookups.append(lookup)
    if not result.ok:
        return []
    try:
        captures = parse_cdx(_body_text(result), endpoint)
    except (ValueError, TypeError, KeyError):
        lookup.error = "bad-cdx-response"
        return []
    lookup.captures = len(captures)
    return captures


def find_captures(fetcher, url: str, endpoints: list[Endpoint], rescue: Rescue, record=None) -> list[Capture]:
    captures: list[Capture] = []
    for endpoint in endpoints:
        ask = _lookup_cdx if endpoint.kind == "cdx" else _lookup_memento
        captures.extend(ask(fetcher, endpoint, url, rescue, record))
    return captures


def local_captures(fetcher, url: str) -> list[Capture]:
    """Mementos of ``url`` inside the fetcher's own archives (a WACZ of an earlier trace, say)."""
    from tracer.web.warc import normalize_url

    index = getattr(fetcher, "archive", None)
    if index is None:
        return []
    wanted = normalize_url(url)
    captures = []
    for key in index.by_url:
        m = _TIMESTAMP.search(key)
        if m and normalize_url(key[m.end():]) == wanted:
            when = parse_when(m.group(1))
            if when is not None:
                captures.append(Capture(key, url, when, None, "local"))
    return captures


def fallback(
    fetcher,
    url: str,
    *,
    before: str | datetime | None = None,
    endpoints: Iterable[str] | None = None,
    record: Recorder | None = None,
    accept: Callable[[FetchResult], bool] | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> Rescue:
    """Ask the archives for ``url`` and fetch the capture closest before ``before``.

    ``record`` stores each fetch (API queries and captures) and returns its id; ``accept``
    decides whether a fetched capture will do (default: a 2xx response). The result is a
    ``Rescue`` whatever happens: ``rescue.result`` is None when no capture would do, and
    ``rescue.outcome()`` says what each archive answered (unreachable and slow included).
    """
    when = before if isinstance(before, datetime) or before is None else parse_when(before, end_of_day=True)
    rescue = Rescue(url=url, before=when)
    if getattr(fetcher, "offline", False):
        # Offline, no archive is asked: only captures already in the local WARC/WACZ files count.
        captures = local_captures(fetcher, url)
    else:
        captures = find_captures(fetcher, url, endpoints_from(endpoints), rescue, record)
    accept = accept or (lambda r: r.ok)
    seen: set[str] = set()
    for capture in order_captures(captures, when):
        if len(rescue.tried) >= max_candidates:
            break
        target = raw_memento_url(capture.url)
        if target in seen:
            continue
        seen.add(target)
        result = fetcher.fetch(target)
        _record(record, rescue, result)
        stamp = parse_when(result.headers.get("memento-datetime")) if result.status else None
        if stamp is not None:
            capture.captured_at = stamp  # the archive may have redirected to a neighbouring capture
        rescue.tried.append({"url": target, "captured_at": iso(capture.captured_at),
                             "status": result.status, "error": result.error})
        if result.ok and accept(result):
            rescue.result, rescue.capture = result, capture
            break
    return rescue


# ---------------------------------------------------------------- inside a trace


def _citing_date(previous: Hop | None) -> datetime | None:
    """When the citing page cited: its publication date, else when its own capture was made."""
    if previous is None:
        return None
    when = parse_when(previous.published, end_of_day=True)
    if when is None and isinstance(previous.extra.get("archived"), dict):
        when = parse_when(previous.extra["archived"].get("captured_at"))
    return when


def _options(walk) -> tuple[bool, list[str] | None]:
    options = walk.options
    # offline, ``fallback`` looks only at captures inside the local archives: no archive is asked
    enabled = getattr(options, "archive_fallback", True)
    memento = getattr(options, "memento", None)
    return enabled, (list(memento) if memento else None)


def _recorder(walk) -> Recorder:
    from tracer import store

    return lambda result: store.save_fetch(walk.db, result)


def _carries_claim(result: FetchResult, url: str, claim: str) -> bool:
    from tracer.page import read_page
    from tracer.claims.match import find_claim

    if not result.is_html:
        return True  # a PDF or dataset: tracer does not read inside it, the trace treats it as such
    doc, _ = read_page(result.text, url)
    return bool(find_claim(doc, claim))


def _dead(result: FetchResult) -> bool:
    """A link that gives no page: 4xx, 5xx, or no answer (but not a refusal by us)."""
    if result.error in ("not-archived", "robots-disallowed", "private-address", "invalid-url"):
        return False
    return not result.ok


def rescue_hop(walk, hop: Hop, result: FetchResult, previous: Hop | None) -> tuple[Hop, FetchResult]:
    """See ``_rescue_hop``; a bug in here is a recorded outcome, never the end of the trace."""
    try:
        return _rescue_hop(walk, hop, result, previous)
    except Exception as error:  # noqa: BLE001
        LOGGER.exception("archive fallback failed for %s", hop.requested_url)
        hop.extra["archive_lookup"] = {"error": f"internal-error: {type(error).__name__}"}
        return hop, result


def _rescue_hop(walk, hop: Hop, result: FetchResult, previous: Hop | None) -> tuple[Hop, FetchResult]:
    """The trace's call after each fetch: a dead link, or a live page without the claim, is
    read from the archived capture closest before the citing page's date.

    Returns the hop and fetch result to go on with: the same ones when the archives are off,
    not needed, or hold nothing usable (what they answered is then in
    ``hop.extra["archive_lookup"]``).
    """
    enabled, endpoints = _options(walk)
    if not enabled:
        return hop, result
    url = hop.requested_url or hop.url
    original_url = result.final_url or url
    claim = walk.trace.claim
    if _dead(result):
        why = "dead-link"
        accept = None
    elif result.ok and result.is_html and not _carries_claim(result, original_url, claim):
        why = "claim-not-found"
        accept = lambda r: _carries_claim(r, original_url, claim)  # noqa: E731
    else:
        return hop, result
    rescue = fallback(walk.fetcher, url, before=_citing_date(previous), endpoints=endpoints,
                      record=_recorder(walk), accept=accept)
    if rescue.result is None:
        if rescue.lookups or rescue.tried:
            hop.extra["archive_lookup"] = {"reason": why, **rescue.outcome()}
        return hop, result
    capture, archived = rescue.capture, rescue.result
    new = Hop(
        depth=hop.depth, url=original_url if why == "claim-not-found" else (hop.url or url),
        requested_url=hop.requested_url, status=hop.status, source=hop.source, kind=hop.kind,
        fetched_at=archived.fetched_at, sha256=archived.sha256, error=None,
        redirects=list(hop.redirects), fetch_id=rescue.fetch_ids[-1] if rescue.fetch_ids else None,
        parent=hop.parent, flags=list(hop.flags), extra=dict(hop.extra),
    )
    new.flags.append(FLAG_ARCHIVED)
    if rescue.after_citation:
        new.flags.append(FLAG_AFTER)
    new.extra["archived"] = {
        "url": archived.final_url or capture.url,
        "captured_at": iso(capture.captured_at),
        "original_url": original_url,
        "original_status": result.status,
        "original_error": result.error,
        "original_fetch_id": hop.fetch_id,
        "after_citation": rescue.after_citation,
        "cited_before": iso(rescue.before),
        "reason": why,
        "endpoint": capture.endpoint,
        "lookups": [l.to_json() for l in rescue.lookups],
        "fetch_ids": rescue.fetch_ids,
    }
    return new, archived


# ---------------------------------------------------------------- changed after citation


def _norm(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").lower()).strip()


def matching_sentence(doc, sentence: str, threshold: float = 0.6) -> str | None:
    """The sentence of ``doc`` that is the same statement as ``sentence`` (perhaps reworded)."""
    from tracer.claims.match import closeness

    best, best_score = None, 0.0
    for i in range(len(doc.sentences)):
        text = doc.sentence_text(i)
        if _norm(text) == _norm(sentence):
            return text
        score = closeness(sentence, text)  # the same sentence with another figure is its earlier version
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= threshold else None


def _earlier_versions(walk, url: str, sha256: str | None, cited: datetime, endpoints, enabled: bool):
    """Earlier copies of a page: tracer's own stored fetches, then an archive's capture."""
    from tracer.web.warc import ArchiveIndex, WarcReadError, read_record

    rows = []
    if "fetches" in walk.db.table_names():
        rows = list(walk.db.query(
            "select * from fetches where (requested_url = ? or final_url = ?) and sha256 is not null "
            "and sha256 != ? and status between 200 and 299 and warc_path is not null order by fetched_at",
            [url, url, sha256 or ""]))
    for row in rows:
        try:
            record = read_record(row["warc_path"], row["warc_offset"])
            if record.record_type == "revisit":
                # its original may be in another file of tracer's folder (an earlier run's)
                ArchiveIndex.for_folder(os.path.dirname(row["warc_path"])).fill_revisit(record)
        except WarcReadError:
            continue
        from tracer.web.fetch import decode_text

        text, _ = decode_text(record.body, row["content_type"])
        if text:
            yield {"source": "tracer-warc", "text": text, "captured_at": parse_when(row["fetched_at"]),
                   "url": row["final_url"] or url, "fetch_id": row["id"]}
    if enabled:
        rescue = fallback(walk.fetcher, url, before=cited, endpoints=endpoints, record=_recorder(walk),
                          max_candidates=1)
        if rescue.result is not None and rescue.result.text is not None:
            yield {"source": "archive", "text": rescue.result.text, "captured_at": rescue.capture.captured_at,
                   "url": rescue.result.final_url, "fetch_id": rescue.fetch_ids[-1] if rescue.fetch_ids else None,
                   "lookups": [l.to_json() for l in rescue.lookups]}


def check_added_after_citation(walk, hop: Hop, doc, previous: Hop | None):
    """See ``_check_added``; a bug in here is a recorded outcome, never the end of the trace.

    Returns the earlier version's Document when the citing page saw that one (an edit after the
    citation): the citing page's drift is measured against what it saw, not against today's page.
    """
    try:
        return _check_added(walk, hop, doc, previous)
    except Exception as error:  # noqa: BLE001
        LOGGER.exception("changed-after-citation check failed for %s", hop.url)
        hop.extra["changed_after_citation_error"] = f"internal-error: {type(error).__name__}"
        return None


def _check_added(walk, hop: Hop, doc, previous: Hop | None) -> None:
    """Flag ``added-after-citation`` when the claim sentence was added or changed after the
    citing page cited this one, with both versions in ``hop.extra["changed_after_citation"]``.

    Looked for only when there is a reason: the page says it was modified or published after
    the citing date, or tracer holds an earlier, different copy of it.
    """
    if previous is None or not hop.evidence or hop.url is None:
        return
    cited = _citing_date(previous)
    if cited is None:
        return
    modified = parse_when(doc.modified)
    published = parse_when(doc.published)
    dated_after = bool(modified and modified > cited) or bool(published and published > cited)
    enabled, endpoints = _options(walk)
    if "archived" in hop.extra:
        enabled = False  # this hop is already read from a capture chosen for the citing date
    from tracer.page import read_page
    from tracer.claims.match import find_claim

    for version in _earlier_versions(walk, hop.url, hop.sha256, cited, endpoints, enabled and dated_after):
        when = version["captured_at"]
        if when is None or not (when >= cited or dated_after):
            continue  # a copy older than the citation, and nothing says the page changed since
        earlier, _ = read_page(version["text"], hop.url)
        before = matching_sentence(earlier, hop.evidence)
        if before is not None and _norm(before) == _norm(hop.evidence):
            return None  # the sentence was there, as it is now
        # the sentence was there and reads differently now: an edit; not there at all: added
        edited = before is not None
        saw = _version_seen(previous.evidence, before, hop.evidence) if edited else "after"
        hop.flags.append(FLAG_EDITED if edited else FLAG_ADDED)
        hop.extra["changed_after_citation"] = {
            "change": "edited" if edited else "added",
            "before": before,
            "after": hop.evidence,
            "citing_page_saw": saw,  # which version the citing page reports: before (then) or after (now)
            "claim_before": bool(find_claim(earlier, walk.trace.claim)),
            "cited_on": iso(cited),
            "version_captured_at": iso(when),
            "version_url": version["url"],
            "version_source": version["source"],
            "version_fetch_id": version["fetch_id"],
            "page_modified": doc.modified,
        }
        return earlier if edited and saw == "before" else None
    return None


def _version_seen(citing: str | None, before: str, after: str | None) -> str:
    """Which version of an edited sentence the citing page reports: the one its sentence matches
    better, figures first (40% then, 55% now: a page saying 40% saw the earlier one)."""
    from tracer.claims.match import claim_score

    if not citing:
        return "before"
    then, now = claim_score(citing, before), claim_score(citing, after or "")
    return "after" if now > then else "before"


def origin_reason(hop: Hop, reason: str = "no-further-attribution") -> str:
    """A page whose claim sentence was added after it was cited is not the origin on that text
    alone: the chain ends there as ``claim-not-found`` (the page, as cited, did not carry it)."""
    changed = hop.extra.get("changed_after_citation")
    if reason == "no-further-attribution" and changed and not changed.get("claim_before"):
        return "claim-not-found"
    return reason
