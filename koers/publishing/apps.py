from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "koers.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from PIL import Image

        from koers.core.navigation import BADGES
        from koers.publishing.navigation import WaitingForApproval

        BADGES["calendar"] = WaitingForApproval()

        from koers.core.overview import PANELS
        from koers.publishing.overview import CalendarPanel

        PANELS["calendar"] = CalendarPanel()

        # Each OAuth provider's connect flow registers itself in koers.publishing.connect.
        from koers.publishing import linkedin, meta, xflow, youtube  # noqa: F401
        from koers.publishing.forms import MAX_IMAGE_PIXELS

        # Pillow refuses (above twice this) or warns about (above it) images with more pixels:
        # koers' own limit instead of Pillow's default of 89 megapixels (see MediaForm).
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
