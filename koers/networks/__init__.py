"""Network adapters behind one protocol (see ``base.py``); no Django imports anywhere here.

Write side (``Publisher``): ``mastodon.MastodonPublisher``, ``bluesky.BlueskyPublisher``,
``webhook.WebhookPublisher``. Read side (``PollingSource`` / streams): ``mastodon.MastodonSource``,
``bluesky.BlueskySearchSource``, ``jetstream.JetstreamSource``, ``rss.RssSource``, and the
file import in ``files``. Fake servers for tests and demos live in ``networks.testing``.
"""
