"""The audit log as CSV: names and summaries people typed can't run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from koers.core.actions import audit

pytestmark = pytest.mark.django_db


def test_audit_export_writes_typed_names_and_summaries_as_text(
    client_for, anna, acme, django_user_model
):
    mallory = django_user_model.objects.create_user("+1+1", "m@example.nl", "x")
    audit(acme, mallory, "publishing.item_save", '=HYPERLINK("https://evil.example","klik")')
    audit(acme, anna, "alerts.rule_create", "@SUM(1+1)*cmd|' /C calc'!A0")

    response = client_for(anna).get(reverse("audit-export", args=[acme.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert ["'+1+1", "publishing.item_save"] in [row[1:3] for row in rows]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
