"""HTTP load on the management server with wrk (Debian's package), keep-alive: requests per
second and latency percentiles
- for GET /health, against a peer in the same run: Python's ThreadingHTTPServer answering
  the same JSON;
- for GET /prometheus holding 10,000 series while executions run, plain and gzipped,
  against prometheus_client's own HTTP exposer holding the same series.
Figures only.

Usage: python bench/bench_server.py [--seconds 5] [--connections 8] [--threads 2] [--series 10000]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import prometheus_client
from bench_engine import TWO_TASKS  # bench/ is on sys.path: the script's own folder

import runwatch

GZIP = ["-H", "Accept-Encoding: gzip"]


def wrk(url: str, seconds: int, connections: int, threads: int, headers: tuple[str, ...] = ()) -> dict[str, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", out).groups()
        figures[f"p{percentile}_ms"] = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def peer_server(body: bytes) -> ThreadingHTTPServer:
    class Health(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
        disable_nagle_algorithm = True  # as runwatch's server: no 40 ms delayed-ACK stalls

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def show(name: str, figures: dict[str, float]) -> None:
    print(f"{name:40} {figures['requests_per_s']:>10.0f} req/s   p50 {figures['p50_ms']:7.3f} ms   "
          f"p99 {figures['p99_ms']:7.3f} ms   non-2xx {figures['non_2xx']:.0f}")


def series_labels(n: int) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield {"namespace_id": f"company.team{i % 100}", "flow_id": f"flow_{i // 100}"}


@contextmanager
def executions_running(engine: runwatch.Engine, clients: int = 4) -> Iterator[list[int]]:
    """Runs executions of the 2-task flow until the block ends, `clients` at a time, each
    client starting the next when its last one ended; yields the count of those started."""
    engine.add_flow(TWO_TASKS)
    done = threading.Event()
    count = [0]

    def client() -> None:
        while not done.is_set():
            engine.run("bench", "two_tasks", timeout=60)
            count[0] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield count
    finally:
        done.set()
        for thread in threads:
            thread.join()


def bench_prometheus(args: argparse.Namespace) -> None:
    with runwatch.Engine() as engine, engine.serve(port=0, management_port=0) as server:
        for labels in series_labels(args.series):
            engine.metrics.counter("bench_series", **labels).inc()
        url = server.management_url + "/prometheus"
        with executions_running(engine) as submitted:
            plain = wrk(url, args.seconds, args.connections, args.threads)
            gzipped = wrk(url, args.seconds, args.connections, args.threads, tuple(GZIP))
            one_scraper = wrk(url, args.seconds, 1, 1, tuple(GZIP))
        with urllib.request.urlopen(url) as answer:
            size = len(answer.read())
        engine.wait_idle(60)
    registry = prometheus_client.CollectorRegistry()
    counter = prometheus_client.Counter("bench_series", "bench", ["namespace_id", "flow_id"], registry=registry)
    for labels in series_labels(args.series):
        counter.labels(**labels).inc()
    peer, thread = prometheus_client.start_http_server(0, addr="127.0.0.1", registry=registry)
    peer_url = f"http://127.0.0.1:{peer.server_port}/metrics"
    peer_plain = wrk(peer_url, args.seconds, args.connections, args.threads)
    peer_gzipped = wrk(peer_url, args.seconds, args.connections, args.threads, tuple(GZIP))
    peer.shutdown()
    thread.join()
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.seconds}s, keep-alive, GET /prometheus: "
          f"{args.series:,} user series plus the catalog ({size:,} bytes), while {submitted[0]:,} executions "
          f"of the 2-task flow ran (4 clients, each starting one when its last ended)")
    show("runwatch /prometheus", plain)
    show("runwatch /prometheus, gzip", gzipped)
    show("runwatch /prometheus, gzip, 1 connection", one_scraper)
    show("peer: prometheus_client exposer", peer_plain)
    show("peer: prometheus_client exposer, gzip", peer_gzipped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--series", type=int, default=10_000)
    args = parser.parse_args()
    with runwatch.Engine() as engine, engine.serve(port=0, management_port=0) as server:
        url = server.management_url + "/health"
        with urllib.request.urlopen(url) as answer:
            body = answer.read()
        ours = wrk(url, args.seconds, args.connections, args.threads)
    peer = peer_server(body)
    theirs = wrk(f"http://127.0.0.1:{peer.server_address[1]}/health", args.seconds, args.connections, args.threads)
    peer.shutdown()
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, keep-alive, GET /health "
          f"({len(json.loads(body)['details'])} indicators, {len(body)} bytes)")
    show("runwatch management server", ours)
    show("peer: Python ThreadingHTTPServer", theirs)
    print(f"ratio: {ours['requests_per_s'] / theirs['requests_per_s']:.1f}x the peer's requests/s")
    bench_prometheus(args)


if __name__ == "__main__":
    main()
