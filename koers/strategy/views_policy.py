"""The social media policy pages: edit (autosave per change), fill from the public-body
template, and the print view / PDF. One policy per workspace, outside the cycles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core.access import workspace_view
from koers.core.models import Role, Workspace
from koers.strategy import actions, forms, plan, policy_document, rules


@workspace_view()
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Read by every member; written by editors and above (a POST below editor is 403)."""
    can_edit = request.membership.can(Role.EDITOR)  # type: ignore[attr-defined]
    current = actions.policy_for(workspace)
    form = forms.PolicyForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Your role may not change the policy."))
        if form.is_valid():
            actions.save_policy(workspace, request.user, **form.cleaned_data)
            if request.htmx:  # type: ignore[attr-defined]
                return _autosaved(request, ok=True)
            messages.success(request, _("Saved."))
            return redirect("strategy:policy", slug=workspace.slug)
        if request.htmx:  # type: ignore[attr-defined]
            return _autosaved(request, ok=False)
    context = policy_document.context(workspace) | {
        "form": form,
        "can_edit": can_edit,
        "active": "strategy",
        "languages": [("nl", "Nederlands"), ("en", "English")],
    }
    return render(request, "strategy/policy.html", context)


def _autosaved(request: HttpRequest, *, ok: bool) -> HttpResponse:
    context = {"ok": ok, "saved_at": timezone.localtime()}
    return render(request, "strategy/partials/autosave.html", context)


@workspace_view(need=Role.EDITOR)
@require_POST
def policy_template(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Fill the empty sections with the public-body template in the page's language."""
    language = rules_language(request)
    actions.fill_policy_from_template(workspace, request.user, language=language)
    messages.success(request, _("The empty sections now hold the template for a public body."))
    return redirect("strategy:policy", slug=workspace.slug)


def rules_language(request: HttpRequest) -> str:
    code = (getattr(request, "LANGUAGE_CODE", "") or "nl")[:2]
    return code if code in rules.POLICY_SECTIONS[0].title else "nl"


@workspace_view()
@require_GET
def policy_document_view(request: HttpRequest, workspace: Workspace, fmt: str) -> HttpResponse:
    language = plan.language_for(workspace, request.GET.get("lang"))
    return policy_document.response(request, workspace, fmt, language)
