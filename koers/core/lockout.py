"""django-axes hooks: whose attempt it is, how long a lockout lasts, and the audit entry.

A lockout lasts ``KOERS_LOCKOUT_MINUTES`` and doubles with each further lockout of the same account
or address within a day (15, 30, 60 … minutes, at most a day): a patient attacker gets slower,
a colleague who mistyped five times waits a quarter of an hour or asks an owner to unlock.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Membership

_LONGEST = timedelta(days=1)


def username_of(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The name typed on the login form (allauth's field is ``login``; it may be an e-mail)."""
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for key in ("login", "username", "email"):
            value = source.get(key)
            if value:
                return _canonical(str(value).strip().lower()[:254])
    return None


def _canonical(name: str) -> str:
    # One account, one counter: an e-mail address counts for the account it belongs to.
    if "@" in name:
        user = get_user_model().objects.filter(email__iexact=name).first()
        if user is not None:
            return user.get_username().lower()
    return name


def cool_off(request: HttpRequest | None) -> timedelta:
    """axes' AXES_COOLOFF_TIME: the length of this account's or address's current lockout."""
    if request is None:
        return lockout_length(1)
    return lockout_length(
        earlier_lockouts(username_of(request, None), getattr(request, "axes_ip_address", None))
    )


def lockout_length(lockouts: int) -> timedelta:
    base = timedelta(minutes=settings.KOERS_LOCKOUT_MINUTES)
    return min(base * 2 ** max(lockouts - 1, 0), _LONGEST)


def earlier_lockouts(username: str | None, ip_address: str | None) -> int:
    """How many times this account or address reached the failure limit in the last day."""
    if not username and not ip_address:
        return 0
    match = Q()
    if username:
        match |= Q(username=username)
    if ip_address:
        match |= Q(ip_address=ip_address)
    since = timezone.now() - _LONGEST
    failures = AccessFailureLog.objects.filter(match, attempt_time__gte=since).count()
    return failures // settings.AXES_FAILURE_LIMIT


def locked_out(usernames: list[str]) -> set[str]:
    """Which of these (lower-cased) user names are locked out at this moment."""
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(
        username__in=usernames,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - _LONGEST,
    )
    locked = set()
    for attempt in attempts:
        length = lockout_length(earlier_lockouts(attempt.username, None))
        if attempt.attempt_time + length > now:
            locked.add(attempt.username)
    return locked


def record_lockout(
    request: HttpRequest | None, username: str | None, ip_address: str | None
) -> None:
    """Write the lockout to the audit log of every workspace the account belongs to.

    An unknown name (an attacker guessing) has no workspace; its lockout is kept with no
    workspace, for the installation's administrators.
    """
    user = _user_named(username)
    summary = f"login locked after {settings.AXES_FAILURE_LIMIT} failed attempts"
    data = {"username": username or "", "ip_address": ip_address or ""}
    with transaction.atomic():
        memberships = (
            list(Membership.objects.filter(user=user).select_related("workspace")) if user else []
        )
        for membership in memberships:
            audit(membership.workspace, None, "account.locked", summary, user, **data)
        if not memberships:
            audit(None, None, "account.locked", summary, user, **data)


def _user_named(username: str | None):  # noqa: ANN202 - the configured user model
    if not username:
        return None
    return get_user_model().objects.filter(username__iexact=username).first()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the translated lockout page, status 429."""
    length = cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(int(length.total_seconds() // 60), 1),
    }
    return render(request, "core/lockout.html", context, status=429)
