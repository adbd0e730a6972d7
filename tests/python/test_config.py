"""Configuration as Kestra's application.yml, for Engine(config=...) and `runwatch server`."""

from __future__ import annotations

import pytest

import runwatch
from conftest import SPEC_EXAMPLES, flow_yaml
from runwatch.testing import WebhookRecorder


def test_worker_threads_from_kestra_configuration(clock):
    with runwatch.Engine(config={"kestra": {"worker": {"threads": 5}}}, clock=clock) as engine:
        assert engine.worker_threads == 5


def test_the_specs_application_yml(clock):
    with runwatch.Engine(config=SPEC_EXAMPLES / "application.yml", clock=clock) as engine:
        assert engine.config.metrics_prefix == "kestra"
        assert engine.config.management_port == 8081
        assert engine.config.logger_levels == {"io.kestra.core.runners": "INFO"}


def test_environment_overrides_in_micronauts_style(monkeypatch, tmp_path):
    config_file = tmp_path / "application.yml"
    config_file.write_text("endpoints:\n  all:\n    port: 9081\nkestra:\n  metrics:\n    prefix: acme\n")
    monkeypatch.setenv("ENDPOINTS_ALL_PORT", "7081")
    config = runwatch.load_config(config_file)
    assert config.management_port == 7081
    assert config.metrics_prefix == "acme"
    assert config.effective == {"endpoints.all.port": "7081", "kestra.metrics.prefix": "acme"}


def test_unknown_keys_are_warnings(clock):
    with pytest.warns(runwatch.ConfigWarning, match=r"<config>: warning: other: unknown configuration key, ignored"):
        with runwatch.Engine(config={"other": 1}, clock=clock):
            pass


@pytest.mark.parametrize("threads", [-1, 0, 2.5, True, "many"])
def test_invalid_values_raise_config_error_naming_the_key(threads):
    with pytest.raises(runwatch.ConfigError, match="kestra.worker.threads: must be a number of threads from 1 to 1024") as raised:
        runwatch.Engine(config={"kestra": {"worker": {"threads": threads}}})
    assert [issue.path for issue in raised.value.issues] == ["kestra.worker.threads"]


def test_a_file_error_names_its_line_and_column(tmp_path):
    config_file = tmp_path / "application.yml"
    config_file.write_text("endpoints:\n  all:\n    port: http\n")
    with pytest.raises(runwatch.ConfigError) as raised:
        runwatch.load_config(config_file)
    (issue,) = raised.value.issues
    assert (issue.file, issue.line, issue.column, issue.path) == (str(config_file), 3, 11, "endpoints.all.port")


def test_config_must_be_a_path_or_a_mapping():
    with pytest.raises(TypeError, match="config must be a path or a mapping, got list"):
        runwatch.Engine(config=[("kestra", {})])


@pytest.mark.parametrize("key, message", [
    ("c2hvcnQta2V5", "must be at least 32 characters, got 12"),
    ("this key is not base64 at all!!!", "must be Base64 (Kestra decodes it to the AES key)"),
    ("YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWZn", "decodes to 33 bytes; an AES key is 16, 24 or 32 bytes"),
])
def test_an_encryption_key_kestra_would_refuse_is_a_config_error(key, message):
    with pytest.raises(runwatch.ConfigError) as raised:
        runwatch.load_config({"kestra": {"encryption": {"secret-key": key}}})
    (issue,) = raised.value.issues
    assert (issue.path, issue.message) == ("kestra.encryption.secret-key", message)


def test_the_encryption_key_is_masked_in_the_effective_configuration():
    config = runwatch.load_config({"kestra": {"encryption": {"secret-key": "a2VzdHJhLWRvY3MtMjQtYnl0ZS1rZXkh"}}})
    assert config.effective == {"kestra.encryption.secret-key": "******"}
    assert config.encryption_secret_key == "a2VzdHJhLWRvY3MtMjQtYnl0ZS1rZXkh"


def test_kestra_url_and_environment_reach_templates_and_notification_links(clock):
    config = {"kestra": {"url": "https://kestra.example.com/", "environment": {"name": "production"}}}
    with runwatch.Engine(config=config, clock=clock) as engine, WebhookRecorder() as hook:
        assert (engine.config.kestra_url, engine.config.environment_name) == ("https://kestra.example.com/", "production")
        engine.add_flow(flow_yaml(f"""
            id: etl
            namespace: company.team
            tasks:
              - id: where
                type: io.kestra.plugin.core.debug.Return
                format: "{{{{ kestra.environment }}}} at {{{{ kestra.url }}}}"
              - id: fail
                type: io.kestra.plugin.core.execution.Fail
            errors:
              - id: slack
                type: io.kestra.plugin.slack.notifications.SlackExecution
                url: "{hook.url_for('/slack')}"
            """))
        failed = engine.run("company.team", "etl", timeout=20)
        assert failed.outputs["where"]["value"] == "production at https://kestra.example.com/"
        (request,) = hook.wait_for(1)
        link = f"https://kestra.example.com/ui/main/executions/company.team/etl/{failed.id}"
        assert request.json["blocks"][0]["accessory"]["url"] == link


def test_without_kestra_url_notifications_carry_no_link(engine, add):
    with WebhookRecorder() as hook:
        add(f"""
            id: etl
            namespace: company.team
            tasks:
              - id: fail
                type: io.kestra.plugin.core.execution.Fail
            errors:
              - id: slack
                type: io.kestra.plugin.slack.notifications.SlackExecution
                url: "{hook.url_for('/slack')}"
            """)
        engine.run("company.team", "etl", timeout=20)
        (request,) = hook.wait_for(1)
        assert "accessory" not in request.json["blocks"][0]


@pytest.mark.parametrize("url", ["kestra.example.com", "ftp://kestra.example.com", "https://kestra example.com"])
def test_a_kestra_url_that_is_not_a_web_address_is_a_config_error(url):
    with pytest.raises(runwatch.ConfigError) as raised:
        runwatch.load_config({"kestra": {"url": url}})
    (issue,) = raised.value.issues
    assert (issue.path, issue.message) == ("kestra.url", f"must be the http(s) URL of the UI's server, got '{url}'")
