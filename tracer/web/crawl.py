"""Gather a corpus from the web: ``tracer crawl SEED...``.

Seeds are page URLs, sitemaps (``<urlset>``, ``<sitemapindex>``, gzipped or not) or
RSS/Atom feeds. The crawl is breadth-first, through the fetcher (robots.txt, per-host
pacing, the private-address guard, WARC capture), and reads every HTML page into the
corpus as ``tracer index`` does. Links are taken in this order at each depth: the cited
links of attributions first (they lead towards origins), then feed and sitemap entries,
then links inside the article text, then the page's other links.

The database is the visited set and the queue (``crawl_queue``): each URL is there once
in normal form, and a crawl that stops (``--max-pages``, Ctrl-C, kill -9) resumes where
it stopped when run again, with or without its seeds.
"""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

from sqlite_utils import Database

from tracer import store
from tracer.corpus.index import CorpusWriter, write_transaction
from tracer.web.guard import url_problem
from tracer.web.warc import normalize_url

PRIORITY_CITED, PRIORITY_FEED, PRIORITY_TEXT, PRIORITY_OTHER = 0, 1, 2, 3
DEFAULT_DEPTH = 2
_SKIP_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|mp[34]|m4[av]|mov|avi|webm|ogg|wav|flac|zip|gz|tgz|bz2|xz|7z|rar|"
    r"exe|dmg|iso|woff2?|ttf|otf|eot|css|js)$", re.I)
_FEED_TYPES = ("xml", "rss", "atom")
_MAX_FEED_BYTES = 50 * 1024 * 1024


class CrawlError(Exception):
    """A crawl that cannot start (bad seed, nothing queued)."""


@dataclass
class CrawlStats:
    fetched: int = 0
    documents: int = 0  # pages added to the corpus
    feeds: int = 0  # sitemaps and feeds read
    queued: int = 0  # URLs added to the queue by this run
    errors: dict[str, int] = field(default_factory=dict)
    remaining: int = 0  # still queued when the run stopped

    def to_json(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "documents": self.documents, "feeds": self.feeds, "queued": self.queued,
                "errors": dict(sorted(self.errors.items())), "remaining": self.remaining}

    def summary(self) -> str:
        errors = sum(self.errors.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items()))
        return (f"{self.fetched} fetched: {self.documents} pages added to the corpus, {self.feeds} sitemaps/feeds, "
                f"{errors} without a page" + (f" ({detail})" if detail else "") +
                f"; {self.remaining} still queued")


# ---------------------------------------------------------------- sitemaps and feeds


def looks_like_feed(content_type: str | None, body: bytes) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if "html" in media:
        return False
    if body[:2] == b"\x1f\x8b":
        return True  # a gzipped sitemap
    head = body[:1024].lstrip().lower()
    if any(t in media for t in _FEED_TYPES):
        return True
    return head.startswith(b"<?xml") or head.startswith((b"<urlset", b"<sitemapindex", b"<rss", b"<feed"))


def feed_entries(body: bytes, base_url: str) -> tuple[str, list[str]]:
    """(kind, URLs) of a sitemap, sitemap index, RSS or Atom feed; ("", []) if it is none of them."""
    import lxml.etree

    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as gz:
                body = gz.read(_MAX_FEED_BYTES)
        except (OSError, EOFError):
            return "", []
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return "", []
    if root is None:
        return "", []
    local = lambda el: lxml.etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""  # noqa: E731
    kind = local(root)
    urls: list[str] = []
    if kind in ("urlset", "sitemapindex"):
        for el in root.iter():
            if local(el) == "loc" and el.text:
                urls.append(el.text.strip())
        kind = "sitemapindex" if kind == "sitemapindex" else "sitemap"
    elif kind in ("rss", "rdf"):
        for item in root.iter():
            if local(item) != "item":
                continue
            for child in item:
                if local(child) == "link" and child.text and child.text.strip():
                    urls.append(child.text.strip())
                    break
            else:
                about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
                if about:
                    urls.append(about)
        kind = "feed"
    elif kind == "feed":
        for entry in root.iter():
            if local(entry) != "entry":
                continue
            links = [c for c in entry if local(c) == "link" and c.get("href")]
            chosen = next((c for c in links if (c.get("rel") or "alternate") == "alternate"), links[0] if links else None)
            if chosen is not None:
                urls.append(chosen.get("href").strip())
    else:
        return "", []
    return kind, [u for u in (_absolute(base_url, u) for u in urls) if u]


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    try:
        url = urldefrag(urljoin(base, href.strip()))[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def page_links(html: str, base_url: str) -> list[str]:
    """Every link of a page (navigation and lists included), in page order."""
    from tracer.read.extract import parse_html

    root = parse_html(html)
    if root is None:
        return []
    base_el = root.find(".//base")
    if base_el is not None and base_el.get("href"):
        base_url = _absolute(base_url, base_el.get("href")) or base_url
    links = []
    for el in root.iter("a", "area"):
        if (el.get("rel") or "").lower().find("nofollow") >= 0:
            continue
        url = _absolute(base_url, el.get("href"))
        if url:
            links.append(url)
    return links


# ---------------------------------------------------------------- the crawl


class Crawler:
    def __init__(self, db: Database, fetcher, *, depth: int = DEFAULT_DEPTH, same_host: bool = False,
                 progress: Callable[[str], None] | None = None) -> None:
        self.db = db
        self.fetcher = fetcher
        self.depth = depth
        self.same_host = same_host
        self.progress = progress
        self.writer = CorpusWriter(db)
        self.stats = CrawlStats()
        row = db.execute("select coalesce(max(seq), 0) from crawl_queue").fetchone()
        self.seq = row[0]

    def add_seeds(self, seeds: Iterable[str]) -> None:
        with write_transaction(self.db):
            for seed in seeds:
                problem = url_problem(seed)
                if problem:
                    raise CrawlError(problem)
                self._enqueue(seed, 0, PRIORITY_FEED, "seed", None, urlsplit(seed).netloc.lower())

    def _enqueue(self, url: str, depth: int, priority: int, kind: str, parent: str | None, seed_host: str | None) -> None:
        if _SKIP_EXTENSIONS.search(urlsplit(url).path or ""):
            return
        self.seq += 1
        cursor = self.db.execute(
            "insert or ignore into crawl_queue (url, requested_url, depth, priority, kind, seq, parent, seed_host) "
            "values (?,?,?,?,?,?,?,?)",
            (normalize_url(url), url, depth, priority, kind, self.seq, parent, seed_host),
        )
        if cursor.rowcount:
            self.stats.queued += 1
        else:  # known: a shorter path or a better reason to fetch it moves it up, if still queued
            self.db.execute(
                "update crawl_queue set depth = min(depth, ?), priority = min(priority, ?) "
                "where url = ? and status = 'queued'", (depth, priority, normalize_url(url)))

    def _next(self):
        return self.db.execute(
            "select url, requested_url, depth, kind, seed_host from crawl_queue where status = 'queued' "
            "order by depth, priority, seq limit 1").fetchone()

    def run(self, max_pages: int | None = None) -> CrawlStats:
        while max_pages is None or self.stats.fetched < max_pages:
            row = self._next()
            if row is None:
                break
            self._visit(*row)
        self.stats.remaining = self.db.execute(
            "select count(*) from crawl_queue where status = 'queued'").fetchone()[0]
        return self.stats

    def _allowed(self, url: str, seed_host: str | None) -> bool:
        return not self.same_host or seed_host is None or (urlsplit(url).netloc.lower() == seed_host)

    def _visit(self, nurl: str, url: str, depth: int, kind: str, seed_host: str | None) -> None:
        from tracer.page import read_page

        result = self.fetcher.fetch(url)
        fetch_id = store.save_fetch(self.db, result)
        self.stats.fetched += 1
        outcome = {"status": "done", "status_code": result.status, "error": result.error, "document_id": None}
        doc = None
        with write_transaction(self.db):
            final = result.final_url or url
            if kind == "seed" and result.redirects:
                seed_host = urlsplit(final).netloc.lower() or seed_host  # example.com -> www.example.com
            is_feed = result.ok and looks_like_feed(result.content_type, result.body)
            for r in result.redirects:
                self.writer.add_redirect(r.url, r.location)
            if result.redirects and normalize_url(final) != nurl:  # the target counts as visited too
                self.seq += 1
                self.db.execute(
                    "insert into crawl_queue (url, requested_url, depth, priority, kind, seq, status, parent, seed_host) "
                    "values (?,?,?,?,?,?,'done',?,?) on conflict(url) do update set status = 'done' "
                    "where status = 'queued'", (normalize_url(final), final, depth, 1, kind, self.seq, nurl, seed_host))
            if not result.ok:
                reason = result.error or f"http-{result.status}"
                self.stats.errors[reason] = self.stats.errors.get(reason, 0) + 1
                outcome["status"] = "error"
            elif is_feed:
                feed_kind, urls = feed_entries(result.body[:_MAX_FEED_BYTES], final)
                if feed_kind:
                    self.stats.feeds += 1
                    entry_kind = "sitemap" if feed_kind == "sitemapindex" else "page"
                    for entry in urls:
                        if self._allowed(entry, seed_host):
                            self._enqueue(entry, depth, PRIORITY_FEED, entry_kind, nurl, seed_host)
                else:
                    self.stats.errors["not-a-feed"] = self.stats.errors.get("not-a-feed", 0) + 1
                    outcome["status"] = "skipped"
            elif result.is_html:
                try:
                    doc, attributions = read_page(result.text, final)
                except Exception as error:  # noqa: BLE001 - one odd page never stops a crawl
                    reason = f"parse-error: {type(error).__name__}"
                    self.stats.errors[reason] = self.stats.errors.get(reason, 0) + 1
                    doc = None
                    outcome.update(status="error", error=reason)
            if doc is not None:
                doc_id, added = self.writer.add_document(doc, attributions, sha256=result.sha256, fetch_id=fetch_id,
                                                         captured=result.fetched_at)
                self.stats.documents += added
                outcome["document_id"] = doc_id
                if depth < self.depth:
                    self._enqueue_links(doc, attributions, result.text, final, depth + 1, nurl, seed_host)
            elif outcome["status"] == "done" and result.ok and not result.is_html and not is_feed:
                self.stats.errors["not-html"] = self.stats.errors.get("not-html", 0) + 1
                outcome["status"] = "skipped"
            self.db.execute(
                "update crawl_queue set status = ?, status_code = ?, error = ?, document_id = ?, fetched_at = ? "
                "where url = ?",
                (outcome["status"], outcome["status_code"], outcome["error"], outcome["document_id"],
                 result.fetched_at, nurl),
            )
        if self.progress:
            self.progress(f"[{depth}] {result.status or result.error} {url}")

    def _enqueue_links(self, doc, attributions, html: str, base: str, depth: int, parent: str,
                       seed_host: str | None) -> None:
        ordered: list[tuple[str, int]] = []
        ordered += [(a.link, PRIORITY_CITED) for a in attributions if a.link]
        ordered += [(l.href, PRIORITY_TEXT) for l in doc.links]
        ordered += [(u, PRIORITY_OTHER) for u in page_links(html, base)]
        seen: set[str] = set()
        for url, priority in ordered:
            n = normalize_url(url)
            if n in seen or not self._allowed(url, seed_host):
                continue
            seen.add(n)
            self._enqueue(url, depth, priority, "page", parent, seed_host)


def crawl(
    db: Database,
    seeds: Iterable[str] = (),
    *,
    depth: int = DEFAULT_DEPTH,
    same_host: bool = False,
    max_pages: int | None = None,
    fetcher=None,
    archives: Iterable[str] = (),
    offline: bool = False,
    allow_private: bool = False,
    progress: Callable[[str], None] | None = None,
    **fetch_options: Any,
) -> CrawlStats:
    """Crawl breadth-first from the seeds (or resume the queued crawl) into the corpus."""
    from tracer.web.fetch import Fetcher
    from tracer.trace import warc_dir_for

    own = fetcher is None
    if own:
        fetcher = Fetcher(archives=tuple(archives), offline=offline, allow_private=allow_private,
                          warc_dir=warc_dir_for(db), db=db, **fetch_options)
    try:
        crawler = Crawler(db, fetcher, depth=depth, same_host=same_host, progress=progress)
        crawler.add_seeds(seeds)
        if not db.execute("select 1 from crawl_queue where status = 'queued' limit 1").fetchone():
            if not seeds:
                raise CrawlError("nothing to crawl: give seed URLs (the queue of earlier crawls is empty)")
        return crawler.run(max_pages)
    finally:
        if own:
            fetcher.close()


def stderr_progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)
