"""The one way to reach workspace data: resolve the member's workspace, then scope every query.

Non-members get 404 (a stranger can't even learn that a workspace exists); members whose role is
too low get 403. Views use ``@workspace_view(need=Role.X)``; helpers for other objects call
``scoped(Model.objects, request.workspace)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.models import Membership, Role, Workspace, role_at_least

M = TypeVar("M", bound=Model)


def get_membership(user, slug: str) -> Membership:
    """Return the user's membership in the workspace ``slug`` or raise Http404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Membership.objects.select_related("workspace").get(user=user, workspace__slug=slug)
    except Membership.DoesNotExist:
        raise Http404(_("No such workspace.")) from None


def get_workspace_for_member(request: HttpRequest, slug: str, need: str = Role.VIEWER) -> Workspace:
    """Resolve ``slug`` for the requesting user; 404 for strangers, 403 below the needed role."""
    membership = get_membership(request.user, slug)
    if not role_at_least(membership.role, need):
        raise PermissionDenied(
            _("Your role (%(role)s) may not do this here.")
            % {"role": membership.get_role_display()}
        )
    request.workspace = membership.workspace  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    return membership.workspace


def scoped(manager_or_qs, workspace: Workspace) -> QuerySet:
    """Every query on customer data goes through here: rows of this workspace only."""
    return manager_or_qs.filter(workspace=workspace)


def get_scoped_or_404(manager_or_qs, workspace: Workspace, **lookup) -> Model:
    """One object of this workspace, or 404 (also when it exists in another workspace)."""
    try:
        return scoped(manager_or_qs, workspace).get(**lookup)
    except manager_or_qs.model.DoesNotExist:
        raise Http404 from None


def workspace_view(need: str = Role.VIEWER) -> Callable:
    """Decorate a view taking ``(request, slug, ...)``: login, membership, role, time zone."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            workspace = get_workspace_for_member(request, slug, need)
            timezone.activate(workspace.time_zone)
            try:
                return view(request, workspace, *args, **kwargs)
            finally:
                timezone.deactivate()

        return wrapper

    return decorator
