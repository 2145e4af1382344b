"""The privacy pages (owners only): retention periods, access and erasure requests, and the
printable register of processing activities."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core.access import scoped, workspace_view
from koers.core.models import Role, Workspace
from koers.privacy import actions, subjects
from koers.privacy import register as processing
from koers.privacy.forms import EraseForm, ExportForm, RetentionForm, SubjectForm
from koers.privacy.models import PrivacyRequest

RECENT_REQUESTS = 20


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(
        request, f"privacy/{template}", {"active": "settings", "tab": "privacy", **context}
    )


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.OWNER)
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = RetentionForm(request.POST or None, instance=actions.retention_for(workspace))
    if request.method == "POST" and form.is_valid():
        actions.save_retention(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Retention periods saved."))
        return redirect("privacy:index", slug=workspace.slug)
    recent = scoped(PrivacyRequest.objects, workspace).select_related("done_by")
    return _page(
        request,
        "index.html",
        {
            "workspace": workspace,
            "form": form,
            "search": SubjectForm(),
            "requests": recent[:RECENT_REQUESTS],
        },
    )


@require_GET
@workspace_view(need=Role.OWNER)
def person(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = SubjectForm(request.GET or None)
    context: dict[str, Any] = {"workspace": workspace, "search": form}
    if form.is_valid():
        who = form.cleaned_data["who"]
        context |= {
            "who": who,
            "found": subjects.find(workspace, form.subject),
            "export_form": ExportForm(initial={"who": who}),
            "erase_form": EraseForm(initial={"who": who}),
        }
    return _page(request, "person.html", context)


def _invalid(request: HttpRequest, workspace: Workspace, form: SubjectForm) -> HttpResponse:
    return _page(
        request, "person.html", {"workspace": workspace, "search": SubjectForm(), "bad": form}
    )


@require_POST
@workspace_view(need=Role.OWNER)
def export(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _invalid(request, workspace, form)
    fmt = form.cleaned_data["format"]
    found = actions.record_access_request(workspace, request.user, form.subject, fmt)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body, content_type = subjects.as_csv(found), "text/csv; charset=utf-8"
    else:
        data = {"workspace": workspace.slug, "exported_at": timezone.now().isoformat()}
        data |= subjects.as_dict(found)
        body = json.dumps(data, ensure_ascii=False, indent=2)
        content_type = "application/json; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="access-request-{stamp}.{fmt}"'
    return response


@require_POST
@workspace_view(need=Role.OWNER)
def erase(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, workspace, form)
    found = actions.erase_subject(workspace, request.user, form.subject)
    messages.success(request, _("Erased: %(n)s items.") % {"n": found.total})
    return redirect("privacy:index", slug=workspace.slug)


@require_GET
@workspace_view(need=Role.OWNER)
def register(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return render(
        request, "privacy/register.html", {"workspace": workspace, "r": processing.build(workspace)}
    )
