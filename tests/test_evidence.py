"""Evidence packages: `tracer evidence TRACE_ID -o case.wacz`, checked, validated and replayed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from memento_server import MementoServer
from tracer import store, trace
from tracer.cli import cli
from tracer.report.evidence import build_wacz, check_wacz, save_hops
from tracer.web.fetch import Fetcher
from tracer.fixtures import load_web
from webserver import FixtureWebServer

SEED = load_web("seed")
ROT = load_web("rot-dead")
TRIBUNE = "https://harbortribune.example/news/2021/03/04/city-lost-jobs/"


def invoke(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result


def wacz_validate(path) -> subprocess.CompletedProcess | None:
    """The `wacz` package's own validator, when it is installed (it runs offline)."""
    try:
        import wacz.main  # noqa: F401
    except ImportError:
        return None
    return subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120)


def records(path):
    with zipfile.ZipFile(path) as z, z.open("archive/data.warc.gz") as f:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                 r.http_headers.get_statuscode() if r.http_headers else None)
                for r in ArchiveIterator(io_bytes(f.read()))]


def io_bytes(data):
    import io

    return io.BytesIO(data)


@pytest.fixture
def seed_case(seed_warc, tmp_path):
    db = tmp_path / "seed.db"
    data = json.loads(invoke(["trace", SEED.start_url, "--claim", SEED.claim, "--archive", str(seed_warc),
                              "--offline", "--format", "json", "--db", str(db)]).stdout)
    out = tmp_path / "case.wacz"
    result = invoke(["evidence", str(data["trace_id"]), "-o", str(out), "--db", str(db)])
    return data, out, result


def test_evidence_wacz_structure_and_every_digest(seed_case):
    data, out, result = seed_case
    assert "2 records" in result.output and str(out) in result.output
    assert check_wacz(out) == []
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json",
                "datapackage-digest.json", "trace/trace.json", "trace/hops.csv", "trace/report.txt"} == names
        assert z.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package = json.loads(z.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1" and package["mainPageUrl"] == SEED.start_url
        for resource in package["resources"]:
            body = z.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
            assert resource["bytes"] == len(body)
        pages = [json.loads(l) for l in z.read("pages/pages.jsonl").decode().splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        assert [p["url"] for p in pages[1:]] == [h["url"] for h in data["hops"] if h["url"]]
        assert json.loads(z.read("trace/trace.json"))["hops"] == data["hops"]
        assert "Origin: " in z.read("trace/report.txt").decode()
        hops_csv = z.read("trace/hops.csv").decode().splitlines()
        assert hops_csv[0].startswith("depth,url,") and len(hops_csv) == 4
        index = z.read("indexes/index.cdx").decode().splitlines()
        assert len(index) == 2 and index[0].startswith("com,reuters)/article/")
    # the records are the very bytes the trace read: their bodies hash to the hops' sha256
    with zipfile.ZipFile(out) as z, z.open("archive/data.warc.gz") as f:
        bodies = {r.rec_headers.get_header("WARC-Target-URI"): hashlib.sha256(r.content_stream().read()).hexdigest()
                  for r in ArchiveIterator(io_bytes(f.read())) if r.rec_type == "response"}
    assert {h["url"]: h["sha256"] for h in data["hops"] if h["url"]} == bodies


def test_evidence_wacz_passes_the_wacz_validator(seed_case):
    _, out, _ = seed_case
    checked = wacz_validate(out)
    if checked is None:
        pytest.skip("the wacz package is not installed (pip install wacz); structure and digests are checked above")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "is valid" in checked.stdout


def test_a_tampered_package_is_caught(seed_case, tmp_path):
    _, out, _ = seed_case
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "trace/report.txt":
                data = data.replace(b"Origin", b"0rigin")
            dst.writestr(info, data)
    assert check_wacz(bad) == ["trace/report.txt: sha256 does not match datapackage.json"]


def test_evidence_replays_in_tracer(seed_case, tmp_path):
    data, out, _ = seed_case
    again = json.loads(invoke(["trace", SEED.start_url, "--claim", SEED.claim, "--archive", str(out), "--offline",
                               "--format", "json", "--db", str(tmp_path / "again.db")]).stdout)
    assert [(h["url"], h["status"], h["sha256"]) for h in again["hops"]] == \
        [(h["url"], h["status"], h["sha256"]) for h in data["hops"]]
    assert again["origin"] == data["origin"]


def test_live_trace_packs_request_records(tmp_path):
    db = tmp_path / "live.db"
    with FixtureWebServer("seed") as server:
        result = trace(server.url(SEED.start_url), SEED.claim, db=str(db), allow_private=True, delay=0)
    out = tmp_path / "live.wacz"
    package = build_wacz(store.open_db(db), result.id, out)
    assert check_wacz(out) == [] and package.missing == []
    kinds = [kind for kind, _, _ in records(out)]
    assert kinds.count("response") == 2 and kinds.count("request") == 2


def test_archived_chain_packs_its_captures_and_replays_offline(web_warc, tmp_path):
    db = tmp_path / "rot.db"
    with MementoServer([web_warc("rot-dead-archive")]) as memento:
        result = trace(ROT.start_url, ROT.claim, db=str(db), archives=[str(web_warc("rot-dead"))],
                       allow_private=True, memento=[memento.timegate], delay=0, retries=0, timeout=3)
    assert result.origin.reason == "no-further-attribution"
    out = tmp_path / "rot.wacz"
    build_wacz(store.open_db(db), result.id, out)
    assert check_wacz(out) == []
    urls = {(uri, status) for kind, uri, status in records(out) if kind == "response"}
    assert (TRIBUNE, "404") in urls  # the dead link as it answered
    capture = result.hops[1].extra["archived"]["url"]
    assert (capture, "200") in urls  # the capture that was read instead
    assert any("/web/timemap/link/" in uri for uri, _ in urls)  # and what the archive said it held
    with zipfile.ZipFile(out) as z:
        pages = [json.loads(l) for l in z.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert pages[1]["url"] == capture and pages[1]["memento_datetime"] == "2021-03-05T12:00:00Z"
    assert pages[1]["original_url"] == TRIBUNE
    checked = wacz_validate(out)
    assert checked is None or checked.returncode == 0, checked.stdout
    # Offline, no archive is asked, but the capture inside the package is found and read again
    again = trace(ROT.start_url, ROT.claim, db=str(tmp_path / "again.db"), archives=[str(out)], offline=True)
    assert [h.url for h in again.hops] == [h.url for h in result.hops]
    assert again.hops[1].extra["archived"]["captured_at"] == "2021-03-05T12:00:00Z"
    assert again.origin.reason == "no-further-attribution"


def test_save_evidence_records_the_capture(seed_warc, tmp_path):
    db_path = tmp_path / "s.db"
    result = trace(SEED.start_url, SEED.claim, db=str(db_path), archives=[str(seed_warc)], offline=True)
    db = store.open_db(db_path)
    with MementoServer() as archive, Fetcher(allow_private=True, delay=0, retries=0, timeout=3) as fetcher:
        saved = save_hops(db, result.id, fetcher, archive.save)
        assert archive.saved == [h.url for h in result.hops if h.url]
    assert [s["capture"].startswith(archive.base + "/web/") for s in saved] == [True, True]
    hops = store.load_trace(db, result.id).hops
    assert hops[0].extra["saved"]["capture"] == saved[0]["capture"]
    assert hops[2].url is None and "saved" not in hops[2].extra


def test_evidence_cli_errors_are_one_line(tmp_path):
    db = tmp_path / "e.db"
    store.open_db(db)
    result = CliRunner().invoke(cli, ["evidence", "7", "-o", str(tmp_path / "x.wacz"), "--db", str(db)])
    assert result.exit_code != 0 and "no trace with id 7" in result.output and "Traceback" not in result.output


def test_cli_save_evidence(seed_case, tmp_path):
    data, _, _ = seed_case
    db = str(tmp_path / "seed.db")
    with MementoServer() as archive:
        result = CliRunner().invoke(cli, ["evidence", str(data["trace_id"]), "-o", str(tmp_path / "saved.wacz"),
                                          "--save-evidence", "--save-endpoint", archive.save, "--allow-private",
                                          "--db", db])
        assert result.exit_code == 0, result.output
        assert archive.saved == [h["url"] for h in data["hops"] if h["url"]]
    assert result.stderr.count("saved ") == 2 and archive.base + "/web/" in result.stderr
    with zipfile.ZipFile(tmp_path / "saved.wacz") as z:
        hops = json.loads(z.read("trace/trace.json"))["hops"]
    assert hops[0]["saved"]["capture"].startswith(archive.base + "/web/")
    assert check_wacz(tmp_path / "saved.wacz") == []


def test_hop_table_quotes_page_text_a_spreadsheet_would_run(tmp_path):
    """A page names itself "=HYPERLINK(...)": the hop table keeps it as text, as `report --format csv` does."""
    import csv

    from tracer.fixtures import build_warc

    web = tmp_path / "web"
    (web / "pages").mkdir(parents=True)
    url = "https://formula.example/news/1/"
    (web / "manifest.json").write_text(json.dumps({
        "name": "formula", "captured_at": "2024-01-02T00:00:00Z", "start_url": url,
        "claim": "The harbour bridge will close for repairs in May",
        "pages": [{"url": url, "file": "pages/one.html"}]}))
    (web / "pages" / "one.html").write_text(
        '<html><head><meta property="og:site_name" content=\'=HYPERLINK("https://evil.example","x")\'>'
        "<title>Bridge</title></head><body><article><p>The harbour bridge will close for repairs in May, "
        "the city council said on Monday.</p></article></body></html>")
    warc = build_warc(web, tmp_path / "formula.warc.gz")
    db = tmp_path / "f.db"
    data = json.loads(invoke(["trace", url, "--claim", "The harbour bridge will close for repairs in May",
                              "--archive", str(warc), "--offline", "--format", "json", "--db", str(db)]).stdout)
    assert data["hops"][0]["source"].startswith("=HYPERLINK")
    out = tmp_path / "case.wacz"
    invoke(["evidence", str(data["trace_id"]), "-o", str(out), "--db", str(db)])
    with zipfile.ZipFile(out) as z:
        rows = list(csv.DictReader(z.read("trace/hops.csv").decode().splitlines()))
    assert rows[0]["source"] == "'" + data["hops"][0]["source"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
