from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "koers.engagement"
    label = "engagement"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from koers.core.overview import PANELS
        from koers.engagement.overview import InboxPanel

        PANELS["inbox"] = InboxPanel()

        from koers.engagement import x_inbox

        x_inbox.install()
        from koers.engagement import meta_listen

        meta_listen.install()
        from koers.engagement.models import keep_negative
        from koers.listening.signals import sentiment_corrected

        sentiment_corrected.connect(keep_negative, dispatch_uid="koers-inbox-negative")
