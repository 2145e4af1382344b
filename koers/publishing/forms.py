"""Forms: every input of the publishing app is validated here, never by hand in a view."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from koers.core.forms import (
    IsoDateInput,
    IsoDateTimeInput,
    IsoTimeInput,
    RowChoiceField,
    RowMultipleChoiceField,
)
from koers.core.outbound import validate_public_url
from koers.core.uploads import LimitedFileField
from koers.networks import catalog
from koers.networks.base import PUBLISH_KINDS
from koers.publishing import csvio, rules
from koers.publishing.models import (
    Campaign,
    Category,
    Channel,
    ContentItem,
    Network,
    PublishingSettings,
)
from koers.publishing.timing import local_to_utc
from koers.strategy.models import Audience, KeyMessage, Objective

#: The time a post gets when someone picks only a date (the form pre-fills no time: an idea
#: without a date must save as it is).
DEFAULT_POSTING_TIME = time(9, 0)
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
    "network_media": _("Media and hashtags per network"),
    "media_count": _("Images and videos per network"),
    "hashtag_count": _("Hashtags per network"),
    "post_cap_near": _("Monthly post cap almost reached"),
    "post_cap": _("Monthly post cap reached"),
    "video_details": _("Video title, description and tags"),
}


class ChannelForm(forms.Form):
    """What every network's connect form shares: a name unique in the workspace."""

    name = forms.CharField(label=_("Name in koers"), max_length=80)

    def __init__(self, *args, workspace, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Channel.objects.filter(workspace=self.workspace, name__iexact=name).exists():
            raise ValidationError(_("There is already a channel with this name."))
        return name

    def unsaved_channel(self, network: str) -> Channel:
        """The channel as it would be stored, to check the connection before saving it."""
        data = self.cleaned_data
        channel = Channel(
            workspace=self.workspace,
            network=network,
            name=data["name"],
            endpoint=data["endpoint"].rstrip("/"),
            handle=data.get("handle", "").lstrip("@"),
        )
        channel.set_secret(data["secret"])
        return channel

    def channel_values(self) -> dict:
        """What ``actions.connect_channel`` stores."""
        return dict(self.cleaned_data)


class MastodonForm(ChannelForm):
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
        widget=IsoDateTimeInput(),
    )


class BlueskyForm(ChannelForm):
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


class WebhookForm(ChannelForm):
    endpoint = forms.URLField(label=_("Webhook address"), validators=[validate_public_url])
    secret = forms.CharField(
        label=_("Signing secret"),
        min_length=16,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters; the receiver checks the HMAC-SHA256 signature."),
    )


class WhatsAppForm(ChannelForm):
    """A WhatsApp Business phone number (Cloud API): no dialog, the ids and a system-user
    token from Meta's Business Settings, checked against the Graph API before saving."""

    phone_number_id = forms.RegexField(
        label=_("Phone number ID"),
        regex=r"^\d{5,30}$",
        max_length=30,
        help_text=_("Meta's app dashboard → WhatsApp → API Setup: the Phone number ID (digits)."),
        error_messages={"invalid": _("Meta's ids are digits only.")},
    )
    waba_id = forms.RegexField(
        label=_("WhatsApp Business Account ID"),
        regex=r"^\d{5,30}$",
        max_length=30,
        help_text=_("On the same page: the WhatsApp Business Account ID (digits)."),
        error_messages={"invalid": _("Meta's ids are digits only.")},
    )
    secret = forms.CharField(
        label=_("System-user access token"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Business Settings → Users → System users: generate a token for the app with "
            "whatsapp_business_messaging and whatsapp_business_management."
        ),
    )

    def unsaved_channel(self, network: str) -> Channel:
        values = self.channel_values()
        channel = Channel(
            workspace=self.workspace,
            network=network,
            name=values["name"],
            endpoint=values["endpoint"],
            account_id=values["account_id"],
            extra=values["extra"],
        )
        channel.set_secret(values["secret"])
        return channel

    def channel_values(self) -> dict:
        from koers.publishing.meta import hosts

        data = self.cleaned_data
        return {
            "name": data["name"],
            "endpoint": hosts().graph,
            "secret": data["secret"].strip(),
            "account_id": data["phone_number_id"],
            "extra": {"phone_number_id": data["phone_number_id"], "waba_id": data["waba_id"]},
        }


class WhatsAppReconnectForm(WhatsAppForm):
    """Reconnecting a WhatsApp number: its stored ids prefilled (changeable), a new
    system-user token; checked against the Graph API before anything replaces the stored."""

    def __init__(self, *args, channel: Channel, **kwargs) -> None:  # noqa: ANN002, ANN003
        extra = channel.extra or {}
        kwargs.setdefault(
            "initial",
            {
                "phone_number_id": extra.get("phone_number_id") or channel.account_id,
                "waba_id": extra.get("waba_id", ""),
            },
        )
        super().__init__(*args, workspace=channel.workspace, **kwargs)
        self.channel = channel
        del self.fields["name"]
        self.fields["secret"].label = _("New system-user access token")

    def clean(self) -> dict:
        data = super().clean() or {}
        data["name"] = self.channel.name  # the name stays; only the connection changes
        return data


CHANNEL_FORMS: dict[str, type[ChannelForm]] = {
    "mastodon": MastodonForm,
    "bluesky": BlueskyForm,
    "webhook": WebhookForm,
    "whatsapp": WhatsAppForm,
}


class ReconnectForm(forms.Form):
    """New credentials and, if the account moved, a new server (the handle too, on Bluesky)."""

    endpoint = forms.URLField(label=_("Server address"), validators=[validate_public_url])
    handle = forms.CharField(label=_("Handle"), max_length=120, required=False)
    secret = forms.CharField(
        label=_("New token or password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored one."),
    )

    def __init__(self, *args, channel: Channel, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("initial", {"endpoint": channel.endpoint, "handle": channel.handle})
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel.network != Network.BLUESKY:
            del self.fields["handle"]

    def unsaved_channel(self) -> Channel:
        """A copy of the channel with the new values, to check before anything is stored."""
        data, old = self.cleaned_data, self.channel
        channel = Channel(  # no pk: a check must not store a session on the real channel
            workspace=old.workspace,
            network=old.network,
            name=old.name,
            endpoint=data["endpoint"].rstrip("/"),
            handle=(data.get("handle") or old.handle).lstrip("@"),
        )
        channel.set_secret(data["secret"] or old.secret)
        return channel


THREAD_SEPARATOR = re.compile(r"^\s*---+\s*$", re.MULTILINE)


def thread_networks() -> list[str]:
    """The names of the networks that can post threads (from their declared capabilities)."""
    found = (catalog.capabilities(network) for network in catalog.networks())
    return [c.label for c in found if c is not None and c.can_publish("thread")]


VIDEO_PRIVACY = [
    ("public", _("Public")),
    ("unlisted", _("Unlisted (only people with the link)")),
    ("private", _("Private")),
]


class ItemForm(forms.ModelForm):
    day = forms.DateField(label=_("Date"), required=False, widget=IsoDateInput())
    at = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=IsoTimeInput(),
        help_text=_("Empty: 09:00 when you give a date."),
    )
    channels = RowMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContentItem
        fields = [
            "title", "text", "link", "category", "campaign", "objective", "audience",
            "key_message", "notes", "first_comment",
        ]  # fmt: skip
        field_classes = {
            "campaign": RowChoiceField,
            "objective": RowChoiceField,
            "audience": RowChoiceField,
            "key_message": RowChoiceField,
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "first_comment": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": _("Shared text for every channel; give a channel its own text below."),
            "link": _("UTM parameters (source, medium, campaign) are added per network."),
            "first_comment": _(
                "Placed under the post right after it on Facebook and Instagram (a reply on "
                "Threads); other networks leave it out."
            ),
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
        # The content strategy of the same cycle: its target audiences and key messages.
        self.fields["audience"].queryset = Audience.objects.filter(
            workspace=workspace, cycle__status="active"
        )
        self.fields["key_message"].queryset = KeyMessage.objects.filter(
            workspace=workspace, cycle__status="active"
        )
        self.channel_list = list(channels)
        # Offer only what the workspace's channels can publish (their networks' capabilities).
        self.offers = {kind for kind in PUBLISH_KINDS if any(c.can(kind) for c in channels)}
        if "thread" in self.offers:
            self.fields["thread"] = forms.CharField(
                label=_("Thread"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_(
                    "More posts after the first, each replying to the one before; separate them "
                    "with a line with only ---. Only sent to channels that can post threads "
                    "(%(networks)s); the others send the first post only."
                )
                % {"networks": ", ".join(thread_networks())},
            )
            self.order_fields([*list(self.fields)[:2], "thread"])
        self.workspace = workspace
        self._add_video_fields(channels)
        for channel in self.channel_list:
            self.fields[f"text_{channel.pk}"] = forms.CharField(
                label=_("Own text for %(name)s") % {"name": channel.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def _add_video_fields(self, channels) -> None:  # noqa: ANN001 - a Channel queryset
        """A video's own title, tags, privacy and publish time, where a channel's network
        takes them (``Capabilities.video_options``)."""
        declared = [c.capabilities() for c in channels]
        self.video_options = {
            option for found in declared if found is not None for option in found.video_options
        }
        networks = ", ".join(
            dict.fromkeys(f.label for f in declared if f is not None and f.video_options)
        )
        options = (self.instance.options if self.instance and self.instance.pk else {}) or {}
        if "title" in self.video_options:
            self.fields["video_title"] = forms.CharField(
                label=_("Video title"),
                max_length=100,
                required=False,
                initial=options.get("title", ""),
                help_text=_(
                    "For %(networks)s. Empty: the idea above. At most 100 characters, no < or >."
                )
                % {"networks": networks},
            )
        if "tags" in self.video_options:
            self.fields["video_tags"] = forms.CharField(
                label=_("Video tags"),
                required=False,
                initial=", ".join(options.get("tags") or []),
                help_text=_("Separated by commas; 500 characters together at most."),
            )
        if "privacy" in self.video_options:
            self.fields["video_privacy"] = forms.ChoiceField(
                label=_("Who can see the video"),
                choices=VIDEO_PRIVACY,
                initial=options.get("privacy") or "public",
            )
        if "publish_at" in self.video_options:
            stamp = str(options.get("publish_at") or "")
            self.fields["video_publish_at"] = forms.DateTimeField(
                label=_("Public from"),
                required=False,
                widget=IsoDateTimeInput(),
                initial=(
                    datetime.fromisoformat(stamp)
                    .astimezone(ZoneInfo(self.workspace.time_zone))
                    .replace(tzinfo=None)
                    if stamp
                    else None
                ),
                help_text=_(
                    "Upload ahead: koers uploads the video at the planned time as private, and "
                    "%(networks)s makes it public at this time (a scheduled video is always "
                    "private until then)."
                )
                % {"networks": networks},
            )

    def video_details(self) -> dict[str, object] | None:
        """The item's video details from the form, or ``None`` when it offers none."""
        if not self.video_options:
            return None
        data = self.cleaned_data
        details: dict[str, object] = {}
        if data.get("video_title", "").strip():
            details["title"] = data["video_title"].strip()
        tags = [t.strip() for t in data.get("video_tags", "").split(",") if t.strip()]
        if tags:
            details["tags"] = tags
        if data.get("video_privacy"):
            details["privacy"] = data["video_privacy"]
        moment = data.get("video_publish_at")
        if moment is not None:
            local = (
                moment.replace(tzinfo=None)
                if moment.tzinfo is None
                else (timezone.make_naive(moment))
            )
            details["publish_at"] = local_to_utc(
                local.date(), local.time(), self.workspace.time_zone
            ).isoformat()
        return details

    def clean_thread(self) -> list[str]:
        raw = self.cleaned_data.get("thread") or ""
        return [part.strip() for part in THREAD_SEPARATOR.split(raw) if part.strip()]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("day") and not data.get("at"):
            data["at"] = DEFAULT_POSTING_TIME
        elif data.get("at") and not data.get("day"):
            raise ValidationError(_("Give the date too, or leave the time empty."))
        chosen = data.get("channels") or []
        if data.get("thread") and chosen and not any(c.can("thread") for c in chosen):
            self.add_error(
                "thread",
                _("None of the chosen channels can post a thread (%(networks)s can).")
                % {"networks": ", ".join(thread_networks())},
            )
        return data

    def thread(self) -> list[str] | None:
        """The thread's further parts, or ``None`` when the form does not offer threads."""
        return self.cleaned_data.get("thread", []) if "thread" in self.fields else None

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


def video_type(upload) -> str:  # noqa: ANN001 - an UploadedFile
    """The MIME type of an MP4, QuickTime or WebM/Matroska video by its first bytes; "" when
    the file is none of those (the header, not the name or the browser's word, decides)."""
    head = upload.read(64)
    upload.seek(0)
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM names its doc type, Matroska too
        return "video/webm" if b"webm" in head else "video/x-matroska"
    return ""


class MediaForm(forms.Form):
    file = forms.FileField(
        label=_("Image or video"),
        help_text=_("PNG, JPEG, GIF or WebP up to 8 MB; MP4, MOV or WebM video."),
    )
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=1500,
        required=False,
        help_text=_("Describe the image for people who can't see it."),
    )

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        video = video_type(upload)
        if video:
            if upload.size > settings.KOERS_MAX_UPLOAD_MB * 1024 * 1024:
                raise ValidationError(
                    _("The video is larger than %(count)d MB.")
                    % {"count": settings.KOERS_MAX_UPLOAD_MB}
                )
            upload.content_type = video
            return upload
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
            "review_every_change",
        ]
        widgets = {"watch_hashtags": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "watch_hashtags": _("Hashtags to research before use, separated by spaces or commas."),
            "grace_minutes": _("After downtime, later posts are flagged as missed instead."),
            "review_every_change": _(
                "Text, images, channels or time changed after approval send a post back for "
                "review. Contributors' changes always do; this also applies it to editors and "
                "owners, who may then approve their own change."
            ),
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


# ---------------------------------------------------------------------------------------------
# Developer apps and OAuth connections
# ---------------------------------------------------------------------------------------------
class NetworkAppForm(forms.Form):
    """One provider's developer app. An empty secret keeps the stored one."""

    client_id = forms.CharField(label=_("App id (client id)"), max_length=200)
    client_secret = forms.CharField(
        label=_("App secret (client secret)"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    verify_token = forms.CharField(
        label=_("Webhook verify token"),
        max_length=200,
        required=False,
        help_text=_("Any long random text; enter the same in the Meta console's Webhooks."),
    )
    threads_client_id = forms.CharField(label=_("Threads app id"), max_length=200, required=False)
    threads_secret = forms.CharField(
        label=_("Threads app secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    installation = forms.BooleanField(
        label=_("For every workspace of this installation"), required=False
    )

    def __init__(self, *args, provider: str, has_secret: bool, may_install: bool, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        if provider != "meta":
            for name in ("verify_token", "threads_client_id", "threads_secret"):
                del self.fields[name]
        if not may_install:
            del self.fields["installation"]

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret", "").strip()
        if not secret and not self.has_secret:
            raise ValidationError(_("Enter the app secret."))
        return secret


class FeaturesForm(forms.Form):
    """Which of a provider's features to ask consent for (each with its scopes)."""

    features = forms.MultipleChoiceField(
        label=_("What may koers do?"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, features, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["features"].choices = [(f.key, _(f.label)) for f in features]
        self.fields["features"].error_messages["required"] = _("Choose at least one.")
        self.alone = {f.key for f in features if getattr(f, "alone", False)}

    def clean_features(self) -> list[str]:
        chosen = self.cleaned_data["features"]
        if len(chosen) > 1 and self.alone & set(chosen):
            labels = dict(self.fields["features"].choices)
            names = ", ".join(str(labels[key]) for key in sorted(self.alone & set(chosen)))
            raise ValidationError(
                _("%(feature)s asks in its own window: choose it on its own.") % {"feature": names}
            )
        return chosen


class ChooseAccountsForm(forms.Form):
    accounts = forms.TypedMultipleChoiceField(
        label=_("Accounts to add as channels"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, labels: list[str], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = list(enumerate(labels))
        self.fields["accounts"].error_messages["required"] = _("Choose at least one account.")
