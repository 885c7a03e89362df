"""What the archive fallback and evidence packages cost, on loopback (no public archive).

Prints: a rot-dead trace with and without the fallback (wall time, requests to the archive),
the per-hop cost of checking that a live page still carries the claim (one more parse),
and the time and size of a WACZ for that trace.

    python bench/bench_archive.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from memento_server import MementoServer  # noqa: E402
from tracer import store, trace  # noqa: E402
from tracer.report.evidence import build_wacz, check_wacz  # noqa: E402
from tracer.page import read_page  # noqa: E402
from tracer.fixtures import build_warc, load_web  # noqa: E402
from tracer.claims.match import find_claim  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    web = load_web("rot-dead")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        live = build_warc("rot-dead", tmp / "live.warc.gz")
        arch = build_warc("rot-dead-archive", tmp / "arch.warc.gz")
        fast = {"delay": 0, "retries": 0, "timeout": 5}
        with MementoServer([arch]) as memento:
            for label, fallback in (("without fallback", False), ("with fallback", True)):
                times = []
                for i in range(args.repeat):
                    before = len(memento.requests)
                    t = time.perf_counter()
                    result = trace(web.start_url, web.claim, db=str(tmp / f"{label}-{i}.db"), archives=[str(live)],
                                   allow_private=True, memento=[memento.timegate], archive_fallback=fallback, **fast)
                    times.append(time.perf_counter() - t)
                    asked = len(memento.requests) - before
                print(f"trace {label:<17} {min(times) * 1000:7.1f} ms (best of {args.repeat}), "
                      f"{asked} archive requests, origin {result.origin.reason}")
            db_path = tmp / f"with fallback-{args.repeat - 1}.db"
        page = next(p for p in web.pages if p.url == web.start_url)
        html = web.body(page).decode()
        t = time.perf_counter()
        for _ in range(50):
            find_claim(read_page(html, page.url)[0], web.claim)
        print(f"claim check on a live page: {(time.perf_counter() - t) / 50 * 1000:.2f} ms per hop (one more parse)")
        db = store.open_db(db_path)
        t = time.perf_counter()
        package = build_wacz(db, store.last_trace_id(db), tmp / "case.wacz")
        took = time.perf_counter() - t
        print(f"WACZ: {package.records} records, {(tmp / 'case.wacz').stat().st_size} bytes, built in "
              f"{took * 1000:.1f} ms, problems {check_wacz(tmp / 'case.wacz')}")


if __name__ == "__main__":
    main()
