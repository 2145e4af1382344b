"""Posts that repeat words many times must not make matching slow (ingest is one loop)."""

from __future__ import annotations

import time

import pytest

from koers.query import Post, compile_query

SPAM = " ".join(["koffie"] * 400 + ["klant"] + ["koffie"] * 400 + ["klanten"] * 200 + ["thee"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"koffie koffie koffie koffie klant"~80 NEAR/0 thee', False),
        ('"koffie koffie koffie koffie klant"~80', True),
        ('"koffie klanten"~3 NEAR/2 thee', False),
        ('"klanten klanten klanten"~3 ONEAR/0 thee', True),
        ('"klanten koffie klant"~4 NEAR/0 (koffie OR thee)', False),
        ('("koffie klant"~1 OR "koffie klanten") ONEAR/0 koffie', True),
        ('"koffie koffie" NEAR/0 (klant OR thee)', True),
        ("koff* NEAR/0 klant*", True),
    ],
)
def test_proximity_on_a_post_repeating_words_hundreds_of_times_stays_fast(
    query: str, expected: bool
) -> None:
    matcher = compile_query(query)
    post = Post("spam", SPAM)
    started = time.process_time()
    assert matcher.matches(post) is expected
    # Typically a few milliseconds; exponential search would take minutes.
    assert time.process_time() - started < 2.0
