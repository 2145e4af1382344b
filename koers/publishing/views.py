"""Views of the calendar section: thin, typed; every change goes through ``actions``."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core import neterrors
from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace, role_at_least
from koers.core.models import Workspace as WorkspaceModel
from koers.networks.base import ConnectionStatus, Limits
from koers.publishing import (
    actions,
    calendars,
    connect_views,
    contentplan,
    csvio,
    hashtags,
    ics,
    media_urls,
    policy,
)
from koers.publishing.forms import (
    CHANNEL_FORMS,
    CampaignForm,
    CommentForm,
    FilterForm,
    ImportForm,
    ItemForm,
    MediaForm,
    MoveForm,
    PolicyForm,
    ReconnectForm,
    WhatsAppReconnectForm,
)
from koers.publishing.models import (
    Campaign,
    Category,
    Channel,
    ContentItem,
    DeliveryState,
    Media,
    Network,
    PublishingSettings,
    State,
)
from koers.publishing.tasks import check_channel_now


def get_item_for_member(workspace: Workspace, item_id: int) -> ContentItem:
    return get_scoped_or_404(ContentItem.objects.select_related("campaign"), workspace, pk=item_id)


def get_media_for_member(workspace: Workspace, media_id: int) -> Media:
    # Media rows belong to a workspace through their item.
    media = Media.objects.filter(item__workspace=workspace, pk=media_id).first()
    if media is None:
        raise Http404
    return media


def get_channel_for_member(workspace: Workspace, channel_id: int) -> Channel:
    return get_scoped_or_404(Channel.objects, workspace, pk=channel_id)


def _can(request: HttpRequest, need: str) -> bool:
    return role_at_least(request.membership.role, need)  # type: ignore[attr-defined]


def _problem(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _anchor(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _filtered(request: HttpRequest, workspace: Workspace):  # noqa: ANN202 - a QuerySet
    form = FilterForm(request.GET)
    items = scoped(ContentItem.objects, workspace)
    if not form.is_valid():
        return items, form
    data = form.cleaned_data
    if data["channel"]:
        items = items.filter(deliveries__channel_id=data["channel"])
    if data["campaign"]:
        items = items.filter(campaign_id=data["campaign"])
    if data["category"]:
        items = items.filter(category=data["category"])
    if data["state"]:
        items = (
            items.filter(state=data["state"])
            if data["state"] != "flagged"
            else items.exclude(flag="")
        )
    return items.distinct(), form


@workspace_view(need=Role.VIEWER)
@require_GET
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The calendar: ``?view=month|week|list&date=YYYY-MM-DD`` plus filters."""
    window = calendars.window_for(request.GET.get("view", "month"), _anchor(request))
    items, filters = _filtered(request, workspace)
    found = list(calendars.items_in(items, window, workspace.time_zone))
    context = {
        "workspace": workspace,
        "active": "calendar",
        "window": window,
        "by_day": calendars.by_day(found),
        "items": found,
        "filters": filters,
        "query": request.GET.urlencode(),
        "channels": scoped(Channel.objects, workspace),
        "campaigns": scoped(Campaign.objects, workspace),
        "categories": Category.choices,
        "states": State.choices,
        "unplanned": scoped(ContentItem.objects, workspace).filter(scheduled_at__isnull=True)[:20],
        "week_plans": contentplan.weeks_for(workspace, found, window),
        "today": timezone.localdate(),
        "can_edit": _can(request, Role.CONTRIBUTOR),
    }
    template = "publishing/partials/calendar.html" if request.htmx else "publishing/calendar.html"
    return render(request, template, context)


@workspace_view(need=Role.VIEWER)
@require_GET
def waiting(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The posts waiting for approval (the menu's count links here), oldest request first."""
    items = scoped(ContentItem.objects, workspace).filter(state=State.IN_REVIEW)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "items": items.order_by("updated_at", "pk"),
        "can_approve": _can(request, Role.EDITOR),
    }
    return render(request, "publishing/waiting.html", context)


def _item_context(request: HttpRequest, workspace: Workspace, item: ContentItem) -> dict:
    deliveries = list(item.deliveries.select_related("channel", "item__campaign"))
    for delivery in deliveries:
        delivery.preview = policy.outgoing_text(delivery)  # exactly what will be sent
        delivery.thread = policy.thread_parts(delivery)  # only where the network has threads
    return {
        "workspace": workspace,
        "active": "calendar",
        "item": item,
        "deliveries": deliveries,
        "history": item.history.select_related("actor"),
        "media": item.media.all(),
        "findings": policy.messages(policy.findings(item)),
        **hashtags.page_context(item),
        "comment_form": CommentForm(),
        "media_form": MediaForm(),
        "can_edit": _can(request, Role.CONTRIBUTOR) and item.editable,
        "can_approve": _can(request, Role.EDITOR),
    }


@workspace_view(need=Role.VIEWER)
@require_GET
def item_detail(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    item = get_item_for_member(workspace, item_id)
    context = _item_context(request, workspace, item)
    template = "publishing/partials/findings.html" if request.htmx else "publishing/item.html"
    return render(request, template, context)


def _initial(item: ContentItem | None, request: HttpRequest) -> dict:
    if item is None:
        return {"day": request.GET.get("date") or None}
    initial = {"day": item.local_date, "at": item.local_time, "channels": []}
    for delivery in item.deliveries.all():
        initial["channels"].append(delivery.channel_id)
        initial[f"text_{delivery.channel_id}"] = delivery.text_override
    if item is not None and item.thread:
        initial["thread"] = "\n---\n".join(item.thread)
    return initial


def _save_from_form(request: HttpRequest, workspace: Workspace, form: ItemForm, item=None):  # noqa: ANN001, ANN202
    data = form.cleaned_data
    return actions.save_item(
        workspace,
        request.user,
        item=item,
        **{
            k: data[k]
            for k in (
                "title",
                "text",
                "link",
                "category",
                "campaign",
                "objective",
                "audience",
                "key_message",
                "notes",
                "first_comment",
            )  # fmt: skip
        },
        day=data["day"],
        at=data["at"],
        channel_texts=form.channel_texts(),
        thread=form.thread(),
        options=form.video_details(),
    )


@workspace_view(need=Role.CONTRIBUTOR)
@require_http_methods(["GET", "POST"])
def item_edit(
    request: HttpRequest, workspace: Workspace, item_id: int | None = None
) -> HttpResponse:
    item = get_item_for_member(workspace, item_id) if item_id else None
    if item is not None and not item.editable:
        raise PermissionDenied(_("A post that is being published or was published can't change."))
    form = ItemForm(
        request.POST or None, instance=item, initial=_initial(item, request), workspace=workspace
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = _save_from_form(request, workspace, form, item)
        except ValidationError as error:
            _problem(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("publishing:item", slug=workspace.slug, item_id=item.pk)
    context = {"workspace": workspace, "active": "calendar", "form": form, "item": item}
    if item is not None:
        context |= hashtags.page_context(item)
    return render(request, "publishing/item_form.html", context)


@workspace_view(need=Role.VIEWER)
@require_GET
def item_hashtags(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    """The #Aurora check of an item's hashtags (the pages poll it while a check runs)."""
    item = get_item_for_member(workspace, item_id)
    context = {"workspace": workspace, "item": item, **hashtags.page_context(item)}
    return render(request, "publishing/partials/hashtags.html", context)


# One small view per decision keeps the role each one needs visible in its decorator.
def _decide(
    request: HttpRequest, workspace: Workspace, item_id: int, act, *with_comment
) -> HttpResponse:  # noqa: ANN001
    item = get_item_for_member(workspace, item_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        act(item, request.user, *([comment] if with_comment else []))
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    return redirect("publishing:item", slug=workspace.slug, item_id=item.pk)


@workspace_view(need=Role.CONTRIBUTOR)
@require_POST
def item_submit(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _decide(request, workspace, item_id, actions.submit_item)


@workspace_view(need=Role.EDITOR)
@require_POST
def item_approve(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    """ "Approve and schedule": says why when the approved item could not be scheduled."""
    response = _decide(request, workspace, item_id, actions.approve_item, True)
    item = get_item_for_member(workspace, item_id)
    if item.state == State.APPROVED:
        reasons = " ".join(actions.why_not_scheduled(item))
        messages.warning(
            request, _("Approved, but not scheduled: %(reasons)s") % {"reasons": reasons}
        )
    elif item.state == State.SCHEDULED:
        messages.success(request, _("Approved and scheduled."))
    return response


@workspace_view(need=Role.EDITOR)
@require_POST
def item_reject(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _decide(request, workspace, item_id, actions.reject_item, True)


@workspace_view(need=Role.EDITOR)
@require_POST
def item_schedule(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _decide(request, workspace, item_id, actions.schedule_item)


@workspace_view(need=Role.EDITOR)
@require_POST
def item_unschedule(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _decide(request, workspace, item_id, actions.unschedule_item)


@workspace_view(need=Role.EDITOR)
@require_POST
def item_retry(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    return _decide(request, workspace, item_id, actions.retry_item)


@workspace_view(need=Role.EDITOR)
@require_POST
def item_delete(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    item = get_item_for_member(workspace, item_id)
    try:
        actions.delete_item(item, request.user)
    except ValidationError as error:
        _problem(request, error)
        return redirect("publishing:item", slug=workspace.slug, item_id=item.pk)
    return redirect("publishing:index", slug=workspace.slug)


@workspace_view(need=Role.CONTRIBUTOR)
@require_POST
def item_move(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    """Drag and drop in the calendar: the item keeps its wall-clock time on the new day."""
    item = get_item_for_member(workspace, item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a valid day."), status=400)
    try:
        actions.reschedule_item(
            item, request.user, day=form.cleaned_data["day"], at=form.cleaned_data["at"]
        )
    except (ValidationError, PermissionDenied) as error:
        return HttpResponse(" ".join(getattr(error, "messages", [str(error)])), status=409)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": "koers-calendar-changed"})
    return redirect("publishing:item", slug=workspace.slug, item_id=item.pk)


@workspace_view(need=Role.CONTRIBUTOR)
@require_POST
def media_add(request: HttpRequest, workspace: Workspace, item_id: int) -> HttpResponse:
    item = get_item_for_member(workspace, item_id)
    form = MediaForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_media(
                item,
                request.user,
                upload=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except (ValidationError, PermissionDenied) as error:
            _problem(request, error)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("publishing:item", slug=workspace.slug, item_id=item.pk)


@workspace_view(need=Role.VIEWER)
@require_GET
def media_file(request: HttpRequest, workspace: Workspace, media_id: int) -> FileResponse:
    """Images are served to members only (no public MEDIA_URL needed)."""
    media = get_media_for_member(workspace, media_id)
    try:
        handle = media.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (restored database, cleaned-up disk): gone, not an error.
        raise Http404(_("This image is no longer on the server.")) from None
    return FileResponse(handle, content_type=media.mime_type)


@require_GET
def media_signed(request: HttpRequest, token: str) -> FileResponse:
    """An item's file for a network that fetches it (Instagram, Threads): no login, but only
    with a valid, unexpired signature naming this one file (see ``media_urls``)."""
    media_pk = media_urls.media_id(token)
    media = Media.objects.filter(pk=media_pk).first() if media_pk is not None else None
    if media is None:
        raise Http404
    try:
        handle = media.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=media.mime_type)


@workspace_view(need=Role.CONTRIBUTOR)
@require_POST
def media_remove(request: HttpRequest, workspace: Workspace, media_id: int) -> HttpResponse:
    media = get_media_for_member(workspace, media_id)
    try:
        actions.remove_media(media, request.user)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    return redirect("publishing:item", slug=workspace.slug, item_id=media.item_id)


# ---------------------------------------------------------------------------------------------
# Channels
# ---------------------------------------------------------------------------------------------
@workspace_view(need=Role.VIEWER)
@require_GET
def channels(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    context = {
        "workspace": workspace,
        "active": "calendar",
        "channels": scoped(Channel.objects, workspace),
        "can_manage": _can(request, Role.ADMIN),
        "networks": [
            (key, form.__name__.removesuffix("Form")) for key, form in CHANNEL_FORMS.items()
        ],
        "oauth_providers": connect_views.connectable(workspace),
        "base_url_problem": media_urls.fetch_problem(),
    }
    return render(request, "publishing/channels.html", context)


def _checked(form, channel: Channel) -> tuple[ConnectionStatus, Limits | None] | None:  # noqa: ANN001
    """Check ``channel`` (not stored yet) against its network; on failure the form says why."""
    status, limits = check_channel_now(channel)
    if status.ok:
        return status, limits
    form.add_error(
        None,
        _("koers could not connect with these details: %(reason)s")
        % {"reason": neterrors.translate(status.reason)},
    )
    return None


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def channel_connect(request: HttpRequest, workspace: Workspace, network: str) -> HttpResponse:
    """Connect a channel: the details are checked against the network before anything is saved."""
    if network not in CHANNEL_FORMS:
        raise Http404
    form = CHANNEL_FORMS[network](request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        checked = _checked(form, form.unsaved_channel(network))
        if checked is not None:
            channel = actions.connect_channel(
                workspace, request.user, network=network, **form.channel_values()
            )
            actions.record_channel_check(channel, checked[0], request.user, limits=checked[1])
            messages.success(
                request, _("Connection works: %(account)s") % {"account": checked[0].account}
            )
            return redirect("publishing:channels", slug=workspace.slug)
    label = type(form).__name__.removesuffix("Form")  # "WhatsApp", as on the channels page
    context = {"workspace": workspace, "active": "calendar", "form": form, "network": label}
    return render(request, "publishing/channel_form.html", context)


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def channel_reconnect(request: HttpRequest, workspace: Workspace, channel_id: int) -> HttpResponse:
    """New credentials and/or server, checked before they replace the stored ones."""
    channel = get_channel_for_member(workspace, channel_id)
    if channel.network == Network.WHATSAPP:
        return _reconnect_whatsapp(request, workspace, channel)
    form = ReconnectForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        checked = _checked(form, form.unsaved_channel())
        if checked is not None:
            data = form.cleaned_data
            channel = actions.update_channel_credentials(
                channel,
                request.user,
                secret=data["secret"],
                endpoint=data["endpoint"],
                handle=data.get("handle", ""),
            )
            actions.record_channel_check(channel, checked[0], request.user, limits=checked[1])
            messages.success(
                request, _("Connection works: %(account)s") % {"account": checked[0].account}
            )
            return redirect("publishing:channels", slug=workspace.slug)
    context = {"workspace": workspace, "active": "calendar", "form": form, "channel": channel}
    return render(request, "publishing/channel_form.html", context)


def _reconnect_whatsapp(
    request: HttpRequest, workspace: Workspace, channel: Channel
) -> HttpResponse:
    """The WhatsApp connect form with the stored ids: a new token replaces the stored one only
    when the Graph API accepts it for that number."""
    form = WhatsAppReconnectForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        checked = _checked(form, form.unsaved_channel(channel.network))
        if checked is not None:
            values = form.channel_values()
            channel = actions.update_channel_credentials(
                channel,
                request.user,
                secret=values["secret"],
                endpoint=values["endpoint"],
                account_id=values["account_id"],
                extra=values["extra"],
            )
            actions.record_channel_check(channel, checked[0], request.user, limits=checked[1])
            messages.success(
                request, _("Connection works: %(account)s") % {"account": checked[0].account}
            )
            return redirect("publishing:channels", slug=workspace.slug)
    context = {"workspace": workspace, "active": "calendar", "form": form, "channel": channel}
    return render(request, "publishing/channel_form.html", context)


@workspace_view(need=Role.ADMIN)
@require_POST
def channel_check(request: HttpRequest, workspace: Workspace, channel_id: int) -> HttpResponse:
    channel = get_channel_for_member(workspace, channel_id)
    status, limits = check_channel_now(channel)
    actions.record_channel_check(channel, status, request.user, limits=limits)
    if status.ok:
        messages.success(request, _("Connection works: %(account)s") % {"account": status.account})
    else:
        reason = neterrors.translate(status.reason)
        messages.error(request, _("Connection broken: %(reason)s") % {"reason": reason})
    return redirect("publishing:channels", slug=workspace.slug)


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def channel_remove(request: HttpRequest, workspace: Workspace, channel_id: int) -> HttpResponse:
    """GET asks for confirmation (what is lost); POST removes."""
    channel = get_channel_for_member(workspace, channel_id)
    if request.method == "POST":
        actions.remove_channel(channel, request.user)
        messages.success(request, _("Channel %(name)s removed.") % {"name": channel.name})
        return redirect("publishing:channels", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "channel": channel,
        "waiting": channel.deliveries.filter(state=DeliveryState.PENDING).count(),
        "published": channel.deliveries.filter(state=DeliveryState.PUBLISHED).count(),
    }
    return render(request, "publishing/channel_remove.html", context)


# ---------------------------------------------------------------------------------------------
# Campaigns, policy, feed, CSV
# ---------------------------------------------------------------------------------------------
@workspace_view(need=Role.VIEWER)
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        if not _can(request, Role.EDITOR):
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.create_campaign(workspace, request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("publishing:campaigns", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "form": form,
        "campaigns": scoped(Campaign.objects, workspace),
        "can_edit": _can(request, Role.EDITOR),
    }
    return render(request, "publishing/campaigns.html", context)


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def policy_settings(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    current = PublishingSettings.for_workspace(workspace)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
        actions.update_settings(workspace, request.user, rule_modes=form.rule_modes(), **values)
        messages.success(request, _("Saved."))
        return redirect("publishing:settings", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "form": form,
        "feed_on": bool(current.ics_token_hash),
        "feed_url": request.session.pop("koers_new_feed_url", ""),
    }
    return render(request, "publishing/settings.html", context)


@workspace_view(need=Role.ADMIN)
@require_POST
def feed_rotate(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    token = actions.rotate_ics_token(workspace, request.user)
    path = f"/w/{workspace.slug}/calendar/feed/{token}.ics"
    request.session["koers_new_feed_url"] = settings.BASE_URL + path
    return redirect("publishing:settings", slug=workspace.slug)


@workspace_view(need=Role.ADMIN)
@require_POST
def feed_revoke(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    actions.revoke_ics_token(workspace, request.user)
    return redirect("publishing:settings", slug=workspace.slug)


@require_GET
def feed(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """No login (calendar apps can't log in): the secret address is the key. Wrong → 404."""
    workspace = WorkspaceModel.objects.filter(slug=slug).first()
    if workspace is None or not actions.ics_token_matches(workspace, token):
        raise Http404
    body = ics.feed(workspace, settings.BASE_URL)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@workspace_view(need=Role.CONTRIBUTOR)
@require_http_methods(["GET", "POST"])
def csv_import(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = csvio.import_file(
            workspace,
            request.user,
            form.cleaned_data["file"],
            only_valid=form.cleaned_data["only_valid"],
            default_category=form.cleaned_data["category"],
        )
        if report.imported:
            messages.success(
                request, _("%(count)d posts imported as drafts.") % {"count": report.imported}
            )
    context = {"workspace": workspace, "active": "calendar", "form": form, "report": report}
    return render(request, "publishing/import.html", context)


@workspace_view(need=Role.VIEWER)
@require_GET
def csv_export(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="koers-{workspace.slug}-posts.csv"'
    csvio.export(workspace, response)
    return response
