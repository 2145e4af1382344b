"""The destination form (name, kind, webhook URL, events) and the personal preferences form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from koers.core.models import Workspace
from koers.core.outbound import validate_public_url
from koers.networks.chat import is_legacy_teams_url
from koers.notify.models import ChatKind, Destination, EventKind, Preference


class DestinationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Service"), choices=ChatKind.choices)
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        validators=[validate_public_url],
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Teams: the address of a Workflows flow “Post to a channel when a webhook request is "
            "received” (an old Office 365 connector address works too). Slack: an incoming "
            "webhook address. Stored encrypted; leave empty to keep the stored one."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Send"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[k.value for k in EventKind],
    )
    enabled = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(
        self, *args: Any, workspace: Workspace, instance: Destination | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "kind": instance.kind,
                "events": instance.events,
                "enabled": instance.enabled,
            }
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance = instance

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Destination.objects.filter(workspace=self.workspace, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("There is already a destination with this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        url, kind = data.get("url"), data.get("kind")
        if not url and self.instance is None:
            self.add_error("url", _("Paste the webhook address."))
        elif url and not url.startswith("https://"):
            self.add_error("url", _("Teams and Slack webhook addresses start with https://."))
        elif url and kind == ChatKind.SLACK and is_legacy_teams_url(url):
            self.add_error("url", _("This is a Teams address; choose Microsoft Teams."))
        return data


class PreferenceForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language of my e-mails"),
        choices=[("", _("The workspace's language")), *settings.LANGUAGES],
        required=False,
    )
    email_events = forms.MultipleChoiceField(
        label=_("E-mail me about"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Preference
        fields = [
            "email_events",
            "digest",
            "digest_hour",
            "digest_weekday",
            "language",
            "time_zone",
        ]
        labels = {"time_zone": _("My time zone")}
        help_texts = {
            "digest_hour": _("The hour (0–23) of your time zone at which the digest is sent."),
            "digest_weekday": _("For a weekly digest."),
            "time_zone": _("Empty: the workspace's time zone, e.g. Europe/Amsterdam."),
        }
