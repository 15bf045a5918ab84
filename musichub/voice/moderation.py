"""Automatic checks on what young people write, to help moderators (they never publish or decline by themselves).

`flags_for(text)` returns what a moderator should look at: personal information (phone numbers, email
addresses, street addresses and postcodes, full names of other people), attempts to get in contact, abusive
words, and words that may mean a young person is at risk (these raise a safeguarding concern at once).

The word lists are deliberately small and written out here so anyone can read them (docs/voice.md says how
to extend them). The checks are hints: they will miss things and sometimes flag harmless text, which is why a
person checks every post before it is published.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"
FULL_NAME = "full_name"
CONTACT = "contact"
ABUSIVE = "abusive"
AT_RISK = "at_risk"

LABELS = {
    PHONE: _("A phone number"),
    EMAIL: _("An email address"),
    ADDRESS: _("An address or postcode"),
    FULL_NAME: _("Someone's full name"),
    CONTACT: _("Trying to get in contact"),
    ABUSIVE: _("Abusive words"),
    AT_RISK: _("Words that may mean someone is at risk"),
}
# Flags whose words are personal details a moderator can edit out before publishing.
PERSONAL = (PHONE, EMAIL, ADDRESS, FULL_NAME)

# 10 or more digits, with spaces, dashes, dots or brackets between them (UK numbers: 07700 900123,
# +44 20 7946 0958, (023) 8083 3000); a date or a year has fewer digits.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{8,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Place|Gardens|Terrace|Court|Grove|Hill|"
    r"Park|Square|Walk|Mews|Row)\b"
)
# Two capitalised words in a row, the first of them a first name: "Jordan Smith". Common first names only,
# and capitalised words that are places, genres or the hub's own words are never taken for a surname.
FIRST_NAMES = frozenset(
    [
        "aaliyah",
        "adam",
        "aisha",
        "alex",
        "alfie",
        "ali",
        "amelia",
        "amir",
        "amy",
        "archie",
        "ava",
        "ben",
        "charlie",
        "chloe",
        "daniel",
        "dylan",
        "ella",
        "ellie",
        "emily",
        "emma",
        "ethan",
        "evie",
        "finley",
        "freddie",
        "george",
        "grace",
        "hannah",
        "harry",
        "harvey",
        "hassan",
        "isaac",
        "isabella",
        "isla",
        "jack",
        "jacob",
        "jake",
        "james",
        "jamie",
        "jay",
        "jayden",
        "jessica",
        "joe",
        "john",
        "jordan",
        "joseph",
        "josh",
        "joshua",
        "kai",
        "katie",
        "kayden",
        "layla",
        "leo",
        "lewis",
        "liam",
        "lily",
        "logan",
        "lucy",
        "luke",
        "maddison",
        "maisie",
        "marcus",
        "maria",
        "mason",
        "matthew",
        "max",
        "mia",
        "michael",
        "mohammed",
        "molly",
        "muhammad",
        "nathan",
        "noah",
        "oliver",
        "olivia",
        "omar",
        "oscar",
        "phoebe",
        "poppy",
        "priya",
        "reuben",
        "riley",
        "ruby",
        "ryan",
        "sam",
        "samuel",
        "sarah",
        "scarlett",
        "sienna",
        "sophia",
        "sophie",
        "theo",
        "thomas",
        "toby",
        "tom",
        "tyler",
        "william",
        "zara",
        "zain",
    ]
)
NOT_SURNAMES = frozenset(
    [
        "academy",
        "band",
        "centre",
        "choir",
        "club",
        "college",
        "community",
        "crew",
        "drums",
        "festival",
        "group",
        "guitar",
        "hall",
        "hub",
        "jazz",
        "library",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "music",
        "orchestra",
        "park",
        "primary",
        "school",
        "secondary",
        "street",
        "studio",
        "the",
        "youth",
        "workshop",
    ]
)
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z'-]+)\b")
CONTACT_PHRASES = (
    "add me",
    "call me",
    "dm me",
    "message me",
    "text me",
    "ring me",
    "meet me",
    "my number",
    "my address",
    "my snap",
    "snapchat",
    "whatsapp",
    "instagram",
    "insta",
    "tiktok",
    "discord",
    "telegram",
    "facebook me",
    "follow me on",
)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{3,30}\b")
# A small starting list of swear words and insults. Staff extend it in the code (docs/voice.md).
ABUSIVE_WORDS = frozenset(
    [
        "bastard",
        "bitch",
        "bollocks",
        "bullshit",
        "cunt",
        "dick",
        "dickhead",
        "fuck",
        "fucked",
        "fucker",
        "fucking",
        "idiot",
        "loser",
        "moron",
        "nonce",
        "pathetic",
        "prick",
        "retard",
        "shit",
        "shite",
        "skank",
        "slag",
        "slut",
        "stupid",
        "twat",
        "wanker",
        "whore",
    ]
)
ABUSIVE_PHRASES = ("shut up", "hate you", "you suck", "go away", "nobody likes you")
# Words that may mean a young person is at risk: these raise a safeguarding concern at once.
AT_RISK_PHRASES = (
    "kill myself",
    "kill yourself",
    "kys",
    "hurt myself",
    "hurting myself",
    "self harm",
    "self-harm",
    "want to die",
    "end it all",
    "scared to go home",
    "afraid to go home",
    "hits me",
    "hurts me",
    "touched me",
    "touches me",
    "nobody cares about me",
    "keep it a secret",
)
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Flag:
    code: str
    found: str

    @property
    def label(self) -> str:
        return str(LABELS[self.code])

    def as_dict(self) -> dict:
        return {"code": self.code, "found": self.found[:80]}


def _phones(text: str) -> list[str]:
    return [m.group().strip() for m in _PHONE.finditer(text) if sum(ch.isdigit() for ch in m.group()) >= 10]


def _full_names(text: str) -> list[str]:
    found = []
    for match in _NAME_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if first.lower() in FIRST_NAMES and second.lower() not in NOT_SURNAMES:
            found.append(match.group())
    return found


def _phrases(lowered: str, phrases) -> list[str]:
    return [p for p in phrases if re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", lowered)]


def flags_for(*texts: str) -> list[Flag]:
    """Everything the automatic checks notice in `texts` (a post's title and text), in a stable order."""
    text = "\n".join(t for t in texts if t)
    lowered = text.lower()
    flags: list[Flag] = []
    flags += [Flag(PHONE, found) for found in _phones(text)]
    flags += [Flag(EMAIL, m.group()) for m in _EMAIL.finditer(text)]
    flags += [Flag(ADDRESS, m.group()) for m in _POSTCODE.finditer(text)]
    flags += [Flag(ADDRESS, m.group()) for m in _STREET.finditer(text)]
    flags += [Flag(FULL_NAME, found) for found in _full_names(text)]
    without_emails = _EMAIL.sub(" ", text)
    flags += [Flag(CONTACT, found) for found in _phrases(lowered, CONTACT_PHRASES)]
    flags += [Flag(CONTACT, m.group()) for m in _HANDLE.finditer(without_emails)]
    words = set(_WORD.findall(lowered))
    flags += [Flag(ABUSIVE, word) for word in sorted(words & ABUSIVE_WORDS)]
    flags += [Flag(ABUSIVE, found) for found in _phrases(lowered, ABUSIVE_PHRASES)]
    flags += [Flag(AT_RISK, found) for found in _phrases(lowered, AT_RISK_PHRASES)]
    return flags


def is_at_risk(flags) -> bool:
    return any((f.code if isinstance(f, Flag) else f["code"]) == AT_RISK for f in flags)


def is_clean(*texts: str) -> bool:
    """No automatic flag at all (quick feedback words shown to leaders must be clean)."""
    return not flags_for(*texts)
