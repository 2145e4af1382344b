"""Notification pages: the workspace's chat destinations (admins and owners) and each
member's own choices (e-mail per event kind, the digest)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace
from koers.notify import actions
from koers.notify.forms import DestinationForm, PreferenceForm
from koers.notify.models import CardState, Destination, DigestSent


def get_destination_for_member(workspace: Workspace, destination_id: int) -> Destination:
    return get_scoped_or_404(Destination.objects, workspace, pk=destination_id)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"notify/{template}", {"active": "settings", **context})


def _values(form: DestinationForm) -> dict[str, Any]:
    keys = ("name", "kind", "url", "events", "enabled")
    return {k: form.cleaned_data[k] for k in keys}


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.ADMIN)
def destinations(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = DestinationForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        destination = actions.create_destination(workspace, request.user, **_values(form))
        messages.success(
            request, _("“%(name)s” will get notifications.") % {"name": destination.name}
        )
        return redirect("notify:destinations", slug=workspace.slug)
    rows = scoped(Destination.objects, workspace)
    context = {"workspace": workspace, "form": form, "destinations": rows, "tab": "notify"}
    return _page(request, "destinations.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.ADMIN)
def destination_edit(
    request: HttpRequest, workspace: Workspace, destination_id: int
) -> HttpResponse:
    destination = get_destination_for_member(workspace, destination_id)
    form = DestinationForm(request.POST or None, workspace=workspace, instance=destination)
    if request.method == "POST" and form.is_valid():
        actions.update_destination(destination, request.user, **_values(form))
        messages.success(request, _("Destination saved."))
        return redirect("notify:destinations", slug=workspace.slug)
    context = {"workspace": workspace, "form": form, "d": destination, "tab": "notify"}
    return _page(request, "destination_form.html", context)


@require_POST
@workspace_view(need=Role.ADMIN)
def destination_delete(
    request: HttpRequest, workspace: Workspace, destination_id: int
) -> HttpResponse:
    destination = get_destination_for_member(workspace, destination_id)
    actions.delete_destination(destination, request.user)
    messages.success(request, _("Destination “%(name)s” removed.") % {"name": destination.name})
    return redirect("notify:destinations", slug=workspace.slug)


@require_POST
@workspace_view(need=Role.ADMIN)
def destination_test(
    request: HttpRequest, workspace: Workspace, destination_id: int
) -> HttpResponse:
    destination = get_destination_for_member(workspace, destination_id)
    outcome = actions.send_test_message(destination, request.user, get_language())
    if outcome.state == CardState.SENT:
        note = _("Test message sent. Look in the channel.")
    else:
        note = _("The test message did not arrive.")
    destination = get_destination_for_member(workspace, destination_id)
    if request.htmx:
        context = {
            "workspace": workspace,
            "d": destination,
            "note": note,
            "ok": outcome.state == CardState.SENT,
        }
        return render(request, "notify/partials/destination_row.html", context)
    (messages.success if outcome.state == CardState.SENT else messages.error)(request, note)
    return redirect("notify:destinations", slug=workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view()
def mine(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    preference = actions.preference_for(workspace, request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        actions.save_preference(form.save(commit=False), request.user)
        messages.success(request, _("Your notification choices are saved."))
        if request.htmx:
            form = PreferenceForm(instance=actions.preference_for(workspace, request.user))
        else:
            return redirect("notify:mine", slug=workspace.slug)
    last = (
        DigestSent.objects.filter(workspace=workspace, user=request.user)
        .order_by("-claimed_at")
        .first()
    )
    context = {"workspace": workspace, "form": form, "last_digest": last, "tab": "notify-mine"}
    if request.htmx:
        return render(request, "notify/partials/mine_form.html", context)
    return _page(request, "mine.html", context)
