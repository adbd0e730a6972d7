"""Engine throughput from Python: executions per second of a 2-task flow (Log, then
Return), submitted with engine.run(..., wait=False) then engine.wait_idle(); the latency
of the synchronous engine.run(..., wait=True); and a naive peer: a plain-Python loop that
runs the same two steps (log a message into a list, return a value) with the same
bookkeeping (ids, state history, logs, outputs), to show what the engine costs per
execution. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/bench_engine.py [--executions 20000] [--repeat 3]
                                           [--threads 2,4,8] [--sync 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import runwatch

TWO_TASKS = """\
id: two_tasks
namespace: bench
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello from {{ flow.id }}"
  - id: result
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
"""

# Kestra's published open-source benchmark saturates near 2,000 executions per minute on
# 4 vCPUs.
KESTRA_PER_SECOND = 2000 / 60


def throughput(threads: int, n: int) -> tuple[float, int]:
    """Executions/s from the first submit to wait_idle, on a fresh engine; and how many
    executions ended SUCCESS."""
    with runwatch.Engine(worker_threads=threads) as engine:
        engine.add_flow(TWO_TASKS)
        run = engine.run
        start = time.perf_counter()
        for _ in range(n):
            run("bench", "two_tasks", wait=False)
        engine.wait_idle()
        elapsed = time.perf_counter() - start
        succeeded = len(engine.executions(state="SUCCESS"))
    return n / elapsed, succeeded


def sync_latencies(threads: int, n: int) -> list[float]:
    """Seconds per engine.run(wait=True), one execution at a time."""
    out = []
    with runwatch.Engine(worker_threads=threads) as engine:
        engine.add_flow(TWO_TASKS)
        for _ in range(50):  # warm up
            engine.run("bench", "two_tasks")
        for _ in range(n):
            start = time.perf_counter()
            engine.run("bench", "two_tasks")
            out.append(time.perf_counter() - start)
    return out


def naive_peer(n: int) -> float:
    """The same two steps in a plain sequential loop, with the bookkeeping an execution
    record needs: ids, state history with timestamps, log entries, outputs. Executions/s."""
    now = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731
    executions = []
    start = time.perf_counter()
    for _ in range(n):
        execution = {
            "id": os.urandom(16).hex(),
            "namespace": "bench",
            "flow_id": "two_tasks",
            "states": [("CREATED", now()), ("RUNNING", now())],
            "task_runs": [],
            "logs": [],
        }
        # Task 1: Log.
        run1 = {"id": os.urandom(16).hex(), "task_id": "hello", "states": [("RUNNING", now())], "outputs": {}}
        execution["logs"].append((now(), "INFO", "hello", run1["id"], "Hello from two_tasks"))
        run1["states"].append(("SUCCESS", now()))
        execution["task_runs"].append(run1)
        # Task 2: Return.
        run2 = {"id": os.urandom(16).hex(), "task_id": "result", "states": [("RUNNING", now())], "outputs": {}}
        value = execution["id"]
        execution["logs"].append((now(), "DEBUG", "result", run2["id"], value))
        run2["outputs"]["value"] = value
        run2["states"].append(("SUCCESS", now()))
        execution["task_runs"].append(run2)
        execution["states"].append(("SUCCESS", now()))
        executions.append(execution)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executions", type=int, default=20000, help="executions per throughput run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--threads", default="2,4,8", help="worker thread counts to try")
    parser.add_argument("--sync", type=int, default=2000, help="executions for the synchronous latency")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    print(f"runwatch {runwatch.__version__}: 2-task flow (Log, Return), Python API")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, cpus: {os.cpu_count()}")
    print()
    print(f"throughput: run(wait=False) x {args.executions}, then wait_idle(); median of {args.repeat}")
    best = 0.0
    for t in threads:
        runs = [throughput(t, args.executions) for _ in range(args.repeat)]
        rates = [r for r, _ in runs]
        med = statistics.median(rates)
        best = max(best, med)
        ok = all(s == args.executions for _, s in runs)
        print(
            f"  threads={t}: {med:>9,.0f} executions/s  (runs: {', '.join(f'{r:,.0f}' for r in rates)})"
            f"  x{med / KESTRA_PER_SECOND:,.0f} Kestra's {KESTRA_PER_SECOND * 60:,.0f}/min"
            f"{'' if ok else '  (NOT all SUCCESS)'}"
        )

    print()
    print(f"latency: run(wait=True) one at a time, {args.sync} executions")
    lat_by_threads = {}
    for t in (threads[0], threads[-1]) if len(threads) > 1 else threads:
        lat = sorted(sync_latencies(t, args.sync))
        lat_by_threads[t] = lat
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1e6  # noqa: E731
        print(
            f"  threads={t}: mean {statistics.mean(lat) * 1e6:,.0f} us, p50 {p(0.5):,.0f} us, "
            f"p99 {p(0.99):,.0f} us = {1 / statistics.mean(lat):,.0f} executions/s sequentially"
        )

    print()
    naive = statistics.median(naive_peer(args.executions) for _ in range(args.repeat))
    print(f"naive peer: plain-Python sequential loop, same two steps and bookkeeping: {naive:,.0f} executions/s")
    print(f"  engine (best throughput) / naive: {best / naive:.2f}x")
    print(
        f"  time per execution: engine {1e6 / best:,.1f} us (pipelined), naive {1e6 / naive:,.1f} us"
    )
    sync_mean = statistics.mean(lat_by_threads[min(lat_by_threads)])
    print(f"  synchronous run(wait=True) vs naive: {sync_mean * 1e6:,.0f} us vs {1e6 / naive:,.1f} us per execution")
    print()
    print(
        f"summary: {best:,.0f} executions/s = {best * 60:,.0f}/min, "
        f"{best / KESTRA_PER_SECOND:,.0f}x Kestra's ~2,000/min on 4 vCPUs"
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
