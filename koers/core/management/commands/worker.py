from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from koers.core.worker import Runner


class Command(BaseCommand):
    help = (
        "Run background tasks and the scheduler. Start several (on PostgreSQL) to scale out; "
        "each task is claimed by exactly one worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help="General task threads (one more always serves publishing, replies and alerts).",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll seconds.")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Run tasks only; no periodic jobs."
        )

    def handle(self, *args, concurrency: int, interval: float, no_scheduler: bool, **options):
        runner = Runner(concurrency=concurrency, interval=interval, schedule=not no_scheduler)

        def stop(signum, frame) -> None:
            self.stdout.write("Stopping after the current task…")
            runner.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        runner.start()
        self.stdout.write(
            self.style.SUCCESS(
                f"koers worker {runner.base_id}: {concurrency} task thread(s) "
                "+ 1 for publishing, replies and alerts"
            )
        )
        runner.wait()
        runner.stop()
