"""The command line as a whole: help, docs, versions, shared options."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from servers import never_answers, page, serve
from tracer import __version__
from tracer.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def all_commands(group: click.Group = cli, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize("name, command", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help(name, command):
    assert command.help, f"tracer {name} has no help text"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("name", [n for n, _ in all_commands()])
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"tracer {re.escape(name)}\b", README), f"README does not mention `tracer {name}`"


def test_readme_starts_with_the_two_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    # a user's install, not an editable one: tests/test_install.py checks it works from a wheel
    assert block[0].startswith("pip install . && tracer demo")
    assert block[1].startswith('pip install ".[test]" && python -m pytest')


def test_ci_runs_the_readme_commands():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    for line in block:
        assert line.split("#", 1)[0].strip() in ci


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["tracee"])
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_trace_timeout_reaches_the_fetcher(tmp_path):
    with serve({"/slow": never_answers(30)}) as server:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["trace", server.url("/slow"), "--claim", "anything at all",
                                          "--allow-private", "--timeout", "0.5", "--format", "json",
                                          "--db", str(tmp_path / "t.db")])
        elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.stderr  # no chain: the start page could not be read
    data = json.loads(result.stdout)
    assert data["hops"][0]["error"] == "timeout"
    assert data["origin"]["reason"] == "fetch-error"
    assert elapsed < 5


def test_trace_user_agent_reaches_the_server(tmp_path):
    seen = []

    def handler(request):
        seen.append(request.headers.get("User-Agent"))
        page("<p>Nothing here cites anyone about the moon.</p>")(request)

    with serve({"/robots.txt": page("", status=404, content_type="text/plain"), "/story": handler}) as server:
        result = CliRunner().invoke(cli, ["trace", server.url("/story"), "--claim", "moon landing was faked",
                                          "--allow-private", "--user-agent", "factcheck-bot/1.0 (+https://desk.example)",
                                          "--delay", "0", "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 3, result.stderr  # read, but it does not carry the claim
    assert seen == ["factcheck-bot/1.0 (+https://desk.example)"]


def test_crawl_takes_the_politeness_options(tmp_path):
    seen = []

    def handler(request):
        seen.append(request.headers.get("User-Agent"))
        page("<p>Nothing here cites anyone about the moon.</p>")(request)

    with serve({"/robots.txt": page("", status=404, content_type="text/plain"), "/story": handler,
                "/slow": never_answers(30)}) as server:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["crawl", server.url("/story"), server.url("/slow"), "--depth", "0",
                                          "--allow-private", "--user-agent", "factcheck-bot/1.0", "--delay", "0",
                                          "--timeout", "0.5", "--max-bytes", "100000", "--format", "json",
                                          "--db", str(tmp_path / "c.db")])
        elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert seen == ["factcheck-bot/1.0"]
    assert json.loads(result.stdout)["errors"] == {"timeout": 1} and elapsed < 10


def test_page_metadata_cannot_drive_the_terminal(tmp_path):
    """ESC/BEL in og:site_name or <title> (a terminal title or clear-screen sequence) is dropped."""
    from tracer.fixtures import build_warc

    web = tmp_path / "web"
    (web / "pages").mkdir(parents=True)
    url, claim = "https://esc.example/a/", "The harbour bridge will close for repairs in May"
    (web / "manifest.json").write_text(json.dumps({"name": "esc", "captured_at": "2024-01-02T00:00:00Z",
                                                   "start_url": url, "claim": claim,
                                                   "pages": [{"url": url, "file": "pages/one.html"}]}))
    (web / "pages" / "one.html").write_bytes(
        b'<html><head><meta property="og:site_name" content="Evil\x1b]0;pwned\x07\x1b[2J\x9b31m News">'
        b"<title>Bridge\x1b[31m</title></head><body><article><p>The harbour bridge will close for repairs "
        b"in May, the city council said on Monday.</p></article></body></html>")
    warc = build_warc(web, tmp_path / "esc.warc.gz")
    for fmt in ("text", "json"):
        result = CliRunner().invoke(cli, ["trace", url, "--claim", claim, "--archive", str(warc), "--offline",
                                          "--format", fmt, "--db", str(tmp_path / "t.db")])
        assert result.exit_code == 0, result.output
        assert "Evil" in result.stdout and "News" in result.stdout
        assert "pwned" not in result.stdout  # escape sequences are dropped whole, payload and all (issue 17)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\\u001b|\\u0007|\\u009b", result.stdout)


@pytest.mark.parametrize("command", [["trace", "https://example.com/story"], ["sources"]])
@pytest.mark.parametrize("claim", ["", "   ", "?!"])
def test_empty_claim_is_a_usage_error(command, claim, tmp_path):
    result = CliRunner().invoke(cli, [*command, "--claim", claim, "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 2
    assert "the claim is empty" in result.stderr
    assert not (tmp_path / "t.db").exists()  # nothing was started


def test_database_from_a_newer_tracer_is_refused_in_one_line(tmp_path):
    import sqlite3

    db_path = tmp_path / "newer.db"
    first = CliRunner().invoke(cli, ["trace", "https://x.example/", "--claim", "a claim", "--offline",
                                     "--db", str(db_path)])
    assert first.exit_code == 3  # not archived: no chain, but the database exists
    with sqlite3.connect(db_path) as conn:  # what a later version's migration leaves behind
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                     "values ('tracer', 'm999_from_the_future', '2099-01-01')")
        conn.execute("alter table hops add column future_required text not null default 'x'")
    for args in (["trace", "https://x.example/", "--claim", "a claim", "--offline"], ["report"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(db_path)])
        assert result.exit_code == 1, result.output
        assert "written by a newer tracer (schema m999_from_the_future)" in result.stderr
        assert result.stderr.count("\n") == 1


def test_readme_shows_what_the_demo_prints():
    shown = README.split("```\n$ tracer demo\n", 1)[1].split("```", 1)[0]
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0
    assert result.stdout == shown


def test_attributions_of_a_url_go_through_the_fetcher():
    html = "<html><body><article><p>The storm killed 12 people, the Met Office said on Monday.</p></article></body></html>"
    with serve({"/robots.txt": page("", status=404, content_type="text/plain"), "/story": page(html)}) as server:
        refused = CliRunner().invoke(cli, ["attributions", server.url("/story")])
        allowed = CliRunner().invoke(cli, ["attributions", server.url("/story"), "--allow-private", "--format", "jsonl"])
        paths = server.paths
    assert refused.exit_code == 1 and "private-address" in refused.stderr
    assert allowed.exit_code == 0, allowed.stderr
    record = json.loads(allowed.stdout)
    assert record["file"].endswith("/story")
    assert [a["source_name"] for a in record["attributions"]] == ["the Met Office"] or \
        [a["source_name"] for a in record["attributions"]] == ["Met Office"]
    assert paths.count("/story") == 1  # the refused call made no request


def test_every_module_is_in_the_readme_code_map():
    package = Path(__file__).resolve().parent.parent / "tracer"
    code_map = README.split("The code, one folder a stage", 1)[1].split("\n\n", 2)[1]
    rows = {line.split("|")[1].strip().strip("`"): line for line in code_map.splitlines()[2:]}
    missing = []
    for path in package.rglob("*.py"):
        if path.name in {"__init__.py", "__main__.py", "models.py"}:
            continue
        folder = path.parent.name + "/" if path.parent != package else "top level"
        if f"`{path.name}`" not in rows.get(folder, ""):
            missing.append(str(path.relative_to(package)))
    assert missing == []
