"""Fetch N pages from M loopback hosts under per-host pacing; print pages/s and whether pacing held.

Each host is its own HTTP server on its own 127.0.0.x address. The servers log when each
request arrives, so the pacing check is made on the server side, where it matters.

    python bench/bench_fetch.py --pages 200 --hosts 8 --delay 0.2
    python bench/bench_fetch.py --pages 200 --hosts 8 --delay 0.2 --workers 8   # a thread per host
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import page, serve  # noqa: E402
from tracer.fetch import Fetcher  # noqa: E402


def article(size: int) -> str:
    paragraph = "<p>According to the report, the figure was revised twice before publication.</p>\n"
    return "<html><head><title>bench</title></head><body>" + paragraph * max(1, size // len(paragraph)) + "</body></html>"


def article_handler(body: str):
    # Every page differs (its path is in it), so each is a full WARC response, not a revisit.
    def handler(request):
        page(body.replace("<title>bench</title>", f"<title>{request.path}</title>"))(request)
    return handler


def start_servers(count: int, body: str):
    # One address per host: pacing is per host, so they must look like different hosts.
    contexts = [serve({"/robots.txt": page("User-agent: *\nAllow: /\n", content_type="text/plain"),
                       "*": article_handler(body)}, host=f"127.0.0.{i + 2}") for i in range(count)]
    return contexts, [c.__enter__() for c in contexts]


def round_robin_urls(servers, pages: int) -> list[str]:
    return [servers[i % len(servers)].url(f"/article/{i}") for i in range(pages)]


def fetch_all(fetcher: Fetcher, urls: list[str], servers, workers: int):
    if workers <= 1:
        return [fetcher.fetch(u) for u in urls]
    by_host = {s.base: [u for u in urls if u.startswith(s.base + "/")] for s in servers}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        chunks = pool.map(lambda us: [fetcher.fetch(u) for u in us], by_host.values())
        return [r for chunk in chunks for r in chunk]


def pacing_report(servers, delay: float, tolerance: float = 0.005):
    rows = []
    for server in servers:
        times = sorted(t for t, _, _ in server.log)
        gaps = [b - a for a, b in zip(times, times[1:])]
        smallest = min(gaps) if gaps else float("inf")
        rows.append((server.host, len(times), smallest, smallest >= delay - tolerance))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--delay", type=float, default=0.2, help="per-host delay in seconds")
    parser.add_argument("--workers", type=int, default=1, help="threads sharing one Fetcher")
    parser.add_argument("--size", type=int, default=20_000, help="bytes per page")
    args = parser.parse_args(argv)

    contexts, servers = start_servers(args.hosts, article(args.size))
    try:
        with tempfile.TemporaryDirectory(prefix="tracer-bench-") as tmp:
            urls = round_robin_urls(servers, args.pages)
            with Fetcher(delay=args.delay, timeout=10, allow_private=True, warc_dir=Path(tmp) / "warc") as fetcher:
                started = time.monotonic()
                results = fetch_all(fetcher, urls, servers, args.workers)
                elapsed = time.monotonic() - started
            warc_bytes = sum(p.stat().st_size for p in (Path(tmp) / "warc").iterdir())
    finally:
        for context in contexts:
            context.__exit__(None, None, None)

    ok = sum(1 for r in results if r.ok)
    ideal = args.pages / (args.hosts / args.delay) if args.delay else 0
    print(f"{args.pages} pages from {args.hosts} hosts, delay {args.delay}s, workers {args.workers}, "
          f"{args.size} B/page")
    print(f"ok {ok}/{len(results)} in {elapsed:.2f}s: {len(results) / elapsed:.1f} pages/s "
          f"(pacing bound: {args.hosts / args.delay if args.delay else float('inf'):.1f} pages/s, "
          f"ideal time {ideal:.2f}s)")
    print(f"WARC written: {warc_bytes / 1e6:.2f} MB; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    held_everywhere = True
    for host, count, smallest, held in pacing_report(servers, args.delay):
        held_everywhere &= held
        print(f"  {host:<12} {count:>4} requests (incl. robots.txt)  min gap {smallest:.3f}s  "
              f"pacing {'held' if held else 'VIOLATED'}")
    print(f"pacing held on every host: {'yes' if held_everywhere else 'NO'}")
    return 0 if held_everywhere and ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
