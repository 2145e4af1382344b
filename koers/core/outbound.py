"""The outbound-request guard's Django side: policy from settings, form check, messages.

The guard itself (``koers.networks.safety``) is pure; this module feeds it the settings
``KOERS_ALLOW_PRIVATE_URLS`` and ``KOERS_OUTBOUND_ALLOWLIST`` (read at every connection, so
``override_settings`` and the test fixtures apply at once) and turns its refusals into
translated text for forms and stored errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from koers.networks.base import NetworkError
from koers.networks.safety import (
    HostBlocked,
    OutboundBlockedError,
    OutboundPolicy,
    check_url,
    set_policy_provider,
)


@lru_cache(maxsize=8)
def _parse(allow_private: bool, allowlist: tuple[str, ...]) -> OutboundPolicy:
    return OutboundPolicy.parse(allow_private, allowlist)


def policy() -> OutboundPolicy:
    return _parse(
        bool(getattr(settings, "KOERS_ALLOW_PRIVATE_URLS", False)),
        tuple(getattr(settings, "KOERS_OUTBOUND_ALLOWLIST", ())),
    )


def install() -> None:
    """Make the guard read this project's settings (called from ``CoreConfig.ready``)."""
    set_policy_provider(policy)


def blocked_message() -> str:
    return _("This address points into a private network; koers does not connect to it.")


def validate_public_url(value: str) -> None:
    """Form validator for URLs koers will fetch: refuse loopback/private/link-local hosts."""
    try:
        check_url(value, policy())
    except HostBlocked:
        raise ValidationError(blocked_message(), code="private_address") from None


#: Apps that can say a network's error in the reader's language register a function here
#: (error → translated text, or ``None`` when it is not theirs); called in ``language``.
TRANSLATORS: list[Callable[[NetworkError], str | None]] = []


def error_text(error: NetworkError, language: str) -> str:
    """What to store for a person to read: the guard's refusal translated, an error an app
    knows how to translate (X's access levels), else as it came."""
    if isinstance(error, OutboundBlockedError):
        with translation.override(language):
            return blocked_message()
    for translate in TRANSLATORS:
        with translation.override(language):
            text = translate(error)
        if text:
            return text
    return error.message or type(error).__name__
