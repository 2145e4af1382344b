"""An invitation with an address is for that address only, unless the owner chose otherwise."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from koers.core import actions
from koers.core.models import Membership

pytestmark = pytest.mark.django_db


def test_an_invitation_is_e_mailed_to_its_address(
    acme, anna, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_member(acme, anna, role="viewer", email="els@example.nl")

    assert mailoutbox[0].to == ["els@example.nl"]
    assert "/invite/" in mailoutbox[0].body


def test_an_account_with_another_address_cannot_accept(acme, anna, carla, client):
    _invitation, token = actions.invite_member(acme, anna, role="viewer", email="els@example.nl")
    client.force_login(carla)

    response = client.post(f"/invite/{token}/")

    assert response.status_code == 403
    assert not Membership.objects.filter(workspace=acme, user=carla).exists()


def test_an_account_with_the_verified_address_accepts(acme, anna, carla, client):
    EmailAddress.objects.create(user=carla, email="els@example.nl", verified=True)
    _invitation, token = actions.invite_member(acme, anna, role="viewer", email="els@example.nl")
    client.force_login(carla)

    client.post(f"/invite/{token}/")

    assert Membership.objects.get(workspace=acme, user=carla).role == "viewer"


def test_a_new_account_gets_the_invited_address_whatever_is_posted(acme, anna, client):
    _invitation, token = actions.invite_member(acme, anna, role="viewer", email="els@example.nl")

    client.post(
        f"/invite/{token}/",
        {
            "username": "els",
            "email": "iemand@elders.example",
            "password1": "een-lang-geheim-wachtwoord",
            "password2": "een-lang-geheim-wachtwoord",
        },
    )

    member = Membership.objects.get(workspace=acme, user__username="els")
    assert member.user.email == "els@example.nl"
    assert EmailAddress.objects.get(user=member.user).verified


def test_the_owner_may_let_anyone_with_the_link_use_it(acme, anna, carla, client):
    _invitation, token = actions.invite_member(
        acme, anna, role="viewer", email="els@example.nl", anyone_with_link=True
    )
    client.force_login(anna)
    page = client.get("/w/acme/settings/members/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "iedereen met de link mag hem gebruiken" in page.content.decode()
    client.force_login(carla)

    client.post(f"/invite/{token}/")

    assert Membership.objects.filter(workspace=acme, user=carla).exists()
