"""Start-up time: what a user waits for before tracer does anything.

Each figure is the best (and the median) of N fresh processes, wall clock, and the median CPU
time (user + system) of the process, which a machine busy with other work disturbs less:

    python bench/bench_startup.py            # import tracer, --version, --help, cold demo
    python bench/bench_startup.py -n 15

``import tracer`` is the Python API's cost (``from tracer import trace`` loads the pipeline
only when ``trace`` is first used); ``tracer --version`` and ``tracer --help`` are the CLI's,
which must stay under 0.2 s; the cold demo is a whole offline trace of the seed web in a new
process (imports, WARC build, trace, verdict).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES = {
    "python -c pass (the floor)": [sys.executable, "-c", "pass"],
    "import tracer": [sys.executable, "-c", "import tracer"],
    "from tracer import trace (API, pipeline loaded)": [sys.executable, "-c", "from tracer import trace; trace.__call__"],
    "tracer --version": [sys.executable, "-m", "tracer", "--version"],
    "tracer --help": [sys.executable, "-m", "tracer", "--help"],
    "tracer demo (cold)": [sys.executable, "-m", "tracer", "demo"],
}


def timed(cmd: list[str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of cmd in a fresh process."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return elapsed, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="runs per case (default 9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cwd:
        print(f"{'case':<50} {'best':>8} {'median':>8} {'cpu':>8}")
        for name, cmd in CASES.items():
            runs = [timed(cmd, cwd) for _ in range(args.n if "demo" not in name else max(3, args.n // 3))]
            wall = [w for w, _ in runs]
            cpu = statistics.median(c for _, c in runs)
            print(f"{name:<50} {min(wall):>7.3f}s {statistics.median(wall):>7.3f}s {cpu:>7.3f}s")


if __name__ == "__main__":
    main()
