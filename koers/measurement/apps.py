from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    name = "koers.measurement"
    label = "measurement"
    verbose_name = _("Measurement")

    def ready(self) -> None:
        from koers.core.overview import PANELS
        from koers.measurement.overview import ObjectivesPanel

        PANELS["objectives"] = ObjectivesPanel()
