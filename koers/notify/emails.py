"""Event e-mails that no other app sends: a failed post, to its author and the workspace's
owners and admins who want it, each in their own language. (Approval requests, overdue
messages, broken channels and alerts are e-mailed by their own apps, filtered by the same
choices through ``koers.core.notifications``.)"""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from koers.core.models import Membership, Role
from koers.core.neterrors import translate as translate_error
from koers.notify.cards import event_link
from koers.notify.models import Event, EventKind, Preference
from koers.notify.preferences import wanting_email
from koers.publishing.models import ContentItem

logger = logging.getLogger(__name__)


def failed_post_recipients(event: Event) -> list[Membership]:
    author = (
        ContentItem.objects.filter(pk=int(event.object_id))
        .values_list("created_by_id", flat=True)
        .first()
    )
    members = Membership.objects.filter(workspace_id=event.workspace_id).select_related(
        "user", "workspace"
    )
    chosen = [m for m in members if m.role in (Role.OWNER, Role.ADMIN) or m.user_id == author]
    wanting = {
        u.pk for u in wanting_email(event.workspace_id, event.kind, [m.user for m in chosen])
    }
    return [m for m in chosen if m.user_id in wanting and m.user.email]


def queue_event_mails(event: Event) -> None:
    """Call inside the transaction that records ``event``: the e-mails go after the commit,
    so an event recorded once is mailed once."""
    if event.kind != EventKind.FAILED_POST:
        return
    languages = dict(
        Preference.objects.filter(workspace_id=event.workspace_id).values_list(
            "user_id", "language"
        )
    )
    for membership in failed_post_recipients(event):
        language = languages.get(membership.user_id) or membership.workspace.language
        subject, body = render_failed_post(event, membership, language)
        address = membership.user.email
        transaction.on_commit(lambda s=subject, b=body, a=address: _send(s, b, a))


def _send(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:  # the next events must still be recorded
        logger.warning("failed-post e-mail not sent (%s)", type(error).__name__)


def render_failed_post(event: Event, membership: Membership, language: str) -> tuple[str, str]:
    workspace = membership.workspace
    with translation.override(language):
        title = event.data.get("title", "")
        subject = _("koers: “%(title)s” was not published") % {"title": title}
        lines = [
            _("Publishing “%(title)s” in %(workspace)s failed.")
            % {"title": title, "workspace": workspace.name},
            "",
            *(
                f"- {e['channel']}: {translate_error(e['error'])}"
                for e in event.data.get("errors", [])
            ),
            "",
            _("Check the reason, then try again or change the post:"),
            event_link(event, workspace.slug),
        ]
    return subject, "\n".join(lines) + "\n"
