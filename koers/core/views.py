from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core import actions, lockout, overview
from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.checks import check_background
from koers.core.exports import streaming_csv
from koers.core.forms import (
    AccountForm,
    InviteForm,
    RoleForm,
    SetupForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from koers.core.models import AuditEvent, Invitation, Membership, Role, Workspace

# Accounts made here log in at once; allauth's backend is the one that also knows e-mail logins.
_LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    if get_user_model().objects.exists():
        raise Http404
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, workspace = actions.create_first_owner(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                workspace_name=data["workspace_name"],
                workspace_slug=data["workspace_slug"],
            )
        except PermissionDenied:
            return redirect("login")
        login(request, user, backend=_LOGIN_BACKEND)
        return redirect("workspace-home", slug=workspace.slug)
    return render(request, "core/setup.html", {"form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("workspace"))
    if len(memberships) == 1:
        return redirect("workspace-home", slug=memberships[0].workspace.slug)
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = actions.create_workspace(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Workspace %(name)s created.") % {"name": workspace.name})
            return redirect("workspace-home", slug=workspace.slug)
    return render(request, "core/workspace_new.html", {"form": form})


@workspace_view()
def workspace_home(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The morning view: what is planned, waiting, overdue or broken, each linking onwards."""
    context = {
        "workspace": workspace,
        "panels": overview.panels(workspace, request.membership, timezone.now()),
        "today": timezone.localdate(),
    }
    return render(request, "core/workspace_home.html", context)


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def workspace_settings(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    initial = {
        "name": workspace.name,
        "time_zone": workspace.time_zone,
        "language": workspace.language,
        "kind": workspace.kind,
        "require_two_factor": workspace.require_two_factor,
    }
    form = WorkspaceSettingsForm(
        request.POST or None,
        initial=initial,
        may_require_two_factor=request.membership.role == Role.OWNER,
    )
    if request.method == "POST" and form.is_valid():
        zone = workspace.time_zone
        actions.update_workspace(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        if workspace.time_zone != zone:
            messages.info(
                request,
                _(
                    "The listening figures per day are counted again in the new time zone, "
                    "in the background: with many mentions that takes a few minutes."
                ),
            )
        return redirect("workspace-settings", slug=workspace.slug)
    return render(
        request, "core/settings.html", {"workspace": workspace, "form": form, "active": "settings"}
    )


@workspace_view()
def members(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    member_list = list(scoped(Membership.objects, workspace).select_related("user"))
    is_owner = request.membership.role == Role.OWNER
    locked = (
        lockout.locked_out([m.user.get_username().lower() for m in member_list])
        if is_owner
        else set()
    )
    context = {
        "workspace": workspace,
        "members": member_list,
        "locked": locked,
        "is_owner": is_owner,
        "invitations": [i for i in scoped(Invitation.objects, workspace) if i.is_open],
        "invite_form": InviteForm(),
        "roles": Role.choices,
        "can_manage": request.membership.can(Role.ADMIN),
        "active": "settings",
        "new_link": request.session.pop("koers_new_invite_link", None),
    }
    return render(request, "core/members.html", context)


@workspace_view(need=Role.ADMIN)
@require_POST
def member_invite(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role and e-mail address."))
        return redirect("members", slug=workspace.slug)
    try:
        _invitation, token = actions.invite_member(workspace, request.user, **form.cleaned_data)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        link = request.build_absolute_uri(reverse("invitation", args=[token]))
        request.session["koers_new_invite_link"] = link
    return redirect("members", slug=workspace.slug)


@workspace_view(need=Role.ADMIN)
@require_POST
def member_role(request: HttpRequest, workspace: Workspace, member_id: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership.objects, workspace, pk=member_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            actions.change_role(membership, request.user, form.cleaned_data["role"])
            messages.success(request, _("Role changed."))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("members", slug=workspace.slug)


@workspace_view(need=Role.VIEWER)
@require_POST
def member_remove(request: HttpRequest, workspace: Workspace, member_id: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership.objects, workspace, pk=member_id)
    leaving_self = membership.user_id == request.user.pk
    if not leaving_self and not request.membership.can(Role.ADMIN):
        raise PermissionDenied
    try:
        actions.remove_member(membership, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("members", slug=workspace.slug)
    if leaving_self:
        return redirect("home")
    messages.success(request, _("Member removed."))
    return redirect("members", slug=workspace.slug)


@workspace_view(need=Role.OWNER)
@require_POST
def member_unlock(request: HttpRequest, workspace: Workspace, member_id: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership.objects, workspace, pk=member_id)
    actions.unlock_member(membership, request.user)
    messages.success(
        request,
        _("%(user)s can log in again.") % {"user": membership.user.get_username()},
    )
    return redirect("members", slug=workspace.slug)


@workspace_view(need=Role.ADMIN)
@require_POST
def invitation_revoke(
    request: HttpRequest, workspace: Workspace, invitation_id: int
) -> HttpResponse:
    invitation = get_scoped_or_404(Invitation.objects, workspace, pk=invitation_id)
    actions.revoke_invitation(invitation, request.user)
    messages.success(request, _("Invitation revoked."))
    return redirect("members", slug=workspace.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = actions.find_open_invitation(token)
    if found is None:
        return render(request, "core/invitation_invalid.html", status=410)
    if request.user.is_authenticated:
        return _accept_invitation_as(request, token, found)
    form = AccountForm(
        request.POST or None, bound_email=found.email if found.is_bound_to_address else ""
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _membership = actions.create_invited_account(
                token, username=data["username"], email=data["email"], password=data["password1"]
            )
        except ValidationError:
            return render(request, "core/invitation_invalid.html", status=410)
        login(request, user, backend=_LOGIN_BACKEND)
        return redirect("workspace-home", slug=found.workspace.slug)
    return render(request, "core/invitation.html", {"invitation": found, "form": form})


def _accept_invitation_as(request: HttpRequest, token: str, found: Invitation) -> HttpResponse:
    problem = actions.invitation_address_problem(found, request.user)
    if request.method == "POST" and problem is None:
        try:
            actions.accept_invitation(token, request.user)
        except ValidationError:
            return render(request, "core/invitation_invalid.html", status=410)
        return redirect("workspace-home", slug=found.workspace.slug)
    context = {"invitation": found, "form": None, "problem": problem}
    return render(request, "core/invitation.html", context, status=403 if problem else 200)


@workspace_view(need=Role.ADMIN)
def audit_log(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    events = scoped(AuditEvent.objects, workspace).select_related("actor")[:200]
    return render(
        request, "core/audit.html", {"workspace": workspace, "events": events, "active": "settings"}
    )


@workspace_view(need=Role.ADMIN)
def audit_export(request: HttpRequest, workspace: Workspace) -> StreamingHttpResponse:
    events = scoped(AuditEvent.objects, workspace).select_related("actor").iterator()
    rows = (
        [
            timezone.localtime(e.created_at).isoformat(),
            e.actor.get_username() if e.actor else "",
            e.action,
            f"{e.object_type}:{e.object_id}",
            e.summary,
        ]
        for e in events
    )
    header = ["time", "actor", "action", "object", "summary"]
    return streaming_csv(header, rows, f"koers-audit-{workspace.slug}.csv")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = {"ok": True}
    except DatabaseError as exc:
        database = {"ok": False, "error": type(exc).__name__}
        return JsonResponse({"ok": False, "database": database}, status=503)
    background = {p.code.split(".", 1)[1]: p.message for p in check_background()}
    from koers.core.models import Heartbeat

    beats = {b.name: b.seen_at.isoformat() for b in Heartbeat.objects.all()}
    body = {
        "ok": not background,
        "database": database,
        "worker": {"ok": "worker" not in background, "seen_at": beats.get("worker")},
        "scheduler": {"ok": "scheduler" not in background, "seen_at": beats.get("scheduler")},
    }
    return JsonResponse(body, status=200 if body["ok"] else 503)
