"""Rules by age band for youth voice: who may take part on their own account, and how their name is shown.

- Under 13: only through an account their parent or guardian approved (VoiceApproval); shown under a display
  name or as "a young musician", never their real name.
- 13 to 15 and 16 to 17 (and older): on their own account; a display name by default, their first name only if
  they choose it.
- For everyone: no private messages between adults and young people (the platform has no messaging; answers
  are public, and contact attempts are flagged for moderators), and a guardian's approval never gives the
  guardian the child's posts to read.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from musichub.people.models import YoungPerson
from musichub.people.services import AGE_OF_DIGITAL_CONSENT, age_on

from .models import MusicianProfile, Post, VoiceApproval

ANONYMOUS_NAME = gettext_lazy("A young musician")


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", gettext_lazy("Under 13")
    FROM_13_TO_15 = "13_15", gettext_lazy("13 to 15")
    FROM_16 = "16_17", gettext_lazy("16 to 17")


def age_band(young_person: YoungPerson, today: date | None = None) -> AgeBand:
    age = age_on(young_person.date_of_birth, today or timezone.localdate())
    if age < AGE_OF_DIGITAL_CONSENT:
        return AgeBand.UNDER_13
    if age < 16:
        return AgeBand.FROM_13_TO_15
    return AgeBand.FROM_16


def has_voice_approval(young_person: YoungPerson) -> bool:
    return VoiceApproval.objects.filter(young_person=young_person, withdrawn_at__isnull=True).exists()


def check_may_take_part(young_person: YoungPerson | None) -> None:
    """Raise ValidationError unless this young person may post, endorse and answer polls on their own account:
    "no_record" (an account without a young person's record), "needs_guardian_approval" (under 13 without
    their guardian's approval)."""
    if young_person is None or young_person.anonymised_at is not None:
        raise ValidationError(
            _("Your account is not linked to a young person's record yet. Ask the hub team to link it."),
            code="no_record",
        )
    if age_band(young_person) == AgeBand.UNDER_13 and not has_voice_approval(young_person):
        raise ValidationError(
            _(
                "Because you are under 13, a parent or carer needs to say yes first. They can do it from "
                "their family page on this site."
            ),
            code="needs_guardian_approval",
        )


def name_choices(band: AgeBand) -> list[tuple[str, str]]:
    """How a young person in `band` may be shown on public pages (under-13s never by their real name)."""
    choices = list(Post.ShowAs.choices)
    if band == AgeBand.UNDER_13:
        choices = [c for c in choices if c[0] != Post.ShowAs.FIRST_NAME]
    return choices


def chosen_display_name(young_person: YoungPerson) -> str:
    profile = MusicianProfile.objects.filter(young_person=young_person).only("chosen_name").first()
    if profile and profile.chosen_name:
        return profile.chosen_name
    if young_person.user_id and young_person.user.display_name:
        return young_person.user.display_name
    return ""


def display_name_for(young_person: YoungPerson, show_as: str) -> str:
    """The name shown with a young person's post. Raises ValidationError "first_name_under_13"."""
    if show_as == Post.ShowAs.FIRST_NAME:
        if age_band(young_person) == AgeBand.UNDER_13:
            raise ValidationError(
                _("Under 13s are shown by a display name, not their real name."), code="first_name_under_13"
            )
        return young_person.preferred_name or young_person.first_name
    if show_as == Post.ShowAs.DISPLAY_NAME:
        return chosen_display_name(young_person) or str(ANONYMOUS_NAME)
    return str(ANONYMOUS_NAME)
