"""Real citation chains, traced offline from WARCs of fixture webs: where the link sits,
which attribution is behind the claim, which link belongs to it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def trace_web(name: str, web_warc, tmp_path, claim: str | None = None, start: str | None = None, *more: str) -> dict:
    web = load_web(name)
    return run_json("trace", start or web.start_url, "--claim", claim or web.claim, "--archive", str(web_warc(name)),
                    "--offline", "--format", "json", "--db", str(tmp_path / f"{name}.db"), *more)


def chain(data: dict) -> list[tuple]:
    """(source, kind, status, cited source, cue, link) per hop: the chain at a glance."""
    return [
        (h["source"], h["kind"], h["status"],
         h["cites"] and h["cites"]["source"], h["cites"] and h["cites"]["cue"], h["cites"] and h["cites"]["link"])
        for h in data["hops"]
    ]


# ---------------------------------------------------------------- wire chain, four hops, dateline

PULSE = "https://pulsedigest.example/2021/03/04/varn-fever-meridia-35-cases/"
GAZETTE = "https://www.baysidegazette.example/news/2021/03/03/varn-fever-reaches-35-cases-in-north/"
NORDWIRE = "https://nordwire.example/world/europe/meridia-health-varn-fever-idNW20210303A1"
MINISTRY = "https://health.meridia.example/press/2021/03/03/varn-fever-situation-update"


def test_wire_chain_of_four_hops_through_a_dateline(web_warc, tmp_path):
    data = trace_web("wire-chain", web_warc, tmp_path)
    assert chain(data) == [
        ("Pulse Digest", "outlet", 200, "Bayside Gazette", "according to", GAZETTE),
        ("Bayside Gazette", "outlet", 200, "Nordwire", "(Nordwire) -", NORDWIRE),
        ("Nordwire", "outlet", 200, "Meridia's health ministry", "said", MINISTRY),
        ("Meridia's health ministry", "organisation", 200, None, None, None),
    ]
    hops = data["hops"]
    assert [h["url"] for h in hops] == [PULSE, GAZETTE, NORDWIRE, MINISTRY]
    assert [h["requested_url"] for h in hops] == [PULSE, GAZETTE, NORDWIRE, MINISTRY]
    # the dateline carries the claim at the regional paper, and the wire's own dateline is not a citation
    assert hops[1]["evidence"].startswith("OSLOVIK, March 3 (Nordwire) - Meridia's health ministry said")
    assert hops[2]["cites"]["sentence"].startswith("OSLOVIK, March 3 (Nordwire) - Meridia's health ministry said")
    assert hops[3]["evidence"].startswith("A total of 35 cases of Varn fever have been recorded")
    assert all(h["cites"]["resolved_by"] == "link" for h in hops[:3])
    assert [h["published"][:10] for h in hops] == ["2021-03-04", "2021-03-03", "2021-03-03", "2021-03-03"]
    assert all(h["confidence"] in ("high", "medium") for h in hops)
    assert data["origin"] == {"name": "Meridia's health ministry", "url": MINISTRY, "kind": "organisation",
                              "reason": "no-further-attribution"}
    assert data["flags"] == [] and data["branches"] == []
    assert all("drift" not in h for h in hops)  # 35 all the way down


def test_wire_chain_stops_at_the_hop_limit(web_warc, tmp_path):
    data = trace_web("wire-chain", web_warc, tmp_path, None, None, "--max-hops", "2")
    assert [h["source"] for h in data["hops"]] == ["Pulse Digest", "Bayside Gazette"]
    assert data["origin"] == {"name": "Bayside Gazette", "url": GAZETTE, "kind": "outlet", "reason": "max-hops"}
    # the citation not followed is still recorded on the last hop
    assert data["hops"][1]["cites"]["link"] == NORDWIRE
    db = store.open_db(tmp_path / "wire-chain.db")
    assert [r["stop_reason"] for r in store.hop_rows(db, data["trace_id"])] == [None, "max-hops"]


def test_wire_chain_python_api_reads_back_from_the_store(web_warc, tmp_path):
    web = load_web("wire-chain")
    db_path = tmp_path / "api.db"
    result = trace(web.start_url, web.claim, db=str(db_path), archives=[web_warc("wire-chain")], offline=True)
    assert [h.depth for h in result.hops] == [0, 1, 2, 3]
    assert result.origin.reason == "no-further-attribution"
    db = store.open_db(db_path)
    assert store.load_trace(db, result.id).to_json() == result.to_json()
    rows = store.hop_rows(db, result.id)
    assert [r["parent_hop_id"] for r in rows] == [None] + [r["id"] for r in rows[:-1]]
    assert [r["stop_reason"] for r in rows] == [None, None, None, "no-further-attribution"]
