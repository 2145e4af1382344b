"""``{{ event|audit_summary }}``: an audit summary in the page's language when it can be.

Actions record their summary as an English sentence (the log is a record, written once).
``koers.core.audit_summaries`` knows each sentence an action writes and shows it translated,
for old rows too; a summary that is a msgid of koers' catalogues ("added a note") is shown
translated as well; any other is shown as recorded, marked ``lang="en"`` so readers and
screen readers know it is English. Given a plain string (no event), every action's sentences
are tried.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koers.core.audit_summaries import translated
from koers.core.models import AuditEvent

register = template.Library()


@register.filter
def audit_summary(event: AuditEvent | str) -> SafeString:
    if isinstance(event, AuditEvent):
        summary, action = event.summary or "", event.action
    else:
        summary, action = event or "", None
    if not summary or (get_language() or "").startswith("en"):
        return format_html("{}", summary)
    shown = translated(summary, action)
    if shown is None:
        shown = _(summary)
    if shown != summary:
        return format_html("{}", shown)
    return format_html('<span lang="en">{}</span>', summary)
