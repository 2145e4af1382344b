"""Which sessions a user has, and ending all but the current one.

allauth's ``usersessions`` keeps one row per logged-in session (shown on *Account → Sessions* with
"log out elsewhere"). koers records every login there — also the setup page's and an invitation's —
and ends the other sessions when the password changes or is reset, and when two-factor
authentication is switched off or its recovery codes are renewed.
"""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


def record_login(request: HttpRequest | None) -> None:
    # The test client's force_login passes a bare request without a user: nothing to record.
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return
    UserSession.objects.create_from_request(request)


def end_other_sessions(user: AbstractBaseUser, request: HttpRequest | None) -> int:
    """End every session of ``user`` except the one making ``request``; returns how many."""
    current = getattr(getattr(request, "session", None), "session_key", None)
    others = UserSession.objects.filter(user_id=user.pk)
    if current:
        others = others.exclude(session_key=current)
    ended = 0
    for session in others.iterator():
        session.end()
        ended += 1
    return ended
