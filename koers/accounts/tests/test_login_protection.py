"""Wrong passwords slow an attacker down: lockouts per account and per address, an audit entry,
an owner who lifts a lockout, and the same throttle on the two-factor step and password reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from django.utils.translation import override

from conftest import PASSWORD
from koers.core.lockout import earlier_lockouts, lockout_length
from koers.core.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


def fail_five_times(login_page_post, name="bram", **extra):
    for _ in range(5):
        login_page_post(name, "wrong-password-1234", **extra)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(acme, login_page_post):
    for _ in range(4):
        assert login_page_post("bram", "wrong-password-1234").status_code == 200
    locked = login_page_post("bram", "wrong-password-1234")
    assert locked.status_code == 429

    response = login_page_post("bram", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_the_lockout_page_says_so_in_dutch_and_names_the_wait(acme, client, login_page_post):
    fail_five_times(login_page_post)

    response = login_page_post("bram", PASSWORD, HTTP_ACCEPT_LANGUAGE="nl")

    text = response.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in text
    assert "Probeer het over 15 minuten opnieuw" in text


def test_a_lockout_counts_the_account_across_addresses(acme, login_page_post):
    for number in range(5):
        login_page_post("bram", "wrong-password-1234", REMOTE_ADDR=f"203.0.113.{number}")

    assert login_page_post("bram", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_a_lockout_counts_the_address_across_accounts(acme, dirk, vera, login_page_post):
    for name in ("x1", "x2", "x3", "x4", "x5"):
        login_page_post(name, "wrong-password-1234", REMOTE_ADDR="203.0.113.9")

    assert login_page_post("dirk", "x-pass-123456", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert login_page_post("vera", "x-pass-123456", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_the_e_mail_address_and_the_user_name_share_one_counter(acme, login_page_post):
    for number in range(3):
        login_page_post("bram", "wrong-password-1234", REMOTE_ADDR=f"203.0.113.{number}")
    for number in range(2):
        login_page_post("BRAM@example.nl", "wrong", REMOTE_ADDR=f"198.51.100.{number}")

    assert login_page_post("bram", PASSWORD, REMOTE_ADDR="192.0.2.1").status_code == 429


def test_a_lockout_is_written_to_the_audit_log_of_the_members_workspaces(acme, login_page_post):
    fail_five_times(login_page_post)

    event = AuditEvent.objects.get(action="account.locked")
    assert event.workspace == acme
    assert event.data["username"] == "bram"
    assert event.data["ip_address"] == "127.0.0.1"


def test_each_further_lockout_within_a_day_lasts_twice_as_long(acme, login_page_post):
    fail_five_times(login_page_post)
    assert earlier_lockouts("bram", None) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login_page_post("bram", "wrong-password-1234").status_code == 200
        for _ in range(4):
            login_page_post("bram", "wrong-password-1234")
        assert earlier_lockouts("bram", None) == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=16 + 20)):
        # 20 minutes into a 30-minute lockout: still locked.
        assert login_page_post("bram", PASSWORD).status_code == 429
    assert [lockout_length(n) for n in (1, 2, 3, 9)] == [
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(minutes=60),
        timedelta(days=1),
    ]


def test_an_owner_sees_the_lockout_and_lifts_it(acme, anna, bram, client, login_page_post):
    fail_five_times(login_page_post)
    client.force_login(anna)
    membership = Membership.objects.get(workspace=acme, user=bram)

    with override("en"):
        page = client.get("/w/acme/settings/members/", HTTP_ACCEPT_LANGUAGE="en")
    assert "locked out after failed logins" in page.content.decode()
    response = client.post(f"/w/acme/settings/members/{membership.pk}/unlock/")

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="bram").exists()
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()
    event = AuditEvent.objects.get(action="account.unlock")
    assert (event.workspace, event.actor) == (acme, anna)
    client.logout()
    assert login_page_post("bram", PASSWORD).status_code == 302


def test_an_editor_cannot_lift_a_lockout(acme, bram, dirk, client, login_page_post):
    fail_five_times(login_page_post, name="dirk")
    client.force_login(bram)
    membership = Membership.objects.get(workspace=acme, user=dirk)

    response = client.post(f"/w/acme/settings/members/{membership.pk}/unlock/")

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="dirk").exists()


def test_password_reset_requests_are_throttled_per_address(acme, client, mailoutbox):
    statuses = [
        client.post("/accounts/password/reset/", {"email": "bram@example.nl"}).status_code
        for _ in range(4)
    ]

    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429
    assert len(mailoutbox) == 3


def test_the_login_page_offers_password_passkey_and_reset_in_dutch(anna, client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="nl")

    text = response.content.decode()
    assert "Gebruikersnaam of e-mail" in text
    assert "Inloggen met een passkey of beveiligingssleutel" in text
    assert "Wachtwoord vergeten?" in text
