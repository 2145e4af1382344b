"""The social media policy: sections, completeness and the public-body template (pure)."""

from __future__ import annotations

import re

import pytest

from koers.strategy.rules import POLICY_FIELDS, POLICY_SECTIONS, fill_from_template, policy_status

SECTIONS = (
    "who_may_post", "accounts_and_passwords", "tone_of_voice", "response_times", "crisis",
    "escalation", "personal_use", "never_posted",
)  # fmt: skip


def test_the_policy_answers_the_eight_questions_of_the_source_text() -> None:
    assert POLICY_FIELDS == SECTIONS
    for section in POLICY_SECTIONS:
        for text in (section.title, section.question, section.public_body):
            assert text["en"].strip() and text["nl"].strip()


def test_the_dutch_template_says_je_never_u() -> None:
    for section in POLICY_SECTIONS:
        for text in (section.title["nl"], section.question["nl"], section.public_body["nl"]):
            assert not re.search(r"\b(u|uw)\b", text, re.IGNORECASE), section.id


def test_the_template_warns_about_unresearched_hashtags() -> None:
    never = next(s for s in POLICY_SECTIONS if s.id == "never_posted")
    assert "#Aurora" in never.public_body["nl"] and "#Aurora" in never.public_body["en"]


@pytest.mark.parametrize(
    ("texts", "missing"),
    [
        ({}, list(SECTIONS)),
        ({s: "x" for s in SECTIONS}, []),
        ({**{s: "x" for s in SECTIONS}, "crisis": "  \n"}, ["crisis"]),
        ({"who_may_post": "x", "never_posted": "x"}, [s for s in SECTIONS[1:-1]]),
    ],
)
def test_the_policy_is_complete_when_every_section_has_text(
    texts: dict[str, str], missing: list[str]
) -> None:
    status = policy_status(texts)
    assert status.complete is (not missing)
    assert len(status.missing) == len(missing)
    questions = {s.id: s.question for s in POLICY_SECTIONS}
    for reason, section_id in zip(status.missing, missing, strict=True):
        assert questions[section_id]["nl"] in reason.message["nl"]
        assert questions[section_id]["en"] in reason.message["en"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_template_fills_only_empty_sections(lang: str) -> None:
    filled = fill_from_template({"tone_of_voice": "Zoals wij praten.", "crisis": " "}, lang)
    assert "tone_of_voice" not in filled
    assert set(filled) == set(SECTIONS) - {"tone_of_voice"}
    crisis = next(s for s in POLICY_SECTIONS if s.id == "crisis")
    assert filled["crisis"] == crisis.public_body[lang]
