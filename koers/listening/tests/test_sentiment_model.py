"""The workspace chooses its sentiment backend and learns a head from its team's corrections."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from koers.core.models import Membership, Role
from koers.listening import actions, pipeline
from koers.listening.models import Mention, SentimentCorrection, SentimentModel
from koers.textkit import Head

POSITIVE = [
    "Geweldig geholpen door de gemeente, top!",
    "Super blij met het nieuwe park",
    "Wat een mooie actie, dank jullie wel",
    "Heel fijn dat de straat weer schoon is",
    "Great service from the council today",
]
NEGATIVE = [
    "Slecht geregeld, niemand neemt op",
    "Alweer een gat in de weg, belachelijk",
    "Vreselijk lang gewacht op antwoord",
    "Boos over de parkeerboetes",
    "Terrible response from the council",
]
NEUTRAL = [
    "De raad vergadert donderdag om acht uur",
    "Het gemeentehuis is maandag gesloten",
    "Nieuwe openingstijden van de bibliotheek",
    "Stemming over het bestemmingsplan",
    "The council meets on Thursday",
]


def correct(workspace, user, texts: list[str], label: str, start: int) -> None:
    for i, text in enumerate(texts):
        mention = Mention.objects.create(
            workspace=workspace,
            network="import",
            remote_id=f"m{start + i}",
            text=text,
            text_hash=f"h{start + i}",
            lang="nl",
            published_at=datetime(2026, 11, 1, tzinfo=UTC),
            sentiment="neutral",
        )
        SentimentCorrection.objects.create(
            workspace=workspace,
            mention=mention,
            original="neutral",
            corrected=label,
            corrected_by=user,
        )


@pytest.fixture
def corrected(acme, anna):
    correct(acme, anna, POSITIVE, "positive", 0)
    correct(acme, anna, NEGATIVE, "negative", 100)
    correct(acme, anna, NEUTRAL, "neutral", 200)
    SentimentModel.objects.create(workspace=acme, min_per_label=5, backend="embedding")
    return acme


def test_training_stores_a_head_with_its_cross_validation_report(corrected, anna):
    model = actions.train_sentiment_head(corrected, anna)
    assert model.trained_on == 15
    assert model.cv_report["n"] == 15
    assert model.cv_report["counts"] == {"positive": 5, "negative": 5, "neutral": 5}
    assert 0.0 <= model.cv_report["macro_f1"] <= 1.0
    head = Head.from_bytes(bytes(model.head))
    assert head.classes == ("negative", "neutral", "positive")
    expected_active = model.cv_report["default_macro_f1"] is None or (
        model.cv_report["macro_f1"]
        >= model.cv_report["default_macro_f1"] + model.cv_report["margin"]
    )
    assert model.head_active is expected_active


def test_too_few_corrections_give_a_clear_error_and_change_nothing(acme, anna):
    correct(acme, anna, POSITIVE[:2], "positive", 0)
    SentimentModel.objects.create(workspace=acme, min_per_label=5)
    with pytest.raises(actions.TrainingError):
        actions.train_sentiment_head(acme, anna)
    assert SentimentModel.objects.get(workspace=acme).trained_at is None


def test_the_pipeline_uses_the_workspace_backend_and_its_active_head(corrected, anna, monkeypatch):
    model = actions.train_sentiment_head(corrected, anna)
    SentimentModel.objects.filter(pk=model.pk).update(head_active=True)
    seen = {}

    def fake_analyse(texts, lang_hint=None, backend="lexicon", head=None):
        seen.update(backend=backend, head=head)
        return []

    monkeypatch.setattr("koers.textkit.analyse", fake_analyse)
    pipeline.analyse_texts([], [], *pipeline.sentiment_choice(corrected))
    assert seen["backend"] == "embedding"
    assert isinstance(seen["head"], Head)


def test_a_workspace_without_a_choice_uses_the_lexicon(acme):
    assert pipeline.sentiment_choice(acme) == ("lexicon", None)


def test_viewer_sees_the_page_but_cannot_train_or_change_the_backend(client_for, carla, acme, bolt):
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    client = client_for(carla)
    assert client.get(reverse("listening:sentiment-model", args=[acme.slug])).status_code == 200
    assert client.post(reverse("listening:sentiment-train", args=[acme.slug])).status_code == 403
    response = client.post(
        reverse("listening:sentiment-settings", args=[acme.slug]),
        {"backend": "embedding", "min_per_label": 10},
    )
    assert response.status_code == 403
    assert not SentimentModel.objects.filter(workspace=acme, backend="embedding").exists()


def test_outsider_gets_404_on_the_sentiment_pages(client_for, carla, acme, bolt):
    client = client_for(carla)
    assert client.get(reverse("listening:sentiment-model", args=[acme.slug])).status_code == 404
    assert client.post(reverse("listening:sentiment-train", args=[acme.slug])).status_code == 404


def test_editor_chooses_the_language_model(client_for, bram, acme):
    response = client_for(bram).post(
        reverse("listening:sentiment-settings", args=[acme.slug]),
        {"backend": "embedding", "min_per_label": 10},
    )
    assert response.status_code == 302
    model = SentimentModel.objects.get(workspace=acme)
    assert (model.backend, model.min_per_label) == ("embedding", 10)


def test_periodic_training_runs_only_where_there_are_new_corrections(corrected, anna):
    from koers.listening.tasks import train_sentiment_heads

    assert train_sentiment_heads.call() == 1
    assert train_sentiment_heads.call() == 0
