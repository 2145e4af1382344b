"""Roles: viewers and contributors read; editors edit; strangers see nothing (404), exports too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.core.models import AuditEvent, Membership, Role
from koers.strategy.models import Objective
from koers.strategy.tests.conftest import url

GET_NAMES = [
    ("overview", ()),
    ("people", ()),
    ("technographics", ()),
    ("survey-template", ("nl",)),
    ("objectives", ()),
    ("objective-new", ()),
    ("strategy", ()),
    ("decision", ()),
    ("technology", ()),
    ("kerkhofs", ()),
    ("funnel", ()),
    ("roos", ()),
    ("maturity", ()),
    ("plan", ()),
    ("plan-html", ()),
    ("plan-md", ()),
    ("plan-pdf", ()),
]
POST_NAMES = [
    ("people", ()),
    ("influencer-add", ()),
    ("survey-upload", ()),
    ("benchmark-use", ()),
    ("benchmark-compare", ()),
    ("tactics", ()),
    ("objectives", ()),
    ("objective-new", ()),
    ("objective-example", (0,)),
    ("strategy", ()),
    ("decision", ()),
    ("technology", ()),
    ("kerkhofs", ()),
    ("funnel", ()),
    ("roos", ()),
    ("maturity", ()),
]


@pytest.fixture
def viewer(carla, acme):
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    return carla


def test_a_stranger_gets_404_on_every_strategy_url_including_exports(client_for, carla, cycle):
    client = client_for(carla)
    for name, args in GET_NAMES:
        assert client.get(url(name, cycle, *args)).status_code == 404, name
    for name, args in POST_NAMES:
        assert client.post(url(name, cycle, *args), {}).status_code == 404, name
    assert client.get(reverse("strategy:index", args=["acme"])).status_code == 404
    assert client.get(reverse("strategy:cycles", args=["acme"])).status_code == 404


def test_a_cycle_of_another_workspace_is_404_for_a_member_of_this_one(
    client_for, carla, bolt, cycle
):
    # Carla owns Bolt; Acme's cycle id under Bolt's address must not resolve.
    other = reverse("strategy:people", args=[bolt.slug, cycle.pk])
    assert client_for(carla).get(other).status_code == 404


@pytest.mark.parametrize(("name", "args"), POST_NAMES)
def test_a_viewer_can_not_change_anything(client_for, viewer, cycle, name, args):
    response = client_for(viewer).post(url(name, cycle, *args), {"audience_description": "x"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="strategy.", actor=viewer).exists()


def test_a_viewer_reads_every_page_without_edit_buttons(client_for, viewer, duinwijk):
    client = client_for(viewer)
    for name, args in GET_NAMES:
        if name in {"plan-pdf", "objective-new"}:
            continue
        assert client.get(url(name, duinwijk, *args)).status_code == 200, name
    page = client.get(url("people", duinwijk)).content.decode()
    assert "Save and continue" not in page and "Opslaan en verder" not in page


def test_a_contributor_reads_but_can_not_edit(client_for, carla, acme, cycle):
    Membership.objects.create(workspace=acme, user=carla, role=Role.CONTRIBUTOR)
    client = client_for(carla)
    assert client.get(url("objectives", cycle)).status_code == 200
    assert client.post(url("objective-example", cycle, 0)).status_code == 403
    assert not Objective.objects.exists()


def test_a_viewer_can_not_start_a_cycle(client_for, viewer, acme):
    response = client_for(viewer).post(
        reverse("strategy:cycle-new", args=[acme.slug]),
        {"name": "x", "period_start": "2026-01-01", "period_end": "2026-02-01"},
    )
    assert response.status_code == 403


def test_every_change_writes_one_audit_row(client_for, bram, cycle, acme):
    before = AuditEvent.objects.filter(workspace=acme).count()
    client = client_for(bram)
    client.post(url("people", cycle), {"audience_description": "Forensen"})
    client.post(url("objective-example", cycle, 1))
    client.post(url("maturity", cycle), {"checked": ["alerts_brand"]})
    events = AuditEvent.objects.filter(workspace=acme).order_by("id")[before:]
    assert [e.action for e in events] == [
        "strategy.people",
        "strategy.objective",
        "strategy.maturity",
    ]
    assert all(e.actor == bram for e in events)
