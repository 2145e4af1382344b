"""The strategy cycle and the models filled in inside it (DOMAIN.md §1–8).

A workspace has one *active* cycle; earlier cycles are kept read-only for comparison. The rules
(locks, SMART, funnel, roos, maturity) live in ``rules.py``/``technographics.py``; ``status.py``
turns these rows into the rules' dataclasses. Every change goes through ``actions.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.models import Workspace
from koers.strategy import rules
from koers.strategy.technographics.ladder import Rung

# Which version of each model a cycle was built with (DOMAIN.md: versioned, with a source).
MODEL_VERSIONS: dict[str, dict[str, str]] = {
    "post": {"version": "1", "source_ref": "Bernoff 2007; Li & Bernoff, Groundswell (2008) ch. 4"},
    "technographics": {"version": "2010", "source_ref": "Forrester Social Technographics"},
    "kerkhofs": {"version": "1", "source_ref": "Kerkhofs, Social Strategy Model (seed 001)"},
    "funnel": {"version": "1", "source_ref": "Social Media Funnel (DOMAIN.md §4)"},
    "roos": {"version": "1", "source_ref": "Paul Blok, Communicatieroos (seed 004)"},
    "maturity": {"version": "1", "source_ref": "Don Bartholomew, listening maturity (seed 004)"},
}


class CycleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED_NO_GO = "closed_no_go", _("Closed after no-go")
    ARCHIVED = "archived", _("Archived")


class Decision(models.TextChoices):
    GO = rules.Decision.GO.value, _("Go")
    NO_GO = rules.Decision.NO_GO.value, _("No-go")


class Cycle(models.Model):
    """One pass through analyse → decide → plan → … for a workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    model_versions = models.JSONField(default=dict, blank=True)
    # POST: People and Strategy (the lists live in their own models below).
    audience_description = models.TextField(_("audience and online behaviour"), blank=True)
    current_relationship = models.TextField(_("current relationship"), blank=True)
    target_relationship = models.TextField(_("target relationship"), blank=True)
    key_messages = models.TextField(_("key messages"), blank=True, help_text=_("One per line."))
    ambassadors = models.TextField(_("ambassadors"), blank=True, help_text=_("One per line."))
    # Kerkhofs' uitstapmoment.
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_rationale = models.TextField(_("rationale"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    # The go criteria ticked at the uitstapmoment (``rules.GoCriterion`` values).
    go_criteria = models.JSONField(_("go criteria"), default=list, blank=True)
    # Listening maturity: the ticked checklist item ids.
    maturity_checked = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(status="active"),
                name="one_active_cycle_per_workspace",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == CycleStatus.ACTIVE

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class StepStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


KERKHOFS_CHOICES = [
    (info.step.value, info.step.value)
    for info in rules.KERKHOFS_STEPS
    if info.step is not rules.KerkhofsStep.GO_NO_GO
]


class KerkhofsStep(models.Model):
    """One of Kerkhofs' eight steps in a cycle: status, owner and its text (``notes``: the
    problem for step 1, the integration for step 5, …), plus what only one step has: the
    strategic framework's approach and partners (4), the linked campaigns (5) and the project
    lead, a member (7). What lives elsewhere (People, objectives, the Technographics profile,
    the channels, KPIs, the calendar) is linked, not copied."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="kerkhofs_steps")
    step = models.CharField(max_length=24, choices=KERKHOFS_CHOICES)
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.TODO
    )
    notes = models.TextField(_("notes"), blank=True)
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    approach = models.CharField(
        _("approach"),
        max_length=20,
        blank=True,
        choices=[(a.value, a.value) for a in rules.Approach],
    )
    partners = models.CharField(
        _("with whom"),
        max_length=20,
        blank=True,
        choices=[(p.value, p.value) for p in rules.Partners],
    )
    campaigns = models.ManyToManyField(
        "publishing.Campaign", blank=True, related_name="+", verbose_name=_("campaigns")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project lead"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "step"], name="one_record_per_kerkhofs_step")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.step}"


class Influencer(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="influencers")
    name = models.CharField(_("name"), max_length=120)
    handle = models.CharField(_("handle"), max_length=120, blank=True)
    network = models.CharField(_("network"), max_length=60, blank=True)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["-reach", "name"]

    def __str__(self) -> str:
        return self.name


class ProfileSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    BENCHMARK = "benchmark", _("Published benchmark")


class TechnographicsProfile(models.Model):
    """The audience's Social Technographics profile, from a survey or a published benchmark.

    ``percentages``/``members`` map rung ids to numbers at full precision (``None`` = unknown);
    ``warnings`` are the reader's bilingual warnings, kept so the page can show them later.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="technographics")
    source = models.CharField(max_length=12, choices=ProfileSource.choices)
    benchmark_id = models.CharField(max_length=40, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    respondents = models.PositiveIntegerField(default=0)
    percentages = models.JSONField(default=dict)
    members = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    compare_with = models.CharField(_("compare with"), max_length=40, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.cycle} · {self.source}"


class TacticOverride(models.Model):
    """A workspace's own wording of the tactics for one rung (replaces the default heuristic)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rung = models.CharField(max_length=24, choices=[(r.value, r.value) for r in Rung])
    text = models.TextField(_("tactics"), help_text=_("One tactic per line."))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "rung"], name="one_tactic_text_per_rung")
        ]

    def __str__(self) -> str:
        return self.rung


class GroundswellRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")


class GroundswellChoice(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groundswell")
    objective = models.CharField(
        max_length=16, choices=[(o.value, o.value) for o in rules.Objective]
    )
    role = models.CharField(max_length=12, choices=GroundswellRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "objective"], name="groundswell_once")
        ]

    def __str__(self) -> str:
        return f"{self.objective} ({self.role})"


class Level(models.TextChoices):
    EXPOSURE = rules.Level.EXPOSURE.value, _("Exposure")
    ENGAGEMENT = rules.Level.ENGAGEMENT.value, _("Engagement")
    INFLUENCE = rules.Level.INFLUENCE.value, _("Influence")
    ACTION = rules.Level.ACTION.value, _("Action")


class Objective(models.Model):
    """A SMART objective with its baseline (nulmeting) and at least one KPI."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=300)
    groundswell = models.CharField(
        _("Groundswell objective"),
        max_length=16,
        choices=[(o.value, o.value) for o in rules.Objective],
        blank=True,
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    metric = models.CharField(_("metric"), max_length=120, blank=True)
    channel = models.CharField(_("channel"), max_length=120, blank=True)
    target_group = models.CharField(_("target group"), max_length=160, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("baseline (nulmeting)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    result = models.DecimalField(
        _("evaluated result"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    result_date = models.DateField(_("evaluated on"), null=True, blank=True)
    # What a unit of this objective's result is (ROI: result × the workspace's value per unit).
    result_kind = models.CharField(
        _("result counts as"),
        max_length=12,
        choices=[(k.value, k.value) for k in rules.ResultKind],
        blank=True,
    )
    # Carried over from the previous cycle and not yet saved by a person: title, target and
    # KPI targets are the old cycle's proposal.
    needs_review = models.BooleanField(_("to review"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ObjectiveKpi(models.Model):
    """A KPI from ``measurement.formulas.KPI_CATALOGUE`` picked for an objective."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    kpi_id = models.CharField(_("KPI"), max_length=40)
    variant = models.CharField(_("variant"), max_length=40, blank=True)
    target = models.DecimalField(
        _("KPI target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The catalogue's unit (``formulas.Unit``) the target is in, stored with it so a target
    # keeps its meaning ("240" seconds) even if the catalogue changes.
    unit = models.CharField(_("unit"), max_length=16, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.kpi_id


class Channel(models.Model):
    """POST Technology: a network or tool and how often it is used."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="channels")
    network = models.CharField(_("network or tool"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    posts_per_week = models.DecimalField(
        _("posts per week"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # Kerkhofs step 6 (media plan): what the channel costs in the cycle's period.
    budget = models.DecimalField(
        _("budget (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.network


class FunnelStage(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="funnel_stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("stage"), max_length=80)
    count = models.PositiveIntegerField(_("target count"), null=True, blank=True)
    # Revenue expected at this stage (DOMAIN.md §4: none before Customers; the rules warn).
    expected_revenue = models.DecimalField(
        _("expected revenue (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "position"], name="funnel_stage_position")
        ]

    def __str__(self) -> str:
        return self.name


class Roos(models.Model):
    """The centre of the Communicatieroos: Organiseren (internal and external)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="roos")
    roles = models.TextField(_("roles"), blank=True, help_text=_("One per line."))
    processes = models.TextField(_("processes"), blank=True, help_text=_("One per line."))
    guidelines = models.TextField(_("guidelines"), blank=True, help_text=_("One per line."))
    internal = models.TextField(_("internal: how employees take part"), blank=True)
    external = models.TextField(_("external: partners"), blank=True)

    def __str__(self) -> str:
        return f"roos {self.cycle}"


class RoosPetal(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="petals")
    petal = models.CharField(max_length=12, choices=[(p.value, p.value) for p in rules.Petal])
    activities = models.TextField(_("activities"), blank=True, help_text=_("One per line."))
    channels = models.TextField(_("channels"), blank=True, help_text=_("One per line."))
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    effort_hours_per_week = models.DecimalField(
        _("effort (hours per week)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "petal"], name="one_petal_each")]

    def __str__(self) -> str:
        return self.petal


class SocialMediaPolicy(models.Model):
    """The workspace's social media policy: what people agree on (the automatic checks on posts
    in publishing are its *rules*). One per workspace; the fields are ``rules.POLICY_FIELDS``."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="social_media_policy"
    )
    who_may_post = models.TextField(_("who may post, and on which accounts"), blank=True)
    accounts_and_passwords = models.TextField(_("ownership of accounts and passwords"), blank=True)
    tone_of_voice = models.TextField(_("tone of voice"), blank=True)
    response_times = models.TextField(_("response times"), blank=True)
    crisis = models.TextField(_("in a crisis"), blank=True)
    escalation = models.TextField(_("escalation"), blank=True)
    personal_use = models.TextField(_("personal use by employees"), blank=True)
    never_posted = models.TextField(_("what is never posted"), blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"social media policy of {self.workspace}"

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in rules.POLICY_FIELDS}


class Audience(models.Model):
    """POST People: one target audience of a cycle; priority 1 is the most important."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(_("audience"), max_length=120)
    description = models.TextField(_("description and online behaviour"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class KeyMessage(models.Model):
    """POST Strategy: a key message a post can be tagged with.

    The Strategy page edits them as lines of ``Cycle.key_messages``; ``actions.update_strategy``
    keeps these rows in step (an unchanged line keeps its row, so posts keep their tag).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="key_message_rows")
    text = models.CharField(_("key message"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class CycleCosts(models.Model):
    """ROI inputs of a cycle: the hourly rate for the roos' hours, tool and advertising budget."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="costs")
    hourly_rate = models.DecimalField(
        _("hourly rate (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    tool_budget = models.DecimalField(
        _("tools and licences (€, whole cycle)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ad_budget = models.DecimalField(
        _("advertising (€, whole cycle)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"costs {self.cycle}"


class ResultValues(models.Model):
    """What one unit of a result is worth to the workspace (set once, used by every cycle)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    lead = models.DecimalField(
        _("value of a lead (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    saved_call = models.DecimalField(
        _("value of a call the contact centre did not get (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    visit = models.DecimalField(
        _("value of a visit to the own site (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )

    def __str__(self) -> str:
        return f"result values {self.workspace_id}"
