"""Exit codes as a script sees them (README "Exit codes"): 0 a chain was traced, whatever its
origin; 1 tracer could not do it; 2 usage; 3 no chain (start page unreadable, claim not found);
and read commands never create the database they were asked to read."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracer.cli import cli
from tracer.fixtures import load_web
from tracer.store import open_db

SEED = load_web("seed")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_traced_chain_exits_0(seed_warc, tmp_path):
    result = invoke("trace", SEED.start_url, "--claim", SEED.claim, "--archive", seed_warc, "--offline",
                    "--db", tmp_path / "t.db")
    assert result.exit_code == 0, result.output
    assert "Origin: a UN confidential report" in result.stdout


def test_a_chain_that_ends_at_a_dead_link_is_still_a_chain(web_warc, tmp_path):
    web = load_web("rot-dead")
    result = invoke("trace", web.start_url, "--claim", web.claim, "--archive", web_warc("rot-dead"), "--offline",
                    "--no-archive-fallback", "--format", "json", "--db", tmp_path / "t.db")
    data = json.loads(result.stdout)
    assert data["origin"]["reason"] == "broken-link" and data["hops"][0]["evidence"]
    assert result.exit_code == 0


@pytest.mark.parametrize("url, claim, reason", [
    ("https://nowhere.example/story", SEED.claim, "not-archived"),  # the start page cannot be read
    (SEED.start_url, "Penguins elected a mayor in Antarctica", "claim-not-found"),
])
def test_no_chain_exits_3_after_printing_the_result(seed_warc, tmp_path, url, claim, reason):
    result = invoke("trace", url, "--claim", claim, "--archive", seed_warc, "--offline", "--format", "json",
                    "--db", tmp_path / "t.db")
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["origin"]["reason"] == reason


def test_demo_exit_codes():
    assert invoke("demo").exit_code == 0
    assert invoke("demo", "--claim", "Penguins elected a mayor in Antarctica").exit_code == 3
    # a web that only holds captures for another web's traces has nothing to trace: usage
    archive_only = invoke("demo", "--web", "rot-dead-archive")
    assert archive_only.exit_code == 2 and "no start URL" in archive_only.stderr
    assert "Traceback" not in archive_only.output


def test_sources_exits_3_when_no_stored_page_carries_the_claim(seed_warc, tmp_path):
    db = tmp_path / "c.db"
    assert invoke("index", seed_warc, "--db", db, "--workers", 1).exit_code == 0
    assert invoke("sources", "--claim", SEED.claim, "--db", db).exit_code == 0
    nothing = invoke("sources", "--claim", "Penguins elected a mayor in Antarctica", "--db", db)
    assert nothing.exit_code == 3 and "No stored document carries this claim" in nothing.stdout


READ_COMMANDS = [
    ["sources", "--claim", "North Korea stole $2 billion"],
    ["report"],
    ["report", "--last", "--format", "json"],
    ["audit", "--all"],
    ["audit", "1"],
    ["credibility"],
    ["credibility", "--claim", "North Korea stole $2 billion"],
    ["evidence", "1", "-o", "case.wacz"],
    ["ratings", "list"],
    ["ratings", "lookup", "reuters.com"],
    ["serve"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_read_commands_refuse_a_database_that_does_not_exist(args, tmp_path):
    typo = tmp_path / "tarcer.db"
    result = invoke(*args, "--db", typo)
    assert result.exit_code == 1, result.output
    assert f"no database at {typo}" in result.stderr and result.stderr.count("\n") == 1
    assert not typo.exists() and list(tmp_path.iterdir()) == []  # nothing created


@pytest.mark.parametrize("args", [READ_COMMANDS[0], READ_COMMANDS[5]], ids=lambda a: a[0])
def test_the_default_database_must_exist_too(args, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACER_DB", str(tmp_path / "missing.db"))
    result = invoke(*args)
    assert result.exit_code == 1 and "no database at" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_read_commands_read_an_existing_database(tmp_path):
    open_db(tmp_path / "t.db").close()
    assert invoke("ratings", "list", "--db", tmp_path / "t.db").exit_code == 0
    assert invoke("audit", "--all", "--db", tmp_path / "t.db").exit_code == 0


def test_ctrl_c_during_a_trace_says_what_is_kept(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from servers import never_answers, serve

    db_path = tmp_path / "t.db"
    with serve({"/story": never_answers(60)}) as server:
        cmd = [sys.executable, "-m", "tracer", "trace", server.url("/story"), "--claim", "the ferry was late",
               "--allow-private", "--delay", "0", "--timeout", "60", "--db", str(db_path)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 60
        while "/story" not in server.paths and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted: the hops read so far are stored as trace 1 (tracer report 1 --db" in err
    assert "Traceback" not in err and "Aborted!" not in err
