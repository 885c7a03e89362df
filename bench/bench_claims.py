"""Time the claim matcher: model load, ms per sentence, per page (a hop's find_claim), per dev item.

    python bench/bench_claims.py [--runs 5]

Per page: ``find_claim`` on each page of the five-hop-chain fixture web with the model's vector
cache emptied first (a hop's matching, cold), and again with it full (a page read again).
Per dev item: ``claim_scores`` on 40-sentence items of ../shared/data/claims/dev.jsonl when it
is there (cold cache). The machine's load average is printed: the figures scale with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from tracer.claims import semantic
from tracer.claims.match import claim_scores, find_claim
from tracer.fixtures import load_web
from tracer.page import read_page

DEV = Path(__file__).resolve().parent.parent.parent / "shared/data/claims/dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    start = time.perf_counter()
    model = semantic.sentence_model()
    print(f"model load (sha256 check + onnxruntime session): {1000 * (time.perf_counter() - start):.0f} ms")
    web = load_web("five-hop-chain")
    docs = [read_page(web.body(p).decode("utf-8"), p.url)[0] for p in web.pages]
    sentences = [d.sentence_text(i) for d in docs for i in range(len(d.sentences))]
    model.encode(sentences[:4])  # warm the session
    start = time.perf_counter()
    model.encode(sentences)
    print(f"model: {1000 * (time.perf_counter() - start) / len(sentences):.1f} ms per sentence "
          f"({len(sentences)} sentences of the fixture pages, one a run)")
    cold, warm = [], []
    for _ in range(args.runs):
        for doc in docs:
            semantic.reset()
            semantic.sentence_model()
            t = time.perf_counter()
            find_claim(doc, web.claim)
            cold.append(1000 * (time.perf_counter() - t))
            t = time.perf_counter()
            find_claim(doc, web.claim)
            warm.append(1000 * (time.perf_counter() - t))
    print(f"find_claim per page, cold vectors: median {statistics.median(cold):.1f} ms, min {min(cold):.1f} ms; "
          f"warm: median {statistics.median(warm):.1f} ms ({len(docs)} pages x {args.runs})")
    if DEV.exists():
        items = [json.loads(line) for line in DEV.read_text().splitlines()[:40]]
        semantic.reset()
        t = time.perf_counter()
        for item in items:
            claim_scores(item["claim"], item["candidates"])
        print(f"claim_scores: {1000 * (time.perf_counter() - t) / len(items):.0f} ms per 40-sentence dev item (cold)")


if __name__ == "__main__":
    main()
