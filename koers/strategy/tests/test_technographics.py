"""Social Technographics: frequencies, rung membership, survey files, benchmarks, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koers.strategy.technographics.benchmarks import BENCHMARKS, compare
from koers.strategy.technographics.cli import main
from koers.strategy.technographics.ladder import (
    ACTIVITY_IDS,
    RUNG_ACTIVITIES,
    Frequency,
    Rung,
    UnknownFrequencyError,
    parse_frequency,
    rungs_for,
)
from koers.strategy.technographics.messages import SurveyError
from koers.strategy.technographics.profile import (
    build_profile,
    check_inactives_bound,
    profile_from_bytes,
    sanity_warnings,
)
from koers.strategy.technographics.report import format_table, round_pct, to_json
from koers.strategy.technographics.survey import DUTCH_HEADERS, map_header, read_survey
from koers.strategy.technographics.tactics import (
    DEFAULT_TACTICS,
    PARTICIPATION_90_9_1,
    ParticipationRule,
    expected_participation,
    suggest_tactics,
)

DATA = Path(__file__).parent / "data"

F = Frequency
ALL_NEVER = dict.fromkeys(ACTIVITY_IDS, F.NEVER)


def answers(**overrides: Frequency) -> dict[str, Frequency | None]:
    """A respondent who answered every activity 'never' except the overrides."""
    return {**ALL_NEVER, **overrides}


# --- activity ids -----------------------------------------------------------------------------


def test_activity_ids_per_rung_are_exactly_the_domain_list() -> None:
    assert RUNG_ACTIVITIES[Rung.CREATORS] == (
        "publish_blog",
        "publish_webpage",
        "upload_video",
        "upload_audio",
        "write_articles",
    )
    assert RUNG_ACTIVITIES[Rung.CONVERSATIONALISTS] == ("update_status", "post_microblog")
    assert RUNG_ACTIVITIES[Rung.CRITICS] == (
        "post_reviews",
        "comment_blogs",
        "contribute_forums",
        "edit_wikis",
    )
    assert RUNG_ACTIVITIES[Rung.COLLECTORS] == ("use_rss", "tag_content", "vote_websites")
    assert RUNG_ACTIVITIES[Rung.JOINERS] == ("maintain_profile", "visit_social_networks")
    assert RUNG_ACTIVITIES[Rung.SPECTATORS] == (
        "read_blogs",
        "watch_video",
        "listen_podcasts",
        "read_forums",
        "read_reviews",
    )
    assert len(ACTIVITY_IDS) == 21


def test_every_dutch_header_maps_to_a_real_activity() -> None:
    assert set(DUTCH_HEADERS.values()) <= ACTIVITY_IDS
    # every activity can be written in Dutch
    assert set(DUTCH_HEADERS.values()) == ACTIVITY_IDS


# --- frequency parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("daily", F.DAILY),
        ("Weekly", F.WEEKLY),
        ("  MONTHLY ", F.MONTHLY),
        ("less", F.LESS),
        ("less often", F.LESS),
        ("Less   Often", F.LESS),
        ("never", F.NEVER),
        ("dagelijks", F.DAILY),
        ("Wekelijks", F.WEEKLY),
        ("maandelijks", F.MONTHLY),
        ("minder", F.LESS),
        ("minder vaak", F.LESS),
        ("NOOIT", F.NEVER),
    ],
)
def test_frequency_words_in_english_and_dutch_are_understood(word: str, expected: F) -> None:
    assert parse_frequency(word) is expected


def test_blank_frequency_is_no_answer() -> None:
    assert parse_frequency("   ") is None


def test_unknown_frequency_word_is_refused_not_read_as_never() -> None:
    with pytest.raises(UnknownFrequencyError):
        parse_frequency("sometimes")


def test_frequencies_are_ordinal() -> None:
    assert F.DAILY > F.WEEKLY > F.MONTHLY > F.LESS > F.NEVER


# --- rung membership --------------------------------------------------------------------------


def test_monthly_status_update_is_not_enough_for_conversationalists() -> None:
    assert rungs_for(answers(update_status=F.MONTHLY)) == {Rung.INACTIVES}


def test_weekly_status_update_makes_a_conversationalist() -> None:
    assert rungs_for(answers(post_microblog=F.WEEKLY)) == {Rung.CONVERSATIONALISTS}


def test_monthly_is_exactly_enough_for_the_other_rungs() -> None:
    assert rungs_for(answers(publish_blog=F.MONTHLY)) == {Rung.CREATORS}
    assert rungs_for(answers(edit_wikis=F.MONTHLY)) == {Rung.CRITICS}
    assert rungs_for(answers(vote_websites=F.MONTHLY)) == {Rung.COLLECTORS}
    assert rungs_for(answers(visit_social_networks=F.MONTHLY)) == {Rung.JOINERS}
    assert rungs_for(answers(read_reviews=F.MONTHLY)) == {Rung.SPECTATORS}


def test_less_than_monthly_counts_for_nothing() -> None:
    assert rungs_for(dict.fromkeys(ACTIVITY_IDS, F.LESS)) == {Rung.INACTIVES}


def test_rungs_overlap_for_one_respondent() -> None:
    result = rungs_for(answers(upload_video=F.DAILY, watch_video=F.DAILY, post_reviews=F.WEEKLY))
    assert result == {Rung.CREATORS, Rung.SPECTATORS, Rung.CRITICS}


def test_all_never_respondent_is_only_inactive() -> None:
    assert rungs_for(ALL_NEVER) == {Rung.INACTIVES}


def test_blank_answers_count_as_no_membership() -> None:
    assert rungs_for({"publish_blog": None, "read_blogs": F.WEEKLY}) == {Rung.SPECTATORS}


# --- profiles ---------------------------------------------------------------------------------


def test_profile_counts_overlapping_rungs_and_exclusive_inactives() -> None:
    profile = build_profile(
        [
            answers(publish_blog=F.DAILY, read_blogs=F.DAILY),
            answers(read_blogs=F.MONTHLY),
            ALL_NEVER,
            answers(update_status=F.MONTHLY),  # too rare for Conversationalists
        ]
    )
    assert profile.respondents == 4
    assert profile.rungs[Rung.CREATORS].members == 1
    assert profile.pct(Rung.CREATORS) == 25.0
    assert profile.pct(Rung.SPECTATORS) == 50.0
    assert profile.pct(Rung.CONVERSATIONALISTS) == 0.0
    assert profile.pct(Rung.INACTIVES) == 50.0
    assert profile.unknown_rungs == ()


def test_rung_without_columns_is_unknown_not_zero() -> None:
    profile = build_profile([{"publish_blog": F.NEVER, "read_blogs": F.WEEKLY}])
    assert profile.pct(Rung.CREATORS) == 0.0
    assert profile.pct(Rung.CONVERSATIONALISTS) is None
    assert profile.rungs[Rung.JOINERS].members is None
    assert set(profile.unknown_rungs) == {
        Rung.CONVERSATIONALISTS,
        Rung.CRITICS,
        Rung.COLLECTORS,
        Rung.JOINERS,
    }
    codes = [w.code for w in profile.warnings]
    assert codes.count("unknown_rung") == 4
    assert "onbekend" in profile.warnings[0].message["nl"]


def test_profile_of_nobody_has_no_percentages() -> None:
    profile = build_profile([], ACTIVITY_IDS)
    assert profile.respondents == 0
    assert profile.pct(Rung.CREATORS) is None
    assert profile.pct(Rung.INACTIVES) is None


def test_profile_rejects_answers_for_unknown_activities() -> None:
    with pytest.raises(ValueError, match="not activity ids"):
        build_profile([{"juggling": F.DAILY}])


# --- sanity bound on Inactives ----------------------------------------------------------------


def test_published_benchmarks_satisfy_the_inactives_bound() -> None:
    for benchmark in (BENCHMARKS["us-2007"], BENCHMARKS["us-2009q4"]):
        assert check_inactives_bound(benchmark.percentages).ok is True


def test_inactives_bound_is_computed_from_sum_and_max_of_the_others() -> None:
    bound = check_inactives_bound(
        {Rung.CREATORS: 10.0, Rung.CRITICS: 20.0, Rung.SPECTATORS: 30.0, Rung.INACTIVES: 45.0}
    )
    assert (bound.low, bound.high) == (40.0, 70.0)
    assert bound.ok is True


def test_inactives_above_100_minus_largest_rung_is_impossible() -> None:
    bound = check_inactives_bound({Rung.SPECTATORS: 60.0, Rung.INACTIVES: 45.0})
    assert bound.high == 40.0
    assert bound.ok is False


def test_inactives_below_100_minus_sum_is_impossible() -> None:
    bound = check_inactives_bound({Rung.CREATORS: 10.0, Rung.JOINERS: 10.0, Rung.INACTIVES: 70.0})
    assert bound.low == 80.0
    assert bound.ok is False


def test_inactives_bound_tolerates_rounding_of_published_figures() -> None:
    assert check_inactives_bound({Rung.SPECTATORS: 60.0, Rung.INACTIVES: 40.4}).ok is True
    assert check_inactives_bound({Rung.SPECTATORS: 60.0, Rung.INACTIVES: 40.4}, tolerance=0).ok is (
        False
    )


def test_inactives_bound_has_nothing_to_check_when_inactives_unknown() -> None:
    assert check_inactives_bound(BENCHMARKS["europe-2007"].percentages).ok is None


def test_a_computed_profile_always_satisfies_the_bound() -> None:
    profile = profile_from_bytes((DATA / "survey_basic.csv").read_bytes())
    assert check_inactives_bound(profile.percentages()).ok is True
    assert sanity_warnings(profile) == ()


# --- survey files -----------------------------------------------------------------------------


def test_comma_separated_utf8_survey_gives_hand_computed_profile() -> None:
    survey = read_survey((DATA / "survey_basic.csv").read_bytes())
    assert survey.delimiter == ","
    assert survey.id_column == "respondent_id"
    assert [r.respondent_id for r in survey.respondents] == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert [w.column for w in survey.warnings] == ["favourite_colour"]

    profile = profile_from_bytes((DATA / "survey_basic.csv").read_bytes())
    assert profile.respondents == 6
    assert profile.rungs[Rung.CREATORS].members == 2
    assert profile.rungs[Rung.CONVERSATIONALISTS].members == 2  # r2 is only monthly
    assert profile.rungs[Rung.CRITICS].members == 1
    assert profile.rungs[Rung.COLLECTORS].members == 1
    assert profile.rungs[Rung.JOINERS].members == 2
    assert profile.rungs[Rung.SPECTATORS].members == 3
    assert profile.rungs[Rung.INACTIVES].members == 2
    assert profile.pct(Rung.SPECTATORS) == 50.0
    assert profile.pct(Rung.CREATORS) == pytest.approx(100 / 3)


def test_utf8_with_bom_reads_like_without() -> None:
    with_bom = profile_from_bytes((DATA / "survey_bom.csv").read_bytes())
    without = profile_from_bytes((DATA / "survey_basic.csv").read_bytes())
    assert with_bom.percentages() == without.percentages()
    assert read_survey((DATA / "survey_bom.csv").read_bytes()).id_column == "respondent_id"


def test_dutch_excel_export_with_semicolons_in_cp1252_works() -> None:
    survey = read_survey((DATA / "survey_nl_excel_cp1252.csv").read_bytes())
    assert survey.encoding == "cp1252"
    assert survey.delimiter == ";"
    assert survey.id_column == "Respondentnummer"
    assert survey.activity_columns == ("publish_blog", "watch_video", "comment_blogs", "edit_wikis")
    assert [w.column for w in survey.warnings] == ["Opmerking"]
    assert len(survey.respondents) == 4  # the trailing ;;;;; row is skipped

    profile = profile_from_bytes((DATA / "survey_nl_excel_cp1252.csv").read_bytes())
    assert profile.pct(Rung.CREATORS) == 25.0
    assert profile.pct(Rung.CRITICS) == 50.0
    assert profile.pct(Rung.SPECTATORS) == 50.0
    assert profile.pct(Rung.INACTIVES) == 25.0
    assert profile.pct(Rung.JOINERS) is None


@pytest.mark.parametrize(
    ("header", "activity"),
    [
        ("publish_blog", "publish_blog"),
        ("Publish blog", "publish_blog"),
        ("watch-video", "watch_video"),
        ("Video’s bekijken", "watch_video"),
        ("  sociale   netwerken bezoeken ", "visit_social_networks"),
        ("favourite colour", None),
    ],
)
def test_headers_map_to_activity_ids(header: str, activity: str | None) -> None:
    assert map_header(header) == activity


def test_unknown_frequency_error_names_row_column_and_word() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey((DATA / "survey_unknown_word.csv").read_bytes())
    error = caught.value
    assert error.code == "unknown_frequency"
    assert (error.row, error.column, error.word) == (3, "read_blogs", "sometimes")
    assert "Row 3" in str(error) and "read_blogs" in str(error) and "sometimes" in str(error)
    assert "Rij 3" in error.message("nl") and "onbekende frequentie" in error.message("nl")


def test_empty_file_is_an_error() -> None:
    for data in (b"", b"  \r\n\n"):
        with pytest.raises(SurveyError) as caught:
            read_survey(data)
        assert caught.value.code == "empty_file"
        assert caught.value.message("nl") == "Het bestand is leeg."


def test_file_of_only_separators_is_empty() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b";;;\r\n;;;\r\n")
    assert caught.value.code == "empty_file"


def test_bytes_that_are_neither_utf8_nor_cp1252_are_an_error() -> None:
    # 0x81 and 0x8D are undefined in Windows-1252 and invalid as UTF-8 here.
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog\n\x81\x8d\n")
    assert caught.value.code == "undecodable"


def test_utf16_or_binary_upload_is_an_error_not_garbage() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey("publish_blog\ndaily\n".encode("utf-16"))
    assert caught.value.code == "undecodable"


def test_file_without_activity_columns_is_an_error() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b"name,age\nann,31\n")
    assert caught.value.code == "no_activity_columns"
    assert caught.value.row == 1
    assert "name, age" in str(caught.value)


def test_header_only_file_has_no_respondents() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog,read_blogs\n")
    assert caught.value.code == "no_respondents"


def test_row_with_too_few_fields_is_an_error_with_its_row_number() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog,read_blogs\ndaily,weekly\nnever\n")
    assert caught.value.code == "wrong_field_count"
    assert caught.value.row == 3
    assert "3" in caught.value.message("nl") and "velden" in caught.value.message("nl")


def test_row_with_extra_data_is_an_error_but_empty_padding_is_not() -> None:
    assert len(read_survey(b"publish_blog;read_blogs\ndaily;weekly;;\n").respondents) == 1
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog;read_blogs\ndaily;weekly;oops\n")
    assert caught.value.code == "wrong_field_count"


def test_two_columns_for_the_same_activity_are_an_error() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog,Blog publiceren\ndaily,daily\n")
    assert caught.value.code == "duplicate_column"
    assert caught.value.column == "Blog publiceren"


def test_blank_lines_keep_spreadsheet_row_numbers() -> None:
    with pytest.raises(SurveyError) as caught:
        read_survey(b"publish_blog\n\ndaily\nhmm\n")
    assert caught.value.row == 4


def test_quoted_fields_with_separators_are_read() -> None:
    survey = read_survey(b'id,publish_blog,remark\n1,daily,"likes, a lot"\n')
    assert survey.respondents[0].answers == {"publish_blog": F.DAILY}


# --- benchmarks and comparison ----------------------------------------------------------------


def test_benchmarks_carry_year_population_source_and_figures() -> None:
    q4 = BENCHMARKS["us-2009q4"]
    assert q4.data_year == "Q4 2009"
    assert q4.sample_size == 10_112
    assert q4.percentages[Rung.CONVERSATIONALISTS] == 33
    assert q4.percentages[Rung.INACTIVES] == 17
    assert BENCHMARKS["us-2007"].percentages[Rung.CONVERSATIONALISTS] is None
    assert BENCHMARKS["europe-2007"].percentages[Rung.SPECTATORS] == 40
    assert BENCHMARKS["netherlands-2007"].percentages[Rung.CREATORS] == 17
    for benchmark in BENCHMARKS.values():
        assert benchmark.source and benchmark.population["nl"] and benchmark.label["en"]


def test_compare_gives_differences_in_percentage_points() -> None:
    profile = build_profile(
        [answers(publish_blog=F.DAILY), ALL_NEVER, ALL_NEVER, ALL_NEVER]
    )  # Creators 25 %, Inactives 75 %
    rows = {c.rung: c for c in compare(profile, BENCHMARKS["us-2007"])}
    assert rows[Rung.CREATORS].difference == 7.0
    assert rows[Rung.INACTIVES].difference == 31.0
    assert rows[Rung.CONVERSATIONALISTS].benchmark is None
    assert rows[Rung.CONVERSATIONALISTS].difference is None


def test_compare_with_unknown_rung_has_no_difference() -> None:
    profile = build_profile([{"publish_blog": F.DAILY}])
    rows = {c.rung: c for c in compare(profile, BENCHMARKS["netherlands-2007"])}
    assert rows[Rung.CREATORS].difference == 83.0
    assert rows[Rung.SPECTATORS].difference is None


# --- tactics and 90-9-1 ----------------------------------------------------------------------


def test_tactics_follow_the_dominant_rung() -> None:
    profile = build_profile(
        [answers(post_reviews=F.WEEKLY, read_reviews=F.WEEKLY)] * 3 + [answers(read_blogs=F.DAILY)]
    )  # Critics 75, Spectators 100
    advice = suggest_tactics(profile)
    assert advice.dominant_rungs == (Rung.SPECTATORS,)
    assert advice.tactics == DEFAULT_TACTICS[Rung.SPECTATORS]
    assert advice.keep_budget_small is False


def test_close_rungs_are_all_dominant() -> None:
    profile = build_profile(
        [answers(publish_blog=F.DAILY, read_blogs=F.DAILY)] * 19 + [answers(read_blogs=F.DAILY)]
    )  # Creators 95, Spectators 100
    advice = suggest_tactics(profile)
    assert advice.dominant_rungs == (Rung.CREATORS, Rung.SPECTATORS)


def test_mostly_inactive_audience_gets_small_budget_advice() -> None:
    profile = build_profile([ALL_NEVER] * 3 + [answers(maintain_profile=F.DAILY)])
    advice = suggest_tactics(profile)
    assert advice.keep_budget_small is True
    assert advice.dominant_rungs == (Rung.JOINERS,)
    assert "budget" in advice.notes[0]["nl"]


def test_tactic_rules_are_editable_data() -> None:
    profile = build_profile([answers(maintain_profile=F.DAILY)])
    custom = {Rung.JOINERS: ({"en": "Community nights", "nl": "Communityavonden"},)}
    assert suggest_tactics(profile, custom).tactics == custom[Rung.JOINERS]


def test_nobody_active_means_no_dominant_rung() -> None:
    advice = suggest_tactics(build_profile([ALL_NEVER]))
    assert advice.dominant_rungs == ()
    assert advice.keep_budget_small is True


def test_90_9_1_is_a_configurable_default() -> None:
    assert expected_participation(1000) == {
        "creators": 10.0,
        "contributors": 90.0,
        "lurkers": 900.0,
    }
    rule = ParticipationRule(creators=2, contributors=18, lurkers=80)
    assert expected_participation(1000, rule)["creators"] == 20.0
    assert "Nielsen" in PARTICIPATION_90_9_1.source
    with pytest.raises(ValueError):
        ParticipationRule(creators=5, contributors=5, lurkers=5)


# --- JSON, table and CLI ----------------------------------------------------------------------


def test_round_pct_rounds_half_up() -> None:
    assert round_pct(12.25) == 12.3
    assert round_pct(100 / 3) == 33.3
    assert round_pct(None) is None


def test_to_json_has_the_agreed_shape() -> None:
    profile = profile_from_bytes((DATA / "survey_nl_excel_cp1252.csv").read_bytes())
    assert to_json(profile) == {
        "respondents": 4,
        "rungs": {
            "creators": 25.0,
            "conversationalists": None,
            "critics": 50.0,
            "collectors": None,
            "joiners": None,
            "spectators": 50.0,
        },
        "inactives": 25.0,
    }


def test_table_shows_unknown_rungs_and_warnings_in_dutch() -> None:
    profile = profile_from_bytes((DATA / "survey_nl_excel_cp1252.csv").read_bytes())
    table = format_table(profile, "nl")
    assert "4 respondenten" in table
    assert "onbekend (geen kolommen)" in table
    assert "Opmerking" in table


def test_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "survey_basic.csv"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["respondents"] == 6
    assert printed["rungs"]["spectators"] == 50.0
    assert printed["inactives"] == 33.3


def test_cli_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "survey_basic.csv")]) == 0
    out = capsys.readouterr().out
    assert "6 respondents" in out
    assert "Spectators" in out and "50.0" in out


def test_cli_exits_2_with_the_message_on_a_bad_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "survey_unknown_word.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown frequency “sometimes”" in captured.err


def test_cli_exits_2_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_a_row_with_an_id_but_no_answers_is_left_out_with_a_warning() -> None:
    survey = read_survey(b"id;publish_blog;read_blogs\n1;daily;daily\n2;;\n3;nooit;nooit\n")
    assert [r.respondent_id for r in survey.respondents] == ["1", "3"]
    assert [(w.code, w.row) for w in survey.warnings] == [("no_answers", 3)]
    assert "Rij 3" in survey.warnings[0].message["nl"]


def test_a_repeated_respondent_id_is_warned_about() -> None:
    survey = read_survey(b"id,read_blogs\n7,daily\n7,weekly\n")
    assert len(survey.respondents) == 2
    assert [(w.code, w.row) for w in survey.warnings] == [("duplicate_respondent", 3)]


def test_a_custom_header_map_replaces_the_dutch_one() -> None:
    survey = read_survey(b"Bloggen,Kijken\ndaily,never\n", header_map={"bloggen": "publish_blog"})
    assert survey.activity_columns == ("publish_blog",)
    assert [w.column for w in survey.warnings] == ["Kijken"]


# No deadline: on a loaded CI machine an example can take longer than hypothesis' 200 ms, and
# tests never judge wall-clock speed.
@settings(deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({a: st.sampled_from(list(F)) for a in sorted(ACTIVITY_IDS)}),
        min_size=1,
        max_size=40,
    )
)
def test_any_computed_profile_satisfies_the_inactives_bound(
    respondents: list[dict[str, Frequency]],
) -> None:
    profile = build_profile(respondents)
    bound = check_inactives_bound(profile.percentages(), tolerance=1e-9)
    assert bound.ok is True
    members = sum(profile.rungs[r].members or 0 for r in Rung if r is not Rung.INACTIVES)
    assert profile.rungs[Rung.INACTIVES].members == sum(
        1 for answers in respondents if rungs_for(answers) == {Rung.INACTIVES}
    )
    assert members >= profile.respondents - (profile.rungs[Rung.INACTIVES].members or 0)


def test_objectives_are_suggested_for_the_dominant_rungs_with_listening_first() -> None:
    from koers.strategy.technographics.tactics import TacticAdvice, suggest_objectives

    advice = TacticAdvice((Rung.CREATORS, Rung.CRITICS), (), False)
    assert suggest_objectives(advice) == ("listening", "embracing", "energizing", "supporting")
    assert suggest_objectives(TacticAdvice((), (), True)) == ("listening",)
