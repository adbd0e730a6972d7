"""The notebooks run top to bottom in a kernel of this interpreter (nbclient), make their
figures, titled and labelled with units, and print exactly the numbers their workloads
must give: the engine runs on a manual clock, so every run gives the same ones."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOKS = REPO / "notebooks"
KERNEL = "runwatch-test-venv"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A kernelspec launching ipykernel with this very interpreter (the venv's python), so the
    notebooks import the runwatch installed beside the tests, whatever kernels the machine has."""
    data_dir = tmp_path_factory.mktemp("jupyter")
    spec_dir = data_dir / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "runwatch tests",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(data_dir))
        yield KERNEL


def execute(name: str, kernel_name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name=kernel_name, resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return notebook


def tagged(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    (cell,) = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    return cell


def printed(notebook: nbformat.NotebookNode, tag: str) -> list[str]:
    """The lines a tagged cell printed."""
    text = "".join(o.text for o in tagged(notebook, tag).outputs if o.output_type == "stream" and o.name == "stdout")
    return text.splitlines()


@pytest.fixture(scope="module")
def explore(kernel_name: str) -> nbformat.NotebookNode:
    return execute("explore_metrics.ipynb", kernel_name)


@pytest.fixture(scope="module")
def alerts(kernel_name: str) -> nbformat.NotebookNode:
    return execute("test_alert_flows.ipynb", kernel_name)


def test_the_kernel_is_this_interpreter(kernel_name):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    NotebookClient(notebook, timeout=60, kernel_name=kernel_name).execute()
    # The same file, however the test run spelled its path (make runs ../../.venv/bin/python).
    assert notebook.cells[0].outputs[0].text == os.path.abspath(sys.executable) + "\n"


def test_the_workload_ends_as_designed(explore):
    assert printed(explore, "executions") == [
        "                   flow    state  attempts  duration_s",
        "0      company.sales.ok  SUCCESS         1         0.0",
        "1      company.sales.ok  SUCCESS         1         0.0",
        "2      company.sales.ok  SUCCESS         1         0.0",
        "3      company.sales.ok  SUCCESS         1         0.0",
        "4   company.sales.flaky  WARNING         3        14.0",
        "5   company.sales.flaky  WARNING         3        14.0",
        "6    company.ops.broken   FAILED         1         0.0",
        "7    company.ops.broken   FAILED         1         0.0",
        "8      company.ops.slow  SUCCESS         1        25.0",
        "9      company.ops.slow  SUCCESS         1        25.0",
        "10     company.ops.slow  SUCCESS         1        55.0",
    ]


def test_executions_by_state(explore):
    assert printed(explore, "by-state") == ["{'CANCELLED': 0, 'FAILED': 2, 'KILLED': 0, 'SUCCESS': 7, 'WARNING': 2}"]


def test_duration_quantiles_follow_histogram_quantile(explore):
    # Sleeps of 25, 25 and 55 s: buckets le=30 holds 2, le=60 holds 3. p50 = 10 + 20 * 1.5/2,
    # p90 = 30 + 30 * (2.7-2)/1; instant tasks interpolate inside the first bucket (0, 0.005].
    assert printed(explore, "quantiles") == [
        "           p50      p90     p99",
        "Fail    0.0025   0.0045   0.005",
        "Sleep  25.0000  51.0000  59.100",
        "Log     0.0025   0.0045   0.005",
    ]


def test_concurrency_over_time_comes_from_the_history(explore):
    # Three sleeps from 10:00:00: two end at :25, the last at :55.
    assert printed(explore, "concurrency") == [
        "{'10:00:10': 3, '10:00:20': 3, '10:00:30': 1, '10:00:40': 1, '10:00:50': 1, '10:01:00': 0}"
    ]


def test_failure_rate_per_namespace(explore):
    # company.ops: 2 broken of 5 executions; company.sales: WARNING is no failure.
    assert printed(explore, "failure-rate") == ["{'company.ops': 40.0, 'company.sales': 0.0}"]


def test_the_saved_dump_is_parsed(explore):
    assert printed(explore, "dump") == [
        "1048 samples, 45 series names",
        "namespace_id           flow_id              state  ",
        "company.monitoring     failureAlertToSlack  SUCCESS    1",
        "company.product.sales  nightly_etl          FAILED     1",
        "company.team           hello                SUCCESS    1",
        "                       onFailureAlert       FAILED     1",
        "                       on_failure           FAILED     1",
        "                       retry_then_warn      WARNING    1",
    ]


@pytest.mark.parametrize("tag", ["by-state", "quantiles", "concurrency", "failure-rate"])
def test_each_plot_is_a_figure_with_title_and_axis_units(explore, tag):
    cell = tagged(explore, tag)
    images = [o for o in cell.outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 1
    assert re.search(r'set_title\("[^"]+"\)', cell.source)
    for axis in ("x", "y"):
        assert re.search(rf'set_{axis}label\("[^"]+"\)', cell.source)
    # The y axis says what it counts and in which unit.
    assert re.search(r'set_ylabel\("[^"]+ \((count|seconds|% of ended)\)"\)', cell.source)


def test_no_cell_failed(explore, alerts):
    for notebook in (explore, alerts):
        errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert errors == []


def test_the_alert_flows_are_listed(alerts):
    assert printed(alerts, "flows") == [
        "                                              flow           tasks       triggers",
        "0                   company.monitoring.bad_example  SlackExecution  listen (Flow)",
        "1  company.monitoring.failureAlertProductOrCleanup  SlackExecution  listen (Flow)",
        "2           company.monitoring.failureAlertToSlack  SlackExecution  listen (Flow)",
        "3                company.product.sales.nightly_etl       Log, Fail              -",
        "4                           company.system.cleanup            Fail              -",
        "5                      company.team.onFailureAlert            Fail              -",
    ]


def test_lint_flags_only_the_bad_example(alerts):
    assert printed(alerts, "lint") == [
        "bad-example.yaml:16:5: warning: triggers[0]: conditions[1] (ExecutionNamespace company.product*) and "
        "conditions[2] (ExecutionFlow company.system.cleanup) can never both hold: this trigger never fires; to fire "
        "on either, put them in an io.kestra.plugin.core.condition.OrCondition"
    ]


def test_the_dry_run_shows_which_alerts_fire(alerts):
    assert printed(alerts, "dry-run") == [
        "                           execution    state                                             alerts",
        "0  company.product.sales.nightly_etl   FAILED  failureAlertProductOrCleanup, failureAlertToSlack",
        "1  company.product.sales.nightly_etl  WARNING  failureAlertProductOrCleanup, failureAlertToSlack",
        "2  company.product.sales.nightly_etl  SUCCESS                                                  -",
        "3          company.product.reporting   FAILED  failureAlertProductOrCleanup, failureAlertToSlack",
        "4             company.system.cleanup   FAILED                       failureAlertProductOrCleanup",
        "5              company.system.backup   FAILED                                                  -",
        "6        company.team.onFailureAlert   FAILED                                                  -",
    ]


def test_real_runs_post_what_the_dry_run_announced(alerts):
    assert printed(alerts, "runs") == [
        "nightly_etl FAILED",
        "cleanup FAILED",
        "onFailureAlert FAILED",
        "{'failureAlertProductOrCleanup': 2, 'failureAlertToSlack': 1}",
        "4 webhook request(s) received",
    ]


def test_the_slack_payloads_received(alerts):
    assert printed(alerts, "payloads") == [
        "#general | *[company.product.sales] nightly_etl ➛ FAILED* | status FAILED",
        "#general | *[company.product.sales] nightly_etl ➛ FAILED* | status FAILED",
        "#general | *[company.system] cleanup ➛ FAILED* | status FAILED",
        "Failure alert for flow `company.team.onFailureAlert`",
    ]


def test_the_alert_history_says_each_notification_was_delivered_and_about_what(alerts):
    assert printed(alerts, "history") == [
        "alert                                            flow_id         status   ",
        "company.monitoring.failureAlertProductOrCleanup  cleanup         delivered    1",
        "                                                 nightly_etl     delivered    1",
        "company.monitoring.failureAlertToSlack           nightly_etl     delivered    1",
        "company.team.onFailureAlert                      onFailureAlert  delivered    1",
        "0 failure reason(s)",
    ]
