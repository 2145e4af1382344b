from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Login protection, two-factor, single sign-on and sessions on top of allauth and axes."""

    name = "koers.accounts"
    label = "koers_accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from koers.accounts import signals

        signals.connect()
