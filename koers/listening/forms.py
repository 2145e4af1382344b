"""Forms of the listening pages: topics (query checked by koers.query), sources, mention filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from koers.core import vocabulary
from koers.core.forms import RowChoiceField
from koers.core.models import Workspace
from koers.core.outbound import validate_public_url
from koers.core.uploads import LimitedFileField
from koers.listening.languages import language_choices
from koers.listening.models import (
    COLOURS,
    Network,
    Sentiment,
    SentimentModel,
    Source,
    SourceKind,
    Topic,
    TopicKind,
)
from koers.listening.normalise import lang_code
from koers.listening.stats import PERIODS
from koers.query import QueryError, parse

#: One Instagram hashtag (Meta's hashtag search takes no spaces, punctuation or emoji).
INSTAGRAM_TAG = re.compile(r"\w{1,100}")


def ui_lang() -> str:
    return (get_language() or "en")[:2]


def query_error(query: str) -> QueryError | None:
    """The first problem of ``query``, or None when it is valid."""
    try:
        parse(query)
    except QueryError as error:
        return error
    return None


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "kind", "query", "colour", "counts_for_share_of_voice", "is_active"]
        widgets = {
            "query": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "colour": forms.Select(choices=[(c, c) for c in COLOURS]),
        }
        help_texts = {
            "query": _(
                'Words, "exact phrases", #hashtags and @names with AND, OR, NOT, NEAR/n and '
                "brackets; fiets* for word beginnings; lang:nl, network:mastodon, site:…"
            ),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        # A municipality tracks its own organisation and others, not a brand and competitors.
        self.fields["kind"].choices = [
            (value, vocabulary.topic_kind_label(value, workspace.kind) or label)
            for value, label in TopicKind.choices
        ]
        self.fields["counts_for_share_of_voice"].help_text = vocabulary.words(workspace.kind)[
            "sov_help"
        ]
        self.fields["query"].widget.attrs["aria-describedby"] = "query-feedback"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Topic.objects.filter(workspace=self.workspace, name=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("There is already a topic with this name."))
        return name

    def clean_query(self) -> str:
        query = self.cleaned_data["query"]
        error = query_error(query)
        if error is not None:
            raise ValidationError(error.message(ui_lang()), code=error.code)
        return query


class QueryTestForm(forms.Form):
    query = forms.CharField(max_length=4000, required=False)


def _last_days(days: int) -> str:
    return gettext("last %(days)s days") % {"days": days}


# Lazy labels: the choices are built at import time, the language is chosen per request.
PERIOD_CHOICES = [(str(d), lazy(_last_days, str)(d)) for d in PERIODS]


class PeriodForm(forms.Form):
    period = forms.TypedChoiceField(
        label=_("Period"), choices=PERIOD_CHOICES, coerce=int, required=False
    )

    def days(self) -> int:
        if self.is_valid() and self.cleaned_data.get("period"):
            return self.cleaned_data["period"]
        return 30


class MentionFilterForm(PeriodForm):
    topic = RowChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=_("All")
    )
    network = forms.ChoiceField(
        label=_("Network"), choices=[("", _("All"))] + Network.choices, required=False
    )
    # Choices are set per form (see language_choices): any language a post can have.
    lang = forms.ChoiceField(label=_("Language"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), choices=[("", _("All"))] + Sentiment.choices, required=False
    )
    q = forms.CharField(label=_("Text contains"), max_length=200, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(workspace=workspace)
        requested = lang_code(self.data.get("lang")) if self.data else None
        self.fields["lang"].choices = language_choices(requested)

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid value is ignored, never an error page)."""
        if not self.is_valid():
            return {"period": 30}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data["period"] = self.days()
        return data


class SentimentForm(forms.Form):
    sentiment = forms.ChoiceField(choices=Sentiment.choices)


class SourceKindForm(forms.Form):
    """Step one of adding a source: which kind (the form of step two shows only its fields)."""

    kind = forms.ChoiceField(
        label=_("What do you want to follow?"),
        choices=[
            (k, label)
            for k, label in SourceKind.choices
            if k not in (SourceKind.FILE, SourceKind.X_MENTIONS)
        ],
        widget=forms.RadioSelect,
    )


class SourceForm(forms.Form):
    """The settings of one kind of source: only the chosen kind's fields are on the form."""

    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    language = forms.CharField(
        label=_("Language of the posts"),
        max_length=8,
        required=False,
        help_text=_("For feeds that don't say it themselves, e.g. nl. Empty: detect."),
    )
    poll_every_seconds = forms.IntegerField(
        label=_("Check every (seconds)"), min_value=60, initial=300
    )
    instance_url = forms.URLField(
        label=_("Mastodon server"), required=False, validators=[validate_public_url]
    )
    hashtag = forms.CharField(label=_("Hashtag"), max_length=100, required=False)
    search = forms.CharField(label=_("Search words"), max_length=200, required=False)
    feed_url = forms.URLField(
        label=_("Feed address"), required=False, validators=[validate_public_url]
    )
    stream_url = forms.URLField(
        label=_("Jetstream address"),
        required=False,
        validators=[validate_public_url],
        help_text=_("Empty: Bluesky's public Jetstream."),
    )
    handle = forms.CharField(label=_("Bluesky handle"), max_length=200, required=False)
    edges = forms.ChoiceField(
        label=_("Which posts"),
        choices=[
            ("recent", _("Recent posts (the last 24 hours)")),
            ("top", _("Top posts (the most popular)")),
            ("recent,top", _("Both")),
        ],
        initial="recent",
        required=False,
    )
    access_token = forms.CharField(
        label=_("Access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the stored one."),
    )
    app_password = forms.CharField(
        label=_("App password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the stored one."),
    )

    NEEDS: dict[str, tuple[str, ...]] = {
        SourceKind.MASTODON: ("instance_url",),
        SourceKind.BLUESKY_SEARCH: ("search", "handle"),
        SourceKind.BLUESKY_JETSTREAM: (),
        SourceKind.RSS: ("feed_url",),
        SourceKind.FILE: (),
        SourceKind.X_SEARCH: ("search",),
        SourceKind.X_MENTIONS: (),
        SourceKind.INSTAGRAM_HASHTAG: ("hashtag",),
        SourceKind.META_TAGS: (),
    }
    CONFIG = ("instance_url", "hashtag", "search", "feed_url", "stream_url", "handle", "edges")
    #: What each kind shows besides its name, kind and language.
    FIELDS: dict[str, tuple[str, ...]] = {
        SourceKind.MASTODON: (
            "instance_url", "hashtag", "search", "access_token", "poll_every_seconds",
        ),
        SourceKind.BLUESKY_SEARCH: ("search", "handle", "app_password", "poll_every_seconds"),
        SourceKind.BLUESKY_JETSTREAM: ("stream_url",),
        SourceKind.RSS: ("feed_url", "poll_every_seconds"),
        SourceKind.FILE: (),
        SourceKind.X_SEARCH: ("search", "poll_every_seconds"),
        SourceKind.X_MENTIONS: ("poll_every_seconds",),
        SourceKind.INSTAGRAM_HASHTAG: ("hashtag", "edges", "poll_every_seconds"),
        SourceKind.META_TAGS: ("poll_every_seconds",),
    }  # fmt: skip

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        kind: str,
        instance: Source | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.workspace, self.instance, self.kind = workspace, instance, kind
        shown = ("name", "kind", "language", *self.FIELDS[kind])
        for name in [n for n in self.fields if n not in shown]:
            del self.fields[name]
        # The kind was chosen in step one (or when the source was made): it is not changed here.
        self.fields["kind"].widget = forms.HiddenInput()
        self.fields["kind"].disabled = True
        self.fields["kind"].initial = kind
        if instance is None:
            for secret in ("access_token", "app_password"):
                if secret in self.fields:
                    self.fields[secret].help_text = _("Stored encrypted.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Source.objects.filter(workspace=self.workspace, name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("There is already a source with this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        for field in self.NEEDS.get(kind or "", ()):
            if not data.get(field) and field not in self.errors:  # one reason per field
                self.add_error(field, _("This kind of source needs this."))
        if kind == SourceKind.MASTODON and not (data.get("hashtag") or data.get("search")):
            self.add_error("hashtag", _("Give a hashtag or search words (or both)."))
        if kind == SourceKind.INSTAGRAM_HASHTAG and data.get("hashtag"):
            tag = data["hashtag"].strip().lstrip("#").strip()
            if not INSTAGRAM_TAG.fullmatch(tag):
                self.add_error(
                    "hashtag", _("One hashtag: letters, digits and _ only (no spaces or emoji).")
                )
            data["hashtag"] = tag.casefold()
        return data

    def unsaved_source(self) -> Source:
        """The source with the form's settings (and the stored credentials where the form left
        them empty), not saved: for a test fetch."""
        from koers.listening.actions import source_credentials, unsaved_source

        stored = source_credentials(self.instance) if self.instance is not None else {}
        fresh = {k: v for k, v in self.credentials().items() if v}
        return unsaved_source(
            self.workspace,
            kind=self.kind,
            config=self.config(),
            credentials=stored | fresh,
            language=self.cleaned_data.get("language", ""),
        )

    def config(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in self.CONFIG if self.cleaned_data.get(k)}

    def credentials(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k) or "" for k in ("access_token", "app_password")}


class SentimentModelForm(forms.ModelForm):
    class Meta:
        model = SentimentModel
        fields = ["backend", "min_per_label"]
        widgets = {"backend": forms.RadioSelect}

    def clean_min_per_label(self) -> int:
        value = self.cleaned_data["min_per_label"]
        if value < 5:  # cross-validation uses five folds, each needs every label
            raise ValidationError(
                _("At least 5 per sentiment, so each of the 5 test folds has one.")
            )
        return value


IMPORT_FIELD_LABELS = {
    "text": _("Text (required)"),
    "created_at": _("Date and time"),
    "author": _("Author handle"),
    "author_name": _("Author name"),
    "url": _("Link to the post"),
    "lang": _("Language"),
    "network": _("Network"),
    "id": _("Post id"),
    "links": _("Links in the post"),
}


class ImportUploadForm(forms.Form):
    # The limit is KOERS_MAX_UPLOAD_MB; larger files go through ``koers import``.
    file = LimitedFileField(
        label=_("File"), help_text=_("CSV or JSONL, as exported by another listening tool.")
    )
    source_name = forms.CharField(label=_("Source name"), max_length=120, initial="Import")


class ImportMappingForm(forms.Form):
    """One choice per koers field: which column of the file holds it (or none)."""

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(c, c) for c in columns]
        for field, label in IMPORT_FIELD_LABELS.items():
            self.fields[field] = forms.ChoiceField(
                label=label, choices=choices, required=field == "text"
            )

    def mapping(self) -> dict[str, str]:
        return {field: column for field, column in self.cleaned_data.items() if column}
