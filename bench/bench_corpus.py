"""Benchmark the corpus: index synthetic WARCs, then ask `sources` for claims.

    python bench/bench_corpus.py                      # 10k and 100k pages, all cores
    python bench/bench_corpus.py --sizes 1000000      # 1M pages (~1 hour and 11 GB on two cores)
    python bench/bench_corpus.py --sizes 20000 --workers 1 --keep /tmp/bench

For each size it generates gzip-per-record WARC files of synthetic news pages (12-30
sentences of generated prose, outlets, dates, attributions with links, distractor
sentences that share words with the claims), indexes them with `tracer index`'s library
function, and prints pages/s, the database size, and the latency of `sources` (cold:
first query after opening the database; warm: median of the next five). A planted wire
story is repeated by ten outlets in every 10,000 pages (copies, citing pages, independent
reports), so the answer has to collapse copies and count origins at every size.
"""

from __future__ import annotations

import argparse
import io
import resource
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracer.corpus.search import sources  # noqa: E402
from tracer.corpus.index import index_warcs  # noqa: E402
from tracer.store import open_db  # noqa: E402

CLAIM = "Shipping through the Strait of Velmar fell 40 percent after the drought"
COMMON_CLAIM = "Shipping costs rose 12 percent after the strike at the port"
PAGES_PER_FILE = 10_000
PLANT_EVERY = 10_000

WORDS = """time year people way day man thing woman life child world school state family student group country
problem hand part place case week company system program question work government number night point home water
room mother area money story fact month lot right study book eye job word business issue side kind head house
service friend father power hour game line end member law car city community name president team minute idea kid
body information back parent face others level office door health person art war history party result change
morning reason research girl guy moment air teacher force education foot boy age policy process music market sense
nation plan college interest death experience effect use class control care field development role effort rate
heart drug show leader light voice wife police mind price report decision son view relationship town road arm
difference value building action model season society tax director position player record paper space ground form
event official matter center couple site project activity star table need court oil situation cost industry figure
street image phone data picture practice piece land product doctor wall patient worker news test movie north love
support technology step baby computer type attention film tree source organization hair window evidence population
site trade port harbour river grain farmer freight cargo vessel ship barge lock channel rain season harvest
export import budget minister council election vote bank loan debt inflation currency bond share stock""".split()
VERBS = """said rose fell grew dropped climbed slipped announced reported expected planned agreed warned estimated
increased decreased reached hit doubled halved opened closed approved rejected""".split()
SYLLABLES = "ka lo ven mar tis ber dal or an ul ri som pel gra nor vik ost ha len mi zu ter bro qua del fin".split()


def name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.places = [name(self.rng, self.rng.choice((2, 3))) for _ in range(3000)]
        self.people = [f"{name(self.rng)} {name(self.rng, 3)}" for _ in range(3000)]
        self.outlets = [(f"The {name(self.rng)} {self.rng.choice(['Times', 'Post', 'Herald', 'Courier', 'Ledger'])}",
                         f"outlet{i}.example") for i in range(600)]
        self.weights = [1 / (i + 1) for i in range(len(WORDS))]
        self.wire_url = "https://www.globalwire.example/world/velmar-drought-shipping"

    def words(self, n: int) -> str:
        return " ".join(self.rng.choices(WORDS, self.weights, k=n))

    def sentence(self, links: list[str]) -> str:
        rng = self.rng
        kind = rng.random()
        number = rng.choice([f"{rng.randint(2, 95)} percent", f"${rng.randint(1, 900)} million",
                             f"{rng.randint(2, 40)},000", f"{rng.randint(2, 9)} billion"])
        if kind < 0.002:  # distractors that share most words with the claims
            return (f"{rng.choice(['Shipping', 'Trade', 'Traffic', 'Freight'])} through the "
                    f"{rng.choice(['port', 'Strait', 'channel', 'river'])} of {rng.choice(self.places)} "
                    f"{rng.choice(VERBS)} {number} after the {rng.choice(['drought', 'strike', 'storm', 'election'])}.")
        if kind < 0.03:  # and some that share a few
            return (f"{rng.choice(['Shipping', 'Trade', 'Port', 'Strike'])} {self.words(rng.randint(3, 6))} "
                    f"{rng.choice(['drought', 'strike', 'percent', 'costs'])} {self.words(rng.randint(3, 6))}.")
        if kind < 0.2 and links:
            outlet = rng.choice(self.outlets)[0]
            return (f"The {self.words(3)} {rng.choice(VERBS)} {number}, according to "
                    f'<a href="{rng.choice(links)}">{outlet}</a>.')
        if kind < 0.45:
            return f"\u201c{self.words(rng.randint(8, 16)).capitalize()},\u201d {rng.choice(self.people)} said."
        return (f"{self.words(rng.randint(3, 8)).capitalize()} in {rng.choice(self.places)} {rng.choice(VERBS)} "
                f"{number} {self.words(rng.randint(4, 12))}.")

    def page(self, i: int, links: list[str]) -> tuple[str, bytes]:
        rng = self.rng
        site, host = self.outlets[i % len(self.outlets)]
        url = f"https://www.{host}/news/{2023 - i % 3}/{i}"
        day = f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
        paragraphs = []
        plant = i % PLANT_EVERY
        if 1000 <= plant < 1010:  # the planted story: the wire's own page, then copies and citing pages
            n = plant - 1000
            if n == 0 and i == 1000:
                url, site, day = self.wire_url, "Global Wire", "2023-01-01T06:00:00Z"
            paragraphs.append(self.planted(n))
            if n <= 6:  # a wire copy carries the whole wire story
                if not hasattr(self, "wire_body"):
                    self.wire_body = [" ".join(self.sentence([]) for _ in range(rng.randint(2, 5))) for _ in range(5)]
                paragraphs.extend(self.wire_body)
        if not 1000 <= plant <= 1006:
            for _ in range(rng.randint(4, 8)):
                paragraphs.append(" ".join(self.sentence(links) for _ in range(rng.randint(2, 5))))
        title = self.words(6).capitalize()
        body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta property="og:site_name" content="{site}"><meta property="article:published_time" '
                f'content="{day}"></head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
                f"<article><h1>{title}</h1>{body}</article><footer>&copy; {site}</footer></body></html>")
        return url, html.encode("utf-8")

    def planted(self, n: int) -> str:
        wire = ("Cargo shipping through the Strait of Velmar fell by 40 percent this year after a severe drought "
                "lowered water levels along the channel. Fewer than 900 vessels crossed the strait between March "
                "and August, compared with more than 1,500 in the same months last year. Barge operators have cut "
                "their loads to keep their hulls off the riverbed.")
        if n <= 6:
            return wire  # the wire story and its copies
        if n <= 8:
            return (f'Shipping through the Strait of Velmar dropped 40 percent after the drought, '
                    f'<a href="{self.wire_url}">Global Wire reported</a>.')
        return "Our reporters counted ships for weeks: shipping through the Strait of Velmar fell 40 percent after the drought."


def build_corpus(folder: Path, pages: int) -> list[Path]:
    gen = Generator()
    files = []
    recent: list[str] = []
    for start in range(0, pages, PAGES_PER_FILE):
        path = folder / f"synthetic-{start // PAGES_PER_FILE:04d}.warc.gz"
        files.append(path)
        if path.exists():
            continue
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            for i in range(start, min(pages, start + PAGES_PER_FILE)):
                url, body = gen.page(i, recent[-50:])
                recent.append(url)
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                      ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                              length=len(body), http_headers=headers))
        tmp.rename(path)
    return files


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def bench(size: int, workers: int | None, folder: Path, query_only: bool = False) -> dict:
    warcs_dir = folder / f"warcs-{size}"
    warcs_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    files = build_corpus(warcs_dir, size)
    gen_s = time.perf_counter() - t0
    warc_bytes = sum(f.stat().st_size for f in files)
    db_path = folder / f"corpus-{size}.db"
    figures = {"pages": size, "generate_s": round(gen_s, 1), "warc_mb": round(warc_bytes / 1e6, 1)}
    if not (query_only and db_path.exists()):
        for p in folder.glob(db_path.name + "*"):
            p.unlink()
        db = open_db(db_path)
        stats = index_warcs(db, files, workers=workers)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the writer, since the start
        figures.update({"writer_rss_mb": round(rss_mb), "index_s": round(stats.seconds, 1),
                        "pages_per_s": round(stats.records / stats.seconds, 1), "documents": stats.documents})
    figures["db_mb"] = round(db_size(db_path) / 1e6, 1)
    for label, claim in (("claim", CLAIM), ("common", COMMON_CLAIM)):
        db = open_db(db_path)
        t = time.perf_counter()
        result = sources(db, claim)
        cold = time.perf_counter() - t
        warm = []
        for _ in range(5):
            t = time.perf_counter()
            sources(db, claim)
            warm.append(time.perf_counter() - t)
        db.close()
        figures[f"{label}_cold_s"] = round(cold, 3)
        figures[f"{label}_warm_s"] = round(statistics.median(warm), 3)
        figures[f"{label}_documents"] = len(result["documents"])
        figures[f"{label}_origins"] = result["independent_origins"]
        figures[f"{label}_copies"] = result["copies"]
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes in pages")
    ap.add_argument("--workers", type=int, default=None, help="parsing processes (default: all cores)")
    ap.add_argument("--keep", default=None, help="folder for the WARCs and databases (kept; reused if present)")
    ap.add_argument("--query-only", action="store_true", help="with --keep: ask sources of the kept databases, no re-index")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tracer-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, workers: {args.workers or os.cpu_count()}, folder: {folder}", flush=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            f = bench(size, args.workers, folder, query_only=args.query_only)
            indexed = (f"index {f['index_s']:>7.1f}s = {f['pages_per_s']:>6.1f} pages/s | " if "index_s" in f
                       else "index kept | ")
            print(f"{f['pages']:>9,} pages | WARC {f['warc_mb']:>7.1f} MB (generated in {f['generate_s']}s) | {indexed}"
                  f"DB {f['db_mb']:>7.1f} MB ({f['db_mb'] * 1e6 / f['pages'] / 1e3:.1f} kB/page)"
                  + (f" | writer peak RSS {f['writer_rss_mb']} MB" if "writer_rss_mb" in f else ""), flush=True)
            for label in ("claim", "common"):
                print(f"{'':>9}   sources[{label}]: {f[label + '_documents']} documents, {f[label + '_origins']} origins, "
                      f"{f[label + '_copies']} copies collapsed | cold {f[label + '_cold_s']:.3f}s, "
                      f"warm {f[label + '_warm_s']:.3f}s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
