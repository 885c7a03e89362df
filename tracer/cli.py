"""The ``tracer`` command: a thin layer over the Python API.

Machine output (``--format json`` and friends) goes to stdout; messages and
progress go to stderr. Library errors become one-line click errors.

Start-up: this module imports only click and the standard library at the top; each command
imports the pipeline it needs when it runs, so ``tracer --version`` and ``tracer --help`` do
not load requests, lxml or SQLite (bench/bench_startup.py measures it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from typing import TYPE_CHECKING

import click

from tracer.version import __version__

if TYPE_CHECKING:
    from tracer.models import Hop

DEFAULT_MAX_HOPS = 8  # tracer.trace.DEFAULT_MAX_HOPS (tests/test_startup.py checks they agree)

# Exit codes, as a script sees them (README "Exit codes"): 0 done (for trace: a chain was traced,
# whatever its origin), 1 tracer could not do it (click's ClickException), 2 usage (click's
# UsageError/BadParameter), 3 no chain (the start page could not be read or does not carry the
# claim; for sources, no stored page carries it), 130 interrupted.
EXIT_NO_CHAIN = 3
EXIT_INTERRUPTED = 130

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def db_option(fn):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Audit database (default: $TRACER_DB or ./tracer.db)",
    )(fn)


def fetch_options(fn):
    """Where pages come from: the live web, or archives only."""
    for option in reversed(
        [
            click.option("--archive", "archives", multiple=True, type=click.Path(exists=True, dir_okay=False),
                         callback=validate_archives, help="Answer from this WARC file (repeatable)"),
            click.option("--offline", is_flag=True, help="Never use the network: a URL in no archive is not-archived"),
            click.option("--allow-private", is_flag=True,
                         help="Allow loopback and private addresses (tests, intranets)"),
        ]
    ):
        fn = option(fn)
    return fn


def politeness_options(fn):
    """How tracer behaves towards the sites it reads (every command that fetches live)."""
    for option in reversed(
        [
            click.option("--timeout", type=click.FloatRange(0.1, 600), default=None,
                         help="Seconds one response may take, connection to last byte [default: 30]"),
            click.option("--delay", type=click.FloatRange(0, 600), default=None,
                         help="Seconds between two requests to one host [default: 3; robots Crawl-delay if longer]"),
            click.option("--max-bytes", type=click.IntRange(1), default=None,
                         help="Largest body accepted [default: 10 MB]"),
            click.option("--user-agent", default=None,
                         help="User-Agent header [default: tracer/VERSION (+contact URL)]"),
        ]
    ):
        fn = option(fn)
    return fn


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "format_", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format")


def open_db(db_path: str | None):
    from tracer import store

    _OPENED_DB.append(str(db_path or store.default_db_path()))
    try:
        return store.open_db(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None


def open_existing_db(db_path: str | None):
    """For commands that only read: a mistyped --db is an error, never a new empty database."""
    from tracer import store

    path = db_path or store.default_db_path()
    if path != ":memory:" and not Path(path).is_file():
        raise click.ClickException(f"no database at {path}: run `tracer trace`, `tracer index` or `tracer crawl` "
                                   "first, or pass --db")
    return open_db(path)


def traced(result) -> bool:
    """Whether a chain was traced: the start page was read and carries the claim."""
    return bool(result.hops) and bool(result.hops[0].evidence)


def interrupted(hint: str):
    """Ctrl-C: say what is kept and how to go on, then exit 130 (not click's bare "Aborted!")."""
    click.echo(f"\nInterrupted: {hint}", err=True)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


def validate_url(ctx, param, value: str) -> str:
    """An http(s) URL with a real host (not ``http://exa mple.com/`` nor ``http://[::1``)."""
    from tracer.web.guard import url_problem

    problem = url_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def validate_urls(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        validate_url(ctx, param, value)
    return values


def validate_memento(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """--memento URLs (or $TRACER_MEMENTO's, when none is given) are http(s) URLs."""
    from tracer.web.archive import default_endpoints

    for value in values or default_endpoints():
        try:
            validate_url(ctx, param, value.strip())
        except click.BadParameter as exc:
            raise click.BadParameter(f"{exc.message}{'' if values else ' (from $TRACER_MEMENTO)'}") from None
    return values


def validate_archives(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """Each --archive is a WARC (or WACZ) with at least one readable record: an empty, random,
    non-WARC or broken-from-the-start file is a usage error, not a trace of nothing."""
    from tracer.web.warc import archive_problem

    for value in values:
        problem = archive_problem(value)
        if problem:
            raise click.BadParameter(f"{value}: {problem}")
    return values


def refuse_output_over_db(output: str, db_path: str | None) -> None:
    """-o must not name the database (or its journal files, or its WARC folder): writing a report
    there would destroy the audit trail it reports on."""
    import os

    from tracer import store

    db = Path(db_path or store.default_db_path())
    out = Path(output)
    target = out.resolve()
    warc_folder = (db.parent / f"{db.stem}-warc").resolve()
    for protected in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
        same = target == protected.resolve()
        if not same and out.exists() and protected.exists():
            same = os.path.samefile(out, protected)
        if same:
            raise click.BadParameter(f"{output} is the database {db} ({protected.name}): writing there would "
                                     "destroy it; choose another file", param_hint="'-o' / '--output'")
    if warc_folder == target or warc_folder in target.parents:
        raise click.BadParameter(f"{output} is inside {warc_folder}, where the database's WARC records are kept; "
                                 "choose another file", param_hint="'-o' / '--output'")


def validate_claim(ctx, param, value: str | None) -> str | None:
    """A claim needs words to look for: an empty or punctuation-only claim is a usage error."""
    if value is not None and not any(ch.isalnum() for ch in value):
        raise click.BadParameter("the claim is empty: type it as you read it, e.g. --claim \"North Korea stole $2 billion\"")
    return value.strip() if value is not None else None


def hop_progress():
    """A line on stderr per hop, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(hop: Hop) -> None:
        click.echo(f"  hop {hop.depth}: {hop.source or ''} {hop.url or '(not online)'}", err=True)

    return show


class TracerGroup(click.Group):
    """The ``tracer`` group: everything a command prints is terminal-safe, and an error it
    did not expect is one line, never a traceback (issue 17).

    While a command runs, sys.stdout and sys.stderr are wrapped so that every write (results,
    messages, click's own errors, progress lines, log lines) passes through
    ``tracer.safe.for_terminal``: text from pages never drives the user's terminal.
    """

    def main(self, *args, **kwargs):
        from tracer.safe import TerminalSafeStream

        _OPENED_DB.clear()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = (s if isinstance(s, TerminalSafeStream) else TerminalSafeStream(s) for s in saved)
        try:
            return super().main(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = saved

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - mapped to one line; TRACER_DEBUG=1 shows the traceback
            import os

            if os.environ.get("TRACER_DEBUG"):
                raise
            raise click.ClickException(describe_error(exc)) from None


def describe_error(exc: Exception) -> str:
    """One line for an exception no command handled: database trouble, a file that cannot be
    read or written, else an internal error (a tracer bug)."""
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError):
        path = _OPENED_DB[-1] if _OPENED_DB else "the database"
        text = str(exc)
        if "malformed" in text or "not a database" in text:
            return (f"the database {path} is damaged ({text}): restore it from a backup, "
                    f"or save what is left with: sqlite3 {path} .recover")
        if "readonly" in text or "read-only" in text:
            return f"the database {path} is read-only ({text}): this command needs to write to it"
        if "locked" in text or "busy" in text:
            return (f"the database {path} stayed locked by another process ({text}): run the command again "
                    "when it is done, or wait longer with $TRACER_BUSY_TIMEOUT (seconds)")
        return f"the database {path}: {text}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return f"{where}{exc.strerror or exc}"
    return (f"internal error ({type(exc).__name__}: {str(exc)[:300]}): a tracer bug; "
            "run again with TRACER_DEBUG=1 to see where, and report it")


_OPENED_DB: list[str] = []  # the database this command opened (for error messages)


@click.group(cls=TracerGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="tracer")
def cli():
    "Trace a news claim back through its citations to its origin, with an audit trail."


@cli.command(name="trace")
@click.argument("url", callback=validate_url)
@click.option("--claim", required=True, callback=validate_claim, help="The claim as you read it (paraphrase is fine)")
@fetch_options
@click.option("--max-hops", type=click.IntRange(1, 50), default=DEFAULT_MAX_HOPS, show_default=True,
              help="Stop after reading this many pages")
# issue 9 (tracer/archive.py): dead links are read from web archives
@click.option("--memento", multiple=True, metavar="URL", callback=validate_memento,
              help="Web archive asked for a dead link: a Memento TimeGate, or a CDX API ending in /cdx "
                   "(repeatable; default: the Internet Archive's Wayback Machine)")
@click.option("--no-archive-fallback", is_flag=True, help="Never ask web archives for dead or changed pages")
# issue 13: when the start page does not carry the claim, say which sentence it is
@click.option("--sentence", "start_sentence", type=click.IntRange(1), default=None, metavar="N",
              help="Trace from sentence N of the start page (the numbers a claim-not-found trace lists)")
@click.option("--quote", "start_quote", default=None, metavar="WORDS",
              help="Trace from the start page's sentence that has these exact words")
@politeness_options
@format_option("text", "json")
@db_option
def trace_cmd(url, claim, archives, offline, allow_private, max_hops, memento, no_archive_fallback,
              start_sentence, start_quote, timeout, delay, max_bytes, user_agent, format_, db_path):
    """Trace CLAIM from the page at URL to its origin, storing every hop.

    Example: tracer trace https://example.com/story --claim "North Korea stole $2 billion"
    """
    from tracer.report.model import dumps, format_text
    from tracer.trace import trace as run_trace

    from tracer.claims.semantic import ClaimModelError

    if start_sentence and start_quote:
        raise click.UsageError("give --sentence or --quote, not both")
    db = open_db(db_path)
    try:
        result = run_trace(url, claim, db=db, archives=archives, offline=offline, allow_private=allow_private,
                           max_hops=max_hops, progress=hop_progress(),
                           memento=memento or None, archive_fallback=not no_archive_fallback,  # issue 9
                           start_sentence=start_sentence, start_quote=start_quote,
                           timeout=timeout, delay=delay, max_bytes=max_bytes, user_agent=user_agent)
    except ClaimModelError as exc:
        raise click.ClickException(f"{exc} (TRACER_CLAIM_MODEL=off matches on words and figures alone)") from None
    except KeyboardInterrupt:
        from tracer import store

        last = store.last_trace_id(db)
        interrupted(f"the hops read so far are stored as trace {last} (tracer report {last}"
                    f"{' --db ' + db_path if db_path else ''}); run the same command again to trace anew")
    if format_ == "json":
        click.echo(dumps(result))
    else:
        click.echo(format_text(result))
    if not traced(result):
        raise click.exceptions.Exit(EXIT_NO_CHAIN)


# ---- tracer evidence (issue 9: tracer/evidence.py) ----------------------------------------------


@cli.command(name="evidence")
@click.argument("trace_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="WACZ file to write")
@click.option("--save-evidence", is_flag=True,
              help="First ask a save endpoint to capture each hop's page, and record the capture URL")
@click.option("--save-endpoint", default=None, metavar="URL",
              help="Save endpoint, asked as URL + page URL (default: the Wayback Machine's Save Page Now)")
@click.option("--allow-private", is_flag=True, help="Allow a save endpoint on a loopback or private address")
@db_option
def evidence_cmd(trace_id, output, save_evidence, save_endpoint, allow_private, db_path):
    """Pack a trace's WARC records, hop table and report into a WACZ file.

    The WACZ opens in web-archive replay tools, and tracer replays it: --archive case.wacz.

    Example: tracer evidence 3 -o case.wacz
    """
    from tracer import store
    from tracer.report.evidence import DEFAULT_SAVE_ENDPOINT, EvidenceError, build_wacz, save_hops
    from tracer.web.fetch import Fetcher
    from tracer.trace import warc_dir_for

    refuse_output_over_db(output, db_path)
    db = open_existing_db(db_path)
    try:
        store.load_trace(db, trace_id)
        if save_evidence:
            with Fetcher(allow_private=allow_private, warc_dir=warc_dir_for(db), db=db) as fetcher:
                for saved in save_hops(db, trace_id, fetcher, save_endpoint or DEFAULT_SAVE_ENDPOINT):
                    click.echo(f"saved {saved['url']} -> {saved['capture'] or saved['error']}", err=True)
        package = build_wacz(db, trace_id, output)
    except (store.StoreError, EvidenceError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for problem in package.missing:
        click.echo(f"missing: {problem}", err=True)
    click.echo(f"{package.path}: {package.records} records, {package.pages} pages, {len(package.resources)} files")


@cli.command()
@click.option("--web", default="seed", show_default=True, help="Fixture web (a folder under fixtures/web/, or a path)")
@click.option("--claim", default=None, help="Claim to trace (default: the web's own claim)")
@format_option("text", "json")
@db_option
def demo(web, claim, format_, db_path):
    """Trace the seed story over the bundled fixture web, offline.

    The fixture pages are packed into a WARC and the trace is answered from it:
    no network is used.
    """
    import tempfile

    from tracer.fixtures import FixtureError, build_warc, load_web
    from tracer.report.model import dumps, format_text
    from tracer.trace import trace as run_trace

    try:
        fixture = load_web(web)
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
    if not fixture.start_url or not (claim or fixture.claim):
        raise click.UsageError(f"fixture web {fixture.name} has no start URL and claim to trace "
                               "(it holds captures another web's traces read)")
    with tempfile.TemporaryDirectory(prefix="tracer-demo-") as tmp:
        warc = build_warc(fixture, Path(tmp) / f"{fixture.name}.warc.gz")
        db = open_db(db_path or str(Path(tmp) / "demo.db"))
        result = run_trace(fixture.start_url, claim or fixture.claim, db=db, archives=[str(warc)], offline=True,
                           progress=hop_progress())
        if format_ == "json":
            click.echo(dumps(result))
        else:
            click.echo(format_text(result))
        db.close()
    if not traced(result):
        raise click.exceptions.Exit(EXIT_NO_CHAIN)


# ---- tracer fetch / tracer audit (the fetch layer, issue 3) ----------------------------------


@cli.group()
def fixtures():
    "The bundled fixture webs (offline test pages at their real URLs)."


@fixtures.command(name="list")
def fixtures_list():
    "List the fixture webs with their start URL and claim."
    from tracer.fixtures import list_webs, load_web

    for name in list_webs():
        web = load_web(name)
        click.echo(f"{name}\t{web.start_url or ''}\t{web.claim or ''}")


@fixtures.command(name="pack")
@click.argument("web")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="WARC file to write (.warc.gz)")
def fixtures_pack(web, output):
    "Pack fixture web WEB into a WARC file, reproducibly (same bytes every time)."
    from tracer.fixtures import FixtureError, build_warc

    try:
        path = build_warc(web, output)
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)


@cli.command(name="fetch")
@click.argument("urls", nargs=-1, required=True)
@fetch_options
@politeness_options
@click.option("--freshness", type=click.FloatRange(0), default=None,
              help="Reuse a stored response younger than this many seconds; 0 always refetches [default: 3600]")
@format_option("text", "json", "jsonl")
@db_option
def fetch_cmd(urls, archives, offline, allow_private, timeout, delay, max_bytes, user_agent, freshness,
              format_, db_path):
    """Fetch each URL politely, store the outcome and print one line a URL.

    Every URL gets an outcome (a status, or an error such as timeout, too-large,
    robots-disallowed, private-address); the exit status is 0 even when some fail.

    Example: tracer fetch https://example.com/story --format jsonl
    """
    import json

    from tracer import store
    from tracer.web.fetch import Fetcher, outcome_json, outcome_line
    from tracer.trace import warc_dir_for

    db = open_db(db_path)
    outcomes = []
    with Fetcher(archives=archives, offline=offline, allow_private=allow_private, warc_dir=warc_dir_for(db),
                 user_agent=user_agent, delay=delay, timeout=timeout, max_bytes=max_bytes, db=db,
                 freshness=freshness) as fetcher:
        for url in urls:
            result = fetcher.fetch(url)
            store.save_fetch(db, result)
            if format_ == "jsonl":
                click.echo(json.dumps(outcome_json(result), ensure_ascii=False))
            elif format_ == "text":
                click.echo(outcome_line(result))
            outcomes.append(outcome_json(result))
    if format_ == "json":
        click.echo(json.dumps(outcomes, ensure_ascii=False, indent=2))


@cli.command(name="audit")
@click.argument("trace_id", type=int, required=False)
@click.option("--all", "audit_all", is_flag=True, help="Audit every stored fetch, not one trace's")
@format_option("text", "json")
@db_option
def audit_cmd(trace_id, audit_all, format_, db_path):
    """Re-read stored bodies from their WARC records and check them against their digests.

    Prints what matches and what does not; exits 1 when anything does not match
    (a changed, missing or unreadable WARC record).
    """
    import json

    from tracer import store
    from tracer.web.warc import audit_fetches, fetch_ids_for_trace

    if (trace_id is None) == (not audit_all):
        raise click.UsageError("give a TRACE_ID or --all (not both)")
    db = open_existing_db(db_path)
    fetch_ids = None
    if trace_id is not None:
        fetch_ids = fetch_ids_for_trace(db, trace_id)
        if fetch_ids is None:
            raise click.ClickException(f"no trace {trace_id} in {db_path or store.default_db_path()}")
    findings = audit_fetches(db, fetch_ids)
    if format_ == "json":
        click.echo(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            where = f"{f.warc_path}@{f.warc_offset}" if f.warc_path else "-"
            click.echo(f"{f.status:<10} fetch {f.fetch_id} {f.url}  {where}  {'; '.join(f.problems)}".rstrip())
    bad = [f for f in findings if f.status not in ("ok", "no-record")]
    click.echo(f"{len(findings) - len(bad)} of {len(findings)} records match", err=True)
    if bad:
        sys.exit(1)


# --- issue 8: raters' scores for news domains (tracer/ratings.py) -------------------------


@cli.group(name="ratings")
def ratings_group():
    """Raters' scores for news domains, shown side by side on every hop."""


@ratings_group.command(name="import")
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
@click.option("--rater", required=True, help="The rater's name as it should be shown (e.g. \"Lin et al. 2023\")")
@click.option("--as-of", "as_of", required=True, help="The date the rater's list is as of (YYYY-MM-DD)")
@click.option("--domain-column", default=None, help="Column with the domain (default: domain, site, url, ...)")
@click.option("--score-column", default=None, help="Column with the score (default: score, rating, pc1, ...)")
@click.option("--scale", default=None, metavar="MIN:MAX",
              help="The rater's scale, worst:best (default: 0:1 or 0:100 when the scores fit)")
@db_option
def ratings_import_cmd(csv_path, rater, as_of, domain_column, score_column, scale, db_path):
    """Store a rater's CSV of domain scores (re-importing the same rater and date replaces it).

    Example: tracer ratings import lin2023_domain_pc1.csv --rater "Lin et al. 2023" --as-of 2023-08-25
    """
    from tracer.judge.ratings import RatingsError, import_csv

    db = open_db(db_path)
    try:
        result = import_csv(db, csv_path, rater=rater, as_of=as_of, domain_column=domain_column,
                            score_column=score_column, scale=scale)
    except RatingsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{result.rater} ({result.as_of}): {result.imported} domains imported from {result.source_file} "
               f"(domain column {result.domain_column!r}, score column {result.score_column!r}, "
               f"scale {result.scale})")
    if result.replaced:
        click.echo(f"replaced {result.replaced} rows of the earlier import of the same rater and date", err=True)
    if result.duplicates:
        click.echo(f"{result.duplicates} domains listed more than once: the last row kept", err=True)
    for line in result.skipped[:10]:
        click.echo(f"skipped {line}", err=True)
    if len(result.skipped) > 10:
        click.echo(f"... and {len(result.skipped) - 10} more rows skipped", err=True)


@ratings_group.command(name="list")
@format_option("text", "json")
@db_option
def ratings_list_cmd(format_, db_path):
    """List the imported raters: name, as-of date, scale, domains and source file."""
    import json

    from tracer.judge.ratings import list_raters

    raters = list_raters(open_existing_db(db_path))
    if format_ == "json":
        click.echo(json.dumps(raters, ensure_ascii=False, indent=2))
    elif not raters:
        click.echo("no ratings imported (tracer ratings import CSV --rater NAME --as-of DATE)", err=True)
    for r in raters if format_ == "text" else []:
        click.echo(f"{r['rater']}\t{r['as_of']}\tscale {r['scale']}\t{r['domains']} domains\t{r['source_file']}")


@ratings_group.command(name="lookup")
@click.argument("url")
@format_option("text", "json")
@db_option
def ratings_lookup_cmd(url, format_, db_path):
    """Every rater's score for the domain of URL (or a bare host), with its date; "unrated" where none."""
    import json

    from tracer.judge.ratings import describe, lookup

    found = lookup(open_existing_db(db_path), url)
    if format_ == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    elif not found:
        click.echo("no ratings imported (tracer ratings import CSV --rater NAME --as-of DATE)", err=True)
    for r in found if format_ == "text" else []:
        click.echo(describe(r))


# ---- tracer index / sources / crawl (the corpus, issue 6: tracer/corpus/, tracer/web/crawl.py) --


@cli.command(name="index")
@click.argument("warcs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Parsing processes (default: all cores; 1 parses in this process)")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where pages are parsed: a local process pool, or a Dask cluster")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler (tcp://host:8786); without it --engine dask starts a local cluster")
@click.option("--span-bytes", type=click.IntRange(4096), default=None, hidden=True,
              help="Compressed WARC bytes per unit of work (one transaction each)")
@click.option("--connect-timeout", type=click.FloatRange(0.1), default=20.0, hidden=True,
              help="Seconds to wait for the Dask scheduler")
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def index_cmd(warcs, workers, engine, scheduler, span_bytes, connect_timeout, format_, db_path):
    """Add every HTML page of the WARC files (or folders of them) to the corpus.

    Idempotent and resumable: pages already indexed (same URL and digest) are skipped,
    and a rerun after a crash continues where the last committed batch ended.

    Example: tracer index crawl/*.warc.gz --db corpus.db
    """
    import json

    from tracer.corpus.index import CorpusError, index_warcs

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    db = open_db(db_path)
    try:
        stats = index_warcs(db, warcs, workers=workers, engine=engine, scheduler=scheduler,
                            span_bytes=span_bytes, connect_timeout=connect_timeout)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        interrupted("every batch committed before it is kept; run the same command again to resume "
                    "where it stopped (indexed pages are not read twice)")
    if format_ == "json":
        click.echo(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(stats.summary())
        for error in stats.errors[:10]:
            click.echo(f"unreadable: {error}", err=True)
    if stats.no_records:  # issue 17: an archive that yields nothing is an error, and is tried again next run
        raise click.ClickException(f"{len(stats.no_records)} file(s) yielded no WARC record and were not indexed "
                                   f"(empty, not a WARC file, or unreadable from the start): "
                                   f"{', '.join(stats.no_records[:5])}{' ...' if len(stats.no_records) > 5 else ''}")


@cli.command(name="sources")
@click.option("--claim", required=True, callback=validate_claim, help="The claim as you read it (paraphrase is fine)")
@click.option("--format", "format_", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@db_option
def sources_cmd(claim, format_, db_path):
    """List the stored documents that carry CLAIM, whom each cites, and the independent origins.

    Answers from the corpus only (tracer index, tracer crawl), never from the network;
    near-duplicate copies (wire copy, syndication) are collapsed onto what they copy.

    Example: tracer sources --claim "North Korea stole $2 billion" --format json
    """
    import json

    import textwrap

    from tracer.claims.semantic import ClaimModelError
    from tracer.corpus.search import CorpusError, format_sources_text, sources, sources_csv

    from tracer.judge.claim import assess_claim

    db = open_existing_db(db_path)
    try:
        result = sources(db, claim)
    except (CorpusError, ClaimModelError) as exc:
        raise click.ClickException(str(exc)) from None
    # the per-claim judgement (independent origins, copies, laundering, amplification): additive
    result["credibility"] = assess_claim(result, db)
    if format_ == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif format_ == "csv":
        click.echo(sources_csv(result), nl=False)
    else:
        click.echo(format_sources_text(result))
        if result["documents"]:
            click.echo(textwrap.fill(f"Verdict: {result['credibility']['verdict']}", width=100,
                                     subsequent_indent="    "))
    if not result["documents"]:
        raise click.exceptions.Exit(EXIT_NO_CHAIN)  # the claim is not found: scripts can tell


@cli.command(name="crawl")
@click.argument("seeds", nargs=-1, callback=validate_urls)
@click.option("--depth", type=click.IntRange(0, 50), default=2, show_default=True,
              help="Links to follow from a seed (sitemap and feed entries count as seeds)")
@click.option("--same-host", is_flag=True, help="Follow only links on the host of the seed they came from")
@click.option("--max-pages", type=click.IntRange(1), default=None, help="Stop after fetching this many URLs")
@politeness_options
@fetch_options
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def crawl_cmd(seeds, depth, same_host, max_pages, timeout, delay, max_bytes, user_agent, archives, offline,
              allow_private, format_, db_path):
    """Crawl breadth-first from SEEDS (pages, sitemaps, RSS/Atom feeds) into the corpus.

    Cited links of attributions are fetched first. The database holds the queue and the
    visited set: run it again (seeds optional) to resume a stopped crawl.

    Example: tracer crawl https://example.com/sitemap.xml --depth 1 --same-host --max-pages 500
    """
    import json

    from tracer.web.crawl import CrawlError, crawl, stderr_progress

    db = open_db(db_path)
    # the README's politeness options, as on every command that fetches live
    politeness = {"timeout": timeout, "delay": delay, "max_bytes": max_bytes, "user_agent": user_agent}
    options = {key: value for key, value in politeness.items() if value is not None}
    try:
        stats = crawl(db, seeds, depth=depth, same_host=same_host, max_pages=max_pages, archives=archives,
                      offline=offline, allow_private=allow_private, progress=stderr_progress(), **options)
    except CrawlError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        interrupted("the queue and the pages fetched are stored; run tracer crawl again with the same --db "
                    "(seeds optional) to resume")
    if format_ == "json":
        click.echo(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(stats.summary())


# --- tracer attributions (issue 4) ---------------------------------------------------------


@cli.command(name="attributions")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--text", "is_text", is_flag=True, help="Inputs are plain text, not HTML")
@click.option("--base-url", default=None, help="URL that relative links of HTML inputs resolve against")
@fetch_options
@politeness_options
@format_option("text", "json", "jsonl")
def attributions_cmd(inputs, is_text, base_url, archives, offline, allow_private, timeout, delay, max_bytes,
                     user_agent, format_):
    """List who each document attributes what to: source, cue, content, kind, link.

    INPUTS are files, URLs or - (stdin); many in one call share one process.
    Offsets index into "text": the input itself with --text, else the page's main text.

    Example: tracer attributions page.html --format jsonl
    """
    import json

    from contextlib import nullcontext

    from tracer.attribution.attribute import format_attributions_text
    from tracer.page import analyse_input

    results = []
    if any("://" in name for name in inputs):
        from tracer.web.fetch import Fetcher

        # one fetcher for every URL input: robots.txt, pacing and the guard as in tracer fetch
        opened = Fetcher(archives=archives, offline=offline, allow_private=allow_private, timeout=timeout,
                         delay=delay, max_bytes=max_bytes, user_agent=user_agent)
    else:
        opened = nullcontext(None)  # files only: no fetcher (and none of its imports) is needed
    with opened as fetcher:
        for name in inputs:
            data = _read_input(name, fetcher)
            result = analyse_input(name, data, is_text=is_text, base_url=base_url)
            if format_ == "jsonl":
                click.echo(json.dumps(result, ensure_ascii=False))
            elif format_ == "text":
                click.echo(format_attributions_text(result))
            else:
                results.append(result)
    if format_ == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))


# --- tracer read (issue 14) -------------------------------------------------------------------


@cli.command(name="read")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--base-url", default=None, help="URL of an HTML or PDF file input (its links resolve against it)")
@fetch_options
@politeness_options
@format_option("text", "json", "jsonl")
def read_cmd(inputs, base_url, archives, offline, allow_private, timeout, delay, max_bytes, user_agent, format_):
    """Show what tracer reads on a page or document: title, publisher, author, dates (and
    where they came from), main text with paragraphs, sentences and links.

    INPUTS are HTML or PDF files, URLs, - (stdin), or WARC files (every HTML or PDF response
    record, one document each). Offsets index into "text".

    Example: tracer read pages.warc.gz --format jsonl
    """
    import json
    from contextlib import nullcontext

    from tracer.read.reader import document_json, format_document, is_warc, read_body, read_warc

    def emit(doc, facts=None):
        if format_ == "jsonl":
            click.echo(json.dumps(document_json(doc, facts), ensure_ascii=False))
        elif format_ == "text":
            click.echo(format_document(doc, facts) + "\n")
        else:
            collected.append(document_json(doc, facts))

    collected: list[dict] = []
    if any("://" in name for name in inputs):
        from tracer.web.fetch import Fetcher

        opened = Fetcher(archives=archives, offline=offline, allow_private=allow_private, timeout=timeout,
                         delay=delay, max_bytes=max_bytes, user_agent=user_agent)
    else:
        opened = nullcontext(None)
    with opened as fetcher:
        for name in inputs:
            if "://" not in name and name != "-" and is_warc(name):
                try:
                    for doc, facts in read_warc(name, **({"max_bytes": max_bytes} if max_bytes else {})):
                        emit(doc, facts)
                except (OSError, ValueError) as exc:
                    raise click.ClickException(str(exc)) from None
                continue
            content_type, url = None, base_url or (name if "://" in name else "")
            if "://" in name:
                result = fetcher.fetch(name)
                if not result.ok:
                    raise click.ClickException(f"{name}: {result.error or result.status}")
                data, content_type, url = result.body, result.content_type, result.final_url or name
            else:
                data = _read_input(name, fetcher)
            emit(read_body(data, url, content_type, **({"max_bytes": max_bytes} if max_bytes else {})))
    if format_ == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))


def _read_input(name: str, fetcher) -> bytes:
    """The bytes of a file, a URL (fetched politely) or stdin (-)."""
    if name == "-":
        return sys.stdin.buffer.read()
    if "://" in name:
        result = fetcher.fetch(name)
        if not result.ok:
            raise click.ClickException(f"{name}: {result.error or result.status}")
        return result.body
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{name}: {exc.strerror or exc}") from None


@cli.command(name="report")
@click.argument("trace_id", type=int, required=False)
@click.option("--last", is_flag=True, help="The last trace stored (the default)")
@click.option("--claim", default=None, help="The last trace of this claim (exact text, else a part of it)")
@click.option("--format", "format_", type=click.Choice(["md", "html", "json", "csv", "dot", "gexf", "prov"]),
              default="md", show_default=True, help="Report format")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file (default: stdout)")
@db_option
def report_cmd(trace_id, last, claim, format_, output, db_path):
    """Write the citation report of a stored trace, from the audit database only (no network).

    Formats: md (Markdown), html (one self-contained file), json (validates against
    tracer/data/report.schema.json), csv (a row per hop), dot (Graphviz), gexf (Gephi),
    prov (W3C PROV-JSON).

    Example: tracer report --last --format html -o report.html
    """
    from tracer.report.model import ReportError, build_report, find_trace_id
    from tracer.report.render import render

    if sum(x is not None and x is not False for x in (trace_id, claim, last or None)) > 1:
        raise click.UsageError("give one of TRACE_ID, --last or --claim")
    if output:
        refuse_output_over_db(output, db_path)
    db = open_existing_db(db_path)
    try:
        report = build_report(db, find_trace_id(db, trace_id, last=last, claim=claim))
        text = render(report, format_)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        try:
            Path(output).write_text(text, "utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"wrote {output} ({format_}, trace {report.trace.id})", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(name="serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default)")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve_cmd(db_path, host, port):
    """Browse the audit database in Datasette, with canned audit queries.

    Needs the optional extra: pip install "citation-tracer[datasette]"
    """
    from tracer import store
    from tracer.serve import ServeError, serve

    try:
        serve(db_path or store.default_db_path(), host=host, port=port)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None


# --- issue 8: credibility of a stored trace, or of a claim over the corpus (tracer/judge/)


@cli.command(name="credibility")
@click.argument("trace_id", type=int, required=False)
@click.option("--claim", default=None, help="Judge this claim over the stored pages (tracer sources) instead")
@format_option("text", "json")
@db_option
def credibility_cmd(trace_id, claim, format_, db_path):
    """Judge a stored trace again (the last by default), with the raters imported now; or,
    with --claim, every stored page carrying the claim: independent origins, copies,
    citation laundering, single-source amplification. Judges the trail, never the claim's truth.
    """
    import json

    from tracer import store
    from tracer.judge import chain, claim as claim_judge

    db = open_existing_db(db_path)
    if claim is not None:
        if trace_id is not None:
            raise click.UsageError("give a TRACE_ID or --claim, not both")
        from tracer.corpus.search import CorpusError, sources

        try:
            result = claim_judge.assess_claim(sources(db, claim), db)
        except CorpusError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(json.dumps(result, ensure_ascii=False, indent=2) if format_ == "json"
                   else claim_judge.format_claim_text(result))
        return
    trace_id = trace_id if trace_id is not None else store.last_trace_id(db)
    if trace_id is None:
        raise click.ClickException("no trace in the database: run tracer trace first")
    try:
        result = chain.recheck(db, trace_id)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if format_ == "json"
               else chain.format_trace_text(result))
