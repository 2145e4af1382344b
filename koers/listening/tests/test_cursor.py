"""The ingest cursor: mentions stored since a horizon are read, those before it are not, and
every writer (the pipeline's plain-SQL insert too) records its transaction on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from koers.listening import cursor
from koers.listening.models import Mention
from koers.listening.pipeline import Pipeline
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db(transaction=True)


def test_mentions_stored_after_a_horizon_are_read_from_it(acme, acme_topics):
    before = cursor.horizon()
    Pipeline(acme).ingest([make_post("Acme één", created_at=timezone.now())])
    Pipeline(acme).ingest([make_post("Acme twee", created_at=timezone.now())])
    after = cursor.horizon()

    stored = Mention.objects.filter(workspace=acme)
    assert [m.text for m in cursor.since(stored, before)] == ["Acme één", "Acme twee"]
    if connection.vendor == "postgresql":
        # Each row names its transaction. (Whether ``after`` is past them depends on every
        # other transaction in the cluster: the horizon waits for the oldest one still open.)
        txs = list(stored.values_list("ingest_tx", flat=True))
        assert all(tx is not None and tx >= before for tx in txs)
        assert list(cursor.since(stored, max(txs) + 1)) == []
    else:
        assert list(cursor.since(stored, after)) == []
