"""The words a person agrees to when they give each consent, and the version of those words.

A consent record stores the version it was given to (`Consent.wording_version`), so the hub can always show
what someone agreed to. When the wording changes, add a new version here and keep the old one: records point
at it. Written so that a 13-year-old can understand it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import ConsentPurpose

CURRENT_VERSION = "2026-11"


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    title: str
    wording: str
    required: bool = False


TEXTS: dict[str, dict[str, ConsentText]] = {
    CURRENT_VERSION: {
        ConsentPurpose.DATA_PROCESSING: ConsentText(
            purpose=ConsentPurpose.DATA_PROCESSING,
            version=CURRENT_VERSION,
            title=_("Keeping and using your details"),
            wording=_(
                "The music hub keeps the details on this form so it can run music sessions, keep you safe "
                "and get in touch about music. Only the people who run your sessions and the hub team can "
                "see them. We count how many young people take part (never with names) to check that music "
                "reaches everyone in the city. You can ask to see everything we hold, or ask us to delete "
                "it, at any time."
            ),
            required=True,
        ),
        ConsentPurpose.MEDIA: ConsentText(
            purpose=ConsentPurpose.MEDIA,
            version=CURRENT_VERSION,
            title=_("Photos, audio and video"),
            wording=_(
                "The hub may take photos, sound recordings and videos at sessions and concerts that show "
                "or can be heard to be you, and use them to tell people about music-making in the city. "
                "We never put your full name with them. You can say no, and you can change your mind later."
            ),
        ),
        ConsentPurpose.PUBLIC_SHARING: ConsentText(
            purpose=ConsentPurpose.PUBLIC_SHARING,
            version=CURRENT_VERSION,
            title=_("Sharing your achievements in public"),
            wording=_(
                "When you pass a grade, get an award or perform somewhere, the hub may celebrate it on its "
                "website with your first name. You can say no, and you can change your mind later."
            ),
        ),
    }
}


def consent_text(purpose: str, version: str = CURRENT_VERSION) -> ConsentText:
    """The wording for `purpose` at `version` (KeyError for an unknown one: a record must not point at nothing)."""
    return TEXTS[version][purpose]


def current_texts() -> list[ConsentText]:
    """The wording people agree to today, one per purpose, data processing first."""
    return [TEXTS[CURRENT_VERSION][purpose] for purpose in ConsentPurpose.values]
