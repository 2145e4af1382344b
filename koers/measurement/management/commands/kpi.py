"""``koers kpi list`` and ``koers kpi compute``: the KPI catalogue and KPI values from the shell.

JSON output (``--json``) is stable; fields are only ever added, never renamed (``version`` 1):

``koers kpi list --json`` prints ``{"version": 1, "kpis": [ENTRY, ...]}`` with ENTRY =
``{"id", "name": {"en", "nl"}, "level", "level_name": {"en", "nl"}, "formula",
"numerator": {"en", "nl"} | null, "denominator": {"en", "nl"} | null, "unit",
"variants": [{"id", "name": {"en", "nl"}, "formula"}], "default_variant": str | null}``.

``koers kpi compute engagement_rate --workspace acme --from 2026-10-01 --to 2026-10-31 --json``
prints ``{"version": 1, "workspace", "period": {"from", "to"}, "campaign", "kpi", "variant",
"value": float | null, "display", "numerator": float | null, "denominator": float | null,
"unit"}``. ``value`` is ``null`` when there is no value (a zero denominator or an unavailable
input) — never 0. ``unit`` is one of count, percent, per_post, ratio, seconds (percentages are
0–100). Errors exit with status 1 and a message on stderr.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from koers.core.models import Workspace
from koers.measurement import catalogue, kpis
from koers.measurement.formulas import KPI_CATALOGUE
from koers.measurement.periods import Period

JSON_VERSION = 1


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "List the KPI catalogue or compute one KPI for a workspace and period."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The KPI catalogue.")
        listing.add_argument("--json", action="store_true", dest="as_json")
        listing.add_argument("--lang", choices=["nl", "en"], default="nl")
        compute = sub.add_parser("compute", help="One KPI over a period.")
        compute.add_argument("kpi", help="KPI id, e.g. engagement_rate (see `koers kpi list`).")
        compute.add_argument("--workspace", required=True, help="Workspace address (slug).")
        compute.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        compute.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        compute.add_argument("--variant", help="Variant id; default: the KPI's first variant.")
        compute.add_argument("--campaign", default="", help="Only posts of this campaign.")
        compute.add_argument("--json", action="store_true", dest="as_json")
        compute.add_argument("--lang", choices=["nl", "en"], default="nl")

    def handle(self, *args, action: str, as_json: bool, lang: str, **options) -> None:
        with translation.override(lang):
            if action == "list":
                self._list(as_json, lang)
            else:
                self._compute(as_json, lang, **options)

    def _list(self, as_json: bool, lang: str) -> None:
        entries = catalogue.entries()
        if as_json:
            self.stdout.write(json.dumps({"version": JSON_VERSION, "kpis": entries}, indent=2))
            return
        for e in entries:
            variants = ", ".join(v["id"] for v in e["variants"]) or "-"
            self.stdout.write(f"{e['id']:<20} {e['level']:<11} {e['formula']}  [{variants}]")

    def _compute(self, as_json: bool, lang: str, *, kpi: str, workspace: str, start: str,
                 end: str, variant: str | None, campaign: str, **_options) -> None:  # fmt: skip
        if kpi not in KPI_CATALOGUE:
            raise CommandError(f"unknown KPI {kpi!r}; see `koers kpi list`")
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"no workspace {workspace!r}")
        first, last = _date(start), _date(end)
        if last < first:
            raise CommandError("--to is before --from")
        period = Period(first, last)
        try:
            value = kpis.compute(kpis.gather(found, period, campaign), kpi, variant)
        except ValueError as error:
            raise CommandError(str(error)) from None
        body = {
            "version": JSON_VERSION,
            "workspace": found.slug,
            "period": {"from": first.isoformat(), "to": last.isoformat()},
            "campaign": campaign,
            **kpis.as_dict(value),
        }
        if as_json:
            self.stdout.write(json.dumps(body, indent=2))
        else:
            name = KPI_CATALOGUE[kpi].name[lang]
            self.stdout.write(f"{name} ({value.variant or '-'}) {period}: {body['display']}")
