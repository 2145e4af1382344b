"""Workspaces, members and roles, invitations, the audit log, and worker/scheduler bookkeeping."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles from most to least powerful; see ``RANK`` for the order used in checks."""

    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


RANK: dict[str, int] = {
    Role.VIEWER: 10,
    Role.CONTRIBUTOR: 20,
    Role.EDITOR: 30,
    Role.ADMIN: 40,
    Role.OWNER: 50,
}


def role_at_least(role: str, need: str) -> bool:
    return RANK[role] >= RANK[need]


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def _time_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None


class WorkspaceKind(models.TextChoices):
    """What kind of organisation a workspace is; it picks the words koers uses for its public
    (a municipality has residents, not customers) and the default funnel of a new cycle."""

    COMPANY = "company", _("company")
    PUBLIC_BODY = "public_body", _("public body (e.g. a municipality)")
    NON_PROFIT = "non_profit", _("non-profit organisation")


class Workspace(models.Model):
    """An organisation or brand. Every customer row elsewhere carries a ``workspace`` key."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("report language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    kind = models.CharField(
        _("kind of organisation"),
        max_length=16,
        choices=WorkspaceKind.choices,
        default=WorkspaceKind.COMPANY,
    )
    created_at = models.DateTimeField(default=timezone.now)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_(
            "Members without an authenticator app or security key are led to set one up "
            "at their next login."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]
        ordering = ["workspace__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"

    def can(self, need: str) -> bool:
        return role_at_least(self.role, need)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation link. Only the token's hash is stored: a database leak reveals no links."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # An invitation with an address is only for an account with that verified address, unless
    # the inviter chose explicitly that anyone with the link may use it.
    anyone_with_link = models.BooleanField(_("anyone with the link may use it"), default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation to {self.workspace} as {self.role}"

    @property
    def is_bound_to_address(self) -> bool:
        return bool(self.email) and not self.anyone_with_link

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @staticmethod
    def default_expiry() -> timezone.datetime:
        return timezone.now() + timedelta(days=settings.KOERS_INVITATION_DAYS)


class AuditEvent(models.Model):
    """Who changed what, written by every action function in the same transaction as the change."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, null=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The audit page lists one workspace's newest events.
        indexes = [models.Index(fields=["workspace", "-created_at"], name="audit_ws_newest")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class Heartbeat(models.Model):
    """Last sign of life of a named background component (``worker``, ``scheduler``)."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class PeriodicJob(models.Model):
    """One row per periodic job; a run is claimed by moving ``next_run_at`` forward atomically."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_claimed_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name


class Installation(models.Model):
    """The one row that says setup is done, written in the setup's own transaction.

    Its key is fixed (``id = 1``), so of several setups racing on an empty installation exactly
    one can insert it; on PostgreSQL the others wait for the winner's commit and then fail on the
    key, where "no user exists yet" would have been true for all of them.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    set_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="installation_is_a_singleton")
        ]

    def __str__(self) -> str:
        return f"set up {self.set_up_at:%Y-%m-%d %H:%M}"
