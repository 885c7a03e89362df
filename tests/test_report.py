"""`tracer report` in every format, over stored traces: the seed story, a loop, a dead link, and a
trace written through the store API whose every field is known (so its Markdown and CSV are
asserted whole)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import jsonschema
import networkx
import pydot
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from prov.model import ProvDocument

from report_fixtures import (
    CRAFTED_CLAIM,
    DEAD_CLAIM,
    DEAD_START,
    GAZETTE,
    GAZETTE_LINK,
    LOOP_CLAIM,
    LOOP_WEB,
    SEED,
    SEED_CLAIM,
    SHA_A,
    SHA_B,
    VALLEY,
    crafted_trace,
    loop_traces,
    seed_trace,
)
from tracer import store
from tracer.cli import cli
from tracer.report.model import (
    FLAG_REASONS,
    REPORT_FORMATS,
    build_report,
    claim_marks,
    load_schema,
    report_from_trace,
    report_json,
)
from tracer.report.render import render

REUTERS = SEED.pages[1].url


def report_for(stored, fmt, *, sources=False, generated_at="2024-05-03T00:00:00Z"):
    db = store.open_db(stored.db_path)
    report = build_report(db, stored.trace_id, sources=sources)
    report.generated_at = generated_at
    text = render(report, fmt)
    db.close()
    return text


def cli_report(stored, *args):
    result = CliRunner().invoke(cli, ["report", str(stored.trace_id), "--db", str(stored.db_path), *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


@pytest.fixture
def crafted(tmp_path):
    return crafted_trace(tmp_path / "crafted.db")


@pytest.fixture
def seed(tmp_path, seed_warc):
    return seed_trace(tmp_path, seed_warc)


@pytest.fixture
def loop_and_dead(tmp_path, web_warc):
    return loop_traces(tmp_path, web_warc("report-loop"))


# --------------------------------------------------------------------------- Markdown

CRAFTED_MD = """\
# Citation report: trace 1

**Claim:** The mayor spent 3 million euros on the new bridge

**Verdict:** Origin not identified: the chain ends at people familiar with the matter — the claim rests on \
anonymous sources (anonymous-source).

Traced from <https://valley-post.example/2024/05/bridge-costs>, started 2024-05-02T09:00:00Z, finished \
2024-05-02T09:00:03Z.

## Chain

### Hop 0: Valley Post (outlet)

- URL: <https://valley-post.example/2024/05/bridge-costs>
- Title: What the bridge cost
- Published: 2024-05-01
- Evidence (match 1.00): “The **mayor spent 3 million euros** on the **new bridge**, the \\***Bridge** Gazette\\* \
reported.”
- Cites: **Bridge Gazette** (outlet) with the cue “reported”; link followed: <https://gazette.example/b/77>
- Fetch: fetched 2024-05-02T09:00:01Z · HTTP 200 · sha256 `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` \
· replayed from a web archive

### Hop 1: Bridge Gazette (outlet)

- URL: <https://bridge-gazette.example/news/bridge-bill>
- Link followed: <https://gazette.example/b/77>
- Redirect: <https://gazette.example/b/77> → HTTP 301 → <https://bridge-gazette.example/news/bridge-bill>
- Title: The bridge bill
- Published: 2024-04-29
- Evidence (match 0.70): “The **bridge** cost 2.5 **million euros**, people familiar with the matter said: \
"\\<b\\>over budget\\</b\\>".”
- Cites: **people familiar with the matter** (anonymous) with the cue “said”; no link
- Drift: 3 million euros became 2.5 million euros
- Fetch: fetched 2024-05-02T09:00:02Z · HTTP 200 · sha256 `bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb` \
· replayed from a web archive
- Flags: `redirect` (a cited link redirected elsewhere; the page read is at the final URL, and both are shown); \
`claim-drift` (the claim changed between hops: the figures (or hedges, quotes, names) differ from the page upstream); \
`anonymous-source` (the claim rests on anonymous sources, whom nobody can check)
- Chain stops here: `anonymous-source` (the claim rests on anonymous sources)

## Flags

- `redirect`: a cited link redirected elsewhere; the page read is at the final URL, and both are shown.
- `claim-drift`: the claim changed between hops: the figures (or hedges, quotes, names) differ from the page upstream.
- `anonymous-source`: the claim rests on anonymous sources, whom nobody can check.

## Secondary sources

None listed: secondary sources were not looked up for this report.

Report generated 2024-05-03T00:00:00Z by tracer from the audit database; words in **bold** in the evidence are \
the claim's words. Page text is quoted as read, Markdown characters escaped.
"""


def test_markdown_of_a_known_trace_exactly(crafted):
    assert report_for(crafted, "md") == CRAFTED_MD


def test_markdown_of_the_seed_chain(seed):
    text = cli_report(seed, "--format", "md")
    lines = text.splitlines()
    assert lines[0] == f"# Citation report: trace {seed.trace_id}"
    assert lines[2] == f"**Claim:** {SEED_CLAIM}"
    assert lines[4].startswith("**Verdict:** Origin named but not online: ")
    assert lines[4].endswith("(unlinked-source).")
    heads = [line for line in lines if line.startswith("### Hop")]
    assert heads[:2] == ["### Hop 0: CoinWire (outlet)", "### Hop 1: Reuters (outlet)"]
    assert len(heads) == 3 and heads[2].startswith("### Hop 2: ") and heads[2].endswith(" (document)")
    un_report = heads[2][len("### Hop 2: "):-len(" (document)")]
    assert "UN" in un_report
    assert f"- URL: <{SEED.start_url}>" in lines
    assert f"- URL: <{REUTERS}>" in lines
    assert "- Published: 2019-08-06T09:15:00+03:00" in lines
    # the evidence with the claim's words in bold, the cue and source named
    evidence = next(line for line in lines if line.startswith("- Evidence") and "DPRK" in line)
    assert "**steal**" in evidence and "**$2 billion**" in evidence
    assert f"- Cites: **Reuters** (outlet) with the cue “According to”; link followed: <{REUTERS}>" in lines
    assert f"- Cites: **{un_report}** (document) with the cue “showed”; no link" in lines
    # the audit trail of each page read
    for page in SEED.pages:
        digest = __import__("hashlib").sha256(SEED.body(page)).hexdigest()
        assert any(line.startswith("- Fetch: fetched 2019-08-07T12:00:00Z · HTTP 200 · sha256 "
                                   f"`{digest}` · replayed from a web archive") for line in lines)
    assert "- Not fetched: named, not linked, not online" in lines
    assert f"- `unlinked-source`: {FLAG_REASONS['unlinked-source']}." in lines
    assert "## Secondary sources" in lines


def test_markdown_of_a_loop_and_a_dead_link(loop_and_dead):
    loop, dead = loop_and_dead
    text = report_for(loop, "md")
    assert "**Verdict:** Origin not reached: the chain stops at Harbour Daily — the citations go round in a " \
           "circle (loop)." in text
    assert "- Loop: this citation points back at hop 0" in text
    assert "- Redirect: <https://coastal-ledger.example/p/5521> → HTTP 301 → " \
           "<https://coastal-ledger.example/news/2024/port-fees-40-euros>" in text
    assert f"- `loop`: {FLAG_REASONS['loop']}." in text
    assert f"- `redirect`: {FLAG_REASONS['redirect']}." in text
    # markup quoted on a page is escaped, never live
    assert r'\<script\>alert("**fees**")\</script\> "\>\<img src=x onerror=alert(1)\>' in text
    assert not re.search(r"(?<!\\)<(script|img)", text)

    text = report_for(dead, "md")
    assert "**Verdict:** Origin not reached: the chain stops at Island Times — the cited link is dead " \
           "(broken-link)." in text
    assert "### Hop 1: Island Times (outlet)" in text
    assert re.search(r"- Fetch: fetched \S+ · HTTP 404 · sha256 `[0-9a-f]{64}`", text)
    assert "- Chain stops here: `broken-link` (the cited link is dead)" in text
    assert "**Ferry crews** will **strike** for **48 hours** from **Friday**" in text


# --------------------------------------------------------------------------- CSV


def test_csv_of_a_known_trace_side_by_side(crafted):
    rows = list(csv.DictReader(io.StringIO(report_for(crafted, "csv"))))
    common = {"trace_id": "1", "branch": "0", "claim": CRAFTED_CLAIM}
    evidence0 = "The mayor spent 3 million euros on the new bridge, the *Bridge Gazette* reported."
    evidence1 = 'The bridge cost 2.5 million euros, people familiar with the matter said: "<b>over budget</b>".'
    assert rows == [
        {**common, "depth": "0", "citing_source": "Valley Post", "citing_kind": "outlet", "citing_url": VALLEY,
         "citing_status": "200", "citing_published": "2024-05-01", "citing_fetched_at": "2024-05-02T09:00:01Z",
         "citing_sha256": SHA_A, "evidence": evidence0, "cue": "reported", "citing_sentence": evidence0,
         "resolved_by": "link", "cited_source": "Bridge Gazette", "cited_kind": "outlet", "cited_link": GAZETTE_LINK,
         "cited_url": GAZETTE, "cited_status": "200", "cited_published": "2024-04-29", "cited_sha256": SHA_B,
         "cited_depth": "1", "stop_reason": "", "flags": "", "credibility": "", "chain_verdict": ""},
        {**common, "depth": "1", "citing_source": "Bridge Gazette", "citing_kind": "outlet", "citing_url": GAZETTE,
         "citing_status": "200", "citing_published": "2024-04-29", "citing_fetched_at": "2024-05-02T09:00:02Z",
         "citing_sha256": SHA_B, "evidence": evidence1, "cue": "said", "citing_sentence": evidence1,
         "resolved_by": "", "cited_source": "people familiar with the matter", "cited_kind": "anonymous",
         "cited_link": "", "cited_url": "", "cited_status": "", "cited_published": "", "cited_sha256": "",
         "cited_depth": "", "stop_reason": "anonymous-source", "flags": "redirect claim-drift anonymous-source",
         "credibility": "", "chain_verdict": ""},  # written through the store API: never judged
    ]


def test_csv_of_the_seed_loop_and_dead_link(seed, loop_and_dead):
    rows = list(csv.DictReader(io.StringIO(cli_report(seed, "--format", "csv"))))
    un_report = rows[2]["citing_source"]
    assert [(r["depth"], r["citing_source"], r["cited_source"]) for r in rows] == [
        ("0", "CoinWire", "Reuters"), ("1", "Reuters", un_report), ("2", un_report, "")]
    assert rows[0]["citing_url"] == SEED.start_url and rows[0]["cited_url"] == REUTERS
    assert rows[0]["cited_status"] == "200" and rows[0]["cue"] == "According to"
    assert rows[1]["cited_link"] == "" and rows[1]["cited_depth"] == "2"
    assert rows[2]["stop_reason"] == "unlinked-source"

    loop, dead = loop_and_dead
    rows = list(csv.DictReader(io.StringIO(report_for(loop, "csv"))))
    assert [r["depth"] for r in rows] == ["0", "1", "2"]
    assert rows[2]["cited_url"] == LOOP_WEB.start_url and rows[2]["cited_depth"] == "0"  # the loop closes
    assert rows[2]["stop_reason"] == "loop" and "loop" in rows[2]["flags"].split()
    assert rows[0]["cited_link"] == "https://coastal-ledger.example/p/5521"
    assert rows[0]["cited_url"] == "https://coastal-ledger.example/news/2024/port-fees-40-euros"
    rows = list(csv.DictReader(io.StringIO(report_for(dead, "csv"))))
    assert rows[0]["cited_status"] == "404" and rows[1]["citing_status"] == "404"
    assert rows[1]["stop_reason"] == "broken-link"


def test_csv_cells_that_spreadsheets_would_run_are_quoted(tmp_path):
    from tracer.models import Hop, Origin, Trace

    t = Trace(claim="=HYPERLINK(\"http://evil.example\")", start_url="https://a.example/",
              hops=[Hop(depth=0, url="https://a.example/", status=200, source="@evil", evidence="+1 more")],
              origin=Origin("x", None, "unknown", "no-further-attribution"))
    rows = list(csv.DictReader(io.StringIO(render(report_from_trace(t), "csv"))))
    assert rows[0]["claim"].startswith("'=") and rows[0]["citing_source"] == "'@evil"
    assert rows[0]["evidence"] == "'+1 more"


# --------------------------------------------------------------------------- JSON


def test_json_validates_against_the_schema(seed, loop_and_dead, crafted):
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for stored in (seed, *loop_and_dead, crafted):
        data = json.loads(cli_report(stored, "--format", "json"))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, [e.message for e in errors]
        assert data["schema_version"] == "1.0" and data["trace_id"] == stored.trace_id
    bad = {**data, "schema_version": 2, "hops": [{"depth": -1}]}
    assert len(list(validator.iter_errors(bad))) >= 2


def test_json_is_the_trace_json_plus_evidence_and_fetch_records(seed):
    db = store.open_db(seed.db_path)
    stored_trace = store.load_trace(db, seed.trace_id)
    data = report_json(build_report(db, seed.trace_id, sources=False))
    plain = stored_trace.to_json()
    for key, value in plain.items():
        if key != "hops":
            assert data[key] == value
    for hop, plain_hop in zip(data["hops"], plain["hops"]):
        assert {k: hop[k] for k in plain_hop} == plain_hop  # the trace JSON, unchanged
    first = data["hops"][0]
    fetch_row = db["fetches"].get(first["fetch"]["id"])
    assert first["fetch"]["sha256"] == fetch_row["sha256"] == first["sha256"]
    assert first["fetch"]["warc_path"] and first["fetch"]["warc_offset"] is not None
    assert first["fetch"]["origin"] == "archive" and first["fetch"]["status"] == 200
    assert first["document"]["publisher"] == "CoinWire" and first["document"]["text_chars"] > 500
    record = first["evidence_record"]
    doc_text = db["documents"].get(first["document"]["id"])["text"]
    assert doc_text[record["start"]:record["end"]] == first["evidence"] == record["text"]
    marked = [record["text"][s:e] for s, e in record["claim_marks"]]
    assert "North Korea" in marked and "$2 billion" in marked
    assert data["hops"][2]["fetch"] is None and data["hops"][2]["state"] == "unlinked"
    assert data["verdict"].startswith("Origin named but not online")
    assert "unlinked-source" in data["flags"]
    assert data["flags_explained"] == {f: FLAG_REASONS[f] for f in data["flags"]}
    assert data["options"]["offline"] is True


def test_claim_words_are_marked():
    evidence = "Pyongyang's hackers stole about $2bn, or 2 billion dollars, from crypto exchanges."
    marked = [evidence[s:e] for s, e in claim_marks("North Korea stole $2 billion from crypto exchanges", evidence)]
    assert marked == ["stole", "$2bn", "2 billion", "crypto exchanges"]
    assert claim_marks("anything", None) == []


# --------------------------------------------------------------------------- graphs


def test_dot_parses_and_draws_the_chain(seed, loop_and_dead, crafted, tmp_path):
    graphs = {}
    for name, stored in (("seed", seed), ("loop", loop_and_dead[0]), ("dead", loop_and_dead[1]),
                         ("crafted", crafted)):
        text = cli_report(stored, "--format", "dot")
        parsed = pydot.graph_from_dot_data(text)
        assert parsed and len(parsed) == 1, text
        graphs[name] = (text, parsed[0])
        if shutil.which("dot"):
            out = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, timeout=60)
            assert out.returncode == 0, out.stderr.decode()
            assert b"<svg" in out.stdout
    g = graphs["seed"][1]
    nodes = {n.get_name().strip('"'): n for n in g.get_nodes() if n.get_name() not in ("node", "edge", "graph")}
    assert len(nodes) == 3
    states = sorted(n.get("state").strip('"') for n in nodes.values())
    assert states == ["page", "page", "unlinked"]
    edges = [(e.get_source().strip('"'), e.get_destination().strip('"'), e.get("label").strip('"'))
             for e in g.get_edges()]
    assert [label for *_, label in edges] == ["According to", "showed"]
    g = graphs["loop"][1]
    loop_edges = [e for e in g.get_edges() if e.get("kind").strip('"') == "loop"]
    assert len(loop_edges) == 1 and loop_edges[0].get("style").strip('"') == "dashed"
    assert 'state="dead"' in graphs["dead"][0] and 'state="anonymous"' in graphs["crafted"][0]


def test_gexf_parses_with_networkx(seed, loop_and_dead, crafted, tmp_path):
    def read(stored):
        path = tmp_path / f"t{stored.trace_id}-{stored.db_path.stem}.gexf"
        CliRunner().invoke(cli, ["report", str(stored.trace_id), "--db", str(stored.db_path), "--format", "gexf",
                                 "-o", str(path)])
        return networkx.read_gexf(path)

    g = read(seed)
    assert g.is_directed() and g.number_of_nodes() == 3 and g.number_of_edges() == 2
    by_label = {d["label"]: (n, d) for n, d in g.nodes(data=True)}
    coinwire, reuters = by_label["CoinWire"], by_label["Reuters"]
    assert coinwire[1]["url"] == SEED.start_url and coinwire[1]["status"] == 200 and coinwire[1]["depth"] == 0
    assert g.edges[coinwire[0], reuters[0]]["cue"] == "According to"
    (un,) = [d for _, d in g.nodes(data=True) if d["label"] not in ("CoinWire", "Reuters")]
    assert un["state"] == "unlinked" and un["origin"] is True and un["kind"] == "document"

    loop, dead = loop_and_dead
    g = read(loop)
    start = next(n for n, d in g.nodes(data=True) if d.get("url") == LOOP_WEB.start_url)
    closing = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "loop"]
    assert len(closing) == 1 and closing[0][1] == start  # the circle closes on the start page
    assert networkx.find_cycle(g)
    g = read(dead)
    assert sorted(d["state"] for _, d in g.nodes(data=True)) == ["dead", "page"]
    g = read(crafted)
    assert sorted(d["state"] for _, d in g.nodes(data=True)) == ["anonymous", "page", "page"]


# --------------------------------------------------------------------------- PROV


def test_prov_json_parses_with_the_prov_package(seed, loop_and_dead, crafted, tmp_path):
    from prov.model import PROV_ATTRIBUTION, PROV_DERIVATION, PROV_TYPE, ProvActivity, ProvEntity

    for stored in (seed, *loop_and_dead, crafted):
        text = cli_report(stored, "--format", "prov")
        doc = ProvDocument.deserialize(content=text, format="json")
        assert doc.get_records()
    doc = ProvDocument.deserialize(content=cli_report(seed, "--format", "prov"), format="json")
    records = doc.get_records()
    entities = {str(r.identifier): r for r in records if isinstance(r, ProvEntity)}
    pages = {k: v for k, v in entities.items() if "tr:page-" in k}
    locations = sorted(str(next(iter(v.get_attribute("prov:location")))) for v in pages.values())
    assert locations == sorted([SEED.start_url, REUTERS])
    activities = [r for r in records if isinstance(r, ProvActivity)]
    kinds = sorted(str(next(iter(a.get_attribute(PROV_TYPE)))) for a in activities)
    assert kinds.count("tr:Fetch") == 2 and kinds.count("tr:Extraction") == 2 and kinds.count("tr:Trace") == 1
    derivations = [r for r in records if r.get_type() == PROV_DERIVATION]
    quotes = [d for d in derivations if "prov:Quotation" in {str(t) for t in d.get_attribute(PROV_TYPE)}]
    citations = [d for d in derivations if "tr:Citation" in {str(t) for t in d.get_attribute(PROV_TYPE)}]
    assert len(quotes) == 2 and len(citations) == 2  # two evidence sentences, two citations
    cues = sorted(str(next(iter(d.get_attribute("tr:cue")))) for d in citations)
    assert cues == ["According to", "showed"]
    attributed = {str(r.args[1]) for r in records if r.get_type() == PROV_ATTRIBUTION}
    labels = {str(r.identifier): str(next(iter(r.get_attribute("prov:label")))) for r in records
              if str(r.identifier) in attributed}
    assert {"CoinWire", "Reuters"} <= set(labels.values())
    # round trip through the prov package's own writer
    assert ProvDocument.deserialize(content=doc.serialize(format="json"), format="json") == doc


# --------------------------------------------------------------------------- HTML (static checks)


def test_html_is_self_contained_and_escaped(loop_and_dead, crafted):
    loop, _ = loop_and_dead
    text = cli_report(loop, "--format", "html")
    tree = lxml_html.fromstring(text)
    csp = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    assert tree.xpath("//script") == [] and tree.xpath("//img") == [] and tree.xpath("//iframe") == []
    assert [e.get("href") for e in tree.xpath("//link")] == ["data:,"]
    assert not tree.xpath("//*[@src]") and not any(a.startswith("on") for e in tree.iter() for a in e.attrib)
    assert not re.search(r"url\((?!#)", text) and "@import" not in text
    # the page's markup is shown as text
    quote = tree.xpath('//blockquote[contains(., "protesters")]')[0].text_content()
    assert '<script>alert("fees")</script> "><img src=x onerror=alert(1)>' in quote
    assert "&lt;script&gt;" in text and "&lt;b&gt;double&lt;/b&gt;" in text
    # the graph: inline SVG, a node per page, the loop drawn as a dashed edge back
    svg = tree.xpath("//*[local-name()='svg']")[0]
    assert len(svg.xpath(".//*[local-name()='g'][contains(@class, 'node')]")) == 3
    assert len(svg.xpath(".//*[local-name()='g'][@class='edge loop']")) == 1
    assert tree.xpath("//details/summary")
    # anonymous sources and links that are not http(s) are never clickable
    tree = lxml_html.fromstring(cli_report(crafted, "--format", "html"))
    assert tree.xpath("//*[local-name()='g'][contains(@class, 'state-anonymous')]")
    assert all(h.startswith(("https://", "http://")) for h in tree.xpath("//a/@href"))


def test_links_that_are_not_http_are_shown_as_text():
    from tracer.report.html import link

    assert link("javascript:alert(1)") == "<code>javascript:alert(1)</code>"
    assert link('https://a.example/"><b>') == ('<a href="https://a.example/&quot;&gt;&lt;b&gt;" '
                                                'rel="noreferrer noopener nofollow">https://a.example/&quot;&gt;&lt;b&gt;</a>')


# --------------------------------------------------------------------------- the command


def test_report_picks_the_trace_by_id_last_or_claim(loop_and_dead):
    loop, dead = loop_and_dead
    db = ["--db", str(loop.db_path)]
    runner = CliRunner()
    last = runner.invoke(cli, ["report", *db, "--format", "json"])
    assert json.loads(last.stdout)["trace_id"] == dead.trace_id  # --last is the default
    assert json.loads(runner.invoke(cli, ["report", "--last", *db, "--format", "json"]).stdout)["trace_id"] == \
        dead.trace_id
    by_claim = runner.invoke(cli, ["report", "--claim", LOOP_CLAIM, *db, "--format", "json"])
    assert json.loads(by_claim.stdout)["trace_id"] == loop.trace_id
    by_part = runner.invoke(cli, ["report", "--claim", "port FEES", *db, "--format", "json"])
    assert json.loads(by_part.stdout)["trace_id"] == loop.trace_id
    assert DEAD_CLAIM in runner.invoke(cli, ["report", str(dead.trace_id), *db]).stdout
    assert DEAD_START


def test_report_writes_every_format_to_a_file(seed, tmp_path):
    for fmt in REPORT_FORMATS:
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(cli, ["report", "--db", str(seed.db_path), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output + result.stderr
        assert result.stdout == "" and f"wrote {out}" in result.stderr
        assert out.stat().st_size > 500
    assert set(REPORT_FORMATS) == {"md", "html", "json", "csv", "dot", "gexf", "prov"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "99"], "no trace with id 99"),
        (["report", "--claim", "Iran mined gold in Peru"], "no stored trace for the claim"),
        (["report", "1", "--last"], "give one of TRACE_ID, --last or --claim"),
        (["report", "--format", "pdf"], "Invalid value for '--format'"),
        (["report", "-o", "/no/such/dir/r.md"], "cannot write /no/such/dir/r.md"),
    ],
)
def test_report_errors_are_one_line(seed, args, message):
    result = CliRunner().invoke(cli, [*args, "--db", str(seed.db_path)])
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_report_without_database_or_traces(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()
    store.open_db(tmp_path / "empty.db").close()
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1 and "no trace in this database yet" in result.stderr


def test_report_is_read_from_the_store_only(seed, tmp_path, monkeypatch):
    # No fetcher is built and no socket opened: the report reads the database alone.
    import socket

    def refuse(*a, **k):
        raise AssertionError("the report tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    for fmt in REPORT_FORMATS:
        assert report_for(seed, fmt, sources=True)


def test_report_of_an_unfinished_trace(tmp_path):
    from tracer.models import Hop, Trace

    db = store.open_db(tmp_path / "u.db")
    t = Trace(claim=CRAFTED_CLAIM, start_url=VALLEY)
    store.begin_trace(db, t)
    store.save_hop(db, t.id, Hop(depth=0, url=VALLEY, requested_url=VALLEY, status=200, source="Valley Post"))
    db.close()
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "u.db")])
    assert result.exit_code == 0
    assert "**Verdict:** No verdict: the trace did not finish" in result.stdout
    for fmt in REPORT_FORMATS:
        assert CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "u.db"), "--format", fmt]).exit_code == 0


# --------------------------------------------------------------------------- a tree: a branch that loops back


def test_a_branch_and_its_loop_in_every_format(tmp_path):
    from report_fixtures import BRANCH_CLAIM, FEST_A, FEST_B, FEST_C, branch_trace

    stored = branch_trace(tmp_path / "tree.db")
    md = report_for(stored, "md")
    assert "**Verdict:** Origin reached after 2 hops: town council — the page cites nobody for the claim" in md
    assert md.index("## Chain") < md.index("## Branch 1") < md.index("## Flags")
    branch = md[md.index("## Branch 1"):md.index("## Flags")]
    assert "### Hop 1: Weekend Guide (outlet)" in branch and "### Hop 2: River News (outlet)" in branch
    assert "- Not fetched: not read again: the page is already in the chain at hop 0" in branch
    assert "- Loop: this citation points back at hop 0" in branch

    rows = list(csv.DictReader(io.StringIO(report_for(stored, "csv"))))
    assert [(r["branch"], r["depth"], r["citing_url"], r["cited_url"]) for r in rows] == [
        ("0", "0", FEST_A, FEST_B), ("0", "1", FEST_B, ""), ("1", "1", FEST_C, FEST_A), ("1", "2", FEST_A, "")]

    path = tmp_path / "tree.gexf"
    path.write_text(report_for(stored, "gexf"))
    g = networkx.read_gexf(path)
    urls = {n: d["url"] for n, d in g.nodes(data=True)}
    edges = {(urls[u], urls[v], d["kind"]) for u, v, d in g.edges(data=True)}
    assert edges == {(FEST_A, FEST_B, "cites"), (FEST_A, FEST_C, "cites"), (FEST_C, FEST_A, "loop")}
    assert {d["state"] for _, d in g.nodes(data=True)} == {"page"}
    origin = [urls[n] for n, d in g.nodes(data=True) if d["origin"]]
    assert origin == [FEST_B]

    dot = pydot.graph_from_dot_data(report_for(stored, "dot"))[0]
    assert len(dot.get_edges()) == 3
    data = json.loads(report_for(stored, "json"))
    jsonschema.validate(data, load_schema())
    assert [h["state"] for h in data["branches"][0]] == ["page", "loop"]
    assert data["claim"] == BRANCH_CLAIM
    prov = json.loads(report_for(stored, "prov"))
    pages = {v["prov:location"]: k for k, v in prov["entity"].items() if k.startswith("tr:page-")}
    quoted = [d for d in prov["wasDerivedFrom"].values() if d.get("prov:type", {}).get("$") == "prov:Quotation"
              and d["prov:generatedEntity"].startswith("tr:page-")]
    assert [(q["prov:generatedEntity"], q["prov:usedEntity"], q["tr:quote"]) for q in quoted] == [
        (pages[FEST_A], pages[FEST_B], "the busiest weekend the riverside has seen")]  # A quotes B verbatim
    cited = {(d["prov:generatedEntity"], d["prov:usedEntity"]) for d in prov["wasDerivedFrom"].values()
             if d.get("prov:type", {}).get("$") == "tr:Citation"}
    assert cited == {(pages[FEST_A], pages[FEST_B]), (pages[FEST_A], pages[FEST_C]), (pages[FEST_C], pages[FEST_A])}
    assert ProvDocument.deserialize(content=json.dumps(prov), format="json").get_records()
    html = report_for(stored, "html")
    tree = lxml_html.fromstring(html)
    assert len(tree.xpath("//*[local-name()='g'][contains(@class, 'node')]")) == 3
    assert len(tree.xpath("//*[local-name()='g'][@class='edge loop']")) == 1


def test_secondary_sources_come_from_the_corpus(seed, monkeypatch):
    md = report_for(seed, "md", sources=True)
    section = md[md.index("## Secondary sources"):]
    assert "Independent origins: 1" in section
    assert f"<{SEED.start_url}>" in section and f"<{REUTERS}>" in section
    data = json.loads(report_for(seed, "json", sources=True))
    assert {d["url"] for d in data["secondary_sources"]["documents"]} == {SEED.start_url, REUTERS}
    assert data["secondary_sources_note"] is None
    jsonschema.validate(data, load_schema())
    html = lxml_html.fromstring(report_for(seed, "html", sources=True))
    assert len(html.xpath("//table//tr")) == 3

    # without a sources lookup in the corpus, the report says so and goes on
    import tracer.corpus.search

    monkeypatch.delattr(tracer.corpus.search, "sources")
    md = report_for(seed, "md", sources=True)
    assert "None listed: the corpus module offers no sources lookup." in md


def test_a_loop_closed_through_a_link_with_tracking_parameters():
    from tracer.models import Citation, Hop, Origin, Trace

    a, b = "https://a.example/story", "https://b.example/story"
    back = a + "?utm_source=b&utm_medium=link"
    t = Trace(claim="x", start_url=a, hops=[
        Hop(depth=0, url=a, requested_url=a, status=200, source="A", kind="outlet",
            cites=Citation("B", "outlet", "said", b, "B said x.", resolved_by="link")),
        Hop(depth=1, url=b, requested_url=b, status=200, source="B", kind="outlet", flags=["loop"],
            cites=Citation("A", "outlet", "reported", back, "A reported x.", resolved_by="link"),
            extra={"loop_to": {"depth": 0, "url": a, "source": "A"}}),
    ], origin=Origin("A", a, "outlet", "loop"), flags=["loop"])
    report = report_from_trace(t)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert (rows[1]["cited_link"], rows[1]["cited_url"], rows[1]["cited_depth"]) == (back, a, "0")
    md = render(report, "md")
    assert "- Loop: this citation points back at hop 0" in md and "Loop_to" not in md
    assert re.search(r'"hop1" -> "hop0" \[label="reported", kind="loop"', render(report, "dot").replace("b0h", "hop"))



# --------------------------------------------------------------------------- credibility in every format (issue 8)

SEED_VERDICT = "Traced to a primary document"


def test_credibility_is_in_csv_dot_gexf_and_prov(seed, tmp_path):
    from xml.etree import ElementTree as ET

    from tracer.report.csv import CSV_COLUMNS

    db = store.open_db(seed.db_path)
    trace = build_report(db, seed.trace_id, sources=False).trace
    db.close()
    coinwire = trace.hops[0].extra["credibility"]["summary"]  # as the credibility stage wrote it
    assert trace.hops[0].source == "CoinWire" and coinwire.startswith("A news outlet")

    # CSV: two columns appended after the old ones, the chain verdict on every row
    text = cli_report(seed, "--format", "csv")
    assert CSV_COLUMNS[-2:] == ("credibility", "chain_verdict") and CSV_COLUMNS[:25][-1] == "flags"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["citing_source"] == "CoinWire" and rows[0]["credibility"] == coinwire
    assert rows[2]["credibility"] == "A primary document"
    assert len({r["chain_verdict"] for r in rows}) == 1 and rows[0]["chain_verdict"].startswith(SEED_VERDICT)

    # DOT: the verdict in the graph's label and a verdict attribute; each node's summary in its tooltip
    text = cli_report(seed, "--format", "dot")
    (g,) = pydot.graph_from_dot_data(text)
    assert g.get("verdict").strip('"').startswith(SEED_VERDICT)
    (graph_attrs,) = [n for n in g.get_nodes() if n.get_name() == "graph"]
    assert "\\nVerdict: " + SEED_VERDICT in graph_attrs.get("label")
    nodes = {n.get("label").strip('"').split("\\n")[0]: n for n in g.get_nodes()
             if n.get_name() not in ("node", "edge", "graph")}
    assert nodes["CoinWire"].get("tooltip").strip('"').endswith("\\nCredibility: " + coinwire)
    assert nodes["CoinWire"].get("credibility").strip('"') == coinwire
    assert nodes["Reuters"].get("source_kind").strip('"') == "wire-service"

    # GEXF: node attributes for networkx, the verdict in the graph's description
    path = tmp_path / "seed.gexf"
    path.write_text(cli_report(seed, "--format", "gexf"), "utf-8")
    by_label = {d["label"]: d for _, d in networkx.read_gexf(path).nodes(data=True)}
    assert by_label["CoinWire"]["credibility"] == coinwire and by_label["CoinWire"]["source_kind"] == "outlet"
    assert by_label["a UN confidential report"]["source_kind"] == "primary-document"
    description = ET.parse(path).getroot().find("{http://gexf.net/1.3}meta/{http://gexf.net/1.3}description")
    assert "\nVerdict: " + SEED_VERDICT in description.text

    # PROV: each page entity carries its judgement, the trace entity the verdict
    from prov.model import ProvEntity

    doc = ProvDocument.deserialize(content=cli_report(seed, "--format", "prov"), format="json")
    entities = {str(r.identifier): r for r in doc.get_records() if isinstance(r, ProvEntity)}

    def value(entity, name):
        (v,) = entity.get_attribute(name)
        return str(v)

    (page,) = [e for e in entities.values() if "tr:page-" in str(e.identifier)
               and value(e, "prov:location") == SEED.start_url]
    assert value(page, "tr:credibility") == coinwire and value(page, "tr:sourceKind") == "outlet"
    assert value(entities[f"tr:trace-{seed.trace_id}"], "tr:verdict").startswith(SEED_VERDICT)


def test_a_trace_never_judged_has_empty_credibility_everywhere(crafted, tmp_path):
    rows = list(csv.DictReader(io.StringIO(report_for(crafted, "csv"))))
    assert {(r["credibility"], r["chain_verdict"]) for r in rows} == {("", "")}
    (g,) = pydot.graph_from_dot_data(report_for(crafted, "dot"))
    assert g.get("verdict") is None and "Credibility" not in report_for(crafted, "dot")
    path = tmp_path / "crafted.gexf"
    path.write_text(report_for(crafted, "gexf"), "utf-8")
    assert all("credibility" not in d for _, d in networkx.read_gexf(path).nodes(data=True))
    prov = json.loads(report_for(crafted, "prov"))
    assert not any("tr:credibility" in v or "tr:verdict" in v for v in prov["entity"].values())


def test_credibility_text_is_escaped_in_csv_and_dot():
    from tracer.models import Hop, Origin, Trace

    summary = '=cmd "quoted" \\ back\nslash'
    t = Trace(claim="c", start_url="https://a.example/",
              hops=[Hop(depth=0, url="https://a.example/", status=200, source="A",
                        extra={"credibility": {"summary": summary, "source_kind": "outlet", "signals": []}})],
              origin=Origin("A", "https://a.example/", "outlet", "no-further-attribution"),
              extra={"credibility": {"verdict": '-1 "verdict" \\', "score": None}})
    report = report_from_trace(t)
    (row,) = csv.DictReader(io.StringIO(render(report, "csv")))
    assert row["credibility"] == "'" + " ".join(summary.split()) and row["chain_verdict"] == "'-1 \"verdict\" \\"
    (g,) = pydot.graph_from_dot_data(render(report, "dot"))
    (node,) = [n for n in g.get_nodes() if n.get_name() not in ("node", "edge", "graph")]
    assert node.get("credibility") == '"=cmd \\"quoted\\" \\\\ back slash"'
    assert ProvDocument.deserialize(content=render(report, "prov"), format="json").get_records()
