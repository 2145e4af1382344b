"""A public body's pages speak of its own and other organisations, residents and services,
never of a brand, competitors, customers, prospects or sales (issue 16, item 10), in Dutch and
in English; a company's pages keep their words."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from koers.core.models import WorkspaceKind
from koers.listening.models import Topic, TopicKind
from koers.strategy import actions as strategy_actions
from koers.strategy import rules
from tests.test_dutch_pages import VisibleText

pytestmark = pytest.mark.django_db

BUSINESS = {
    "nl": re.compile(
        r"\b(?:klant\w*|prospects?|verkoop|merk|merken|merkenset|concurrent\w*)\b", re.I
    ),
    "en": re.compile(r"\b(?:customers?|prospects?|sales|brands?|competitors?|products?)\b", re.I),
}
PUBLIC = {
    "nl": ["Eigen organisatie", "Andere organisatie", "vergelijkbare organisaties"],
    "en": ["Own organisation", "Other organisation", "comparable organisations"],
}


def visible(html: str) -> str:
    """The page's text (as test_dutch_pages reads it; every language counts here)."""
    parser = VisibleText()
    parser.feed(re.sub(r'\slang="[^"]*"', "", html))
    return " ".join(parser.text().split())


def pages(acme, anna, name: str) -> dict[str, str]:
    """The listening and strategy pages that name topic kinds, share of voice, the maturity
    checklist and the Groundswell objectives, for a new cycle at maturity stage 4 (so the
    plan's "to reach stage 5" lists the items about product development and sales)."""
    rival, _ = Topic.objects.get_or_create(
        workspace=acme, name="Gemeente Bolt", kind=TopicKind.COMPETITOR, query="bolt"
    )
    Topic.objects.get_or_create(
        workspace=acme, name="Gemeente Acme", kind=TopicKind.BRAND, query="acme"
    )
    # The cycle's funnel is the workspace kind's (a company's has prospects and customers).
    cycle = strategy_actions.create_cycle(
        acme, anna, name=name, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    strategy_actions.set_groundswell(
        cycle,
        anna,
        roles={
            o.value: "primary" if i == 0 else "secondary" for i, o in enumerate(rules.Objective)
        },
    )
    stage_4 = [i.id for s in rules.MATURITY_STAGES if s.number <= 4 for i in s.checklist]
    strategy_actions.save_maturity(cycle, anna, checked=stage_4)
    return {
        "overview": reverse("workspace-home", args=[acme.slug]),
        "listening": reverse("listening:index", args=[acme.slug]),
        "topic": reverse("listening:topic", args=[acme.slug, rival.pk]),
        "topic form": reverse("listening:topic-new", args=[acme.slug]),
        "maturity": reverse("strategy:maturity", args=[acme.slug, cycle.pk]),
        "objectives": reverse("strategy:objectives", args=[acme.slug, cycle.pk]),
        "strategy": reverse("strategy:strategy", args=[acme.slug, cycle.pk]),
        "plan": reverse("strategy:plan-html", args=[acme.slug, cycle.pk]),
        "plan markdown": reverse("strategy:plan-md", args=[acme.slug, cycle.pk]),
    }


def read(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    body = response.content.decode()
    return body if response["Content-Type"].startswith("text/markdown") else visible(body)


@pytest.mark.parametrize("kind", [WorkspaceKind.PUBLIC_BODY, WorkspaceKind.NON_PROFIT])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_public_bodys_pages_have_no_business_words(acme, anna, client_for, kind, language):
    client = client_for(anna)
    # Before: the company's words are on these pages (so the test can fail).
    company = {name: read(client, url, language) for name, url in pages(acme, anna, "A").items()}
    assert BUSINESS[language].search(company["overview"])
    assert BUSINESS[language].search(company["listening"])
    assert BUSINESS[language].search(company["maturity"])
    assert BUSINESS[language].search(company["plan"])

    acme.kind = kind
    acme.save()
    found, seen = [], ""
    for name, url in pages(acme, anna, "B").items():
        text = read(client, url, language)
        seen += text
        found += [f"{name}: {m.group(0)!r}" for m in BUSINESS[language].finditer(text)]
    assert not found, "business words on a public body's pages:\n" + "\n".join(found)
    for words in PUBLIC[language]:
        assert words in seen


def test_the_topic_form_names_the_kinds_in_the_workspaces_words(acme, anna, client_for):
    acme.kind = WorkspaceKind.PUBLIC_BODY
    acme.save()
    html = client_for(anna).get(
        reverse("listening:topic-new", args=[acme.slug]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert '<option value="brand">Eigen organisatie</option>' in html.content.decode()
    assert '<option value="competitor">Andere organisatie</option>' in html.content.decode()
