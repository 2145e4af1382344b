from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "koers.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from koers.core.models import Workspace
        from koers.listening.rollups import zone_changed

        # A new time zone: the days are counted again in the background.
        post_save.connect(zone_changed, sender=Workspace, dispatch_uid="listening.zone_changed")
