from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "koers.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from koers.alerts.navigation import UnacknowledgedAlerts
        from koers.core.navigation import BADGES

        BADGES["listening"] = UnacknowledgedAlerts()

        from koers.alerts.overview import AlertsPanel
        from koers.core.overview import PANELS

        PANELS["alerts"] = AlertsPanel()
