from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.webauthn import forms as allauth_webauthn
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's login form with a visible label (allauth puts the words in the placeholder)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["login"].widget.attrs["autocomplete"] = "username"


class AddWebAuthnForm(allauth_webauthn.AddWebAuthnForm):
    """allauth's form for a new passkey or security key, with labels koers translates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = _("Use it as a passkey (log in without a password)")


class EditWebAuthnForm(allauth_webauthn.EditWebAuthnForm):
    """allauth's form to rename a passkey or security key, with a label koers translates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
