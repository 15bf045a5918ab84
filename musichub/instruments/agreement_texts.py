"""The loan agreement a family accepts for a young person's loan, and the version of its words.

A loan stores the version that was accepted (`Loan.agreement_version`), so the hub can always show what someone
agreed to. When the wording changes, add a new version here and keep the old ones: loans point at them.
Written so that a 10-year-old and their parent can both understand it; it makes no promise to pay, so that a
young person of 16 or over can accept it for themself (see docs/instruments.md).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026-11"


@dataclass(frozen=True)
class AgreementText:
    version: str
    title: str
    promises: tuple


TEXTS: dict[str, AgreementText] = {
    CURRENT_VERSION: AgreementText(
        version=CURRENT_VERSION,
        title=_("Instrument loan agreement"),
        promises=(
            _("We will look after the instrument, keep it in its case when it is not being played, and keep it "
              "away from heaters, damp and strong sun."),
            _("We will not lend it to anyone else, sell it, or try to repair it ourselves."),
            _("We will tell the hub straight away if it is damaged, lost or stolen, so it can be mended or "
              "replaced. The hub insures its instruments: we will not be asked to pay for an accident."),
            _("We will bring it back by the date it is due, or when the hub asks for it, and say so if we need "
              "it for longer."),
            _("We will bring it when the hub asks to check it, at a session or at school."),
        ),
    ),
}  # fmt: skip


def agreement_text(version: str = CURRENT_VERSION) -> AgreementText:
    """The wording at `version` (KeyError for an unknown one: a loan must not point at nothing)."""
    return TEXTS[version]
