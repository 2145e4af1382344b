"""The polling fallback for Messenger: a Page's conversations read into the same inbox
conversations the Messenger webhook makes, each message once however it arrived."""

from __future__ import annotations

import pytest

from koers.engagement import meta
from koers.engagement.models import InboxItem, Kind, MetaEvent
from koers.engagement.tests.metahooks import _messenger, _post, _process_all
from koers.networks.base import RetryableError


def test_a_messenger_message_that_came_by_webhook_and_by_polling_is_stored_once(
    client, channels, page, graph
):
    facebook, _instagram = channels
    mid = graph.person_wrote(page.page_id, "psid-7", "Is het zwembad open?", name="Jan Jansen")
    _post(client, _messenger(page.page_id, "psid-7", mid, "Is het zwembad open?"))
    assert _process_all() == ["stored"]
    assert meta.poll(facebook) == 0
    later = graph.person_wrote(page.page_id, "psid-7", "Ook op zondag?", name="Jan Jansen")
    assert meta.poll(facebook) == 1
    # The webhook for the polled message arrives late: nothing new.
    _post(client, _messenger(page.page_id, "psid-7", later, "Ook op zondag?"))
    assert MetaEvent.objects.count() == 2
    items = list(InboxItem.objects.order_by("pk"))
    assert [i.mention.remote_id for i in items] == [mid, later]
    assert {i.kind for i in items} == {Kind.DIRECT_MESSAGE}
    assert items[0].thread == items[1].thread == meta.thread_key(page.page_id, "psid-7")
    assert items[1].mention.author_name == "Jan Jansen"


def test_polling_reads_every_page_of_conversations_and_skips_the_pages_own_messages(
    channels, page, graph, anna
):
    facebook, _instagram = channels
    mids = {graph.person_wrote(page.page_id, f"psid-{n}", f"Vraag {n}") for n in range(30)}
    graph.messages[(page.page_id, "psid-3")].append(
        {"id": "m_own", "message": "Dank je!", "created": 1.0e9}
    )
    assert meta.poll(facebook) == 30
    stored = set(InboxItem.objects.values_list("mention__remote_id", flat=True))
    assert stored == mids
    assert len({i.thread for i in InboxItem.objects.all()}) == 30
    conversation_reads = [
        r for r in graph.requests if r.path.endswith(f"/{page.page_id}/conversations")
    ]
    assert len(conversation_reads) == 2  # 25 conversations a page, cursor to the second
    assert meta.poll(facebook) == 0


def test_a_rate_limit_halfway_the_poll_stores_none_of_it_and_the_next_poll_catches_up(
    channels, page, graph
):
    facebook, _instagram = channels
    for n in range(30):
        graph.person_wrote(page.page_id, f"psid-{n}", f"Vraag {n}")
    graph.ratelimit_later_pages(1)
    with pytest.raises(RetryableError):
        meta.poll(facebook)
    assert MetaEvent.objects.filter(field="messages").count() == 0
    assert InboxItem.objects.count() == 0
    assert meta.poll(facebook) == 30
    assert InboxItem.objects.count() == 30
