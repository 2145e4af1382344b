"""The fake servers misbehave on request: one-shot knobs, a seeded fault plan, HTTP control."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from koers.networks.base import OutgoingPost, RetryableError, UnknownOutcomeError
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.mastodon import FakeMastodon
from koers.networks.testing.server import FaultPlan


@pytest.fixture
def server():
    with FakeMastodon() as fake:
        yield fake


def publisher_for(server: FakeMastodon, **kwargs) -> MastodonPublisher:
    publisher = MastodonPublisher(server.url, server.token, **kwargs)
    publisher.limits()
    return publisher


def test_a_fault_plan_reads_and_writes_its_text_form():
    plan = FaultPlan.parse(
        "drop=0.05,drop503=0.01,fail=0.05,ratelimit=0.05,delay=0.02:20,swallow=0.01:25,"
        "ignore-idempotency,"
        "seed=7,only=/api/v1/statuses|/xrpc/com.atproto.repo.createRecord"
    )
    assert (plan.drop, plan.fail, plan.ratelimit, plan.delay, plan.delay_seconds) == (
        0.05,
        0.05,
        0.05,
        0.02,
        20.0,
    )
    assert (plan.swallow, plan.swallow_seconds, plan.seed, plan.drop503) == (0.01, 25.0, 7, 0.01)
    assert plan.ignore_idempotency
    assert plan.only == ("/api/v1/statuses", "/xrpc/com.atproto.repo.createRecord")
    assert FaultPlan.parse(plan.spec()) == plan
    with pytest.raises(ValueError, match="unknown fault"):
        FaultPlan.parse("explode=0.5")
    with pytest.raises(ValueError, match="more than 1"):
        FaultPlan.parse("drop=0.6,fail=0.6")


def test_a_request_dropped_after_receipt_created_the_post_but_got_no_answer(server):
    publisher = publisher_for(server)
    server.drop_next(1, "/api/v1/statuses")

    with pytest.raises(UnknownOutcomeError):
        publisher.publish(OutgoingPost(text="Gevallen"), "dropped")

    assert [p["text"] for p in server.own_posts()] == ["Gevallen"]


def test_a_dropped_request_answered_with_503_looks_retryable_although_it_was_created(server):
    publisher = publisher_for(server)
    server.drop_next(1, "/api/v1/statuses", answer_503=True)

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Toch gemaakt"), "lying")

    assert caught.value.status == 503
    assert len(server.own_statuses()) == 1


def test_a_swallowed_request_creates_nothing_and_answers_503_late(server):
    publisher = publisher_for(server)
    server.swallow_next(1, "/api/v1/statuses", seconds=0.3)

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Ingeslikt"), "swallowed")

    assert caught.value.status == 503
    assert server.own_statuses() == []
    assert server.injected == {"swallow": 1}


def test_a_server_that_ignores_idempotency_keys_creates_a_second_status(server):
    publisher = publisher_for(server)
    publisher.publish(OutgoingPost(text="Twee keer"), "same-key")
    assert len(server.own_statuses()) == 1
    publisher.publish(OutgoingPost(text="Twee keer"), "same-key")
    assert len(server.own_statuses()) == 1  # honoured by default

    server.faults = FaultPlan(ignore_idempotency=True)
    publisher.publish(OutgoingPost(text="Twee keer"), "same-key")
    assert len(server.own_statuses()) == 2


def test_a_rate_limit_answer_carries_mastodon_s_headers_and_a_wait(server):
    publisher = publisher_for(server)
    server.ratelimit_next(1, "/api/v1/statuses", retry_after=60)

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Te snel"), "limited")

    assert caught.value.status == 429
    assert caught.value.retry_after is not None and 30 < caught.value.retry_after < 120


def test_account_statuses_page_with_max_id_and_link_headers_like_mastodon(server):
    publisher = publisher_for(server)
    for n in range(45):
        publisher.publish(OutgoingPost(text=f"Bericht {n}"), f"k{n}")
    account = f"{server.url}/api/v1/accounts/{server.account['id']}/statuses"
    headers = {"Authorization": f"Bearer {server.token}"}

    first = httpx.get(account, params={"limit": 100}, headers=headers)
    assert len(first.json()) == 40  # capped like Mastodon
    older = first.links["next"]["url"]
    assert f"max_id={first.json()[-1]['id']}" in older
    second = httpx.get(older, headers=headers)
    assert [s["id"] for s in second.json()] == [
        s["id"] for s in sorted(server.own_statuses(), key=lambda s: int(s["id"]))[:5][::-1]
    ]
    newer = httpx.get(account, params={"since_id": first.json()[1]["id"]}, headers=headers)
    assert [s["id"] for s in newer.json()] == [first.json()[0]["id"]]


def test_the_seeded_fault_plan_is_set_and_read_over_http_from_another_process(server):
    response = httpx.post(f"{server.url}/_fake/faults", content="fail=1,seed=3")
    assert response.status_code == 200
    assert response.json()["fail"] == 1.0
    publisher = MastodonPublisher(server.url, server.token)

    with pytest.raises(RetryableError):
        publisher.publish(OutgoingPost(text="Nooit"), "never")
    state = httpx.get(f"{server.url}/_fake/faults").json()
    assert state["injected"]["fail"] >= 1
    assert httpx.post(f"{server.url}/_fake/faults", content="boom=1").status_code == 400

    httpx.delete(f"{server.url}/_fake/faults")
    publisher.publish(OutgoingPost(text="Nu wel"), "now")
    assert httpx.get(f"{server.url}/_fake/posts").json()[0]["text"] == "Nu wel"
    assert not any(r.path.startswith("/_fake/") for r in server.requests)


def test_the_same_seed_injects_the_same_faults(server):
    def run() -> list[int]:
        server.faults = FaultPlan.parse("fail=0.3,ratelimit=0.2,seed=11")
        return [httpx.get(f"{server.url}/api/v1/instance").status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert {200, 503, 429} <= set(first)


def test_the_demo_command_starts_the_fakes_in_hostile_mode(tmp_path):
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-u", "-m", "koers.networks.testing", "--hostile", "fail=1,seed=5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while not line.startswith("Mastodon"):
            line = process.stdout.readline()
        url = line.split()[1]
        state = httpx.get(f"{url}/_fake/faults", timeout=10).json()
        assert state["fail"] == 1.0 and state["seed"] == 5
        assert httpx.get(f"{url}/api/v1/instance", timeout=10).status_code == 503
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_webhook_receiver_lists_deliveries_and_can_break_the_idempotency_contract():
    from koers.networks.testing.webhook import FakeWebhookReceiver
    from koers.networks.webhook import WebhookPublisher

    with FakeWebhookReceiver(secret=b"geheim") as receiver:
        publisher = WebhookPublisher(receiver.url + "/hook", b"geheim")
        publisher.publish(OutgoingPost(text="Eén keer"), "key-1")
        publisher.publish(OutgoingPost(text="Eén keer"), "key-1")
        assert [p["text"] for p in httpx.get(f"{receiver.url}/_fake/posts").json()] == ["Eén keer"]

        httpx.post(f"{receiver.url}/_fake/faults", content="ignore-idempotency")
        publisher.publish(OutgoingPost(text="Eén keer"), "key-1")
        assert len(receiver.own_posts()) == 2
