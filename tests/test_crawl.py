"""Every page of a filled-in workspace, and every form on it, fed empty and hostile input.

The demo workspace gives real ids for every URL under ``/w/<slug>/``. The crawl asserts what a
user must always get: no 500 page for the owner, whatever they type into a form; a 404 (never
the data) for someone outside the workspace. A URL whose parameters the crawl can't fill fails
the test, so a new page can't slip past it.
"""

from __future__ import annotations

import itertools
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from koers.core.demo import build_demo
from koers.core.models import Invitation, Membership, Workspace

pytestmark = pytest.mark.django_db(transaction=False)

# Hostile values for form fields: empty, huge, wrong types, impossible dates, NUL, markup.
GARBAGE = [
    "",
    "x" * 5000,
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "25:99",
    "\x00",
    "<script>alert(1)</script>",
    "((",
    "1e309",
    "(" * 200 + "a" + ")" * 200,  # the query parser once recursed past Python's limit
]


def hostile_files() -> list[tuple[str, bytes]]:
    """Files for every upload field: a PNG claiming 20000 × 20000 pixels (no pixel data), CSV
    with a bare carriage return, a cell over the csv module's field limit, Windows-1252 bytes
    that are not UTF-8, a binary file and an empty one."""
    from koers.publishing.tests.test_upload_limits import png_claiming

    return [
        ("bom.png", png_claiming(20000, 20000)),
        ("mac.csv", b"date,metric,value\r2026-10-01,web_\rvisits,1\r"),
        ("lang.csv", b'a,b\n1,"' + b"x" * 200_000 + b'"\n'),
        ("cp1252.csv", "datum;tekst\n2026-10-01;café\n".encode("cp1252")),
        ("binary.xlsx", b"PK\x03\x04\x00\x00" * 100),
        ("leeg.csv", b""),
    ]


# Posting these changes or removes what later URLs need: they go last.
DESTRUCTIVE = ("delete", "remove", "revoke", "rotate", "unschedule", "next-cycle", "pause")


def workspace_routes() -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every URL under ``w/<slug:slug>/``."""

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = p.namespace or namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith("w/<slug:slug>/"):
                    yield (f"{namespace}:{p.name}" if namespace else p.name), p

    yield from walk(get_resolver().url_patterns, "", None)


def kwarg_values(
    workspace: Workspace, feed_token: str
) -> dict[tuple[str | None, str], Callable[[], object]]:
    """How to fill each URL parameter with an id from ``workspace`` (namespace, name)."""
    from koers.alerts.models import AlertEvent, AlertRule
    from koers.engagement.models import Moderation, Reply
    from koers.listening.models import Mention, Source, Topic
    from koers.measurement.models import ManualMetric, ReportSchedule
    from koers.notify.models import Destination
    from koers.publishing.models import Channel as PubChannel
    from koers.publishing.models import ContentItem, Media
    from koers.strategy.models import Audience, Cycle, Influencer, Objective
    from koers.strategy.models import Channel as PlanChannel

    def first(model, **filters):
        return lambda: model.objects.filter(workspace=workspace, **filters).order_by("pk")[0].pk

    def failed_reply():
        return Reply.objects.filter(workspace=workspace, state="failed").order_by("pk")[0]

    def field(model, name):
        return lambda: getattr(model.objects.filter(workspace=workspace).order_by("pk")[0], name)

    def api_token():
        from koers.api.actions import create_token

        owner = Membership.objects.filter(workspace=workspace, role="owner")[0].user
        return create_token(workspace, owner, name="crawl", role="viewer")[0].pk

    return {
        (None, "member_id"): lambda: (
            Membership.objects.filter(workspace=workspace).exclude(role="owner")[0].pk
        ),
        (None, "invitation_id"): first(Invitation),
        (None, "token_id"): api_token,
        ("engagement", "action"): lambda: "hide",
        ("strategy", "cycle_id"): lambda: (
            Cycle.objects.get(workspace=workspace, status="active").pk
        ),
        ("strategy", "influencer_id"): first(Influencer),
        ("strategy", "audience_id"): first(Audience, cycle__status="active"),
        ("strategy", "index"): lambda: 0,
        ("strategy", "objective_id"): first(Objective),
        ("strategy", "channel_id"): first(PlanChannel),
        ("strategy", "language"): lambda: "nl",
        ("publishing", "item_id"): first(ContentItem),
        ("publishing", "media_id"): lambda: Media.objects.filter(item__workspace=workspace)[0].pk,
        ("publishing", "channel_id"): first(PubChannel),
        ("publishing", "network"): lambda: "mastodon",
        ("publishing", "provider"): lambda: "meta",
        ("publishing", "token"): lambda: feed_token,
        ("listening", "topic_id"): first(Topic),
        ("listening", "mention_id"): first(Mention),
        ("listening", "source_id"): first(Source),
        ("alerts", "event_id"): first(AlertEvent),
        ("alerts", "rule_id"): first(AlertRule),
        ("measurement", "objective_id"): first(Objective),
        ("measurement", "entry_id"): first(ManualMetric),
        ("measurement", "schedule_id"): first(ReportSchedule),
        # The open item with a failed reply (its page shows every inbox form) and that reply.
        ("engagement", "item_id"): lambda: failed_reply().item_id,
        ("engagement", "reply_id"): lambda: failed_reply().pk,
        ("engagement", "moderation_id"): lambda: (
            Moderation.objects.get(item=failed_reply().item_id).pk
        ),
        ("engagement", "mention_id"): first(Mention, inbox_item__isnull=True),
        ("notify", "destination_id"): first(Destination),
    }


FIELD_TAGS = ("input", "select", "textarea", "button")
SKIPPED_FIELDS = (None, "", "csrfmiddlewaretoken")


class Forms(HTMLParser):
    """The forms of a page: (method, action, field names)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []
        self.file_fields: set[tuple[str, str]] = set()  # (action, field name)
        self._open: tuple[str, str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = ((a.get("method") or "get").lower(), a.get("action") or "", [])
            self.forms.append(self._open)
        elif tag in FIELD_TAGS and self._open and a.get("name") not in SKIPPED_FIELDS:
            self._open[2].append(a["name"])
            if a.get("type") == "file":
                self.file_fields.add((self._open[1], a["name"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


@pytest.fixture
def demo(anna, bram, carla, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workspace, _ = build_demo(anna, "duinwijk")
    Membership.objects.create(workspace=workspace, user=bram, role="editor")
    # Rows the demo has no reason to make, so that their URLs get real ids too.
    from koers.core import actions as core_actions
    from koers.engagement.models import InboxItem, Moderation, Reply, ReplyState
    from koers.measurement import actions as measurement_actions
    from koers.publishing import actions as publishing_actions
    from koers.publishing.models import Channel, ContentItem, Media

    core_actions.invite_member(workspace, anna, email="nieuw@example.nl", role="viewer")
    measurement_actions.record_manual_metric(
        workspace, anna, metric="web_visits", day=date(2026, 10, 1), value=1200
    )
    item = ContentItem.objects.filter(workspace=workspace).order_by("pk")[0]
    (tmp_path / "demo").mkdir()
    Image.new("RGB", (40, 30), "teal").save(tmp_path / "demo" / "crawl.png")
    Media.objects.create(item=item, file="demo/crawl.png", mime_type="image/png", alt_text="crawl")
    # The demo's inbox has a reply that was sent; a failed one shows the "Try again" form.
    open_item = InboxItem.objects.filter(workspace=workspace, status="open").order_by("pk")[0]
    Reply.objects.create(
        workspace=workspace,
        item=open_item,
        channel=Channel.objects.filter(workspace=workspace, network=open_item.mention.network)[0],
        text="Antwoord dat niet aankwam",
        in_reply_to=open_item.mention.remote_id,
        state=ReplyState.FAILED,
        error="Mastodon (social.example) refused the request: Account is silenced.",
        created_by=anna,
        attempts=1,
    )
    # A hide that failed shows its "Try again" form (on the same item, so one item_id serves).
    Moderation.objects.create(
        workspace=workspace,
        item=open_item,
        channel=Channel.objects.filter(workspace=workspace, network=open_item.mention.network)[0],
        action="hide",
        state="failed",
        error="Facebook: Meta is unavailable (Meta error 2).",
        created_by=anna,
        attempts=1,
    )
    return workspace, publishing_actions.rotate_ics_token(workspace, anna)


def url_for(name: str, pattern: URLPattern, workspace: Workspace, values) -> str:
    namespace = name.split(":")[0] if ":" in name else None
    kwargs: dict[str, object] = {"slug": workspace.slug}
    for key in pattern.pattern.converters:
        if key == "slug":
            continue
        fill = values.get((namespace, key)) or values.get((None, key))
        if fill is None:
            raise LookupError(f"{name}: no value for URL parameter {key!r}")
        kwargs[key] = fill()
    return reverse(name, kwargs=kwargs)


def test_no_page_or_form_of_a_filled_workspace_gives_a_server_error(demo, anna, carla):
    demo, feed_token = demo
    values = kwarg_values(demo, feed_token)
    routes = list(workspace_routes())
    assert len(routes) > 80
    owner, stranger = Client(raise_request_exception=False), Client(raise_request_exception=False)
    crashes: list[str] = []

    def record(sender, request, **kwargs):
        kind, error, tb = sys.exc_info()
        frames = [f for f in traceback.extract_tb(tb) if "/koers/" in f.filename]
        where = f"{frames[-1].filename.split('/koers/')[-1]}:{frames[-1].lineno}" if frames else "?"
        crashes.append(f"{request.method} {request.path}: {kind.__name__}: {error} at {where}")

    got_request_exception.connect(record)
    owner.force_login(anna)
    stranger.force_login(carla)

    urls, missing = [], []
    for name, pattern in routes:
        try:
            urls.append(url_for(name, pattern, demo, values))
        except LookupError as error:
            missing.append(str(error))
    assert missing == [], "the crawl can't fill these URLs: teach kwarg_values about them"

    errors: list[str] = []
    forms: dict[str, list[str]] = {}
    file_fields: dict[str, set[str]] = {}
    for url in urls:
        response = owner.get(url)
        if response.status_code >= 500:
            errors.append(f"GET {url} → {response.status_code}")
        if response.get("Content-Type", "").startswith("text/html"):
            parser = Forms()
            parser.feed(response.content.decode())
            for method, action, fields in parser.forms:
                target = urlsplit(action).path or url
                if method == "post" and target.startswith(f"/w/{demo.slug}/"):
                    forms.setdefault(target, [])
                    forms[target] = sorted(set(forms[target]) | set(fields))
                    for form_action, name in parser.file_fields:
                        if form_action == action:
                            file_fields.setdefault(target, set()).add(name)
        # Strangers learn nothing: not the page, not even that it exists. The calendar
        # feed is the one public URL (its token is the secret), so it is left out here.
        if "/feed/" not in url:
            seen = stranger.get(url).status_code
            if seen not in (404, 405):  # 405: refused before the workspace is even looked up
                errors.append(f"GET {url} as a stranger → {seen}, not 404")

    posts = sorted(set(forms) | {u for u in urls if not u.endswith((".csv", ".ics"))})
    posts.sort(key=lambda u: any(word in u for word in DESTRUCTIVE))
    assert len(forms) > 30  # the crawl really found the forms
    assert len(file_fields) >= 4, file_fields  # and the upload forms among them
    values_cycle = itertools.cycle(GARBAGE)
    for url in posts:
        fields = forms.get(url, [])
        attempts = [{}, {f: next(values_cycle) for f in fields}, dict.fromkeys(fields, "\x00")]
        for name, content in hostile_files() if url in file_fields else []:
            attempt = {f: next(values_cycle) for f in fields}
            attempt |= {f: SimpleUploadedFile(name, content) for f in file_fields[url]}
            attempts.append(attempt)
        for data in attempts:
            response = owner.post(url, data, headers={"HX-Request": "true"})
            if response.status_code >= 500:
                errors.append(f"POST {url} {sorted(data)[:6]} → {response.status_code}")
            response = stranger.post(url, data)
            if response.status_code not in (404, 405):
                errors.append(f"POST {url} as a stranger → {response.status_code}, not 404")
    got_request_exception.disconnect(record)
    assert errors == [], "\n".join(errors + sorted(set(crashes)))
