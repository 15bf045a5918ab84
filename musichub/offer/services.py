"""Writes for the offer: opportunities and their sessions, venues, and the city's term dates."""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from musichub.core.models import Setting, User
from musichub.core.permissions import can
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.people.areas import area_for_postcode, coordinates_for_postcode, normalise_postcode

from .finder_keys import refresh_for
from .models import Holiday, Opportunity, Session, Term, Venue

logger = logging.getLogger(__name__)

MIN_AGE, MAX_AGE = 0, 25
# Slugs that would clash with the finder's own URLs under /opportunities/.
RESERVED_SLUGS = frozenset({"feed", "feeds", "rss", "atom", "ical", "calendar", "search", "new", "manage"})
OPPORTUNITY_MANY_TO_MANY = ("genres", "instruments", "schools")
OPPORTUNITY_FIELDS = frozenset(
    {
        "title", "summary", "description", "kind", "min_age", "max_age", "level", "setting", "venue",
        "schedule", "first_date", "last_date", "weekday", "starts_at", "ends_at", "capacity", "cost_pence",
        "cost_note", "free_for_fsm", "bursary_available", "instrument_provided", "transport_help",
        "how_to_join", "apply_by", "safeguarding_contact_name", "safeguarding_contact_email",
        *OPPORTUNITY_MANY_TO_MANY,
    }
)  # fmt: skip
VENUE_FIELDS = frozenset({"name", "address", "postcode", "access_notes", "partner", *Venue.ACCESS_FIELDS})


# ---- Slugs --------------------------------------------------------------------------------------------------


def unique_slug(model, text: str, *, max_length: int, exclude_pk=None) -> str:
    """A slug made from `text` that no other row of `model` uses: "drum-club", then "drum-club-2"..."""
    base = slugify(text)[: max_length - 4].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# ---- Opportunities: rules -----------------------------------------------------------------------------------


def opportunity_problems(fields: dict) -> dict[str, ValidationError]:
    """Check an opportunity's answers against each other; returns {field: ValidationError}, empty when fine.

    Shared by the form (to show each problem beside its field) and the services (which refuse to save).
    """
    problems: dict[str, ValidationError] = {}
    min_age, max_age = fields.get("min_age"), fields.get("max_age")
    for name, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and not MIN_AGE <= age <= MAX_AGE:
            problems[name] = ValidationError(
                _("Enter an age from %(low)s to %(high)s") % {"low": MIN_AGE, "high": MAX_AGE},
                code="age_range",
            )
    in_range = "min_age" not in problems and "max_age" not in problems and None not in (min_age, max_age)
    if in_range and max_age < min_age:
        problems["max_age"] = ValidationError(
            _("The oldest age must be the same as or higher than the youngest age"), code="ages_order"
        )
    schedule = fields.get("schedule")
    first_date, last_date = fields.get("first_date"), fields.get("last_date")
    if first_date and last_date and last_date < first_date:
        problems["last_date"] = ValidationError(
            _("The last date must be the same as or after the first date"), code="dates_order"
        )
    if schedule in (Opportunity.Schedule.WEEKLY, Opportunity.Schedule.HOLIDAY_COURSE) and not last_date:
        problems["last_date"] = ValidationError(_("Enter the last date"), code="last_date_missing")
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        problems["ends_at"] = ValidationError(
            _("The end time must be after the start time"), code="times_order"
        )
    if fields.get("how_to_join") == Opportunity.HowToJoin.APPLY and not fields.get("apply_by"):
        problems["apply_by"] = ValidationError(
            _("Enter the date by which people must apply"), code="apply_by_missing"
        )
    weekday = fields.get("weekday")
    if schedule == Opportunity.Schedule.WEEKLY and weekday is None:
        problems["weekday"] = ValidationError(
            _("Choose the day of the week the sessions are on"), code="weekday_missing"
        )
    elif weekday is not None and not 0 <= weekday <= 6:
        problems["weekday"] = ValidationError(_("Choose a day of the week"), code="weekday_invalid")
    return problems


def _check_opportunity(fields: dict) -> None:
    problems = opportunity_problems(fields)
    if problems:
        raise ValidationError(problems)


def _normalise_schedule(fields: dict) -> dict:
    fields = dict(fields)
    if fields.get("schedule") == Opportunity.Schedule.ONE_OFF:
        fields["last_date"] = fields.get("first_date")
        fields["weekday"] = None
    elif fields.get("schedule") == Opportunity.Schedule.HOLIDAY_COURSE:
        fields["weekday"] = None
    if fields.get("how_to_join") != Opportunity.HowToJoin.APPLY:
        fields["apply_by"] = None
    return fields


def _split_fields(fields: dict) -> tuple[dict, dict]:
    unknown = set(fields) - OPPORTUNITY_FIELDS
    if unknown:
        raise TypeError(f"Unknown opportunity fields: {', '.join(sorted(unknown))}")
    plain = {k: v for k, v in fields.items() if k not in OPPORTUNITY_MANY_TO_MANY}
    many = {k: v for k, v in fields.items() if k in OPPORTUNITY_MANY_TO_MANY}
    return plain, many


def _check_may_manage(user, opportunity_or_partner) -> None:
    """Partner members act for their own partner only, whichever way a service is called."""
    partner = getattr(opportunity_or_partner, "partner", opportunity_or_partner)
    if user is not None and not can(user, "offer.manage_opportunities", Opportunity(partner=partner)):
        logger.warning("user %s refused: opportunity of partner %s", user.pk, partner.pk)
        raise PermissionDenied


def _save(opportunity: Opportunity) -> Opportunity:
    try:
        with transaction.atomic():
            opportunity.save()
    except IntegrityError as error:  # a check constraint the rules above missed: say so, never a 500
        logger.error("opportunity %s refused by the database: %s", opportunity.pk, error)
        raise ValidationError(
            _("These answers do not fit together: check the dates, times and ages."), code="constraint"
        ) from error
    return opportunity


# ---- Opportunities: writes ----------------------------------------------------------------------------------


@transaction.atomic
def create_opportunity(*, partner, created_by, **fields) -> Opportunity:
    """Create a draft opportunity for `partner` and generate its sessions.

    Raises ValidationError ({field: error} with the codes of `opportunity_problems`), PermissionDenied when
    a partner member creates one for another partner.
    """
    _check_may_manage(created_by, partner)
    fields = _normalise_schedule(fields)
    _check_opportunity(fields)
    plain, many = _split_fields(fields)
    opportunity = Opportunity(
        partner=partner,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        status=Opportunity.Status.DRAFT,
        slug=unique_slug(Opportunity, plain.get("title", ""), max_length=170),
        **plain,
    )
    _save(opportunity)
    for name, values in many.items():
        getattr(opportunity, name).set(values)
    generate_sessions(opportunity=opportunity)
    record_audit(actor=created_by, action="opportunity.created", obj=opportunity)
    logger.info("opportunity %s created for partner %s", opportunity.pk, partner.pk)
    return opportunity


@transaction.atomic
def update_opportunity(*, opportunity, edited_by, **fields) -> Opportunity:
    """Change an opportunity's answers (its slug stays: links to it keep working) and refresh its sessions.

    `partner=` moves it to another partner (staff only: a member may only name their own).

    Raises ValidationError (codes of `opportunity_problems`), PermissionDenied for another partner's.
    """
    _check_may_manage(edited_by, opportunity)
    new_partner = fields.pop("partner", None)
    if new_partner is not None:
        _check_may_manage(edited_by, new_partner)  # staff move an opportunity; a member cannot give it away
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if new_partner is not None:
        opportunity.partner = new_partner
    current = {
        name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS - set(OPPORTUNITY_MANY_TO_MANY)
    }
    fields = _normalise_schedule({**current, **fields})
    _check_opportunity(fields)
    plain, many = _split_fields(fields)
    for name, value in plain.items():
        setattr(opportunity, name, value)
    _save(opportunity)
    for name, values in many.items():
        getattr(opportunity, name).set(values)
    generate_sessions(opportunity=opportunity)
    record_audit(actor=edited_by, action="opportunity.updated", obj=opportunity)
    return opportunity


@transaction.atomic
def publish_opportunity(*, opportunity, published_by) -> Opportunity:
    """Show a draft in the finder.

    Raises ValidationError: not_draft, no_future_sessions, venue_missing, schools_missing.
    """
    _check_may_manage(published_by, opportunity)
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be published: this opportunity is %(status)s.")
            % {"status": opportunity.get_status_display().lower()},
            code="not_draft",
        )
    problems = []
    if not opportunity.sessions.filter(date__gte=timezone.localdate(), is_cancelled=False).exists():
        problems.append(
            ValidationError(
                _(
                    "Add at least one session in the future: check the dates and the day of the week, "
                    "then generate the sessions again."
                ),
                code="no_future_sessions",
            )
        )
    if opportunity.setting == Setting.OUT_OF_SCHOOL and opportunity.venue_id is None:
        problems.append(ValidationError(_("Choose the venue where it happens."), code="venue_missing"))
    if opportunity.setting == Setting.IN_SCHOOL and not opportunity.schools.exists():
        problems.append(ValidationError(_("Choose the schools it runs in."), code="schools_missing"))
    if problems:
        raise ValidationError(problems)
    opportunity.status = Opportunity.Status.PUBLISHED
    opportunity.published_at = timezone.now()
    opportunity.save(update_fields=["status", "published_at", "updated_at"])
    record_audit(actor=published_by, action="opportunity.published", obj=opportunity)
    logger.info("opportunity %s published", opportunity.pk)
    return opportunity


@transaction.atomic
def cancel_opportunity(*, opportunity, cancelled_by, reason: str) -> Opportunity:
    """Cancel an opportunity and its future sessions, recording why.

    Raises ValidationError: reason_missing, already_cancelled, finished.
    """
    _check_may_manage(cancelled_by, opportunity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Enter the reason for cancelling"), code="reason_missing")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status == Opportunity.Status.CANCELLED:
        raise ValidationError(_("This opportunity is already cancelled."), code="already_cancelled")
    if opportunity.status == Opportunity.Status.FINISHED:
        raise ValidationError(_("A finished opportunity cannot be cancelled."), code="finished")
    opportunity.status = Opportunity.Status.CANCELLED
    opportunity.save(update_fields=["status", "updated_at"])
    opportunity.sessions.filter(date__gte=timezone.localdate()).update(is_cancelled=True)
    refresh_for([opportunity.pk], today=timezone.localdate())
    record_audit(actor=cancelled_by, action="opportunity.cancelled", obj=opportunity, detail=reason)
    logger.info("opportunity %s cancelled", opportunity.pk)
    return opportunity


# ---- Leaders ------------------------------------------------------------------------------------------------


def eligible_leaders(opportunity):
    """Who may lead an opportunity's sessions: active music leaders, and members of its partner."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.MUSIC_LEADER)
            | Q(role=Role.PARTNER_MEMBER, partner_membership__partner=opportunity.partner_id)
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


@transaction.atomic
def set_leaders(*, opportunity, leaders, changed_by) -> list:
    """Say who leads an opportunity's sessions (they take its registers and see its young people).

    Raises PermissionDenied for someone who may not manage it, ValidationError (code "not_a_leader") for a
    person who is neither a music leader nor a member of its partner.
    """
    _check_may_manage(changed_by, opportunity)
    leaders = list(leaders)
    allowed = set(
        eligible_leaders(opportunity).filter(pk__in=[u.pk for u in leaders]).values_list("pk", flat=True)
    )
    if any(leader.pk not in allowed for leader in leaders):
        raise ValidationError(
            _("Only music leaders, or members of the partner that runs it, can lead its sessions."),
            code="not_a_leader",
        )
    before = set(opportunity.leaders.values_list("pk", flat=True))
    opportunity.leaders.set(leaders)
    after = {leader.pk for leader in leaders}
    record_audit(
        actor=changed_by,
        action="opportunity.leaders",
        obj=opportunity,
        detail=f"added={sorted(after - before)} removed={sorted(before - after)}",
    )
    return leaders


# ---- Sessions -----------------------------------------------------------------------------------------------


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _within(day: date, ranges: list[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in ranges)


def scheduled_dates(
    opportunity: Opportunity,
    *,
    terms: list[tuple[date, date]] | None = None,
    holidays: list[tuple[date, date]] | None = None,
) -> list[date]:
    """The dates an opportunity meets on, from its schedule and (for weekly ones) the term dates."""
    first, last = opportunity.first_date, opportunity.last_date or opportunity.first_date
    if opportunity.schedule == Opportunity.Schedule.ONE_OFF:
        return [first]
    if opportunity.schedule == Opportunity.Schedule.HOLIDAY_COURSE:
        return [day for day in _days(first, last) if day.weekday() < 5]
    if opportunity.weekday is None:
        return []
    if terms is None:
        terms = list(
            Term.objects.filter(ends_on__gte=first, starts_on__lte=last).values_list("starts_on", "ends_on")
        )
    if holidays is None:
        holidays = list(
            Holiday.objects.filter(ends_on__gte=first, starts_on__lte=last).values_list(
                "starts_on", "ends_on"
            )
        )
    offset = (opportunity.weekday - first.weekday()) % 7
    dates = []
    day = first + timedelta(days=offset)
    while day <= last:
        if _within(day, terms) and not _within(day, holidays):
            dates.append(day)
        day += timedelta(days=7)
    return dates


@transaction.atomic
def generate_sessions(*, opportunity, terms=None, holidays=None) -> int:
    """Make the opportunity's sessions match its schedule; returns how many sessions it has.

    Idempotent: sessions already there are kept, missing ones are created, and sessions no longer in the
    schedule are deleted only when they are still to come (past ones may have registers).
    `terms`/`holidays` ([(first day, last day)]) let a bulk loader pass the term dates once.
    """
    today = timezone.localdate()
    wanted = set(scheduled_dates(opportunity, terms=terms, holidays=holidays))
    existing = {
        (session.date, session.starts_at): session
        for session in Session.objects.filter(opportunity=opportunity)
    }
    stale = [
        session.pk
        for (day, starts_at), session in existing.items()
        if day >= today and (day not in wanted or starts_at != opportunity.starts_at)
    ]
    Session.objects.filter(pk__in=stale).delete()
    Session.objects.filter(opportunity=opportunity, date__gte=today, starts_at=opportunity.starts_at).exclude(
        ends_at=opportunity.ends_at
    ).update(ends_at=opportunity.ends_at)
    missing = [
        Session(
            opportunity=opportunity, date=day, starts_at=opportunity.starts_at, ends_at=opportunity.ends_at
        )
        for day in sorted(wanted)
        if (day, opportunity.starts_at) not in existing
    ]
    Session.objects.bulk_create(missing, batch_size=500)
    refresh_for([opportunity.pk], today=today)
    return Session.objects.filter(opportunity=opportunity).count()


# ---- Venues -------------------------------------------------------------------------------------------------


def _venue_fields(fields: dict) -> dict:
    unknown = set(fields) - VENUE_FIELDS
    if unknown:
        raise TypeError(f"Unknown venue fields: {', '.join(sorted(unknown))}")
    fields = dict(fields)
    if "postcode" in fields:
        try:
            fields["postcode"] = normalise_postcode(fields["postcode"])
        except ValidationError as error:
            raise ValidationError({"postcode": error}) from error
        area = area_for_postcode(fields["postcode"])
        fields["postcode_district"] = area["district"]
        fields["lsoa_code"] = area["lsoa_code"] or ""
        # Where the finder measures distances from; unknown until the postcode directory has it.
        fields["latitude"], fields["longitude"] = coordinates_for_postcode(fields["postcode"]) or (None, None)
    return fields


def _check_may_manage_venue(user, venue) -> None:
    if user is not None and not can(user, "offer.manage_venues", venue):
        logger.warning("user %s refused: venue %s", user.pk, venue.pk)
        raise PermissionDenied


@transaction.atomic
def create_venue(*, created_by, **fields) -> Venue:
    """Add a venue, its postcode normalised and placed in its district and LSOA.

    Raises ValidationError ({"postcode": ...}, code "postcode_shape"); PermissionDenied when a partner
    member adds one for another partner.
    """
    fields = _venue_fields(fields)
    venue = Venue(slug=unique_slug(Venue, fields.get("name", ""), max_length=160), **fields)
    _check_may_manage_venue(created_by, venue)
    venue.save()
    record_audit(actor=created_by, action="venue.created", obj=venue)
    return venue


@transaction.atomic
def update_venue(*, venue, edited_by, **fields) -> Venue:
    """Change a venue's details. Raises ValidationError (postcode_shape), PermissionDenied."""
    _check_may_manage_venue(edited_by, venue)
    fields = _venue_fields(fields)
    fields.pop("partner", None)  # who added a venue does not change
    for name, value in fields.items():
        setattr(venue, name, value)
    venue.save()
    record_audit(actor=edited_by, action="venue.updated", obj=venue)
    return venue


# ---- Term dates ---------------------------------------------------------------------------------------------


def _check_range(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": ValidationError(
                    _("The last day must be the same as or after the first day"), code="dates_order"
                )
            }
        )


def _save_dates(model, obj, *, name, starts_on, ends_on, actor, action):
    _check_range(starts_on, ends_on)
    obj = obj or model()
    obj.name, obj.starts_on, obj.ends_on = name, starts_on, ends_on
    obj.save()
    record_audit(actor=actor, action=action, obj=obj, detail=f"{starts_on} to {ends_on}")
    return obj


@transaction.atomic
def create_term(*, name, starts_on, ends_on, created_by) -> Term:
    """Add a term. Raises ValidationError (dates_order, overlaps)."""
    if Term.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError(
            {"starts_on": ValidationError(_("These dates overlap another term"), code="overlaps")}
        )
    return _save_dates(
        Term, None, name=name, starts_on=starts_on, ends_on=ends_on, actor=created_by, action="term.created"
    )


@transaction.atomic
def update_term(*, term, name, starts_on, ends_on, edited_by) -> Term:
    """Change a term's dates. Raises ValidationError (dates_order, overlaps)."""
    if Term.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exclude(pk=term.pk).exists():
        raise ValidationError(
            {"starts_on": ValidationError(_("These dates overlap another term"), code="overlaps")}
        )
    return _save_dates(
        Term, term, name=name, starts_on=starts_on, ends_on=ends_on, actor=edited_by, action="term.updated"
    )


@transaction.atomic
def delete_term(*, term, deleted_by) -> None:
    """Remove a term. Sessions already generated stay until their opportunities are generated again."""
    record_audit(actor=deleted_by, action="term.deleted", obj=term, detail=f"{term.name}")
    term.delete()


@transaction.atomic
def create_holiday(*, name, starts_on, ends_on, created_by) -> Holiday:
    """Add a holiday or closure. Raises ValidationError (dates_order)."""
    return _save_dates(
        Holiday, None, name=name, starts_on=starts_on, ends_on=ends_on, actor=created_by,
        action="holiday.created",
    )  # fmt: skip


@transaction.atomic
def update_holiday(*, holiday, name, starts_on, ends_on, edited_by) -> Holiday:
    """Change a holiday's dates. Raises ValidationError (dates_order)."""
    return _save_dates(
        Holiday, holiday, name=name, starts_on=starts_on, ends_on=ends_on, actor=edited_by,
        action="holiday.updated",
    )  # fmt: skip


@transaction.atomic
def delete_holiday(*, holiday, deleted_by) -> None:
    """Remove a holiday or closure."""
    record_audit(actor=deleted_by, action="holiday.deleted", obj=holiday, detail=f"{holiday.name}")
    holiday.delete()
