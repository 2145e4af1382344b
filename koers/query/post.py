"""The document a query is matched against, tokenised once and reused for every topic.

Contract: ``Post.from_dict({"id", "text", "lang"?, "author"?, "network"?, "links"?, "country"?})``
(or the keyword constructor) tokenises the text once; every matcher then only reads
``tokens``/``kinds`` (parallel lists, one entry per token, see :mod:`koers.query.text`),
``keys`` (the set of distinct *keys* in the post) and ``index`` (key → sorted token positions,
built on first use because only phrases and NEAR need positions). A key is:

* ``"word"``  — the token as a plain word **or** as a hashtag (``#word``),
* ``"#word"`` — the token as a hashtag only,
* ``"@name"`` — the token as a mention only.

Metadata is normalised the way the query fields are: lowercase language, network and country;
author without a leading ``@``; link hosts (from ``links`` and from URLs in the text) lowercase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from koers.query.text import HASHTAG, KIND_PREFIX, MENTION, WORD, Kind, site_host, tokenize_parallel

_URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)


_POST_PROBLEMS = {
    "missing": {"en": 'the post has no "{key}"', "nl": 'het bericht heeft geen "{key}"'},
    "not_text": {
        "en": 'the field "{key}" must be text',
        "nl": 'het veld "{key}" moet tekst zijn',
    },
    "not_url_list": {
        "en": 'the field "{key}" must be a list of URLs',
        "nl": 'het veld "{key}" moet een lijst met URL\'s zijn',
    },
}


class PostError(ValueError):
    """A post mapping that cannot be matched; ``message(lang)`` in English or Dutch."""

    def __init__(self, problem: str, key: str) -> None:
        self.problem = problem
        self.key = key
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The problem as a phrase in ``lang`` ("en" or "nl"; anything else gives English)."""
        templates = _POST_PROBLEMS[self.problem]
        return templates.get(lang, templates["en"]).format(key=self.key)


class Post:
    """One post prepared for matching; build it once and pass it to every matcher."""

    __slots__ = (
        "id",
        "text",
        "lang",
        "author",
        "network",
        "country",
        "links",
        "tokens",
        "kinds",
        "keys",
        "_index",
        "_joined",
        "_hosts",
    )

    def __init__(
        self,
        id: object,  # the field is called "id" in every post source
        text: str,
        *,
        lang: str | None = None,
        author: str | None = None,
        network: str | None = None,
        links: Iterable[str] = (),
        country: str | None = None,
    ) -> None:
        if not isinstance(text, str):
            raise TypeError(f"post text must be a string, not {type(text).__name__}")
        self.id = id
        self.text = text
        self.lang = lang.lower() if lang else None
        self.author = author.casefold().lstrip("@") if author else None
        self.network = network.lower() if network else None
        self.country = country.lower() if country else None
        self.links = tuple(links)
        self._hosts: frozenset[str] | None = None
        tokens, kinds = tokenize_parallel(text)
        self.tokens: list[str] = tokens
        self.kinds: list[Kind] = kinds
        self._index: dict[str, list[int]] | None = None
        self._joined: str | None = None
        if MENTION in kinds or HASHTAG in kinds:
            keys = {token for token, kind in zip(tokens, kinds, strict=True) if kind is not MENTION}
            keys.update(
                [
                    KIND_PREFIX[kind] + token
                    for token, kind in zip(tokens, kinds, strict=True)
                    if kind
                ]
            )
            self.keys: set[str] = keys
        else:
            # The common case, done at C speed: every token is a plain word.
            self.keys = set(tokens)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Post:
        """Build a post from a JSON-like mapping; raises PostError naming a bad or missing key."""
        if "id" not in data:
            raise PostError("missing", "id")
        text = data.get("text")
        if not isinstance(text, str):
            raise PostError("missing" if text is None else "not_text", "text")
        optional: dict[str, str | None] = {}
        for key in ("lang", "author", "network", "country"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise PostError("not_text", key)
            optional[key] = value
        links = data.get("links") or ()
        if not isinstance(links, list | tuple) or not all(isinstance(x, str) for x in links):
            raise PostError("not_url_list", "links")
        return cls(data["id"], text, links=links, **optional)

    @property
    def index(self) -> dict[str, list[int]]:
        """Key → sorted token positions (see the module docstring); built on first use."""
        if self._index is None:
            self._index = _build_index(self.tokens, self.kinds)
        return self._index

    @property
    def joined_keys(self) -> str:
        """The keys as one string ``"\0key1\0key2…\0"`` (keys never contain NUL), so that
        wildcards and the topic prefilter can search all keys in one C-level call."""
        if self._joined is None:
            self._joined = "\0" + "\0".join(self.keys) + "\0"
        return self._joined

    @property
    def hosts(self) -> frozenset[str]:
        """Host names the post links to; computed on first use (only ``site:`` needs it)."""
        if self._hosts is None:
            urls = list(self.links)
            if "://" in self.text:
                urls.extend(_URL_RE.findall(self.text))
            self._hosts = frozenset(site_host(url) for url in urls)
        return self._hosts

    def __repr__(self) -> str:
        return f"Post(id={self.id!r}, tokens={len(self.tokens)})"


def _build_index(tokens: list[str], kinds: list[Kind]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    get = index.get
    for position, token in enumerate(tokens):
        kind = kinds[position]
        if kind is not WORD:
            # A hashtag is findable both as "#tag" and as the plain word; a mention only as "@".
            key = ("#" if kind is HASHTAG else "@") + token
            found = get(key)
            if found is None:
                index[key] = [position]
            else:
                found.append(position)
            if kind is not HASHTAG:
                continue
        found = get(token)
        if found is None:
            index[token] = [position]
        else:
            found.append(position)
    return index
