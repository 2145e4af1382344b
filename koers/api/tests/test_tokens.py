"""Personal API tokens: shown once, stored hashed, never above the person's role, revocable,
expiring; the settings page makes and revokes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from koers.api import actions
from koers.api.models import ApiToken
from koers.core.models import AuditEvent, Membership, Role, hash_token


def page(slug="acme"):
    return reverse("api-tokens", args=[slug])


def test_the_secret_is_shown_once_and_only_its_hash_is_stored(client_for, anna, acme):
    client = client_for(anna)
    response = client.post(page(), {"name": "Power BI", "role": "editor", "expires": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(workspace=acme, user=anna)
    secret = response.context["secret"]
    assert secret.startswith("koers_") and len(secret) > 40
    assert secret in response.content.decode()
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert token.role == "editor" and not token.read_only
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert AuditEvent.objects.filter(action="api.token_create", object_id=str(token.pk)).exists()
    again = client.get(page()).content.decode()
    assert secret not in again and token.prefix in again


def test_the_page_is_in_dutch_with_htmx_fragments(client_for, anna, acme):
    client = client_for(anna)
    client.cookies["django_language"] = "nl"
    response = client.post(
        page(), {"name": "Website", "role": "viewer", "expires": ""}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="api-tokens">' in html and "<html" not in html
    assert "Je nieuwe token" in html and "Intrekken" in html


def test_a_token_can_not_have_a_higher_role_than_its_person(client_for, bram, acme):
    with pytest.raises(ValidationError):
        actions.create_token(acme, bram, name="x", role=Role.OWNER)
    response = client_for(bram).post(page(), {"name": "x", "role": "owner", "expires": "30"})
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_viewers_token_is_always_read_only(vera, acme):
    token, _secret = actions.create_token(acme, vera, name="x", role=Role.VIEWER)
    assert token.read_only


def test_revoked_expired_unknown_and_former_members_tokens_get_401(
    api_as, anna, bram, acme, client
):
    live = api_as(anna, acme)
    assert live.get("/workspaces").status_code == 200
    token = ApiToken.objects.get(token_hash=hash_token(live.secret))
    actions.revoke_token(token, anna)
    response = live.get("/workspaces")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token" and response["WWW-Authenticate"]

    expired = api_as(anna, acme, expires_at=timezone.now() + timedelta(minutes=1))
    ApiToken.objects.filter(token_hash=hash_token(expired.secret)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert expired.get("/items").status_code == 401

    former = api_as(bram, acme)
    Membership.objects.filter(user=bram, workspace=acme).delete()
    assert former.get("/items").status_code == 401

    assert (
        client.get("/api/v1/items", headers={"Authorization": "Bearer koers_nope"}).status_code
        == 401
    )
    anonymous = client.get("/api/v1/items")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"


def test_a_demoted_member_s_token_acts_with_the_lower_role(api_as, bram, acme, acme_world):
    api = api_as(bram, acme)  # an editor's token
    Membership.objects.filter(user=bram, workspace=acme).update(role=Role.VIEWER)
    assert api.get("/workspaces").json()[0]["role"] == "viewer"
    response = api.post("/items", {"title": "Nieuw"})
    assert response.status_code == 403
    assert not acme_world["item"].__class__.objects.filter(title="Nieuw").exists()


def test_last_use_is_recorded(api_as, anna, acme):
    api = api_as(anna, acme)
    token = ApiToken.objects.get(token_hash=hash_token(api.secret))
    assert token.last_used_at is None
    api.get("/workspaces")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_members_revoke_their_own_tokens_admins_anyone_s(client_for, anna, bram, vera, acme):
    brams, _ = actions.create_token(acme, bram, name="script", role=Role.EDITOR)
    # Vera (viewer) doesn't even see Bram's token.
    assert (
        client_for(vera).post(reverse("api-token-revoke", args=["acme", brams.pk])).status_code
        == 404
    )
    brams.refresh_from_db()
    assert brams.revoked_at is None
    response = client_for(anna).post(reverse("api-token-revoke", args=["acme", brams.pk]))
    assert response.status_code == 302
    brams.refresh_from_db()
    assert brams.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token_revoke", actor=anna).exists()


def test_a_stranger_can_not_reach_the_token_page(client_for, carla, acme):
    assert client_for(carla).get(page()).status_code == 404
