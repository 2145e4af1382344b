"""The post form: dates and times in ISO whatever the language, and no time without a date."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import translation

from koers.publishing.forms import ItemForm
from koers.publishing.models import ContentItem


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_date_and_time_of_a_scheduled_post_are_rendered_in_iso_in_every_language(
    client_for, anna, plan, hook, language
):
    item = plan([hook], approve=False)
    client = client_for(anna)
    client.cookies["django_language"] = language
    with translation.override(language):
        page = client.get(url("item-edit", item.pk), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert f'value="{item.local_date.isoformat()}"' in html
    assert f'value="{item.local_time.strftime("%H:%M")}"' in html


def test_every_date_input_renders_iso_under_dutch_formats(db):
    with translation.override("nl"):
        rendered = ItemForm(
            initial={"day": date(2026, 12, 5), "at": time(9, 30)}, workspace=None
        ).as_p()
    assert 'value="2026-12-05"' in rendered and 'value="09:30"' in rendered


def test_a_new_post_pre_fills_no_time(client_for, anna, acme):
    html = client_for(anna).get(url("item-new")).content.decode()
    assert 'name="at"' in html
    assert 'name="at" value=' not in html


def test_an_idea_without_date_or_time_saves_unplanned(client_for, anna, acme):
    response = client_for(anna).post(
        url("item-new"), {"title": "Idee", "text": "", "category": "promotion"}
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Idee")
    assert (item.local_date, item.local_time, item.scheduled_at) == (None, None, None)


def test_a_date_without_a_time_gets_the_default_posting_time(client_for, anna, acme):
    response = client_for(anna).post(
        url("item-new"),
        {"title": "Idee", "text": "", "category": "promotion", "day": "2030-05-04"},
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Idee")
    assert (item.local_date, item.local_time) == (date(2030, 5, 4), time(9, 0))
    assert item.scheduled_at is not None


def test_a_time_without_a_date_is_refused(client_for, anna, acme):
    response = client_for(anna).post(
        url("item-new"), {"title": "Idee", "text": "", "category": "promotion", "at": "10:00"}
    )
    assert response.status_code == 200
    assert not ContentItem.objects.filter(title="Idee").exists()
