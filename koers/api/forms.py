from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.models import RANK, Role

EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    ("", _("never (until you revoke it)")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “Power BI” or “website”."),
    )
    role = forms.ChoiceField(label=_("Role of the token"), choices=Role.choices)
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        help_text=_("The token may read but never change anything."),
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, required=False, initial="90"
    )

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only roles up to the person's own.
        self.fields["role"].choices = [(v, n) for v, n in Role.choices if RANK[v] <= RANK[role]]
        self.fields["role"].initial = role

    def expires_at(self) -> Any:
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None
