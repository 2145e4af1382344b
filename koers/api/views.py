"""The API tokens page in the workspace settings: make a token (secret shown once), revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from koers.api import actions
from koers.api.forms import TokenForm
from koers.api.models import ApiToken
from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace


def _visible(request: HttpRequest, workspace: Workspace) -> Any:
    """One's own tokens; admins and owners see everyone's (to revoke a leaked one)."""
    tokens = scoped(ApiToken.objects, workspace).select_related("user")
    if not request.membership.can(Role.ADMIN):  # type: ignore[attr-defined]
        tokens = tokens.filter(user=request.user)
    return tokens


def _page(
    request: HttpRequest, workspace: Workspace, form: TokenForm, **extra: Any
) -> HttpResponse:
    context = {
        "workspace": workspace,
        "active": "settings",
        "tab": "api",
        "form": form,
        "tokens": _visible(request, workspace),
        "docs_url": reverse("api-v1:openapi-view"),
        **extra,
    }
    template = "api/partials/tokens.html" if request.htmx else "api/tokens.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.VIEWER)
def tokens(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    role = request.membership.role  # type: ignore[attr-defined]
    form = TokenForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.create_token(
                workspace,
                request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                read_only=form.cleaned_data["read_only"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            # The secret is in this one answer only (never stored, never in a redirect).
            return _page(request, workspace, TokenForm(role=role), new_token=token, secret=secret)
    return _page(request, workspace, form)


@require_POST
@workspace_view(need=Role.VIEWER)
def token_revoke(request: HttpRequest, workspace: Workspace, token_id: int) -> HttpResponse:
    token = get_scoped_or_404(_visible(request, workspace), workspace, pk=token_id)
    actions.revoke_token(token, request.user)
    if request.htmx:  # type: ignore[attr-defined]
        role = request.membership.role  # type: ignore[attr-defined]
        return _page(request, workspace, TokenForm(role=role), revoked=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api-tokens", slug=workspace.slug)
