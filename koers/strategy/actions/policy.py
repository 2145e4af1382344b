"""The social media policy of a workspace."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.strategy import rules
from koers.strategy.actions.common import (
    _set_fields,
)
from koers.strategy.models import (
    SocialMediaPolicy,
)

# ---------------------------------------------------------------------------------------------
# The social media policy (per workspace)


def policy_for(workspace: Workspace) -> SocialMediaPolicy:
    """The workspace's policy; an empty one (not stored) when nobody wrote it yet."""
    found = SocialMediaPolicy.objects.filter(workspace=workspace).first()
    return found or SocialMediaPolicy(workspace=workspace)


@transaction.atomic
def save_policy(workspace: Workspace, actor: AbstractBaseUser, **texts: str) -> SocialMediaPolicy:
    """Save sections of the policy (``rules.POLICY_FIELDS``; others are ignored)."""
    policy, _created = SocialMediaPolicy.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    fields = {k: v for k, v in texts.items() if k in rules.POLICY_FIELDS}
    fields |= {"updated_at": timezone.now(), "updated_by": actor}
    changes = _set_fields(policy, fields)
    audit(
        workspace,
        actor,
        "strategy.policy",
        "updated the social media policy",
        policy,
        fields=[c for c in changes if c in rules.POLICY_FIELDS],
    )
    return policy


@transaction.atomic
def fill_policy_from_template(
    workspace: Workspace, actor: AbstractBaseUser, *, language: str
) -> SocialMediaPolicy:
    """Write the public-body template into every *empty* section; written text stays."""
    policy, _created = SocialMediaPolicy.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    filled = rules.fill_from_template(
        policy.texts(), language if language in ("nl", "en") else "nl"
    )
    _set_fields(policy, filled | {"updated_at": timezone.now(), "updated_by": actor})
    audit(
        workspace,
        actor,
        "strategy.policy_template",
        "filled the social media policy from the public-body template",
        policy,
        sections=sorted(filled),
        language=language,
    )
    return policy
