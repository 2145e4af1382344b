"""Forms: every input of the publishing app is validated here, never by hand in a view."""

from __future__ import annotations

import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from koers.core.forms import RowChoiceField, RowMultipleChoiceField
from koers.core.outbound import validate_public_url
from koers.core.uploads import LimitedFileField
from koers.publishing import csvio, rules
from koers.publishing.models import Campaign, Category, Channel, ContentItem, PublishingSettings
from koers.strategy.models import Objective

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: The most pixels an uploaded image may have (width × height; 40 megapixels is more than any
#: network keeps). Pillow's own limit (``Image.MAX_IMAGE_PIXELS``, set to the same number in
#: PublishingConfig.ready) guards every other place that opens an image: a small compressed
#: file can claim 20000 × 20000 pixels and take gigabytes to decode.
MAX_IMAGE_PIXELS = 40_000_000
MODE_CHOICES = [("block", _("block")), ("warn", _("warn")), ("off", _("off"))]
RULE_LABELS = {
    "length": _("Length per network"),
    "alt_text": _("Images without alt text"),
    "watched_hashtag": _("Hashtags on the watch-list"),
    "frequency": _("Frequency limit per channel"),
    "content_mix": _("Content mix per week"),
    "duplicate": _("Same text posted recently"),
    "broken_link": _("Links that don't work"),
}


class MastodonForm(forms.Form):
    name = forms.CharField(label=_("Name in koers"), max_length=80)
    endpoint = forms.URLField(
        label=_("Instance address"),
        help_text=_("For example https://mastodon.social"),
        validators=[validate_public_url],
    )
    secret = forms.CharField(
        label=_("Access token"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Preferences → Development → New application, scopes read and write."),
    )
    expires_at = forms.DateTimeField(
        label=_("Token expires on (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class BlueskyForm(forms.Form):
    name = forms.CharField(label=_("Name in koers"), max_length=80)
    handle = forms.CharField(
        label=_("Handle"), max_length=120, help_text=_("e.g. ourbrand.bsky.social")
    )
    secret = forms.CharField(
        label=_("App password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Settings → Privacy and security → App passwords. Never your main password."),
    )
    endpoint = forms.URLField(
        label=_("Server"), initial="https://bsky.social", validators=[validate_public_url]
    )


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name in koers"), max_length=80)
    endpoint = forms.URLField(label=_("Webhook address"), validators=[validate_public_url])
    secret = forms.CharField(
        label=_("Signing secret"),
        min_length=16,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters; the receiver checks the HMAC-SHA256 signature."),
    )


CHANNEL_FORMS: dict[str, type[forms.Form]] = {
    "mastodon": MastodonForm,
    "bluesky": BlueskyForm,
    "webhook": WebhookForm,
}


class SecretForm(forms.Form):
    secret = forms.CharField(label=_("New token or password"), widget=forms.PasswordInput())


class ItemForm(forms.ModelForm):
    day = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    channels = RowMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContentItem
        fields = ["title", "text", "link", "category", "campaign", "objective", "notes"]
        field_classes = {"campaign": RowChoiceField, "objective": RowChoiceField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": _("Shared text for every channel; give a channel its own text below."),
            "link": _("UTM parameters (source, medium, campaign) are added per network."),
        }

    def __init__(self, *args, workspace, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        channels = Channel.objects.filter(workspace=workspace)
        self.fields["channels"].queryset = channels
        self.fields["campaign"].queryset = Campaign.objects.filter(workspace=workspace)
        # The SMART objectives of the workspace's current (active) strategy cycle.
        self.fields["objective"].queryset = Objective.objects.filter(
            workspace=workspace, cycle__status="active"
        ).order_by("pk")
        self.channel_list = list(channels)
        for channel in self.channel_list:
            self.fields[f"text_{channel.pk}"] = forms.CharField(
                label=_("Own text for %(name)s") % {"name": channel.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("day")) != bool(data.get("at")):
            raise ValidationError(_("Give both a date and a time, or neither."))
        return data

    def channel_texts(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data.get(f"text_{c.pk}", "").strip()
            for c in self.cleaned_data["channels"]
        }

    def override_fields(self) -> list:
        return [self[f"text_{c.pk}"] for c in self.channel_list]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    day = forms.DateField()
    at = forms.TimeField(required=False)


class MediaForm(forms.Form):
    file = forms.FileField(label=_("Image"))
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=1500,
        required=False,
        help_text=_("Describe the image for people who can't see it."),
    )

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The image is larger than 8 MB."))
        try:
            with warnings.catch_warnings():
                # Pillow only warns between its limit and twice its limit: make that an error.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:  # reads the header, not the pixels
                    pixels = image.width * image.height
                    kind = (image.format or "").lower()
                    if pixels <= MAX_IMAGE_PIXELS:
                        image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            pixels = MAX_IMAGE_PIXELS + 1
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(_("This is not an image koers can read.")) from None
        finally:
            upload.seek(0)
        if pixels > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("The image has more than %(count)d megapixels; make it smaller.")
                % {"count": MAX_IMAGE_PIXELS // 1_000_000}
            )
        if kind not in ("png", "jpeg", "gif", "webp"):
            raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
        upload.content_type = f"image/{kind}"
        return upload


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Code in links"),
        max_length=60,
        help_text=_("Used as utm_campaign, e.g. spring-sale"),
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PublishingSettings
        fields = [
            "max_per_day",
            "mix_promotion",
            "mix_curated",
            "mix_interaction",
            "duplicate_days",
            "watch_hashtags",
            "grace_minutes",
        ]
        widgets = {"watch_hashtags": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "watch_hashtags": _("Hashtags to research before use, separated by spaces or commas."),
            "grace_minutes": _("After downtime, later posts are flagged as missed instead."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for rule in rules.RULES:
            self.fields[f"mode_{rule}"] = forms.ChoiceField(
                label=RULE_LABELS[rule],
                choices=MODE_CHOICES,
                initial=self.instance.mode(rule),
            )

    def clean(self) -> dict:
        data = super().clean()
        shares = [data.get(f"mix_{c}") or 0 for c in ("promotion", "curated", "interaction")]
        if sum(shares) != 100:
            raise ValidationError(_("The content-mix targets must add up to 100%."))
        return data

    def rule_modes(self) -> dict[str, str]:
        return {rule: self.cleaned_data[f"mode_{rule}"] for rule in rules.RULES}


class ImportForm(forms.Form):
    file = LimitedFileField(label=_("CSV file"), max_bytes=csvio.MAX_IMPORT_BYTES)
    only_valid = forms.BooleanField(
        label=_("Import the valid rows even if other rows have errors"), required=False
    )
    category = forms.ChoiceField(
        label=_("Category for rows without one"), choices=Category.choices, initial="promotion"
    )


class FilterForm(forms.Form):
    channel = forms.IntegerField(required=False)
    campaign = forms.IntegerField(required=False)
    category = forms.ChoiceField(required=False, choices=[("", "")] + list(Category.choices))
    state = forms.CharField(required=False, max_length=16)
