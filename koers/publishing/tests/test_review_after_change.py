"""What goes out is what an editor approved: a contributor's change to an approved or
scheduled post sends it back to review, and nobody changes a post being published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from koers.networks.tests.conftest import make_png
from koers.publishing import actions, dispatch
from koers.publishing.models import Media, State


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


def _image(name: str = "fiets.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_png(), content_type="image/png")


@pytest.fixture
def scheduled(plan, hook, anna):
    item = plan([hook], text="Open dag in de werkplaats")
    actions.add_media(item, anna, upload=_image("eerste.png"), alt_text="De werkplaats")
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    return item


def _reason(english: str) -> set[str]:
    """The history comment as stored: in the language that was active when it was written."""
    with translation.override("nl"):
        return {english, translation.gettext(english)}


def _last_change(item):
    return item.history.order_by("created_at", "id").last()


def test_a_contributor_adding_an_image_to_a_scheduled_post_sends_it_back_to_review(
    client_for, dirk, scheduled
):
    response = client_for(dirk).post(
        url("media-add", scheduled.pk), {"file": _image(), "alt_text": "Ongezien plaatje"}
    )

    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.state == State.IN_REVIEW
    assert scheduled.media.count() == 2
    change = _last_change(scheduled)
    assert (change.from_state, change.to_state, change.actor) == ("scheduled", "in_review", dirk)
    assert change.comment in _reason("An image was added after approval.")
    # Not due any more: the scheduler only sends scheduled posts.
    later = scheduled.scheduled_at + timedelta(minutes=1)
    assert dispatch.queue_due(now=later) == 0


def test_a_contributor_removing_an_image_from_an_approved_post_sends_it_back_to_review(
    client_for, dirk, scheduled, anna
):
    actions.unschedule_item(scheduled, anna)
    media = scheduled.media.get()

    client_for(dirk).post(url("media-remove", media.pk))

    scheduled.refresh_from_db()
    assert not Media.objects.filter(pk=media.pk).exists()
    assert scheduled.state == State.IN_REVIEW
    change = _last_change(scheduled)
    assert (change.from_state, change.to_state) == ("approved", "in_review")
    assert change.comment in _reason("An image was removed after approval.")


def test_a_contributor_changing_alt_text_of_a_scheduled_post_sends_it_back_to_review(
    dirk, scheduled
):
    actions.update_alt_text(scheduled.media.get(), dirk, "Iets anders")
    scheduled.refresh_from_db()
    assert scheduled.state == State.IN_REVIEW
    assert _last_change(scheduled).comment in _reason("An image's alt text changed after approval.")


def test_a_contributor_editing_the_text_of_a_scheduled_post_sends_it_back_to_review(
    client_for, dirk, scheduled, hook
):
    when = timezone.localtime(scheduled.scheduled_at)
    response = client_for(dirk).post(
        url("item-edit", scheduled.pk),
        {
            "title": scheduled.title,
            "text": "Open dag — nu met gratis koffie",
            "category": "promotion",
            "day": when.date().isoformat(),
            "at": when.strftime("%H:%M"),
            "channels": [hook.pk],
        },
    )

    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.text == "Open dag — nu met gratis koffie"
    assert scheduled.state == State.IN_REVIEW
    change = _last_change(scheduled)
    assert (change.to_state, change.actor) == ("in_review", dirk)
    assert change.comment in _reason("The text, link, time or channels changed after approval.")


def test_an_editor_changing_the_images_of_a_scheduled_post_keeps_it_scheduled(
    client_for, bram, scheduled
):
    client_for(bram).post(url("media-add", scheduled.pk), {"file": _image(), "alt_text": "Ok"})
    scheduled.refresh_from_db()
    assert scheduled.state == State.SCHEDULED
    assert scheduled.media.count() == 2


@pytest.mark.parametrize("state", [State.PUBLISHING, State.PUBLISHED])
def test_nobody_changes_the_images_of_a_post_being_or_already_published(
    client_for, dirk, bram, scheduled, state
):
    type(scheduled).objects.filter(pk=scheduled.pk).update(state=state)
    media = scheduled.media.get()

    for user in (dirk, bram):
        client = client_for(user)
        client.post(url("media-add", scheduled.pk), {"file": _image(), "alt_text": "Te laat"})
        client.post(url("media-remove", media.pk))

    scheduled.refresh_from_db()
    assert scheduled.state == state
    assert list(scheduled.media.values_list("pk", flat=True)) == [media.pk]
    assert media.file.storage.exists(media.file.name)
