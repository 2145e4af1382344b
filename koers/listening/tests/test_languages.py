"""Mentions keep the language their source declares or the detector knows (not only five), get
sentiment only where a lexicon exists, and the language filter names every language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from koers.listening.models import Mention, Topic
from koers.listening.pipeline import Pipeline
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db

RUSSIAN = "Acme открыла новый магазин в Москве, это ужасно плохо 😡"


@pytest.fixture
def acme_topic(acme):
    return Topic.objects.create(workspace=acme, name="Acme", kind="brand", query="acme")


def test_a_declared_language_outside_the_common_five_is_kept(acme, acme_topic):
    Pipeline(acme).ingest([make_post(RUSSIAN, network="rss", lang="ru")])

    mention = Mention.objects.get()
    assert (mention.lang, mention.lang_from_source) == ("ru", True)
    # No Russian lexicon: no sentiment, rather than a guess from the emoji alone.
    assert (mention.sentiment, mention.sentiment_score) == ("neutral", 0.0)


def test_a_language_the_detector_knows_is_kept_when_the_post_declares_none(acme, acme_topic):
    Pipeline(acme).ingest(
        [
            make_post(RUSSIAN),
            make_post("Acme ha aperto un nuovo negozio a Milano, siamo molto contenti"),
        ]
    )

    assert sorted(Mention.objects.values_list("lang", flat=True)) == ["it", "ru"]


def test_the_language_filter_names_every_language_and_filters_by_it(
    client_for, anna, acme, acme_topic
):
    now = timezone.now()
    Pipeline(acme).ingest(
        [
            make_post(RUSSIAN, lang="ru", created_at=now),
            make_post("Acme maayong tindahan", lang="ceb", created_at=now),
            make_post("Acme is geweldig", lang="nl", created_at=now),
        ]
    )
    client = client_for(anna)

    page = client.get(
        reverse("listening:mentions", args=[acme.slug]), {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    cebuano = client.get(
        reverse("listening:mentions", args=[acme.slug]), {"lang": "ceb"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert '<option value="ru" selected>Russisch</option>' in page
    assert "Москве" in page and "geweldig" not in page
    assert '<option value="ceb" selected>ceb</option>' in cebuano  # no name known: the code
    assert "maayong" in cebuano and "Москве" not in cebuano
