"""The social media policy of a workspace (source text 003; DOMAIN.md §9).

Eight sections, each a question the policy answers, with a template for a public body in
Dutch (informal "je") and English. The automatic checks on posts in publishing are *rules*;
this is the *policy*: what people agree on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from koers.strategy.rules.reasons import Bilingual, Reason, is_blank


@dataclass(frozen=True)
class PolicySection:
    id: str
    title: Bilingual
    question: Bilingual
    public_body: Bilingual
    """The template text for a public body (a municipality, a province, a water board)."""


def _section(
    section_id: str, title: Bilingual, question: Bilingual, template: Bilingual
) -> PolicySection:
    return PolicySection(section_id, title, question, template)


POLICY_SECTIONS: tuple[PolicySection, ...] = (
    _section(
        "who_may_post",
        {"en": "Who may post, and on which accounts", "nl": "Wie mag posten, en op welke accounts"},
        {
            "en": "Who may post on behalf of the organisation, and on which accounts?",
            "nl": "Wie mag namens de organisatie posten, en op welke accounts?",
        },
        {
            "en": "Only the web editors and the webcare team post on the organisation's accounts "
            "(Facebook, Instagram, Mastodon, Bluesky, LinkedIn). Departments send their news to "
            "the web editors. Aldermen and the mayor post on their own accounts; the web editors "
            "may share those posts. A post on behalf of the organisation is approved by a second "
            "editor before it goes out.",
            "nl": "Alleen de webredactie en het webcareteam posten op de accounts van de "
            "organisatie (Facebook, Instagram, Mastodon, Bluesky, LinkedIn). Heeft je afdeling "
            "nieuws? Stuur het naar de webredactie. Wethouders en de burgemeester posten op hun "
            "eigen accounts; de webredactie mag die berichten delen. Een bericht namens de "
            "organisatie keurt een tweede redacteur goed voordat het online gaat.",
        },
    ),
    _section(
        "accounts_and_passwords",
        {
            "en": "Ownership of accounts and passwords",
            "nl": "Eigenaar van accounts en wachtwoorden",
        },
        {
            "en": "Who owns the accounts and the passwords?",
            "nl": "Wie is eigenaar van de accounts en de wachtwoorden?",
        },
        {
            "en": "The organisation owns every account, not the employee who created it. The "
            "communication department keeps the list of accounts and their administrators. "
            "Passwords are in the password manager, never in e-mail or chat; every account has "
            "two-factor authentication and at least two administrators. When someone leaves, "
            "their access is removed on their last working day and the passwords they knew are "
            "changed.",
            "nl": "De organisatie is eigenaar van elk account, niet de medewerker die het "
            "aanmaakte. De afdeling Communicatie houdt de lijst bij van accounts en beheerders. "
            "Wachtwoorden staan in de wachtwoordkluis, nooit in mail of chat; elk account heeft "
            "tweestapsverificatie en minstens twee beheerders. Ga je weg? Dan vervalt je toegang "
            "op je laatste werkdag en veranderen we de wachtwoorden die je kende.",
        },
    ),
    _section(
        "tone_of_voice",
        {"en": "Tone of voice", "nl": "Tone of voice"},
        {"en": "How do we sound?", "nl": "Hoe klinken we?"},
        {
            "en": "Clear, friendly and human: plain language (level B1), short sentences, no "
            "jargon. We sign replies with a first name. We are factual about policy and never "
            "take sides in politics. We admit mistakes and say what we do about them.",
            "nl": "Helder, vriendelijk en menselijk: we schrijven op taalniveau B1, in korte "
            "zinnen en zonder jargon. We zeggen ‘je’; schrijft iemand zelf formeel, dan "
            "antwoorden we formeel. Onder een "
            "antwoord zet je je voornaam. Over beleid zijn we feitelijk en we kiezen nooit "
            "politiek partij. Maken we een fout, dan geven we die toe en zeggen we wat we eraan "
            "doen.",
        },
    ),
    _section(
        "response_times",
        {"en": "Response times", "nl": "Reactietijden"},
        {
            "en": "How quickly do we answer questions and complaints?",
            "nl": "Hoe snel beantwoorden we vragen en klachten?",
        },
        {
            "en": "On working days between 8:00 and 20:00 we answer questions within 4 hours and "
            "complaints within 2 hours; outside those hours on the next working morning. If an "
            "answer takes longer, we say when it will come. Reports of danger are passed on to "
            "the emergency number or the on-call officer at once.",
            "nl": "Op werkdagen tussen 8.00 en 20.00 uur beantwoorden we vragen binnen 4 uur en "
            "klachten binnen 2 uur; daarbuiten de volgende werkdag in de ochtend. Duurt een "
            "antwoord langer, laat dan weten wanneer het komt. Meldingen van gevaar zet je "
            "meteen door naar 112 of de piketdienst.",
        },
    ),
    _section(
        "crisis",
        {"en": "In a crisis", "nl": "Bij een crisis"},
        {"en": "What do we do in a crisis?", "nl": "Wat doen we bij een crisis?"},
        {
            "en": "In a crisis (a disaster, a serious incident, a storm of criticism) all "
            "scheduled posts are paused at once. The crisis communication team decides what is "
            "said; the web editors post only its approved messages and point to the official "
            "source (the website, NL-Alert, the safety region). We keep listening and answer "
            "questions with the same facts.",
            "nl": "Bij een crisis (een ramp, een ernstig incident, een storm van kritiek) zet je "
            "alle ingeplande berichten meteen stil. Het crisiscommunicatieteam bepaalt wat we "
            "zeggen; de webredactie post alleen de berichten die dat team goedkeurt en verwijst "
            "naar de officiële bron (de website, NL-Alert, de veiligheidsregio). We blijven "
            "luisteren en beantwoorden vragen met dezelfde feiten.",
        },
    ),
    _section(
        "escalation",
        {"en": "Escalation", "nl": "Escalatie"},
        {
            "en": "When and to whom do we escalate?",
            "nl": "Wanneer en naar wie escaleren we?",
        },
        {
            "en": "Escalate to the head of communication when a message threatens, mentions "
            "personal data, comes from the press or a council member, or when negative reactions "
            "suddenly increase. The head of communication informs the spokesperson and, if "
            "needed, the management. Threats are reported to the police. Write down who was "
            "informed and when.",
            "nl": "Escaleer naar het hoofd Communicatie als een bericht dreigt, persoonsgegevens "
            "noemt, van de pers of een raadslid komt, of als negatieve reacties plotseling "
            "toenemen. Het hoofd Communicatie informeert de woordvoerder en zo nodig de directie. "
            "Bedreigingen meld je bij de politie. Noteer wie je wanneer hebt ingelicht.",
        },
    ),
    _section(
        "personal_use",
        {"en": "Personal use by employees", "nl": "Privégebruik door medewerkers"},
        {
            "en": "What do we expect from employees on their own accounts?",
            "nl": "Wat verwachten we van medewerkers op hun eigen accounts?",
        },
        {
            "en": "Employees may say where they work and share the organisation's posts. On "
            "their own accounts they speak for themselves, not for the organisation. They share "
            "no confidential information, nothing about residents or colleagues, and don't "
            "answer questions about their work on their own accounts: they pass them to "
            "webcare. Doubt? Ask the communication department.",
            "nl": "Je mag vertellen waar je werkt en berichten van de organisatie delen. Op je "
            "eigen account spreek je voor jezelf, niet namens de organisatie. Je deelt geen "
            "vertrouwelijke informatie en niets over inwoners of collega's. Krijg je op je eigen "
            "account een vraag over je werk? Zet die door naar webcare. Twijfel je? Vraag het "
            "de afdeling Communicatie.",
        },
    ),
    _section(
        "never_posted",
        {"en": "What is never posted", "nl": "Wat we nooit posten"},
        {"en": "What do we never post?", "nl": "Wat posten we nooit?"},
        {
            "en": "Personal data of residents or employees; photos of people who didn't agree; "
            "information about ongoing procedures, permits or court cases before they are "
            "public; political statements; advertising for companies; jokes about disasters or "
            "victims; a hashtag we haven't researched first (Celeb Boutique used the trending "
            "#Aurora, which was about a shooting).",
            "nl": "Persoonsgegevens van inwoners of medewerkers; foto's van mensen die geen "
            "toestemming gaven; informatie over lopende procedures, vergunningen of rechtszaken "
            "voordat die openbaar is; politieke uitspraken; reclame voor bedrijven; grappen over "
            "rampen of slachtoffers; een hashtag die je niet eerst hebt onderzocht (Celeb "
            "Boutique gebruikte de trending #Aurora, die over een schietpartij ging).",
        },
    ),
)
"""The sections in the order of the document. Ids are stable; they are the model's fields."""

POLICY_FIELDS: tuple[str, ...] = tuple(s.id for s in POLICY_SECTIONS)


@dataclass(frozen=True)
class PolicyStatus:
    complete: bool
    missing: tuple[Reason, ...]


def policy_status(texts: Mapping[str, str]) -> PolicyStatus:
    """Complete when every section has text; ``missing`` names each empty section in order."""
    missing = tuple(
        Reason(
            "policy_section_empty",
            {
                "en": f"The policy doesn't answer “{s.question['en']}” yet.",
                "nl": f"Het beleid beantwoordt ‘{s.question['nl']}’ nog niet.",
            },
        )
        for s in POLICY_SECTIONS
        if is_blank(texts.get(s.id))
    )
    return PolicyStatus(not missing, missing)


def fill_from_template(texts: Mapping[str, str], lang: str) -> dict[str, str]:
    """The public-body template in ``lang`` for every *empty* section; written text is kept."""
    return {s.id: s.public_body[lang] for s in POLICY_SECTIONS if is_blank(texts.get(s.id))}
