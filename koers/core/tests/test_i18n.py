"""The translation check: every catalogue complete, and one translation per msgid across them."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext

from koers import i18n
from koers.listening.models import Network


def entry(msgid: str, msgstr: str, *, msgctxt: str | None = None) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=msgctxt)


def catalogue(root: Path, app: str, *entries: polib.POEntry, lang: str = "nl") -> Path:
    """Write ``root/<app>/locale/<lang>/LC_MESSAGES/django.po`` with ``entries``."""
    path = root / app / "locale" / lang / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang}
    for item in entries:
        po.append(item)
    po.save(str(path))
    return path


def test_one_msgid_translated_differently_fails_naming_the_msgid_and_both_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurement = catalogue(
        tmp_path, "measurement", entry("Objectives", "Doelen"), entry("Show", "Toon")
    )
    strategy = catalogue(
        tmp_path, "strategy", entry("Objectives", "Doelstellingen"), entry("Show", "Toon")
    )

    assert i18n.check_all([measurement, strategy]) == 1

    [conflict] = i18n.conflicting_translations([measurement, strategy])
    assert conflict.msgid == "Objectives"
    assert conflict.msgctxt is None
    assert conflict.translations == {"Doelen": [measurement], "Doelstellingen": [strategy]}
    err = capsys.readouterr().err
    assert "'Objectives' is translated differently" in err
    assert f"'Doelen' in {measurement}" in err
    assert f"'Doelstellingen' in {strategy}" in err
    assert "Show" not in err


def test_the_files_that_agree_are_listed_together(tmp_path: Path) -> None:
    paths = [
        catalogue(tmp_path, "measurement", entry("Import", "Importeren")),
        catalogue(tmp_path, "publishing", entry("Import", "Importeren")),
        catalogue(tmp_path, "listening", entry("Import", "Import")),
    ]
    [conflict] = i18n.conflicting_translations(paths)
    assert conflict.translations == {"Importeren": paths[:2], "Import": paths[2:]}


def test_a_context_separates_two_meanings_of_one_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [
        catalogue(tmp_path, "listening", entry("Import", "Import", msgctxt="network")),
        catalogue(tmp_path, "publishing", entry("Import", "Importeren")),
    ]
    assert i18n.conflicting_translations(paths) == []
    assert i18n.check_all(paths) == 0
    assert capsys.readouterr().err == ""


def test_the_same_context_must_agree_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [
        catalogue(tmp_path, "listening", entry("Import", "Import", msgctxt="network")),
        catalogue(tmp_path, "measurement", entry("Import", "Invoer", msgctxt="network")),
    ]
    assert i18n.check_all(paths) == 1
    assert "'Import' (context 'network') is translated differently" in capsys.readouterr().err


def test_plural_forms_are_compared(tmp_path: Path) -> None:
    def plural(many: str) -> polib.POEntry:
        return polib.POEntry(
            msgid="%(n)s objective",
            msgid_plural="%(n)s objectives",
            msgstr_plural={0: "%(n)s doelstelling", 1: many},
        )

    same = [
        catalogue(tmp_path / "a", "strategy", plural("%(n)s doelstellingen")),
        catalogue(tmp_path / "a", "measurement", plural("%(n)s doelstellingen")),
    ]
    assert i18n.conflicting_translations(same) == []
    different = [same[0], catalogue(tmp_path / "b", "measurement", plural("%(n)s doelen"))]
    [conflict] = i18n.conflicting_translations(different)
    assert set(conflict.translations) == {
        "%(n)s doelstelling | %(n)s doelstellingen",
        "%(n)s doelstelling | %(n)s doelen",
    }


def test_an_untranslated_entry_is_reported_as_missing_not_as_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [
        catalogue(tmp_path, "strategy", entry("Funnel", "Funnel")),
        catalogue(tmp_path, "measurement", entry("Funnel", "")),
    ]
    assert i18n.conflicting_translations(paths) == []
    assert i18n.check_all(paths) == 1
    err = capsys.readouterr().err
    assert "1 untranslated or fuzzy entries" in err
    assert "translated differently" not in err


def test_catalogues_of_different_languages_are_not_compared(tmp_path: Path) -> None:
    paths = [
        catalogue(tmp_path, "strategy", entry("Funnel", "Funnel"), lang="nl"),
        catalogue(tmp_path, "measurement", entry("Funnel", "Trichter"), lang="de"),
    ]
    assert i18n.conflicting_translations(paths) == []


def test_the_project_catalogues_are_complete_and_consistent() -> None:
    files = i18n.po_files()
    assert len(files) >= 5  # koers/locale and the four apps
    assert i18n.conflicting_translations(files) == []
    assert all(i18n.untranslated(path) == [] for path in files)


def test_import_is_a_verb_on_buttons_and_a_noun_for_the_network() -> None:
    with translation.override("nl"):
        assert gettext("Import") == "Importeren"
        assert str(Network.IMPORT.label) == "Import"
        assert gettext("Objectives") == "Doelstellingen"


def test_dutch_catalogues_address_the_reader_as_je_never_as_u():
    import re

    import polib

    from koers.i18n import po_files

    formal = re.compile(r"\b(?:[Uu]w|[Uu]zelf)\b|\b[Uu]\b(?! *$)")
    found = []
    for path in po_files():
        if "/nl/" not in str(path):
            continue
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                # "u" after a number or placeholder is the hour ("in 6 u"), not the reader.
                cleaned = re.sub(r"(?:\d|%\(\w+\)[sd]) u\b", "", text)
                if formal.search(cleaned):
                    found.append(text)
    assert found == []


def test_each_language_has_one_date_style_with_the_month_written_out():
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.template import Context, Template
    from django.utils import timezone, translation

    template = Template(
        '{{ d|date }}|{{ d|date:"DATE_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}|'
        '{{ t|date:"SHORT_DATETIME_FORMAT" }}|{{ d|date:"MONTH_DAY_FORMAT" }}'
    )
    zone = ZoneInfo("Europe/Amsterdam")
    context = Context({"d": date(2026, 12, 4), "t": datetime(2027, 1, 20, 9, 5, tzinfo=zone)})
    with translation.override("nl"), timezone.override(zone):
        assert template.render(context) == (
            "4 december 2026|4 december 2026|20 januari 2027 09:05|20 januari 09:05|4 december"
        )
    with translation.override("en"), timezone.override(zone):
        assert template.render(context) == (
            "4 December 2026|4 December 2026|20 January 2027 09:05|20 January 09:05|4 December"
        )


def test_numbers_built_in_python_follow_the_language_and_drop_a_trailing_zero():
    from django.utils import translation

    from koers.core.numbers import number

    with translation.override("nl"):
        assert [number(18.0), number(2.5), number(1234.56), number(None)] == [
            "18",
            "2,5",
            "1.234,6",
            "—",
        ]
    with translation.override("en"):
        assert [number(18.0), number(2.5), number(1234.56)] == ["18", "2.5", "1,234.6"]


def test_an_alert_is_a_signaal_in_dutch_never_a_melding():
    """A municipality's "meldingen" are reports from residents; koers' alerts are "signalen"."""
    import re

    import polib

    from koers.i18n import po_files
    from koers.strategy.rules.maturity import MATURITY_STAGES

    melding = re.compile(r"(?<![Vv]er)melding", re.IGNORECASE)
    found = []
    for path in po_files():
        if "/nl/" in str(path):
            for entry in polib.pofile(str(path)):
                if "alert" in entry.msgid.lower() and melding.search(entry.msgstr):
                    found.append(entry.msgstr)
    assert found == []
    assert not melding.search(repr(MATURITY_STAGES))
