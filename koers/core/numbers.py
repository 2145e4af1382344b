"""Numbers in the reader's language, for text built in Python (templates use ``floatformat``).

``number(18.0)`` is "18", ``number(2.5)`` is "2,5" on a Dutch page and "2.5" on an English one;
thousands are grouped ("1.234" / "1,234"). The same rule as ``{{ value|floatformat:"-1g" }}``,
so a figure reads the same in an e-mail subject and on the page.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat


def number(value: float | int | None, places: int = 1) -> str:
    """``value`` with at most ``places`` decimals (none when it is whole), localised."""
    if value is None:
        return "—"
    return str(floatformat(value, f"-{places}g"))
