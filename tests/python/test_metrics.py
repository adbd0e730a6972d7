"""engine.metrics (Kestra's catalog, snapshot, history, user handles), task metrics from
Python, and runwatch.metrics.parse_prometheus / scrape, checked against prometheus_client."""

from __future__ import annotations

import datetime as dt
import http.server
import math
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Optional

import pytest
from conftest import START, flow_yaml
from prometheus_client.parser import text_string_to_metric_families

import runwatch
from runwatch.metrics import MetricError, PrometheusParseError, Records, Sample, ScrapeError, parse_prometheus, scrape

OK = flow_yaml(
    """
    id: ok
    namespace: company.team
    tasks:
      - {id: log, type: io.kestra.plugin.core.log.Log, message: hello}
    """
)
KO = flow_yaml(
    """
    id: ko
    namespace: company.team
    tasks:
      - {id: fail, type: io.kestra.plugin.core.execution.Fail}
    """
)


def value(records: Records, name: str, **labels: str) -> Optional[float]:
    found = [s.value for s in records if s.name == name and s.labels == labels]
    assert len(found) <= 1
    return found[0] if found else None


def run_workload(engine: runwatch.Engine) -> None:
    engine.add_flow(OK)
    engine.add_flow(KO)
    for _ in range(3):
        engine.run("company.team", "ok")
    for _ in range(2):
        engine.run("company.team", "ko")
    assert engine.wait_idle(10)


def test_snapshot_holds_exact_catalog_values(engine):
    run_workload(engine)
    records = engine.metrics.snapshot()
    assert isinstance(records, Sequence) and isinstance(records[0], Sample)
    ended = "kestra_executor_execution_end_count_total"
    assert value(records, ended, namespace_id="company.team", flow_id="ok", state="SUCCESS") == 3
    assert value(records, ended, namespace_id="company.team", flow_id="ko", state="FAILED") == 2
    started = [s for s in records if s.name == "kestra_worker_started_count_total"]
    assert {(s.labels["flow_id"], s.value, s.type) for s in started} == {("ok", 3, "counter"), ("ko", 2, "counter")}
    assert value(records, "kestra_worker_job_thread") == 4


def test_records_are_a_sequence_of_samples_with_only_their_own_labels():
    records = parse_prometheus('a_total{team="x"} 1\nb 2 1700000000123\nc{env="p",team="y"} 3\n')
    expected = [
        Sample("a_total", {"team": "x"}, 1.0, "untyped"),
        Sample("b", {}, 2.0, "untyped", dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.timezone.utc)),
        Sample("c", {"env": "p", "team": "y"}, 3.0, "untyped"),
    ]
    assert len(records) == 3 and records == expected and list(records) == expected
    assert records[-1] == expected[2] and records[1:] == expected[1:]
    assert isinstance(records[1:], Records) and records[1:].to_pandas()["env"].isna().tolist() == [True, False]
    assert records != expected[:2]


def test_to_pandas_gives_one_row_per_sample_with_labels_as_columns(engine):
    run_workload(engine)
    records = engine.metrics.snapshot()
    frame = records.to_pandas()
    assert len(frame) == len(records)
    assert list(frame.columns[:3]) == ["name", "type", "value"]
    assert {"namespace_id", "flow_id", "state", "task_type", "le"} <= set(frame.columns)
    ended = frame[(frame.name == "kestra_executor_execution_end_count_total") & (frame.state == "FAILED")]
    assert dict(zip(ended.flow_id, ended.value)) == {"ko": 2.0, "ok": 0.0}  # every loaded flow's series exists


def test_to_pandas_without_pandas_says_how_to_get_it(engine, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'runwatch\[analysis\]'"):
        engine.metrics.snapshot().to_pandas()


def test_history_samples_on_the_engine_clock(engine, clock):
    run_workload(engine)
    clock.advance(10)
    assert engine.wait_idle(10)
    engine.run("company.team", "ok")
    clock.advance(10)
    assert engine.wait_idle(10)
    history = engine.metrics.history("kestra_executor_execution_end_count_total")
    ok = [(s.timestamp, s.value) for s in history if s.labels["flow_id"] == "ok" and s.labels["state"] == "SUCCESS"]
    assert ok == [(START + dt.timedelta(seconds=10), 3), (START + dt.timedelta(seconds=20), 4)]
    later = engine.metrics.history("kestra_executor_execution_end_count_total", since=START + dt.timedelta(seconds=15))
    assert {s.timestamp for s in later} == {START + dt.timedelta(seconds=20)}
    frame = engine.metrics.history("kestra_executor_execution_duration_seconds").to_pandas()
    assert frame.columns[0] == "timestamp"
    assert set(frame.name) == {
        "kestra_executor_execution_duration_seconds_bucket",
        "kestra_executor_execution_duration_seconds_sum",
        "kestra_executor_execution_duration_seconds_count",
    }


def test_history_interval_is_configurable(clock):
    with runwatch.Engine(clock=clock, worker_threads=2, metrics_interval=5) as engine:
        clock.advance(5)
        assert engine.wait_idle(10)
        assert {s.timestamp for s in engine.metrics.history("kestra_worker_job_thread")} == {
            START + dt.timedelta(seconds=5)
        }


def test_history_interval_must_be_positive():
    with pytest.raises(ValueError, match="metrics_interval must be > 0 seconds"):
        runwatch.Engine(metrics_interval=0)


def test_prefix_and_tags_come_from_the_kestra_configuration(clock):
    config = {"kestra": {"metrics": {"prefix": "acme", "tags": {"env": "prod", "replica": 2}}}}
    with runwatch.Engine(config=config, clock=clock, worker_threads=2) as engine:
        engine.add_flow(OK)
        engine.run("company.team", "ok")
        assert engine.wait_idle(10)
        records = engine.metrics.snapshot()
        labels = dict(namespace_id="company.team", flow_id="ok", state="SUCCESS", env="prod", replica="2")
        assert value(records, "acme_executor_execution_end_count_total", **labels) == 1
        assert all(s.labels["env"] == "prod" for s in records)


@pytest.mark.parametrize(
    "metrics, message",
    [
        ({"prefix": 5}, r"kestra.metrics.prefix: must be a metric name prefix \(letters, digits, '_', ':' and '.'\), got '5'"),
        ({"prefix": "9x"}, r"kestra.metrics.prefix: must be a metric name prefix .*, got '9x'"),
        ({"tags": ["env"]}, r"kestra.metrics.tags: must be a single value, got a list"),
        ({"tags": {"team-name": "a"}}, r"kestra.metrics.tags.team-name: 'team-name' is not a valid Prometheus label name"),
    ],
)
def test_bad_metrics_configuration_is_a_config_error(metrics, message):
    with pytest.raises(runwatch.ConfigError, match=message):
        runwatch.Engine(config={"kestra": {"metrics": metrics}})


def test_an_unknown_metrics_key_is_a_warning(clock):
    with pytest.warns(runwatch.ConfigWarning, match=r"kestra.metrics.step: unknown configuration key, ignored"):
        runwatch.Engine(config={"kestra": {"metrics": {"step": "PT10S"}}}, clock=clock).stop()


def test_metrics_off_leaves_only_the_process_metrics(clock):
    with runwatch.Engine(clock=clock, worker_threads=2, metrics=False) as engine:
        assert {s.name for s in engine.metrics.snapshot()} == {
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_open_fds",
            "process_threads",
            "process_start_time_seconds",
        }


def test_user_handles_share_the_registry_and_exposition(engine):
    jobs = engine.metrics.counter("jobs", team="data")
    jobs.inc()
    jobs.inc(2.5)
    assert engine.metrics.counter("jobs", team="data") is jobs
    engine.metrics.counter("jobs", team="web").inc()
    level = engine.metrics.gauge("queue_level")
    level.set(7)
    level.dec(2)
    level.inc()
    wait = engine.metrics.histogram("wait_seconds", buckets=[1, 5], team="data")
    wait.observe(3)
    records = engine.metrics.snapshot()
    assert value(records, "jobs_total", team="data") == 3.5
    assert value(records, "jobs_total", team="web") == 1
    assert jobs.value == 3.5 and level.value == 6
    assert value(records, "queue_level") == 6
    assert value(records, "wait_seconds_bucket", team="data", le="1") == 0
    assert value(records, "wait_seconds_bucket", team="data", le="5") == 1
    text = engine.metrics.prometheus_text()
    assert "# HELP jobs_total jobs\n# TYPE jobs_total counter\n" in text
    assert '\njobs_total{team="data"} 3.5\n' in text and '\njobs_total{team="web"} 1\n' in text


def test_dotted_kestra_names_become_underscored_as_ctx_metric_does(engine):
    engine.metrics.counter("jobs.done", team="data").inc(2)
    engine.metrics.gauge("queue.level").set(4)
    engine.metrics.histogram("records.read.seconds", buckets=[1]).observe(0.5)
    records = engine.metrics.snapshot()
    assert value(records, "jobs_done_total", team="data") == 2
    assert value(records, "queue_level") == 4
    assert value(records, "records_read_seconds_count") == 1
    assert engine.metrics.counter("jobs.done", team="data").value == 2
    assert "# HELP jobs_done_total jobs.done\n# TYPE jobs_done_total counter\n" in engine.metrics.prometheus_text()


def test_user_metric_errors_are_clear(engine):
    with pytest.raises(MetricError, match=r"invalid metric name 'bad-name_total': Prometheus metric names"):
        engine.metrics.counter("bad-name")
    with pytest.raises(MetricError, match=r"invalid tag name '__secret'"):
        engine.metrics.gauge("g", __secret="x")
    engine.metrics.counter("jobs", team="data")
    with pytest.raises(MetricError, match=r"metric 'jobs_total' has the tags \[team\], not \[site\]"):
        engine.metrics.counter("jobs", site="x")
    with pytest.raises(MetricError, match=r"metric 'jobs_total' is a counter, not a gauge"):
        engine.metrics.gauge("jobs_total", team="data")
    with pytest.raises(MetricError, match="a counter only grows: cannot add -1"):
        engine.metrics.counter("jobs", team="data").inc(-1)
    with pytest.raises(MetricError, match="buckets must be finite and strictly increasing"):
        engine.metrics.histogram("h", buckets=[5, 1])


def test_python_tasks_emit_counters_and_timers(engine, type_name):
    @runwatch.task(type_name)
    def emit(ctx: runwatch.TaskContext) -> None:
        ctx.metric.counter("records.read", 5, source="db")
        ctx.metric.timer("fetch", 1.5)

    engine.add_flow(f"id: emitting\nnamespace: company.team\ntasks:\n  - {{id: emit, type: {type_name}}}\n")
    engine.run("company.team", "emitting")
    engine.run("company.team", "emitting")
    records = engine.metrics.snapshot()
    identity = dict(namespace_id="company.team", flow_id="emitting", task_id="emit")
    assert value(records, "kestra_records_read_total", source="db", **identity) == 10
    assert value(records, "kestra_fetch_seconds_sum", **identity) == 3
    assert value(records, "kestra_fetch_seconds_count", **identity) == 2


def test_a_bad_task_metric_fails_the_task_with_the_reason(engine, type_name):
    @runwatch.task(type_name)
    def emit(ctx: runwatch.TaskContext) -> None:
        ctx.metric.counter("records", 1, flow_id="other")

    engine.add_flow(f"id: bad\nnamespace: company.team\ntasks:\n  - {{id: emit, type: {type_name}}}\n")
    execution = engine.run("company.team", "bad")
    assert execution.state == "FAILED"
    assert "metric 'records': tag 'flow_id' is set by the engine" in execution.logs(level="ERROR")[0].message


TRICKY = (
    "# HELP escapes_total A help with \\\\ and \\n escapes\n"
    "# TYPE escapes_total counter\n"
    'escapes_total{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} 1.5e3 1700000000123\n'
    "# TYPE floats gauge\n"
    'floats{kind="nan"} NaN\n'
    'floats{kind="plus"} +Inf\n'
    'floats{kind="minus"} -Inf\n'
    'floats{kind="tiny"} 1.5e-300\n'
    'floats{kind="negative"} -0.25\n'
    "# TYPE latency histogram\n"
    'latency_bucket{le="0.5"} 3\n'
    'latency_bucket{le="+Inf"} 4\n'
    "latency_sum 2.75\n"
    "latency_count 4\n"
    "# TYPE rpc summary\n"
    'rpc{quantile="0.99"} 0.2\n'
    "rpc_sum 12\n"
    "rpc_count 40\n"
    "plain_untyped 42\n"
)


def flatten_prometheus_client(text: str) -> list[tuple[str, dict[str, str], float, Optional[float]]]:
    return [
        (s.name, s.labels, float(s.value), s.timestamp)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def test_records_hold_any_typed_row_with_sparse_labels_as_columns():
    rows = [({"id": "a", "n": 1}, {"env": "prod"}), ({"id": "b", "n": 2}, {"team": "ops"}), ({"id": "c", "n": 3}, {})]
    records = Records.from_rows(iter(rows), ("id", "n"), lambda fields, labels: (fields["id"], fields["n"], labels))
    assert list(records) == [("a", 1, {"env": "prod"}), ("b", 2, {"team": "ops"}), ("c", 3, {})]
    assert records[-1] == ("c", 3, {}) and len(records[1:]) == 2
    assert records[1:] == [("b", 2, {"team": "ops"}), ("c", 3, {})]
    frame = records.to_pandas()
    assert list(frame.columns) == ["id", "n", "env", "team"]
    assert frame["team"].isna().tolist() == [True, False, True] and frame["team"][1] == "ops"
    assert len(Records.from_rows([], ("id",), lambda fields, labels: fields)) == 0


def flatten_ours(records: Records) -> list[tuple[str, dict[str, str], float, Optional[float]]]:
    return [(s.name, s.labels, s.value, s.timestamp.timestamp() if s.timestamp else None) for s in records]


def same_samples(a: list, b: list) -> bool:
    def key(sample: tuple) -> tuple:
        name, labels, v, ts = sample
        return (name, labels, "nan" if math.isnan(v) else v, ts)

    return [key(s) for s in a] == [key(s) for s in b]


def test_the_parser_agrees_with_prometheus_client_on_tricky_text():
    ours = parse_prometheus(TRICKY)
    assert same_samples(flatten_ours(ours), flatten_prometheus_client(TRICKY))
    assert ours[0].labels == {"path": "C:\\dir", "quote": 'say "hi"', "nl": "a\nb"}
    assert ours[0].timestamp == dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.timezone.utc)
    assert [s.type for s in ours] == ["counter"] + ["gauge"] * 5 + ["histogram"] * 4 + ["summary"] * 3 + ["untyped"]


def test_the_parser_agrees_with_prometheus_client_on_the_engine_exposition(engine):
    run_workload(engine)
    text = engine.metrics.prometheus_text()
    assert same_samples(flatten_ours(parse_prometheus(text)), flatten_prometheus_client(text))


def test_the_parser_round_trips_the_snapshot(engine):
    run_workload(engine)
    engine.metrics.counter("jobs", team='a "b"\nc').inc()
    volatile = ("process_",)
    parsed = [s for s in parse_prometheus(engine.metrics.prometheus_text()) if not s.name.startswith(volatile)]
    snapshot = [s for s in engine.metrics.snapshot() if not s.name.startswith(volatile)]
    assert parsed == snapshot


def test_malformed_text_raises_naming_the_line():
    with pytest.raises(PrometheusParseError, match=r"^line 2: invalid value 'one': bad one$") as caught:
        parse_prometheus("good 1\nbad one\n")
    assert caught.value.line == 2
    assert isinstance(caught.value, runwatch.Error)


def test_text_that_is_not_utf8_raises_the_parse_error_never_a_unicode_error():
    with pytest.raises(PrometheusParseError, match=r'^line 2: invalid UTF-8 at column 6: x\{a="\ufffd"\} 1$') as caught:
        parse_prometheus(b'ok 1\nx{a="\x86"} 1\n')
    assert caught.value.line == 2
    with pytest.raises(PrometheusParseError, match=r"^line 1: invalid UTF-8 at column 6: "):
        parse_prometheus('x{a="\udc86"} 1\n')  # a lone surrogate, as surrogateescape leaves them
    assert [(s.name, s.labels, s.value) for s in parse_prometheus('x{a="caf\u00e9"} 1\n'.encode())] == [
        ("x", {"a": "caf\u00e9"}, 1.0)
    ]


def test_a_long_bad_line_is_shortened_on_a_character_boundary():
    line = 'x{a="' + "v" * 113 + "\u00e9\u00e9"
    with pytest.raises(PrometheusParseError) as caught:
        parse_prometheus(line)
    assert str(caught.value) == 'line 1: unterminated label value: x{a="' + "v" * 113 + "\u00e9..."


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status = 500 if self.path == "/broken" else 200
        body = b"boom" if status == 500 else TRICKY.encode()
        if self.path == "/latin1":
            body = 'x{a="caf\u00e9"} 1\n'.encode("latin-1")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_scrape_parses_an_endpoint(endpoint):
    records = scrape(endpoint + "/metrics")
    assert same_samples(flatten_ours(records), flatten_prometheus_client(TRICKY))


def test_scrape_of_an_endpoint_that_is_not_utf8_raises_the_parse_error(endpoint):
    with pytest.raises(PrometheusParseError, match=r"^line 1: invalid UTF-8 at column 9: "):
        scrape(endpoint + "/latin1")


def test_scrape_reports_a_non_200_answer(endpoint):
    with pytest.raises(ScrapeError, match=r"/broken answered HTTP 500$"):
        scrape(endpoint + "/broken")


def test_scrape_reports_a_refused_connection():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(ScrapeError, match=rf"^http://127.0.0.1:{port}/metrics: connection refused$"):
            scrape(f"http://127.0.0.1:{port}/metrics")


def test_scrape_reports_a_timeout():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()  # accepts into the backlog, never answers
        port = s.getsockname()[1]
        with pytest.raises(ScrapeError, match=r"timed out"):
            scrape(f"http://127.0.0.1:{port}/metrics", timeout=0.05)
