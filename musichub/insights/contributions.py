"""Partner contributions: aggregate figures partners send each year for work not recorded person by person.

No personal data: a contribution is a handful of totals (young people reached, of whom on free school meals or
with special educational needs, schools, groups, sessions) for one part of the return. The rules refuse figures
that cannot be true: negative numbers, parts bigger than their whole, more young people than the named school
has on roll, more than the city has pupils, more schools than the city has. Staff review each contribution;
accepted ones are added to the annual return (returns.py) and marked as partner contributions.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.services import queue_email, record_audit
from musichub.partners.models import Partner
from musichub.people.choices import Characteristic
from musichub.people.models import PopulationFigure, School

from .filters import current_year, year_label
from .models import PartnerContribution, ReturnSection

# The parts of the return a partner's work can belong to (characteristics and workforce are not work).
CONTRIBUTION_SECTIONS = [
    ReturnSection.SCHOOLS,
    ReturnSection.WHOLE_CLASS,
    ReturnSection.ENSEMBLES,
    ReturnSection.LEARNING,
    ReturnSection.SINGING,
]
FIGURES = ["young_people", "young_people_fsm", "young_people_send", "schools", "groups", "sessions"]
FIELDS = ["year", "section", "description", "school", *FIGURES]
# How many past academic years a partner may still send figures for (this one included).
YEARS_OPEN = 3
# Contact details have no place in a form for totals.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?:\+44|\b0)\s?\d(?:[\s-]?\d){8,9}\b")


def years_open() -> list[int]:
    """The academic years a contribution may be for: this one and the two before, newest first."""
    this = current_year()
    return [this - n for n in range(YEARS_OPEN)]


# ---- What can be true ---------------------------------------------------------------------------------------


def school_roll(school: School) -> int | None:
    """Pupils on the school's roll: the latest pupil population import ("all pupils", every year group), else
    the number GIAS gives; None when neither is known. One query."""
    latest = PopulationFigure.objects.filter(school=school, characteristic=Characteristic.ALL)
    as_of = latest.aggregate(as_of=Max("as_of"))["as_of"]
    if as_of is not None:
        return latest.filter(as_of=as_of).aggregate(pupils=Sum("pupils"))["pupils"]
    return school.number_of_pupils


def city_pupils() -> int | None:
    """Pupils in the city's schools: the latest population import's "all pupils", else the open schools' rolls
    from GIAS; None when neither is known."""
    figures = PopulationFigure.objects.filter(characteristic=Characteristic.ALL)
    as_of = figures.aggregate(as_of=Max("as_of"))["as_of"]
    if as_of is not None:
        return figures.filter(as_of=as_of).aggregate(pupils=Sum("pupils"))["pupils"]
    return School.objects.filter(is_open=True).aggregate(pupils=Sum("number_of_pupils"))["pupils"]


def contribution_problems(data: dict) -> dict[str, list[str]]:
    """Every reason the figures in `data` cannot be right, by field (None: the whole contribution)."""
    problems: dict[str | None, list[str]] = {}

    def refuse(field, message):
        problems.setdefault(field, []).append(message)

    figures = {name: data.get(name) for name in FIGURES}
    for name, value in figures.items():
        if value is not None and value < 0:
            refuse(name, _("Enter 0 or more: a number of people, schools or sessions cannot be negative."))
    if problems:
        return problems
    numbers = {name: value or 0 for name, value in figures.items()}
    if not any(numbers.values()):
        refuse(
            None,
            _("Enter at least one figure: a contribution with nothing in it adds nothing to the return."),
        )
    young = numbers["young_people"]
    if numbers["young_people_fsm"] > young:
        refuse(
            "young_people_fsm",
            _("%(part)s young people on free school meals is more than the %(whole)s reached: check both.")
            % {"part": numbers["young_people_fsm"], "whole": young},
        )
    if numbers["young_people_send"] > young:
        refuse(
            "young_people_send",
            _(
                "%(part)s young people with special educational needs is more than the %(whole)s reached: check both."
            )
            % {"part": numbers["young_people_send"], "whole": young},
        )
    school = data.get("school")
    if school is not None:
        roll = school_roll(school)
        if roll is not None and young > roll:
            refuse(
                "young_people",
                _(
                    "%(school)s has %(roll)s pupils on roll, so the work there cannot have reached %(young)s. "
                    "Check the figure, or leave the school empty if young people came from other schools too."
                )
                % {"school": school.name, "roll": f"{roll:,}", "young": f"{young:,}"},
            )
        if numbers["schools"] > 1:
            refuse(
                "schools",
                _(
                    "You named one school, so the work was in 1 school, not %(n)s. Leave the school empty for more."
                )
                % {"n": numbers["schools"]},
            )
    city = city_pupils()
    if city and young > city:
        refuse(
            "young_people",
            _(
                "%(young)s young people is more than all %(city)s pupils in the city's schools. Check the figure: "
                "it should count each young person once."
            )
            % {"young": f"{young:,}", "city": f"{city:,}"},
        )
    schools_in_city = School.objects.filter(is_open=True).count()
    if schools_in_city and numbers["schools"] > schools_in_city:
        refuse(
            "schools",
            _("The city has %(n)s open schools, so the work cannot have been in %(schools)s.")
            % {"n": schools_in_city, "schools": numbers["schools"]},
        )
    description = data.get("description") or ""
    if EMAIL.search(description) or PHONE.search(description):
        refuse(
            "description",
            _(
                "Leave out email addresses and phone numbers: this form is for totals, with no personal details."
            ),
        )
    if data.get("year") is not None and data["year"] not in years_open():
        refuse("year", _("Choose one of the academic years offered."))
    if data.get("section") and data["section"] not in CONTRIBUTION_SECTIONS:
        refuse("section", _("Choose one of the parts of the return offered."))
    return problems


def _check(data: dict) -> None:
    problems = contribution_problems(data)
    if problems:
        raise ValidationError({field or "__all__": messages for field, messages in problems.items()})


# ---- Writes -------------------------------------------------------------------------------------------------


@transaction.atomic
def submit_contribution(*, partner: Partner, submitted_by, **fields) -> PartnerContribution:
    """Record a partner's figures for a year, waiting for review. Raises ValidationError (see
    contribution_problems) when they cannot be right."""
    _check(fields)
    contribution = PartnerContribution.objects.create(
        partner=partner,
        submitted_by=submitted_by,
        **{name: fields.get(name) for name in FIELDS if name in fields},
    )
    record_audit(actor=submitted_by, action="contribution.submitted", obj=contribution)
    return contribution


@transaction.atomic
def update_contribution(*, contribution: PartnerContribution, updated_by, **fields) -> PartnerContribution:
    """Change figures not yet accepted; they wait for review again. Raises ValidationError "accepted" once staff
    have accepted them, or as contribution_problems says."""
    contribution = PartnerContribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status == PartnerContribution.Status.ACCEPTED:
        raise ValidationError(
            _(
                "These figures were accepted and are in the return: ask the hub to return them if they must change."
            ),
            code="accepted",
        )
    _check(fields)
    for name in FIELDS:
        if name in fields:
            setattr(contribution, name, fields[name])
    contribution.status = PartnerContribution.Status.SUBMITTED
    contribution.save()
    record_audit(actor=updated_by, action="contribution.updated", obj=contribution)
    return contribution


@transaction.atomic
def review_contribution(
    *, contribution: PartnerContribution, reviewed_by, accept: bool, note: str = ""
) -> PartnerContribution:
    """Accept a contribution into the return, or return it to the partner with a note saying what to change.
    Raises ValidationError "note_needed" when returning without a note. The person who sent it is told by email."""
    contribution = (
        PartnerContribution.objects.select_for_update().select_related("partner").get(pk=contribution.pk)
    )
    if not accept and not note.strip():
        raise ValidationError(
            _("Say what the partner should change before returning the figures."), code="note_needed"
        )
    contribution.status = (
        PartnerContribution.Status.ACCEPTED if accept else PartnerContribution.Status.RETURNED
    )
    contribution.review_note = note.strip()
    contribution.reviewed_by = reviewed_by
    contribution.reviewed_at = timezone.now()
    contribution.save()
    record_audit(
        actor=reviewed_by,
        action=f"contribution.{contribution.status}",
        obj=contribution,
        detail=note.strip()[:300],
    )
    sender = contribution.submitted_by
    if sender is not None and sender.email:
        queue_email(
            to=sender.email,
            subject=_("Your figures for %(year)s: %(status)s")
            % {"year": year_label(contribution.year), "status": contribution.get_status_display()},
            template="insights/outputs/emails/contribution_reviewed.txt",
            context={"contribution": contribution, "year": year_label(contribution.year)},
            about=contribution,
        )
    return contribution


# ---- Reads --------------------------------------------------------------------------------------------------


def contributions_of(partner: Partner) -> QuerySet[PartnerContribution]:
    """A partner's contributions, newest year first."""
    return (
        PartnerContribution.objects.filter(partner=partner)
        .select_related("school")
        .order_by("-year", "-created_at", "-pk")
    )


REVIEW_STATUSES = [
    PartnerContribution.Status.SUBMITTED,
    PartnerContribution.Status.ACCEPTED,
    PartnerContribution.Status.RETURNED,
]


def contributions_for_review(*, status: str = "", year: int | None = None) -> QuerySet[PartnerContribution]:
    """Contributions for staff: waiting ones first (oldest first), then the rest."""
    found = PartnerContribution.objects.select_related("partner", "school")
    if status in REVIEW_STATUSES:
        found = found.filter(status=status)
    if year is not None:
        found = found.filter(year=year)
    waiting_first = Case(
        When(status=PartnerContribution.Status.SUBMITTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return found.order_by(waiting_first, "-year", "created_at", "pk")


def contribution_totals(year: int) -> dict:
    """Accepted contributions for a year, added up (one query): for the report and the return page."""
    return PartnerContribution.objects.filter(
        year=year, status=PartnerContribution.Status.ACCEPTED
    ).aggregate(
        contributions=Count("pk"),
        partners=Count("partner", distinct=True),
        **{name: Sum(name, default=0) for name in FIGURES},
    )
