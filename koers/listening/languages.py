"""Language codes as people read them: names for the codes mentions carry, and the choices
of the language filter. A mention keeps whatever language its source declared or the detector
knows (176 languages), so the filter offers every language, not a fixed few."""

from __future__ import annotations

from typing import Any

from django.conf.locale import LANG_INFO
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

UNKNOWN_LANG = "unknown"  # as the pipeline stores it

#: Offered first in the language filter: the languages most posts koers reads are in.
COMMON_LANGUAGES = ("nl", "en", "de", "fr", "es")


def language_name(code: str) -> str:
    """The language's name in the active language ("ru" → "Russisch"); a code Django has no
    name for is shown as the code itself, "unknown" as "Unknown"."""
    if code == UNKNOWN_LANG:
        return str(_("Unknown"))
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices(extra: str | None = None) -> list[Any]:
    """The language filter's choices: the common languages, then every other language Django
    names (posts keep whatever language their source declares or the detector knows), then
    "unknown". ``extra``: a requested code Django has no name for, so it stays selectable."""
    others = {code for code in LANG_INFO if "-" not in code and "fallback" not in LANG_INFO[code]}
    others -= set(COMMON_LANGUAGES)
    if extra and extra not in COMMON_LANGUAGES:
        others.add(extra)
    named = sorted(((c, language_name(c)) for c in others), key=lambda c: c[1].casefold())
    return [
        ("", _("All")),
        (_("Common"), [(c, language_name(c)) for c in COMMON_LANGUAGES]),
        (_("Other languages"), named),
        (UNKNOWN_LANG, _("Unknown")),
    ]
