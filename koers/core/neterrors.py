"""Network errors in the reader's language.

The adapters in ``koers.networks`` (no Django, no gettext) describe failures in fixed English
sentences, and koers stores those sentences (a channel's ``health_reason``, a source's
``last_error``, a delivery's ``error``). This module turns a stored sentence into the language
of the page that shows it: each adapter sentence has a pattern here and a translated template
with the same placeholders (host, status, the server's own reason, which stays as the server
wrote it). A sentence no pattern knows is shown as it came, so nothing is ever hidden.

Translating at display time, not at storage time, means one row reads right in Dutch and in
English, and rows stored before this module existed are translated too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

_H = r"(?P<host>[^\s()]+)"
_R = r"(?P<reason>.+)"
_S = r"(?P<status>\d{3}|None)"
_META = r"(?P<network>Facebook|Instagram|Threads|WhatsApp)"
_CODE = r"\(Meta error (?P<code>[\w/]+)\)"

#: (pattern of the English sentence, the translated template with the same named fields).
#: A lambda per entry so the gettext call runs per page, in the page's language.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (
        rf"Mastodon \({_H}\) refused the access token: {_R}\.",
        lambda: _("Mastodon (%(host)s) refused the access token: %(reason)s."),
    ),
    (
        rf"Mastodon \({_H}\) rate limit reached\.",
        lambda: _("Mastodon (%(host)s) rate limit reached."),
    ),
    (
        rf"Mastodon \({_H}\) is unavailable \(HTTP {_S}\)\.",
        lambda: _("Mastodon (%(host)s) is unavailable (HTTP %(status)s)."),
    ),
    (
        rf"Mastodon \({_H}\) forbids this: {_R}\.",
        lambda: _("Mastodon (%(host)s) forbids this: %(reason)s."),
    ),
    (
        rf"Mastodon \({_H}\) refused the request: {_R}\.",
        lambda: _("Mastodon (%(host)s) refused the request: %(reason)s."),
    ),
    (
        rf"No answer from Mastodon \({_H}\) after sending; the post may exist\.",
        lambda: _("No answer from Mastodon (%(host)s) after sending; the post may exist."),
    ),
    (rf"Could not reach Mastodon \({_H}\)\.", lambda: _("Could not reach Mastodon (%(host)s).")),
    (r"Not logged in to Bluesky\.", lambda: _("Not logged in to Bluesky.")),
    (
        rf"Bluesky refused the credentials \({_R}\)\.",
        lambda: _("Bluesky refused the credentials (%(reason)s)."),
    ),
    (
        rf"Bluesky rate limit reached \({_R}\)\.",
        lambda: _("Bluesky rate limit reached (%(reason)s)."),
    ),
    (
        r"No answer from Bluesky after sending; the post may exist\.",
        lambda: _("No answer from Bluesky after sending; the post may exist."),
    ),
    (r"Could not reach Bluesky\.", lambda: _("Could not reach Bluesky.")),
    (rf"Bluesky is unavailable \({_R}\)\.", lambda: _("Bluesky is unavailable (%(reason)s).")),
    (
        rf"Bluesky refused the request \({_R}\)\.",
        lambda: _("Bluesky refused the request (%(reason)s)."),
    ),
    (
        rf"The feed at {_H} is larger than (?P<size>\d+) bytes\.",
        lambda: _("The feed at %(host)s is larger than %(size)s bytes."),
    ),
    (
        rf"The feed at {_H} did not answer in time\.",
        lambda: _("The feed at %(host)s did not answer in time."),
    ),
    (
        rf"Could not fetch the feed at {_H} \((?P<kind>\w+)\)\.",
        lambda: _("Could not fetch the feed at %(host)s (%(kind)s)."),
    ),
    (
        rf"The document at {_H} is not a readable RSS or Atom feed\.",
        lambda: _("The document at %(host)s is not a readable RSS or Atom feed."),
    ),
    (
        rf"The feed at {_H} needs authorisation \({_S}\)\.",
        lambda: _("The feed at %(host)s needs authorisation (%(status)s)."),
    ),
    (
        rf"The feed at {_H} is unavailable \({_S}\)\.",
        lambda: _("The feed at %(host)s is unavailable (%(status)s)."),
    ),
    (rf"The feed at {_H} answered {_S}\.", lambda: _("The feed at %(host)s answered %(status)s.")),
    (
        rf"The webhook at {_H} refused the signature or key \({_S}: {_R}\)\.",
        lambda: _("The webhook at %(host)s refused the signature or key (%(status)s: %(reason)s)."),
    ),
    (
        rf"The webhook at {_H} is unavailable \({_S}\)\.",
        lambda: _("The webhook at %(host)s is unavailable (%(status)s)."),
    ),
    (
        rf"The webhook at {_H} refused the delivery \({_S}: {_R}\)\.",
        lambda: _("The webhook at %(host)s refused the delivery (%(status)s: %(reason)s)."),
    ),
    (
        rf"Could not reach the webhook at {_H}\.",
        lambda: _("Could not reach the webhook at %(host)s."),
    ),
    (
        rf"No answer from the webhook at {_H} after sending\.",
        lambda: _("No answer from the webhook at %(host)s after sending."),
    ),
    (
        rf"The webhook at {_H} failed \((?P<kind>\w+)\)\.",
        lambda: _("The webhook at %(host)s failed (%(kind)s)."),
    ),
    (
        rf"The address {_H} points into a private network; koers does not connect to it\.",
        lambda: _(
            "The address %(host)s points into a private network; koers does not connect to it."
        ),
    ),
    (
        rf"LinkedIn: the access token has expired; reconnect the page \({_R}\)\.",
        lambda: _("LinkedIn: the access token has expired; reconnect the page (%(reason)s)."),
    ),
    (
        rf"LinkedIn: the access was revoked on LinkedIn; reconnect the page \({_R}\)\.",
        lambda: _("LinkedIn: the access was revoked on LinkedIn; reconnect the page (%(reason)s)."),
    ),
    (
        rf"LinkedIn: the access token is not valid; reconnect the page \({_R}\)\.",
        lambda: _("LinkedIn: the access token is not valid; reconnect the page (%(reason)s)."),
    ),
    (
        r"LinkedIn refused this: the connection lacks the permission (?P<scope>\w+) "
        rf"or the member is not an administrator of the page \({_R}\)\.",
        lambda: _(
            "LinkedIn refused this: the connection lacks the permission %(scope)s "
            "or the member is not an administrator of the page (%(reason)s)."
        ),
    ),
    (r"LinkedIn rate limit reached\.", lambda: _("LinkedIn rate limit reached.")),
    (
        rf"LinkedIn is unavailable \(HTTP {_S}\)\.",
        lambda: _("LinkedIn is unavailable (HTTP %(status)s)."),
    ),
    (
        rf"LinkedIn does not accept API version (?P<version>\d+) \({_R}\)\.",
        lambda: _("LinkedIn does not accept API version %(version)s (%(reason)s)."),
    ),
    (
        rf"LinkedIn refused the request: {_R}\.",
        lambda: _("LinkedIn refused the request: %(reason)s."),
    ),
    (
        r"No answer from LinkedIn after sending; the post may exist\.",
        lambda: _("No answer from LinkedIn after sending; the post may exist."),
    ),
    (r"Could not reach LinkedIn\.", lambda: _("Could not reach LinkedIn.")),
    (
        r"LinkedIn could not process the video \(PROCESSING_FAILED\); "
        r"check its format \(MP4, H\.264\) and length\.",
        lambda: _(
            "LinkedIn could not process the video (PROCESSING_FAILED); "
            "check its format (MP4, H.264) and length."
        ),
    ),
    (
        r"LinkedIn is still processing the video; try again later\.",
        lambda: _("LinkedIn is still processing the video; try again later."),
    ),
    (
        rf"YouTube: the access token is not valid; reconnect the channel \({_R}\)\.",
        lambda: _("YouTube: the access token is not valid; reconnect the channel (%(reason)s)."),
    ),
    (
        r"YouTube: the Google Cloud project's daily quota \(10,000 units; an upload costs "
        r"1,600\) is used up; it comes back at midnight Pacific time\.",
        lambda: _(
            "YouTube: the Google Cloud project's daily quota (10,000 units; an upload costs "
            "1,600) is used up; it comes back at midnight Pacific time."
        ),
    ),
    (r"YouTube rate limit reached\.", lambda: _("YouTube rate limit reached.")),
    (
        rf"YouTube is unavailable \(HTTP {_S}\)\.",
        lambda: _("YouTube is unavailable (HTTP %(status)s)."),
    ),
    (
        r"YouTube refused this: the connection lacks a permission or the account has no "
        rf"channel \({_R}\)\.",
        lambda: _(
            "YouTube refused this: the connection lacks a permission or the account has no "
            "channel (%(reason)s)."
        ),
    ),
    (
        rf"YouTube refused the request: {_R}\.",
        lambda: _("YouTube refused the request: %(reason)s."),
    ),
    (
        rf"Google: the access to the YouTube channel was revoked or has expired \({_R}\); "
        r"reconnect the channel\.",
        lambda: _(
            "Google: the access to the YouTube channel was revoked or has expired "
            "(%(reason)s); reconnect the channel."
        ),
    ),
    (
        rf"Google refused the sign-in: {_R}\. Reconnect the channel\.",
        lambda: _("Google refused the sign-in: %(reason)s. Reconnect the channel."),
    ),
    (
        r"YouTube could not process the video \((?P<status>\w+): (?P<reason>[^)]*)\)\.",
        lambda: _("YouTube could not process the video (%(status)s: %(reason)s)."),
    ),
    (
        rf"Could not reach YouTube at {_H}\.",
        lambda: _("Could not reach YouTube at %(host)s."),
    ),
    (
        r"No answer from YouTube after sending \((?P<name>\w+)\)\.",
        lambda: _("No answer from YouTube after sending (%(name)s)."),
    ),
    (
        r"No answer from YouTube \((?P<name>\w+)\)\.",
        lambda: _("No answer from YouTube (%(name)s)."),
    ),
    (
        r"This Google account has no YouTube channel; create one on YouTube first\.",
        lambda: _("This Google account has no YouTube channel; create one on YouTube first."),
    ),
    (
        r"The YouTube access expired and koers has no refresh token; reconnect the channel\.",
        lambda: _(
            "The YouTube access expired and koers has no refresh token; reconnect the channel."
        ),
    ),
    (
        rf"LinkedIn gave no access token: {_R}\.",
        lambda: _("LinkedIn gave no access token: %(reason)s."),
    ),
    (
        r"A LinkedIn comment has at most (?P<count>\d+) characters\.",
        lambda: _("A LinkedIn comment has at most %(count)s characters."),
    ),
    (
        r"A comment can have at most (?P<count>\d+) characters\.",
        lambda: _("A comment can have at most %(count)s characters."),
    ),
    (
        r"A message can have at most (?P<count>\d+) characters\.",
        lambda: _("A message can have at most %(count)s characters."),
    ),
    (
        r"A WhatsApp message can have at most (?P<count>\d+) characters\.",
        lambda: _("A WhatsApp message can have at most %(count)s characters."),
    ),
    (r"A reply needs text\.", lambda: _("A reply needs text.")),
    (
        r"Jetstream unreachable after (?P<count>\d+) attempts\.",
        lambda: _("Jetstream unreachable after %(count)s attempts."),
    ),
    (
        rf"{_META}: the access has expired; reconnect the account {_CODE}\.",
        lambda: _(
            "%(network)s: the access has expired; reconnect the account (Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: the password changed; reconnect the account {_CODE}\.",
        lambda: _(
            "%(network)s: the password changed; reconnect the account (Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: the access was revoked; reconnect the account {_CODE}\.",
        lambda: _(
            "%(network)s: the access was revoked; reconnect the account (Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: a permission is missing; reconnect and allow it {_CODE}\.",
        lambda: _(
            "%(network)s: a permission is missing; reconnect and allow it (Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: too many requests; koers tries again later {_CODE}\.",
        lambda: _("%(network)s: too many requests; koers tries again later (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: Meta blocked this for a policy reason {_CODE}\.",
        lambda: _("%(network)s: Meta blocked this for a policy reason (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: Meta refused a value in the post {_CODE}\.",
        lambda: _("%(network)s: Meta refused a value in the post (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: Meta refused the carousel \(2 to 10 items\) {_CODE}\.",
        lambda: _("%(network)s: Meta refused the carousel (2 to 10 items) (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: Meta could not fetch the media from koers {_CODE}\.",
        lambda: _("%(network)s: Meta could not fetch the media from koers (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: the daily publishing limit is reached {_CODE}\.",
        lambda: _("%(network)s: the daily publishing limit is reached (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: Meta could not process the video {_CODE}\.",
        lambda: _("%(network)s: Meta could not process the video (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: 30 hashtags were searched in the last 7 days, Meta's limit; koers tries "
        rf"again when one frees up {_CODE}\.",
        lambda: _(
            "%(network)s: 30 hashtags were searched in the last 7 days, Meta's limit; koers "
            "tries again when one frees up (Meta error %(code)s)."
        ),
    ),
    (
        r"Instagram: 30 hashtags were searched in the last 7 days, Meta's limit; koers tries "
        r"again when one frees up\.",
        lambda: _(
            "Instagram: 30 hashtags were searched in the last 7 days, Meta's limit; koers "
            "tries again when one frees up."
        ),
    ),
    (
        r"No connected Instagram account in this workspace to read Instagram with; connect "
        r"one first\.",
        lambda: _(
            "No connected Instagram account in this workspace to read Instagram with; "
            "connect one first."
        ),
    ),
    (
        rf"{_META}: Meta is unavailable {_CODE}\.",
        lambda: _("%(network)s: Meta is unavailable (Meta error %(code)s)."),
    ),
    (
        rf"{_META}: the 24-hour window to answer this person has passed {_CODE}\.",
        lambda: _(
            "%(network)s: the 24-hour window to answer this person has passed "
            "(Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: Meta knows no object with this id, or the token may not see it {_CODE}\.",
        lambda: _(
            "%(network)s: Meta knows no object with this id, or the token may not see it "
            "(Meta error %(code)s)."
        ),
    ),
    (
        rf"{_META}: Meta refused the request {_CODE}\.",
        lambda: _("%(network)s: Meta refused the request (Meta error %(code)s)."),
    ),
    (
        r"WhatsApp: this phone number does not belong to that WhatsApp Business Account\.",
        lambda: _("WhatsApp: this phone number does not belong to that WhatsApp Business Account."),
    ),
    (
        rf"No answer from {_META} after sending; the post may exist\.",
        lambda: _("No answer from %(network)s after sending; the post may exist."),
    ),
    (
        rf"{_META} is still processing the media; koers checks again later\.",
        lambda: _("%(network)s is still processing the media; koers checks again later."),
    ),
    (
        rf"{_META} let the media expire; koers makes it again\.",
        lambda: _("%(network)s let the media expire; koers makes it again."),
    ),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _PATTERNS]
_SUFFIX = " (reconnect the account)"


def translate(message: str) -> str:
    """``message`` (an adapter's English sentence, as stored) in the active language."""
    if not message:
        return message
    suffix = ""
    if message.endswith(_SUFFIX):  # added by the source poller to auth failures
        message, suffix = message.removesuffix(_SUFFIX), " " + _("(reconnect the account)")
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(message.strip())
        if match:
            return template() % match.groupdict() + suffix
    return message + suffix
