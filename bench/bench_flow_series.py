"""What pre-created series cost: N monitoring flows (a SlackExecution and a Flow trigger
each) loaded with runwatch.metrics.precreate-series on and off, in the same run, at N and
10 N: the load time, the series exposed, and the time and size of one /prometheus text.
Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/bench_flow_series.py [--flows 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import runwatch

MONITOR = """id: alert_{i}
namespace: company.team{group}
tasks:
  - id: slack
    type: io.kestra.plugin.slack.notifications.SlackExecution
    url: http://127.0.0.1:9/hook
    executionId: "{{{{ trigger.executionId }}}}"
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED, WARNING]
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team{group}
"""


def measure(folder: Path, precreate: bool, repeat: int) -> tuple[float, int, float, int]:
    """Best load seconds, series count, best exposition seconds, exposition bytes."""
    config = {"runwatch": {"metrics": {"precreate-series": precreate}}}
    load = exposition = float("inf")
    series = size = 0
    for _ in range(repeat):
        with runwatch.Engine(config=config, worker_threads=2) as engine:
            start = time.perf_counter()
            engine.load_flows(folder)
            load = min(load, time.perf_counter() - start)
            start = time.perf_counter()
            text = engine.metrics.prometheus_text()
            exposition = min(exposition, time.perf_counter() - start)
            series = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
            size = len(text)
    return load, series, exposition, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'flows':>7}{'precreate':>11}{'load':>10}{'series':>9}{'/prometheus':>13}{'bytes':>11}")
    for n in (args.flows, 10 * args.flows):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for i in range(n):
                (folder / f"alert_{i}.yaml").write_text(MONITOR.format(i=i, group=i % 50))
            results = {on: measure(folder, on, args.repeat) for on in (False, True)}
        for on, (load, series, exposition, size) in results.items():
            print(f"{n:>7}{'on' if on else 'off':>11}{load:>9.2f}s{series:>9}{exposition * 1e3:>10.1f} ms{size:>11}")
        off, on = results[False], results[True]
        print(f"{'':>7}{'on/off':>11}{on[0] / off[0]:>9.2f}x{on[1] - off[1]:>+9}{on[2] / off[2]:>10.2f}x"
              f"{on[3] / off[3]:>10.2f}x   ({(on[1] - off[1]) / n:.1f} series per flow)")


if __name__ == "__main__":
    main()
