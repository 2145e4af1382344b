from __future__ import annotations

from django.urls import reverse

from koers.core.models import AuditEvent
from koers.listening.models import Source
from koers.privacy.models import RetentionSettings


def test_owner_sets_retention_periods_on_the_privacy_page(client_for, anna, acme):
    response = client_for(anna).post(
        reverse("privacy:index", args=["acme"]),
        {"mention_days": "365", "inbox_days": "730", "author_days": ""},
    )

    assert response.status_code == 302
    rules = RetentionSettings.objects.get(workspace=acme)
    assert (rules.mention_days, rules.inbox_days, rules.author_days) == (365, 730, None)
    assert AuditEvent.objects.filter(workspace=acme, action="privacy.retention_set").exists()


def test_a_retention_period_must_be_a_sensible_number_of_days(client_for, anna, acme):
    response = client_for(anna).post(
        reverse("privacy:index", args=["acme"]), {"mention_days": "0", "inbox_days": "99999"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"mention_days", "inbox_days"}
    assert not RetentionSettings.objects.exists()


def test_register_is_filled_from_the_workspaces_configuration(client_for, anna, acme):
    Source.objects.create(workspace=acme, name="Gemeentefeed", kind="rss")
    RetentionSettings.objects.create(workspace=acme, mention_days=365, inbox_days=None)

    page = (
        client_for(anna)
        .get(reverse("privacy:register", args=["acme"]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )

    assert "Gemeentefeed" in page
    assert "RSS or Atom feed" in page
    assert "Mentions are deleted 365 days after publication." in page
    assert "No period set; kept until deleted." in page  # the inbox
    assert "they hold no personal data" in page.lower()


def test_register_reads_in_dutch(client_for, anna, acme):
    RetentionSettings.objects.create(workspace=acme, mention_days=30)
    client = client_for(anna)

    page = client.get(
        reverse("privacy:register", args=["acme"]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert "Register van verwerkingsactiviteiten" in page
    assert "30 dagen na publicatie verwijderd" in page


def test_the_privacy_tab_is_shown_to_owners_only(client_for, anna, bram, acme):
    url = reverse("privacy:index", args=["acme"])
    assert url in client_for(anna).get(reverse("members", args=["acme"])).content.decode()
    assert url not in client_for(bram).get(reverse("members", args=["acme"])).content.decode()
