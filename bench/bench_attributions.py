"""Speed of the whole page analysis (parse, main text, sentences, links, attributions)
against trafilatura's main-text extraction alone, on the real pages of shared/data/pages/aeb.

    python bench/bench_attributions.py [--pages DIR] [--limit N] [--no-process]

Prints ms/page for both, measured two ways: in one Python process (time per page, pages
already in memory) and as whole processes over all pages (``tracer attributions --format
jsonl`` vs a process running trafilatura.extract on each page), start-up included.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRACER_SHARED") or REPO.parent / "shared")

TRAFILATURA_PROCESS = """
import sys, trafilatura
for path in sys.argv[1:]:
    with open(path, 'rb') as fh:
        html = fh.read().decode('utf-8', 'replace')
    trafilatura.extract(html)
"""


def load_pages(folder: Path, limit: int | None) -> list[tuple[str, str]]:
    pages = []
    for path in sorted(folder.glob("*.html.gz")) + sorted(folder.glob("*.html")):
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        pages.append((path.name, raw.decode("utf-8", "replace")))
        if limit and len(pages) >= limit:
            break
    return pages


def time_per_page(fn, pages) -> list[float]:
    out = []
    for _, html in pages:
        t0 = time.perf_counter()
        fn(html)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def tracer_page(html: str) -> None:
    from tracer.page import read_page

    read_page(html, "https://example.org/page")


def report(label: str, ms: list[float]) -> None:
    print(f"  {label:34} mean {statistics.mean(ms):6.1f} ms/page   median {statistics.median(ms):6.1f}   total {sum(ms) / 1000:6.2f} s")


def whole_process(pages) -> tuple[float, float]:
    """Seconds for one tracer process and one trafilatura process over all pages."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, html in pages:
            p = Path(tmp) / name.replace(".gz", "")
            p.write_text(html, encoding="utf-8")
            files.append(str(p))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tracer", "attributions", "--format", "jsonl", *files],
                       check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        tracer_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", TRAFILATURA_PROCESS, *files],
                       check=True, stdout=subprocess.DEVNULL)
        traf_s = time.perf_counter() - t0
    return tracer_s, traf_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=Path, default=SHARED / "data" / "pages" / "aeb" / "html")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--no-process", action="store_true", help="skip the whole-process comparison")
    args = ap.parse_args()
    if not args.pages.is_dir():
        sys.exit(f"pages not found: {args.pages} (set TRACER_SHARED)")
    sys.path.insert(0, str(REPO))
    pages = load_pages(args.pages, args.limit)
    print(f"{len(pages)} pages from {args.pages}")

    import trafilatura

    tracer_page(pages[0][1])  # warm-up: imports, regex compilation
    trafilatura.extract(pages[0][1])
    print("in one process (per page, parse included):")
    report("tracer (text+links+attributions)", time_per_page(tracer_page, pages))
    report("trafilatura.extract", time_per_page(lambda h: trafilatura.extract(h), pages))
    report("trafilatura.extract fast (no_fallback)", time_per_page(lambda h: trafilatura.extract(h, fast=True), pages))
    if not args.no_process:
        tracer_s, traf_s = whole_process(pages)
        n = len(pages)
        print("whole processes over all pages (start-up included):")
        print(f"  tracer attributions --format jsonl   {tracer_s:6.2f} s = {1000 * tracer_s / n:6.1f} ms/page")
        print(f"  trafilatura.extract                  {traf_s:6.2f} s = {1000 * traf_s / n:6.1f} ms/page")


if __name__ == "__main__":
    main()
