"""The ``tracer`` command: a thin layer over the Python API.

Machine output (``--format json`` and friends) goes to stdout; messages and
progress go to stderr. Library errors become one-line click errors.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click

from . import __version__, store
from .fixtures import FixtureError, build_warc, load_web
from .models import Hop
from .report import dumps, format_text
from .trace import DEFAULT_MAX_HOPS, trace as run_trace

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
                         help="Answer from this WARC file (repeatable)"),
            click.option("--offline", is_flag=True, help="Never use the network: a URL in no archive is not-archived"),
            click.option("--allow-private", is_flag=True,
                         help="Allow loopback and private addresses (tests, intranets)"),
        ]
    ):
        fn = option(fn)
    return fn


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "format_", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format")


def open_db(db_path: str | None):
    try:
        return store.open_db(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None


def validate_url(ctx, param, value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


def hop_progress():
    """A line on stderr per hop, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(hop: Hop) -> None:
        click.echo(f"  hop {hop.depth}: {hop.source or ''} {hop.url or '(not online)'}", err=True)

    return show


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="tracer")
def cli():
    "Trace a news claim back through its citations to its origin, with an audit trail."


@cli.command(name="trace")
@click.argument("url", callback=validate_url)
@click.option("--claim", required=True, help="The claim as you read it (paraphrase is fine)")
@fetch_options
@click.option("--max-hops", type=click.IntRange(1, 50), default=DEFAULT_MAX_HOPS, show_default=True)
@format_option("text", "json")
@db_option
def trace_cmd(url, claim, archives, offline, allow_private, max_hops, format_, db_path):
    """Trace CLAIM from the page at URL to its origin, storing every hop.

    Example: tracer trace https://example.com/story --claim "North Korea stole $2 billion"
    """
    db = open_db(db_path)
    result = run_trace(url, claim, db=db, archives=archives, offline=offline, allow_private=allow_private,
                       max_hops=max_hops, progress=hop_progress())
    if format_ == "json":
        click.echo(dumps(result))
    else:
        click.echo(format_text(result))


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
    try:
        fixture = load_web(web)
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
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
