"""Why something is locked, incomplete or worth a warning: :class:`Reason`, :class:`Lock`, and the
bilingual message catalogue every rule draws its reasons from.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeGuard

Bilingual = Mapping[str, str]
"""A user-facing text in both product languages: ``{"en": ..., "nl": ...}``."""

Number = int | float | Decimal


@dataclass(frozen=True)
class Reason:
    """Why something is locked, incomplete or worth a warning."""

    code: str
    message: Bilingual


@dataclass(frozen=True)
class Lock:
    """Whether something is locked, and every reason why (empty when unlocked)."""

    reasons: tuple[Reason, ...] = ()

    @property
    def locked(self) -> bool:
        return bool(self.reasons)


class _LocalNumbers(string.Formatter):
    """``str.format`` that writes numbers the way ``lang`` does: "4,5×" in Dutch, "4.5×" in
    English (the decimal comma and the thousands dot swap places)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
        if number and self.lang == "nl":
            return text.translate(str.maketrans(".,", ",."))
        return text


def format_in(lang: str, text: str, **params: object) -> str:
    """``text.format(**params)`` with the numbers written in ``lang``'s style."""
    return _LocalNumbers(lang).format(text, **params)


def make_reason(code: str, **params: object) -> Reason:
    return Reason(
        code, {lang: format_in(lang, text, **params) for lang, text in MESSAGES[code].items()}
    )


MESSAGES: Mapping[str, Bilingual] = {
    # POST
    "people_no_profile": {
        "en": "Add a Technographics profile of the audience.",
        "nl": "Voeg een Technographics-profiel van de doelgroep toe.",
    },
    "people_no_audience": {
        "en": "Describe the audience and how it behaves online.",
        "nl": "Beschrijf de doelgroep en hoe die zich online gedraagt.",
    },
    "people_no_influencers": {
        "en": "No influencers or opinion leaders listed yet.",
        "nl": "Er staan nog geen influencers of opinieleiders op de lijst.",
    },
    "objectives_no_primary": {
        "en": "Choose one primary Groundswell objective.",
        "nl": "Kies één primaire Groundswell-doelstelling.",
    },
    "objectives_many_primaries": {
        "en": "{count} primary objectives: choose one and make the others secondary.",
        "nl": "{count} primaire doelstellingen: kies er één en maak de andere secundair.",
    },
    "objectives_none": {
        "en": "Add at least one SMART objective.",
        "nl": "Voeg ten minste één SMART-doelstelling toe.",
    },
    "objective_no_kpi": {
        "en": "Objective “{title}” has no KPI.",
        "nl": "Doelstelling ‘{title}’ heeft geen KPI.",
    },
    "objective_not_smart": {
        "en": "Objective “{title}” is not SMART yet: {letters} missing.",
        "nl": "Doelstelling ‘{title}’ is nog niet SMART: {letters} ontbreekt.",
    },
    "strategy_no_current": {
        "en": "Describe the current relationship with customers.",
        "nl": "Beschrijf de huidige relatie met klanten.",
    },
    "strategy_no_target": {
        "en": "Describe the relationship you want: imagine the endpoint.",
        "nl": "Beschrijf de relatie die je wilt: stel je het eindpunt voor.",
    },
    "strategy_no_messages": {
        "en": "Write at least one key message.",
        "nl": "Schrijf ten minste één kernboodschap.",
    },
    "strategy_no_ambassadors": {
        "en": "No ambassadors named yet.",
        "nl": "Er zijn nog geen ambassadeurs genoemd.",
    },
    "technology_no_channels": {
        "en": "Choose at least one channel with a posting frequency.",
        "nl": "Kies ten minste één kanaal met een publicatiefrequentie.",
    },
    "technology_no_frequency": {
        "en": "Set how often to post on {network}.",
        "nl": "Geef aan hoe vaak er op {network} gepost wordt.",
    },
    "technology_locked": {
        "en": "Technology is decided last: complete {step} first.",
        "nl": "Technologie kies je als laatste: maak eerst {step} af.",
    },
    # SMART
    "smart_s_missing": {
        "en": "Set the {fields}.",
        "nl": "Vul in: {fields}.",
    },
    "smart_s_ok": {
        "en": "Metric, channel and target group are set.",
        "nl": "Maatstaf, kanaal en doelgroep zijn ingevuld.",
    },
    "smart_m_missing": {
        "en": "Set the {fields}.",
        "nl": "Vul in: {fields}.",
    },
    "smart_m_ok": {
        "en": "Numeric target, unit and dated baseline are set.",
        "nl": "Numerieke streefwaarde, eenheid en gedateerde nulmeting zijn ingevuld.",
    },
    "smart_m_baseline_after_start": {
        "en": "The baseline is dated after the start; measure it before you begin.",
        "nl": "De nulmeting is van na de start; meet die voordat je begint.",
    },
    "smart_a_missing": {
        "en": "Name an owner who is accountable.",
        "nl": "Wijs een eigenaar aan die verantwoordelijk is.",
    },
    "smart_a_ok": {"en": "An owner is set.", "nl": "Er is een eigenaar."},
    "smart_r_missing": {
        "en": "Realism can't be judged without a numeric target and baseline.",
        "nl": "Haalbaarheid is niet te beoordelen zonder numerieke streefwaarde en nulmeting.",
    },
    "smart_r_too_high": {
        "en": "The target is {factor:.1f}× the baseline, more than the plausible {limit:g}×.",
        "nl": "De streefwaarde is {factor:.1f}× de nulmeting, meer dan de aannemelijke {limit:g}×.",
    },
    "smart_r_too_low": {
        "en": "The target is a {factor:.1f}× reduction of the baseline, more than the plausible "
        "{limit:g}×.",
        "nl": "De streefwaarde is een verlaging met factor {factor:.1f} ten opzichte van de "
        "nulmeting, meer dan de aannemelijke {limit:g}×.",
    },
    "smart_r_equal": {
        "en": "The target equals the baseline: there is nothing to achieve.",
        "nl": "De streefwaarde is gelijk aan de nulmeting: er valt niets te bereiken.",
    },
    "smart_r_zero_baseline": {
        "en": "The baseline is zero, so growth can't be compared; check the target by hand.",
        "nl": "De nulmeting is nul, dus groei is niet te vergelijken; controleer de "
        "streefwaarde zelf.",
    },
    "smart_r_ok": {
        "en": "The target is plausible compared with the baseline.",
        "nl": "De streefwaarde is aannemelijk vergeleken met de nulmeting.",
    },
    "smart_t_missing": {
        "en": "Set a start date and a deadline.",
        "nl": "Vul een startdatum en een deadline in.",
    },
    "smart_t_order": {
        "en": "The deadline must be after the start.",
        "nl": "De deadline moet na de startdatum liggen.",
    },
    "smart_t_ok": {"en": "The deadline is after the start.", "nl": "De deadline ligt na de start."},
    # Kerkhofs
    "go_no_go_missing": {
        "en": "Steps 4–8 open after a go. The go/no-go record still needs {fields}.",
        "nl": "Stap 4–8 gaan open na een go. Bij het go/no-go-besluit ontbreekt nog: {fields}.",
    },
    "go_no_go_is_no_go": {
        "en": "The decision was no-go: this cycle is closed. Start a new cycle to continue.",
        "nl": "Het besluit was no-go: deze cyclus is afgesloten. Start een nieuwe cyclus om verder "
        "te gaan.",
    },
    # Funnel
    "funnel_increase": {
        "en": "{later} ({later_count}) is larger than {earlier} ({earlier_count}): a funnel "
        "narrows, so check the counts.",
        "nl": "{later} ({later_count}) is groter dan {earlier} ({earlier_count}): een trechter "
        "wordt smaller, dus controleer de aantallen.",
    },
    "funnel_early_revenue": {
        "en": "Revenue is recorded at {stage}, before customers exist.",
        "nl": "Er is omzet geboekt bij {stage}, terwijl er nog geen klanten zijn.",
    },
    # Roos
    "roos_missing": {
        "en": "Organiseren needs {fields} before any petal can be active.",
        "nl": "Organiseren heeft {fields} nodig voordat een blad actief kan zijn.",
    },
    "roos_petal_incomplete": {
        "en": "{petal}: fill in {fields}.",
        "nl": "{petal}: vul {fields} in.",
    },
    "roos_active_too_early": {
        "en": "{petal} is marked active, but Organiseren isn't ready.",
        "nl": "{petal} staat op actief, maar Organiseren is nog niet klaar.",
    },
}
"""Message catalogue by code. Placeholders use str.format."""


def join_words(parts: Sequence[Bilingual], lang: str) -> str:
    words = [p[lang] for p in parts]
    if len(words) <= 1:
        return "".join(words)
    conj = " and " if lang == "en" else " en "
    return ", ".join(words[:-1]) + conj + words[-1]


def fields_reason(code: str, fields: Sequence[Bilingual], **params: object) -> Reason:
    return Reason(
        code,
        {
            lang: format_in(lang, MESSAGES[code][lang], fields=join_words(fields, lang), **params)
            for lang in ("en", "nl")
        },
    )


def is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


def is_number(value: object) -> TypeGuard[Number]:
    # bool is an int subclass; True is not a target.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


def missing_fields(code: str, fields: Sequence[str]) -> Reason:
    return fields_reason(code, [FIELD_NAMES[f] for f in fields])


FIELD_NAMES: Mapping[str, Bilingual] = {
    "metric": {"en": "metric", "nl": "maatstaf"},
    "channel": {"en": "channel", "nl": "kanaal"},
    "target_group": {"en": "target group", "nl": "doelgroep"},
    "target": {"en": "numeric target", "nl": "numerieke streefwaarde"},
    "unit": {"en": "unit", "nl": "eenheid"},
    "baseline": {"en": "baseline value", "nl": "waarde van de nulmeting"},
    "baseline_date": {"en": "baseline date", "nl": "datum van de nulmeting"},
    "decision": {"en": "the decision (go or no-go)", "nl": "het besluit (go of no-go)"},
    "decided_on": {"en": "the date", "nl": "de datum"},
    "rationale": {"en": "the rationale", "nl": "de onderbouwing"},
    "decided_by": {"en": "who decided", "nl": "wie besloot"},
    "roles": {"en": "roles", "nl": "rollen"},
    "processes": {"en": "processes", "nl": "processen"},
    "guidelines": {"en": "guidelines", "nl": "richtlijnen"},
    "activities": {"en": "activities", "nl": "activiteiten"},
    "channels": {"en": "channels", "nl": "kanalen"},
    "owner": {"en": "owner", "nl": "eigenaar"},
    "effort": {"en": "effort", "nl": "inspanning"},
}
