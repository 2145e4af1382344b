from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "koers.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from koers.core import outbound
        from koers.core.filemodes import keep_sqlite_private

        outbound.install()
        connection_created.connect(keep_sqlite_private, dispatch_uid="koers-sqlite-private")
