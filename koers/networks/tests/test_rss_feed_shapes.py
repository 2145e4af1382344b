"""Feeds as they are found in the wild (shapes from a public feed-parser test corpus): no ids,
relative links, declared languages, HTML and plain text constructs, and hostile bodies."""

from __future__ import annotations

import httpx
import pytest

from koers.networks.base import PermanentError
from koers.networks.rss import RssSource

FEED_URL = "https://blog.voorbeeld.nl/nieuws/feed.atom"


def serve(body: bytes, content_type: str = "application/atom+xml") -> RssSource:
    """An RssSource whose server answers ``body`` to every request."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": content_type})

    return RssSource(FEED_URL, http=httpx.Client(transport=httpx.MockTransport(answer)))


def atom(entries: str, lang: str = "nl") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
        "<title>Voorbeeld</title><id>tag:voorbeeld.nl,2025:feed</id>"
        "<updated>2025-11-01T12:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def test_a_body_naming_a_local_file_is_not_read_as_that_file(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>intern</title>'
        b"<item><title>geheim wachtwoord</title><guid>1</guid></item></channel></rss>"
    )

    with pytest.raises(PermanentError, match="not a readable RSS or Atom feed"):
        serve(str(secret).encode(), "text/plain").fetch()


def test_a_body_naming_an_address_is_not_fetched():
    fetched = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, content=b"http://127.0.0.1:9/elders.xml")

    source = RssSource(FEED_URL, http=httpx.Client(transport=httpx.MockTransport(answer)))
    with pytest.raises(PermanentError):
        source.fetch()
    assert fetched == [FEED_URL]


def test_entries_without_id_link_or_date_keep_the_same_id_on_every_poll():
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Kaal</title>'
        b"<item><title>Zonder id</title><description>Eerste tekst</description>"
        b'<enclosure url="https://cdn.voorbeeld.nl/a.mp3" length="1" type="audio/mpeg"/></item>'
        b"<item><title>Zonder id</title><description>Tweede tekst</description></item>"
        b"</channel></rss>"
    )
    source = serve(body, "application/rss+xml")

    first = [post.remote_id for post in source.fetch().posts]
    second = [post.remote_id for post in source.fetch().posts]

    assert first == second
    assert len(set(first)) == 2  # same title, different body: two entries
    assert source.fetch().posts[0].links == ("https://cdn.voorbeeld.nl/a.mp3",)


def test_relative_links_resolve_against_the_feed_address():
    body = atom(
        '<entry><id>tag:voorbeeld.nl,2025:1</id><title>Een</title><link href="/posts/1"/>'
        "<updated>2025-11-01T12:00:00Z</updated>"
        '<content type="html">&lt;p&gt;Lees &lt;a href="meer.html"&gt;meer&lt;/a&gt;&lt;/p&gt;'
        "</content></entry>"
    )

    [post] = serve(body).fetch().posts

    assert post.url == "https://blog.voorbeeld.nl/posts/1"
    assert post.links == (
        "https://blog.voorbeeld.nl/posts/1",
        "https://blog.voorbeeld.nl/nieuws/meer.html",
    )


def test_the_declared_language_of_the_feed_and_of_an_entry_is_kept():
    body = atom(
        "<entry><id>1</id><title>Новости</title><updated>2025-11-01T12:00:00Z</updated>"
        '<summary type="text">Сегодня в Москве</summary></entry>'
        '<entry xml:lang="uk"><id>2</id><title>Новини</title>'
        "<updated>2025-11-01T13:00:00Z</updated></entry>",
        lang="ru",
    )

    posts = serve(body).fetch().posts

    assert [p.lang for p in posts] == ["ru", "uk"]


def test_html_titles_lose_their_tags_and_entities_are_decoded_once():
    body = atom(
        '<entry><id>1</id><title type="html">AT&amp;amp;T &lt;b&gt;wint&lt;/b&gt; &amp;lt;3'
        "</title><updated>2025-11-01T12:00:00Z</updated></entry>"
    )

    [post] = serve(body).fetch().posts

    assert post.text == "AT&T wint <3"


def test_plain_text_that_looks_like_html_is_kept_as_written():
    body = atom(
        '<entry><id>1</id><title type="text">History of the &lt;blink&gt; tag</title>'
        '<updated>2025-11-01T12:00:00Z</updated><content type="text">&lt;br /&gt;</content>'
        "</entry>"
    )

    [post] = serve(body).fetch().posts

    assert post.text == "History of the <blink> tag\n\n<br />"


def test_block_elements_are_separated_not_glued():
    body = atom(
        "<entry><id>1</id><title>Video</title><updated>2025-11-01T12:00:00Z</updated>"
        '<content type="html">&lt;div&gt;50%&lt;/div&gt;&lt;div&gt;360 x 640&lt;/div&gt;'
        "&lt;ul&gt;&lt;li&gt;mp4&lt;/li&gt;&lt;li&gt;webm&lt;/li&gt;&lt;/ul&gt;"
        "&lt;table&gt;&lt;tr&gt;&lt;td&gt;a&lt;/td&gt;&lt;td&gt;b&lt;/td&gt;&lt;/tr&gt;"
        "&lt;/table&gt;</content></entry>"
    )

    [post] = serve(body).fetch().posts

    assert post.text == "Video\n\n50%\n360 x 640\n\nmp4\nwebm\n\na b"
