"""runwatch.testing.WebhookRecorder on its own, driven with urllib."""

from __future__ import annotations

import json
import ssl
import threading
import urllib.error
import urllib.request

import pytest

from runwatch.testing import RecordedRequest, WebhookRecorder


def send(url: str, body: bytes = b"", method: str = "POST", headers: dict[str, str] | None = None,
         context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def test_records_method_path_headers_body_and_json():
    with WebhookRecorder() as hook:
        assert hook.url.startswith("http://127.0.0.1:")
        assert hook.url_for("/slack") == hook.url + "/slack"
        assert hook.url_for("teams") == hook.url + "/teams"
        status, _, body = send(hook.url_for("/slack?x=1"), b'{"text": "hi"}', headers={"X-Key": "k1"})
        assert (status, body) == (200, b"ok")
        send(hook.url_for("/raw"), b"not json", method="PUT")
        first, second = hook.wait_for(2)
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.body, first.json) == ("POST", "/slack?x=1", b'{"text": "hi"}', {"text": "hi"})
    assert first.headers["X-Key"] == "k1"
    assert first.header("x-key") == "k1"
    assert first.header("missing") is None
    assert first.text == '{"text": "hi"}'
    assert (second.method, second.json, second.text) == ("PUT", None, "not json")


def test_fail_next_then_the_default_answer():
    with WebhookRecorder() as hook:
        hook.fail_next(2, status=503, retry_after=7, body=b"busy")
        answers = [send(hook.url_for("/x")) for _ in range(3)]
    assert [a[0] for a in answers] == [503, 503, 200]
    assert answers[0][1]["Retry-After"] == "7"
    assert answers[0][2] == b"busy"
    assert "Retry-After" not in answers[2][1]


def test_retry_after_as_a_date_and_a_programmed_answer():
    with WebhookRecorder() as hook:
        hook.fail_next(status=429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
        hook.respond(202, b'{"id": 1}', {"Content-Type": "application/json"})
        throttled = send(hook.url_for("/x"))
        accepted = send(hook.url_for("/x"))
    assert throttled[0] == 429 and throttled[1]["Retry-After"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert accepted[0] == 202 and accepted[2] == b'{"id": 1}'
    assert accepted[1]["Content-Type"] == "application/json"


def test_wait_for_is_woken_by_requests_and_times_out():
    with WebhookRecorder() as hook:
        with pytest.raises(TimeoutError, match="0 request\\(s\\) received, expected 1"):
            hook.wait_for(1, timeout=0.05)
        threading.Thread(target=send, args=(hook.url_for("/late"),)).start()
        assert [r.path for r in hook.wait_for(1, timeout=10)] == ["/late"]
        hook.clear()
        assert hook.requests == []


def test_requests_from_many_threads_are_all_recorded():
    with WebhookRecorder() as hook:
        threads = [threading.Thread(target=send, args=(hook.url_for(f"/{i}"), json.dumps({"i": i}).encode()))
                   for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        got = hook.wait_for(20)
    assert sorted(r.json["i"] for r in got) == list(range(20))


def test_tls_with_its_self_signed_certificate():
    with WebhookRecorder(tls=True) as hook:
        assert hook.url.startswith("https://127.0.0.1:")
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            send(hook.url_for("/x"), context=ssl.create_default_context())
        trusted = ssl.create_default_context(cafile=hook.ca_file)
        assert send(hook.url_for("/secure"), b"{}", context=trusted)[0] == 200
        assert [r.path for r in hook.wait_for(1)] == ["/secure"]
        ca_file = hook.ca_file
    import os

    assert not os.path.exists(ca_file)  # removed on close


def test_misuse_is_reported():
    hook = WebhookRecorder()
    with pytest.raises(RuntimeError, match="not started"):
        hook.url
    with pytest.raises(RuntimeError, match="ca_file"):
        hook.ca_file
    with pytest.raises(ValueError):
        hook.fail_next(-1)
    with hook:
        with pytest.raises(RuntimeError, match="already started"):
            hook.start()
    hook.close()  # twice is fine
