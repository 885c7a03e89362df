"""Fetch N pages from M loopback hosts under per-host pacing; print pages/s and whether pacing held.

Each host is its own HTTP server on its own 127.0.0.x address. The servers log when each
request arrives, so the pacing check is made on the server side, where it matters.

    python bench/bench_fetch.py --pages 200 --hosts 8 --delay 0.2
    python bench/bench_fetch.py --pages 200 --hosts 8 --delay 0.2 --workers 8   # a thread per host
    python bench/bench_fetch.py --cases          # time and peak memory per misbehaving server

In ``--cases`` mode every case is fetched by a fresh child process, so the peak resident
memory it reports belongs to that one fetch (the servers live in the parent).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import servers  # noqa: E402
from tests.servers import page, serve  # noqa: E402
from tracer.web.fetch import Fetcher  # noqa: E402


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


def fetch_all(fetcher: Fetcher, urls: list[str], servers, workers: int) -> list[bool]:
    """Whether each fetch succeeded (results are dropped at once: RSS measures the fetcher)."""
    if workers <= 1:
        return [fetcher.fetch(u).ok for u in urls]
    by_host = {s.base: [u for u in urls if u.startswith(s.base + "/")] for s in servers}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        chunks = pool.map(lambda us: [fetcher.fetch(u).ok for u in us], by_host.values())
        return [ok for chunk in chunks for ok in chunk]


def pacing_report(servers, delay: float, tolerance: float = 0.005):
    rows = []
    for server in servers:
        times = sorted(t for t, _, _ in server.log)
        gaps = [b - a for a, b in zip(times, times[1:])]
        smallest = min(gaps) if gaps else float("inf")
        rows.append((server.host, len(times), smallest, smallest >= delay - tolerance))
    return rows


MISBEHAVING = {
    "never answers": ("/never", servers.never_answers(60)),
    "drips body": ("/drip", servers.drip(interval=0.5, total=1000)),
    "drips headers": ("/drip-headers", servers.drip(interval=0.5, total=1000, in_headers=True)),
    "connection reset": ("/reset", servers.reset_connection),
    "500": ("/500", servers.page("oops", status=500)),
    "429 then 200": ("/429", servers.sequence(servers.page("wait", status=429, Retry_After="2"),
                                              servers.page("<p>ok</p>"))),
    "500 MB body": ("/huge", servers.huge_body(500 * 1024 * 1024, declare_length=False)),
    "gzip bomb (1 GB)": ("/bomb", servers.gzip_bomb(1024 * 1024 * 1024)),
    "redirect loop": ("/loop-a", servers.redirect("/loop-b")),
    "404": ("/missing", None),
}


def run_cases(timeout: float) -> int:
    routes = {path: handler for path, handler in MISBEHAVING.values() if handler}
    routes["/loop-b"] = servers.redirect("/loop-a")
    with serve(routes) as server:
        print(f"each case fetched by a fresh process; timeout {timeout}s, max body 10 MB, 2 retries")
        print(f"{'case':<18} {'outcome':<22} {'seconds':>8} {'peak RSS MB':>12} {'grew MB':>8}")
        for name, (path, _) in MISBEHAVING.items():
            child = subprocess.run([sys.executable, __file__, "--one", server.url(path), "--timeout", str(timeout)],
                                   capture_output=True, text=True, timeout=timeout * 10 + 30)
            if child.returncode != 0:
                print(f"{name:<18} CHILD FAILED: {child.stderr.strip().splitlines()[-1:]}")
                continue
            m = json.loads(child.stdout)
            outcome = f"{m['status']} {m['error'] or ''}".strip()
            print(f"{name:<18} {outcome:<22} {m['seconds']:>8.2f} {m['peak_mb']:>12.0f} {m['grew_mb']:>8.0f}")
    return 0


def one_fetch(url: str, timeout: float) -> int:
    """Child process: fetch one URL and report time, outcome and peak memory as JSON."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory(prefix="tracer-bench-") as tmp:
        with Fetcher(delay=0, timeout=timeout, allow_private=True, backoff=0.2,
                     warc_dir=Path(tmp) / "warc") as fetcher:
            started = time.monotonic()
            result = fetcher.fetch(url)
            seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"status": result.status, "error": result.error, "seconds": seconds,
                      "peak_mb": peak / 1024, "grew_mb": (peak - before) / 1024}))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--delay", type=float, default=0.2, help="per-host delay in seconds")
    parser.add_argument("--workers", type=int, default=1, help="threads sharing one Fetcher")
    parser.add_argument("--size", type=int, default=20_000, help="bytes per page")
    parser.add_argument("--cases", action="store_true", help="time each misbehaving server instead")
    parser.add_argument("--timeout", type=float, default=3.0, help="per-response timeout in --cases mode")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return one_fetch(args.one, args.timeout)
    if args.cases:
        return run_cases(args.timeout)

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

    ok = sum(results)
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
