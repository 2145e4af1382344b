"""Receivers that tie allauth's and axes' events to koers' rules."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in

from koers.accounts import sessions, two_factor
from koers.core import lockout


def connect() -> None:
    user_locked_out.connect(_on_locked_out, dispatch_uid="koers-account-locked")
    user_logged_in.connect(_on_logged_in, dispatch_uid="koers-account-logged-in")
    account_signals.user_logged_in.connect(_on_allauth_login, dispatch_uid="koers-allauth-login")
    account_signals.password_changed.connect(_on_password_changed, dispatch_uid="koers-pw-change")
    account_signals.password_reset.connect(_on_password_reset, dispatch_uid="koers-pw-reset")
    mfa_signals.authenticator_removed.connect(_on_two_factor_reset, dispatch_uid="koers-mfa-rm")
    mfa_signals.authenticator_reset.connect(_on_two_factor_reset, dispatch_uid="koers-mfa-reset")


def _on_locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    lockout.record_lockout(request, username, kwargs.get("ip_address"))


def _on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    sessions.record_login(request)
    two_factor.check_at_login(request, user)


def _on_allauth_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # The organisation's identity provider enforces its own second factor for SSO logins.
    if kwargs.get("sociallogin") is not None:
        two_factor.exempt(request)


def _on_password_changed(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    sessions.end_other_sessions(user, request)


def _on_password_reset(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # Whoever knew the old password is logged out everywhere.
    sessions.end_other_sessions(user, None)


def _on_two_factor_reset(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    sessions.end_other_sessions(user, request)
