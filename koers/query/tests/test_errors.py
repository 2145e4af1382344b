"""QueryError: codes, positions and the bilingual message catalogue."""

from __future__ import annotations

import re

import pytest

from koers.query import MESSAGES, QueryError, compile_topics, parse

# One failing query per code, so every message is rendered at least once.
EXAMPLES = {
    "empty_query": "",
    "unbalanced_parenthesis": "a (b",
    "unbalanced_quote": 'a "b',
    "missing_operand": "a OR",
    "near_without_number": "a NEAR b",
    "bad_near_operand": "a NEAR/2 NOT b",
    "unknown_field": "a kleur:rood",
    "bad_field_value": "a network:twitter",
    "no_positive_term": "a OR NOT b",
    "wildcard_prefix": "a ab*",
    "empty_group": "a ()",
    "empty_phrase": 'a ""',
    "bad_proximity": 'a "b c"~',
    "too_deep": "(" * 51 + "a" + ")" * 51,
}


def test_every_code_has_an_example_and_an_english_and_dutch_message() -> None:
    assert set(EXAMPLES) == set(MESSAGES)
    for templates in MESSAGES.values():
        assert set(templates) == {"en", "nl"}


@pytest.mark.parametrize(("code", "query"), sorted(EXAMPLES.items()))
def test_each_message_says_what_and_where_in_both_languages(code: str, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    error = caught.value
    assert error.code == code
    english, dutch = error.message("en"), error.message("nl")
    assert english != dutch
    for message in (english, dutch):
        assert message.endswith(".")
        assert "{" not in message
        if code != "empty_query":
            assert re.search(rf"\b{error.position + 1}\b", message), message
    assert f"character {error.position + 1}" in english or code == "empty_query"
    assert f"teken {error.position + 1}" in dutch or code == "empty_query"


def test_missing_operand_says_before_or_after_in_both_languages() -> None:
    with pytest.raises(QueryError) as after:
        parse("koffie AND")
    assert after.value.message("en") == "A search term is missing after AND at character 8."
    assert after.value.message("nl") == "Er ontbreekt een zoekterm na AND bij teken 8."
    with pytest.raises(QueryError) as before:
        parse("OR koffie")
    assert before.value.message("en") == "A search term is missing before OR at character 1."
    assert before.value.message("nl") == "Er ontbreekt een zoekterm vóór OR bij teken 1."


def test_unknown_message_language_falls_back_to_english() -> None:
    error = QueryError("empty_query", 0)
    assert error.message("de") == error.message("en") == str(error)


def test_the_error_names_the_offending_text() -> None:
    with pytest.raises(QueryError) as caught:
        parse("koffie kleur:rood")
    assert '"kleur:"' in caught.value.message("nl")
    with pytest.raises(QueryError) as wildcard:
        parse("koffie ko*")
    assert '"ko*"' in wildcard.value.message("en")


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        QueryError("no_such_code", 0)


def test_compile_topics_says_which_topic_is_invalid() -> None:
    with pytest.raises(QueryError) as caught:
        compile_topics({"ok": "koffie", "broken": "koffie AND"})
    assert caught.value.topic_id == "broken"
    assert caught.value.code == "missing_operand"
