from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "koers.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from koers.core.models import Role
        from koers.core.navigation import SETTINGS_TABS, SettingsTab

        # Every member may make personal tokens (a viewer's can only read).
        SETTINGS_TABS["api"] = SettingsTab(_("API tokens"), "api-tokens", Role.VIEWER)
