"""``koers kpi`` and ``koers report`` on the command line; the JSON shape is a contract."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_kpi_list_json_has_every_kpi_with_both_names_and_variants():
    body = json.loads(run("kpi", "list", "--json"))
    assert body["version"] == 1
    rate = next(k for k in body["kpis"] if k["id"] == "engagement_rate")
    assert rate["name"] == {"en": "Engagement rate", "nl": "Engagementratio"}
    assert rate["level"] == "engagement"
    assert [v["id"] for v in rate["variants"]] == ["by_reach", "by_followers"]
    assert rate["default_variant"] == "by_reach"
    assert len(body["kpis"]) == 15  # DOMAIN.md §8 plus web visits (traffic to the own site)


def test_kpi_compute_json_gives_value_numerator_and_denominator(acme, october_posts):
    body = json.loads(
        run("kpi", "compute", "engagement_rate", "--workspace", "acme", "--from", "2026-10-01",
            "--to", "2026-10-31", "--variant", "by_followers", "--json")
    )  # fmt: skip
    assert body == {
        "version": 1,
        "workspace": "acme",
        "period": {"from": "2026-10-01", "to": "2026-10-31"},
        "campaign": "",
        "kpi": "engagement_rate",
        "variant": "by_followers",
        "value": 1.5,
        "display": "1,5%",
        "numerator": 15.0,
        "denominator": 1000.0,
        "unit": "percent",
    }


def test_kpi_compute_with_zero_denominator_prints_null_not_zero(acme):
    body = json.loads(
        run("kpi", "compute", "applause_rate", "--workspace", "acme", "--from", "2026-10-01",
            "--to", "2026-10-31", "--json")
    )  # fmt: skip
    assert (body["value"], body["denominator"], body["display"]) == (None, 0.0, "—")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--workspace", "acme"], "unknown KPI"),
        (["reach", "--workspace", "nobody"], "no workspace"),
        (["engagements", "--workspace", "acme", "--variant", "x"], "unknown variant"),
    ],
)
def test_kpi_compute_refuses_bad_arguments(acme, args, message):
    with pytest.raises(CommandError, match=message):
        run("kpi", "compute", *args, "--from", "2026-10-01", "--to", "2026-10-31")


def test_report_command_writes_csv_and_html(acme, october_posts, tmp_path):
    csv_path, html_path = tmp_path / "r.csv", tmp_path / "r.html"
    run("report", "--workspace", "acme", "--period", "2026-10", "--format", "csv", "-o", csv_path)
    run("report", "--workspace", "acme", "--period", "2026-10", "--format", "html",
        "-o", html_path, "--lang", "en")  # fmt: skip
    lines = [",".join(row) for row in csv.reader(StringIO(csv_path.read_text(), newline=""))]
    assert lines[0].startswith("section,key,variant,name,value,numerator,denominator")
    assert (
        "kpi,engagement_rate,by_reach,Engagementratio,11,22,200,percent,,2026-10-01,2026-10-31"
        in lines
    )
    assert "Report Acme Fietsen" in html_path.read_text()
