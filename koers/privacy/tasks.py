"""The daily retention run (via ``koers.core.scheduler``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task

from koers.core.scheduler import periodic
from koers.privacy import actions

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1), name="privacy.apply_retention")
@task()
def apply_retention() -> int:
    """Delete personal data past each workspace's retention periods; counts go to the audit log."""
    touched = actions.apply_all_retention()
    logger.info("retention touched %s rows", touched)
    return touched
