from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "koers.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from koers.core import notifications
        from koers.core.models import Role
        from koers.core.navigation import SETTINGS_TABS, SettingsTab
        from koers.notify import preferences

        notifications.set_email_provider(preferences.wanting_email)
        SETTINGS_TABS["notify"] = SettingsTab(
            _("Chat notifications"), "notify:destinations", Role.ADMIN
        )
        SETTINGS_TABS["notify-mine"] = SettingsTab(
            _("My notifications"), "notify:mine", Role.VIEWER
        )
