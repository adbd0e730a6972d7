"""Email notifications delivered for real to a local SMTP server (aiosmtpd through
runwatch.testing.MailRecorder): MailExecution from a monitoring flow, MailSend over
SMTPS and STARTTLS with AUTH, and every way a server can refuse."""

from __future__ import annotations

import base64

import pytest

import runwatch
from runwatch.testing import MailRecorder

ARROW = "\u279b"

FAILING = """
id: etl
namespace: company.team
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: extracting
  - id: load
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: disk full
"""


def mail_flow(flow_id: str, recorder: MailRecorder, strategy: str, extra: str = "",
              type_name: str = "io.kestra.plugin.email.MailSend") -> str:
    return f"""
        id: {flow_id}
        namespace: company.team
        tasks:
          - id: mail
            type: {type_name}
            host: 127.0.0.1
            port: {recorder.port}
            transportStrategy: {strategy}
            from: "Runwatch <runwatch@example.com>"
            to: "oncall@example.com"
            subject: "Nightly report"
            htmlTextContent: "<p>All <b>good</b></p>"
            plainTextContent: "All good"
            {extra}
        """


def errors_of(execution: runwatch.Execution) -> list[str]:
    return [e.message for e in execution.logs(level="ERROR")]


@pytest.mark.parametrize("type_name", ["io.kestra.plugin.email.MailExecution",
                                       "io.kestra.plugin.notifications.mail.MailExecution"])
def test_mail_execution_from_a_monitoring_flow(engine, add, type_name):
    with MailRecorder() as mail:
        add(FAILING)
        add(f"""
            id: alert
            namespace: company.monitoring
            tasks:
              - id: mail
                type: {type_name}
                host: 127.0.0.1
                port: {mail.port}
                transportStrategy: SMTP
                from: runwatch@example.com
                to: "oncall@example.com; Data Team <data@example.com>"
                cc: lead@example.com
                executionId: "{{{{ trigger.executionId }}}}"
                customMessage: "The nightly ETL failed"
                customFields:
                  team: data
            triggers:
              - id: on_failure
                type: io.kestra.plugin.core.trigger.Flow
                conditions:
                  - type: io.kestra.plugin.core.condition.ExecutionStatus
                    in: [FAILED]
            """)
        failed = engine.run("company.team", "etl", timeout=20)
        assert failed.state == "FAILED"
        assert engine.wait_idle(timeout=20)
        (alert,) = engine.executions(namespace="company.monitoring")
        assert alert.state == "SUCCESS"
        (got,) = mail.wait_for(1)
        assert got.mail_from == "runwatch@example.com"
        assert got.recipients == ["oncall@example.com", "data@example.com", "lead@example.com"]
        assert got.to == "oncall@example.com, Data Team <data@example.com>"
        assert got.cc == "lead@example.com"
        assert got.subject == f"[company.team] etl {ARROW} FAILED"
        assert got.message["Message-ID"] == f"<{alert.id}.{alert.task_run('mail').id}@runwatch>"
        assert got.plain == (
            f"[company.team] etl {ARROW} FAILED\n"
            "The nightly ETL failed\n"
            "Failed on task `load` after 00:00:00.000\n"
            "\n"
            "Namespace: company.team\n"
            "Flow: etl\n"
            f"Execution: {failed.id}\n"
            "Status: FAILED\n"
            "Final task ID: load\n"
            "team: data\n")
        html = got.html
        assert html is not None
        for line in ['[company.team] etl \u279b <span style="color: red;">FAILED</span>',
                     "The nightly ETL failed",
                     "Failed on task <code>load</code> after 00:00:00.000",
                     "<strong>Namespace :</strong> company.team",
                     "<strong>Flow :</strong> etl",
                     f"<strong>Execution :</strong> {failed.id}",
                     "<strong>Status :</strong> FAILED",
                     "<strong>Final task ID :</strong> load",
                     "<strong>team :</strong> data"]:
            assert line in html
        outputs = alert.task_run("mail").outputs
        assert outputs["reply"] == "250 2.0.0 Ok: queued"
        assert outputs["messageId"] == f"{alert.id}.{alert.task_run('mail').id}@runwatch"


def test_mail_execution_escapes_what_it_puts_in_html(engine, add):
    with MailRecorder() as mail:
        add(f"""
            id: report
            namespace: company.team
            tasks:
              - id: mail
                type: io.kestra.plugin.email.MailExecution
                host: 127.0.0.1
                port: {mail.port}
                transportStrategy: SMTP
                from: runwatch@example.com
                to: oncall@example.com
                subject: "Report"
                customMessage: "<script>alert('x')</script> & more"
            """)
        assert engine.run("company.team", "report", timeout=20).state == "SUCCESS"
        (got,) = mail.wait_for(1)
        assert got.subject == "Report"
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in got.html
        assert "<script>" not in got.html
        assert "<script>alert('x')</script> & more" in got.plain


def test_mail_send_over_smtps_with_credentials_from_a_secret(engine, add, monkeypatch):
    monkeypatch.setenv("SECRET_SMTP_PASSWORD", base64.b64encode(b"s3cr3t-pw").decode())
    with MailRecorder(tls="smtps", credentials=("alerts", "s3cr3t-pw")) as mail:
        add(mail_flow("smtps", mail, "SMTPS", extra="""username: alerts
            password: "{{ secret('SMTP_PASSWORD') }}"
            trustedHosts: ["127.0.0.1"]"""))
        execution = engine.run("company.team", "smtps", timeout=20)
        assert execution.state == "SUCCESS", errors_of(execution)
        (got,) = mail.wait_for(1)
        assert got.login == "alerts"
        assert got.subject == "Nightly report"
        assert got.plain == "All good"
        assert got.html == "<p>All <b>good</b></p>"
        seen = " ".join(e.message for e in execution.logs()) + repr(execution.outputs)
        assert "s3cr3t-pw" not in seen


def test_mail_send_with_starttls_required(engine, add):
    with MailRecorder(tls="starttls") as mail:
        add(mail_flow("starttls", mail, "SMTP_TLS", extra='trustedHosts: ["127.0.0.1"]'))
        execution = engine.run("company.team", "starttls", timeout=20)
        assert execution.state == "SUCCESS", errors_of(execution)
        assert mail.wait_for(1)[0].subject == "Nightly report"


def test_plain_smtp_upgrades_when_the_server_offers_starttls(engine, add):
    with MailRecorder(tls="starttls") as mail:
        add(mail_flow("opportunistic", mail, "SMTP", extra='trustedHosts: ["127.0.0.1"]'))
        execution = engine.run("company.team", "opportunistic", timeout=20)
        assert execution.state == "SUCCESS", errors_of(execution)
        assert len(mail.wait_for(1)) == 1


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(engine, add):
    with MailRecorder(tls="smtps") as mail:
        add(mail_flow("untrusted", mail, "SMTPS"))
        execution = engine.run("company.team", "untrusted", timeout=20)
        assert execution.state == "FAILED"
        assert errors_of(execution) == [
            f"The TLS certificate of 127.0.0.1:{mail.port} is not trusted: self-signed certificate"]
        assert mail.mails == []


def test_wrong_credentials_are_refused_with_the_servers_reply(engine, add):
    with MailRecorder(credentials=("alerts", "right")) as mail:
        add(mail_flow("wrong", mail, "SMTP", extra="username: alerts\n            password: wrong"))
        execution = engine.run("company.team", "wrong", timeout=20)
        assert execution.state == "FAILED"
        assert errors_of(execution) == [
            f"127.0.0.1:{mail.port} refused the credentials of 'alerts': 535 5.7.8 Authentication credentials invalid"]


def test_a_server_that_refuses_the_message_fails_the_task_with_its_reply(engine, add):
    with MailRecorder() as mail:
        mail.refuse_next(1, "451 4.3.0 Try again later")
        add(mail_flow("refused", mail, "SMTP"))
        execution = engine.run("company.team", "refused", timeout=20)
        assert execution.state == "FAILED"
        assert errors_of(execution) == [f"127.0.0.1:{mail.port} refused the message: 451 4.3.0 Try again later"]
        add(mail_flow("accepted", mail, "SMTP"))
        assert engine.run("company.team", "accepted", timeout=20).state == "SUCCESS"
        assert len(mail.wait_for(1)) == 1


def test_starttls_required_but_not_offered(engine, add):
    with MailRecorder() as mail:
        add(mail_flow("no_tls", mail, "SMTP_TLS"))
        execution = engine.run("company.team", "no_tls", timeout=20)
        assert execution.state == "FAILED"
        assert errors_of(execution) == [
            f"The mail server 127.0.0.1:{mail.port} does not offer STARTTLS (transportStrategy SMTP_TLS)"]


@pytest.mark.parametrize("extra, message", [
    ('cc: "not an address"', "'not an address' is not an email address"),
    ("attachments:\n              - uri: kestra:///report.csv",
     "Property 'attachments' needs Kestra's internal storage (kestra:// files), which runwatch does not have"),
    ("sessionTimeout: 0", "Property 'sessionTimeout' must be a whole number from 1 to 3600000, got 0"),
])
def test_what_cannot_be_sent_fails_before_connecting(engine, add, extra, message):
    with MailRecorder() as mail:
        add(mail_flow("bad", mail, "SMTP", extra=extra))
        execution = engine.run("company.team", "bad", timeout=20)
        assert execution.state == "FAILED"
        assert errors_of(execution) == [message]
        assert mail.mails == []


def test_an_unsupported_transport_is_refused_when_the_flow_loads(engine, add):
    with MailRecorder() as mail:
        with pytest.raises(runwatch.FlowValidationError) as refused:
            add(mail_flow("oauth", mail, "SMTP_OAUTH2"))
        (issue,) = refused.value.issues
        assert (issue.path, issue.line, issue.column) == ("tasks[0].transportStrategy", 8, 24)
        assert issue.message == "'transportStrategy' must be one of SMTP, SMTPS, SMTP_TLS, not 'SMTP_OAUTH2'"
