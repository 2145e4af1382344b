from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from koers.core import actions
from koers.core.models import Invitation, Membership, Role

NEW_ACCOUNT = {
    "username": "dirk",
    "email": "dirk@example.nl",
    "password1": "nog-een-lang-wachtwoord",
    "password2": "nog-een-lang-wachtwoord",
}


def _invite_link(client, workspace, role=Role.EDITOR) -> str:
    client.post(reverse("member-invite", args=[workspace.slug]), {"role": role})
    page = client.get(reverse("members", args=[workspace.slug])).content.decode()
    return re.search(r'value="(http[^"]+/invite/[^"]+/)"', page).group(1)


def test_owner_creates_a_link_that_a_new_person_uses_to_join(client_for, anna, acme, client):
    link = _invite_link(client_for(anna), acme, Role.CONTRIBUTOR)
    client.logout()
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, NEW_ACCOUNT)
    assert response.status_code == 302
    membership = Membership.objects.get(workspace=acme, user__username="dirk")
    assert membership.role == Role.CONTRIBUTOR
    assert Invitation.objects.get().accepted_by == membership.user


def test_invitation_link_works_only_once(client_for, anna, acme, carla, bolt):
    _invitation, token = actions.invite_member(acme, anna, role=Role.VIEWER)
    client = client_for(carla)
    assert client.post(reverse("invitation", args=[token])).status_code == 302
    assert Membership.objects.filter(workspace=acme, user=carla).exists()
    assert client.post(reverse("invitation", args=[token])).status_code == 410


def test_expired_or_revoked_invitations_are_refused(client_for, anna, acme, carla, bolt):
    invitation, token = actions.invite_member(acme, anna, role=Role.VIEWER)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client_for(carla).get(reverse("invitation", args=[token])).status_code == 410
    actions.revoke_invitation(invitation, anna)
    assert client_for(carla).post(reverse("invitation", args=[token])).status_code == 410
    assert not Membership.objects.filter(workspace=acme, user=carla).exists()


def test_only_the_hash_of_the_token_is_stored(anna, acme):
    invitation, token = actions.invite_member(acme, anna, role=Role.VIEWER)
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_editor_cannot_invite_above_own_role_through_the_action(bram, acme):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.invite_member(acme, bram, role=Role.OWNER)
