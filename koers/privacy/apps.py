from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "koers.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from koers.core.models import Role
        from koers.core.navigation import SETTINGS_TABS, SettingsTab

        SETTINGS_TABS["privacy"] = SettingsTab(_("Privacy"), "privacy:index", Role.OWNER)
