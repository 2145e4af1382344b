"""Every state change of notifications: destinations (add, change, remove, send a test) and a
person's preferences. Each runs in one transaction and writes one audit row; the webhook URL
never reaches the audit log (only its host)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Membership, Role, Workspace, role_at_least
from koers.notify import send
from koers.notify.models import Destination, Preference


def _require_admin(workspace: Workspace, actor: AbstractBaseUser) -> None:
    role = (
        Membership.objects.filter(workspace=workspace, user_id=actor.pk)
        .values_list("role", flat=True)
        .first()
    )
    if role is None or not role_at_least(role, Role.ADMIN):
        raise PermissionDenied


@transaction.atomic
def create_destination(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    name: str,
    kind: str,
    url: str,
    events: list[str],
    enabled: bool = True,
) -> Destination:
    _require_admin(workspace, actor)
    destination = Destination(
        workspace=workspace, name=name, kind=kind, events=sorted(events), enabled=enabled,
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    destination.set_url(url)
    destination.save()
    audit(
        workspace, actor, "notify.destination_create",
        f"added {kind} destination {name} ({destination.url_host})", destination,
    )  # fmt: skip
    return destination


@transaction.atomic
def update_destination(
    destination: Destination, actor: AbstractBaseUser, *, url: str = "", **data: Any
) -> Destination:
    _require_admin(destination.workspace, actor)
    destination = Destination.objects.select_for_update().get(pk=destination.pk)
    changed = []
    for field in ("name", "kind", "events", "enabled"):
        if field in data:
            value = sorted(data[field]) if field == "events" else data[field]
            if getattr(destination, field) != value:
                setattr(destination, field, value)
                changed.append(field)
    if url:
        destination.set_url(url)
        destination.last_error = ""  # a new address: the old one's error no longer applies
        changed += ["url", "last_error"]
    destination.save()
    audit(
        destination.workspace, actor, "notify.destination_update",
        f"changed destination {destination.name}", destination, fields=changed,
    )  # fmt: skip
    return destination


@transaction.atomic
def delete_destination(destination: Destination, actor: AbstractBaseUser) -> None:
    _require_admin(destination.workspace, actor)
    audit(
        destination.workspace, actor, "notify.destination_delete",
        f"removed destination {destination.name}", destination,
    )  # fmt: skip
    destination.delete()


def send_test_message(
    destination: Destination, actor: AbstractBaseUser, language: str
) -> send.Outcome:
    """Post a test card now. The network call runs outside any transaction; the audit row
    and the destination's last error are written after it."""
    _require_admin(destination.workspace, actor)
    outcome = send.send_test(destination, language)
    audit(
        destination.workspace, actor, "notify.destination_test",
        f"test message to {destination.name}: {outcome.state}", destination,
    )  # fmt: skip
    return outcome


def preference_for(workspace: Workspace, user: AbstractBaseUser) -> Preference:
    """The member's stored choices, or the defaults (unsaved) when they made none."""
    found = Preference.objects.filter(workspace=workspace, user_id=user.pk).first()
    return found or Preference(workspace=workspace, user_id=user.pk)


@transaction.atomic
def save_preference(preference: Preference, actor: AbstractBaseUser) -> Preference:
    if preference.user_id != actor.pk:
        raise PermissionDenied
    preference.email_events = sorted(preference.email_events)
    preference.updated_at = timezone.now()
    preference.save()
    audit(
        preference.workspace, actor, "notify.preference",
        f"notification choices: e-mail {','.join(preference.email_events) or 'none'}, "
        f"digest {preference.digest}", preference,
    )  # fmt: skip
    return preference
