"""A workspace may require two-factor authentication of its members.

At login koers notes in the session whether the person still has to set up a second factor
(they belong to a workspace that requires it and have neither an authenticator app nor a
security key). While that note stands, the ``TwoFactorRequiredMiddleware``
leads every page to the two-factor set-up. Sessions without the note cost no query.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from koers.core.models import Membership

SESSION_KEY = "koers_two_factor_required"


def has_second_factor(user: AbstractBaseUser) -> bool:
    return (
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def is_required_for(user: AbstractBaseUser) -> bool:
    return Membership.objects.filter(user_id=user.pk, workspace__require_two_factor=True).exists()


def check_at_login(request: HttpRequest | None, user: AbstractBaseUser | None) -> None:
    session = getattr(request, "session", None)
    if session is None or user is None:
        return
    if is_required_for(user) and not has_second_factor(user):
        session[SESSION_KEY] = True
    else:
        session.pop(SESSION_KEY, None)


def exempt(request: HttpRequest | None) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


def still_required(request: HttpRequest) -> bool:
    """True while the session's note stands and the user has not set up a second factor yet."""
    if not request.session.get(SESSION_KEY):
        return False
    if has_second_factor(request.user):
        request.session.pop(SESSION_KEY, None)
        return False
    return True
