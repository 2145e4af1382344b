"""Resolving a status from another server to its id on the account's own instance."""

from __future__ import annotations

import pytest

from koers.networks.base import AuthError, PermanentError, RetryableError
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.mastodon import FakeMastodon


@pytest.fixture
def server():
    with FakeMastodon() as fake:
        yield fake


def publisher_for(server: FakeMastodon) -> MastodonPublisher:
    return MastodonPublisher(server.url, server.token)


def test_a_status_from_another_server_is_fetched_and_gets_a_local_id(server):
    remote = server.add_federated_status("Is de brug weer open?", acct="jan@andere.social")
    assert not server.statuses  # the instance has never seen it

    local_id = publisher_for(server).resolve_status(remote["uri"])

    assert local_id is not None and local_id != remote["id"]
    assert server.statuses[local_id]["uri"] == remote["uri"]
    assert server.statuses[local_id]["account"]["acct"] == "jan@andere.social"
    assert server.searches == [(remote["uri"], True)]
    # Resolving again finds the same local status, nothing new is stored.
    assert publisher_for(server).resolve_status(remote["url"]) == local_id
    assert len(server.statuses) == 1


def test_a_status_already_on_the_instance_resolves_to_its_own_id(server):
    status = server.add_remote_status("Hallo", acct="piet")
    assert publisher_for(server).resolve_status(status["uri"]) == status["id"]


def test_a_status_nobody_can_find_resolves_to_none_and_a_post_quoting_it_does_not_count(server):
    missing = "https://andere.social/users/jan/statuses/404"
    server.add_remote_status(f"Kijk eens: {missing}", acct="piet")
    assert publisher_for(server).resolve_status(missing) is None


def test_something_that_is_not_an_address_is_refused_without_a_request(server):
    with pytest.raises(PermanentError, match="Not a status address"):
        publisher_for(server).resolve_status("jan@andere.social")
    assert server.searches == []


def test_resolve_errors_are_classified(server):
    remote = server.add_federated_status("Hoi")
    publisher = publisher_for(server)
    server.fail_next(1, status=503, path_prefix="/api/v2/search")
    with pytest.raises(RetryableError, match="HTTP 503"):
        publisher.resolve_status(remote["uri"])
    server.fail_next(
        1,
        status=429,
        path_prefix="/api/v2/search",
        headers={"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"},
    )
    with pytest.raises(RetryableError) as caught:
        publisher.resolve_status(remote["uri"])
    assert caught.value.retry_after and caught.value.retry_after > 0
    server.revoke_token("The access token was revoked")
    with pytest.raises(AuthError, match="revoked"):
        publisher.resolve_status(remote["uri"])


def test_an_unreachable_instance_is_retryable(closed_port_url):
    publisher = MastodonPublisher(closed_port_url, "token", timeout=2)
    with pytest.raises(RetryableError):
        publisher.resolve_status("https://andere.social/users/jan/statuses/1")
