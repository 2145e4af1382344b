"""``koers demo``: a filled-in example workspace for a fictional Dutch municipality.

Each app contributes its part in ``koers/<app>/demo.py`` with ``build(ctx: DemoContext) -> str``
(returning a one-line summary); they run in the order of INSTALLED_APPS inside one transaction,
so a failing part leaves nothing half-made.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from koers.core import actions
from koers.core.models import Workspace, WorkspaceKind

DEMO_NAME = "Gemeente Duinwijk"


@dataclass
class DemoContext:
    workspace: Workspace
    owner: AbstractBaseUser
    rng: random.Random


def demo_builders() -> list:
    builders = []
    for config in apps.get_app_configs():
        # koers.core.demo is this module: it orchestrates, it builds nothing itself.
        is_app = config.name.startswith("koers.") and config.name != "koers.core"
        if is_app and module_has_submodule(config.module, "demo"):
            builders.append(importlib.import_module(f"{config.name}.demo").build)
    return builders


@transaction.atomic
def build_demo(owner: AbstractBaseUser, slug: str, seed: int = 2026) -> tuple[Workspace, list[str]]:
    """Create the demo workspace ``slug`` owned by ``owner`` and let every app fill its part."""
    workspace = actions.create_workspace(
        owner, name=DEMO_NAME, slug=slug, kind=WorkspaceKind.PUBLIC_BODY
    )
    ctx = DemoContext(workspace=workspace, owner=owner, rng=random.Random(seed))  # noqa: S311 - reproducible demo data
    summaries = [builder(ctx) for builder in demo_builders()]
    return workspace, [s for s in summaries if s]
