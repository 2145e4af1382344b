"""The alert-rule form: one form for all kinds; ``clean`` keeps what the chosen kind needs and
checks a keyword query with koers.query (its message and position, in the user's language)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from koers.alerts.models import AlertRule, RuleKind
from koers.core.models import Workspace
from koers.core.outbound import validate_public_url
from koers.listening.forms import query_error, ui_lang
from koers.listening.models import Topic

THRESHOLD_LIMITS = {RuleKind.SPIKE: (1.1, 100.0), RuleKind.SURGE: (1.0, 100.0)}


class RuleForm(forms.ModelForm):
    webhook_secret = forms.CharField(
        label=_("Webhook secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Shared with the receiver to check the signature (HMAC-SHA256). Stored encrypted; "
            "leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = AlertRule
        fields = [
            "name",
            "kind",
            "topic",
            "query",
            "window_hours",
            "threshold",
            "min_count",
            "cooldown_minutes",
            "recipients",
            "webhook_url",
            "enabled",
        ]
        widgets = {
            "query": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
            "recipients": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "topic": _("Volume spike and negative surge watch one topic."),
            "query": _(
                "Keyword alerts: every new mention matching this query (the topic query "
                'language: words, "phrases", AND, OR, NOT, NEAR/n, lang:nl …).'
            ),
            "window_hours": _(
                "Compared with the same hours on each of the 7 days before (1 to 24 hours)."
            ),
            "threshold": _(
                "Volume spike: how many times the usual number (e.g. 3). Negative surge: how "
                "many percentage points above the usual negative share (e.g. 20)."
            ),
            "min_count": _("Fewer mentions in the window never alert (so 0 → 3 is no spike)."),
            "cooldown_minutes": _("After an alert, this rule stays quiet for this long."),
            "webhook_url": _("Optional: koers POSTs a signed JSON message here."),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["kind"].choices = RuleKind.choices
        self.fields["topic"].queryset = Topic.objects.filter(workspace=workspace)
        self.fields["topic"].required = False
        self.fields["topic"].empty_label = _("Choose a topic")
        self.order_fields([*self.Meta.fields[:-1], "webhook_secret", "enabled"])
        self.fields["recipients"].queryset = (
            get_user_model()
            .objects.filter(memberships__workspace=workspace)
            .exclude(email="")
            .order_by("username")
        )
        self.fields["recipients"].label_from_instance = lambda u: f"{u.get_username()} <{u.email}>"
        self.fields["recipients"].help_text = _("Members who get an e-mail for every alert.")
        # Checked when saved, as for channels and sources, not only when an alert is sent.
        self.fields["webhook_url"].validators.append(validate_public_url)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = AlertRule.objects.filter(workspace=self.workspace, name=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("There is already a rule with this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == RuleKind.KEYWORD:
            query = (data.get("query") or "").strip()
            error = query_error(query)
            if error is not None:
                self.add_error("query", ValidationError(error.message(ui_lang()), code=error.code))
                self.query_problem = (query, error.position)
            data["query"] = query
        elif kind in (RuleKind.SPIKE, RuleKind.SURGE):
            if not data.get("topic"):
                self.add_error("topic", _("Choose the topic this rule watches."))
            low, high = THRESHOLD_LIMITS[kind]
            threshold = data.get("threshold")
            if threshold is not None and not low <= threshold <= high:
                self.add_error(
                    "threshold",
                    _("Between %(low)s and %(high)s for this kind of rule.")
                    % {"low": low, "high": high},
                )
        url = data.get("webhook_url")
        has_secret = bool(data.get("webhook_secret")) or bool(
            self.instance.pk and self.instance.webhook_secret_enc
        )
        if url and not has_secret:
            self.add_error("webhook_secret", _("A webhook needs a secret to sign its messages."))
        return data

    def rule_values(self) -> dict[str, Any]:
        """The cleaned values for ``actions.create_rule``/``update_rule``."""
        data = dict(self.cleaned_data)
        data["recipients"] = list(data.get("recipients") or [])
        return data
