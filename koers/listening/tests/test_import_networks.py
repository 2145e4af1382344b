"""Imported mentions keep their network, whatever it is called (issue 12, item 6): Facebook,
Instagram, LinkedIn, TikTok … are stored as such, aliases ("Twitter", "FB", "IG") are mapped,
an unknown name becomes "other" — no row is refused for its network — and the export reads
back with the same networks."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.listening import normalise
from koers.listening.importing import read_posts
from koers.listening.models import Mention, Network, Topic
from koers.listening.pipeline import Pipeline
from koers.networks.files import NETWORK_NAMES, import_rows, mapping_from, network_name, read_table
from koers.query import parse
from koers.query.nodes import NETWORKS as QUERY_NETWORKS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "network"),
    [
        ("facebook", "facebook"),
        ("Facebook", "facebook"),
        (" FACEBOOK ", "facebook"),
        ("fb", "facebook"),
        ("www.facebook.com", "facebook"),
        ("Instagram", "instagram"),
        ("IG", "instagram"),
        ("Threads", "threads"),
        ("threads.net", "threads"),
        ("WhatsApp", "whatsapp"),
        ("WhatsApp Business", "whatsapp"),
        ("X", "x"),
        ("Twitter", "x"),
        ("twitter.com", "x"),
        ("LinkedIn", "linkedin"),
        ("Linked-In", "linkedin"),
        ("YouTube", "youtube"),
        ("TikTok", "tiktok"),
        ("Tik Tok", "tiktok"),
        ("Nieuws", "news"),
        ("news", "news"),
        ("Fora", "forum"),
        ("Reviews", "review"),
        ("Mastodon", "mastodon"),
        ("bsky", "bluesky"),
        ("RSS", "rss"),
        ("Nextdoor", "other"),
        ("Hyves", "other"),
        ("?", "other"),
        ("other", "other"),
        ("", "import"),
        (None, "import"),
    ],
)
def test_a_network_cell_becomes_one_of_koers_networks(cell, network):
    assert network_name(cell) == network
    assert network_name(cell) in NETWORK_NAMES


def test_every_network_name_is_a_mention_network_and_a_query_value():
    assert set(NETWORK_NAMES) == set(Network.values) == set(normalise.NETWORKS)
    assert set(QUERY_NETWORKS) == set(NETWORK_NAMES)
    assert parse("duinwijk AND network:facebook") is not None
    assert all(len(name) <= Mention._meta.get_field("network").max_length for name in NETWORK_NAMES)


# An export as a Dutch team gets it from another listening tool: ";" separated, Dutch
# column names, the network as the tool writes it.
ROWS = [
    ("Facebook", "Het nieuwe zwembad in Duinwijk is prachtig geworden!", "facebook"),
    ("Instagram", "Zonsondergang boven het strand van Duinwijk #duinwijk", "instagram"),
    ("LinkedIn", "Gemeente Duinwijk zoekt een communicatieadviseur", "linkedin"),
    ("TikTok", "Zo ziet de kermis in Duinwijk er dit jaar uit", "tiktok"),
    ("Twitter", "Waarom staat de brug in Duinwijk weer open?", "x"),
    ("FB", "Afvalinzameling in Duinwijk is morgen een dag later", "facebook"),
    ("ig", "Mooie herfstkleuren in het park van Duinwijk", "instagram"),
    ("Nextdoor", "Wie weet waarom de lantaarnpalen in Duinwijk uit zijn?", "other"),
    ("", "Raadsvergadering Duinwijk over het nieuwe parkeerbeleid", "import"),
    ("Nieuws", "Duinwijk krijgt subsidie voor het vernieuwde centrum", "news"),
]
# Dates as the tool writes them (day first), within the stream's default period (30 days).
TODAY = datetime.now(UTC).date()
DAYS = [(TODAY - timedelta(days=n + 1)).strftime("%d-%m-%Y") for n in range(len(ROWS))]
CSV = "bericht;platform;auteur;datum;link\n" + "".join(
    f"{text};{platform};@inwoner{n};{DAYS[n]} 10:00;https://voorbeeld.nl/{n}\n"
    for n, (platform, text, _network) in enumerate(ROWS)
)


def upload_and_import(client, workspace, data: bytes, name: str = "export.csv"):
    response = client.post(
        reverse("listening:import", args=[workspace.slug]),
        {"file": SimpleUploadedFile(name, data), "source_name": "Coosto-export"},
    )
    assert response.status_code == 302
    form = client.get(reverse("listening:import-map", args=[workspace.slug])).context["form"]
    assert form.initial["network"] == "platform"  # koers suggests the column itself
    return client.post(
        reverse("listening:import-map", args=[workspace.slug]),
        {"text": "bericht", "author": "auteur", "created_at": "datum", "url": "link"}
        | {"network": "platform"},
    )


def test_an_export_with_facebook_instagram_linkedin_tiktok_and_unknown_rows_is_stored_whole(
    client_for, anna, acme
):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    assert not Mention.objects.filter(workspace=acme).exists()
    response = upload_and_import(client_for(anna), acme, CSV.encode())
    assert response.status_code == 200
    stored = dict(Mention.objects.filter(workspace=acme).values_list("text", "network"))
    assert stored == {text: network for _platform, text, network in ROWS}

    # The stream shows each network with its own mark and name.
    page = client_for(anna).get(
        reverse("listening:mentions", args=[acme.slug]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    html = page.content.decode()
    for network in ("facebook", "instagram", "linkedin", "tiktok", "x", "other", "news"):
        assert f'class="net-mark net-{network}"' in html
    assert "TikTok" in html and "Overig" in html and "Nieuws" in html


def test_the_export_reads_back_with_the_same_networks(client_for, anna, acme, bolt):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    upload_and_import(client_for(anna), acme, CSV.encode())
    before = {(m.text, m.network) for m in Mention.objects.filter(workspace=acme)}
    assert len(before) == len(ROWS)

    for fmt in ("csv", "jsonl"):
        response = client_for(anna).get(reverse(f"listening:export-{fmt}", args=[acme.slug]))
        data = b"".join(response.streaming_content)
        # `koers import` (streaming reader) into another workspace: every network kept.
        mapping = {"id": "remote_id", "created_at": "published_at"}
        posts = [post for _ref, post in read_posts(io.BytesIO(data), fmt, mapping)]
        assert {(p.text, p.network) for p in posts} == before
        Topic.objects.get_or_create(workspace=bolt, name="Duinwijk", kind="brand", query="duinwijk")
        Pipeline(bolt).ingest(posts)
        assert {(m.text, m.network) for m in Mention.objects.filter(workspace=bolt)} == before
        if fmt == "jsonl":
            assert {json.loads(line)["network"] for line in data.splitlines()} >= {"tiktok", "x"}

    # The file reader of koers.networks.files (whole-file import) reads the CSV alike.
    data = b"".join(
        client_for(anna).get(reverse("listening:export-csv", args=[acme.slug])).streaming_content
    )
    table = read_table(data, "koers-mentions-acme.csv")
    columns = {name: name for name in ("text", "author", "network")}
    columns |= {"date": "published_at", "id": "remote_id"}
    result = import_rows(table, mapping_from(columns, table.columns))
    assert result.errors == ()
    assert {(p.text, p.network) for p in result.posts} == before


def test_a_jsonl_row_with_an_unknown_or_aliased_network_is_never_refused(acme, acme_topics):
    networks = ["threads.net", "Mastodon", "Hyves", "WhatsApp Business"]
    lines = [
        {"id": str(n), "text": f"acme op {name}", "created_at": "2026-11-01T10:00:00Z"}
        | {"network": name}
        for n, name in enumerate(networks, start=1)
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    posts = [post for _ref, post in read_posts(io.BytesIO(data), "jsonl", {})]
    assert [p.network for p in posts] == ["threads", "mastodon", "other", "whatsapp"]
    Pipeline(acme).ingest(posts)
    assert dict(Mention.objects.filter(workspace=acme).values_list("remote_id", "network")) == {
        "1": "threads",
        "2": "mastodon",
        "3": "other",
        "4": "whatsapp",
    }
