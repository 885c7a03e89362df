"""What credibility judgements cost.

Prints: the time to import a rater's list (Lin et al. 2023, 11,520 domains, read from
../shared when it is there, else a synthetic list of the same size), rating lookups per
second, the time ``assess_trace`` adds to a trace of each cred-* fixture web (and the
seed story), and ``assess_claim`` over the ten-copy web.

    python bench/bench_credibility.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tracer import store, trace
from tracer.judge.chain import assess_trace
from tracer.judge.claim import assess_claim, sources_from_traces
from tracer.fixtures import build_warc, load_web
from tracer.judge.ratings import import_csv, lookup

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRACER_SHARED", REPO.parent / "shared"))
WEBS = ["seed", "cred-gov", "cred-anon", "cred-drift", "cred-misquote", "cred-loop", "cred-dates", "cred-laundering"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cred-"))
    db = store.open_db(tmp / "bench.db")

    lin = SHARED / "data" / "ratings" / "lin2023_domain_pc1.csv"
    if not lin.is_file():
        lin = tmp / "synthetic.csv"
        rng = random.Random(1)
        lin.write_text("domain,pc1\n" + "".join(f"site{i}.example,{rng.random():.4f}\n" for i in range(11520)))
        print(f"(../shared absent: a synthetic list of 11,520 domains stands in for {lin.name})")
    t0 = time.perf_counter()
    result = import_csv(db, lin, rater="Lin et al. 2023", as_of="2023-08-25")
    print(f"import {result.imported} domains: {ms(time.perf_counter() - t0)}")
    urls = ["https://www.theguardian.com/observer/2019/aug/04/x", "https://news.xinhuanet.com/a",
            "https://coinwire.example/news/x", "https://www.reuters.com/article/x"] * 250
    t0 = time.perf_counter()
    for u in urls:
        lookup(db, u)
    elapsed = time.perf_counter() - t0
    print(f"lookup: {len(urls) / elapsed:,.0f} URLs/s ({elapsed / len(urls) * 1e6:.0f} µs each)")

    print(f"{'web':<16} {'hops':>4} {'trace (with credibility)':>26} {'assess_trace':>14}")
    for name in WEBS:
        web = load_web(name)
        warc = build_warc(web, tmp / f"{name}.warc.gz")
        traced, assessed = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            t = trace(web.start_url, web.claim, db=db, archives=[warc], offline=True)
            traced.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assess_trace(t, db)
            assessed.append(time.perf_counter() - t0)
        print(f"{name:<16} {len(t.hops):>4} {ms(statistics.median(traced)):>26} {ms(statistics.median(assessed)):>14}")

    web = load_web("cred-copies")
    warc = build_warc(web, tmp / "cred-copies.warc.gz")
    traces = [trace(p.url, web.claim, db=db, archives=[warc], offline=True) for p in web.pages]
    t0 = time.perf_counter()
    claim = assess_claim(sources_from_traces(traces, db), db)
    print(f"assess_claim over {claim['documents']} pages ({claim['copies']} copies, "
          f"{claim['independent_origins']} origins): {ms(time.perf_counter() - t0)}")


if __name__ == "__main__":
    sys.exit(main())
