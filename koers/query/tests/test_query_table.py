"""The query language as one table: (query, post, expected) for every feature and error.

A post is given as its text, or as a dict with metadata. ``expected`` is True/False for a
match, or ``Err(code, position)`` for a query that must be rejected.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from koers.query import Post, QueryError, compile_query, compile_topics


class Err(NamedTuple):
    code: str
    position: int


PostSpec = str | dict[str, object]

NL_POST: dict[str, object] = {
    "text": "Mijn bestelling bij @Koffiehuis is eindelijk binnen #koffie https://shop.koffie.nl/x",
    "lang": "nl-NL",
    "author": "@Anna@mastodon.social",
    "network": "Mastodon",
    "links": ["https://www.Example.nl/artikel?id=3"],
    "country": "NL",
}
EN_POST: dict[str, object] = {
    "text": "Great coffee at the new place",
    "lang": "en",
    "author": "bram.bsky.social",
    "network": "bluesky",
}

CASES: list[tuple[str, PostSpec, bool | Err]] = [
    # --- single terms: whole tokens, case and accents ignored
    ("cafe", "Ik zit in het Café", True),
    ("CAFÉ", "ik zit in het cafe", True),
    ("café", "CAFE open", True),
    ("cafe", "cafetaria open", False),
    ("cafe", "het cafés", False),
    ("koffie", "Koffie!", True),
    ("koffie", "(koffie)", True),
    ("koffie", "koffie-automaat", True),
    ("koffie", "koffieautomaat", False),
    ("straße", "Strasse gesperrt", True),
    ("strasse", "STRAẞE gesperrt", True),
    ("naïef", "wat naief", True),
    ("zoë", "Zoe komt", True),
    ("ĳs", "ĳs en weder", True),
    ("2024", "in 2024 gebeurd", True),
    ("2024", "in 20245", False),
    ("co2", "minder CO2-uitstoot", True),
    ("über", "uber alles", True),
    ("ångström", "1 angstrom", True),
    ("москва", "Москва сегодня", True),
    ("東京", "東京 tower", True),
    ("a", "b c", False),
    # --- several terms: adjacency means AND
    ("koffie thee", "thee en koffie", True),
    ("koffie thee", "alleen koffie", False),
    ("koffie AND thee", "thee en koffie", True),
    ("koffie AND thee", "alleen thee", False),
    # --- lowercase operators are plain words
    ("koffie and thee", "koffie and thee", True),
    ("koffie and thee", "koffie thee", False),
    ("koffie or thee", "koffie thee", False),
    ("koffie or thee", "koffie or thee", True),
    ("not bad", "not bad at all", True),
    ("not bad", "bad", False),
    ("near", "near the station", True),
    # --- OR
    ("koffie OR thee", "alleen thee", True),
    ("koffie OR thee", "alleen water", False),
    ("koffie OR thee OR water", "water", True),
    # --- NOT
    ("koffie NOT thee", "koffie", True),
    ("koffie NOT thee", "koffie en thee", False),
    ("koffie AND NOT thee", "koffie en thee", False),
    ("koffie -thee", "koffie thee", True),  # a dash is not NOT: it only separates tokens
    ("NOT thee koffie", "koffie", True),
    ("NOT thee koffie", "koffie thee", False),
    ("koffie NOT (thee OR water)", "koffie water", False),
    ("koffie NOT (thee OR water)", "koffie melk", True),
    ("koffie NOT NOT thee", "koffie thee", True),
    ("koffie NOT NOT thee", "koffie", False),
    # --- precedence: NOT > AND > OR
    ("a OR b c", "b", False),
    ("a OR b c", "a", True),
    ("a OR b c", "b c", True),
    ("a b OR c", "c", True),
    ("a b OR c", "a", False),
    ("a AND b OR c AND d", "c d", True),
    ("a AND b OR c AND d", "a d", False),
    ("(a OR b) c", "b c", True),
    ("(a OR b) c", "b", False),
    ("a NOT b OR c", "a b", False),
    ("a NOT b OR c", "a b c", True),
    ("((a))", "a", True),
    ("(a (b OR (c d)))", "a c d", True),
    ("(a (b OR (c d)))", "a c", False),
    ("a(b)", "a b", True),
    # --- multi-token terms are phrases
    ("e-bike", "Mijn E-bike is kapot", True),
    ("e-bike", "een e bike", True),
    ("e-bike", "ebike", False),
    ("e-bike", "bike e", False),
    ("e-mail", "stuur een e.mail", True),
    ("l'oréal", "L’Oreal shampoo", True),
    ("jan@example.nl", "mail jan at example nl", False),
    ("jan@example.nl", "mail jan@example.nl", True),
    # --- exact phrases
    ('"slechte service"', "wat een slechte service", True),
    ('"slechte service"', "service was slechte", False),
    ('"slechte service"', "slechte, service!", True),
    ('"slechte service"', "slechte klanten service", False),
    ('"Slechte SERVICE"', "SLECHTE service", True),
    ('"de bank"', "de bank", True),
    ('"a b a"', "a b a", True),
    ('"a b a"', "a b b a", False),
    ("“slechte service”", "slechte service", True),
    ("„slechte service”", "slechte service", True),
    ('"koffie"', "koffie", True),
    ('"koffie*"', "koffie", True),  # inside quotes * only separates
    ('"koffie*"', "koffiebar", False),
    ('"#koffie bar"', "#koffie bar", True),
    ('"#koffie bar"', "koffie bar", False),
    ('"koffie bar"', "#koffie bar", True),
    ('"koffie bar"', "@koffie bar", False),
    ('"koffie bar" thee', "thee bij de koffie bar", True),
    # --- phrases with a window: all words, any order, within len + n tokens
    ('"slechte service"~0', "service slechte", True),
    ('"slechte service"~0', "slechte x service", False),
    ('"slechte service"~1', "slechte x service", True),
    ('"slechte service"~1', "service x slechte", True),
    ('"slechte service"~1', "slechte x y service", False),
    ('"slechte service"~3', "slechte x y z service", True),
    ('"slechte service"~3', "alleen service", False),
    ('"a a"~1', "a b", False),
    ('"a a"~1', "a b a", True),
    ('"a b c"~1', "c x a b", True),
    ('"a b c"~1', "c x y a b", False),
    ('"a b"~5 OR z', "z", True),
    # --- NEAR / ONEAR: at most n tokens between, overlap not allowed
    ("koffie NEAR/0 thee", "koffie thee", True),
    ("koffie NEAR/0 thee", "thee koffie", True),
    ("koffie NEAR/0 thee", "koffie en thee", False),
    ("koffie NEAR/1 thee", "koffie en thee", True),
    ("koffie NEAR/1 thee", "thee en koffie", True),
    ("koffie NEAR/2 thee", "koffie a b c thee", False),
    ("koffie NEAR/3 thee", "koffie a b c thee", True),
    ("koffie ONEAR/3 thee", "koffie a b c thee", True),
    ("koffie ONEAR/3 thee", "thee a b c koffie", False),
    ("koffie ONEAR/3 thee", "thee a koffie b thee", True),
    ("koffie NEAR/3 koffie", "koffie", False),
    ("koffie NEAR/3 koffie", "koffie en koffie", True),
    ('"slechte service" NEAR/2 bank', "bank heeft slechte service", True),
    ('"slechte service" NEAR/0 bank', "slechte service bank", True),
    ('"slechte service" ONEAR/0 bank', "bank slechte service", False),
    ('"slechte service" NEAR/1 bank', "slechte bank service", False),
    ("(koffie OR thee) NEAR/1 lekker", "thee is lekker", True),
    ("(koffie OR thee) NEAR/1 lekker", "thee is niet lekker", False),
    ('(koffie OR "verse thee") NEAR/0 lekker', "verse thee lekker", True),
    ("((koffie OR thee) OR water) NEAR/0 lekker", "water lekker", True),
    ("klant* NEAR/1 boos", "klanten zijn boos", True),
    ("#koffie NEAR/1 lekker", "koffie lekker", False),
    ("#koffie NEAR/1 lekker", "#koffie lekker", True),
    ('"a b"~1 NEAR/0 c', "b x a c", True),
    ('"a b"~3 NEAR/0 c', "a b x b c", True),  # the longer occurrence a..b ends next to c
    ('"a b"~3 NEAR/0 c', "a b x y b z c", False),
    ('c NEAR/0 "a b"~3', "c a x a b", True),
    ('"a b" NEAR/0 "b c"', "a b c", False),  # operands may not share a token
    ('"a b" NEAR/0 "b c"', "a b b c", True),
    ('#koffie NEAR/0 "koffie bar"~1', "#koffie bar", False),
    ("x NEAR/5 y OR z", "z", True),
    ("NOT x NEAR/1 y z", "z x y", False),
    ("NOT x NEAR/1 y z", "z x a b y", True),
    ("koffie NEAR/1 thee", "koffie", False),
    # --- wildcards
    ("klant*", "Klantenservice belt terug", True),
    ("klant*", "de klant", True),
    ("klant*", "deklant", False),
    ("klant*", "#klantvriendelijk", True),
    ("klant*", "@klantje", False),
    ("#klant*", "#klantvriendelijk", True),
    ("#klant*", "klantvriendelijk", False),
    ("@klant*", "@klantje", True),
    ("klänt*", "KLANTEN", True),
    ("organi?ation", "Organization", True),
    ("organi?ation", "organisation", True),
    ("organi?ation", "organiation", False),
    ("organi?ation", "organizations", False),
    ("organi?ation*", "organizations", True),
    ("?offie", "koffie", True),
    ("?offie", "offie", False),
    ("k?ffie", "#kaffie", True),
    ("kla*t", "klaagt", True),
    ("kla*t", "klaag", False),
    ("klant**", "klanten", True),
    ("e-bik*", "e-bikes", True),
    ("e-bik*", "bikes", False),
    # --- hashtags and mentions
    ("#koffie", "ik drink #koffie", True),
    ("#koffie", "ik drink koffie", False),
    ("#Koffie", "ik drink #KOFFIE", True),
    ("koffie", "ik drink #koffie", True),
    ("koffie", "groeten aan @koffie", False),
    ("@koffie", "groeten aan @koffie", True),
    ("@koffie", "ik drink #koffie", False),
    ("@koffie", "ik drink koffie", False),
    ("#koffie", "groeten aan @koffie", False),
    ("@jan", "@jan@mastodon.social zegt", True),
    ("@mastodon", "@jan@mastodon.social zegt", False),
    ("mastodon", "@jan@mastodon.social zegt", True),
    ("@example", "jan@example.nl", False),
    ("#x", "C#x", False),
    ("#koffie", "#koffie_bar", True),
    ("#e-bike", "#e-bike", True),
    ("#e-bike", "e-bike", False),
    ("#café", "#cafe", True),
    ("#koffie OR @koffie", "@koffie", True),
    # --- fields
    ("koffie lang:nl", {"text": "koffie", "lang": "nl"}, True),
    ("koffie lang:nl", {"text": "koffie", "lang": "nl-BE"}, True),
    ("koffie lang:nl", {"text": "koffie", "lang": "NL"}, True),
    ("koffie lang:nl", {"text": "koffie", "lang": "en"}, False),
    ("koffie lang:nl", {"text": "koffie"}, False),
    ("koffie NOT lang:en", {"text": "koffie"}, True),
    ("koffie lang:NL", {"text": "koffie", "lang": "nl"}, True),
    ("koffie LANG:nl", {"text": "koffie", "lang": "nl"}, True),
    ("bestelling author:anna", NL_POST, True),
    ("bestelling author:@Anna", NL_POST, True),
    ("bestelling author:anna@mastodon.social", NL_POST, True),
    ("bestelling author:anna@other.social", NL_POST, False),
    ("bestelling author:bram", NL_POST, False),
    ("coffee author:bram.bsky.social", EN_POST, True),
    ("coffee author:bram", EN_POST, False),
    ("bestelling network:mastodon", NL_POST, True),
    ("bestelling network:bluesky", NL_POST, False),
    ("coffee network:bluesky", EN_POST, True),
    ("koffie network:rss", {"text": "koffie", "network": "rss"}, True),
    ("koffie network:import", {"text": "koffie", "network": "import"}, True),
    ("bestelling site:example.nl", NL_POST, True),
    ("bestelling site:www.example.nl", NL_POST, True),
    ("bestelling site:https://example.nl/", NL_POST, True),
    ("bestelling site:koffie.nl", NL_POST, True),
    ("bestelling site:shop.koffie.nl", NL_POST, True),
    ("bestelling site:nl", NL_POST, True),
    ("bestelling site:ample.nl", NL_POST, False),
    ("bestelling site:other.nl", NL_POST, False),
    ("coffee site:example.nl", EN_POST, False),
    ("bestelling country:nl", NL_POST, True),
    ("bestelling country:be", NL_POST, False),
    ("coffee country:nl", EN_POST, False),
    ("bestelling lang:nl network:mastodon country:nl", NL_POST, True),
    ("(koffie lang:nl) OR (coffee lang:en)", EN_POST, True),
    ("(koffie lang:nl) OR (coffee lang:en)", {"text": "coffee", "lang": "nl"}, False),
    ('"lang:nl"', "lang nl", True),
    ("12:30", "om 12:30 uur", True),
    # --- errors: exact code and 0-based position
    ("", "x", Err("empty_query", 0)),
    ("   ", "x", Err("empty_query", 0)),
    ("!!! ,", "x", Err("empty_query", 0)),
    ("(koffie", "x", Err("unbalanced_parenthesis", 0)),
    ("koffie)", "x", Err("unbalanced_parenthesis", 6)),
    ("(a (b)", "x", Err("unbalanced_parenthesis", 0)),
    ("a) (b", "x", Err("unbalanced_parenthesis", 1)),
    ("(a AND", "x", Err("unbalanced_parenthesis", 0)),
    ('"slechte service', "x", Err("unbalanced_quote", 0)),
    ('koffie "a" "b', "x", Err("unbalanced_quote", 11)),
    ('("a)"', "x", Err("unbalanced_parenthesis", 0)),
    ("koffie AND", "x", Err("missing_operand", 7)),
    ("AND koffie", "x", Err("missing_operand", 0)),
    ("koffie OR", "x", Err("missing_operand", 7)),
    ("OR koffie", "x", Err("missing_operand", 0)),
    ("koffie OR OR thee", "x", Err("missing_operand", 7)),
    ("koffie AND OR thee", "x", Err("missing_operand", 7)),
    ("koffie NOT", "x", Err("missing_operand", 7)),
    ("NOT", "x", Err("missing_operand", 0)),
    ("(koffie AND) thee", "x", Err("missing_operand", 8)),
    ("(OR koffie)", "x", Err("missing_operand", 1)),
    ("koffie NEAR/3", "x", Err("missing_operand", 7)),
    ("NEAR/3 koffie", "x", Err("missing_operand", 0)),
    ("koffie NEAR thee", "x", Err("near_without_number", 7)),
    ("koffie NEAR/ thee", "x", Err("near_without_number", 7)),
    ("koffie NEAR/x thee", "x", Err("near_without_number", 7)),
    ("koffie NEAR/-1 thee", "x", Err("near_without_number", 7)),
    ("koffie ONEAR thee", "x", Err("near_without_number", 7)),
    ("koffie NEAR /3 thee", "x", Err("near_without_number", 7)),
    ("a NEAR/2 b NEAR/2 c", "x", Err("bad_near_operand", 11)),
    ("a NEAR/2 (b c)", "x", Err("bad_near_operand", 2)),
    ("(a b) NEAR/2 c", "x", Err("bad_near_operand", 6)),
    ("a NEAR/2 NOT b", "x", Err("bad_near_operand", 2)),
    ("a NEAR/2 lang:nl", "x", Err("bad_near_operand", 2)),
    ("a NEAR/2 (b OR lang:nl)", "x", Err("bad_near_operand", 2)),
    ("foo:bar koffie", "x", Err("unknown_field", 0)),
    ("koffie taal:nl", "x", Err("unknown_field", 7)),
    ("koffie https://example.nl", "x", Err("unknown_field", 7)),
    ("koffie lang:", "x", Err("bad_field_value", 7)),
    ("koffie lang:nederlands", "x", Err("bad_field_value", 7)),
    ("koffie network:twitter", "x", Err("bad_field_value", 7)),
    ("koffie author:@", "x", Err("bad_field_value", 7)),
    ("koffie country:", "x", Err("bad_field_value", 7)),
    ("koffie site:", "x", Err("bad_field_value", 7)),
    ("NOT koffie", "x", Err("no_positive_term", 0)),
    ("lang:nl", "x", Err("no_positive_term", 0)),
    ("lang:nl network:rss", "x", Err("no_positive_term", 0)),
    ("koffie OR lang:nl", "x", Err("no_positive_term", 10)),
    ("koffie OR NOT thee", "x", Err("no_positive_term", 10)),
    ("(lang:nl NOT thee) OR koffie", "x", Err("no_positive_term", 1)),
    ("NOT (koffie thee)", "x", Err("no_positive_term", 0)),
    ("kl*", "x", Err("wildcard_prefix", 0)),
    ("koffie k*", "x", Err("wildcard_prefix", 7)),
    ("koffie ab?*", "x", Err("wildcard_prefix", 7)),
    ("koffie *", "x", Err("wildcard_prefix", 7)),
    ("koffie e-bi*", "x", Err("wildcard_prefix", 7)),
    ("#kl*", "x", Err("wildcard_prefix", 0)),
    ("koffie ()", "x", Err("empty_group", 7)),
    ('koffie ""', "x", Err("empty_phrase", 7)),
    ('koffie "!?"', "x", Err("empty_phrase", 7)),
    ('"a b"~ koffie', "x", Err("bad_proximity", 5)),
    ('"a b"~x', "x", Err("bad_proximity", 5)),
]


def _post(spec: PostSpec) -> Post:
    data = {"text": spec} if isinstance(spec, str) else spec
    return Post.from_dict({"id": "p", **data})


def _case_id(case: tuple[str, PostSpec, bool | Err]) -> str:
    query, spec, expected = case
    text = spec if isinstance(spec, str) else str(spec.get("text"))[:20]
    outcome = expected.code if isinstance(expected, Err) else ("match" if expected else "no")
    return f"{query} | {text} -> {outcome}"


def test_the_table_has_at_least_150_cases() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_query_against_post_gives_the_expected_outcome(
    case: tuple[str, PostSpec, bool | Err],
) -> None:
    query, spec, expected = case
    if isinstance(expected, Err):
        with pytest.raises(QueryError) as caught:
            compile_query(query)
        assert (caught.value.code, caught.value.position) == expected
    else:
        assert compile_query(query).matches(_post(spec)) is expected


def test_topic_set_agrees_with_single_matchers_on_every_table_post() -> None:
    valid = {
        number: query
        for number, (query, _spec, expected) in enumerate(CASES)
        if not isinstance(expected, Err)
    }
    topic_set = compile_topics(valid)
    single = {number: compile_query(query) for number, query in valid.items()}
    for _query, spec, _expected in CASES:
        post = _post(spec)
        expected_ids = {number for number, matcher in single.items() if matcher.matches(post)}
        assert topic_set.match(post) == expected_ids, spec
