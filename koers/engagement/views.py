"""Inbox pages: the list with filters and counts, one item with its actions and reply, and the
inbox settings. Viewers read; contributors and up act; owners and admins change the settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import AuditEvent, Role, Workspace
from koers.engagement import actions, meta, moderation, replies
from koers.engagement.forms import (
    AnsweredForm,
    AssignForm,
    CloseForm,
    InboxFilterForm,
    NoteForm,
    ReplyForm,
    SettingsForm,
)
from koers.engagement.models import InboxItem, InboxSettings, Moderation, Reply, Status
from koers.listening.models import Mention

PAGE = 50


def get_item_for_member(workspace: Workspace, item_id: int) -> InboxItem:
    return get_scoped_or_404(
        InboxItem.objects.select_related("mention", "assignee", "replies_to__item", "done_by"),
        workspace,
        pk=item_id,
    )


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"engagement/{template}", {"active": "inbox", **context})


def _back(item: InboxItem) -> HttpResponse:
    return redirect("engagement:item", slug=item.workspace.slug, item_id=item.pk)


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------
def filtered_items(
    workspace: Workspace, filters: dict[str, Any], user: Any, now: Any
) -> QuerySet[InboxItem]:
    """Overdue first, then negative, then by due time. The order needs only the items'
    own columns (``negative`` is the mention's sentiment, copied): no join on the mentions
    for every open item; the page's mentions are read afterwards (:func:`index`)."""
    items = scoped(InboxItem.objects, workspace)
    if "status" in filters:
        items = items.filter(status=filters["status"])
    assignee = filters.get("assignee")
    if assignee == "me":
        items = items.filter(assignee=user)
    elif assignee == "none":
        items = items.filter(assignee__isnull=True)
    elif assignee:
        items = items.filter(assignee_id=int(assignee))
    if "network" in filters:
        items = items.filter(mention__network=filters["network"])
    if "sentiment" in filters:
        items = items.filter(mention__sentiment=filters["sentiment"])
    if filters.get("overdue"):
        items = items.filter(status=Status.OPEN, due_at__lte=now)
    return items.annotate(
        late=Case(
            When(status=Status.OPEN, due_at__lte=now, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("-late", "-negative", "due_at", "id")


def counts(workspace: Workspace, user: Any, now: Any) -> dict[str, int]:
    is_open = Q(status=Status.OPEN)
    return scoped(InboxItem.objects, workspace).aggregate(
        open=Count("id", filter=is_open),
        overdue=Count("id", filter=is_open & Q(due_at__lte=now)),
        mine=Count("id", filter=is_open & Q(assignee=user)),
        unassigned=Count("id", filter=is_open & Q(assignee__isnull=True)),
        answered=Count("id", filter=Q(status=Status.ANSWERED)),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
    )


@require_GET
@workspace_view()
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    now = timezone.now()
    form = InboxFilterForm(request.GET or None, workspace=workspace)
    items = filtered_items(workspace, form.filters(), request.user, now)
    page = Paginator(items, PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    prefetch_related_objects(page.object_list, "mention", "assignee")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "workspace": workspace,
        "form": form,
        "page": page,
        "now": now,
        "counts": counts(workspace, request.user, now),
        "query": query.urlencode(),
        "settings": InboxSettings.for_workspace(workspace),
    }
    template = "partials/list.html" if request.htmx else "inbox.html"
    return _page(request, template, context)


# ---------------------------------------------------------------------------------------------
# One item
# ---------------------------------------------------------------------------------------------
HISTORY_LABELS = {
    "inbox.add": gettext_lazy("added by hand"),
    "inbox.assign": gettext_lazy("assigned to %(assignee)s"),
    "inbox.close": gettext_lazy("closed: no reply needed"),
    "inbox.reopen": gettext_lazy("opened again"),
    "inbox.answered": gettext_lazy("marked as answered elsewhere"),
    "inbox.note": gettext_lazy("added a note"),
    "inbox.overdue": gettext_lazy("response-time target passed"),
    "inbox.reply": gettext_lazy("reply queued"),
    "inbox.reply_retry": gettext_lazy("reply queued again"),
    "inbox.replied": gettext_lazy("reply sent"),
    "inbox.reply_failed": gettext_lazy("reply failed: %(reason)s"),
    "inbox.hide": gettext_lazy("comment hidden on the network"),
    "inbox.delete": gettext_lazy("comment deleted on the network"),
    "inbox.moderate": gettext_lazy("asked to hide or delete the comment"),
    "inbox.moderate_retry": gettext_lazy("asked again to hide or delete the comment"),
    "inbox.moderate_failed": gettext_lazy("hiding or deleting the comment failed: %(reason)s"),
}


def _history(item: InboxItem) -> list[tuple[Any, str, str]]:
    """(when, who, what) of every audited change of the item, oldest first, translated."""
    events = AuditEvent.objects.filter(
        workspace_id=item.workspace_id, object_type="InboxItem", object_id=str(item.pk)
    ).select_related("actor")
    rows = []
    for e in events.order_by("created_at", "id"):
        label = HISTORY_LABELS.get(e.action)
        data = {"assignee": "—", "reason": "", **e.data}
        if data["assignee"] == "nobody":
            data["assignee"] = _("nobody")
        what = str(label) % data if label else e.summary
        rows.append((e.created_at, e.actor.get_username() if e.actor else "koers", what))
    return rows


def _detail(request: HttpRequest, workspace: Workspace, item: InboxItem, **forms: Any):  # noqa: ANN202
    channels = replies.channels_for(item)
    now = timezone.now()
    context = {
        "workspace": workspace,
        "item": item,
        "m": item.mention,
        "now": now,
        "overdue": item.is_overdue(now),
        "notes": item.notes.select_related("author"),
        "history": _history(item),
        "replies": item.replies.select_related("channel"),
        "can_act": request.membership.can(Role.CONTRIBUTOR),
        "channels": channels,
        "assign_form": forms.get("assign_form")
        or AssignForm(workspace=workspace, initial={"assignee": item.assignee_id}),
        "close_form": forms.get("close_form") or CloseForm(),
        "answered_form": forms.get("answered_form")
        or AnsweredForm(initial={"answered_at": timezone.localtime(now)}),
        "note_form": forms.get("note_form") or NoteForm(),
        "reply_form": forms.get("reply_form") or ReplyForm(channels=channels),
        "can_moderate": moderation.can_moderate(item),
        "moderations": item.moderations.all(),
        "moderation_under_way": item.moderations.filter(state__in=moderation.UNDER_WAY).exists(),
        "window_refusal": meta.window_refusal(item, now) if item.status == Status.OPEN else "",
        "demo_channel": not channels and replies.has_demo_channel(item),
    }
    return _page(request, "item.html", context)


@require_GET
@workspace_view()
def item(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _detail(request, workspace, get_item_for_member(workspace, item_id))


def _done(request: HttpRequest, item: InboxItem, error: ValidationError | None, ok: str):  # noqa: ANN202
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, ok)
    return _back(item)


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def assign(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    data = request.POST.copy()
    if data.get("to") == "me":
        data["assignee"] = str(request.user.pk)
    form = AssignForm(data, workspace=workspace)
    if not form.is_valid():
        return _detail(request, workspace, found, assign_form=form)
    actions.assign(found, request.user, form.cleaned_data["assignee"])
    return _done(request, found, None, _("Assignment saved."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def close(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, workspace, found, close_form=form)
    try:
        actions.close(found, request.user, **form.cleaned_data)
    except ValidationError as error:
        return _done(request, found, error, "")
    return _done(request, found, None, _("Closed: no reply needed."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def reopen(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    try:
        actions.reopen(found, request.user)
    except ValidationError as error:
        return _done(request, found, error, "")
    return _done(request, found, None, _("Opened again."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def answered(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    form = AnsweredForm(request.POST)
    if not form.is_valid():
        return _detail(request, workspace, found, answered_form=form)
    try:
        actions.mark_answered_elsewhere(found, request.user, at=form.cleaned_data["answered_at"])
    except ValidationError as error:
        form.add_error("answered_at", error)
        return _detail(request, workspace, found, answered_form=form)
    return _done(request, found, None, _("Marked as answered elsewhere."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def note(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, workspace, found, note_form=form)
    actions.add_note(found, request.user, form.cleaned_data["text"])
    return _done(request, found, None, _("Note saved."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def reply(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    found = get_item_for_member(workspace, item_id)
    form = ReplyForm(request.POST, channels=replies.channels_for(found))
    if form.is_valid():
        try:
            replies.compose(found, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("text", error)
    if not form.is_valid():
        return _detail(request, workspace, found, reply_form=form)
    return _done(request, found, None, _("Reply queued; it is sent in a moment."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def moderate(request: HttpRequest, workspace: Workspace, item_id: int, action: str):  # noqa: ANN201
    """Ask to hide or delete a Facebook/Instagram comment; a task does it (and closes the item)."""
    found = get_item_for_member(workspace, item_id)
    try:
        moderation.request(found, request.user, action)
    except ValidationError as error:
        return _done(request, found, error, "")
    asked = (
        _("Hiding the comment: koers does it in a moment.")
        if action == "hide"
        else _("Deleting the comment: koers does it in a moment.")
    )
    return _done(request, found, None, asked)


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def moderation_retry(request: HttpRequest, workspace: Workspace, item_id: int, moderation_id: int):  # noqa: ANN201
    found = get_item_for_member(workspace, item_id)
    failed = get_scoped_or_404(Moderation.objects, workspace, pk=moderation_id, item=found)
    try:
        moderation.retry(failed, request.user)
    except ValidationError as error:
        return _done(request, found, error, "")
    return _done(request, found, None, _("Asked again; koers tries it in a moment."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def reply_retry(request: HttpRequest, workspace: Workspace, item_id: int, reply_id: int):  # noqa: ANN201
    found = get_item_for_member(workspace, item_id)
    failed = get_scoped_or_404(Reply.objects, workspace, pk=reply_id, item=found)
    try:
        replies.retry(failed, request.user)
    except ValidationError as error:
        return _done(request, found, error, "")
    return _done(request, found, None, _("Reply queued again."))


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def add(request: HttpRequest, workspace: Workspace, mention_id: int) -> HttpResponse:
    """The listening stream's "Add to inbox" button."""
    mention = get_scoped_or_404(Mention.objects, workspace, pk=mention_id)
    found, created = actions.add_manually(mention, request.user)
    if created:
        messages.success(request, _("Added to the inbox."))
    else:
        messages.info(request, _("This mention is already in the inbox."))
    return _back(found)


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.ADMIN)
def settings(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    inbox = InboxSettings.for_workspace(workspace)
    form = SettingsForm(request.POST or None, instance=inbox)
    if request.method == "POST" and form.is_valid():
        actions.update_settings(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Inbox settings saved."))
        return redirect("engagement:settings", slug=workspace.slug)
    return _page(request, "settings.html", {"workspace": workspace, "form": form})
