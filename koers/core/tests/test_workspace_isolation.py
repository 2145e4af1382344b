"""A member of one workspace can never read or change another's data: not by URL, post or export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.core.models import AuditEvent, Membership, Role

READ_URLS = [
    "workspace-home",
    "members",
    "audit-log",
    "audit-export",
    "workspace-settings",
    "strategy:index",
    "publishing:index",
    "listening:index",
    "engagement:index",
    "measurement:index",
]


@pytest.mark.parametrize("url_name", READ_URLS)
def test_outsider_gets_404_for_every_page_of_another_workspace(
    client_for, carla, acme, bolt, url_name
):
    response = client_for(carla).get(reverse(url_name, args=[acme.slug]))
    assert response.status_code == 404


def test_outsider_cannot_change_roles_in_another_workspace(client_for, carla, bram, acme, bolt):
    bram_membership = Membership.objects.get(workspace=acme, user=bram)
    url = reverse("member-role", args=[acme.slug, bram_membership.pk])
    response = client_for(carla).post(url, {"role": Role.VIEWER})
    assert response.status_code == 404
    bram_membership.refresh_from_db()
    assert bram_membership.role == Role.EDITOR


def test_member_id_of_another_workspace_is_not_found_through_own_workspace(
    client_for, carla, bram, acme, bolt
):
    # Carla owns bolt; she aims at Bram's acme membership through her own workspace's URL.
    bram_membership = Membership.objects.get(workspace=acme, user=bram)
    response = client_for(carla).post(
        reverse("member-remove", args=[bolt.slug, bram_membership.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=bram_membership.pk).exists()


def test_outsider_cannot_create_invitations_for_another_workspace(client_for, carla, acme, bolt):
    response = client_for(carla).post(
        reverse("member-invite", args=[acme.slug]), {"role": Role.OWNER}
    )
    assert response.status_code == 404
    assert not acme.invitations.exists()


def test_audit_export_contains_only_own_workspace_events(client_for, anna, acme, bolt):
    response = client_for(anna).get(reverse("audit-export", args=[acme.slug]))
    body = b"".join(response.streaming_content).decode()
    assert "Acme Fietsen" in body
    assert "Bolt Energie" not in body
    assert AuditEvent.objects.filter(workspace=bolt).exists()


def test_anonymous_visitor_is_sent_to_login(client, acme):
    response = client.get(reverse("workspace-home", args=[acme.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
