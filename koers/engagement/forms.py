"""Inbox forms: the list filters, the item's actions, the reply and the inbox settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from koers.core.forms import IsoDateTimeInput, IsoTimeInput
from koers.core.models import Role, Workspace
from koers.engagement.models import CloseReason, InboxSettings, Status
from koers.listening.models import Sentiment
from koers.networks import catalog
from koers.publishing.models import Channel

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def network_choices() -> list[tuple[str, str]]:
    """The networks with an inbox (their declared capabilities), for the filter."""
    found = ((n, catalog.capabilities(n)) for n in catalog.networks())
    return [("", _("All networks"))] + [(n, c.label) for n, c in found if c and c.inbox]


NETWORK_CHOICES = network_choices()


def acting_members(workspace: Workspace):  # noqa: ANN201 - a user queryset
    """Members who may act on the inbox (contributor and up), by name."""
    return (
        get_user_model()
        .objects.filter(
            memberships__workspace=workspace,
            memberships__role__in=[r for r in Role.values if r != Role.VIEWER],
        )
        .order_by("username")
    )


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Status.choices
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False, choices=NETWORK_CHOICES)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("All"))] + Sentiment.choices
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, data: Any = None, *, workspace: Workspace) -> None:
        super().__init__(data, initial={"status": Status.OPEN})
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
        ] + [(str(u.pk), u.get_username()) for u in acting_members(workspace)]

    def filters(self) -> dict[str, Any]:
        """Valid, non-empty filters; an unbound form shows the open items."""
        if not self.is_bound:
            return {"status": Status.OPEN}
        if not self.is_valid():
            return {"status": Status.OPEN}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = acting_members(workspace)
        field.empty_label = _("Nobody")
        field.label_from_instance = lambda user: user.get_username()


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why no reply is needed"), choices=CloseReason.choices)
    note = forms.CharField(label=_("Explanation (optional)"), max_length=300, required=False)


class AnsweredForm(forms.Form):
    answered_at = forms.DateTimeField(
        label=_("Answered at"),
        widget=IsoDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only your team sees notes; they are never sent."),
    )


class ReplyForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Send as"), queryset=Channel.objects.none())
    text = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, channels: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        field.queryset = Channel.objects.filter(pk__in=[c.pk for c in channels])
        field.empty_label = None

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a reply first."))
        return text


class SettingsForm(forms.ModelForm):
    office_days = forms.TypedMultipleChoiceField(
        label=_("Office days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InboxSettings
        fields = ["target_minutes", "use_office_hours", "office_days", "office_start", "office_end"]
        widgets = {
            "office_start": IsoTimeInput(),
            "office_end": IsoTimeInput(),
        }
        help_texts = {
            "target_minutes": _("Within how many minutes a message should be answered (e.g. 240)."),
            "use_office_hours": _(
                "When on, the target clock only runs on office days between the hours below, "
                "in the workspace time zone."
            ),
        }

    def clean_target_minutes(self) -> int:
        value = self.cleaned_data["target_minutes"]
        if not 1 <= value <= 60 * 24 * 30:
            raise forms.ValidationError(_("Choose between 1 minute and 30 days."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("use_office_hours"):
            if not data.get("office_days"):
                self.add_error("office_days", _("Choose at least one office day."))
            start, end = data.get("office_start"), data.get("office_end")
            if start and end and start >= end:
                self.add_error("office_end", _("The office must close after it opens."))
        return data
