"""Mention addresses from outside: only http(s) is stored (every source passes the pipeline's
normalisation) and only http(s) is ever a link, also for rows stored before that."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from koers.listening.importing import read_posts
from koers.listening.models import Mention
from koers.listening.normalise import web_url
from koers.listening.pipeline import Pipeline
from koers.listening.tests.conftest import make_post

BAD = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "https:javascript:alert(1)",
    "//evil.example/x",
]


def test_only_http_and_https_addresses_are_web_addresses():
    assert web_url("https://social.example/@jan/1") == "https://social.example/@jan/1"
    assert web_url(" HTTP://voorbeeld.nl/a ") == "HTTP://voorbeeld.nl/a"
    assert [web_url(url) for url in BAD] == [""] * len(BAD)
    assert web_url(None) == ""


@pytest.mark.django_db
def test_ingest_stores_no_address_and_no_link_with_another_scheme(acme, acme_topics):
    posts = [
        make_post(f"Acme bericht {i}", url=url, links=(url, "https://acme.example/ok"))
        for i, url in enumerate(BAD)
    ]
    report = Pipeline(acme).ingest(posts)

    assert report.stored == len(BAD)
    stored = Mention.objects.filter(workspace=acme)
    assert set(stored.values_list("url", flat=True)) == {""}
    assert all(m.links == ["https://acme.example/ok"] for m in stored)


@pytest.mark.django_db
def test_a_file_import_with_a_javascript_address_stores_the_mention_without_it(acme, acme_topics):
    data = b"id,text,created_at,url\n1,Acme is top,2026-11-20T09:00:00Z,javascript:alert(1)\n"
    posts = read_posts(io.BytesIO(data), "csv")
    report = Pipeline(acme).ingest_pairs(posts)

    assert report.stored == 1
    assert Mention.objects.get(workspace=acme).url == ""


@pytest.mark.django_db
def test_an_address_stored_before_the_check_is_shown_without_a_link(
    client_for, anna, acme, acme_topics
):
    Pipeline(acme).ingest([make_post("Acme fietsen", created_at=timezone.now())])
    Mention.objects.filter(workspace=acme).update(url="javascript:alert(document.cookie)")

    response = client_for(anna).get(reverse("listening:mentions", args=[acme.slug]))
    body = response.content.decode()
    assert "Acme fietsen" in body
    assert "javascript:" not in body
