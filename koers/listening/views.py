"""Listening pages: overview (volume, share of voice, sentiment), topics with a live query test,
one topic's insights, the mention stream with filters and export, and sources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core import neterrors
from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.exports import streaming_csv
from koers.core.models import Role, Workspace
from koers.core.outbound import error_text
from koers.listening import actions, rules, stats, uploads
from koers.listening.forms import (
    ImportMappingForm,
    ImportUploadForm,
    MentionFilterForm,
    PeriodForm,
    QueryTestForm,
    SentimentForm,
    SentimentModelForm,
    SourceForm,
    SourceKindForm,
    TopicForm,
    query_error,
    ui_lang,
)
from koers.listening.importing import read_posts
from koers.listening.models import (
    IngestRun,
    Mention,
    SentimentCorrection,
    Source,
    SourceKind,
    Topic,
)
from koers.listening.normalise import reason
from koers.listening.sources import build_poller, not_searchable, quota_note, quota_problem
from koers.networks.base import NetworkError
from koers.networks.files import FileFormatError
from koers.query import compile_query

STREAM_PAGE = 50
SEARCH_WINDOW = 5_000  # mentions a text search reads per page before offering to go further
TEST_SAMPLE = 2000  # recent stored mentions the live query test searches


# ---------------------------------------------------------------------------------------------
# Object helpers (404 for other workspaces)
# ---------------------------------------------------------------------------------------------
def get_topic_for_member(workspace: Workspace, topic_id: int) -> Topic:
    return get_scoped_or_404(Topic.objects, workspace, pk=topic_id)


def get_source_for_member(workspace: Workspace, source_id: int) -> Source:
    return get_scoped_or_404(Source.objects, workspace, pk=source_id)


def get_mention_for_member(workspace: Workspace, mention_id: int) -> Mention:
    return get_scoped_or_404(Mention.objects, workspace, pk=mention_id)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"listening/{template}", {"active": "listening", **context})


# ---------------------------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------------------------
@require_GET
@workspace_view()
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    period = stats.period_of(PeriodForm(request.GET).days())
    topics = list(scoped(Topic.objects, workspace))
    labels, series = stats.daily_volume(workspace, topics, period)
    totals = stats.topic_totals(workspace, period)
    sentiment = stats.sentiment_by_topic(workspace, period)
    rows = [
        (t, totals.get(t.pk, 0), rules.sentiment_split(sentiment.get(t.pk, {}))) for t in topics
    ]
    return _page(
        request,
        "index.html",
        {
            "workspace": workspace,
            "period": period,
            "period_form": PeriodForm(request.GET or {"period": period.days}),
            "chart": rules.line_chart(series, labels),
            "rows": rows,
            "sov": stats.share_of_voice(topics, totals),
            "sources": scoped(Source.objects, workspace).count(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def topic_new(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = TopicForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        topic = actions.create_topic(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Topic “%(name)s” is being tracked.") % {"name": topic.name})
        return redirect("listening:topic", slug=workspace.slug, topic_id=topic.pk)
    return _page(request, "topic_form.html", {"workspace": workspace, "form": form})


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def topic_edit(request: HttpRequest, workspace: Workspace, topic_id: int) -> HttpResponse:
    topic = get_topic_for_member(workspace, topic_id)
    form = TopicForm(request.POST or None, instance=topic, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        actions.update_topic(
            get_topic_for_member(workspace, topic_id), request.user, **form.cleaned_data
        )
        messages.success(request, _("Topic saved."))
        return redirect("listening:topic", slug=workspace.slug, topic_id=topic.pk)
    return _page(request, "topic_form.html", {"workspace": workspace, "form": form, "topic": topic})


@require_POST
@workspace_view(need=Role.EDITOR)
def topic_delete(request: HttpRequest, workspace: Workspace, topic_id: int) -> HttpResponse:
    topic = get_topic_for_member(workspace, topic_id)
    actions.delete_topic(topic, request.user)
    messages.success(request, _("Topic “%(name)s” deleted.") % {"name": topic.name})
    return redirect("listening:index", slug=workspace.slug)


@require_GET
@workspace_view(need=Role.EDITOR)
def query_test(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The live test panel: recent stored mentions the typed query matches, or its error."""
    form = QueryTestForm(request.GET)
    query = form.cleaned_data["query"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"workspace": workspace, "query": query}
    error = query_error(query) if query else None
    if error is not None:
        context |= {"error": error.message(ui_lang()), "before": query[: error.position]}
        context |= {"at": query[error.position : error.position + 1] or " "}
        context["after"] = query[error.position + 1 :]
    elif query:
        context |= _test_matches(workspace, query)
    return render(request, "listening/partials/query_test.html", context)


def _test_matches(workspace: Workspace, query: str) -> dict[str, Any]:
    matcher = compile_query(query)
    recent = scoped(Mention.objects, workspace).order_by("-published_at", "-id")[:TEST_SAMPLE]
    rows = recent.values_list("id", "text", "lang", "author_handle", "network", "published_at")
    matches = [
        row
        for row in rows
        if matcher.matches(
            {"id": row[0], "text": row[1], "lang": row[2], "author": row[3], "network": row[4]}
        )
    ]
    return {"matches": matches[:20], "match_count": len(matches), "searched": len(rows)}


@require_GET
@workspace_view()
def topic_detail(request: HttpRequest, workspace: Workspace, topic_id: int) -> HttpResponse:
    topic = get_topic_for_member(workspace, topic_id)
    period = stats.period_of(PeriodForm(request.GET).days())
    labels, series = stats.daily_volume(workspace, [topic], period)
    sentiment = stats.sentiment_by_topic(workspace, period, topic).get(topic.pk, {})
    split = rules.sentiment_split(sentiment)
    return _page(
        request,
        "topic_detail.html",
        {
            "workspace": workspace,
            "topic": topic,
            "period": period,
            "period_form": PeriodForm(request.GET or {"period": period.days}),
            "chart": rules.line_chart(series, labels),
            "total": sum(series[0][2]),
            "sentiment": split,
            "negative_from": (split["positive"] or 0) + (split["neutral"] or 0),
            "sentiment_counts": sentiment,
            "authors": stats.top_authors(workspace, topic, period),
            "can_add_influencer": _influencer_cycle(workspace) is not None,
            **stats.topic_insights(workspace, topic, period),
        },
    )


# ---------------------------------------------------------------------------------------------
# Mention stream and export
# ---------------------------------------------------------------------------------------------
def filtered_mentions(
    workspace: Workspace,
    filters: dict[str, Any],
    before: tuple[datetime, int] | None = None,
    down_to: tuple[datetime, int] | None = None,
) -> QuerySet[Mention]:
    """The workspace's mentions matching ``filters``, newest first (``published_at``, then id);
    with ``before`` (time and id of a mention) only those after it in that order: keyset
    pagination, no OFFSET; with ``down_to`` (time and id) none after that mention (a text
    search's window, see :func:`search_window`).

    With a topic the rows are read through the topic's links (``listening_link_topic_time``
    gives them in order: a link carries its mention's time); otherwise through the workspace's
    time index, or the sentiment/network/language index that matches the filter. The link's
    conditions are one ``filter()``, so they all apply to the same link (one join).
    """
    period = stats.period_of(filters["period"])
    at = "topic_links__published_at" if "topic" in filters else "published_at"
    where = Q(**{f"{at}__gte": period.start})
    if "topic" in filters:
        where &= Q(topic_links__topic=filters["topic"])
    if before is not None and before[0] < period.end:
        # One upper bound on the time (the planners use one for the index range).
        moment, pk = before
        where &= Q(**{f"{at}__lte": moment}) & (Q(**{f"{at}__lt": moment}) | Q(pk__lt=pk))
    else:
        where &= Q(**{f"{at}__lt": period.end})
    if down_to is not None:
        moment, pk = down_to
        where &= Q(**{f"{at}__gte": moment}) & (Q(**{f"{at}__gt": moment}) | Q(pk__gte=pk))
    mentions = scoped(Mention.objects, workspace).filter(where)
    for name in ("network", "lang", "sentiment"):
        if name in filters:
            mentions = mentions.filter(**{name: filters[name]})
    if "q" in filters:
        mentions = mentions.filter(
            Q(text__icontains=filters["q"]) | Q(author_handle__icontains=filters["q"])
        )
    if "topic" in filters:
        return mentions.order_by("-topic_links__published_at", "-topic_links__mention_id")
    return mentions.order_by("-published_at", "-id")


def search_window(
    workspace: Workspace, filters: dict[str, Any], before: tuple[datetime, int] | None
) -> tuple[datetime, int] | None:
    """Where a text search stops reading on this page: the time and id of the
    ``SEARCH_WINDOW``-th mention (in stream order, after ``before``) that the other filters
    let through, or ``None`` when fewer are left in the period. Reading those is one index
    range; the text is then matched within it only, so a rare word never makes a page read
    the whole period: the page offers to search further back instead."""
    others = {name: value for name, value in filters.items() if name != "q"}
    at = "topic_links__published_at" if "topic" in filters else "published_at"
    rows = filtered_mentions(workspace, others, before).values_list(at, "pk")
    found = list(rows[SEARCH_WINDOW - 1 : SEARCH_WINDOW])
    return found[0] if found else None


def stream_cursor(workspace: Workspace, before: str | None) -> tuple[datetime, int] | None:
    """The keyset cursor of ``?before=<mention id>``: that mention's time and id; ``None`` (the
    newest page) for an unknown, foreign or malformed id."""
    if not before or not before.isdigit():
        return None
    moment = (
        scoped(Mention.objects, workspace)
        .filter(pk=int(before))
        .values_list("published_at", flat=True)
        .first()
    )
    return None if moment is None else (moment, int(before))


def stream_count(workspace: Workspace, filters: dict[str, Any]) -> int | None:
    """How many mentions the stream shows, from the rollups (never a count over the mentions):
    exact only for one topic without a text search (a mention counts once per topic)."""
    if "topic" not in filters or "q" in filters:
        return None
    period = stats.period_of(filters["period"])
    cells = {name: filters[name] for name in ("network", "lang", "sentiment") if name in filters}
    return stats.rollup_total(workspace, filters["topic"], period, **cells)


@require_GET
@workspace_view()
def mentions(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = MentionFilterForm(request.GET or None, workspace=workspace)
    filters = form.filters()
    before = stream_cursor(workspace, request.GET.get("before"))
    window = search_window(workspace, filters, before) if "q" in filters else None
    rows = filtered_mentions(workspace, filters, before, window)
    items = list(rows.prefetch_related("topics")[: STREAM_PAGE + 1])
    has_older = len(items) > STREAM_PAGE
    items = items[:STREAM_PAGE]
    older = items[-1].pk if has_older else None
    searched_to = None
    if not has_older and window is not None:
        # The window is read: go on below its oldest mention, which was searched too.
        searched_to, older = window
    hashes = {m.text_hash for m in items}
    similar = dict(
        scoped(Mention.objects, workspace)
        .filter(text_hash__in=hashes)
        .order_by()
        .values_list("text_hash")
        .annotate(n=Count("id"))
    )
    for m in items:
        m.similar = similar.get(m.text_hash, 1)  # near-identical reposts stored
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("page", None)
    context = {
        "workspace": workspace,
        "form": form,
        "items": items,
        "count": stream_count(workspace, filters),
        "is_first": before is None,
        "older": older,
        "searched_to": searched_to,
        "query": query.urlencode(),
    }
    template = "partials/stream.html" if request.htmx else "mentions.html"
    return _page(request, template, context)


def _export_rows(mentions: QuerySet[Mention]) -> Iterator[dict[str, Any]]:
    for m in mentions.prefetch_related("topics").iterator(chunk_size=1000):
        yield {
            "id": m.pk,
            "published_at": timezone.localtime(m.published_at).isoformat(),
            "network": m.network,
            "remote_id": m.remote_id,
            "url": m.url,
            "author": m.author_handle,
            "author_name": m.author_name,
            "lang": m.lang,
            "sentiment": m.sentiment,
            "topics": [t.name for t in m.topics.all()],
            "text": m.text,
        }


@require_GET
@workspace_view()
def mentions_export(request: HttpRequest, workspace: Workspace, fmt: str) -> HttpResponse:
    """The filtered stream as CSV or JSONL (only this workspace's mentions, all pages)."""
    form = MentionFilterForm(request.GET or None, workspace=workspace)
    rows = _export_rows(filtered_mentions(workspace, form.filters()))
    name = f"koers-mentions-{workspace.slug}.{fmt}"
    if fmt == "csv":
        header = ["id", "published_at", "network", "remote_id", "url", "author", "author_name"]
        header += ["lang", "sentiment", "topics", "text"]
        csv_rows = ([*(r[h] for h in header[:9]), "|".join(r["topics"]), r["text"]] for r in rows)
        return streaming_csv(header, csv_rows, name)
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@workspace_view(need=Role.CONTRIBUTOR)
def mention_sentiment(request: HttpRequest, workspace: Workspace, mention_id: int) -> HttpResponse:
    mention = get_mention_for_member(workspace, mention_id)
    form = SentimentForm(request.POST)
    if form.is_valid():
        actions.correct_sentiment(mention, request.user, form.cleaned_data["sentiment"])
        mention.refresh_from_db(fields=["sentiment"])
    if request.htmx:
        context = {"workspace": workspace, "m": mention, "corrected": form.is_valid()}
        return render(request, "listening/partials/sentiment.html", context)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)  # only back into koers, never to another site
    return redirect("listening:mentions", slug=workspace.slug)


# ---------------------------------------------------------------------------------------------
# Influencer candidates → the strategy's influencer list
# ---------------------------------------------------------------------------------------------
def _influencer_cycle(workspace: Workspace) -> Any:
    from koers.strategy.models import Cycle, CycleStatus

    active = scoped(Cycle.objects, workspace).filter(status=CycleStatus.ACTIVE)
    return active.order_by("-pk").first()


@require_POST
@workspace_view(need=Role.EDITOR)
def influencer_add(request: HttpRequest, workspace: Workspace, topic_id: int) -> HttpResponse:
    from koers.strategy import actions as strategy_actions

    topic = get_topic_for_member(workspace, topic_id)
    handle = request.POST.get("handle", "")[:120]
    # A NUL byte can't be an author's handle (and PostgreSQL refuses it in a query).
    mentions = scoped(Mention.objects, workspace)
    author = mentions.filter(author_handle=handle).first() if "\x00" not in handle else None
    cycle = _influencer_cycle(workspace)
    if author is None:
        messages.error(request, _("No mention of this topic has that author."))
    elif cycle is None:
        messages.error(request, _("Start a strategy cycle first; then add influencers."))
    else:
        strategy_actions.add_influencer(
            cycle,
            request.user,
            name=(author.author_name or handle)[:120],
            handle=handle,
            network=author.get_network_display(),
            notes=_("Found by listening (topic %(topic)s)") % {"topic": topic.name},
        )
        messages.success(request, _("%(who)s added to the influencer list.") % {"who": handle})
    return redirect("listening:topic", slug=workspace.slug, topic_id=topic.pk)


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------
@require_GET
@workspace_view()
def sources(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    rows = list(scoped(Source.objects, workspace).order_by("name"))
    for row in rows:
        row.quota_note = quota_note(row)  # type: ignore[attr-defined]
    runs = scoped(IngestRun.objects, workspace).select_related("source")[:10]
    context = {
        "workspace": workspace,
        "sources": rows,
        "runs": runs,
        "not_searchable": not_searchable(),
    }
    return _page(request, "sources.html", context)


def _fetch_problem(source: Source) -> str | None:
    """Fetch once with these settings (nothing is stored); why it failed, in the page's
    language, or None when it worked. The live stream is not tried: it has no single fetch."""
    if not source.is_pollable:
        return None
    try:
        build_poller(source).poll(None)
    except NetworkError as error:
        reason = neterrors.translate(error_text(error, translation.get_language() or "nl"))
        return _("koers could not fetch with these settings: %(reason)s") % {"reason": reason}
    return None


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def source_new(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Step one chooses the kind (``?kind=``); step two shows that kind's fields, tries one
    fetch and only then saves."""
    step_one = SourceKindForm(request.POST or request.GET or None)
    if not step_one.is_valid():
        context = {
            "workspace": workspace,
            "kind_form": SourceKindForm(),
            "not_searchable": not_searchable(),
        }
        return _page(request, "source_kind.html", context)
    kind = step_one.cleaned_data["kind"]
    post = request.POST if request.method == "POST" else None
    form = SourceForm(post, workspace=workspace, kind=kind)
    if post is not None and form.is_valid():
        unsaved = form.unsaved_source()
        problem = quota_problem(unsaved) or _fetch_problem(unsaved)
        if problem:
            form.add_error(None, problem)
        else:
            data = form.cleaned_data
            actions.create_source(
                workspace,
                request.user,
                name=data["name"],
                kind=kind,
                config=form.config(),
                credentials=form.credentials(),
                language=data["language"],
                poll_every_seconds=data.get("poll_every_seconds") or 300,
            )
            return redirect("listening:sources", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "form": form,
        "kind_label": SourceKind(kind).label,
        "quota_note": quota_note(Source(workspace=workspace, kind=kind, config={})),
    }
    return _page(request, "source_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def source_edit(request: HttpRequest, workspace: Workspace, source_id: int) -> HttpResponse:
    """Changed settings are tried with one fetch first; a fetch that works also clears
    "needs attention"."""
    source = get_source_for_member(workspace, source_id)
    initial = {"name": source.name, "language": source.language}
    initial |= {"poll_every_seconds": source.poll_every_seconds, **source.config}
    form = SourceForm(
        request.POST or None,
        workspace=workspace,
        kind=source.kind,
        instance=source,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        unsaved = form.unsaved_source()
        problem = quota_problem(unsaved) or _fetch_problem(unsaved)
        if problem:
            form.add_error(None, problem)
        else:
            data = form.cleaned_data
            actions.update_source(
                source,
                request.user,
                name=data["name"],
                config=form.config(),
                credentials=form.credentials(),
                language=data["language"],
                poll_every_seconds=data.get("poll_every_seconds") or source.poll_every_seconds,
                fetched=source.is_pollable,
            )
            return redirect("listening:sources", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "form": form,
        "source": source,
        "kind_label": source.get_kind_display(),
        "quota_note": quota_note(source),
    }
    return _page(request, "source_form.html", context)


@require_POST
@workspace_view(need=Role.EDITOR)
def source_pause(request: HttpRequest, workspace: Workspace, source_id: int) -> HttpResponse:
    source = get_source_for_member(workspace, source_id)
    actions.set_source_paused(source, request.user, paused=request.POST.get("paused") == "1")
    return redirect("listening:sources", slug=workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def source_delete(request: HttpRequest, workspace: Workspace, source_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (the mentions stay)."""
    source = get_source_for_member(workspace, source_id)
    if request.method == "POST":
        actions.delete_source(source, request.user)
        messages.success(request, _("Source %(name)s deleted.") % {"name": source.name})
        return redirect("listening:sources", slug=workspace.slug)
    context = {"workspace": workspace, "source": source, "mentions": source.mentions.count()}
    return _page(request, "source_delete.html", context)


# ---------------------------------------------------------------------------------------------
# Sentiment model: backend choice and learning from the team's corrections
# ---------------------------------------------------------------------------------------------
def _sentiment_page(
    request: HttpRequest, workspace: Workspace, form: SentimentModelForm
) -> HttpResponse:
    counts = dict(
        scoped(SentimentCorrection.objects, workspace)
        .values_list("corrected")
        .annotate(n=Count("id"))
        .values_list("corrected", "n")
    )
    context = {"workspace": workspace, "form": form, "model": form.instance, "counts": counts}
    return _page(request, "sentiment_model.html", context)


@require_GET
@workspace_view()
def sentiment_model(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = SentimentModelForm(instance=actions.sentiment_model(workspace))
    return _sentiment_page(request, workspace, form)


@require_POST
@workspace_view(need=Role.EDITOR)
def sentiment_settings(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = SentimentModelForm(request.POST, instance=actions.sentiment_model(workspace))
    if not form.is_valid():
        return _sentiment_page(request, workspace, form)
    actions.set_sentiment_backend(workspace, request.user, **form.cleaned_data)
    messages.success(request, _("Sentiment settings saved."))
    return redirect("listening:sentiment-model", slug=workspace.slug)


@require_POST
@workspace_view(need=Role.EDITOR)
def sentiment_train(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    try:
        model = actions.train_sentiment_head(workspace, request.user)
    except actions.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        if model.head_active:
            messages.success(request, _("Trained: your own model is now in use."))
        else:
            messages.info(request, _("Trained, but not better than the default; it stays off."))
    return redirect("listening:sentiment-model", slug=workspace.slug)


# ---------------------------------------------------------------------------------------------
# File import in the browser: upload, map the columns, import (same reader as koers import)
# ---------------------------------------------------------------------------------------------
_UPLOAD_KEY = "listening_import"


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def import_upload(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored = uploads.store(upload, upload.name)
        except FileFormatError:
            form.add_error(
                "file",
                _("This file can't be read as CSV or JSONL (UTF-8 or Windows-1252) with a header."),
            )
        else:
            request.session[_UPLOAD_KEY] = {
                "workspace": workspace.pk,
                "source_name": form.cleaned_data["source_name"],
                **stored.__dict__,
            }
            return redirect("listening:import-map", slug=workspace.slug)
    return _page(request, "import_upload.html", {"workspace": workspace, "form": form})


@require_http_methods(["GET", "POST"])
@workspace_view(need=Role.EDITOR)
def import_map(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    pending = request.session.get(_UPLOAD_KEY)
    if not pending or pending["workspace"] != workspace.pk:
        messages.error(request, _("Upload the file first."))
        return redirect("listening:import", slug=workspace.slug)
    form = ImportMappingForm(
        request.POST or None,
        columns=pending["columns"],
        initial=uploads.suggested(pending["columns"]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            path = uploads.claim(pending["token"])
        except FileNotFoundError:  # removed as abandoned, or imported by an earlier click
            del request.session[_UPLOAD_KEY]
            messages.error(request, _("The uploaded file is no longer here; upload it again."))
            return redirect("listening:import", slug=workspace.slug)
        source = actions.file_source(workspace, request.user, pending["source_name"])
        try:
            with path.open("rb") as handle:
                report = actions.import_posts(
                    workspace,
                    request.user,
                    source,
                    read_posts(
                        handle, pending["fmt"], form.mapping(), ZoneInfo(workspace.time_zone)
                    ),
                )
        finally:
            uploads.discard(pending["token"])
        del request.session[_UPLOAD_KEY]
        lang = ui_lang()
        failures = [
            (f["ref"].removeprefix("row "), reason(f["reason"], lang)) for f in report.failures
        ]
        context = {"workspace": workspace, "report": report, "failures": failures}
        return _page(request, "import_done.html", context)
    context = {"workspace": workspace, "form": form, "pending": pending}
    return _page(request, "import_map.html", context)
