"""The audit store: open the database, write fetches, documents and hops, read traces back.

Every writer here commits what it is given in one transaction, so an
interrupted trace keeps every hop written before the interruption.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from tracer.models import Attribution, Citation, Document, FetchResult, Hop, Origin, Redirect, Trace
from tracer.schema import migrations

DEFAULT_DB = "tracer.db"
# Seconds a writer waits for another process's write transaction (an index run, a crawl,
# other traces) before it gives up; $TRACER_BUSY_TIMEOUT changes it.
DEFAULT_BUSY_TIMEOUT = 300.0


class StoreError(Exception):
    """The database cannot be opened or is not a tracer database."""


def default_db_path() -> str:
    return os.environ.get("TRACER_DB") or DEFAULT_DB


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("TRACER_BUSY_TIMEOUT") or DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def open_db(path: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating if needed) a tracer database and bring its schema up to date.

    Several processes may write one database (an index run and traces): each write takes the
    write lock at its start (BEGIN IMMEDIATE, also for sqlite-utils' own transactions) and waits
    for it up to ``busy_timeout()`` seconds instead of failing. An SQLite file of another program
    (tables, but none of tracer's) is refused, never written into; an empty one is taken.
    """
    path = str(path or default_db_path())
    if path != ":memory:":
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            raise StoreError(f"cannot open database {path}: folder {parent} does not exist")
    try:
        db = Database(path) if path != ":memory:" else Database(memory=True)
        db.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
        db.conn.isolation_level = "IMMEDIATE"  # implicit transactions take the write lock at once
        foreign = _foreign_tables(db)
        if foreign:
            db.close()
            raise StoreError(f"cannot open database {path}: it is an SQLite database of another program "
                             f"(tables {', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}) and tracer "
                             "will not write its tables into it; give a new file with --db")
        db.execute("PRAGMA journal_mode=WAL") if path != ":memory:" else None
        db.execute("PRAGMA foreign_keys=ON")
        newer = _unknown_migrations(db)
        if newer:
            db.close()
            raise StoreError(f"cannot open database {path}: it was written by a newer tracer "
                             f"(schema {', '.join(newer)}); upgrade tracer to use it")
        if migrations.pending(db):
            with write_transaction(db):  # one process applies them; another opening the file at once waits
                migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None
    return db


def _foreign_tables(db: Database) -> list[str]:
    """The tables of a database tracer did not make: none for a new or empty file, or for a
    tracer database (its migrations table names tracer's migrations)."""
    tables = [row[0] for row in db.conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
    if not tables:
        return []
    if "_sqlite_migrations" in tables:
        mine = db.conn.execute("select count(*) from _sqlite_migrations where migration_set = ?",
                               [migrations.name]).fetchone()[0]
        if mine:
            return []
    return tables


@contextmanager
def write_transaction(db: Database):
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE), so that two writers on
    one database (traces while an index runs) wait for each other instead of one failing half-way.
    A lock still held when SQLite's own wait ends is asked for again, with a little random
    backoff, until ``busy_timeout()`` has passed. Inside a transaction already: a savepoint."""
    if db.conn.in_transaction:
        with write_transaction(db):
            yield db
        return
    _begin_immediate(db)
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.execute("COMMIT")


def _begin_immediate(db: Database) -> None:
    deadline = time.monotonic() + busy_timeout()
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
            if db.conn.in_transaction:
                db.conn.rollback()  # drop a stale read snapshot, the cause of an immediate "locked"
            time.sleep(random.uniform(0.02, 0.2))


def is_busy(exc: BaseException) -> bool:
    """Is this SQLite error another process holding the lock (worth waiting for)?"""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _unknown_migrations(db: Database) -> list[str]:
    """Migrations applied to ``db`` that this tracer does not know: a later version's schema,
    whose tables this version could misread or fail to write."""
    known = {m.name for m in migrations.pending(Database(memory=True))}  # every registered one
    return [m.name for m in migrations.applied(db) if m.name not in known]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def save_fetch(db: Database, result: FetchResult) -> int:
    """Record one fetch outcome; returns its id."""
    row = {
        "requested_url": result.requested_url,
        "final_url": result.final_url,
        "status": result.status,
        "error": result.error,
        "content_type": result.content_type,
        "bytes": len(result.body) if result.body is not None else None,
        "headers": _json(result.headers),
        "redirects": _json([asdict(r) for r in result.redirects]),
        "fetched_at": result.fetched_at or utcnow(),
        "sha256": result.sha256,
        "warc_path": result.warc_path,
        "warc_offset": result.warc_offset,
        "origin": result.origin,
        "detail": result.detail,
    }
    with write_transaction(db):
        return db["fetches"].insert(row).last_pk


def document_id(url: str, sha256: str | None) -> str:
    return hashlib.sha256(f"{url}\n{sha256 or ''}".encode()).hexdigest()


def save_document(
    db: Database,
    doc: Document,
    attributions: list[Attribution],
    *,
    sha256: str | None,
    fetch_id: int | None,
) -> str:
    """Store a document with its links and attributions (idempotent by url + digest)."""
    doc_id = document_id(doc.url, sha256)
    with write_transaction(db):
        if db["documents"].count_where("id = ?", [doc_id]):
            return doc_id
        db["documents"].insert(
            {
                "id": doc_id,
                "url": doc.url,
                "canonical": doc.canonical,
                "title": doc.title,
                "publisher": doc.publisher,
                "author": doc.author,
                "published": doc.published,
                "modified": doc.modified,
                "lang": doc.lang,
                "text": doc.text,
                "sha256": sha256,
                "meta": _json(doc.meta),
                "fetch_id": fetch_id,
            }
        )
        db["links"].insert_all(
            {"document_id": doc_id, "idx": i, "href": l.href, "text": l.text, "start": l.start, "end": l.end}
            for i, l in enumerate(doc.links)
        )
        db["attributions"].insert_all(
            {
                "document_id": doc_id,
                "idx": i,
                "source_name": a.source_name,
                "kind": a.kind,
                "source_spans": _json(a.source),
                "cue_spans": _json(a.cue),
                "content_spans": _json(a.content),
                "cue": " ".join(doc.text[s:e] for s, e in a.cue) or None,
                "link": a.link,
                "parent": a.parent,
            }
            for i, a in enumerate(attributions)
        )
    return doc_id


def begin_trace(db: Database, trace: Trace, options: dict[str, Any] | None = None) -> int:
    trace.started_at = trace.started_at or utcnow()
    with write_transaction(db):
        trace.id = db["traces"].insert(
            {
                "claim": trace.claim,
                "start_url": trace.start_url,
                "started_at": trace.started_at,
                "flags": "[]",
                "options": _json(options or {}),
            }
        ).last_pk
    return trace.id


def _hop_findings(hop: Hop) -> dict[str, Any]:
    """The columns of a hop that later hops may revise: evidence, citation, flags, extra."""
    cites = hop.cites
    return {
        "evidence": hop.evidence,
        "evidence_start": hop.evidence_span[0] if hop.evidence_span else None,
        "evidence_end": hop.evidence_span[1] if hop.evidence_span else None,
        "match_score": hop.match_score,
        "cite_source": cites.source if cites else None,
        "cite_kind": cites.kind if cites else None,
        "cite_cue": cites.cue if cites else None,
        "cite_link": cites.link if cites else None,
        "cite_sentence": cites.sentence if cites else None,
        "resolved_by": cites.resolved_by if cites else None,
        "flags": _json(hop.flags),
        "extra": _json(hop.extra),
    }


def save_hop(
    db: Database,
    trace_id: int,
    hop: Hop,
    *,
    branch: int = 0,
    parent_hop_id: int | None = None,
    stop_reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Write one hop in its own transaction; returns the hop row id."""
    row = {
        "trace_id": trace_id,
        "branch": branch,
        "depth": hop.depth,
        "parent_hop_id": parent_hop_id,
        "url": hop.url,
        "requested_url": hop.requested_url,
        "status": hop.status,
        "source": hop.source,
        "kind": hop.kind,
        "title": hop.title,
        "published": hop.published,
        **_hop_findings(hop),
        "stop_reason": stop_reason,
        "error": hop.error,
        "redirects": _json([asdict(r) for r in hop.redirects]),
        "fetch_id": hop.fetch_id,
        "document_id": hop.document_id,
        "sha256": hop.sha256,
        "fetched_at": hop.fetched_at,
    }
    if extra:
        row["extra"] = _json({**hop.extra, **extra})
    with write_transaction(db):
        return db["hops"].insert(row).last_pk


def update_hop(db: Database, hop_id: int, hop: Hop, *, branch: int | None = None) -> None:
    """Rewrite what later hops teach about a stored hop (drift, citation, flags, its branch)."""
    row = _hop_findings(hop)
    if branch is not None:
        row["branch"] = branch
    with write_transaction(db):
        db["hops"].update(hop_id, row)


def set_stop_reason(db: Database, hop_id: int, reason: str) -> None:
    with write_transaction(db):
        db["hops"].update(hop_id, {"stop_reason": reason})


def _merge_extra(db: Database, table: str, row_id: int, fields: dict[str, Any]) -> None:
    with write_transaction(db):
        row = db.execute(f"select extra from {table} where id = ?", [row_id]).fetchone()
        if row is None:
            return
        extra = json.loads(row[0] or "{}")
        extra.update(fields)
        db[table].update(row_id, {"extra": _json(extra)})


def update_hop_extra(db: Database, hop_id: int, fields: dict[str, Any]) -> None:
    """Merge fields into a stored hop's extra JSON (a later stage adding to a hop already written)."""
    _merge_extra(db, "hops", hop_id, fields)


def update_trace_extra(db: Database, trace_id: int, fields: dict[str, Any]) -> None:
    """Merge fields into a stored trace's extra JSON (a stage re-run on a finished trace)."""
    _merge_extra(db, "traces", trace_id, fields)


def finish_trace(db: Database, trace: Trace) -> None:
    trace.finished_at = utcnow()
    origin = trace.origin
    with write_transaction(db):
        db["traces"].update(
            trace.id,
            {
                "finished_at": trace.finished_at,
                "origin_name": origin.name if origin else None,
                "origin_url": origin.url if origin else None,
                "origin_kind": origin.kind if origin else None,
                "reason": origin.reason if origin else None,
                "flags": _json(trace.flags),
                "extra": _json(trace.extra),
            },
        )


def _hop_from_row(row: dict[str, Any]) -> Hop:
    cites = None
    if row["cite_source"] is not None or row["cite_link"] is not None or row["cite_cue"] is not None:
        cites = Citation(
            source=row["cite_source"],
            kind=row["cite_kind"] or "unknown",
            cue=row["cite_cue"],
            link=row["cite_link"],
            sentence=row["cite_sentence"],
            resolved_by=row["resolved_by"],
        )
    span = None
    if row["evidence_start"] is not None:
        span = (row["evidence_start"], row["evidence_end"])
    return Hop(
        depth=row["depth"],
        url=row["url"],
        requested_url=row["requested_url"],
        status=row["status"],
        source=row["source"],
        kind=row["kind"] or "unknown",
        evidence=row["evidence"],
        evidence_span=span,
        match_score=row["match_score"],
        cites=cites,
        title=row["title"],
        published=row["published"],
        fetched_at=row["fetched_at"],
        sha256=row["sha256"],
        error=row["error"],
        flags=json.loads(row["flags"] or "[]"),
        redirects=[Redirect(**r) for r in json.loads(row["redirects"] or "[]")],
        fetch_id=row["fetch_id"],
        document_id=row["document_id"],
        extra=json.loads(row["extra"] or "{}"),
    )


def load_trace(db: Database, trace_id: int) -> Trace:
    """Rebuild a stored trace (main chain and branches) from its rows."""
    rows = list(db["traces"].rows_where("id = ?", [trace_id]))
    if not rows:
        raise StoreError(f"no trace with id {trace_id}")
    t = rows[0]
    trace = Trace(
        claim=t["claim"],
        start_url=t["start_url"],
        id=t["id"],
        started_at=t["started_at"],
        finished_at=t["finished_at"],
        flags=json.loads(t["flags"] or "[]"),
        extra=json.loads(t.get("extra") or "{}"),
    )
    if t["reason"]:
        trace.origin = Origin(t["origin_name"], t["origin_url"], t["origin_kind"] or "unknown", t["reason"])
    branches: dict[int, list[Hop]] = {}
    for row in db["hops"].rows_where("trace_id = ?", [trace_id], order_by="branch, depth, id"):
        branches.setdefault(row["branch"], []).append(_hop_from_row(row))
    trace.hops = branches.pop(0, [])
    trace.branches = [branches[b] for b in sorted(branches)]
    return trace


def last_trace_id(db: Database) -> int | None:
    row = db.execute("select max(id) from traces").fetchone()
    return row[0] if row else None


def hop_rows(db: Database, trace_id: int) -> list[dict[str, Any]]:
    return list(db["hops"].rows_where("trace_id = ?", [trace_id], order_by="branch, depth, id"))
