"""Hostile and broken input through the CLI (issue 17): no traceback, no raw escape sequence,
nothing overwritten, no silent success. One test (or a few) per numbered case of the issue."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hostile_webs import article, hostile_warc
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
