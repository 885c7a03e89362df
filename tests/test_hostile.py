"""Hostile and broken input through the CLI (issue 17): no traceback, no raw escape sequence,
nothing overwritten, no silent success. One test (or a few) per numbered case of the issue."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hostile_webs import BEL, CLEAR, ESC, OSC_TITLE, article, hostile_warc
from tracer.cli import cli

STORY = "https://daily.example/2024/03/bridge"
CLAIM = "the bridge will close for six months"


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


# ---- case 1: a control character right after a tag the extractor drops ------------------------

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85", "\ufffe", "\uffff"]


@pytest.mark.parametrize("tag", ["script", "style", "nav", "form", 'div class="ad"'])
def test_a_control_character_after_a_dropped_tag_is_no_crash(tmp_path, tag):
    name = tag.split()[0]
    for char in CONTROLS:
        page = tmp_path / "c.html"
        page.write_bytes(f"<p>Officials said a<{tag}></{name}>{char} the bridge would close.</p>".encode(
            "utf-8", "surrogatepass"))
        result = run("attributions", page, "--format", "jsonl")
        assert result.exit_code == 0, (repr(char), result.output)
        row = json.loads(result.output)
        assert "Officials said" in row["text"] and char not in row["text"]


def test_trace_and_index_read_a_page_with_control_characters(tmp_path):
    page = article(f"The bridge will close for six months, the <script>x()</script>\x1f city engineer said on "
                   f"Monday<nav>menu</nav>\x01 in a memo.")
    warc = hostile_warc(tmp_path, "controls", {STORY: page})
    result = run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--format", "json",
                 "--db", tmp_path / "t.db")
    assert result.exit_code == 0, result.output
    hop = json.loads(result.output)["hops"][0]
    assert hop["evidence"] and "city engineer" in hop["evidence"]
    result = run("index", warc, "--workers", "1", "--format", "json", "--db", tmp_path / "i.db")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 1


# ---- case 10: deep nesting ------------------------------------------------------------------------


def _nested(depth: int, inner: str) -> str:
    return "<div>" * depth + inner + "</div>" * depth


def test_a_page_nested_300_levels_deep_is_read(tmp_path):
    page = article(_nested(300, "<p>The bridge will close for six months, the city engineer said on Monday.</p>"))
    warc = hostile_warc(tmp_path, "deep300", {STORY: page})
    result = run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--format", "json",
                 "--db", tmp_path / "t.db")
    assert result.exit_code == 0, result.output
    hop = json.loads(result.output)["hops"][0]
    assert "city engineer" in (hop["evidence"] or "")
    assert "partly-read" not in hop["flags"]


def test_a_page_nested_past_the_parser_limit_is_a_recorded_outcome(tmp_path):
    page = article("The council met on Monday to talk about the bridge and the roads around it.",
                   _nested(3000, "<p>The bridge will close for six months, the city engineer said.</p>"))
    warc = hostile_warc(tmp_path, "deep3000", {STORY: page})
    result = run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--format", "json",
                 "--db", tmp_path / "t.db")
    hop = json.loads(result.output)["hops"][0]
    assert "partly-read" in hop["flags"]
    assert hop["page_problems"][0].startswith("too-deep:")
    report = run("report", "--db", tmp_path / "t.db", "--format", "json")
    assert "partly-read" in json.loads(report.output)["flags_explained"]

    (tmp_path / "deep.html").write_text(page, "utf-8")
    listed = run("attributions", tmp_path / "deep.html", "--format", "json")
    assert listed.exit_code == 0
    assert json.loads(listed.output)[0]["problems"][0].startswith("too-deep:")
    assert "# warning: too-deep:" in run("attributions", tmp_path / "deep.html").output


# ---- case 2: terminal escapes from pages never reach the terminal ---------------------------------

ESCAPES = re.compile(r"[\x1b\x07\x9b\x9d]")

HERALD = "https://herald.example/2024/03/memo"


def _escape_web(tmp_path):
    story = article(
        f"The bridge will close for six months, according to <a href=\"{HERALD}\">the Weekly{OSC_TITLE} "
        f"Herald{CLEAR}</a>, which saw the memo{BEL} first.",
        title=f"Daily{OSC_TITLE} Post", head=f'<meta property="og:site_name" content="Daily{CLEAR} Post">')
    memo = article(f"The bridge will close for six months, the city engineer {ESC}]0;X{BEL}Tom Ash{ESC}[0m "
                   "wrote in a memo to the council.", title=f"Herald{ESC}[5m memo")
    return hostile_warc(tmp_path, "escapes", {STORY: story, HERALD: memo})


def _assert_inert(*texts: str) -> None:
    for text in texts:
        assert not ESCAPES.search(text), repr(ESCAPES.search(text).group())


def test_page_escapes_reach_no_output(tmp_path):
    warc, db = _escape_web(tmp_path), tmp_path / "t.db"
    for fmt in ("text", "json"):
        result = run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--format", fmt, "--db", db)
        assert result.exit_code == 0, result.output
        _assert_inert(result.stdout, result.stderr)
    run("index", warc, "--workers", "1", "--db", db)
    for args in (["credibility"], ["sources", "--claim", CLAIM], ["sources", "--claim", CLAIM, "--format", "csv"],
                 *(["report", "--format", f] for f in ("md", "csv", "dot", "gexf", "prov", "json", "html"))):
        result = run(*args, "--db", db)
        assert result.exit_code == 0, (args, result.output)
        _assert_inert(result.stdout, result.stderr)
    (tmp_path / "page.html").write_text(article(f"Officials said{OSC_TITLE} the bridge would close."), "utf-8")
    for fmt in ("text", "json", "jsonl"):
        _assert_inert(run("attributions", tmp_path / "page.html", "--format", fmt).output)


def test_escapes_stored_by_an_older_tracer_reach_no_output(tmp_path):
    """A database written before pages were cleaned holds raw sequences: output is cleaned on the way out."""
    warc, db = _escape_web(tmp_path), tmp_path / "t.db"
    run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--db", db)
    with sqlite3.connect(db) as conn:
        conn.execute("update hops set source = source || ?, evidence = ? || evidence, cite_source = ?",
                     [OSC_TITLE, CLEAR, f"Herald{OSC_TITLE}"])
        conn.execute("update documents set publisher = ?, text = text || ?", [f"Post{OSC_TITLE}", OSC_TITLE])
        conn.execute("update traces set claim = claim || ?", [BEL])
    for args in (["credibility"], ["report", "--format", "md"], ["report", "--format", "csv"],
                 ["sources", "--claim", CLAIM], ["sources", "--claim", CLAIM, "--format", "csv"]):
        result = run(*args, "--db", db)
        assert result.exit_code in (0, 3), (args, result.output)
        _assert_inert(result.stdout, result.stderr)


def test_a_file_name_with_escapes_is_shown_inert(tmp_path):
    page = tmp_path / f"story{OSC_TITLE}.html"
    page.write_text(article("Officials said the bridge would close."), "utf-8")
    result = run("attributions", page)
    assert result.exit_code == 0 and "story" in result.output
    _assert_inert(result.output)


def test_progress_lines_on_a_terminal_are_inert(tmp_path):
    """The hop progress line is shown only when stderr is a terminal: run tracer on a pseudo-terminal."""
    warc = _escape_web(tmp_path)
    leader, follower = pty.openpty()
    env = {**os.environ, "TRACER_DB": str(tmp_path / "pty.db")}
    env.pop("TRACER_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "tracer", "trace", STORY, "--claim", CLAIM, "--archive", str(warc),
                             "--offline"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    stderr = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower side closed: the process is done
            break
        if not chunk:
            break
        stderr += chunk
    stdout, _ = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0, (stdout, stderr)
    assert b"hop 0:" in stderr and b"hop 1:" in stderr
    _assert_inert(stdout.decode(), stderr.decode())


# ---- case 4: every CSV quotes what a spreadsheet would run -----------------------------------------


def test_sources_csv_quotes_formulas(tmp_path):
    story = article("The bridge will close for six months, according to <a href=\"https://b.example/x\">@SUM(1+1)</a>, "
                    "which first reported it.",
                    head='<meta property="og:site_name" content="=HYPERLINK(&quot;http://evil.example&quot;)">')
    warc, db = hostile_warc(tmp_path, "formula", {STORY: story}), tmp_path / "t.db"
    run("index", warc, "--workers", "1", "--db", db)
    result = run("sources", "--claim", CLAIM, "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    cells = rows[1]
    assert cells[1] == "'=HYPERLINK(\"http://evil.example\")"
    assert cells[4].startswith("'@SUM") and cells[5].startswith("'@SUM")
    assert all(not c or c[0] not in "=+-@" for c in cells), cells


# ---- case 9: PROV-JSON converts to PROV-XML ------------------------------------------------------------


def test_prov_json_has_only_xml_characters(tmp_path):
    from prov.model import ProvDocument

    story = article("The bridge will close for six months, the city engineer said on Monday in a memo.")
    warc, db = hostile_warc(tmp_path, "prov", {STORY: story}), tmp_path / "t.db"
    run("trace", STORY, "--claim", "the bridge\x01 will close for six months\ufffe", "--archive", warc, "--offline",
        "--db", db)
    with sqlite3.connect(db) as conn:  # as an older tracer stored page text: controls kept
        conn.execute("update hops set evidence = evidence || ?, title = ?", ["\x01\ufffe", "T\x02itle\uffff"])
    result = run("report", "--format", "prov", "--db", db)
    assert result.exit_code == 0, result.output
    document = ProvDocument.deserialize(content=result.stdout, format="json")
    xml = document.serialize(format="xml")
    assert "city engineer" in xml
