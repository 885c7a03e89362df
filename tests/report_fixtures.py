"""Traces for the report tests: the seed story, the report-loop web (loop, dead link), and a
trace written through the store API with every field known in advance (for exact output)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracer import store, trace
from tracer.fixtures import load_web
from tracer.models import Citation, FetchResult, Hop, Origin, Redirect, Trace

SEED = load_web("seed")
LOOP_WEB = load_web("report-loop")
SEED_CLAIM = "North Korea stole $2 billion from banks and crypto exchanges"
LOOP_CLAIM = LOOP_WEB.claim
DEAD_START = LOOP_WEB.extra["claims"]["dead_link"]["start_url"]
DEAD_CLAIM = LOOP_WEB.extra["claims"]["dead_link"]["claim"]

CRAFTED_CLAIM = "The mayor spent 3 million euros on the new bridge"
VALLEY = "https://valley-post.example/2024/05/bridge-costs"
GAZETTE_LINK = "https://gazette.example/b/77"
GAZETTE = "https://bridge-gazette.example/news/bridge-bill"
SHA_A = "a" * 64
SHA_B = "b" * 64


@dataclass
class Stored:
    db_path: Path
    trace_id: int


def seed_trace(tmp_path: Path, seed_warc: Path) -> Stored:
    db_path = tmp_path / "seed.db"
    result = trace(SEED.start_url, SEED_CLAIM, db=str(db_path), archives=[seed_warc], offline=True)
    return Stored(db_path, result.id)


def loop_traces(tmp_path: Path, loop_warc: Path) -> tuple[Stored, Stored]:
    """The three-site loop and the dead link, in one database."""
    db_path = tmp_path / "loop.db"
    db = store.open_db(db_path)
    loop = trace(LOOP_WEB.start_url, LOOP_CLAIM, db=db, archives=[loop_warc], offline=True)
    dead = trace(DEAD_START, DEAD_CLAIM, db=db, archives=[loop_warc], offline=True)
    db.close()
    return Stored(db_path, loop.id), Stored(db_path, dead.id)


def crafted_trace(db_path: Path) -> Stored:
    """A two-hop trace written with the store API: a redirect, drift, and anonymous sources at the end."""
    db = store.open_db(db_path)
    t = Trace(claim=CRAFTED_CLAIM, start_url=VALLEY, started_at="2024-05-02T09:00:00Z")
    store.begin_trace(db, t, {"offline": True, "archives": ["bridge.warc.gz"], "max_hops": 8})
    f0 = store.save_fetch(db, FetchResult(
        requested_url=VALLEY, final_url=VALLEY, status=200, content_type="text/html", body=b"x" * 10,
        sha256=SHA_A, fetched_at="2024-05-02T09:00:01Z", origin="archive", warc_path="bridge.warc.gz",
        warc_offset=0))
    evidence0 = "The mayor spent 3 million euros on the new bridge, the *Bridge Gazette* reported."
    hop0 = Hop(
        depth=0, url=VALLEY, requested_url=VALLEY, status=200, source="Valley Post", kind="outlet",
        evidence=evidence0, evidence_span=(120, 120 + len(evidence0)), match_score=1.0,
        cites=Citation(source="Bridge Gazette", kind="outlet", cue="reported", link=GAZETTE_LINK,
                       sentence=evidence0, resolved_by="link"),
        title="What the bridge cost", published="2024-05-01", fetched_at="2024-05-02T09:00:01Z", sha256=SHA_A,
        fetch_id=f0)
    id0 = store.save_hop(db, t.id, hop0)
    redirect = Redirect(url=GAZETTE_LINK, status=301, location=GAZETTE)
    f1 = store.save_fetch(db, FetchResult(
        requested_url=GAZETTE_LINK, final_url=GAZETTE, status=200, content_type="text/html", body=b"y" * 20,
        sha256=SHA_B, fetched_at="2024-05-02T09:00:02Z", origin="archive", warc_path="bridge.warc.gz",
        warc_offset=4096, redirects=[redirect]))
    evidence1 = 'The bridge cost 2.5 million euros, people familiar with the matter said: "<b>over budget</b>".'
    hop1 = Hop(
        depth=1, url=GAZETTE, requested_url=GAZETTE_LINK, status=200, source="Bridge Gazette", kind="outlet",
        evidence=evidence1, evidence_span=(0, len(evidence1)), match_score=0.7,
        cites=Citation(source="people familiar with the matter", kind="anonymous", cue="said", link=None,
                       sentence=evidence1, resolved_by=None),
        title="The bridge bill", published="2024-04-29", fetched_at="2024-05-02T09:00:02Z", sha256=SHA_B,
        flags=["redirect", "claim-drift", "anonymous-source"], redirects=[redirect], fetch_id=f1,
        extra={"drift": {"summary": "3 million euros became 2.5 million euros"}})
    store.save_hop(db, t.id, hop1, parent_hop_id=id0, stop_reason="anonymous-source")
    t.origin = Origin("people familiar with the matter", GAZETTE, "anonymous", "anonymous-source")
    t.flags = ["redirect", "claim-drift", "anonymous-source"]
    store.finish_trace(db, t)
    db["traces"].update(t.id, {"finished_at": "2024-05-02T09:00:03Z"})
    db.close()
    return Stored(db_path, t.id)


BRANCH_CLAIM = "The river festival drew 12,000 visitors"
FEST_A = "https://river-news.example/festival"
FEST_B = "https://town-council.example/press/festival-figures"
FEST_C = "https://weekend-guide.example/festival-recap"


def branch_trace(db_path: Path) -> Stored:
    """A tree written with the store API: the main chain A → B (the council's figures, an origin) and a
    branch A → C whose page cites A back (a loop marker hop, as the trace engine records it)."""
    db = store.open_db(db_path)
    t = Trace(claim=BRANCH_CLAIM, start_url=FEST_A, started_at="2024-06-10T08:00:00Z")
    store.begin_trace(db, t, {})
    ev_a = ('The river festival drew 12,000 visitors, the town council said, calling it "the busiest weekend '
            'the riverside has seen".')
    a = Hop(depth=0, url=FEST_A, requested_url=FEST_A, status=200, source="River News", kind="outlet", evidence=ev_a,
            cites=Citation("town council", "organisation", "said", FEST_B, ev_a, resolved_by="link"),
            sha256=SHA_A, fetched_at="2024-06-10T08:00:01Z")
    id_a = store.save_hop(db, t.id, a)
    ev_b = "A total of 12,000 visitors came to the river festival, the busiest weekend the riverside has seen."
    b = Hop(depth=1, url=FEST_B, requested_url=FEST_B, status=200, source="town council", kind="organisation",
            evidence=ev_b, sha256=SHA_B, fetched_at="2024-06-10T08:00:02Z")
    store.save_hop(db, t.id, b, parent_hop_id=id_a, stop_reason="no-further-attribution")
    ev_c = "About 12,000 people visited the river festival, River News reported."
    c = Hop(depth=1, url=FEST_C, requested_url=FEST_C, status=200, source="Weekend Guide", kind="outlet",
            evidence=ev_c, cites=Citation("River News", "outlet", "reported", FEST_A, ev_c, resolved_by="link"),
            sha256="c" * 64, fetched_at="2024-06-10T08:00:03Z")
    id_c = store.save_hop(db, t.id, c, branch=1, parent_hop_id=id_a)
    marker = Hop(depth=2, url=None, requested_url=FEST_A, source="River News", kind="outlet", flags=["loop"],
                 extra={"loop_to": {"depth": 0, "url": FEST_A, "source": "River News"}})
    store.save_hop(db, t.id, marker, branch=1, parent_hop_id=id_c, stop_reason="loop")
    t.origin = Origin("town council", FEST_B, "organisation", "no-further-attribution")
    t.flags = ["loop"]
    store.finish_trace(db, t)
    db.close()
    return Stored(db_path, t.id)
