"""The social media policy: one per workspace, edited with autosave, filled from the
public-body template without overwriting, printable on its own (HTML and PDF)."""

from __future__ import annotations

import re

from django.urls import reverse

from koers.core.models import AuditEvent, Membership, Role
from koers.strategy.models import SocialMediaPolicy
from tests.pdf import pdf_pages


def policy_url(name: str = "policy", slug: str = "acme") -> str:
    return reverse(f"strategy:{name}", args=[slug])


TEXTS = {
    "who_may_post": "Alleen de webredactie.",
    "accounts_and_passwords": "",
    "tone_of_voice": "Vriendelijk en kort.",
    "response_times": "",
    "crisis": "",
    "escalation": "",
    "personal_use": "",
    "never_posted": "",
}


def test_an_editor_writes_the_policy_and_each_change_is_autosaved(client_for, bram, acme):
    client = client_for(bram)
    page = client.get(policy_url()).content.decode()
    assert "Wie mag namens de organisatie posten, en op welke accounts?" in page
    assert "hx-post" in page and "data-warn-unsaved" in page  # autosave and the leave warning
    response = client.post(policy_url(), TEXTS, HTTP_HX_REQUEST="true")
    assert "Automatisch opgeslagen" in response.content.decode()
    policy = SocialMediaPolicy.objects.get(workspace=acme)
    assert (policy.who_may_post, policy.updated_by) == ("Alleen de webredactie.", bram)
    assert AuditEvent.objects.filter(action="strategy.policy", workspace=acme).count() == 1


def test_the_template_fills_the_empty_sections_and_keeps_what_was_written(client_for, anna, acme):
    client = client_for(anna)
    client.post(policy_url(), TEXTS)
    assert client.post(policy_url("policy-template")).status_code == 302
    policy = SocialMediaPolicy.objects.get(workspace=acme)
    assert policy.who_may_post == "Alleen de webredactie."
    assert policy.crisis.startswith("Bij een crisis (een ramp")
    assert all(text.strip() for text in policy.texts().values())
    page = client.get(policy_url()).content.decode()
    assert "Elk onderdeel van het beleid is geschreven." in page


def test_the_english_template_is_used_on_the_english_page(client_for, anna, acme):
    client = client_for(anna)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(policy_url("policy-template"))
    policy = SocialMediaPolicy.objects.get(workspace=acme)
    assert policy.crisis.startswith("In a crisis (a disaster")


def test_viewers_read_but_can_not_write_and_strangers_see_nothing(client_for, carla, acme, bolt):
    client = client_for(carla)
    for name in ("policy", "policy-print", "policy-pdf"):
        assert client.get(policy_url(name)).status_code == 404, name
    assert client.post(policy_url(), TEXTS).status_code == 404
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    page = client.get(policy_url()).content.decode()
    assert "<fieldset disabled" in page
    assert client.post(policy_url(), TEXTS).status_code == 403
    assert client.post(policy_url("policy-template")).status_code == 403
    assert not SocialMediaPolicy.objects.filter(workspace=acme).exists()


def test_the_policy_prints_on_its_own_in_dutch_and_english(client_for, anna, acme):
    client = client_for(anna)
    client.post(policy_url("policy-template"))
    html = client.get(policy_url("policy-print") + "?lang=nl").content.decode()
    assert "<h1>Socialemediabeleid</h1>" in html
    assert "Wat posten we nooit?" in html and "Socialemediastrategie" not in html
    html = client.get(policy_url("policy-print") + "?lang=en").content.decode()
    assert "<h1>Social media policy</h1>" in html and "What do we never post?" in html
    response = client.get(policy_url("policy-pdf") + "?lang=en")
    assert response["Content-Type"] == "application/pdf"
    assert "acme-fietsen-social-media-policy-en.pdf" in response["Content-Disposition"]
    text = " ".join(" ".join(pdf_pages(response.content)).split())
    assert "Social media policy" in text and "What do we never post?" in text


def test_the_publishing_checks_are_called_rules_not_policy(client_for, anna, acme):
    client = client_for(anna)
    page = visible(client.get(reverse("publishing:settings", args=["acme"])))
    assert "Publicatieregels" in page and "Controles op berichten" in page
    assert "beleid" not in page.lower()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = visible(client.get(reverse("publishing:settings", args=["acme"])))
    assert "Publishing rules" in page and "Checks on posts" in page
    assert "policy" not in page.lower()


def visible(response) -> str:
    """The page's text as people read it (no tags, classes or attributes)."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())
