"""File import in the browser: upload, choose columns (koers suggests), import, see row errors."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.core.models import Membership, Role
from koers.listening.models import Mention, Source, Topic

CSV = (
    "bericht;gebruiker;datum;link\n"
    "Koffie bij Café Duinwijk strand;@anna;2026-11-01 10:00;https://voorbeeld.nl/1\n"
    ";@bram;2026-11-01 11:00;https://voorbeeld.nl/2\n"
    "Duinwijk festival;@carla;2026-11-02 09:00;https://voorbeeld.nl/3\n"
).encode("cp1252")


def upload(client, workspace, data=CSV, name="export.csv"):
    return client.post(
        reverse("listening:import", args=[workspace.slug]),
        {"file": SimpleUploadedFile(name, data), "source_name": "Oude tool"},
    )


def test_upload_then_map_columns_imports_rows_and_reports_the_bad_one(client_for, anna, acme):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    client = client_for(anna)
    response = upload(client, acme)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Koffie bij Café Duinwijk strand" in page  # the preview shows the file's first rows
    response = client.post(
        reverse("listening:import-map", args=[acme.slug]),
        {"text": "bericht", "author": "gebruiker", "created_at": "datum", "url": "link"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert Mention.objects.filter(workspace=acme).count() == 2
    # A Windows-1252 export keeps its accents.
    assert Mention.objects.filter(text__contains="Café Duinwijk").exists()
    assert Source.objects.get(workspace=acme, name="Oude tool").kind == "file"
    assert "<td>3</td>" in body  # row 3 (the header is row 1) has no text and is reported


def test_mapping_form_suggests_columns_and_requires_the_text(client_for, anna, acme):
    client = client_for(anna)
    upload(client, acme, b"text,author,date\nHallo,@a,2026-11-01\n")
    form = client.get(reverse("listening:import-map", args=[acme.slug])).context["form"]
    assert form.initial["text"] == "text"
    assert form.initial["author"] == "author"
    response = client.post(reverse("listening:import-map", args=[acme.slug]), {"text": ""})
    assert response.status_code == 200
    assert not Mention.objects.exists()


def test_an_unreadable_file_gets_a_clear_error_and_nothing_is_kept(client_for, anna, acme):
    response = upload(client_for(anna), acme, b"\x00\x01\x02" * 10, "kapot.bin")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Source.objects.filter(workspace=acme).exists()


def test_the_mapping_step_without_an_upload_goes_back_to_step_one(client_for, anna, acme):
    response = client_for(anna).get(reverse("listening:import-map", args=[acme.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("listening:import", args=[acme.slug])


def test_viewers_and_outsiders_cannot_import(client_for, carla, acme, bolt):
    client = client_for(carla)
    assert upload(client, acme).status_code == 404
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    assert upload(client, acme).status_code == 403
    assert not Mention.objects.exists()
