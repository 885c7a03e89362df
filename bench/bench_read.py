"""Reading real pages: main text against the AEB ground truth, publication days against the
Media Cloud sample, speed — tracer side by side with trafilatura and htmldate in one run.

    python bench/bench_read.py [--pages DIR] [--repeat 3] [--keep-warc pages.warc.gz] [--no-peers]

1. The 381 pages of ``shared/data/pages`` (181 AEB, 200 Media Cloud) go into one WARC, each
   record at its page's URL; ``tracer read pages.warc.gz --format jsonl`` reads it in one
   process. Main text: bag-of-words F1 on AEB (words are ``\\w+``, lower-cased, counted;
   per-page precision and recall averaged, then F1). Dates: the right publication day on
   Media Cloud (the page's ``published`` day equals the human-checked day; the 5 pages
   without a date count as wrong, and, in brackets, as right when tracer finds none).
2. Peers in the same process: trafilatura (default and fast) and readability-lxml for the
   text, htmldate (quick and extensive search) for the day; tracer's own reading timed the
   same way; the fallback extractors read through tracer's walk (which one to fall back to).
3. Whole page analysis: ``tracer attributions --format jsonl`` over the 181 AEB pages as one
   process against a process running ``trafilatura.extract`` on the same files, alternated
   ``--repeat`` times; CPU seconds (user+sys) and wall seconds, ratio of each pair, median.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRACER_SHARED") or REPO.parent / "shared")
WORD = re.compile(r"\w+")

TRAFILATURA_PROCESS = """
import sys, trafilatura
for path in sys.argv[1:]:
    with open(path, 'rb') as fh:
        html = fh.read().decode('utf-8', 'replace')
    trafilatura.extract(html)
"""


def load(folder: Path):
    """([(id, url, html bytes, article body)], [(url, html bytes, day or None)])."""
    truth = json.loads((folder / "aeb" / "ground-truth.json").read_text("utf-8"))
    aeb = [(key, item["url"], gzip.decompress((folder / "aeb" / "html" / f"{key}.html.gz").read_bytes()),
            item["articleBody"]) for key, item in truth.items()]
    dates = json.loads((folder / "mediacloud-2020" / "eval_mediacloud_2020.json").read_text("utf-8"))
    media = []
    for url, item in dates.items():
        path = folder / "mediacloud-2020" / "html" / item["file"]
        raw = path.read_bytes() if path.exists() else gzip.decompress(path.with_name(path.name + ".gz").read_bytes())
        day = item["date"] if isinstance(item["date"], str) and item["date"][:4].isdigit() else None
        media.append((url, raw, day))
    return aeb, media


def build_warc(aeb, media, out: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        pages = [(url, body, "text/html; charset=utf-8") for _, url, body, _ in aeb]
        pages += [(url, body, "text/html") for url, body, _ in media]  # charset as the page declares it
        for url, body, ctype in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=headers))


def bag(text: str | None) -> Counter:
    return Counter(WORD.findall((text or "").lower()))


def f1(pairs) -> tuple[float, float, float]:
    """Mean per-page precision and recall, then F1."""
    precisions, recalls = [], []
    for found, truth in pairs:
        got, want = bag(found), bag(truth)
        common = sum((got & want).values())
        precisions.append(common / sum(got.values()) if got else 0.0)
        recalls.append(common / sum(want.values()) if want else 0.0)
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def days_right(found: dict, media) -> tuple[int, int]:
    """(right, right counting 'no date' as right where the truth has none)."""
    strict = lenient = 0
    for url, _, day in media:
        got = (found.get(url) or "")[:10] or None
        strict += day is not None and got == day
        lenient += got == day
    return strict, lenient


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(args, **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    cpu, wall = child_cpu(), time.perf_counter()
    done = subprocess.run(args, check=True, **kw)
    return time.perf_counter() - wall, child_cpu() - cpu, done


def per_page(fn, items) -> tuple[list, float]:
    """fn over items: (results, CPU ms per item)."""
    start = time.process_time()
    out = [fn(item) for item in items]
    return out, (time.process_time() - start) * 1000 / len(items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=Path, default=SHARED / "data" / "pages")
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs of the whole-analysis comparison")
    ap.add_argument("--keep-warc", type=Path, default=None, help="write the WARC here and keep it")
    ap.add_argument("--no-peers", action="store_true", help="tracer only")
    args = ap.parse_args()
    if not (args.pages / "aeb").is_dir():
        sys.exit(f"pages not found: {args.pages} (set TRACER_SHARED)")
    sys.path.insert(0, str(REPO))
    aeb, media = load(args.pages)
    n_aeb, n_media = len(aeb), len(media)
    print(f"{n_aeb} AEB pages, {n_media} Media Cloud pages ({sum(d is None for *_, d in media)} without a date)")

    with tempfile.TemporaryDirectory() as tmp:
        warc = args.keep_warc or Path(tmp) / "pages.warc.gz"
        build_warc(aeb, media, warc)
        wall, cpu, done = timed_process([sys.executable, "-m", "tracer", "read", str(warc), "--format", "jsonl"],
                                        stdout=subprocess.PIPE, cwd=tmp)
        docs = {d["url"]: d for d in map(json.loads, done.stdout.decode("utf-8").splitlines())}
        print(f"\ntracer read {warc.name} --format jsonl: {len(docs)} documents in {wall:.1f} s "
              f"({cpu:.1f} s CPU, {1000 * cpu / (n_aeb + n_media):.1f} ms/page with start-up)")
        p, r, f = f1((docs.get(url, {}).get("text"), body) for _, url, _, body in aeb)
        strict, lenient = days_right({u: d.get("published") for u, d in docs.items()}, media)
        sources = Counter(docs[u].get("published_source") for u, _, _ in media if u in docs)
        fell_back = sum(1 for d in docs.values() if d.get("text_from"))
        print(f"  AEB main text      P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (fallback extractor used on {fell_back} pages)")
        print(f"  Media Cloud day    {strict}/{n_media} = {strict / n_media:.3f}  ({lenient / n_media:.3f} counting "
              f"no-date pages found undated)   sources: {dict(sources)}")

        if not args.no_peers:
            peers(aeb, media)

        files = []
        for key, _, body, _ in aeb:
            path = Path(tmp) / f"{key}.html"
            path.write_bytes(body)
            files.append(str(path))
        print(f"\nwhole page analysis over the {n_aeb} AEB pages, one process each (start-up included):")
        ratios_cpu, ratios_wall = [], []
        for run in range(args.repeat):
            t_wall, t_cpu, _ = timed_process([sys.executable, "-m", "tracer", "attributions", "--format", "jsonl",
                                              *files], stdout=subprocess.DEVNULL, cwd=tmp)
            f_wall, f_cpu, _ = timed_process([sys.executable, "-c", TRAFILATURA_PROCESS, *files],
                                             stdout=subprocess.DEVNULL, cwd=tmp)
            ratios_cpu.append(t_cpu / f_cpu)
            ratios_wall.append(t_wall / f_wall)
            print(f"  run {run + 1}: tracer attributions {t_cpu:5.2f} s CPU ({t_wall:5.2f} s wall) | "
                  f"trafilatura.extract {f_cpu:5.2f} s CPU ({f_wall:5.2f} s wall) | ratio {t_cpu / f_cpu:.2f} CPU, "
                  f"{t_wall / f_wall:.2f} wall")
        print(f"  median ratio: {statistics.median(ratios_cpu):.2f} CPU, {statistics.median(ratios_wall):.2f} wall")


def peers(aeb, media) -> None:
    import htmldate
    import trafilatura

    from tracer.read.extract import extract_document
    from tracer.read.html import parse_html

    html_aeb = [(url, body.decode("utf-8", "replace"), truth) for _, url, body, truth in aeb]
    print("\nin one process, CPU ms/page (parse included):")
    extract_document(html_aeb[0][1], html_aeb[0][0])  # warm-up: imports
    trafilatura.extract(html_aeb[0][1])
    rows = [
        ("tracer (extract_document)", lambda t: extract_document(t[1], t[0]).text),
        ("trafilatura.extract", lambda t: trafilatura.extract(t[1], url=t[0])),
        ("trafilatura.extract fast", lambda t: trafilatura.extract(t[1], url=t[0], fast=True)),
        ("tracer walk over trafilatura's choice", lambda t: extract_document(t[1], t[0], fallback="trafilatura-only").text),
    ]
    try:
        import lxml.html
        from readability import Document as Readable

        rows.append(("readability-lxml", lambda t: lxml.html.fromstring(Readable(t[1]).summary()).text_content()))
        rows.append(("tracer walk over readability's choice",
                     lambda t: extract_document(t[1], t[0], fallback="readability-only").text))
    except ImportError:
        print("  (readability-lxml not installed: pip install readability-lxml to compare it)")
    for label, fn in rows:
        found, ms = per_page(fn, html_aeb)
        p, r, f = f1(zip(found, (t[2] for t in html_aeb)))
        print(f"  AEB  {label:40} F1 {f:.3f} (P {p:.3f} R {r:.3f})  {ms:6.1f} ms/page")

    def tracer_day(item):
        return extract_document(item[1], item[0]).published

    def htmldate_day(extensive):
        # a parsed tree, never a string: htmldate downloads a string that looks like a URL
        return lambda item: htmldate.find_date(parse_html(item[1]), url=item[0], extensive_search=extensive,
                                               original_date=True)

    for label, fn in (("tracer (published)", tracer_day), ("htmldate quick", htmldate_day(False)),
                      ("htmldate extensive", htmldate_day(True))):
        found, ms = per_page(fn, media)
        strict, lenient = days_right({item[0]: day for item, day in zip(media, found)}, media)
        print(f"  days {label:40} {strict}/{len(media)} = {strict / len(media):.3f} ({lenient / len(media):.3f})  "
              f"{ms:6.1f} ms/page")


if __name__ == "__main__":
    main()
