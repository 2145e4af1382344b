"""Forms validate what people type; the rules judge completeness, the actions store."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from koers.core import vocabulary
from koers.core.forms import IsoDateInput
from koers.measurement.formulas import KPI_CATALOGUE, UNIT_NAMES
from koers.strategy import rules
from koers.strategy import technographics as tg
from koers.strategy.actions import CARRY_PARTS, OBJECTIVE_FIELDS
from koers.strategy.models import (
    Audience,
    Channel,
    Cycle,
    CycleCosts,
    Decision,
    GroundswellRole,
    Influencer,
    KerkhofsStep,
    Objective,
    ResultValues,
    Roos,
    RoosPetal,
    SocialMediaPolicy,
)
from koers.strategy.status import lang, pick

MAX_SURVEY_BYTES = 5 * 1024 * 1024
DATE = IsoDateInput()


CARRY_LABELS = {
    "people": _("Audience and influencers"),
    "technographics": _("Technographics profile"),
    "roos": _("Communicatieroos"),
    "maturity": _("Listening maturity checklist"),
    "channels": _("Channels of the Technology step"),
    "objectives": _("Objectives, with the evaluated results as new baselines"),
}


class CycleForm(forms.ModelForm):
    """Name and period of a new cycle; with ``carry_from`` (the cycle it follows) also which
    parts to take over, all of them unless unticked."""

    class Meta:
        model = Cycle
        fields = ["name", "period_start", "period_end"]
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args: Any, carry_from: Cycle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if carry_from is not None:
            self.fields["carry"] = forms.MultipleChoiceField(
                label=_("Take over from “%(name)s”") % {"name": carry_from.name},
                choices=[(part, CARRY_LABELS[part]) for part in CARRY_PARTS],
                initial=list(CARRY_PARTS),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The period must end after it starts."))
        return data


class PeopleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["audience_description"]
        widgets = {"audience_description": forms.Textarea(attrs={"rows": 5})}
        # The target audiences are rows of their own (below it on the page); this text is
        # what holds for all of them.
        labels = {"audience_description": _("Online behaviour and notes for all audiences")}


class AudienceForm(forms.ModelForm):
    class Meta:
        model = Audience
        fields = ["name", "priority", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"priority": _("1 is the most important audience.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].min_value = 1
        self.fields["priority"].widget.attrs["min"] = 1


class CostsForm(forms.ModelForm):
    class Meta:
        model = CycleCosts
        fields = ["hourly_rate", "tool_budget", "ad_budget"]
        localized_fields = "__all__"  # "6,50" in Dutch


class ResultValuesForm(forms.ModelForm):
    class Meta:
        model = ResultValues
        fields = ["lead", "saved_call", "visit"]
        localized_fields = "__all__"


class InfluencerForm(forms.ModelForm):
    class Meta:
        model = Influencer
        fields = ["name", "handle", "network", "reach", "notes"]


class SurveyForm(forms.Form):
    survey = forms.FileField(
        label=_("Survey file (CSV)"),
        help_text=_(
            "Comma- or semicolon-separated, UTF-8 or Windows-1252; one column per activity "
            "(for example publish_blog or “video’s bekijken”)."
        ),
    )

    def clean_survey(self) -> Any:
        upload = self.cleaned_data["survey"]
        if upload.size > MAX_SURVEY_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        try:
            self.profile = tg.profile_from_bytes(upload.read())
        except tg.SurveyError as error:
            # The message names the row and column; shown inline next to the upload field.
            raise ValidationError(error.message(lang())) from None
        return upload


def _benchmark_choices() -> list[tuple[str, str]]:
    return [(b.id, f"{pick(b.label)} — {b.source}") for b in tg.BENCHMARKS.values()]


class BenchmarkForm(forms.Form):
    benchmark = forms.ChoiceField(label=_("Published benchmark"), choices=_benchmark_choices)


class CompareForm(forms.Form):
    benchmark = forms.ChoiceField(
        label=_("Compare with"),
        choices=lambda: [("", _("(no comparison)")), *_benchmark_choices()],
        required=False,
    )


class TacticForm(forms.Form):
    rung = forms.ChoiceField(choices=[(r.value, r.value) for r in tg.ACTIVE_RUNGS])
    text = forms.CharField(
        label=_("Tactics (one per line; empty restores the default)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class GroundswellForm(forms.Form):
    """One choice per Groundswell objective: not chosen, primary or secondary."""

    def __init__(
        self,
        *args: Any,
        initial_roles: dict[str, str] | None = None,
        workspace_kind: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        roles = initial_roles or {}
        for objective, info in rules.GROUNDSWELL_OBJECTIVES.items():
            # A municipality's words for the business function and meaning (no "Sales").
            function = vocabulary.groundswell_text(info, "business_function", workspace_kind)
            self.fields[objective.value] = forms.ChoiceField(
                label=f"{pick(info.name)} · {pick(function)}",
                help_text=_("%(meaning)s Example metrics: %(metrics)s.")
                % {
                    "meaning": pick(vocabulary.groundswell_text(info, "meaning", workspace_kind)),
                    "metrics": ", ".join(pick(m) for m in info.example_metrics),
                },
                choices=[("", _("Not chosen")), *GroundswellRole.choices],
                required=False,
                initial=roles.get(objective.value, ""),
            )

    def roles(self) -> dict[str, str]:
        return {obj.value: self.cleaned_data.get(obj.value, "") for obj in rules.Objective}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = list(OBJECTIVE_FIELDS)  # the same list the save action writes
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "baseline_date": DATE,
            "start": DATE,
            "deadline": DATE,
            "result_date": DATE,
        }
        help_texts = {
            "metric": _("What you count, for example “answered questions”."),
            "result": _("Filled in at the evaluation; it becomes the next cycle's baseline."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result_kind"].choices = [
            ("", _("no money value")),
            *((k.value, pick(n)) for k, n in rules.RESULT_KIND_NAMES.items()),
        ]
        self.fields["result_kind"].help_text = _(
            "For the ROI: the target and the result count as this, at the value per unit set "
            "under Costs and ROI."
        )
        self.fields["groundswell"].choices = [
            ("", "—"),
            *((o.value, pick(i.name)) for o, i in rules.GROUNDSWELL_OBJECTIVES.items()),
        ]


def kpi_choices() -> list[tuple[str, str]]:
    """Every KPI of the catalogue, and each of its variants, as ``kpi_id:variant``."""
    choices: list[tuple[str, str]] = [("", "—")]
    for kpi in KPI_CATALOGUE.values():
        level = pick(rules.LEVELS[kpi.level]["name"])
        unit = pick(UNIT_NAMES[kpi.unit])
        if not kpi.variants:
            choices.append((f"{kpi.id}:", f"{pick(kpi.name)} ({unit}; {level})"))
        for variant in kpi.variants:
            choices.append(
                (
                    f"{kpi.id}:{variant.id}",
                    f"{pick(kpi.name)} — {pick(variant.name)} ({unit}; {level})",
                )
            )
    return choices


class KpiForm(forms.Form):
    kpi = forms.ChoiceField(label=_("KPI"), choices=kpi_choices, required=False)
    target = forms.DecimalField(
        label=_("KPI target"), max_digits=14, decimal_places=2, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("target") is not None and not data.get("kpi"):
            self.add_error("kpi", _("Choose the KPI this target belongs to."))
        return data

    @property
    def unit_name(self) -> str:
        """The unit of the chosen KPI's target, as read next to the target input."""
        value = self.data.get(self.add_prefix("kpi")) if self.is_bound else self.initial.get("kpi")
        definition = KPI_CATALOGUE.get(str(value or "").partition(":")[0])
        return pick(UNIT_NAMES[definition.unit]) if definition is not None else ""

    def kpi_row(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("kpi"):
            return None
        kpi_id, _sep, variant = self.cleaned_data["kpi"].partition(":")
        return {"kpi_id": kpi_id, "variant": variant, "target": self.cleaned_data.get("target")}


KpiFormSet = forms.formset_factory(KpiForm, extra=2)


def kpi_initial(objective: Objective | None) -> list[dict[str, Any]]:
    if objective is None:
        return []
    rows = []
    for kpi in objective.kpis.all():
        definition = KPI_CATALOGUE.get(kpi.kpi_id)
        variant = kpi.variant or (definition.default_variant if definition else "") or ""
        rows.append({"kpi": f"{kpi.kpi_id}:{variant}", "target": kpi.target})
    return rows


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["current_relationship", "target_relationship", "key_messages", "ambassadors"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["network", "purpose", "posts_per_week", "budget", "hours_per_week"]
        help_texts = {
            "budget": _("Tools and advertising for this channel in the cycle's period."),
            "hours_per_week": _("Time the team spends on this channel."),
        }


class KerkhofsStepForm(forms.ModelForm):
    """A step's status, owner and text; :func:`step_form_class` adds what one step has."""

    class Meta:
        model = KerkhofsStep
        fields = ["status", "owner", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


STEP_TEXT = {
    rules.KerkhofsStep.PROBLEM: (
        _("The problem to solve and the focus"),
        _("What goes wrong now, for whom, and what should this plan change?"),
    ),
    rules.KerkhofsStep.TARGET_GROUP: (
        _("Target group and objective in a few words"),
        _("The audience is described under People and the objectives under Objectives (linked "
          "above); write here how they meet."),
    ),
    rules.KerkhofsStep.ONLINE_BEHAVIOUR: (
        _("What the research says about the online behaviour"),
        _("The Technographics profile is linked above: say what it means for this plan, "
          "without retyping the numbers."),
    ),
    rules.KerkhofsStep.STRATEGIC_FRAMEWORK: (
        _("The strategic framework in a few words"),
        _("How the relationship changes, and why this approach and these partners."),
    ),
    rules.KerkhofsStep.INTEGRATION: (
        _("How it fits the other marketing and communication"),
        _("Campaigns, events, the website, the contact centre: who does what when."),
    ),
    rules.KerkhofsStep.MEDIA_PLAN: (
        _("Notes on the media plan"),
        _("The channels with posts per week, budget and hours are set in the Technology step."),
    ),
    rules.KerkhofsStep.PROJECT_MANAGEMENT: (
        _("Project plan"),
        _("Planning, meetings, roles and the decisions still to take."),
    ),
    rules.KerkhofsStep.ACTIVATE_AND_MEASURE: (
        _("How we activate and measure"),
        _("The start, the first posts and when the KPIs are read; linked to the calendar and "
          "Measure."),
    ),
}  # fmt: skip


def step_form_class(step: rules.KerkhofsStep, workspace: Any) -> type[KerkhofsStepForm]:
    """The form of one step: the shared fields with the step's own label for its text, plus
    approach and partners (step 4), the workspace's campaigns (step 5) or the project lead, a
    member (step 7; instead of a typed owner)."""
    from django.contrib.auth import get_user_model

    from koers.publishing.models import Campaign

    label, help_text = STEP_TEXT[step]
    fields: list[str] = ["status", "owner"]
    extra: dict[str, Any] = {}
    if step is rules.KerkhofsStep.STRATEGIC_FRAMEWORK:
        fields += ["approach", "partners"]
        extra["approach"] = forms.ChoiceField(
            label=_("Approach"),
            choices=[("", "—"), *((a.value, pick(n)) for a, n in rules.APPROACHES.items())],
            required=False,
        )
        extra["partners"] = forms.ChoiceField(
            label=_("With whom"),
            choices=[("", "—"), *((p.value, pick(n)) for p, n in rules.PARTNERS.items())],
            required=False,
        )
    elif step is rules.KerkhofsStep.INTEGRATION:
        fields.append("campaigns")
        campaigns = Campaign.objects.filter(workspace=workspace)
        extra["campaigns"] = forms.ModelMultipleChoiceField(
            label=_("Campaigns this plan works with"),
            queryset=campaigns,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=""
            if campaigns.exists()
            else _("No campaigns yet: they are made in the calendar."),
        )
    elif step is rules.KerkhofsStep.PROJECT_MANAGEMENT:
        fields = ["status", "lead"]
        extra["lead"] = forms.ModelChoiceField(
            label=_("Project lead"),
            queryset=get_user_model()
            .objects.filter(memberships__workspace=workspace)
            .order_by("first_name", "username"),
            required=False,
            help_text=_("A member of the workspace."),
        )
    fields.append("notes")
    attrs = {
        **extra,
        "Meta": type(
            "Meta",
            (),
            {
                "model": KerkhofsStep,
                "fields": fields,
                "widgets": {"notes": forms.Textarea(attrs={"rows": 3})},
                "labels": {"notes": label},
                "help_texts": {"notes": help_text},
            },
        ),
    }
    return type(f"{step.value.title()}StepForm", (KerkhofsStepForm,), attrs)


class GoNoGoForm(forms.Form):
    """Part of the go/no-go page's one form: saving only the steps leaves it empty, so the
    browser must not demand it; the view validates it when any of it is filled in."""

    use_required_attribute = False

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why go on, or why stop here? A no-go closes the cycle with this report."),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Criteria for a go"),
        choices=lambda: [(c.value, pick(label)) for c, label in rules.GO_CRITERIA.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A go needs steps 1–3 complete and every criterion ticked."),
    )

    field_order = ["criteria", "decision", "decided_on", "rationale"]


class PolicyForm(forms.ModelForm):
    """The social media policy: one text per section, saved per field (autosave)."""

    class Meta:
        model = SocialMediaPolicy
        fields = list(rules.POLICY_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in rules.POLICY_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in rules.POLICY_SECTIONS:
            self.fields[section.id].label = pick(section.title)
            self.fields[section.id].help_text = pick(section.question)


class FunnelStageForm(forms.Form):
    name = forms.CharField(label=_("Stage"), max_length=80, required=False)
    count = forms.IntegerField(label=_("Target count"), min_value=0, required=False)
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue (€)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("count") is not None and not (data.get("name") or "").strip():
            self.add_error("name", _("Name the stage this count belongs to."))
        return data


FunnelFormSet = forms.formset_factory(FunnelStageForm, extra=1, max_num=12)


class OrganiserenForm(forms.ModelForm):
    class Meta:
        model = Roos
        fields = ["roles", "processes", "guidelines", "internal", "external"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class PetalForm(forms.ModelForm):
    class Meta:
        model = RoosPetal
        fields = ["activities", "channels", "owner", "effort_hours_per_week", "active"]
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 3}),
            "channels": forms.Textarea(attrs={"rows": 2}),
        }


class MaturityForm(forms.Form):
    checked = forms.MultipleChoiceField(
        choices=[(i.id, i.id) for s in rules.MATURITY_STAGES for i in s.checklist],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
