"""The one lookup loop every Meta adapter shares (posts, media, Threads, comment replies,
sent messages): text match since the attempt, recorded ids skipped, paging stopped early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from koers.networks.meta import find_by_text

SINCE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _entry(ident: str, text: str, minutes: float, **extra: object) -> dict[str, object]:
    moment = (SINCE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return {"id": ident, "message": text, "created_time": moment, **extra}


def test_the_newest_matching_entry_since_the_attempt_not_yet_recorded_is_found():
    pages = [
        [
            _entry("3", "Hallo  wereld", 5, permalink_url="https://fb/3"),
            _entry("2", "Hallo wereld", 3, permalink_url="https://fb/2"),
        ]
    ]
    found = find_by_text(
        pages,
        "Hallo wereld",
        since=SINCE,
        exclude=frozenset({"3"}),
        text_field="message",
        time_field="created_time",
        url_field="permalink_url",
    )
    assert found is not None and (found.remote_id, found.url) == ("2", "https://fb/2")


def test_an_entry_from_before_the_attempt_is_never_the_one():
    pages = [[_entry("1", "Hallo", -30)]]
    assert (
        find_by_text(pages, "Hallo", since=SINCE, text_field="message", time_field="created_time")
        is None
    )


def test_newest_first_paging_stops_at_the_first_page_older_than_the_attempt():
    read: list[int] = []

    def pages():
        for number, page in enumerate(
            [[_entry("9", "Anders", 10)], [_entry("8", "Anders", -60)], [_entry("7", "Hallo", -90)]]
        ):
            read.append(number)
            yield page

    found = find_by_text(
        pages(),
        "Hallo",
        since=SINCE,
        text_field="message",
        time_field="created_time",
        newest_first=True,
    )
    assert found is None and read == [0, 1]


def test_accept_leaves_out_entries_of_someone_else():
    pages = [[_entry("m1", "Dank je", 1, **{"from": {"id": "person"}})]]
    found = find_by_text(
        pages,
        "Dank je",
        since=SINCE,
        text_field="message",
        time_field="created_time",
        accept=lambda m: m["from"]["id"] == "page",
    )
    assert found is None
