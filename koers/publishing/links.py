"""Campaign links with UTM parameters (pure: no Django).

Every link koers publishes says where the visit came from: ``utm_source`` = the network,
``utm_medium`` = social, ``utm_campaign`` = the campaign's slug. Parameters the author set
themselves are kept; ours are added only when missing.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def with_utm(url: str, *, source: str, campaign: str = "", medium: str = "social") -> str:
    if not url:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _value in query}
    wanted = [("utm_source", source), ("utm_medium", medium)]
    if campaign:
        wanted.append(("utm_campaign", campaign))
    query += [(key, value) for key, value in wanted if key not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


def compose(text: str, link: str, *, source: str, campaign: str = "") -> str:
    """The text as published on one network: the tagged link appended (or put in place)."""
    if not link:
        return text
    tagged = with_utm(link, source=source, campaign=campaign)
    if link in text:
        return text.replace(link, tagged)
    return f"{text.rstrip()}\n\n{tagged}" if text.strip() else tagged
