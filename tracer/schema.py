"""The audit database schema, declared in one place.

Migrations are append-only: never edit one that has shipped, add a new
function at the end. They are applied every time a database is opened
(``tracer.store.open_db``), each in its own transaction.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("tracer")


@migrations()
def m001_fetches(db: Database) -> None:
    # Every exchange tracer made or replayed: the raw body stays in a WARC
    # record (warc_path + warc_offset), the row says where and what its digest was.
    db["fetches"].create(
        {
            "id": int,
            "requested_url": str,
            "final_url": str,
            "status": int,
            "error": str,
            "content_type": str,
            "bytes": int,
            "headers": str,  # JSON object
            "redirects": str,  # JSON list of {url, status, location}
            "fetched_at": str,
            "sha256": str,
            "warc_path": str,
            "warc_offset": int,
            "origin": str,  # live | archive | cache
        },
        pk="id",
    )
    db["fetches"].create_index(["requested_url"])
    db["fetches"].create_index(["final_url"])


@migrations()
def m002_documents(db: Database) -> None:
    # One row per distinct (url, body digest): re-reading the same page is not a new document.
    db["documents"].create(
        {
            "id": str,  # sha256 of url + body digest
            "url": str,
            "canonical": str,
            "title": str,
            "publisher": str,
            "author": str,
            "published": str,
            "modified": str,
            "lang": str,
            "text": str,
            "sha256": str,
            "meta": str,  # JSON object
            "fetch_id": int,
        },
        pk="id",
        foreign_keys=[("fetch_id", "fetches", "id")],
    )
    db["documents"].create_index(["url"])
    db["documents"].create_index(["sha256"])
    db["links"].create(
        {"document_id": str, "idx": int, "href": str, "text": str, "start": int, "end": int},
        pk=("document_id", "idx"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["links"].create_index(["href"])
    db["attributions"].create(
        {
            "document_id": str,
            "idx": int,
            "source_name": str,
            "kind": str,
            "source_spans": str,  # JSON [[start, end], ...]
            "cue_spans": str,
            "content_spans": str,
            "cue": str,
            "link": str,
            "parent": int,
        },
        pk=("document_id", "idx"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["attributions"].create_index(["source_name"])


@migrations()
def m003_traces(db: Database) -> None:
    db["traces"].create(
        {
            "id": int,
            "claim": str,
            "start_url": str,
            "started_at": str,
            "finished_at": str,
            "origin_name": str,
            "origin_url": str,
            "origin_kind": str,
            "reason": str,
            "flags": str,  # JSON list
            "options": str,  # JSON: how the trace was run (archives, offline, max hops)
        },
        pk="id",
    )
    # A hop is one page (or one named source not online) on the way to the origin,
    # with the exact sentence and cue that led to the next hop and why.
    db["hops"].create(
        {
            "id": int,
            "trace_id": int,
            "branch": int,  # 0 = main chain
            "depth": int,
            "parent_hop_id": int,
            "url": str,
            "requested_url": str,
            "status": int,
            "source": str,
            "kind": str,
            "title": str,
            "published": str,
            "evidence": str,
            "evidence_start": int,
            "evidence_end": int,
            "match_score": float,
            "cite_source": str,
            "cite_kind": str,
            "cite_cue": str,
            "cite_link": str,
            "cite_sentence": str,
            "resolved_by": str,  # link | lookup | null
            "stop_reason": str,  # set on the last hop of a chain
            "error": str,
            "flags": str,  # JSON list
            "redirects": str,  # JSON list
            "fetch_id": int,
            "document_id": str,
            "sha256": str,
            "fetched_at": str,
            "extra": str,  # JSON object: additions from later stages (drift, credibility, ...)
        },
        pk="id",
        foreign_keys=[
            ("trace_id", "traces", "id"),
            ("parent_hop_id", "hops", "id"),
            ("fetch_id", "fetches", "id"),
            ("document_id", "documents", "id"),
        ],
    )
    db["hops"].create_index(["trace_id", "branch", "depth"])


@migrations()
def m004_trace_extra(db: Database) -> None:
    # Additive JSON fields of a whole trace (credibility, ...), as hops.extra is for hops.
    db["traces"].add_column("extra", str)


@migrations()
def m005_ratings(db: Database) -> None:
    # Raters' scores for news domains (issue 8), one row per rater, list date and entry.
    # "domain" is the rater's entry as written (a host, a registered domain, or host/path
    # such as theguardian.com/observer); "normalised" maps the rater's scale to 0 (its
    # worst) .. 1 (its best). A domain with no row for a rater is "unrated", never low.
    db["ratings"].create(
        {
            "rater": str,
            "domain": str,
            "score": float,
            "normalised": float,
            "as_of": str,  # the date the rater's list is as of (YYYY-MM-DD)
            "scale": str,  # "worst:best" as given, e.g. "0:1", "0:100"
            "source_file": str,
        },
        pk=("rater", "as_of", "domain"),
    )
    db["ratings"].create_index(["domain"])
    # One row per imported file: what it was (sha256), which columns, how many rows kept.
    db["rating_imports"].create(
        {
            "rater": str,
            "as_of": str,
            "scale": str,
            "source_file": str,
            "sha256": str,
            "domain_column": str,
            "score_column": str,
            "domains": int,
            "skipped": int,
            "imported_at": str,
        },
        pk=("rater", "as_of"),
    )


@migrations()
def m006_corpus(db: Database) -> None:
    # The searchable corpus (issue 6, tracer/corpus/). corpus_docs gives each indexed
    # document a stable integer id (documents' own key is a 64-char digest); its sentences
    # are the rows first_sentence .. first_sentence + n_sentences - 1 of `sentences`, and
    # each sentence's text is in the contentless FTS5 table sentences_fts under the same rowid.
    db.execute(
        """create table corpus_docs (
            id integer primary key,
            document_id text not null unique references documents(id),
            nurl text,              -- the URL in normal form (tracer.warc.normalize_url)
            ncanonical text,        -- the page's canonical URL in normal form
            payload_digest text,    -- WARC-Payload-Digest, to resolve revisit records
            captured text,          -- WARC-Date / fetch time, when the page has no date
            first_sentence integer,
            n_sentences integer
        )"""
    )
    db.execute("create index corpus_docs_nurl on corpus_docs(nurl)")
    db.execute("create index corpus_docs_ncanonical on corpus_docs(ncanonical)")
    db.execute("create index corpus_docs_payload_digest on corpus_docs(payload_digest)")
    db.execute(
        "create table sentences (id integer primary key, doc integer not null, idx integer not null, "
        "[start] integer not null, [end] integer not null, paragraph integer)"
    )
    db.execute(
        "create virtual table sentences_fts using fts5(text, content='', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    # A redirect recorded in a WARC or met while crawling: cited links resolve through it.
    db.execute("create table corpus_redirects (nurl text primary key, location text not null)")
    # How far each WARC file has been indexed: a rerun continues from done_offset.
    db.execute(
        """create table corpus_files (
            path text primary key, size integer, mtime real, mode text,
            done_offset integer not null default 0, records integer not null default 0,
            documents integer not null default 0, errors text, started_at text, finished_at text
        )"""
    )
    # The crawl frontier and visited set (tracer/crawl.py): one row per URL in normal form.
    db.execute(
        """create table crawl_queue (
            url text primary key,     -- normal form
            requested_url text not null,
            depth integer not null,
            priority integer not null, -- 0 cited link of an attribution, 1 seed/feed entry, 2 in-text link, 3 other link
            kind text not null default 'page', -- page | sitemap | feed | seed
            seq integer not null,
            status text not null default 'queued', -- queued | done | error | skipped
            parent text,
            seed_host text,
            fetched_at text, status_code integer, error text, document_id text
        )"""
    )
    db.execute("create index crawl_queue_next on crawl_queue(status, depth, priority, seq)")


@migrations()
def m007_fetch_detail(db: Database) -> None:
    # Why, in words, beyond the error code: a host paused for the run (Retry-After past the
    # cap), or the user's archive record a replayed body was copied from (tracer/web/fetch.py).
    db["fetches"].add_column("detail", str)
