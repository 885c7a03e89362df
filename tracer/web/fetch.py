"""The fetch layer: every HTTP request tracer makes goes through ``Fetcher.fetch``.

One ``requests.Session`` behind four promises:
* polite: robots.txt obeyed and cached per host, a minimum delay per host (Crawl-delay
  honoured), Retry-After respected, bounded retries with backoff;
* bounded: connect/read timeouts plus a total deadline per response, a body-size cap that
  also holds after decompression, a redirect cap with loop detection;
* safe: the private-address guard (``tracer.guard``) checked on the resolved address of
  every connection, redirects included;
* auditable: every exchange written to WARC, replay from WARC archives, reuse of a fresh
  stored copy; the outcome is always a ``FetchResult``, never an exception.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from tracer.web import guard
from tracer.web.encoding import BadContentEncoding, BodyTooLarge, Inflater, decode_text  # decode_text: others import it from here
from tracer.models import FetchResult, Redirect
from tracer.web.warc import (
    ArchiveIndex,
    ArchivedResponse,
    Exchange,
    RollingWarcWriter,
    WarcReadError,
    normalize_url,
    read_record,
)

try:
    from tracer.version import __version__
except ImportError:  # the package __init__ is the lead's; keep fetch importable without it
    __version__ = "0.1"

LOGGER = logging.getLogger(__name__)

CONTACT_URL = "https://github.com/citation-tracer/tracer"
DEFAULT_USER_AGENT = f"tracer/{__version__} (+{CONTACT_URL})"
ROBOTS_AGENT = "tracer"  # the token robots.txt groups are matched against
DEFAULT_DELAY = 3.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 30.0  # seconds for one response, connection to last byte
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_FRESHNESS = 3600.0  # a stored response younger than this is reused
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 1.0  # first retry after this, doubling
DEFAULT_MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for: the host is paused for the run
MAX_CRAWL_DELAY = 60.0  # a robots.txt cannot park the crawl longer than this
ROBOTS_MAX_BYTES = 512 * 1024  # what Google reads of a robots.txt
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt is not trusted longer than a day
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# WARC-Truncated values (WARC 1.1, section 5.13) for a response cut short.
TRUNCATED_REASONS = {"too-large": "length", "timeout": "time", "connection-error": "disconnect"}
CHUNK = 64 * 1024


def default_delay() -> float:
    """$TRACER_DELAY when set to a number of seconds (every command that fetches obeys it,
    tests over loopback set it to 0), else DEFAULT_DELAY."""
    try:
        value = float(os.environ.get("TRACER_DELAY", ""))
    except ValueError:
        return DEFAULT_DELAY
    return value if value >= 0 else DEFAULT_DELAY


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class FetchError(Exception):
    """An outcome without a usable response; ``reason`` goes to FetchResult.error."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        # Where the (truncated) exchange was archived, when a response had begun.
        self.warc_path: str | None = None
        self.warc_offset: int | None = None


# ---------------------------------------------------------------- connections


class _Watchdog:
    """Ends a response that outlives its deadline by shutting down its socket.

    Socket timeouts bound each wait; only this bounds the sum of them, so a server that
    drips one byte a second (in the headers or the body) cannot hold the crawl.
    """

    current = threading.local()

    def __init__(self, seconds: float):
        self.connection = None
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        _Watchdog.current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        _Watchdog.current.watch = None

    def _expire(self):
        self.expired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _ConnectionMixin:
    """Opens the socket itself: through the guard when private addresses are refused."""

    refuse_private = True

    def _new_conn(self):
        try:
            sock = guard.guarded_connect(self._dns_host, self.port, self.timeout,
                                         source_address=self.source_address, socket_options=self.socket_options,
                                         refuse_private=self.refuse_private)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from error
        except OSError as error:
            raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error
        watch = getattr(_Watchdog.current, "watch", None)
        if watch is not None:
            watch.connection = self
            if watch.expired:  # the deadline passed while connecting: nobody would shut this one
                sock.close()
                raise ConnectTimeoutError(self, f"Connection to {self.host} outlived the deadline")
        return sock


class _PoolMixin:
    """Every request goes out on a fresh connection (it says ``Connection: close``): none is put
    back in the pool. A server that closes as asked but without saying so in its response would
    otherwise leave a dead connection there, and the next request would die on it."""

    def _put_conn(self, conn) -> None:
        if conn is not None:
            conn.close()
        super()._put_conn(None)


def _make_adapter(refuse_private: bool) -> HTTPAdapter:
    http_conn = type("TracerHTTPConnection", (_ConnectionMixin, HTTPConnection), {"refuse_private": refuse_private})
    https_conn = type("TracerHTTPSConnection", (_ConnectionMixin, HTTPSConnection), {"refuse_private": refuse_private})
    http_pool = type("TracerHTTPPool", (_PoolMixin, HTTPConnectionPool), {"ConnectionCls": http_conn})
    https_pool = type("TracerHTTPSPool", (_PoolMixin, HTTPSConnectionPool), {"ConnectionCls": https_conn})

    class TracerAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    return TracerAdapter(max_retries=0)


# ---------------------------------------------------------------- politeness


@dataclass
class _RobotsRules:
    parser: object | None  # a Protego parser; None means every path is allowed
    disallow_all: bool = False
    loaded_at: float = field(default_factory=time.monotonic)

    def allows(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return None if delay is None else min(float(delay), MAX_CRAWL_DELAY)


class HostPacer:
    """Keeps at least ``delay`` seconds between two requests to one host.

    The gap is counted from when the previous response ended (as Heritrix does), so jitter in
    connection set-up can never bring two requests closer together at the server than ``delay``.
    """

    def __init__(self, delay: float):
        self.delay = delay
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, delay: float | None = None) -> float:
        """Sleep until the host may be asked again; returns the seconds slept."""
        gap = max(self.delay, delay or 0.0)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = start + gap
        slept = start - now
        if slept > 0:
            time.sleep(slept)
        return slept

    def finished(self, host: str, delay: float | None = None) -> None:
        """A request to this host just ended: the next one waits a full gap from now."""
        gap = max(self.delay, delay or 0.0)
        with self._lock:
            now = time.monotonic()
            self._next_slot[host] = max(self._next_slot.get(host, now), now + gap)

    def hold(self, host: str, seconds: float) -> None:
        """Make the next request to a host wait at least this long (Retry-After)."""
        with self._lock:
            now = time.monotonic()
            self._next_slot[host] = max(self._next_slot.get(host, now), now + seconds)


def pacing_key(url: str) -> str:
    """The host name: what pacing protects is the server, whatever the scheme or port."""
    return (urlsplit(url).hostname or "").lower()


def host_key(url: str) -> str:
    """scheme://host:port — the unit a robots.txt applies to (RFC 9309)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# ---------------------------------------------------------------- the fetcher


@dataclass
class _Response:
    """One HTTP response (live or replayed), before redirects are followed."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # decoded entity body
    origin: str = "live"
    fetched_at: str | None = None
    warc_path: str | None = None
    warc_offset: int | None = None
    detail: str | None = None  # FetchResult.detail

    def header(self, name: str) -> str | None:
        name = name.lower()
        values = [v for k, v in self.headers if k.lower() == name]
        return ", ".join(values) if values else None


@dataclass
class FetcherStats:
    requests: int = 0
    retries: int = 0
    slept: float = 0.0


@dataclass
class HostPause:
    """A host that asked (429/503 + Retry-After) for longer than the cap: not asked again this run."""

    host: str
    url: str  # the request that got the answer
    status: int
    retry_after: float  # seconds the server asked for
    cap: float
    at: str  # when (UTC)

    def explanation(self) -> str:
        return (f"{self.host} answered {self.status} with Retry-After {self.retry_after:.0f} s at {self.at}, "
                f"longer than the {self.cap:.0f} s tracer waits: it is not asked again in this run")


class Fetcher:
    """Fetch URLs politely, safely and with an audit trail; see the module docstring."""

    def __init__(self, *, archives=(), offline=False, allow_private=False, warc_dir=None,
                 user_agent=None, delay=None, timeout=None, max_bytes=None, max_redirects=None,
                 respect_robots=True, db=None, freshness=None, retries=None, backoff=None,
                 max_retry_after=None):
        self.offline = offline
        self.allow_private = allow_private
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.timeout = float(timeout if timeout is not None else DEFAULT_TIMEOUT)
        self.max_bytes = int(max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES)
        self.max_redirects = int(max_redirects if max_redirects is not None else DEFAULT_MAX_REDIRECTS)
        self.respect_robots = respect_robots
        self.retries = int(retries if retries is not None else DEFAULT_RETRIES)
        self.backoff = float(backoff if backoff is not None else DEFAULT_BACKOFF)
        self.max_retry_after = float(max_retry_after if max_retry_after is not None else DEFAULT_MAX_RETRY_AFTER)
        self.db = db
        self.freshness = float(freshness if freshness is not None else DEFAULT_FRESHNESS)
        self.pacer = HostPacer(float(delay if delay is not None else default_delay()))
        self.archive = ArchiveIndex(archives) if archives else None
        self.stats = FetcherStats()
        # hosts whose Retry-After exceeded the cap (by pacing key): never asked again by this fetcher
        self.paused: dict[str, HostPause] = {}
        self._robots: dict[str, _RobotsRules] = {}
        self._robots_lock = threading.Lock()
        self._warc_lock = threading.Lock()
        warc_dir = warc_dir or _warc_dir_next_to(db)
        self.warc = RollingWarcWriter(warc_dir) if warc_dir else None
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment: the guard checks the real peer
        adapter = _make_adapter(refuse_private=not allow_private)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ public

    def fetch(self, url: str) -> FetchResult:
        """Fetch one URL, following redirects; every problem is a FetchResult.error."""
        try:
            return self._fetch(url)
        except Exception as error:  # a bug must not cost the user a whole trace
            LOGGER.exception("unexpected error fetching %s", url)
            return FetchResult(requested_url=url, error=f"internal-error: {type(error).__name__}",
                               fetched_at=utc_now())

    # ------------------------------------------------------------ redirects

    def _fetch(self, url: str) -> FetchResult:
        url = (url or "").strip()
        result = FetchResult(requested_url=url, fetched_at=utc_now())
        cached = self._fresh_copy(url)
        if cached is not None:
            return cached
        current, seen = url, {normalize_url(url)}
        for _ in range(self.max_redirects + 1):
            try:
                response = self._fetch_one(current)
            except FetchError as error:
                result.final_url, result.error, result.status = current, error.reason, error.status
                result.warc_path, result.warc_offset = error.warc_path, error.warc_offset
                if error.reason == "host-paused":
                    result.detail = self.paused[pacing_key(current)].explanation()
                return result
            location = response.header("location")
            if response.status in REDIRECT_STATUSES and location:
                target = _redirect_target(current, location)
                if target is None:
                    result.redirects.append(Redirect(url=current, status=response.status, location=location))
                    return self._finish(result, response, error="invalid-redirect")
                result.redirects.append(Redirect(url=current, status=response.status, location=target))
                if normalize_url(target) in seen:
                    return self._finish(result, response, error="redirect-loop")
                seen.add(normalize_url(target))
                current = target
                continue
            return self._finish(result, response)
        result.final_url, result.error = current, "too-many-redirects"
        return result

    def _finish(self, result: FetchResult, response: _Response, error: str | None = None) -> FetchResult:
        result.final_url = response.url
        result.status = response.status
        result.headers = _header_dict(response.headers)
        result.content_type = response.header("content-type")
        result.body = response.body
        result.text, result.encoding = decode_text(response.body, result.content_type)
        result.sha256 = hashlib.sha256(response.body).hexdigest()
        result.origin = response.origin
        result.fetched_at = response.fetched_at or result.fetched_at
        result.warc_path, result.warc_offset = response.warc_path, response.warc_offset
        result.error = error
        result.detail = response.detail
        return result

    # ------------------------------------------------------------ one URL

    def _fetch_one(self, url: str) -> _Response:
        """One request (no redirect following): from the archives, else live."""
        problem = guard.check_url(url, allow_private=True)  # scheme and syntax only
        if problem:
            raise FetchError(problem)
        if self.archive is not None and url in self.archive:
            return self._replay(url)
        if self.offline:
            raise FetchError("not-archived")
        problem = guard.check_url(url, allow_private=self.allow_private)
        if problem:
            raise FetchError(problem)
        if pacing_key(url) in self.paused:
            raise FetchError("host-paused")  # it asked us to stay away longer than we wait; see self.paused
        crawl_delay = None
        if self.respect_robots:
            rules = self._robots_rules(url)
            if pacing_key(url) in self.paused:
                raise FetchError("host-paused")  # its robots.txt answered with a long Retry-After
            if not rules.allows(url, ROBOTS_AGENT):
                raise FetchError("robots-disallowed")
            crawl_delay = rules.crawl_delay(ROBOTS_AGENT)
        return self._live_with_retries(url, crawl_delay)

    def _replay(self, url: str) -> _Response:
        try:
            archived = self.archive.lookup(url, max_bytes=self.max_bytes)
        except WarcReadError as error:
            LOGGER.warning("archive record unreadable: %s", error)
            raise FetchError("archive-unreadable") from None
        if archived is None or archived.status is None:
            raise FetchError("not-archived")
        if len(archived.body) > self.max_bytes:
            raise FetchError("too-large", archived.status)
        response = _from_archive(archived, origin="archive")
        source = f"{archived.path}@{archived.offset}"
        if self.warc is not None:
            # tracer's own WARC keeps a copy: the user's archive may be moved, the audit trail stays
            try:
                with self._warc_lock:
                    location = self.warc.write_copy(archived)
                response.warc_path, response.warc_offset = location.path, location.offset
            except OSError as error:  # a full disk must not lose the replay itself
                LOGGER.warning("could not copy the replayed record of %s: %s", url, error)
        response.detail = f"replayed from {source}" + (f" (record {archived.record_id})" if archived.record_id else "")
        return response

    def _live_with_retries(self, url: str, crawl_delay: float | None) -> _Response:
        key = pacing_key(url)
        attempt = 0
        while True:
            self.stats.slept += self.pacer.wait(key, crawl_delay)
            try:
                response = self._send(url)
            except FetchError as error:
                self.pacer.finished(key, crawl_delay)
                if error.reason == "connection-error" and attempt < self.retries:
                    attempt += 1
                    self._back_off(key, self.backoff * 2 ** (attempt - 1))
                    continue
                raise
            self.pacer.finished(key, crawl_delay)
            if self._honour_retry_after(key, url, response):
                response.detail = self.paused[key].explanation()
            wait = self._retry_wait(response, attempt)
            if wait is None:
                return response
            attempt += 1
            self._back_off(key, wait)

    def _honour_retry_after(self, key: str, url: str, response: _Response) -> bool:
        """A 429/503 Retry-After binds the next request to the host, retried or not: up to the
        cap it is waited for; past it the host is paused for the rest of the run (True)."""
        if response.status not in (429, 503):
            return False
        asked = parse_retry_after(response.header("retry-after"))
        if asked is None:
            return False
        if asked > self.max_retry_after:
            self.paused.setdefault(key, HostPause(host=key, url=url, status=response.status, retry_after=asked,
                                                  cap=self.max_retry_after, at=utc_now()))
            LOGGER.warning("%s", self.paused[key].explanation())
            return True
        self.pacer.hold(key, asked)
        return False

    def _retry_wait(self, response: _Response, attempt: int) -> float | None:
        """Seconds to wait before asking again, or None to keep this response."""
        if attempt >= self.retries or response.status < 429:
            return None
        if response.status in (429, 503):
            wait = parse_retry_after(response.header("retry-after"))
            wait = self.backoff * 2 ** attempt if wait is None else wait
            return wait if wait <= self.max_retry_after else None
        if response.status >= 500:
            return self.backoff * 2 ** attempt
        return None

    def _back_off(self, key: str, seconds: float) -> None:
        self.stats.retries += 1
        self.pacer.hold(key, seconds)

    # ------------------------------------------------------------ the wire

    def _request_headers(self) -> dict[str, str]:
        return {
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            # Only encodings we can inflate under the size cap ourselves.
            "Accept-Encoding": "gzip, deflate",
            # A fresh connection per request lets the deadline watchdog find its socket;
            # with seconds between requests to a host, keep-alive buys nothing.
            "Connection": "close",
        }

    def _send(self, url: str, max_bytes: int | None = None) -> _Response:
        """One live request, its body read under the size cap and the deadline, then archived."""
        max_bytes = self.max_bytes if max_bytes is None else max_bytes
        headers = self._request_headers()
        self.stats.requests += 1
        fetched_at = utc_now()
        with _Watchdog(self.timeout) as watch:
            try:
                response = self._request(url, headers)
            except guard.PrivateAddressRefused:
                raise FetchError("private-address") from None
            except requests.RequestException as error:
                raise FetchError("timeout" if watch.expired else _request_error(error)) from None
            except (ValueError, UnicodeError):  # a URL requests/urllib3 cannot parse after all
                raise FetchError("invalid-url") from None
            try:
                peer = _peer_address(response)
                raw_body, body, failure = self._read_body(response, max_bytes, watch)
            finally:
                response.close()
        exchange = Exchange(
            url=url, request_headers=headers, status=response.status_code, reason=response.reason or "",
            response_headers=list(response.raw.headers.items()), raw_body=raw_body,
            http_version=_http_version(response), peer_address=peer,
            truncated=None if failure is None else TRUNCATED_REASONS.get(failure.reason, "unspecified"),
        )
        warc_path, warc_offset = self._archive_exchange(exchange)
        if failure is not None:
            # The partial exchange is kept, marked WARC-Truncated, so the refusal can be audited.
            failure.warc_path, failure.warc_offset = warc_path, warc_offset
            raise failure
        return _Response(url=url, status=response.status_code, headers=exchange.response_headers,
                         body=body, fetched_at=fetched_at, warc_path=warc_path, warc_offset=warc_offset)

    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        """Send through the session's adapter, not Session.send: that one parses the Location
        of every 3xx for its own redirect machinery, and a malformed one would raise there."""
        prepared = self.session.prepare_request(requests.Request("GET", url, headers=headers))
        adapter = self.session.get_adapter(prepared.url)
        try:
            response = adapter.send(prepared, stream=True, timeout=(self.timeout, self.timeout))
        except requests.ConnectionError as error:
            if not _closed_before_answering(error):
                raise
            # A kept-alive connection the server closed while it sat idle in the pool: the GET
            # never reached the server, so sending it once more on a new connection is safe
            # (browsers do the same). Not a retry in the --retries sense.
            response = adapter.send(prepared, stream=True, timeout=(self.timeout, self.timeout))
        extract_cookies_to_jar(self.session.cookies, prepared, response.raw)
        return response

    def _read_body(self, response, max_bytes: int, watch: _Watchdog) -> tuple[bytes, bytes, FetchError | None]:
        """(raw, decoded, failure): the cap applies to both bodies, so compression cannot smuggle size.

        On failure the bytes read so far are returned with it, for a truncated WARC record.
        """
        raw_parts: list[bytes] = []
        decoded_parts: list[bytes] = []
        try:
            inflated = self._read_into(response, max_bytes, watch, raw_parts, decoded_parts)
        except FetchError as failure:
            failure.status = response.status_code
            return b"".join(raw_parts), b"", failure
        raw = b"".join(raw_parts)
        return raw, (b"".join(decoded_parts) if inflated else raw), None

    def _read_into(self, response, max_bytes: int, watch: _Watchdog, raw_parts: list, decoded_parts: list) -> bool:
        """Stream the body into the lists; True when it was Content-Encoded (decoded_parts filled)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError("too-large")  # refuse before reading a byte
        encoding = (response.headers.get("content-encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate", ""):
            raise FetchError("unsupported-content-encoding")
        inflater = Inflater(encoding, max_bytes) if encoding not in ("identity", "") else None
        raw_size = 0
        try:
            while True:
                chunk = response.raw.read1(CHUNK, decode_content=False)
                if not chunk:
                    break
                raw_size += len(chunk)
                if raw_size > max_bytes:
                    raise FetchError("too-large")
                raw_parts.append(chunk)
                if inflater is not None:
                    decoded_parts.append(_inflate(inflater, chunk))
                if watch.expired:
                    raise FetchError("timeout")
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
            reason = "timeout" if watch.expired or _is_timeout(error) else "connection-error"
            raise FetchError(reason) from None
        if watch.expired:
            raise FetchError("timeout")
        return inflater is not None

    def _archive_exchange(self, exchange: Exchange) -> tuple[str | None, int | None]:
        if self.warc is None:
            return None, None
        try:
            with self._warc_lock:
                location = self.warc.write(exchange)
        except OSError as error:  # a full disk must not lose the fetch outcome itself
            LOGGER.warning("could not write WARC record for %s: %s", exchange.url, error)
            return None, None
        return location.path, location.offset

    # ------------------------------------------------------------ robots.txt

    def _robots_rules(self, url: str) -> _RobotsRules:
        key = host_key(url)
        with self._robots_lock:
            rules = self._robots.get(key)
        if rules is None or time.monotonic() - rules.loaded_at > ROBOTS_TTL:
            rules = self._load_robots(url)
            with self._robots_lock:
                self._robots[key] = rules
        return rules

    def _load_robots(self, page_url: str) -> _RobotsRules:
        """Fetch and parse a host's robots.txt, as RFC 9309 says to treat each outcome."""
        from protego import Protego

        parts = urlsplit(page_url)
        url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            for _ in range(5):  # RFC 9309: follow at least five redirects
                key = pacing_key(url)
                self.stats.slept += self.pacer.wait(key)
                try:
                    response = self._send(url, max_bytes=ROBOTS_MAX_BYTES * 4)
                finally:
                    self.pacer.finished(key)
                self._honour_retry_after(key, url, response)
                location = response.header("location")
                if response.status in REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    problem = guard.check_url(url, allow_private=self.allow_private)
                    if problem:
                        return _RobotsRules(parser=None)
                    continue
                break
            else:
                return _RobotsRules(parser=None)
        except FetchError as error:
            if error.status is None:
                # No answer at all (refused, reset, timeout, guard): the page would fare no
                # better, so report that outcome instead of a misleading robots-disallowed.
                raise
            if error.status < 500:
                return _RobotsRules(parser=None)  # e.g. a robots.txt too large to read
            return _RobotsRules(parser=None, disallow_all=True)
        if 400 <= response.status < 500:
            return _RobotsRules(parser=None)  # no robots.txt: everything allowed
        if response.status >= 500 or response.status < 200:
            return _RobotsRules(parser=None, disallow_all=True)
        text = response.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        try:
            return _RobotsRules(parser=Protego.parse(text))
        except Exception:  # a robots.txt Protego cannot read is treated as absent
            return _RobotsRules(parser=None)

    # ------------------------------------------------------------ freshness reuse

    def _fresh_copy(self, url: str) -> FetchResult | None:
        """A stored response younger than the freshness window, marked origin="cache"."""
        if self.db is None or self.freshness <= 0 or "fetches" not in self.db.table_names():
            return None
        if self.offline or self.archive is not None:
            return None  # the user named the archives to answer from: they answer
        if guard.check_url(url, allow_private=self.allow_private) is not None:
            return None  # a copy stored under --allow-private is not served without it
        since = (datetime.now(timezone.utc) - timedelta(seconds=self.freshness))
        since_text = since.isoformat(timespec="seconds").replace("+00:00", "Z")
        rows = list(self.db.query(
            "select * from fetches where requested_url = ? and error is null and status is not null "
            "and origin = 'live' and warc_path is not null and fetched_at >= ? order by id desc limit 1",
            [url, since_text],
        ))
        if not rows:
            return None
        row = rows[0]
        try:
            archived = read_record(row["warc_path"], row["warc_offset"], max_bytes=self.max_bytes)
            if archived.record_type == "revisit":
                ArchiveIndex.for_folder(Path(row["warc_path"]).parent).fill_revisit(archived)
        except WarcReadError:
            return None  # the stored copy is gone: fetch again
        result = FetchResult(requested_url=url, fetched_at=row["fetched_at"])
        result.redirects = [Redirect(**r) for r in json.loads(row["redirects"] or "[]")]
        response = _from_archive(archived, origin="cache")
        response.fetched_at = row["fetched_at"]
        return self._finish(result, response)


# ---------------------------------------------------------------- helpers


def _inflate(inflater: Inflater, chunk: bytes) -> bytes:
    try:
        return inflater.feed(chunk)
    except BodyTooLarge:
        raise FetchError("too-large") from None
    except BadContentEncoding:
        raise FetchError("bad-content-encoding") from None


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute URL a Location points to; None when it cannot be parsed."""
    try:
        target = urljoin(current, location.strip())
        urlsplit(target).port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    return target


def _warc_dir_next_to(db) -> str | None:
    """``tracer.db`` keeps its WARC files in ``tracer-warc/`` beside it."""
    if db is None:
        return None
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
    except Exception:
        return None
    path = next((r[2] for r in rows if r[1] == "main"), "")
    if not path:
        return None  # an in-memory database has no folder to sit next to
    db_path = Path(path)
    return str(db_path.with_name(db_path.stem + "-warc"))


def _from_archive(archived: ArchivedResponse, origin: str) -> _Response:
    return _Response(
        url=archived.url or "", status=archived.status or 0, headers=archived.headers,
        body=archived.body, origin=origin, fetched_at=_warc_date_to_iso(archived.date),
        warc_path=archived.path, warc_offset=archived.offset,
    )


def _warc_date_to_iso(date: str) -> str | None:
    if not date:
        return None
    return date if date.endswith("Z") else date + "Z"


def _header_dict(headers: list[tuple[str, str]]) -> dict[str, str]:
    """FetchResult.headers: names lower-cased (callers look up "location", "memento-datetime"),
    repeated headers joined with ", " as HTTP allows."""
    merged: dict[str, str] = {}
    for key, value in headers:
        name = key.lower()
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def _peer_address(response) -> str | None:
    try:
        return response.raw.connection.sock.getpeername()[0]
    except (AttributeError, OSError, TypeError):
        return None


def _http_version(response) -> str:
    return {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(getattr(response.raw, "version", 11), "HTTP/1.1")


def _is_timeout(error: BaseException) -> bool:
    while error is not None:
        # urllib3 makes NewConnectionError a ConnectTimeoutError subclass; look at its cause.
        if isinstance(error, (TimeoutError, socket.timeout, urllib3.exceptions.TimeoutError)) and \
                not isinstance(error, NewConnectionError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _closed_before_answering(error: BaseException) -> bool:
    """The server closed the connection without sending a byte of a response."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, http.client.RemoteDisconnected):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _request_error(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout) or _is_timeout(error):
        return "timeout"
    if isinstance(error, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                          requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
        return "invalid-url"
    if isinstance(error, requests.exceptions.SSLError):
        return "tls-error"
    cause = error
    while cause is not None:
        if isinstance(cause, NameResolutionError):
            return "dns-error"
        # Not HTTP at all (garbage status line, endless header): retrying will not help.
        if isinstance(cause, http.client.HTTPException) and not isinstance(cause, http.client.RemoteDisconnected):
            return "bad-response"
        cause = cause.__cause__ or cause.__context__
    return "connection-error"


# ---------------------------------------------------------------- reporting


def outcome_json(result: FetchResult) -> dict:
    """The stable machine form of one outcome (``tracer fetch --format json/jsonl``)."""
    return {
        "url": result.requested_url,
        "final_url": result.final_url,
        "status": result.status,
        "error": result.error,
        "content_type": result.content_type,
        "bytes": len(result.body) if result.status is not None and result.error is None else None,
        "sha256": result.sha256,
        "warc": None if result.warc_path is None else {"path": result.warc_path, "offset": result.warc_offset},
        "origin": result.origin,
        "encoding": result.encoding,
        "fetched_at": result.fetched_at,
        "redirects": [{"url": r.url, "status": r.status, "location": r.location} for r in result.redirects],
        "detail": result.detail,
    }


def outcome_line(result: FetchResult) -> str:
    """One readable line: what came back for a URL, or why nothing did."""
    what = result.error or str(result.status)
    if result.status is not None and result.error:
        what = f"{result.status} {result.error}"
    line = f"{what:<22} {result.requested_url}"
    if result.final_url and result.final_url != result.requested_url:
        line += f" -> {result.final_url}"
    if result.error and result.detail:
        line += f"  ({result.detail})"
    if result.error is None and result.status is not None:
        line += f"  ({len(result.body)} bytes, {result.content_type or 'no type'}, sha256 {result.sha256[:12]}"
        line += f", {result.origin})" if result.origin != "live" else ")"
    return line
