"""Technographics in the cycle: upload a survey, or pick a benchmark; compare; editable tactics."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from koers.core.models import AuditEvent
from koers.strategy.models import TacticOverride, TechnographicsProfile
from koers.strategy.tests.conftest import url

DATA = Path(__file__).parent / "data"


def upload(client, cycle, name: str, content: bytes | None = None, **headers):
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        url("survey-upload", cycle),
        {"survey": SimpleUploadedFile(name, data, content_type="text/csv")},
        **headers,
    )


def test_uploaded_survey_is_classified_and_stored_with_counts(client_for, anna, cycle):
    client = client_for(anna)
    response = upload(client, cycle, "survey_basic.csv")
    assert response.status_code == 302
    profile = TechnographicsProfile.objects.get(cycle=cycle)
    assert profile.source == "survey"
    assert profile.respondents == 6
    assert profile.members["conversationalists"] == 2  # r2 updates status only monthly
    assert profile.members["inactives"] == 2
    assert profile.percentages["spectators"] == 50.0
    assert [w["code"] for w in profile.warnings] == ["unknown_column"]
    assert AuditEvent.objects.filter(action="strategy.technographics_survey").count() == 1

    page = client.get(url("technographics", cycle)).content.decode()
    assert "<svg" in page and 'class="ladder-chart"' in page
    assert "survey_basic.csv" in page
    assert "33,3" in page  # Creators: 2 of 6, rounded half up, Dutch decimal comma
    assert "favourite_colour" in page  # the reader's warning is shown


def test_dutch_excel_export_is_accepted_and_unmeasured_rungs_show_as_unknown(
    client_for, anna, cycle
):
    client = client_for(anna)
    assert upload(client, cycle, "survey_nl_excel_cp1252.csv").status_code == 302
    profile = TechnographicsProfile.objects.get(cycle=cycle)
    assert profile.percentages["joiners"] is None
    assert profile.percentages["creators"] == 25.0
    page = client.get(url("technographics", cycle)).content.decode()
    assert "onbekend" in page or "unknown" in page


def test_a_bad_survey_is_shown_inline_naming_row_and_column_in_dutch(client_for, anna, cycle):
    response = upload(client_for(anna), cycle, "survey_unknown_word.csv")
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="error"' in text
    assert "Rij 3, kolom ‘read_blogs’: onbekende frequentie ‘sometimes’" in text
    assert not TechnographicsProfile.objects.filter(cycle=cycle).exists()


def test_a_bad_survey_error_is_in_english_for_an_english_reader(client_for, anna, cycle):
    response = upload(client_for(anna), cycle, "survey_unknown_word.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert "Row 3, column “read_blogs”: unknown frequency “sometimes”" in response.content.decode()


def test_a_wrong_field_count_names_the_row(client_for, anna, cycle):
    content = b"publish_blog;read_blogs\nmonthly;daily\nweekly\n"
    response = upload(client_for(anna), cycle, "kort.csv", content)
    assert response.status_code == 400
    assert "Rij 3 heeft 1 velden" in response.content.decode()


def test_a_published_benchmark_can_stand_in_and_is_labelled_with_year_and_source(
    client_for, anna, cycle
):
    client = client_for(anna)
    response = client.post(url("benchmark-use", cycle), {"benchmark": "us-2009q4"})
    assert response.status_code == 302
    profile = TechnographicsProfile.objects.get(cycle=cycle)
    assert profile.source == "benchmark"
    assert profile.percentages["conversationalists"] == 33
    page = client.get(url("technographics", cycle)).content.decode()
    assert "Q4 2009" in page
    assert "Forrester Research" in page


def test_audience_is_compared_with_a_benchmark_in_percentage_points(client_for, anna, cycle):
    client = client_for(anna)
    upload(client, cycle, "survey_basic.csv")
    client.post(url("benchmark-compare", cycle), {"benchmark": "us-2007"})
    page = client.get(url("technographics", cycle)).content.decode()
    # Spectators: 50.0% in the survey against 48% in 2007: +2.0 points.
    assert '<td class="num">48</td><td class="num">2,0</td>' in page


def test_tactics_follow_the_dominant_rung_and_the_workspace_can_reword_them(
    client_for, anna, cycle, acme
):
    client = client_for(anna)
    client.post(url("benchmark-use", cycle), {"benchmark": "us-2009q4"})
    page = client.get(url("technographics", cycle)).content.decode()
    assert "Video, blogs en podcasts" in page  # Spectators (70%) dominate
    assert "<strong>Praten</strong> (Marketing)" in page  # the objective that fits Spectators

    client.post(url("tactics", cycle), {"rung": "spectators", "text": "Wijkvideo's op Instagram"})
    assert TacticOverride.objects.get(workspace=acme, rung="spectators").text.startswith("Wijk")
    page = client.get(url("technographics", cycle)).content.decode()
    assert "Wijkvideo&#x27;s op Instagram" in page

    client.post(url("tactics", cycle), {"rung": "spectators", "text": ""})
    assert not TacticOverride.objects.filter(workspace=acme).exists()


def test_a_survey_with_a_cell_over_the_csv_field_limit_names_the_row(client_for, anna, cycle):
    content = b'publish_blog;read_blogs\nmonthly;daily\nweekly;"' + b"x" * 200_000 + b'"\n'
    response = upload(client_for(anna), cycle, "lang.csv", content)
    assert response.status_code == 400
    assert "Rij 3 is niet als CSV te lezen: een cel is langer dan 128 KB." in (
        response.content.decode()
    )
    assert not TechnographicsProfile.objects.filter(cycle=cycle).exists()


def test_a_survey_with_bare_carriage_returns_is_read_line_by_line(client_for, anna, cycle):
    content = b"publish_blog;read_blogs\rmonthly;daily\rnever;weekly\r"
    response = upload(client_for(anna), cycle, "mac.csv", content)
    assert response.status_code in (200, 302)
    assert TechnographicsProfile.objects.get(cycle=cycle).respondents == 2


DUTCH_TEAM_SURVEY = (
    b"Respondentnummer;Blogs lezen?;Video's kijken;Podcasts beluisteren;Sociale media bezoeken;"
    b"Recensies plaatsen;Op blogs reageren;Leeftijd;Woonplaats\n"
    b"1;dagelijks;wekelijks;nooit;dagelijks;nooit;maandelijks;34;Noord\n"
    b"2;nooit;maandelijks;nooit;wekelijks;maandelijks;nooit;51;Zuid\n"
)


def test_common_dutch_headers_are_recognised_and_unused_columns_are_named(client_for, anna, cycle):
    client = client_for(anna)
    response = upload(client, cycle, "enquete.csv", DUTCH_TEAM_SURVEY)
    assert response.status_code == 302
    profile = TechnographicsProfile.objects.get(cycle=cycle)
    ignored = [w["column"] for w in profile.warnings if w["code"] == "unknown_column"]
    assert ignored == ["Leeftijd", "Woonplaats"]
    assert profile.members["spectators"] == 2
    assert profile.members["critics"] == 2  # reviews and blog comments, monthly or more
    page = client.get(url("technographics", cycle)).content.decode()
    assert "2 kolommen uit het bestand zijn niet gebruikt:" in page
    assert "‘Leeftijd’, ‘Woonplaats’" in page
    assert "Niet gebruikt uit het bestand: ‘Leeftijd’, ‘Woonplaats’." in page  # the message


def test_the_page_lists_the_recognised_columns_with_their_dutch_names(client_for, anna, cycle):
    page = client_for(anna).get(url("technographics", cycle)).content.decode()
    assert "<strong>Video&#x27;s bekijken</strong> · <code>watch_video</code>" in page
    assert "videos kijken" in page  # one of the other Dutch names
    assert url("survey-template", cycle, "nl") in page
    english = client_for(anna).get(url("technographics", cycle), HTTP_ACCEPT_LANGUAGE="en")
    assert "<strong>Watch video</strong> · <code>watch_video</code>" in english.content.decode()
    assert "Video&#x27;s bekijken, video kijken" in english.content.decode()


def test_the_template_in_each_language_is_read_back_with_every_activity(client_for, anna, cycle):
    from koers.strategy import technographics as tg

    client = client_for(anna)
    for language, delimiter in (("nl", b";"), ("en", b",")):
        response = client.get(url("survey-template", cycle, language))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        header = response.content.decode("utf-8-sig").strip()
        assert delimiter.decode() in header
        filled = response.content + b"\r\n" + delimiter.join([b"1"] + [b"dagelijks"] * 21)
        survey = tg.read_survey(filled)
        assert sorted(survey.activity_columns) == sorted(tg.ACTIVITY_IDS)
        assert survey.id_column is not None and survey.ignored_columns == ()
    assert "Video's bekijken" in client.get(url("survey-template", cycle, "nl")).content.decode()
    assert client.get(url("survey-template", cycle, "de")).status_code == 404
