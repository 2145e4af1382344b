from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from koers.core.demo import build_demo
from koers.core.models import Workspace


class Command(BaseCommand):
    help = "Create a demo workspace (a fictional Dutch municipality) with example data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--owner", help="Existing user who owns the demo (default: new 'demo')")
        parser.add_argument("--slug", default="duinwijk")
        parser.add_argument("--reset", action="store_true", help="Delete an earlier demo first.")

    def handle(self, *args, owner, slug, reset, **options) -> None:
        User = get_user_model()
        existing = Workspace.objects.filter(slug=slug).first()
        if existing is not None:
            if not reset:
                raise CommandError(f"Workspace {slug!r} exists already; use --reset to rebuild it.")
            existing.delete()
        password = None
        if owner:
            user = User.objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"No user named {owner!r}.")
        else:
            user = User.objects.filter(username="demo").first()
            if user is None:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user("demo", "demo@example.nl", password)
        try:
            workspace, summaries = build_demo(user, slug)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Demo workspace {workspace.name} at /w/{slug}/"))
        for line in summaries:
            self.stdout.write(f"  - {line}")
        if password:
            self.stdout.write(f"Log in as 'demo' with password: {password}")
