"""HTTP load on the management server with wrk (Debian's package): requests per second
and latency percentiles for GET /health with keep-alive, and the same against a peer in
the same run, Python's ThreadingHTTPServer answering the same JSON. Figures only.

Usage: python bench/bench_server.py [--seconds 5] [--connections 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import runwatch


def wrk(url: str, seconds: int, connections: int, threads: int) -> dict[str, float]:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         check=True, capture_output=True, text=True).stdout
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
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


if __name__ == "__main__":
    main()
