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


# ---- case 6: more tracebacks, now one line each ---------------------------------------------------


@pytest.fixture
def traced_db(tmp_path):
    story = article("The bridge will close for six months, the city engineer said on Monday in a memo.")
    warc = hostile_warc(tmp_path, "bridge", {STORY: story})
    db = tmp_path / "t.db"
    assert run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--db", db).exit_code == 0
    assert run("index", warc, "--workers", "1", "--db", db).exit_code == 0
    return db, warc


def _one_line_error(result, *words):
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert all(word in lines[0] for word in words), lines[0]


def test_a_database_with_corrupt_pages_is_a_one_line_error(traced_db, tmp_path, monkeypatch):
    monkeypatch.delenv("TRACER_DEBUG")
    db, warc = traced_db
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        pages = conn.execute("pragma page_count").fetchone()[0]
    damaged_seen = 0
    for page in range(2, pages + 1, 3):  # every third page but the schema's
        copy = tmp_path / f"corrupt{page}.db"
        data = bytearray(db.read_bytes())
        data[(page - 1) * 4096 : page * 4096] = b"\xff" * 4096
        copy.write_bytes(bytes(data))
        for args in (["report"], ["report", "--format", "prov"], ["credibility"], ["sources", "--claim", CLAIM],
                     ["trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline"]):
            result = run(*args, "--db", copy)
            assert result.exit_code in (0, 1, 3), (page, args, result.output)
            if result.exit_code == 1:
                _one_line_error(result)
                damaged_seen += "damaged" in result.output
    assert damaged_seen  # the corruption was met, and named


def test_report_claim_is_text_not_a_pattern(traced_db):
    db, _ = traced_db
    result = run("report", "--db", db, "--claim", "bridge " * 10000)  # 70,000 characters
    _one_line_error(result, "no stored trace")
    _one_line_error(run("report", "--db", db, "--claim", "%"), "no stored trace")  # no wildcard matching all
    assert run("report", "--db", db, "--claim", "BRIDGE will close").exit_code == 0


def _make_read_only(path):
    if os.geteuid() != 0:
        path.chmod(0o444)
        return lambda: path.chmod(0o644)
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip("running as root without chattr: no way to make a read-only file here")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_is_a_one_line_error(traced_db, monkeypatch):
    monkeypatch.delenv("TRACER_DEBUG")
    db, warc = traced_db
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    undo = _make_read_only(db)
    try:
        result = run("trace", STORY, "--claim", CLAIM, "--archive", warc, "--offline", "--db", db)
        _one_line_error(result, "read-only")
        assert run("report", "--db", db).exit_code == 0  # reading it still works
    finally:
        undo()


@pytest.mark.parametrize("args", [
    ["crawl", "http://[::1"],
    ["trace", STORY, "--claim", CLAIM, "--memento", "http://[::1"],
    ["trace", "http://exa mple.com/", "--claim", CLAIM],
    ["trace", "http://[::1", "--claim", CLAIM],
    ["trace", "http://example.com:99999/", "--claim", CLAIM],
    ["crawl", "https://bad host.example/"],
])
def test_malformed_urls_are_usage_errors(args, tmp_path):
    result = run(*args, "--db", tmp_path / "t.db", "--offline")
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output


def test_a_malformed_memento_url_in_the_environment_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACER_MEMENTO", "http://[::1")
    result = run("trace", STORY, "--claim", CLAIM, "--db", tmp_path / "t.db", "--offline")
    assert result.exit_code == 2 and "TRACER_MEMENTO" in result.output


# ---- case 7: an output path that is the database ---------------------------------------------------


def test_output_over_the_database_is_refused(traced_db, tmp_path):
    db, _ = traced_db

    def content():  # what the database holds (its bytes move when an idle connection checkpoints the WAL)
        with sqlite3.connect(db) as conn:
            return "\n".join(conn.iterdump())

    before = content()
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    for output in (db, tmp_path / "link.db", tmp_path / "hard.db", tmp_path / "sub" / ".." / "t.db",
                   tmp_path / "t-warc" / "x.warc.gz"):
        for args in (["report", "-o", output], ["report", "--format", "html", "-o", output],
                     ["evidence", "1", "-o", output]):
            result = run(*args, "--db", db)
            assert result.exit_code == 2, (args, result.output)
            assert "choose another file" in result.output
    assert content() == before
    assert run("report", "-o", tmp_path / "report.md", "--db", db).exit_code == 0


# ---- case 8: unusable input is an error, never "done" ------------------------------------------------


def _bad_archives(tmp_path, good):
    data = good.read_bytes()
    broken = bytearray(data)
    broken[30:200] = bytes(b ^ 0x5A for b in broken[30:200])
    files = {
        "empty.warc.gz": b"",
        "gzip-broken.warc.gz": bytes(broken),
        "not-warc.warc": b"<html><body>just a page</body></html>\n" * 20,
        "random.warc.gz": os.urandom(4096),
        # warcio reads bytes after a blank first line as a header-less record (1 in ~200 random files)
        "blank-line-random.warc.gz": b"\n" + os.urandom(4095),
        "empty-gzip.warc.gz": __import__("gzip").compress(b""),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return [tmp_path / name for name in files]


def test_unusable_archives_are_errors_and_never_done(traced_db, tmp_path):
    db, warc = traced_db
    for bad in _bad_archives(tmp_path, warc):
        for attempt in range(2):  # the second run must not call it "unchanged"
            result = run("index", bad, "--workers", "1", "--db", db)
            assert result.exit_code == 1, (bad.name, attempt, result.output)
            assert "yielded no WARC record" in result.output and "unchanged" not in result.output
        with sqlite3.connect(db) as conn:
            row = conn.execute("select finished_at from corpus_files where path = ?", [str(bad.resolve())]).fetchone()
        assert row is None or row[0] is None
        result = run("trace", STORY, "--claim", CLAIM, "--archive", bad, "--offline", "--db", db)
        assert result.exit_code == 2 and "--archive" in result.output, (bad.name, result.output)
        if bad.name.endswith((".warc", ".warc.gz")):
            _one_line_error(run("read", bad), bad.name)  # tracer read: an error, not an empty listing
    # a good archive next to a bad one: the good one is indexed, the run still fails
    result = run("index", warc, tmp_path / "random.warc.gz", "--workers", "1", "--db", tmp_path / "mixed.db",
                 "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["documents"] == 1


def test_someone_elses_sqlite_file_is_refused_unless_empty(tmp_path):
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as conn:
        conn.execute("create table recipes (name text, minutes int)")
        conn.execute("insert into recipes values ('soup', 30)")
    before = theirs.read_bytes()
    for args in (["trace", "http://exa.example/", "--claim", CLAIM, "--offline"], ["fetch", "http://exa.example/",
                 "--offline"], ["report"], ["ratings", "list"]):
        result = run(*args, "--db", theirs)
        assert result.exit_code == 1 and "another program" in result.output, (args, result.output)
    assert theirs.read_bytes() == before
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a valid SQLite file without tables (or a 0-byte file) is taken
    assert run("fetch", "http://exa.example/", "--offline", "--db", empty).exit_code == 0
    assert sqlite3.connect(empty).execute("select count(*) from fetches").fetchone()[0] == 1


def test_an_archive_broken_in_the_middle_keeps_its_readable_records(tmp_path):
    pages = {f"https://news.example/2024/story-{n}": article(f"Story {n}: the ferry timetable changes in spring.")
             for n in range(6)}
    warc = hostile_warc(tmp_path, "six", pages)
    data = bytearray(warc.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 300] = bytes(b ^ 0x5A for b in data[middle:middle + 300])  # one member's bytes garbled
    warc.write_bytes(bytes(data))
    result = run("index", warc, "--workers", "1", "--db", tmp_path / "t.db", "--format", "json")
    assert result.exit_code == 0  # a recorded outcome: what could be read is indexed, the rest is named
    stats = json.loads(result.stdout)
    assert 3 <= stats["documents"] < 6 and len(stats["errors"]) == 1
    assert "no WARC record could be read here" in stats["errors"][0]
    assert all(ch.isprintable() for ch in result.stderr.replace("\n", "")), result.stderr
