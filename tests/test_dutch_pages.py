"""No English on a Dutch page: every page of the filled demo workspace, rendered in Dutch.

The catalogue check (``python -m koers.i18n check``) proves each msgid has a Dutch translation;
it can't see text that never goes through gettext, a msgid that is translated in one catalogue
but looked up under another context, or a string Django ships without a Dutch translation
(Django 6's "- Select an option -"). This test renders the pages and looks for the English.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pytest
from django.test import Client

from koers.i18n import po_files
from tests.test_crawl import demo, kwarg_values, url_for, workspace_routes  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=False)

# English strings from Django itself that koers' pages can show (koers/locale translates them).
DJANGO_STRINGS = [
    "- Select an option -",
    "This field is required.",
    "Enter a valid date.",
    "Enter a whole number.",
    "This password is too short.",
    "Currently",
    "Change",
    "Clear",
]

PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{[^}]*\}")


def bilingual_texts() -> list[tuple[str, list[str]]]:
    """(English, [Dutch]) of the pure modules' bilingual texts: benchmark names, the rules'
    and the technographics' messages, the KPI catalogue's names."""
    from koers.measurement.formulas import KPI_CATALOGUE
    from koers.strategy.rules.reasons import FIELD_NAMES
    from koers.strategy.rules.reasons import MESSAGES as RULE_MESSAGES
    from koers.strategy.technographics.benchmarks import BENCHMARKS
    from koers.strategy.technographics.messages import MESSAGES as LADDER_MESSAGES

    texts = [*RULE_MESSAGES.values(), *LADDER_MESSAGES.values(), *FIELD_NAMES.values()]
    texts += [b.label for b in BENCHMARKS.values()] + [b.population for b in BENCHMARKS.values()]
    texts += [k.name for k in KPI_CATALOGUE.values()]
    return [(t["en"], [t["nl"]]) for t in texts if t.get("en") and t.get("nl")]


def english_phrases() -> set[str]:
    """Literal pieces (two words or more) of every msgid whose Dutch text differs from it, and
    of the English side of the pure modules' bilingual texts."""
    phrases: set[str] = set(DJANGO_STRINGS)
    for english, dutch in bilingual_texts():
        for piece in PLACEHOLDER.split(english):
            piece = piece.strip(" .,:;()\n")
            if len(piece.split()) >= 2 and not any(piece in t for t in dutch):
                phrases.add(piece)
    for path in po_files():
        if "/nl/" not in str(path):
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            translations = [entry.msgstr, *entry.msgstr_plural.values()]
            for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
                if msgid in translations:
                    continue
                for piece in PLACEHOLDER.split(msgid):
                    piece = piece.strip(" .,:;()\n")
                    if len(piece.split()) >= 2 and not any(piece in t for t in translations):
                        phrases.add(piece)
    return phrases


class VisibleText(HTMLParser):
    """What a reader sees: text outside scripts and styles, plus placeholders, titles, labels.

    Text inside an element marked as another language (``lang="en"``: the KPI catalogue shows
    each English name next to the Dutch one on purpose) is left out."""

    ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
    HIDDEN = ("script", "style", "template")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content left out?

    def _hidden(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        foreign = bool(a.get("lang")) and not (a.get("lang") or "").startswith("nl")
        if not self._hidden() and not foreign:
            for name, value in attrs:
                if name in self.ATTRIBUTES and value:
                    self.parts.append("\n" + value + "\n")
        if tag not in self.VOID:
            self._stack.append(self._hidden() or foreign or tag in self.HIDDEN)
        self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()
        self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"[ \t\r\f\v]+", " ", "".join(self.parts))


def leaks(html: str, phrases: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    lines = [" ".join(line.split()) for line in parser.text().splitlines()]
    text = "\n".join(line for line in lines if line)
    return sorted(p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text))


def test_english_phrases_cover_koers_catalogues_and_djangos_blank_choice():
    phrases = english_phrases()
    assert "- Select an option -" in phrases
    assert "US online adults" in phrases  # a benchmark name, from a bilingual dict
    assert len(phrases) > 500


def test_the_leak_finder_sees_english_in_text_and_placeholders_but_not_in_scripts():
    html = (
        '<p>Goed, <b>answered elsewhere</b></p><input placeholder="- Select an option -">'
        "<script>var x = 'This field is required.'</script>"
        '<p>Netto sentiment <span lang="en">Net sentiment</span></p><p>de e-mail toont</p>'
    )
    phrases = {"- Select an option -", "This field is required.", "answered elsewhere"}
    phrases |= {"Net sentiment", "e-mail to"}
    assert leaks(html, phrases) == ["- Select an option -", "answered elsewhere"]


# Dates and numbers in another style than koers.formats' Dutch one: an abbreviated month
# ("4 Dec 2026", "1 jan"), an ISO date outside a form ("2026-12-04"), a decimal point ("82.0").
FOREIGN_STYLE = re.compile(
    r"\b\d{1,2} (?:Jan|Feb|Mar|Mrt|Apr|May|Mei|Jun|Jul|Aug|Sep|Oct|Okt|Nov|Dec)\b"
    r"|\b\d{1,2} (?:jan|feb|mrt|apr|jun|jul|aug|sep|okt|nov|dec)\b"
    # An ISO date is right where it shows a file format: "(bijvoorbeeld 2026-03-29 09:00,…".
    r"|(?<![\w.-])(?<!bijvoorbeeld )(?<!zoals )(?<!als )\d{4}-\d\d-\d\d(?![\w;,])"
    r"|(?<![\w.])\d+\.\d(?![\d.])"
)


def foreign_styles(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted(set(FOREIGN_STYLE.findall(parser.text())))


def test_the_style_finder_sees_abbreviated_months_iso_dates_and_decimal_points():
    html = "<p>4 Dec 2026, 1 jan, 2026-12-04 · 82.0 · 5,0 · 1.234 · 19.30 uur · 4 december"
    html += " (bijvoorbeeld 2026-03-29 09:00,Hallo)</p>"
    assert foreign_styles(html) == ["1 jan", "2026-12-04", "4 Dec", "82.0"]


def test_no_english_text_and_no_foreign_date_or_number_style_reaches_a_dutch_page(
    demo,  # noqa: F811
    anna,
):
    workspace, feed_token = demo
    values = kwarg_values(workspace, feed_token)
    phrases = english_phrases()
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(anna)
    urls = ["/", "/accounts/password/change/", "/accounts/signup/"]
    urls += [url_for(name, pattern, workspace, values) for name, pattern in workspace_routes()]
    found: list[str] = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        html = response.content.decode()
        found += [f"{url}: {phrase!r}" for phrase in leaks(html, phrases)]
        found += [f"{url}: style {text!r}" for text in foreign_styles(html)]
    assert not found, "English on Dutch pages:\n" + "\n".join(found)


# django-allauth's own pages (login, two-factor, password reset, e-mail, passkeys, sessions):
# koers' Dutch is informal ("je") and says "tweestapsverificatie" and "inloggen".
ALLAUTH_PO = (
    __import__("pathlib").Path(__import__("allauth").__file__).parent
    / "locale/nl/LC_MESSAGES/django.po"
)
FORMAL = re.compile(
    r"\b(?:[Uu]|[Uu]w|[Uu]we|alstublieft|a\.u\.b\.?|[Tt]wee-?factor\w*|[Aa]anmeld\w*|[Aa]fmeld\w*"
    r"|[Mm]eld (?:je|u) (?:\w+ )?aan|You)\b"
)


def allauth_phrases() -> set[str]:
    """Literal pieces (two words or more) of allauth's msgids: English on a Dutch page."""
    phrases: set[str] = set()
    for entry in polib.pofile(str(ALLAUTH_PO)):
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", msgid)):
                piece = " ".join(piece.strip(" .,:;()\n").split())
                if len(piece.split()) >= 2:
                    phrases.add(piece)
    return phrases


def formal_words(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted(set(FORMAL.findall(parser.text())))


def test_the_formal_finder_sees_u_uw_and_twee_factor_but_not_je():
    html = "<p>Voer alstublieft uw code in. U bent ingelogd. Twee-factor-authenticatie."
    html += " Meld je aan. Je kunt je wachtwoord wijzigen; tweestapsverificatie.</p>"
    assert formal_words(html) == ["Meld je aan", "Twee-factor", "U", "alstublieft", "uw"]


def _allauth_pages(client, user):
    """The addresses of allauth's pages a member sees, with the data each one needs (a
    generator: the authenticator app is set up after the pages that need it absent)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.urls import reverse

    names = [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "account_logout",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "usersessions_list",
        "socialaccount_connections",
    ]
    yield from (reverse(name) for name in names)
    # With an authenticator app: its deactivation and the recovery codes pages.
    TOTP.activate(user, generate_totp_secret())
    yield from (reverse("mfa_deactivate_totp"), reverse("mfa_generate_recovery_codes"))


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
]


def test_allauths_pages_in_dutch_say_je_and_tweestapsverificatie_without_english(anna):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    phrases = allauth_phrases() | english_phrases()
    found: list[str] = []
    pages: list[tuple[str, str]] = []
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    for name in ANONYMOUS_PAGES:
        response = client.get(reverse(name))
        pages.append((reverse(name), response.content.decode()))
    # Logging in with an authenticator app: the second step of the login.
    bram = get_user_model().objects.create_user(
        "bram2fa", "bram2fa@example.nl", "een-lang-wachtwoord-1"
    )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(bram, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": "bram2fa", "password": "een-lang-wachtwoord-1"}
    )
    assert response.status_code == 302 and "2fa" in response["Location"], response.status_code
    stage = client.get(response["Location"])
    pages.append((response["Location"], stage.content.decode()))

    from conftest import PASSWORD

    member = Client(HTTP_ACCEPT_LANGUAGE="nl")
    EmailAddress.objects.create(user=anna, email=anna.email, verified=True, primary=True)
    assert (
        member.post(reverse("account_login"), {"login": "anna", "password": PASSWORD}).status_code
        == 302
    )
    # Two-factor settings want a fresh confirmation of the password.
    member.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    for url in _allauth_pages(member, anna):
        response = member.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content.decode()))
    for url, html in pages:
        found += [f"{url}: {phrase!r}" for phrase in leaks(html, phrases)]
        found += [f"{url}: formal or another word {word!r}" for word in formal_words(html)]
    assert not found, "allauth pages:\n" + "\n".join(found)
    text = " ".join(html for _url, html in pages)
    assert "tweestapsverificatie" in text.lower()
