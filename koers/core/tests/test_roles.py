from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from koers.core import actions
from koers.core.models import AuditEvent, Membership, Role, role_at_least


@pytest.mark.parametrize(
    ("role", "need", "allowed"),
    [
        (Role.OWNER, Role.ADMIN, True),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.EDITOR, Role.ADMIN, False),
        (Role.CONTRIBUTOR, Role.EDITOR, False),
        (Role.CONTRIBUTOR, Role.CONTRIBUTOR, True),
        (Role.VIEWER, Role.CONTRIBUTOR, False),
        (Role.VIEWER, Role.VIEWER, True),
    ],
)
def test_roles_are_ordered_owner_admin_editor_contributor_viewer(role, need, allowed):
    assert role_at_least(role, need) is allowed


def test_editor_cannot_open_workspace_settings(client_for, bram, acme):
    assert client_for(bram).get(reverse("workspace-settings", args=[acme.slug])).status_code == 403


def test_editor_can_read_member_list_but_not_invite(client_for, bram, acme):
    client = client_for(bram)
    assert client.get(reverse("members", args=[acme.slug])).status_code == 200
    response = client.post(reverse("member-invite", args=[acme.slug]), {"role": Role.VIEWER})
    assert response.status_code == 403
    assert not acme.invitations.exists()


def test_viewer_cannot_change_settings_by_posting(client_for, carla, acme):
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    response = client_for(carla).post(
        reverse("workspace-settings", args=[acme.slug]),
        {"name": "Hacked", "time_zone": "UTC", "language": "en"},
    )
    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.name == "Acme Fietsen"


def test_last_owner_cannot_be_demoted_or_removed(anna, acme):
    owner = Membership.objects.get(workspace=acme, user=anna)
    with pytest.raises(ValidationError):
        actions.change_role(owner, anna, Role.ADMIN)
    with pytest.raises(ValidationError):
        actions.remove_member(owner, anna)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_admin_cannot_appoint_an_owner(anna, bram, carla, acme):
    Membership.objects.filter(workspace=acme, user=bram).update(role=Role.ADMIN)
    carla_membership = Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        actions.change_role(carla_membership, bram, Role.OWNER)
    actions.change_role(carla_membership, bram, Role.EDITOR)
    carla_membership.refresh_from_db()
    assert carla_membership.role == Role.EDITOR


def test_role_change_is_written_to_the_audit_log(client_for, anna, bram, acme):
    membership = Membership.objects.get(workspace=acme, user=bram)
    client_for(anna).post(
        reverse("member-role", args=[acme.slug, membership.pk]), {"role": Role.CONTRIBUTOR}
    )
    event = AuditEvent.objects.get(workspace=acme, action="member.role")
    assert event.actor == anna
    assert event.data == {"old": "editor", "new": "contributor"}


def test_member_can_leave_a_workspace(client_for, bram, acme):
    membership = Membership.objects.get(workspace=acme, user=bram)
    response = client_for(bram).post(reverse("member-remove", args=[acme.slug, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
