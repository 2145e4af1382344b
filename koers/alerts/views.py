"""Alert pages: the events (newest first, acknowledge, the mentions of the window) and the
rules (list, create, edit, switch on/off, delete). Viewers read; editors and up manage rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.alerts import actions, notify
from koers.alerts.forms import RuleForm
from koers.alerts.models import AlertEvent, AlertRule
from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace

EVENTS_PAGE = 30


def get_rule_for_member(workspace: Workspace, rule_id: int) -> AlertRule:
    return get_scoped_or_404(AlertRule.objects, workspace, pk=rule_id)


def get_event_for_member(workspace: Workspace, event_id: int) -> AlertEvent:
    events = AlertEvent.objects.select_related("rule__topic", "acknowledged_by")
    return get_scoped_or_404(events, workspace, pk=event_id)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"alerts/{template}", {"active": "listening", **context})


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------
@require_GET
@workspace_view()
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    events = scoped(AlertEvent.objects, workspace).select_related("rule__topic", "acknowledged_by")
    page = Paginator(events.order_by("-created_at", "-id"), EVENTS_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"workspace": workspace, "page": page, "tab": "events"}
    context["has_rules"] = scoped(AlertRule.objects, workspace).exists()
    return _page(request, "index.html", context)


@require_GET
@workspace_view()
def event_detail(request: HttpRequest, workspace: Workspace, event_id: int) -> HttpResponse:
    event = get_event_for_member(workspace, event_id)
    context = {
        "workspace": workspace,
        "event": event,
        "headline": notify.headline(event),
        "rising": notify.rising_terms(event),
        "mentions": notify.window_mentions(event, limit=50),
        "period": notify.listening_period(event),
        "tab": "events",
    }
    return _page(request, "event.html", context)


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def acknowledge(request: HttpRequest, workspace: Workspace, event_id: int) -> HttpResponse:
    event = get_event_for_member(workspace, event_id)
    actions.acknowledge(event, request.user)
    if request.htmx:
        event = get_event_for_member(workspace, event_id)
        return render(
            request, "alerts/partials/event_row.html", {"workspace": workspace, "e": event}
        )
    return redirect("alerts:index", slug=workspace.slug)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
@require_GET
@workspace_view()
def rule_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    rules = (
        scoped(AlertRule.objects, workspace).select_related("topic").prefetch_related("recipients")
    )
    return _page(request, "rules.html", {"workspace": workspace, "rules": rules, "tab": "rules"})


def _form_page(
    request: HttpRequest, workspace: Workspace, form: RuleForm, rule: AlertRule | None = None
) -> HttpResponse:
    context: dict[str, Any] = {"workspace": workspace, "form": form, "rule": rule, "tab": "rules"}
    problem = getattr(form, "query_problem", None)
    if problem is not None:
        query, at = problem
        context |= {"before": query[:at], "at": query[at : at + 1] or " ", "after": query[at + 1 :]}
    return _page(request, "rule_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def rule_new(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = RuleForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        rule = actions.create_rule(workspace, request.user, **form.rule_values())
        messages.success(request, _("Alert rule “%(name)s” is active.") % {"name": rule.name})
        return redirect("alerts:rules", slug=workspace.slug)
    return _form_page(request, workspace, form)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def rule_edit(request: HttpRequest, workspace: Workspace, rule_id: int) -> HttpResponse:
    rule = get_rule_for_member(workspace, rule_id)
    form = RuleForm(request.POST or None, instance=rule, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        actions.update_rule(
            get_rule_for_member(workspace, rule_id), request.user, **form.rule_values()
        )
        messages.success(request, _("Alert rule saved."))
        return redirect("alerts:rules", slug=workspace.slug)
    return _form_page(request, workspace, form, rule)


@require_POST
@workspace_view(need=Role.EDITOR)
def rule_enabled(request: HttpRequest, workspace: Workspace, rule_id: int) -> HttpResponse:
    rule = get_rule_for_member(workspace, rule_id)
    actions.set_rule_enabled(rule, request.user, enabled=request.POST.get("enabled") == "1")
    if request.htmx:
        return render(request, "alerts/partials/rule_row.html", {"workspace": workspace, "r": rule})
    return redirect("alerts:rules", slug=workspace.slug)


@require_POST
@workspace_view(need=Role.EDITOR)
def rule_delete(request: HttpRequest, workspace: Workspace, rule_id: int) -> HttpResponse:
    rule = get_rule_for_member(workspace, rule_id)
    actions.delete_rule(rule, request.user)
    messages.success(request, _("Alert rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("alerts:rules", slug=workspace.slug)
