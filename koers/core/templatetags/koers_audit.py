"""``{{ event.summary|audit_summary }}``: an audit summary in the page's language when it can be.

Actions record their summary as an English sentence (the log is a record, written once). A
summary that is a msgid of koers' catalogues ("added a note") is shown translated; any other is
shown as recorded, marked ``lang="en"`` so readers and screen readers know it is English.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_summary(summary: str) -> SafeString:
    summary = summary or ""
    translated = _(summary) if summary else summary
    if translated != summary or (get_language() or "").startswith("en"):
        return format_html("{}", translated)
    return format_html('<span lang="en">{}</span>', summary)
