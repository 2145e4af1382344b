"""TopicSet: all topics of a workspace compiled once, with a prefilter."""

from __future__ import annotations

import pytest

from koers.query import (
    Field,
    Not,
    Post,
    QueryError,
    Term,
    compile_query,
    compile_topics,
    parse,
)
from koers.query.topics import Anchors, anchors


def test_match_returns_the_ids_of_all_matching_topics() -> None:
    topics = compile_topics(
        {
            "koffie": "koffie OR #koffie",
            "klanten": "klant* NEAR/2 boos",
            "service": '"slechte service" NOT bank',
            "nl": "thee lang:nl",
        }
    )
    post = Post("p", "Klanten boos over slechte service bij de koffie", lang="nl")
    assert topics.match(post) == {"koffie", "klanten", "service"}
    assert topics.match({"id": "q", "text": "thee", "lang": "nl"}) == {"nl"}
    assert len(topics) == 4


def test_only_topics_whose_anchor_occurs_are_candidates() -> None:
    topics = compile_topics({n: f"merk{n} OR #merk{n}app" for n in range(500)})
    post = Post("p", "vandaag merk7 en #merk9app gezien")
    assert len(topics.candidates(post)) == 2
    assert topics.match(post) == {7, 9}


def test_wildcard_topics_are_candidates_only_when_a_key_starts_with_their_prefix() -> None:
    topics = compile_topics({"klant": "klantenserv*", "org": "organi?ation"})
    assert topics.candidates(Post("p", "klant organ")) == set()
    assert topics.match(Post("p", "de klantenservice van de organisation")) == {"klant", "org"}


def test_a_topic_without_an_anchor_is_evaluated_for_every_post() -> None:
    topics = compile_topics({"short": "?b?", "word": "koffie"})
    assert topics.candidates(Post("p", "niets")) == {0}
    assert topics.match(Post("p", "abc")) == {"short"}


def test_anchors_choose_the_rarer_looking_side_of_and() -> None:
    assert anchors(parse("de #koffiebar")) == Anchors(exact=frozenset({"#koffiebar"}))
    assert anchors(parse('"de klantenservice" boos')) == Anchors(
        exact=frozenset({"klantenservice"})
    )


def test_anchors_of_or_share_keys_between_branches() -> None:
    assert anchors(parse('merk OR "merk app" OR #merk')) == Anchors(
        exact=frozenset({"merk", "#merk"})
    )


def test_anchors_of_negations_and_fields_are_not_used() -> None:
    assert anchors(parse("koffie NOT thee lang:nl")) == Anchors(exact=frozenset({"koffie"}))


def test_topics_may_be_given_as_parsed_trees() -> None:
    topics = compile_topics({1: parse("koffie"), 2: "thee"})
    assert topics.match(Post("p", "koffie en thee")) == {1, 2}
    assert topics.nodes[1] == parse("koffie")


def test_an_empty_topic_set_matches_nothing() -> None:
    assert compile_topics({}).match(Post("p", "koffie")) == set()


def test_a_hand_built_tree_without_a_positive_term_is_rejected() -> None:
    with pytest.raises(QueryError) as caught:
        compile_topics({"all": Not(Term("spam"))})
    assert (caught.value.code, caught.value.topic_id) == ("no_positive_term", "all")
    with pytest.raises(QueryError):
        compile_query(Field("lang", "nl"))
