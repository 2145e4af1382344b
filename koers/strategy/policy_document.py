"""The social media policy printed on its own: HTML (print view) and PDF, in Dutch or English.

The same WeasyPrint pipeline and stylesheet as the plan document (``plan.py``); the plan
includes the same sections (``strategy/plan/_policy.html``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from koers.core.models import Workspace
from koers.strategy import actions, rules
from koers.strategy.models import SocialMediaPolicy


def sections(policy: SocialMediaPolicy) -> list[tuple[rules.PolicySection, str]]:
    """Each section with the workspace's text (empty when not written yet)."""
    texts = policy.texts()
    return [(section, texts[section.id]) for section in rules.POLICY_SECTIONS]


def context(workspace: Workspace) -> dict[str, Any]:
    policy = actions.policy_for(workspace)
    return {
        "workspace": workspace,
        "policy": policy,
        "policy_sections": sections(policy),
        "policy_status": rules.policy_status(policy.texts()),
        "generated": timezone.localdate(),
    }


def render_html(
    request: HttpRequest | None, workspace: Workspace, language: str, *, pdf: bool
) -> str:
    with translation.override(language):
        extra: dict[str, Any] = {"pdf": pdf, "language": language}
        if pdf:
            from koers.strategy import plan  # the plan imports this module for its chapter

            extra["css"] = plan.CSS_PATH.read_text(encoding="utf-8")
        return render_to_string(
            "strategy/policy_document.html", context(workspace) | extra, request=request
        )


def response(request: HttpRequest, workspace: Workspace, fmt: str, language: str) -> HttpResponse:
    if fmt == "html":
        return HttpResponse(render_html(request, workspace, language, pdf=False))
    if fmt != "pdf":
        raise Http404
    from weasyprint import HTML  # only the PDF export loads Pango and the fonts

    from koers.strategy import plan

    html = render_html(request, workspace, language, pdf=True)
    pdf = HTML(string=html, base_url=str(plan.CSS_PATH.parent)).write_pdf()
    result = HttpResponse(pdf, content_type="application/pdf")
    name = f"{slugify(workspace.name)}-social-media-policy-{language}.pdf"
    result["Content-Disposition"] = f'attachment; filename="{name}"'
    return result
