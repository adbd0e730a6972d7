"""The pytest plugin, used as a user would: its fixtures on the example flows, and a
user's own test suite run with pytester."""

from __future__ import annotations

import textwrap

import pytest

from conftest import EXAMPLES, SPEC_EXAMPLES
from runwatch.pytest_plugin import assert_alert_sent, assert_no_alert

pytest_plugins = ["pytester"]


@pytest.fixture
def runwatch_secrets(webhook_recorder):
    return {"SLACK_WEBHOOK": webhook_recorder.url_for("/slack")}


@pytest.mark.runwatch_flows(str(EXAMPLES))
def test_a_failed_product_flow_alerts_slack_once(runwatch_engine, webhook_recorder):
    failed = runwatch_engine.run("company.product.sales", "nightly_etl")
    assert failed.state == "FAILED"
    (alert,) = assert_alert_sent(webhook_recorder, flow_id="nightly_etl", state="FAILED",
                                 execution_id=failed.id, path="/slack", count=1)
    assert alert.json["channel"] == "#general"


@pytest.mark.runwatch_flows(str(EXAMPLES))
def test_a_successful_flow_sends_nothing(runwatch_engine, webhook_recorder):
    assert runwatch_engine.run("company.team", "hello").state == "SUCCESS"
    assert_no_alert(webhook_recorder, runwatch_engine)


def test_the_assertions_say_what_was_received(webhook_recorder):
    with pytest.raises(AssertionError, match=r"no alert mentioning etl, FAILED within 0.05 s; no request was received"):
        assert_alert_sent(webhook_recorder, flow_id="etl", state="FAILED", timeout=0.05)


def test_a_users_suite_with_ini_options(pytester):
    pytester.makepyprojecttoml(textwrap.dedent("""
        [tool.pytest.ini_options]
        runwatch_flows = "flows"
        runwatch_webhook_secrets = ["SLACK_WEBHOOK"]
    """))
    flows = pytester.mkdir("flows")
    for name in ("failure-alert-to-slack.yaml", "bad-example.yaml"):
        (flows / name).write_text((SPEC_EXAMPLES / name).read_text())
    (flows / "etl.yaml").write_text(textwrap.dedent("""
        id: etl
        namespace: company.product
        tasks:
          - id: load
            type: io.kestra.plugin.core.execution.Fail
    """))
    pytester.makepyfile(test_alerts=textwrap.dedent("""
        from runwatch.pytest_plugin import assert_alert_sent, assert_no_alert

        def test_failed_etl_alerts(runwatch_engine, webhook_recorder):
            failed = runwatch_engine.run("company.product", "etl")
            assert_alert_sent(webhook_recorder, flow_id="etl", state="FAILED", execution_id=failed.id,
                              path="/SLACK_WEBHOOK", count=1)

        def test_the_bad_example_never_fires(runwatch_engine, webhook_recorder):
            runwatch_engine.run("company.product", "etl")
            assert_no_alert(webhook_recorder, runwatch_engine, flow_id="bad_example")

        def test_a_wrong_expectation_fails(runwatch_engine, webhook_recorder):
            assert_alert_sent(webhook_recorder, flow_id="etl", timeout=0.1)
    """))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: no alert mentioning etl within 0.1 s; no request was received"])
