from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "koers.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.tasks.signals import task_finished

        from koers.core import outbound
        from koers.core.filemodes import keep_sqlite_private
        from koers.core.tasklog import warn_when_slow

        outbound.install()
        connection_created.connect(keep_sqlite_private, dispatch_uid="koers-sqlite-private")
        task_finished.connect(warn_when_slow, dispatch_uid="koers-slow-tasks")
