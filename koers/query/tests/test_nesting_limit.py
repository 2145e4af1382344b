"""Deeply nested queries are refused with a positioned error, never a RecursionError."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from koers.query import And, Not, QueryError, Term, compile_query, compile_topics, normalize, parse
from koers.query.cli import EXIT_ERROR, main
from koers.query.nodes import depth
from koers.query.parser import MAX_DEPTH, MAX_TREE_DEPTH


def nested(levels: int) -> str:
    return "(" * levels + "a b" + ")" * levels


def test_two_hundred_nested_parentheses_give_a_too_deep_error_at_the_first_excess_parenthesis() -> (
    None
):
    with pytest.raises(QueryError) as caught:
        parse(nested(200))
    assert caught.value.code == "too_deep"
    assert caught.value.position == MAX_DEPTH  # the 51st "(" (0-based index 50)
    assert "50" in caught.value.message("en")
    assert "50" in caught.value.message("nl")


def test_a_long_chain_of_not_counts_as_nesting_too() -> None:
    query = "a " + "NOT " * 2000 + "b"
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.code == "too_deep"


def test_queries_at_the_limit_still_parse_compile_and_match() -> None:
    query = nested(MAX_DEPTH)
    matcher = compile_query(query)
    assert matcher.matches({"id": 1, "text": "a b"})
    assert parse(normalize(query)) == parse(query)
    mixed = "x " + "(y OR " * (MAX_DEPTH // 2) + "NOT " * (MAX_DEPTH // 2) + "z"
    mixed += ")" * (MAX_DEPTH // 2)
    assert compile_query(mixed).matches({"id": 1, "text": "x z"}) is False


def test_every_parsed_tree_fits_the_tree_limit() -> None:
    # The deepest trees the parser can build: one level of parentheses adds OR and AND,
    # NOT adds one, NEAR with an OR group adds two at the bottom.
    groups = MAX_DEPTH - 1  # the NEAR operand's group is the last level
    worst = "a OR " + "(b OR c " * groups + "d NEAR/2 (e OR f)" + ")" * groups
    assert depth(parse(worst)) <= MAX_TREE_DEPTH
    nots = "a " + "NOT " * (MAX_DEPTH - 2) + "(b NEAR/1 (c OR d))"
    assert depth(parse(nots)) <= MAX_TREE_DEPTH
    assert depth(parse(worst)) > MAX_TREE_DEPTH - 5  # the bound is tight, not arbitrary


def test_hand_built_trees_deeper_than_the_limit_are_refused_by_compile_and_normalize() -> None:
    node: And | Not = And((Term("a"), Term("b")))
    for _ in range(5000):
        node = And((Term("a"), Not(node)))
    with pytest.raises(QueryError) as caught:
        compile_query(node)
    assert caught.value.code == "too_deep"
    with pytest.raises(QueryError):
        compile_topics({1: node})
    with pytest.raises(QueryError):
        normalize(node)


def test_query_check_on_the_command_line_reports_the_nesting_error_with_exit_code_2() -> None:
    out = io.StringIO()
    status = main(["check", nested(200)], stdout=out, stderr=io.StringIO())
    assert status == EXIT_ERROR == 2
    result = json.loads(out.getvalue())
    assert result["ok"] is False
    assert result["code"] == "too_deep"


def test_koers_query_check_exits_with_status_2_on_a_deeply_nested_query() -> None:
    result = subprocess.run(  # noqa: S603 - our own command with a fixed argument list
        [sys.executable, "-m", "koers", "query", "check", nested(200)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert json.loads(result.stdout)["code"] == "too_deep"
    assert "RecursionError" not in result.stderr
