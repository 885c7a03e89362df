"""Trace the seed story offline, write its report in every format under bench/out/, screenshot the
HTML report in headless Chromium, and print how long each format took and how big it is.

    python bench/screenshot_report.py [--web seed] [--width 1100] [--height 2200] [--repeat 20]

Writes bench/out/<web>-report.{md,html,json,csv,dot,gexf,prov} and bench/out/<web>-report.png
(bench/out/ is git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracer import store, trace
from tracer.fixtures import build_warc, load_web
from tracer.report.model import REPORT_FORMATS, build_report
from tracer.report.render import render

OUT = Path(__file__).resolve().parent / "out"
SUFFIX = {"prov": "prov.json"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--web", default="seed")
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--height", type=int, default=2200)
    ap.add_argument("--repeat", type=int, default=20, help="renders per format for the timing")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    web = load_web(args.web)
    with tempfile.TemporaryDirectory(prefix="tracer-bench-") as tmp:
        warc = build_warc(web, Path(tmp) / f"{web.name}.warc.gz")
        db = store.open_db(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        result = trace(web.start_url, web.claim, db=db, archives=[str(warc)], offline=True)
        print(f"trace: {len(result.hops)} hops in {1000 * (time.perf_counter() - t0):.0f} ms "
              f"(origin: {result.origin.reason if result.origin else None})")
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            report = build_report(db, result.id, sources=False)
        print(f"build_report (store reads, no corpus lookup): {1000 * (time.perf_counter() - t0) / args.repeat:.1f} ms")
        print(f"{'format':<6} {'ms/render':>10} {'bytes':>8}  file")
        for fmt in REPORT_FORMATS:
            t0 = time.perf_counter()
            for _ in range(args.repeat):
                text = render(report, fmt)
            ms = 1000 * (time.perf_counter() - t0) / args.repeat
            path = OUT / f"{web.name}-report.{SUFFIX.get(fmt, fmt)}"
            path.write_text(text, "utf-8")
            print(f"{fmt:<6} {ms:>10.2f} {len(text.encode()):>8}  {path.relative_to(OUT.parent.parent)}")
        db.close()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium on PATH: screenshot skipped (Debian: apt-get install chromium)", file=sys.stderr)
        return 0
    png = OUT / f"{web.name}-report.png"
    html = OUT / f"{web.name}-report.html"
    with tempfile.TemporaryDirectory(prefix="tracer-chromium-") as profile:
        t0 = time.perf_counter()
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile}", f"--window-size={args.width},{args.height}",
             f"--screenshot={png}", html.as_uri()],
            capture_output=True, timeout=120)
    if done.returncode != 0 or not png.is_file():
        print(done.stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
        return 1
    print(f"screenshot: {png.relative_to(OUT.parent.parent)} ({args.width}x{args.height}, "
          f"{png.stat().st_size} bytes) in {1000 * (time.perf_counter() - t0):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
