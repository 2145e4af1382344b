from __future__ import annotations

import errno
import multiprocessing
import os
import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from koers.core import webworker
from koers.core.checks import base_url_port_mismatch
from koers.core.staticstamp import collect_static
from koers.core.worker import Runner


def ensure_port_free(host: str, port: int) -> None:
    """Fail with a clear message when something already listens on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {port} on {host} is already in use — is another 'koers serve' "
                    f"running? Stop it, or start this one with --port."
                ) from None
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}") from None


class Command(BaseCommand):
    help = "Run koers in one process: web server (granian), task worker and scheduler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--task-workers", type=int, default=1)
        parser.add_argument(
            "--no-background",
            action="store_true",
            help="Web server only; run 'koers worker' elsewhere.",
        )

    def handle(self, *args, host, port, web_workers, task_workers, no_background, **options):
        from granian import Granian
        from granian.constants import Interfaces

        ensure_port_free(host, port)
        mismatch = base_url_port_mismatch(host, port)
        if mismatch:
            self.stderr.write(self.style.WARNING(mismatch))
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated yet; run: koers migrate")
        if not settings.DEBUG:
            collect_static()  # only when the static sources changed since the last time

        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"koers is starting at {url}"))
        if get_user_model().objects.exists():
            self.stdout.write("Log in with your account (add one with: koers createuser NAME).")
        else:
            self.stdout.write(f"First visit: open {url} and create the owner account there.")
        self.stdout.write("Stop with Ctrl+C.")

        # Web workers must start as fresh interpreters: a forked child would inherit this
        # process's threads and open SQLite handles, and closing those in the child drops the
        # parent's file locks (SQLite's documented way to corrupt a database).
        multiprocessing.set_start_method("spawn", force=True)
        # Tells the web workers whose death they must not outlive (koers/core/webworker.py).
        os.environ[webworker.PARENT_ENV] = str(os.getpid())
        runner = None
        if not no_background:
            runner = Runner(concurrency=task_workers)
            runner.start()
        connection.close()
        try:
            Granian(
                target="koers.core.webworker:application",
                factory=True,
                address=host,
                port=port,
                interface=Interfaces.WSGI,
                workers=web_workers,
                blocking_threads=4,
                backpressure=16,
                respawn_failed_workers=True,
                log_access=False,
            ).serve()
        finally:
            if runner is not None:
                runner.stop()
