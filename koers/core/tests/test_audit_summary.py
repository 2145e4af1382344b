"""Audit summaries on a Dutch page are Dutch: each sentence an action records is translated
when it is shown (also rows written before this existed); what no sentence matches stays as
recorded, marked as English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from koers.core import actions
from koers.core.audit_summaries import SUMMARIES, translated
from koers.core.models import AuditEvent, Role
from koers.core.templatetags.koers_audit import audit_summary

KOERS = Path(__file__).resolve().parents[2]


def test_an_audit_summary_that_is_a_msgid_shows_in_dutch_on_a_dutch_page():
    with translation.override("nl"):
        assert audit_summary("added a note") == "notitie toegevoegd"


def test_a_recorded_sentence_is_translated_with_its_names_kept_and_escaped():
    with translation.override("nl"):
        assert audit_summary("assigned to <b>anna</b>") == (
            "toegewezen aan &lt;b&gt;anna&lt;/b&gt;"
        )
    with translation.override("en"):
        assert audit_summary("assigned to anna") == "assigned to anna"


def test_an_audit_summary_no_sentence_matches_is_shown_as_recorded_and_marked_english():
    with translation.override("nl"):
        assert audit_summary("did something koers never writes") == (
            '<span lang="en">did something koers never writes</span>'
        )


SAME_IN_DUTCH = {"{user}: {old_role} → {role}", "{metric} {day}: {value}"}


def sample(english: str) -> tuple[str, dict[str, str]]:
    names = re.findall(r"\{(\w+)\}", english)
    values = {name: f"W{i}" for i, name in enumerate(names)}
    return english.format(**values), values


@pytest.mark.parametrize("summary", SUMMARIES, ids=lambda s: f"{s.action}:{s.english[:40]}")
def test_every_sentence_reads_back_in_english_and_in_dutch(summary):
    text, values = sample(summary.english)
    action = summary.action + ("x" if summary.action.endswith((".", "_")) else "")
    with translation.override("en"):
        # The msgid says what the action writes: the English page shows the record unchanged.
        assert str(summary.msgid) % values == text
        assert translated(text, action) == text
    with translation.override("nl"):
        dutch = translated(text, action)
        assert dutch is not None
        # Two sentences are only names and signs: the same in Dutch.
        assert dutch != text or summary.english in SAME_IN_DUTCH
        assert all(value in dutch for value in values.values())


def test_stored_values_are_shown_with_their_translated_label():
    with translation.override("nl"):
        invite = translated("invited eva@example.nl as editor", "member.invite")
        assert invite == "eva@example.nl uitgenodigd als redacteur"
        assert translated("closed: spam", "inbox.close") == "gesloten: spam of misbruik"
        assert translated("bram: viewer → admin", "member.role") == "bram: kijker → beheerder"
        assert translated("reopened (was answered)", "inbox.reopen") == (
            "heropend (was: beantwoord)"
        )
        sentiment = "sentiment of a mention: neutral → negative"
        assert translated(sentiment, "listening.sentiment.correct") == (
            "sentiment van een vermelding: neutraal → negatief"
        )


def _audit_calls() -> list[tuple[str, ast.expr, ast.expr]]:
    """(file:line, action, summary) of every ``audit(...)`` call in koers' code."""
    calls = []
    for path in KOERS.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if isinstance(node, ast.Call) and name == "audit" and len(node.args) >= 4:
                where = f"{path.relative_to(KOERS)}:{node.lineno}"
                calls.append((where, node.args[2], node.args[3]))
    return calls


def _pattern(node: ast.expr) -> re.Pattern[str] | None:
    """A literal or f-string as a pattern (each formatted part: anything); None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value))
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values]
        return re.compile("".join(parts))
    return None


def test_every_summary_an_action_writes_is_in_the_list():
    calls = _audit_calls()
    assert len(calls) > 90
    samples = [(s.action, sample(s.english)[0]) for s in SUMMARIES]
    missing = []
    for where, action_node, summary_node in calls:
        action, summary = _pattern(action_node), _pattern(summary_node)
        if summary is None:  # a variable: its sentences are listed by hand
            continue
        if not any(
            summary.fullmatch(text)
            and (
                action is None  # chosen by a condition in the call
                or action.fullmatch(act)
                or (act.endswith((".", "_")) and action.fullmatch(act + "x"))
            )
            for act, text in samples
        ):
            missing.append(where)
    assert not missing, "audit summaries without a translation: " + ", ".join(missing)


@pytest.mark.django_db
def test_the_audit_page_in_dutch_shows_new_and_old_rows_in_dutch(acme, anna, client_for):
    actions.invite_member(acme, anna, role=Role.EDITOR, email="eva@example.nl")
    # A row written long ago, before summaries were translated when shown.
    AuditEvent.objects.create(
        workspace=acme, actor=anna, action="listening.topic.delete", summary="deleted topic Oud"
    )
    page = (
        client_for(anna)
        .get(reverse("audit-log", args=[acme.slug]), HTTP_ACCEPT_LANGUAGE="nl")
        .content.decode()
    )
    assert "werkruimte Acme Fietsen aangemaakt" in page
    assert "eva@example.nl uitgenodigd als" in page
    assert "onderwerp Oud verwijderd" in page
    assert 'lang="en"' not in page.split("<table", 1)[1]
    assert "deleted topic" not in page and "invited eva" not in page
    english = (
        client_for(anna)
        .get(reverse("audit-log", args=[acme.slug]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "deleted topic Oud" in english and "created workspace Acme Fietsen" in english
