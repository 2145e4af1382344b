from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    PermanentError,
    Publisher,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.testing.webhook import FakeWebhookReceiver
from koers.networks.webhook import WebhookPublisher, sign, verify_signature

SECRET = b"gedeeld-geheim"


@pytest.fixture
def receiver():
    with FakeWebhookReceiver(SECRET) as fake:
        yield fake


def test_webhook_publisher_satisfies_the_publisher_protocol(receiver):
    assert isinstance(WebhookPublisher(receiver.url, SECRET), Publisher)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_and_verifies(receiver, png):
    publisher = WebhookPublisher(receiver.url + "/hook", SECRET)

    result = publisher.publish(
        OutgoingPost(text="Café ☕", media=(MediaItem(png, "image/png", "Koffie"),)), "key-1"
    )

    [request] = [r for r in receiver.requests if r.method == "POST"]
    timestamp = request.header("x-koers-timestamp")
    expected = hmac.new(
        SECRET, timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert request.header("x-koers-signature") == f"sha256={expected}"
    assert request.header("idempotency-key") == "key-1"
    assert request.header("x-koers-event") == "post.publish"
    assert json.loads(request.body)["text"] == "Café ☕"
    assert receiver.deliveries[0]["media"][0]["alt_text"] == "Koffie"
    assert (result.remote_id, result.url) == ("msg-1", f"{receiver.url}/messages/1")


def test_a_tampered_body_an_old_timestamp_or_a_wrong_secret_do_not_verify():
    now = int(time.time())
    body = b'{"text":"hallo"}'
    signature = sign(SECRET, now, body)

    assert verify_signature(SECRET, body, signature, str(now))
    assert not verify_signature(SECRET, body + b" ", signature, str(now))
    assert not verify_signature(b"ander-geheim", body, signature, str(now))
    old = now - 600
    assert not verify_signature(SECRET, body, sign(SECRET, old, body), str(old))
    assert not verify_signature(SECRET, body, signature, "geen-getal")


def test_the_same_idempotency_key_is_delivered_once_by_a_conforming_receiver(receiver):
    publisher = WebhookPublisher(receiver.url, SECRET)

    first = publisher.publish(OutgoingPost(text="Eén keer"), "key-dup")
    second = publisher.publish(OutgoingPost(text="Eén keer"), "key-dup")

    assert first.remote_id == second.remote_id
    assert len(receiver.deliveries) == 1


def test_a_wrong_secret_is_an_auth_error(receiver):
    publisher = WebhookPublisher(receiver.url, b"verkeerd")

    with pytest.raises(AuthError, match="401"):
        publisher.publish(OutgoingPost(text="Hallo"), "key-auth")
    assert not publisher.check_connection().ok


def test_503_and_429_are_retryable_with_retry_after_and_422_is_permanent(receiver):
    publisher = WebhookPublisher(receiver.url, SECRET)
    receiver.fail_next(1, status=503)
    receiver.fail_next(1, status=429, headers={"Retry-After": "30"})

    with pytest.raises(RetryableError):
        publisher.publish(OutgoingPost(text="Hallo"), "key-503")
    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Hallo"), "key-429")
    assert caught.value.retry_after == 30

    receiver.fail_next(1, status=422, body={"error": "text te lang"})
    with pytest.raises(PermanentError, match="text te lang"):
        publisher.publish(OutgoingPost(text="Hallo"), "key-422")
    assert receiver.deliveries == []


def test_a_timeout_after_sending_is_an_unknown_outcome(receiver):
    publisher = WebhookPublisher(receiver.url, SECRET, timeout=0.3)
    receiver.delay_after_handling("/", seconds=1.0)

    with pytest.raises(UnknownOutcomeError):
        publisher.publish(OutgoingPost(text="Hallo"), "key-slow")

    assert len(receiver.deliveries) == 1
    # The receiver dedupes, so resending with the same key is the resolution.
    publisher.publish(OutgoingPost(text="Hallo"), "key-slow")
    assert len(receiver.deliveries) == 1


def test_connection_refused_is_retryable(closed_port_url):
    with pytest.raises(RetryableError):
        WebhookPublisher(closed_port_url, SECRET).publish(OutgoingPost(text="Hallo"), "k")


def test_check_connection_pings_the_receiver(receiver):
    assert WebhookPublisher(receiver.url, SECRET).check_connection().ok
    assert receiver.requests[-1].header("x-koers-event") == "ping"
