"""``koers demo``: the strategy of the fictional municipality Gemeente Duinwijk.

Two cycles: 2025 (archived, evaluated: its results become the baselines of 2026) and the active
2026 cycle, filled in completely — survey-based Technographics profile, SMART objectives with
KPIs, a "go", channels, funnel targets, the Communicatieroos and a listening-maturity check.
Everything goes through the actions, so the demo also leaves a realistic audit log.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from koers.core.demo import DemoContext
from koers.strategy import actions, rules
from koers.strategy import technographics as tg
from koers.strategy.models import Cycle, KerkhofsStep

# Chance that a resident does an activity at least weekly / at least monthly (survey of 2025,
# panel of residents; loosely shaped like Dutch online adults: many Spectators and Joiners).
ACTIVITY_ODDS: dict[str, tuple[float, float]] = {
    "blog publiceren": (0.03, 0.08),
    "video's uploaden": (0.06, 0.14),
    "artikelen schrijven": (0.02, 0.06),
    "status bijwerken": (0.30, 0.45),
    "microblog plaatsen": (0.12, 0.20),
    "reviews plaatsen": (0.08, 0.25),
    "reageren op blogs": (0.06, 0.15),
    "bijdragen aan forums": (0.05, 0.12),
    "rss gebruiken": (0.03, 0.07),
    "stemmen op websites": (0.05, 0.14),
    "profiel bijhouden": (0.45, 0.62),
    "sociale netwerken bezoeken": (0.62, 0.74),
    "video's bekijken": (0.58, 0.76),
    "reviews lezen": (0.35, 0.60),
    "forums lezen": (0.15, 0.32),
}


def survey_csv(rng: random.Random, respondents: int = 312) -> bytes:
    """A semicolon-separated Dutch survey export (Windows-1252, as Excel writes it).

    Each resident gets an overall activeness, so activities go together as in real panels;
    about one in seven residents is offline altogether.
    """
    header = ["respondent", *ACTIVITY_ODDS]
    rows = [";".join(header)]
    for number in range(1, respondents + 1):
        offline = rng.random() < 0.15
        activeness = 0.7 * (0.4 + rng.random())
        cells = [f"R{number:04d}"]
        for weekly, monthly in ACTIVITY_ODDS.values():
            roll = rng.random()
            if not offline and roll < weekly * activeness:
                cells.append(rng.choice(["dagelijks", "wekelijks"]))
            elif not offline and roll < monthly * activeness:
                cells.append("maandelijks")
            else:
                cells.append(rng.choice(["minder vaak", "nooit"]))
        rows.append(";".join(cells))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def build(ctx: DemoContext) -> str:
    owner, workspace = ctx.owner, ctx.workspace
    previous = _cycle_2025(ctx)
    cycle = actions.create_cycle(
        workspace,
        owner,
        name="Duinwijk in gesprek 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        carry=("objectives",),  # the rest of the 2026 cycle is written out below
    )
    _people(ctx, cycle)
    _objectives(ctx, cycle)
    actions.update_strategy(
        cycle,
        owner,
        current_relationship=(
            "Inwoners zien de gemeente vooral als loket: zij melden, wij zenden. Vragen via "
            "sociale media worden pas na dagen beantwoord, en vaak met een verwijzing naar het "
            "telefoonnummer 14 0577."
        ),
        target_relationship=(
            "Inwoners ervaren de gemeente als gesprekspartner die meedenkt: vragen worden binnen "
            "vier uur beantwoord, wijkbewoners helpen elkaar in de wijkgroepen en ideeën uit de "
            "buurt komen zichtbaar terug in plannen."
        ),
        key_messages=(
            "Duinwijk luistert: je vraag verdient binnen vier uur een antwoord.\n"
            "Samen houden we Duinwijk schoon, veilig en groen.\n"
            "Jouw idee voor de wijk telt: doe mee met Duinwijk Denkt Mee."
        ),
        ambassadors=(
            "Wijkagent Sanne de Vries\n"
            "Buurtconciërges van Noord en Zeezijde\n"
            "Vrijwilligers van het Repair Café Duinwijk"
        ),
    )
    _kerkhofs(ctx, cycle, range(1, 4))
    actions.record_go_no_go(
        cycle,
        owner,
        decision=rules.Decision.GO.value,
        criteria=[c.value for c in rules.GoCriterion],
        decided_on=date(2026, 2, 10),
        rationale=(
            "Het profiel laat zien dat ruim de helft van de inwoners op sociale netwerken actief "
            "is en bijna een kwart wekelijks meepraat; de klantcontactcijfers tonen 1.900 "
            "vragen per kwartaal via sociale media. De directie stelt 0,8 fte en € 12.000 "
            "beschikbaar. Het college heeft op 10 februari ingestemd."
        ),
    )
    _kerkhofs(ctx, cycle, range(4, 9))
    for network, purpose, per_week, budget, hours in (
        ("Facebook", "Wijkgroepen, vragen van inwoners, evenementen", "5", "3000", "10"),
        ("Instagram", "Beeld van de wijken, werkzaamheden, vacatures", "3", "2500", "6"),
        ("Mastodon (social.duinwijk.nl)", "Nieuws en storingen, eigen server", "7", "1200", "4"),
        ("Bluesky", "Bestuurlijk nieuws, pers en raadsleden", "4", "0", "3"),
        ("WhatsApp-kanaal", "Calamiteiten en afvalkalender-meldingen", "2", "500", "2"),
    ):  # fmt: skip
        actions.add_channel(
            cycle, owner, network=network, purpose=purpose, posts_per_week=Decimal(per_week),
            budget=Decimal(budget), hours_per_week=Decimal(hours),
        )  # fmt: skip
    actions.fill_policy_from_template(ctx.workspace, owner, language="nl")
    actions.save_funnel(
        cycle,
        owner,
        stages=[
            ("Bereikte inwoners", 48000),
            ("Volgers", 9500),
            ("Abonnees nieuwsbrief", 3100),
            ("Deelnemers participatie", 640),
            ("Actieve wijkambassadeurs", 85),
        ],
    )
    _roos(ctx, cycle)
    actions.save_costs(
        cycle,
        owner,
        costs={"hourly_rate": Decimal("62"), "tool_budget": Decimal("4800"),
               "ad_budget": Decimal("3000")},
        values={"lead": None, "saved_call": Decimal("6.50"), "visit": Decimal("0.60")},
    )  # fmt: skip
    actions.save_maturity(
        cycle,
        owner,
        checked=[
            "alerts_brand",
            "alerts_reader",
            "own_accounts_daily",
            "response_times_agreed",
            "escalation_procedure",
            "market_topics",
            "sentiment_checked",
        ],
    )
    objectives = cycle.objectives.count()
    return (
        f"strategy: cycles '{previous.name}' (archived) and '{cycle.name}' (go, "
        f"{objectives} SMART objectives, survey of 312 residents)"
    )


def _cycle_2025(ctx: DemoContext) -> Cycle:
    owner = ctx.owner
    cycle = actions.create_cycle(
        ctx.workspace,
        owner,
        name="Webcare op orde 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    actions.update_people(
        cycle,
        owner,
        audience_description="Inwoners van Duinwijk die de gemeente online benaderen.",
    )
    actions.use_benchmark(cycle, owner, benchmark_id="europe-2007")
    actions.set_groundswell(cycle, owner, roles={"supporting": "primary"})
    actions.save_objective(
        cycle,
        owner,
        None,
        {
            "title": "Vragen via sociale media sneller beantwoorden",
            "groundswell": "supporting",
            "level": "engagement",
            "metric": "vragen beantwoord binnen 4 uur",
            "channel": "Facebook en Instagram",
            "target_group": "inwoners met een vraag",
            "unit": "%",
            "baseline": Decimal("38"),
            "baseline_date": date(2024, 12, 1),
            "target": Decimal("75"),
            "start": date(2025, 1, 1),
            "deadline": date(2025, 12, 31),
            "owner": "Teamleider KCC",
            "result": Decimal("71"),
            "result_date": date(2025, 12, 31),
        },
        [{"kpi_id": "response_rate", "variant": "", "target": Decimal("75")}],
    )
    _kerkhofs(ctx, cycle, range(1, 4))
    actions.record_go_no_go(
        cycle,
        owner,
        decision="go",
        criteria=[c.value for c in rules.GoCriterion],
        decided_on=date(2025, 2, 3),
        rationale="Webcare is een wettelijke en bestuurlijke verwachting; klein beginnen.",
    )
    return cycle


def _people(ctx: DemoContext, cycle: Cycle) -> None:
    owner = ctx.owner
    actions.update_people(
        cycle,
        owner,
        audience_description=(
            "De 41.000 inwoners van Duinwijk, met drie groepen die we apart benaderen."
        ),
    )
    for priority, name, description in (
        (1, "Gezinnen in Zeezijde", "Nieuwbouwwijk; actief op Facebook en Instagram, veel "
         "vragen over afval en parkeren."),
        (2, "Ondernemers aan de boulevard", "Volgen ons op LinkedIn en Bluesky; willen snel "
         "weten wat werkzaamheden voor hen betekenen."),
        (3, "Ouderen in het centrum", "Lezen mee, reageren weinig, bellen liever."),
    ):  # fmt: skip
        actions.add_audience(cycle, owner, name=name, description=description, priority=priority)
    for name, handle, network, reach, notes in (
        ("Dorpsraad Duinwijk-Noord", "@dorpsraadnoord", "Facebook", 4200, "Beheert de grootste "
         "wijkgroep; vooraf informeren bij werkzaamheden."),
        ("Lotte Bakker", "@lotteopdeboulevard", "Instagram", 12800, "Ondernemer en lokale "
         "influencer; deelt evenementen."),
        ("Duinwijker Courant", "@duinwijkercourant", "Bluesky", 6100, "Lokale krant, neemt "
         "berichten vaak letterlijk over."),
        ("Ahmed El Amrani", "@ahmed_zeezijde", "Mastodon", 1900, "Wijkambassadeur Zeezijde, "
         "kritisch maar constructief."),
    ):  # fmt: skip
        actions.add_influencer(
            cycle, owner, name=name, handle=handle, network=network, reach=reach, notes=notes
        )
    profile = tg.profile_from_bytes(survey_csv(ctx.rng))
    actions.save_survey_profile(
        cycle, owner, filename="inwonerspanel-najaar-2025.csv", profile=profile
    )
    actions.set_comparison(cycle, owner, benchmark_id="us-2009q4")


def _objectives(ctx: DemoContext, cycle: Cycle) -> None:
    owner = ctx.owner
    actions.set_groundswell(cycle, owner, roles={"supporting": "primary", "listening": "secondary"})
    carried = cycle.objectives.first()  # the 2025 result (71%) is now the baseline
    if carried is not None:
        actions.save_objective(
            cycle,
            owner,
            carried,
            {
                "title": "Beantwoord 90% van de vragen via sociale media binnen 4 uur tijdens "
                "kantooruren",
                "groundswell": "supporting",
                "level": "engagement",
                "metric": "vragen beantwoord binnen 4 uur",
                "channel": "Facebook, Instagram en Mastodon",
                "target_group": "inwoners met een vraag",
                "unit": "%",
                "baseline": carried.baseline,
                "baseline_date": carried.baseline_date,
                "target": Decimal("90"),
                "start": date(2026, 1, 1),
                "deadline": date(2026, 6, 30),
                "owner": "Teamleider KCC",
            },
            [
                {"kpi_id": "response_rate", "variant": "", "target": Decimal("90")},
                {"kpi_id": "response_time", "variant": "median", "target": Decimal("7200")},
            ],
        )
    actions.save_objective(
        cycle,
        owner,
        None,
        {
            "title": "Laat 15 wijkambassadeurs de campagne Duinwijk Denkt Mee delen",
            "groundswell": "energizing",
            "level": "influence",
            "metric": "wijkambassadeurs die de campagne delen",
            "channel": "Facebook-wijkgroepen en Instagram",
            "target_group": "wijkambassadeurs en buurtverenigingen",
            "unit": "ambassadeurs",
            "baseline": Decimal("6"),
            "baseline_date": date(2026, 1, 15),
            "target": Decimal("15"),
            "start": date(2026, 3, 1),
            "deadline": date(2026, 6, 30),
            "owner": "Communicatieadviseur participatie",
        },
        [{"kpi_id": "amplification_rate", "variant": "", "target": Decimal("4")}],
    )
    actions.save_objective(
        cycle,
        owner,
        None,
        {
            "title": "Verhoog het netto sentiment over de gemeente van 4 naar 12",
            "groundswell": "listening",
            "level": "influence",
            "metric": "netto sentiment in vermeldingen",
            "channel": "alle gevolgde bronnen",
            "target_group": "inwoners van Duinwijk",
            "unit": "punten",
            "baseline": Decimal("4"),
            "baseline_date": date(2025, 12, 31),
            "target": Decimal("12"),
            "start": date(2026, 1, 1),
            "deadline": date(2026, 12, 31),
            "owner": "Hoofd Communicatie",
        },
        [{"kpi_id": "net_sentiment", "variant": "with_neutral", "target": Decimal("12")}],
    )
    actions.save_objective(
        cycle,
        owner,
        None,
        {
            "title": "Breng 20.000 bezoeken vanuit sociale media naar duinwijk.nl/denkmee",
            "groundswell": "talking",
            "level": "action",
            "metric": "bezoeken met UTM-code van sociale media",
            "channel": "alle kanalen, links met UTM-parameters",
            "target_group": "inwoners van Duinwijk",
            "unit": "bezoeken",
            "baseline": Decimal("7400"),
            "baseline_date": date(2025, 12, 31),
            "target": Decimal("20000"),
            "start": date(2026, 1, 1),
            "deadline": date(2026, 12, 31),
            "owner": "Webredacteur",
            "result_kind": "visit",
        },
        [{"kpi_id": "web_visits", "variant": "", "target": Decimal("20000")}],
    )
    actions.save_objective(
        cycle,
        owner,
        None,
        {
            "title": "Voorkom 4.000 telefoontjes naar 14 0577: vragen krijgen online antwoord",
            "groundswell": "supporting",
            "level": "action",
            "metric": "vragen online beantwoord die anders telefonisch waren gesteld",
            "channel": "Facebook, Instagram en Mastodon",
            "target_group": "inwoners met een vraag",
            "unit": "telefoontjes",
            "baseline": Decimal("2600"),
            "baseline_date": date(2025, 12, 31),
            "target": Decimal("4000"),
            "start": date(2026, 1, 1),
            "deadline": date(2026, 12, 31),
            "owner": "Teamleider KCC",
            "result_kind": "saved_call",
        },
        [{"kpi_id": "response_rate", "variant": "", "target": Decimal("90")}],
    )


KERKHOFS_NOTES = {
    rules.KerkhofsStep.PROBLEM: (
        "Vragen via sociale media blijven te lang liggen; inwoners voelen zich niet gehoord.",
        "Hoofd Communicatie",
    ),
    rules.KerkhofsStep.TARGET_GROUP: (
        "Inwoners met een vraag, wijkbewoners in Zeezijde en Noord; doel: sneller antwoord en "
        "meer meedenken.",
        "Strateeg",
    ),
    rules.KerkhofsStep.ONLINE_BEHAVIOUR: (
        "Inwonerspanel (312 respondenten) ingevuld: veel Joiners en Spectators, bijna een kwart "
        "Conversationalists.",
        "Onderzoeker",
    ),
    rules.KerkhofsStep.STRATEGIC_FRAMEWORK: (
        "Kernboodschappen en tone of voice vastgesteld; webcare valt onder Communicatie.",
        "Hoofd Communicatie",
    ),
    rules.KerkhofsStep.INTEGRATION: (
        "Afgestemd met KCC, wijkteams en de campagne Duinwijk Denkt Mee.",
        "Strateeg",
    ),
    rules.KerkhofsStep.MEDIA_PLAN: ("Vijf kanalen met frequentie per week gekozen.", "Webredactie"),
    rules.KerkhofsStep.PROJECT_MANAGEMENT: (
        "Webcarerooster, escalatieladder en maandelijkse evaluatie ingericht.",
        "Teamleider KCC",
    ),
    rules.KerkhofsStep.ACTIVATE_AND_MEASURE: (
        "Dashboard met responstijd, share of voice en sentiment; kwartaalrapportage aan de "
        "directie.",
        "Data-analist",
    ),
}


STEP_CONTENT: dict[rules.KerkhofsStep, dict[str, str]] = {
    rules.KerkhofsStep.STRATEGIC_FRAMEWORK: {
        "approach": rules.Approach.HUMAN_DIALOGUE.value,
        "partners": rules.Partners.AMBASSADORS.value,
    },
}


def _kerkhofs(ctx: DemoContext, cycle: Cycle, numbers: range) -> None:
    for info in rules.KERKHOFS_STEPS:
        if info.number not in numbers:
            continue
        step = KerkhofsStep.objects.get(cycle=cycle, step=info.step.value)
        notes, owner_name = KERKHOFS_NOTES[info.step]
        done = info.number is not None and info.number <= 6
        actions.update_kerkhofs_step(
            step,
            ctx.owner,
            status="done" if done else "in_progress",
            notes=notes,
            owner=owner_name,
            **STEP_CONTENT.get(info.step, {}),
            **({"lead": ctx.owner} if info.step is rules.KerkhofsStep.PROJECT_MANAGEMENT else {}),
        )


def _roos(ctx: DemoContext, cycle: Cycle) -> None:
    owner = ctx.owner
    actions.save_organiseren(
        cycle,
        owner,
        roles="Webredactie (2 fte)\nWebcare-medewerkers KCC\nWoordvoerder college",
        processes="Webcarerooster ma–vr 8–20 uur\nEscalatieladder bij crisis\nWekelijks "
        "redactieoverleg",
        guidelines="Socialemediarichtlijn voor medewerkers\nTone of voice Duinwijk\nHashtag eerst "
        "onderzoeken, dan gebruiken",
        internal="Medewerkers delen werk uit de wijken met de hashtag #WerkenInDuinwijk.",
        external="Dorpsraden, de Duinwijker Courant en de veiligheidsregio.",
    )
    for petal, activities, channels, owner_name, hours in (
        ("luisteren", "Monitoren van vermeldingen\nMaandelijks luisterrapport",
         "koers-luisteren\nFacebook-wijkgroepen", "Data-analist", "6"),
        ("reageren", "Vragen beantwoorden binnen 4 uur\nDoorzetten naar vakafdelingen",
         "Facebook\nInstagram\nMastodon", "Teamleider KCC", "24"),
        ("zenden", "Nieuws en werkzaamheden\nVerhalen van medewerkers",
         "Alle kanalen", "Webredactie", "16"),
        ("activeren", "Wijkambassadeurs ondersteunen\nCampagne Duinwijk Denkt Mee",
         "Facebook-wijkgroepen\nInstagram", "Adviseur participatie", "8"),
    ):  # fmt: skip
        actions.save_petal(
            cycle,
            owner,
            petal=petal,
            activities=activities,
            channels=channels,
            owner=owner_name,
            effort_hours_per_week=Decimal(hours),
            active=True,
        )
