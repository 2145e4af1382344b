"""The listening part of ``koers demo``: topics for Gemeente Duinwijk and a few thousand
generated mentions from the last 90 days, ingested through the real pipeline (so the rollups,
share of voice and sentiment are what the product computes, not made-up numbers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from koers.core.demo import DemoContext
from koers.listening import actions
from koers.listening.importing import row_to_post
from koers.listening.models import COLOURS, SourceKind, TopicKind
from koers.listening.sample import Subject, generate_posts

POSTS = 3000

TOPICS = [
    ("Gemeente Duinwijk", TopicKind.BRAND, 'duinwijk OR #duinwijk OR "gemeente duinwijk"', True),
    ("Gemeente Zeedorp", TopicKind.COMPETITOR, "zeedorp OR #zeedorp", True),
    ("Gemeente Havenstad", TopicKind.COMPETITOR, "havenstad OR #havenstad", True),
    ("Campagne Schoon Strand", TopicKind.CAMPAIGN, '#schoonstrand OR "schoon strand"', False),
    ("Hashtag #zomerfeest", TopicKind.HASHTAG, "#zomerfeest NOT (vacature OR te koop)", False),
]

SUBJECTS = [
    Subject("Duinwijk", "duinwijk", 5.0),
    Subject("Zeedorp", "zeedorp", 2.5),
    Subject("Havenstad", "havenstad", 2.0),
    Subject("Schoon Strand", "schoonstrand", 1.0),
    Subject("het zomerfeest", "zomerfeest", 1.0),
]


def build(ctx: DemoContext) -> str:
    workspace, owner = ctx.workspace, ctx.owner
    for (name, kind, query, sov), colour in zip(TOPICS, COLOURS, strict=False):
        actions.create_topic(
            workspace,
            owner,
            name=name,
            kind=kind,
            query=query,
            colour=colour,
            counts_for_share_of_voice=sov,
            is_active=True,
        )
    archive = actions.create_source(workspace, owner, name="Archief (import)", kind=SourceKind.FILE)
    # Real sources, paused so the demo never reaches out to the internet by itself.
    for name, kind, config in (
        ("Mastodon #duinwijk", SourceKind.MASTODON,
         {"instance_url": "https://mastodon.nl", "hashtag": "duinwijk"}),
        ("Nieuws Duinwijk (RSS)", SourceKind.RSS,
         {"feed_url": "https://duinwijk.example/nieuws.xml"}),
    ):  # fmt: skip
        actions.set_source_paused(
            actions.create_source(workspace, owner, name=name, kind=kind, config=config),
            owner,
            paused=True,
        )
    end = timezone.now()
    start = end - timedelta(days=90)
    spikes = [end - timedelta(days=d) for d in (64, 30, 6)]
    rows = generate_posts(ctx.rng, SUBJECTS, POSTS, start, end, spikes)
    pairs = ((f"row {i}", row_to_post(row, {})) for i, row in enumerate(rows, start=1))
    report = actions.import_posts(workspace, owner, archive, pairs)
    return (
        f"listening: {len(TOPICS)} topics, {report.stored} mentions "
        f"({report.unmatched} posts about nothing tracked)"
    )
