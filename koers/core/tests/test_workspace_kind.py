from datetime import date

import pytest
from django.urls import reverse

from koers.core.models import Workspace, WorkspaceKind
from koers.strategy import actions as strategy_actions
from koers.strategy.models import FunnelStage

pytestmark = pytest.mark.django_db


def test_an_owner_makes_the_workspace_a_public_body_on_the_settings_page(acme, anna, client_for):
    response = client_for(anna).post(
        reverse("workspace-settings", args=[acme.slug]),
        {
            "name": acme.name,
            "time_zone": acme.time_zone,
            "language": "nl",
            "kind": "public_body",
        },
    )
    assert response.status_code == 302
    assert Workspace.objects.get(pk=acme.pk).kind == WorkspaceKind.PUBLIC_BODY


def test_a_new_workspace_is_a_company_with_the_sales_funnel(acme, anna):
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    names = list(
        FunnelStage.objects.filter(cycle=cycle).order_by("position").values_list("name", flat=True)
    )
    assert acme.kind == WorkspaceKind.COMPANY
    assert "Klanten" in names


def test_a_public_bodys_first_cycle_has_a_funnel_of_residents_without_customers(acme, anna):
    acme.kind = WorkspaceKind.PUBLIC_BODY
    acme.save()
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    names = list(
        FunnelStage.objects.filter(cycle=cycle).order_by("position").values_list("name", flat=True)
    )
    assert names == [
        "Publiek",
        "Volgers",
        "Abonnees",
        "Betrokken inwoners",
        "Deelnemende inwoners",
        "Ambassadeurs",
    ]


def test_the_demo_municipality_is_a_public_body(anna):
    from koers.core.demo import build_demo

    workspace, _ = build_demo(anna, "duinwijk")
    assert workspace.kind == WorkspaceKind.PUBLIC_BODY


def test_a_public_bodys_listening_page_speaks_of_other_organisations_not_competitors(
    acme, anna, client_for
):
    client = client_for(anna)
    page = reverse("listening:index", args=[acme.slug])
    company = client.get(page, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "concurrenten" in company
    acme.kind = WorkspaceKind.PUBLIC_BODY
    acme.save()
    public = client.get(page, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "concurrenten" not in public and "andere organisaties" in public
