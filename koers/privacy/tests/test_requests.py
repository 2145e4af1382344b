from __future__ import annotations

import csv
import io
import json

from django.db.models import Sum
from django.urls import reverse

from koers.alerts.models import AlertEvent
from koers.core.models import AuditEvent
from koers.engagement.models import InboxItem, Note, Reply
from koers.listening.models import HourlyRollup, Mention
from koers.privacy.models import PrivacyRequest
from koers.strategy.models import Influencer

JAN = "@jan@voorbeeld.social"


def _url(name: str) -> str:
    return reverse(f"privacy:{name}", args=["acme"])


def test_owner_finds_a_persons_data_by_handle_without_the_at_sign(client_for, anna, jan):
    response = client_for(anna).get(_url("person"), {"who": "JAN@voorbeeld.social"})

    assert response.status_code == 200
    found = response.context["found"]
    assert {m.pk for m in found.authored} == {jan["post"].pk, jan["asked"].pk}
    assert [m.pk for m in found.mentioned_in] == [jan["named"].pk]
    assert [i.pk for i in found.inbox] == [jan["item"].pk]
    assert [e.pk for e in found.alert_events] == [jan["event"].pk]
    assert [p.pk for p in found.influencers] == [jan["influencer"].pk]


def test_a_person_is_found_by_display_name_too(client_for, anna, jan):
    response = client_for(anna).get(_url("person"), {"who": "jan jansen"})

    assert len(response.context["found"].authored) == 2
    assert len(response.context["found"].influencers) == 1


def test_access_request_exports_everything_about_the_person_as_json(client_for, anna, jan, els):
    response = client_for(anna).post(_url("export"), {"who": JAN, "format": "json"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="access-request-')
    data = json.loads(response.content)
    assert sorted(m["text"] for m in data["mentions"]) == [
        "Mijn fiets van Acme is kapot",
        "Wanneer is Acme open?",
    ]
    assert data["mentions"][0]["topics"] == ["Acme"]
    assert [m["text"] for m in data["mentioned_in"]] == [jan["named"].text]
    assert data["inbox"][0]["notes"][0]["text"] == "Jan belde ook al"
    assert data["inbox"][0]["replies"][0]["text"] == "Dank!"
    assert data["alerts"] == [
        {"rule": "Kapot", "kind": "keyword", "created_at": jan["event"].created_at.isoformat()}
    ]
    assert data["influencers"][0]["reach"] == 300
    assert "Els is tevreden" not in response.content.decode()
    request = PrivacyRequest.objects.get(workspace__slug="acme")
    assert (request.kind, request.export_format, request.done_by) == ("access", "json", anna)
    assert request.counts == {
        "mentions": 2,
        "mentioned_in": 1,
        "inbox": 1,
        "alerts": 1,
        "influencers": 1,
    }


def test_access_request_as_csv_has_one_row_per_stored_item(client_for, anna, jan):
    response = client_for(anna).post(_url("export"), {"who": JAN, "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["category"] for r in rows) == sorted(
        [
            "mention",
            "mention",
            "mentioned_in",
            "inbox",
            "inbox_note",
            "inbox_reply",
            "alert",
            "influencer",
        ]
    )
    # Spreadsheets would run a cell starting with @ as a formula.
    assert {r["handle"] for r in rows if r["category"] == "mention"} == {"'" + JAN}


def test_erasure_removes_the_person_across_the_apps_and_keeps_the_counts(
    client_for, anna, jan, els
):
    rollups_before = HourlyRollup.objects.aggregate(n=Sum("count"))["n"]

    response = client_for(anna).post(_url("erase"), {"who": JAN, "confirm": "on"})

    assert response.status_code == 302
    assert not Mention.objects.filter(pk=jan["post"].pk).exists()
    asked = Mention.objects.get(pk=jan["asked"].pk)  # in the inbox: emptied, times kept
    assert (asked.text, asked.author_handle, asked.author_name, asked.url) == ("",) * 4
    assert InboxItem.objects.filter(pk=jan["item"].pk, answered_at__isnull=False).exists()
    assert not Note.objects.filter(item=jan["item"]).exists()
    assert Reply.objects.get(item=jan["item"]).text == ""
    named = Mention.objects.get(pk=jan["named"].pk)
    assert named.text == "Ik ben het eens met […] over Acme"
    assert named.mentioned == []
    event = AlertEvent.objects.get(pk=jan["event"].pk)
    assert event.mention_ids == [jan["named"].pk]
    assert event.match_count == 2
    assert not Influencer.objects.filter(pk=jan["influencer"].pk).exists()
    # Els keeps everything; the counts per topic and hour stay.
    assert Mention.objects.get(pk=els["post"].pk).author_handle == "@els@voorbeeld.social"
    assert Note.objects.filter(item=els["item"]).count() == 1
    assert HourlyRollup.objects.aggregate(n=Sum("count"))["n"] == rollups_before
    # Nothing is left to find.
    again = client_for(anna).get(_url("person"), {"who": JAN})
    assert again.context["found"].total == 0


def test_erasure_is_audited_without_the_persons_handle_or_name(client_for, anna, jan):
    client_for(anna).post(_url("erase"), {"who": JAN, "confirm": "on"})

    entry = AuditEvent.objects.get(action="privacy.erasure")
    stored = json.dumps([entry.summary, entry.data, entry.object_id]).lower()
    assert "jan" not in stored
    assert entry.data["mentions"] == 2
    request = PrivacyRequest.objects.get(kind="erasure")
    assert entry.data["subject_hash"] == request.subject_hash
    assert len(request.subject_hash) == 64


def test_erasure_needs_the_confirmation(client_for, anna, jan):
    response = client_for(anna).post(_url("erase"), {"who": JAN})

    assert response.status_code == 200
    assert Mention.objects.filter(pk=jan["post"].pk).exists()
    assert not PrivacyRequest.objects.exists()


def test_only_owners_may_run_requests(client_for, bram, carla, bolt, jan):
    for user, status in ((bram, 403), (carla, 404)):
        client = client_for(user)
        assert client.get(_url("index")).status_code == status
        assert client.get(_url("person"), {"who": JAN}).status_code == status
        assert client.get(_url("register")).status_code == status
        assert client.post(_url("export"), {"who": JAN, "format": "json"}).status_code == status
        response = client.post(_url("erase"), {"who": JAN, "confirm": "on"})
        assert response.status_code == status
    assert Mention.objects.filter(pk=jan["post"].pk).exists()
    assert not PrivacyRequest.objects.exists()


def test_a_request_never_reaches_another_workspace(client_for, anna, carla, bolt, acme):
    from koers.privacy.tests.conftest import make_mention

    theirs = make_mention(bolt, text="Bolt")
    client_for(anna).post(_url("erase"), {"who": JAN, "confirm": "on"})

    assert Mention.objects.filter(pk=theirs.pk).exists()


def test_erasure_takes_the_person_out_of_the_author_and_tag_days_as_a_recount_would(
    client_for, anna, jan, els, acme
):
    """Only the person's mentions leave the days (a full count again takes a minute at a
    million mentions); afterwards the days equal a recount: the deleted post is gone, the
    emptied inbox message counts for the empty handle, without its hashtags and links."""
    from zoneinfo import ZoneInfo

    from koers.listening.models import AuthorDay, TagDay
    from koers.listening.rollups import (
        author_cells,
        author_recount,
        rebuild_author_days,
        tag_cells,
        tag_recount,
    )

    Mention.objects.filter(pk__in=[jan["post"].pk, jan["asked"].pk]).update(
        hashtags=["kapot"], links=["https://jan.example/fiets"]
    )
    Mention.objects.filter(pk=els["post"].pk).update(hashtags=["kapot"])
    rebuild_author_days(acme)
    assert AuthorDay.objects.filter(author_handle="@jan@voorbeeld.social").exists()

    response = client_for(anna).post(_url("erase"), {"who": JAN, "confirm": "on"})

    assert response.status_code == 302
    zone = ZoneInfo(acme.time_zone)
    assert author_cells(acme) == author_recount(acme, zone)
    assert tag_cells(acme) == tag_recount(acme, zone)
    assert not AuthorDay.objects.filter(author_handle="@jan@voorbeeld.social").exists()
    assert AuthorDay.objects.filter(author_handle="", count=1).exists()  # the emptied message
    assert list(TagDay.objects.values_list("value", "count")) == [("kapot", 1)]  # Els's
