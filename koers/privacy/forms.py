from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from koers.privacy.models import RetentionSettings
from koers.privacy.subjects import Subject


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = ["mention_days", "inbox_days", "author_days"]


class SubjectForm(forms.Form):
    who = forms.CharField(
        label=_("Handle or name"),
        min_length=2,
        max_length=200,
        help_text=_("A handle such as @jan@mastodon.nl (with or without @), or a display name."),
    )

    def clean_who(self) -> str:
        who = " ".join(self.cleaned_data["who"].split())
        if len(Subject.parse(who).handle) < 2:
            raise forms.ValidationError(_("Type at least two letters."))
        return who

    @property
    def subject(self) -> Subject:
        return Subject.parse(self.cleaned_data["who"])


class _ChosenSubjectForm(SubjectForm):
    """The person was found on the previous page: carried along, not typed again."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].widget = forms.HiddenInput()


class ExportForm(_ChosenSubjectForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("json", "JSON"), ("csv", "CSV")])


class EraseForm(_ChosenSubjectForm):
    confirm = forms.BooleanField(
        label=_("I have checked that this is the person who asked, and this cannot be undone."),
        required=True,
    )
