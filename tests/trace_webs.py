"""Trace a fixture web (fixtures/web/<name>) from its WARC, as a user would on the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tracer.cli import cli
from tracer.fixtures import load_web


def trace_web(name: str, web_warc, tmp_path, *more: str, claim: str | None = None, start: str | None = None) -> dict:
    """The trace JSON of ``tracer trace`` on a fixture web: its start page and claim unless given."""
    web = load_web(name)
    result = CliRunner().invoke(cli, ["trace", start or web.start_url, "--claim", claim or web.claim,
                                      "--archive", str(web_warc(name)), "--offline", "--format", "json",
                                      "--db", str(tmp_path / f"{name}.db"), *more])
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)
