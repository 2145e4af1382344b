"""Run every fake network locally for a demo: ``python -m koers.networks.testing``.

Prints each server's URL and credentials, seeds a little content, and runs until Ctrl-C.
``--port-base 8100`` pins the ports (Mastodon 8100, Bluesky 8101, feed 8102, webhook
8103, pages 8104, Jetstream 8105, Meta Graph API 8106, X 8107, LinkedIn 8108, Google/YouTube
8109) so a demo
configuration can point at them (``KOERS_META_URL=http://127.0.0.1:8106`` sends every Meta call
to the fake). The fake Graph API and LinkedIn also hold Gemeente Duinwijk, the accounts of
``koers demo`` (``koers.networks.testing.duinwijk``).

``--hostile SPEC`` makes the fake Mastodon, Bluesky, Meta and X misbehave from the start, e.g.
``--hostile drop=0.05,fail=0.05,ratelimit=0.05,delay=0.02:20,ignore-idempotency,seed=7``
(see :class:`koers.networks.testing.server.FaultPlan`); each server can be switched later
with ``POST <url>/_fake/faults`` and the spec as the body.
"""

from __future__ import annotations

import argparse
import threading

from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.duinwijk import seed_linkedin, seed_meta
from koers.networks.testing.jetstream import FakeJetstream, sample_events
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.networks.testing.mastodon import FakeMastodon
from koers.networks.testing.meta_inbox import FakeMetaInbox
from koers.networks.testing.meta_listen import FakeMetaListen
from koers.networks.testing.pages import FakePages
from koers.networks.testing.rss import FakeFeed
from koers.networks.testing.server import FakeServer, FaultPlan
from koers.networks.testing.webhook import FakeWebhookReceiver
from koers.networks.testing.x import FakeX
from koers.networks.testing.youtube import FakeYouTube


class FakeGraphAll(FakeMetaListen, FakeMetaInbox):
    """One fake Graph API with the inbox and the listening routes (each falls through)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-base", type=int, default=0, help="0 = any free ports")
    parser.add_argument("--webhook-secret", default="demo-secret")
    parser.add_argument(
        "--hostile",
        type=FaultPlan.parse,
        default=None,
        metavar="SPEC",
        help="fault plan for Mastodon, Bluesky, Meta and X, e.g. drop=0.05,ignore-idempotency",
    )
    args = parser.parse_args()

    mastodon = FakeMastodon()
    bluesky = FakeBluesky()
    feed = FakeFeed()
    webhook = FakeWebhookReceiver(args.webhook_secret.encode())
    pages = FakePages()
    graph = FakeGraphAll()
    x = FakeX()
    http_servers: list[FakeServer] = [mastodon, bluesky, feed, webhook, pages]
    for offset, server in enumerate(http_servers):
        server.port = args.port_base + offset if args.port_base else 0
        server.start()
    jetstream = FakeJetstream(sample_events(20))
    jetstream.port = args.port_base + 5 if args.port_base else 0
    jetstream.start()
    graph.port = args.port_base + 6 if args.port_base else 0
    graph.start()
    http_servers.append(graph)
    x.port = args.port_base + 7 if args.port_base else 0
    x.start()
    http_servers.append(x)
    meta_page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
    graph.add_hashtag_media("zonnedal", "Zomerfeest in #Zonnedal 🎉", age_seconds=600, likes=12)
    graph.tag_account(meta_page.instagram_id, "Dank @zonnedal voor de rondleiding", username="anna")
    demo_page = seed_meta(graph)
    linkedin = FakeLinkedIn()
    linkedin.port = args.port_base + 8 if args.port_base else 0
    linkedin.start()
    http_servers.append(linkedin)
    linkedin_page = linkedin.add_organization("Gemeente Koers")
    demo_org = seed_linkedin(linkedin)
    youtube = FakeYouTube()
    youtube.port = args.port_base + 9 if args.port_base else 0
    youtube.start()
    http_servers.append(youtube)
    youtube_video = youtube.add_video("Koers in 60 seconden", "Wat koers voor je doet.")
    youtube.add_comment(youtube_video, "Waar kan ik meer lezen?")
    youtube_tokens = youtube.issue_tokens(ttl=365 * 86400)

    mastodon.add_remote_status("Lekker #koffie bij Café de Zon ☕", tags=["koffie"])
    bluesky.add_account("anna.bsky.social", display_name="Anna")
    bluesky.add_post("anna.bsky.social", "Koers zetten met je social-media strategie")
    x.add_tweet("anna", "@koers Hoe laat gaan jullie vandaag open?")
    x_tokens = x.issue_tokens(ttl=365 * 86400)
    # The LinkedIn inbox has something to show: a comment under a page post and a mention.
    linkedin_post = linkedin.add_post(linkedin_page, "Het nieuwe zwembad is open")
    linkedin.add_comment(linkedin_post, "Tot hoe laat is het zwembad open op zondag?")
    linkedin.add_mention(linkedin_page, "Mooie opening van het zwembad door @Gemeente Koers")
    if args.hostile is not None:  # after seeding: the demo content is always there
        mastodon.faults = args.hostile
        bluesky.faults = args.hostile
        graph.faults = args.hostile
        x.faults = args.hostile
        linkedin.faults = args.hostile
        youtube.faults = args.hostile
    feed.add_item("Koers gaat live", "https://voorbeeld.nl/1", "<p>Eerste bericht</p>")
    pages.add_html(
        "/artikel", title="Koers zetten", description="Een voorbeeldpagina", image="/plaatje.png"
    )

    print(f"Mastodon  {mastodon.url}  token={mastodon.token}")
    print(f"Bluesky   {bluesky.url}  handle={bluesky.handle} password={bluesky.password}")
    print(f"RSS       {feed.url}/feed.xml")
    print(f"Webhook   {webhook.url}/hook  secret={args.webhook_secret}")
    print(f"Pages     {pages.url}/artikel")
    print(
        f"Meta      {graph.url}  app id={graph.client_id} secret={graph.client_secret} "
        f"page={meta_page.name} instagram=@{meta_page.instagram_username}; koers demo: "
        f"{demo_page.name} (page {demo_page.page_id})\n"
        f"X         {x.url}  client_id={x.client_id} client_secret={x.client_secret} "
        f"access_token={x_tokens['access_token']} refresh_token={x_tokens['refresh_token']}\n"
        f"LinkedIn  {linkedin.url}  token={linkedin.token} organization={linkedin_page} "
        f"client_id={linkedin.client_id} client_secret={linkedin.client_secret}; "
        f"koers demo: organization={demo_org}\n"
        f"YouTube   {youtube.url}  client_id={youtube.client_id} "
        f"client_secret={youtube.client_secret} channel={youtube.channel_id} "
        f"access_token={youtube_tokens['access_token']} "
        f"refresh_token={youtube_tokens['refresh_token']}"
    )
    print(f"Jetstream {jetstream.url}  (replays from cursor {sample_events(1)[0]['time_us']})")
    if args.hostile is not None:
        print(f"Hostile   {args.hostile.spec()}  (POST <url>/_fake/faults changes it)")
    print("Ctrl-C stops.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in http_servers:
            server.stop()
        jetstream.stop()


if __name__ == "__main__":
    main()
