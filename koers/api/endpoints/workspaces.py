"""The workspace a token belongs to (a token reaches exactly one)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from koers.api.auth import Access
from koers.api.errors import COMMON
from koers.api.schemas import Text

router = Router(tags=["workspaces"])


class WorkspaceOut(Schema):
    slug: str
    name: str
    time_zone: str
    language: str
    kind: str
    role: str
    read_only: bool


def workspace_out(access: Access) -> WorkspaceOut:
    w = access.workspace
    return WorkspaceOut(
        slug=w.slug,
        name=w.name,
        time_zone=w.time_zone,
        language=w.language,
        kind=w.kind,
        role=access.role,
        read_only=access.token.read_only,
    )


@router.get("/workspaces", response={200: list[WorkspaceOut], **COMMON})
def list_workspaces(request: HttpRequest) -> Any:
    """The token's workspace, with the role and scope the token acts with."""
    return [workspace_out(request.auth)]  # type: ignore[attr-defined]


@router.get("/workspaces/{slug}", response={200: WorkspaceOut, **COMMON})
def get_workspace(request: HttpRequest, slug: Text) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    if slug != access.workspace.slug:
        raise Http404
    return workspace_out(access)
