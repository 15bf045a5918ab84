"""Whole-class ensemble teaching and the hub's work in a school (writes and reads).

A programme is taught to a whole class in school, often without individual pupil records: the school, the
class, how many pupils, the instruments, the dates and weeks delivered and, where the school shares it, the
pupil list. The annual figures come straight from these records, in the database:

- pupils reached: the sum of the programmes' `pupils`, by school and year group, for the programmes that
  start in an academic year (1 September to 31 August);
- continuation: of the pupils on those programmes' lists, how many later enrolled in any other hub activity
  (an enrolment that is enrolled now, or that was enrolled and has since ended, created on or after the
  programme's first day).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from musichub.core.models import Setting
from musichub.core.permissions import STAFF, role_of
from musichub.core.privacy import is_small, percentage_or_none, suppress_count, suppress_series
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.people.choices import YearGroup
from musichub.people.models import PostcodeArea, School, YoungPerson
from musichub.people.selectors import young_people_visible_to

from .models import Enrolment, EnrolmentEvent, Opportunity, Session, WholeClassProgramme

# Actions in an enrolment's history that mean it held a place (see joining.py and allocation.py).
ENROLLED_ACTIONS = ("enrolled", "accepted", "allocated_a_place")
# The fields a programme's form sets (besides the many-to-many instruments and pupil list).
PROGRAMME_FIELDS = (
    "school",
    "partner",
    "opportunity",
    "year_group",
    "class_name",
    "pupils",
    "starts_on",
    "ends_on",
    "weeks_delivered",
    "next_steps",
)
# A pupil's age at the start of the school year, by year group (Reception children are 4 on 1 September).
AGE_AT_START = {"N": 3, "R": 4, **{str(n): n + 4 for n in range(1, 14)}}
NEARBY_MILES = 3


# ---- Academic years ----------------------------------------------------------------------------------------


def academic_year_of(day: date) -> int:
    """The academic year a day falls in, by the calendar year it starts (2026 for 1 Sep 2026 – 31 Aug 2027)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def academic_year_label(start_year: int) -> str:
    return f"{start_year}–{str(start_year + 1)[-2:]}"


def year_group_order():
    """An ORDER BY expression putting year groups in school order (Nursery, Reception, Year 1 … Year 13)."""
    return Case(
        *[When(year_group=value, then=Value(n)) for n, value in enumerate(YearGroup.values)],
        default=Value(99),
        output_field=IntegerField(),
    )


# ---- Who sees which programmes ---------------------------------------------------------------------------------


def programmes_visible_to(user) -> QuerySet[WholeClassProgramme]:
    """Staff see every programme; partner members their own partner's (WholeClassProgramme.is_managed_by)."""
    role = role_of(user)
    if role in STAFF:
        return WholeClassProgramme.objects.all()
    if role == Role.PARTNER_MEMBER:
        return WholeClassProgramme.objects.filter(partner__memberships__user=user)
    return WholeClassProgramme.objects.none()


def programme_list(user, *, school: School | None = None, year: int | None = None):
    """The list page: programmes `user` may manage, newest first, with what the list shows."""
    programmes = programmes_visible_to(user)
    if school is not None:
        programmes = programmes.filter(school=school)
    if year is not None:
        first, last = academic_year_bounds(year)
        programmes = programmes.filter(starts_on__range=(first, last))
    return (
        programmes.select_related("school", "partner", "opportunity")
        .prefetch_related("instruments")
        .annotate(listed=Count("pupil_list", distinct=True))
        .order_by("-starts_on", "school__name", "class_name", "pk")
    )


def pupils_to_choose_from(user, *, school: School | None, year_group: str = "") -> QuerySet[YoungPerson]:
    """Young people the pupil list may name: at the programme's school (and year group), within what `user`
    may see (people.selectors.young_people_visible_to)."""
    if school is None:
        return YoungPerson.objects.none()
    people = young_people_visible_to(user).filter(school=school, anonymised_at__isnull=True)
    if year_group:
        people = people.filter(year_group=year_group)
    return people.order_by("last_name", "first_name", "pk")


# ---- Writes ----------------------------------------------------------------------------------------------------


def _check(fields: dict, pupil_list) -> None:
    if fields["ends_on"] < fields["starts_on"]:
        raise ValidationError(_("The programme must end on or after the day it starts."), code="dates")
    if pupil_list is not None and len(pupil_list) > fields["pupils"]:
        raise ValidationError(
            _(
                "The pupil list names %(listed)s pupils but the class has %(pupils)s: correct one or the other."
            )
            % {"listed": len(pupil_list), "pupils": fields["pupils"]},
            code="list_too_long",
        )
    wrong_school = [p for p in pupil_list or () if p.school_id != fields["school"].pk]
    if wrong_school:
        raise ValidationError(
            _("Everyone on the pupil list must be at %(school)s.") % {"school": fields["school"].name},
            code="wrong_school",
        )


@transaction.atomic
def record_programme(*, recorded_by, instruments, pupil_list=None, **fields) -> WholeClassProgramme:
    """Record a whole-class programme. Raises ValidationError "dates", "list_too_long" or "wrong_school"."""
    _check(fields, pupil_list)
    programme = WholeClassProgramme.objects.create(**{k: fields[k] for k in PROGRAMME_FIELDS if k in fields})
    programme.instruments.set(instruments)
    if pupil_list:
        programme.pupil_list.set(pupil_list)
    record_audit(actor=recorded_by, action="whole_class.created", obj=programme)
    return programme


@transaction.atomic
def update_programme(
    *, programme: WholeClassProgramme, updated_by, instruments, **fields
) -> WholeClassProgramme:
    """Change a programme (its pupil list is set with set_pupil_list). Raises ValidationError "dates",
    "list_too_long" (fewer pupils than listed) or "wrong_school" (another school while pupils are listed)."""
    _check(fields, None)
    listed = programme.pupil_list.count()
    if listed and fields["school"].pk != programme.school_id:
        raise ValidationError(
            _("Pupils from %(school)s are on the list: empty the pupil list before changing the school.")
            % {"school": programme.school.name},
            code="wrong_school",
        )
    if listed > fields["pupils"]:
        raise ValidationError(
            _(
                "The pupil list names %(listed)s pupils but the class has %(pupils)s: correct one or the other."
            )
            % {"listed": listed, "pupils": fields["pupils"]},
            code="list_too_long",
        )
    for name in PROGRAMME_FIELDS:
        if name in fields:
            setattr(programme, name, fields[name])
    programme.save()
    programme.instruments.set(instruments)
    record_audit(actor=updated_by, action="whole_class.updated", obj=programme)
    return programme


@transaction.atomic
def set_pupil_list(*, programme: WholeClassProgramme, pupils, chosen_from, updated_by) -> int:
    """Set who of `chosen_from` (the pupils the editor could choose from) is on the list; pupils on it that
    the editor cannot see stay. Returns the size of the list. Raises ValidationError "list_too_long" or
    "wrong_school"."""
    chosen = {p.pk for p in pupils}
    offered = set(chosen_from.values_list("pk", flat=True))
    if chosen - offered:
        raise ValidationError(_("Choose pupils from the list shown."), code="wrong_school")
    kept = set(programme.pupil_list.exclude(pk__in=offered).values_list("pk", flat=True))
    new = kept | chosen
    if len(new) > programme.pupils:
        raise ValidationError(
            _(
                "The pupil list names %(listed)s pupils but the class has %(pupils)s: correct one or the other."
            )
            % {"listed": len(new), "pupils": programme.pupils},
            code="list_too_long",
        )
    programme.pupil_list.set(sorted(new))
    record_audit(
        actor=updated_by, action="whole_class.pupil_list_set", obj=programme, detail=f"{len(new)} pupils"
    )
    return len(new)


# ---- The annual figures ----------------------------------------------------------------------------------------


def _listed_pupils(programmes: QuerySet[WholeClassProgramme]):
    """Rows of (programme, pupil) on the programmes' lists, and an EXISTS saying whether the pupil continued:
    an enrolment created on or after the programme's first day, in another activity, that is enrolled now
    or held a place once (its history says so)."""
    Listed = WholeClassProgramme.pupil_list.through
    later = (
        Enrolment.objects.filter(young_person=OuterRef("youngperson_id"))
        .alias(created_on=TruncDate("created_at"))
        .filter(created_on__gte=OuterRef("wholeclassprogramme__starts_on"))
        .filter(
            Q(status=Enrolment.Status.ENROLLED)
            | Q(Exists(EnrolmentEvent.objects.filter(enrolment=OuterRef("pk"), action__in=ENROLLED_ACTIONS)))
        )
        # "Any other hub activity": not the programme's own in-school opportunity (a programme without one
        # excludes nothing; a join, not a NULL comparison, so it never excludes everything).
        .exclude(opportunity__whole_class_programme=OuterRef("wholeclassprogramme_id"))
    )
    rows = Listed.objects.filter(wholeclassprogramme__in=programmes.values("pk"))
    # The EXISTS goes straight into the aggregate's FILTER: an aggregate() over an annotation of it loses
    # the column when Django wraps the query (COUNT DISTINCT over a subquery).
    counts = {
        "listed": Count("youngperson_id", distinct=True),
        "continued": Count("youngperson_id", distinct=True, filter=Q(Exists(later))),
    }
    return rows, counts


def _rate(continued: int, listed: int) -> float | None:
    """The continuation rate, unless it would give away a small count (or its base is under 10)."""
    if is_small(continued):
        return None
    return percentage_or_none(continued, listed)


@dataclass
class Figures:
    rows: list[dict]
    programmes: int
    pupils: int
    listed: int
    continued: int

    @property
    def continuation_rate(self) -> float | None:
        return _rate(self.continued, self.listed)

    @property
    def continued_shown(self):
        return suppress_count(self.continued)

    @property
    def listed_shown(self):
        return suppress_count(self.listed)


def annual_figures(programmes: QuerySet[WholeClassProgramme], year: int) -> Figures:
    """Pupils reached (sum of class sizes) by school and year group, and continuation, for the programmes
    starting in academic year `year`. Three aggregate queries; counts of individual pupils (listed,
    continued) go through small-number suppression wherever they are shown."""
    first, last = academic_year_bounds(year)
    in_year = programmes.filter(starts_on__range=(first, last))
    reached = list(
        in_year.values("school_id", "school__name", "year_group")
        .annotate(programmes=Count("pk"), pupils=Sum("pupils"))
        .order_by("school__name", "school_id", year_group_order())
    )
    rows_listed, counts = _listed_pupils(in_year)
    listed = {
        (row["wholeclassprogramme__school_id"], row["wholeclassprogramme__year_group"]): row
        for row in rows_listed.values("wholeclassprogramme__school_id", "wholeclassprogramme__year_group")
        .annotate(**counts)
        .order_by()
    }
    totals = rows_listed.aggregate(**counts)
    labels = dict(YearGroup.choices)
    rows = []
    for row in reached:
        counts = listed.get((row["school_id"], row["year_group"]), {"listed": 0, "continued": 0})
        rows.append(
            {
                "school_id": row["school_id"],
                "school": row["school__name"],
                "year_group": labels.get(row["year_group"], row["year_group"]),
                "programmes": row["programmes"],
                "pupils": row["pupils"],
                "listed": counts["listed"],
                "continued": counts["continued"],
            }
        )
    # Counts of individual pupils: primary and secondary suppression down each column (its total is shown).
    listed_shown = suppress_series([r["listed"] for r in rows])
    continued_shown = suppress_series([r["continued"] for r in rows])
    for row, shown_listed, shown_continued in zip(rows, listed_shown, continued_shown, strict=True):
        row["listed_shown"], row["continued_shown"] = shown_listed, shown_continued
        hidden = shown_listed != row["listed"] or shown_continued != row["continued"]
        row["rate"] = None if hidden else _rate(row["continued"], row["listed"])
    return Figures(
        rows=rows,
        programmes=sum(r["programmes"] for r in reached),
        pupils=sum(r["pupils"] for r in reached),
        listed=totals["listed"],
        continued=totals["continued"],
    )


def years_with_programmes(programmes: QuerySet[WholeClassProgramme], *, today: date) -> list[int]:
    """Academic years (by their first calendar year) to choose from: those with a programme, and this one."""
    months = programmes.order_by().dates("starts_on", "month")
    return sorted({academic_year_of(day) for day in months} | {academic_year_of(today)}, reverse=True)


# ---- The school's page ---------------------------------------------------------------------------------------


def school_programmes(school: School, *, today: date) -> QuerySet[WholeClassProgramme]:
    """The school's programmes running now or later, then the ones this academic year (no pupil records)."""
    first, _last = academic_year_bounds(academic_year_of(today))
    return (
        WholeClassProgramme.objects.filter(school=school)
        .filter(Q(ends_on__gte=today) | Q(starts_on__gte=first))
        .select_related("partner")
        .prefetch_related("instruments")
        .order_by("-ends_on", "class_name", "pk")
    )


def school_next_steps(school: School, *, today: date) -> QuerySet[WholeClassProgramme]:
    """What the school's programmes say comes next for the pupils (the newest first)."""
    return (
        WholeClassProgramme.objects.filter(school=school)
        .exclude(next_steps="")
        .filter(ends_on__gte=academic_year_bounds(academic_year_of(today) - 1)[0])
        .order_by("-ends_on", "pk")
        .only("pk", "class_name", "year_group", "next_steps", "ends_on")
    )


def school_sessions(school: School, *, today: date) -> QuerySet[Session]:
    """Upcoming sessions of the hub's in-school opportunities at `school` (cancelled ones shown as such)."""
    return (
        Session.objects.filter(
            opportunity__schools=school,
            opportunity__setting=Setting.IN_SCHOOL,
            opportunity__status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL],
            date__gte=today,
        )
        .select_related("opportunity", "opportunity__partner")
        .order_by("date", "starts_at", "pk")
    )


def school_opportunities(school: School, *, today: date) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(
            schools=school,
            setting=Setting.IN_SCHOOL,
            status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL],
            last_date__gte=today,
        )
        .select_related("partner", "kind")
        .order_by("first_date", "title", "pk")
    )


def _ages_taught(school: School, today: date) -> tuple[int, int] | None:
    """The youngest and oldest ages (now) of the year groups the hub teaches at the school this year."""
    groups = set(
        school_programmes(school, today=today).order_by().values_list("year_group", flat=True).distinct()
    )
    ages = [AGE_AT_START[g] for g in groups if g in AGE_AT_START]
    if not ages:
        return None
    return min(ages), max(ages) + 1


def opportunities_next(school: School, *, today: date, limit: int = 6) -> list[Opportunity]:
    """Out-of-school opportunities near the school for its pupils' ages: within a few miles of the school's
    postcode when we know where it is, else in its postcode district; soonest first."""
    from .selectors import Near, filter_opportunities, open_opportunities

    found = open_opportunities(today=today).filter(setting=Setting.OUT_OF_SCHOOL)
    ages = _ages_taught(school, today)
    if ages:
        found = found.filter(min_age__lte=ages[1], max_age__gte=ages[0])
    postcode = (school.postcode or "").upper().strip()
    place = (
        PostcodeArea.objects.filter(postcode=postcode, latitude__isnull=False)
        .values_list("latitude", "longitude")
        .first()
        if postcode
        else None
    )
    if place:
        near = Near(postcode=postcode, latitude=place[0], longitude=place[1], miles=NEARBY_MILES)
        found = filter_opportunities(found, {"area": near}, today=today)
    elif " " in postcode:
        found = filter_opportunities(found, {"area": postcode.split()[0]}, today=today)
    return list(found.select_related("venue", "partner").order_by("first_date", "title", "pk")[:limit])


def school_figures(school: School, *, today: date) -> dict:
    """This academic year at the school: programmes, pupils reached, continuation (suppressed under 5)."""
    year = academic_year_of(today)
    figures = annual_figures(WholeClassProgramme.objects.filter(school=school), year)
    return {
        "year": academic_year_label(year),
        "programmes": figures.programmes,
        "pupils": figures.pupils,
        "listed": figures.listed_shown,
        "continued": figures.continued_shown,
        "rate": figures.continuation_rate,
        "has_list": figures.listed > 0,
    }
