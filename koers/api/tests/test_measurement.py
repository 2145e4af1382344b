"""KPI values, objectives and reports for a period through the API."""

from __future__ import annotations

from koers.measurement.formulas import KPI_CATALOGUE


def test_kpis_for_a_period(api_as, anna, acme):
    api = api_as(anna, acme, language="nl")
    body = api.get("/kpis", {"period": "2026-Q4"}).json()
    assert (body["period"], body["start"], body["end"]) == ("2026-Q4", "2026-10-01", "2026-12-31")
    assert {k["kpi"] for k in body["kpis"]} == set(KPI_CATALOGUE)
    reach = next(k for k in body["kpis"] if k["kpi"] == "reach")
    assert reach["name"] == "Bereik" and reach["value"] is None and reach["display"] == "—"


def test_a_bad_period_is_a_422_never_a_500(api_as, anna, acme):
    api = api_as(anna, acme)
    for period in ("oktober", "9999-12", "2026-13", "2026-10-31..2026-10-01", "1900-01"):
        response = api.get("/objectives", {"period": period})
        assert response.status_code == 422, period
        assert "period" in response.json()["errors"]


def test_objectives_of_the_active_cycle_with_their_kpi(api_as, anna, acme):
    body = api_as(anna, acme).get("/objectives", {"period": "2026-10"}).json()
    assert body["objectives"] == [] and body["start"] == "2026-10-01"


def test_reports_offer_links_and_the_file_itself(api_as, anna, acme):
    api = api_as(anna, acme)
    listing = api.get("/reports", {"period": "2026-10", "language": "en"}).json()
    assert [link["format"] for link in listing["links"]] == ["html", "pdf", "csv"]
    csv_link = listing["links"][2]
    assert (
        "/api/v1/reports/file?" in csv_link["api"] and "/w/acme/measure/report/" in csv_link["page"]
    )
    response = api.get("/reports/file", {"period": "2026-10", "language": "en", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert b"Reach" in response.content and b"2026-10-01" in response.content
