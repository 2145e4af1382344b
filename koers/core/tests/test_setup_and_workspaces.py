from __future__ import annotations

import os
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from koers.core import actions
from koers.core.models import Membership, Role, Workspace

SETUP = {
    "username": "anna",
    "email": "anna@example.nl",
    "password1": "een-lang-geheim-wachtwoord",
    "password2": "een-lang-geheim-wachtwoord",
    "workspace_name": "Gemeente Noord",
}


@pytest.mark.django_db
def test_empty_install_sends_every_page_to_setup(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("setup")


@pytest.mark.django_db
def test_empty_install_answers_the_api_in_json_not_with_the_setup_page(client):
    response = client.get("/api/v1/workspaces")
    assert response.status_code == 401
    assert response.json()["code"]


@pytest.mark.django_db
def test_setup_creates_the_owner_and_first_workspace_and_logs_in(client):
    response = client.post(reverse("setup"), SETUP)
    assert response.status_code == 302
    workspace = Workspace.objects.get()
    assert workspace.slug == "gemeente-noord"
    membership = Membership.objects.get()
    assert (membership.user.username, membership.role) == ("anna", Role.OWNER)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_setup_rejects_mismatched_and_weak_passwords_and_creates_nothing(client):
    response = client.post(reverse("setup"), SETUP | {"password2": "anders"})
    assert response.status_code == 200
    assert (
        "do not match" in response.content.decode()
        or "komen niet overeen" in response.content.decode()
    )
    response = client.post(reverse("setup"), SETUP | {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not get_user_model().objects.exists()
    assert not Workspace.objects.exists()


def test_setup_page_is_gone_once_a_user_exists(client, anna):
    assert client.get(reverse("setup")).status_code == 404


def test_duplicate_workspace_slug_gives_a_form_error_not_a_crash(client_for, anna, acme):
    response = client_for(anna).post(
        reverse("workspace-new"), {"name": "Acme", "slug": "acme", "time_zone": "Europe/Amsterdam"}
    )
    assert response.status_code == 200
    assert Workspace.objects.filter(slug="acme").count() == 1
    assert (
        "already taken" in response.content.decode() or "al in gebruik" in response.content.decode()
    )


def test_new_workspace_derives_its_address_from_the_name(client_for, anna):
    response = client_for(anna).post(
        reverse("workspace-new"), {"name": "Stichting Zee & Strand", "time_zone": "Europe/Brussels"}
    )
    assert response.status_code == 302
    workspace = Workspace.objects.get(slug="stichting-zee-strand")
    assert workspace.time_zone == "Europe/Brussels"
    assert workspace.memberships.get().user == anna


def test_unknown_time_zone_is_rejected(client_for, anna):
    response = client_for(anna).post(
        reverse("workspace-new"), {"name": "X", "slug": "x", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert not Workspace.objects.filter(slug="x").exists()


def test_times_are_shown_in_the_workspace_time_zone(client_for, anna, acme):
    acme.time_zone = "America/Paramaribo"
    acme.save(update_fields=["time_zone"])
    response = client_for(anna).get(reverse("audit-log", args=[acme.slug]))
    created = acme.audit_events.get().created_at.astimezone(ZoneInfo("America/Paramaribo"))
    assert created.strftime("%H:%M") in response.content.decode()
    assert timezone.get_current_timezone_name() != "America/Paramaribo"  # deactivated afterwards


def test_user_with_several_workspaces_sees_a_list(client_for, anna, acme):
    client = client_for(anna)
    client.post(reverse("workspace-new"), {"name": "Tweede", "time_zone": "UTC"})
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Acme Fietsen" in response.content.decode() and "Tweede" in response.content.decode()


def test_dutch_is_served_by_default_and_english_on_request(client_for, anna, acme):
    client = client_for(anna)
    url = reverse("workspace-home", args=[acme.slug])
    assert "Luisteren" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Listening" in client.get(url).content.decode()


def test_pages_carry_a_strict_content_security_policy(client_for, anna, acme):
    response = client_for(anna).get(reverse("workspace-home", args=[acme.slug]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _setup(n: int) -> None:
    actions.create_first_owner(
        username=f"owner{n}",
        email=f"owner{n}@example.nl",
        password="een-lang-geheim-wachtwoord",
        workspace_name=f"Organisatie {n}",
        workspace_slug=f"organisatie-{n}",
    )


@pytest.mark.django_db
def test_a_second_setup_that_also_saw_no_users_is_refused_and_creates_nothing(monkeypatch):
    # Two requests that both passed "no user exists yet" before either wrote: on SQLite their
    # writes take turns, so make the second one see the empty table the first one saw.
    _setup(1)
    real_exists = QuerySet.exists

    def saw_no_users(queryset: QuerySet) -> bool:
        return False if queryset.model is get_user_model() else real_exists(queryset)

    monkeypatch.setattr(QuerySet, "exists", saw_no_users)
    with pytest.raises(PermissionDenied):
        _setup(2)
    monkeypatch.undo()
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["owner1"]
    assert list(Workspace.objects.values_list("slug", flat=True)) == ["organisatie-1"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite runs one writer at a time; the race needs PostgreSQL (the test above covers "
    "the same rule on SQLite)",
)
@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_setups_on_postgresql_make_exactly_one_owner():
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        start.wait(timeout=30)
        try:
            _setup(n)
            outcomes.append("owner")
        except PermissionDenied:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["owner"] + ["refused"] * 7
    assert get_user_model().objects.count() == 1
    assert Membership.objects.filter(role=Role.OWNER).count() == 1
    assert Workspace.objects.count() == 1
