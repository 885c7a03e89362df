"""Start-up time: what a user waits for before tracer does anything.

Each figure is the best (and the median) of N fresh processes, so a busy machine's noise
shows as spread, not as a slower tracer:

    python bench/bench_startup.py            # import tracer, --version, --help, cold demo
    python bench/bench_startup.py -n 15

``import tracer`` is the Python API's cost (``from tracer import trace`` loads the pipeline
only when ``trace`` is first used); ``tracer --version`` and ``tracer --help`` are the CLI's,
which must stay under 0.2 s; the cold demo is a whole offline trace of the seed web in a new
process (imports, WARC build, trace, verdict).
"""

from __future__ import annotations

import argparse
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


def timed(cmd: list[str], cwd: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="runs per case (default 9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cwd:
        print(f"{'case':<50} {'best':>8} {'median':>8}")
        for name, cmd in CASES.items():
            runs = [timed(cmd, cwd) for _ in range(args.n if "demo" not in name else max(3, args.n // 3))]
            print(f"{name:<50} {min(runs):>7.3f}s {statistics.median(runs):>7.3f}s")


if __name__ == "__main__":
    main()
