"""The listening part of the demo goes through the pipeline, so its rollups are real."""

from __future__ import annotations

import random

import pytest

from koers.core.demo import DemoContext
from koers.listening import demo
from koers.listening.models import Mention, Source, Topic
from koers.listening.rollups import recount, rollup_cells

pytestmark = pytest.mark.django_db


def test_demo_builds_topics_and_mentions_whose_rollups_equal_a_recount(acme, anna, monkeypatch):
    monkeypatch.setattr(demo, "POSTS", 400)
    summary = demo.build(DemoContext(workspace=acme, owner=anna, rng=random.Random(1)))

    assert Topic.objects.filter(workspace=acme).count() == 5
    assert Mention.objects.filter(workspace=acme).count() > 250
    assert set(Mention.objects.values_list("lang", flat=True)) >= {"nl", "en"}
    assert rollup_cells(acme) == recount(acme)
    assert not Source.objects.filter(workspace=acme, status="new", kind="rss").exists()
    assert "mentions" in summary
