from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from koers.core.models import Role, Workspace, WorkspaceKind, _time_zones

_COMMON_ZONES = [
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "UTC",
    "America/Paramaribo",
    "America/Curacao",
]


# Date and time inputs: browsers only accept ISO values in ``<input type="date|time">``; a
# localised value ("05-12-2026" in Dutch) is silently dropped, and the next save loses the date.
# Every form in koers uses these widgets, never Django's bare DateInput/TimeInput.
class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IsoTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class IsoDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def time_zone_choices() -> list[tuple[str, str]]:
    rest = sorted(_time_zones() - set(_COMMON_ZONES))
    return [(z, z) for z in _COMMON_ZONES] + [(z, z) for z in rest]


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        required=False,
        help_text=_("Used in links, e.g. gemeente-noord. Leave empty to derive it from the name."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Europe/Amsterdam")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("name") and not data.get("slug"):
            data["slug"] = slugify(data["name"])[:60]
            if not data["slug"]:
                self.add_error("slug", _("Choose an address with letters or digits."))
        if data.get("slug") and Workspace.objects.filter(slug=data["slug"]).exists():
            self.add_error("slug", _("This address is already taken; choose another."))
        return data


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    time_zone = forms.ChoiceField(label=_("Time zone"))
    language = forms.ChoiceField(label=_("Report language"), choices=settings.LANGUAGES)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=WorkspaceKind.choices,
        help_text=_(
            "koers speaks of residents instead of customers for a public body, and a new "
            "cycle's funnel follows the kind."
        ),
    )
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every member"),
        required=False,
        help_text=_(
            "Members without an authenticator app or security key are led to set one up "
            "at their next login. Logins through single sign-on are left to your identity "
            "provider."
        ),
    )

    def __init__(self, *args, may_require_two_factor: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        if not may_require_two_factor:
            # Only owners decide this; admins see it but cannot change it.
            self.fields["require_two_factor"].disabled = True


class AccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, bound_email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if bound_email:
            # The invitation is for this address only; a posted value is ignored.
            self.fields["email"].initial = bound_email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("The invitation is for this address.")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The passwords do not match."))
        elif data.get("password1"):
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password1"], user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SetupForm(AccountForm):
    workspace_name = forms.CharField(
        label=_("Organisation or brand"),
        max_length=120,
        help_text=_("Your first workspace; you can add more later."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("workspace_name"):
            data["workspace_slug"] = slugify(data["workspace_name"])[:60] or "workspace"
        return data


class InviteForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_(
            "We e-mail the link to this address and show it to you too. Only an account with "
            "this verified address can accept it. Without an address, anyone with the link can."
        ),
    )
    anyone_with_link = forms.BooleanField(
        label=_("Anyone with the link may use it, whatever their e-mail address"),
        required=False,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# -- choosing rows by id ----------------------------------------------------------------------
# Django's model choice fields look a submitted id up in the database as typed. An id beyond
# 64 bits makes SQLite raise OverflowError (and PostgreSQL a DataError for ``IN``) instead of
# "not one of the choices". These two refuse such ids before the query.
_LARGEST_KEY = 2**63 - 1


def _out_of_range(value: object) -> bool:
    text = str(value).strip()
    return text.lstrip("-").isdigit() and abs(int(text)) > _LARGEST_KEY


class RowChoiceField(forms.ModelChoiceField):
    def to_python(self, value):  # noqa: ANN001, ANN201 - Django's signature
        if self.to_field_name is None and value not in self.empty_values and _out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RowMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):  # noqa: ANN001, ANN201 - Django's signature
        for pk in value if isinstance(value, list | tuple) else [value]:
            if self.to_field_name is None and _out_of_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:30]},
                )
        return super()._check_values(value)
