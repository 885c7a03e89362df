"""Time a trace of a five-hop chain answered from a WARC (fixtures/web/five-hop-chain).

Prints milliseconds per hop (in-process, warm: fetch from the WARC, read the page, find
the claim and the citation, store the hop) and the wall time of whole processes
(`python -m tracer trace ... --archive W --offline`, interpreter start and imports included).

    python bench/bench_trace.py [--runs 20] [--processes 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracer import trace
from tracer.fixtures import build_warc, load_web

WEB = "five-hop-chain"


def per_hop_times(warc: Path, tmp: Path, runs: int) -> tuple[list[float], list[float], list[float], int]:
    """(ms of hop 0, ms of each later hop, ms per whole trace, hops in the chain), over every run.

    Hop 0 also pays for opening the database (migrations) and indexing the WARC."""
    web = load_web(WEB)
    first_ms: list[float] = []
    hop_ms: list[float] = []
    trace_ms: list[float] = []
    hops = 0
    for run in range(runs + 1):  # run 0 warms imports and caches, and is not counted
        marks: list[float] = []
        start = time.perf_counter()
        result = trace(web.start_url, web.claim, db=str(tmp / f"bench-{run}.db"), archives=[str(warc)], offline=True,
                       progress=lambda hop: marks.append(time.perf_counter()))
        end = time.perf_counter()
        assert result.origin.reason == "no-further-attribution" and len(result.hops) == 5, result.to_json()
        if run == 0:
            continue
        hops = len(result.hops)
        previous = start
        for i, mark in enumerate(marks):
            (first_ms if i == 0 else hop_ms).append((mark - previous) * 1000)
            previous = mark
        trace_ms.append((end - start) * 1000)
    return first_ms, hop_ms, trace_ms, hops


def process_times(warc: Path, tmp: Path, processes: int) -> list[float]:
    web = load_web(WEB)
    times = []
    for i in range(processes):
        cmd = [sys.executable, "-m", "tracer", "trace", web.start_url, "--claim", web.claim, "--archive", str(warc),
               "--offline", "--format", "json", "--db", str(tmp / f"proc-{i}.db")]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"tracer failed: {done.stderr}")
    return times


def describe(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return f"median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms   min {values[0]:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="in-process traces to time (after one warm-up)")
    parser.add_argument("--processes", type=int, default=5, help="whole `python -m tracer trace` processes to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-trace-") as tmp_name:
        tmp = Path(tmp_name)
        warc = build_warc(WEB, tmp / f"{WEB}.warc.gz")
        first_ms, hop_ms, trace_ms, hops = per_hop_times(warc, tmp, args.runs)
        print(f"five-hop chain from a WARC ({warc.stat().st_size} bytes), {hops} hops, {args.runs} runs, Python "
              f"{sys.version.split()[0]}")
        print(f"  hop 0 (opens db and WARC): {describe(first_ms)}")
        print(f"  per later hop:             {describe(hop_ms)}")
        print(f"  whole trace (in-process):  {describe(trace_ms)}")
        if args.processes:
            proc_ms = process_times(warc, tmp, args.processes)
            print(f"  whole process (CLI):       {describe(proc_ms)}   ({args.processes} processes)")


if __name__ == "__main__":
    main()
