"""Time of page analysis against page size: does it grow linearly? (issue 17, case 3)

    python bench/bench_page_size.py [--sizes 0.25,0.5,1,4] [--pattern mixed|repeat|all] [--stages] [--calls]

Builds HTML pages of the given sizes in MB out of repeated attribution paragraphs (a hostile
page: the same few sentences over and over, as an attack or a broken CMS would serve), and
prints for each size the seconds taken by the whole page analysis (``tracer.page.read_page``:
parse, main text, sentences, links, attributions), and with ``--stages`` by extraction and
attribution separately, plus seconds per MB. Linear growth shows as a flat s/MB column.
On a loaded machine seconds are noisy: ``--calls`` also counts the Python function calls of
the analysis (cProfile; the same on any machine), whose per-MB column is flat when it is linear.

Patterns: ``repeat`` is one paragraph of nested attributions (according to, citing, said,
a belief verb inside a content, a quotation that goes on) repeated; ``mixed`` varies names,
numbers and links per paragraph; ``all`` runs both.
"""

from __future__ import annotations

import argparse
import time

PARAGRAPH = (
    "<p>The minister said on Monday that the plan, according to <a href=\"https://wire.example/{i}\">the Wire</a>, "
    "would fail, citing a report by the audit office which believes the costs were hidden. "
    "“The costs are far higher than we were told,” said Jane Doe of the audit office. "
    "“We will publish everything.”</p>\n"
)
MIXED = (
    "<p>Officials in district {i} told reporters that {n} bridges were unsafe, according to "
    "<a href=\"https://news{m}.example/story/{i}\">Gazette {m}</a>, which cited an engineer who wants to close them. "
    "Mayor Ann Lee{m} said the council had “no choice”, the <a href=\"https://paper{m}.example/{i}\">Herald</a> reported.</p>\n"
)


def page(size_mb: float, pattern: str) -> str:
    target = int(size_mb * 1_000_000)
    head = "<html><head><title>Bench</title></head><body><article>\n"
    parts, total, i = [head], len(head), 0
    while total < target:
        block = PARAGRAPH.format(i=i) if pattern == "repeat" else MIXED.format(i=i, n=i % 97, m=i % 13)
        parts.append(block)
        total += len(block)
        i += 1
    parts.append("</article></body></html>")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.25,0.5,1,4", help="page sizes in MB, comma-separated")
    parser.add_argument("--pattern", choices=["repeat", "mixed", "all"], default="all")
    parser.add_argument("--stages", action="store_true", help="time extraction and attribution separately")
    parser.add_argument("--calls", action="store_true", help="count Python function calls too (machine-independent)")
    args = parser.parse_args()

    from tracer.attribution.attribute import extract_attributions
    from tracer.page import read_page
    from tracer.read.extract import extract_document

    sizes = [float(s) for s in args.sizes.split(",")]
    patterns = ["repeat", "mixed"] if args.pattern == "all" else [args.pattern]
    for pattern in patterns:
        print(f"pattern {pattern}")
        header = f"{'MB':>6} {'paragraphs':>10} {'attributions':>12} {'read_page s':>11} {'s/MB':>6}"
        if args.stages:
            header += f" {'extract s':>9} {'attribute s':>11}"
        if args.calls:
            header += f" {'calls':>11} {'calls/MB':>10}"
        print(header)
        for size in sizes:
            html = page(size, pattern)
            t0 = time.perf_counter()
            doc, atts = read_page(html, "https://bench.example/page")
            total = time.perf_counter() - t0
            line = (f"{len(html) / 1e6:6.2f} {len(doc.paragraphs):10d} {len(atts):12d} {total:11.2f} "
                    f"{total / (len(html) / 1e6):6.2f}")
            if args.stages:
                t0 = time.perf_counter()
                doc = extract_document(html, "https://bench.example/page")
                t1 = time.perf_counter()
                extract_attributions(doc.text, sentences=doc.sentences, links=doc.links, paragraphs=doc.paragraphs)
                t2 = time.perf_counter()
                line += f" {t1 - t0:9.2f} {t2 - t1:11.2f}"
            if args.calls:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.enable()
                read_page(html, "https://bench.example/page")
                profile.disable()
                calls = pstats.Stats(profile).total_calls
                line += f" {calls:11d} {calls / (len(html) / 1e6):10.0f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
