"""Metrics from Python, against prometheus_client in the same run: a counter increment on
a cached handle, a labelled increment (`counter(name, **tags).inc()` against
`labels(...).inc()`), the exposition of 100,000 series (engine.metrics.prometheus_text
against generate_latest), and parsing those 100,000 series (parse_prometheus against
text_string_to_metric_families: to Records, to a DataFrame, and with every Sample made).
Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/bench_metrics.py [--series 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import timeit
from collections.abc import Callable

import prometheus_client
from prometheus_client.parser import text_string_to_metric_families

import runwatch
from runwatch.metrics import parse_prometheus


def per_call_ns(fn: Callable[[], object], number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def best_seconds(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, repeat = args.series, args.repeat

    with runwatch.Engine(worker_threads=2) as engine:
        registry = prometheus_client.CollectorRegistry()
        peer = prometheus_client.Counter("jobs", "jobs", registry=registry)
        peer_labelled = prometheus_client.Counter("tagged", "tagged", ["team"], registry=registry)
        ours = engine.metrics.counter("jobs")

        rows = [
            ("counter inc, cached handle", per_call_ns(ours.inc, 1_000_000, repeat), per_call_ns(peer.inc, 1_000_000, repeat)),
            (
                "labelled inc",
                per_call_ns(lambda: engine.metrics.counter("tagged", team="data").inc(), 300_000, repeat),
                per_call_ns(lambda: peer_labelled.labels(team="data").inc(), 300_000, repeat),
            ),
        ]
        print(f"{'benchmark':<34}{'runwatch':>14}{'prometheus_client':>20}{'ratio':>9}")
        for name, a, b in rows:
            print(f"{name:<34}{a:>11.0f} ns{b:>17.0f} ns{b / a:>8.1f}x")

        big_ours = engine.metrics.counter  # the same 100,000 series in both registries
        big_peer = prometheus_client.Counter("series", "series", ["namespace_id", "flow_id"], registry=registry)
        for i in range(n):
            ns, flow = f"company.team{i % 100}", f"flow_{i // 100}"
            big_ours("series", namespace_id=ns, flow_id=flow).inc(i)
            big_peer.labels(namespace_id=ns, flow_id=flow).inc(i)

        ours_text = best_seconds(engine.metrics.prometheus_text, repeat)
        peer_text = best_seconds(lambda: prometheus_client.generate_latest(registry), repeat)
        text = engine.metrics.prometheus_text()
        peer_parse = best_seconds(lambda: list(text_string_to_metric_families(text)), repeat)
        per_series = [
            (f"exposition of {n:,} series", ours_text, peer_text),
            (f"parsing {n:,} series (Records)", best_seconds(lambda: parse_prometheus(text), repeat), peer_parse),
            ("  ... to a DataFrame", best_seconds(lambda: parse_prometheus(text).to_pandas(), repeat), peer_parse),
            ("  ... and every Sample made", best_seconds(lambda: list(parse_prometheus(text)), repeat), peer_parse),
        ]
        for name, a, b in per_series:
            print(f"{name:<34}{a / n * 1e6:>8.2f} µs/series{b / n * 1e6:>11.2f} µs/series{b / a:>8.1f}x")


if __name__ == "__main__":
    main()
