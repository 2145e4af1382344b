from __future__ import annotations

import getpass
import json
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from koers.core import actions
from koers.core.models import Membership, Role, Workspace


class Command(BaseCommand):
    help = "Create a user account, optionally as a member of a workspace."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )
        parser.add_argument(
            "--workspace", help="Workspace address (slug); created when it does not exist."
        )
        parser.add_argument("--role", choices=[r.value for r in Role], default=Role.OWNER)
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, username, email, password_stdin, workspace, role, as_json, **opts):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = self._read_password(password_stdin)
        user = User(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            membership = self._join(user, workspace, role) if workspace else None
        result = {
            "ok": True,
            "username": user.username,
            "workspace": membership.workspace.slug if membership else None,
            "role": membership.role if membership else None,
        }
        self.stdout.write(json.dumps(result) if as_json else f"Created user {user.username}.")

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first

    def _join(self, user, slug: str, role: str) -> Membership:
        existing = Workspace.objects.filter(slug=slug).first()
        if existing is None:
            if role != Role.OWNER:
                raise CommandError(
                    f"Workspace {slug!r} does not exist; create it with --role owner."
                )
            try:
                workspace = actions.create_workspace(user, name=slug, slug=slug)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            return Membership.objects.get(workspace=workspace, user=user)
        membership = Membership.objects.create(workspace=existing, user=user, role=role)
        actions.audit(existing, None, "member.add", f"added {user.username} as {role} (CLI)")
        return membership
