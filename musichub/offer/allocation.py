"""Fair allocation of places on "apply" opportunities: priority rules, allocation runs, overrides, publishing.

Applicants are ranked by the points of the published priority rules (computed in the database), then by a
lottery among equals drawn from a recorded seed, so any run can be reproduced and audited.
"""

import logging
import random
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from musichub.core.models import User
from musichub.core.selectors import hub_identity
from musichub.core.services import queue_email, record_audit

from .models import AllocationEntry, AllocationRun, Enrolment, EnrolmentEvent, Opportunity, PriorityRule

logger = logging.getLogger(__name__)

Code = PriorityRule.Code
MAX_SEED = 2**63 - 1
MAX_POINTS = 20

# The standard rules: points, and what each means in plain words (shown to families).
DEFAULT_RULES = {
    Code.CARE_EXPERIENCED: (
        5,
        gettext_lazy("Young people who are or have been in care face some of the biggest barriers."),
    ),
    Code.FSM: (3, gettext_lazy("Young people who get free school meals or the Pupil Premium.")),
    Code.SEND: (3, gettext_lazy("Young people with SEN support or an education, health and care plan.")),
    Code.YOUNG_CARER: (3, gettext_lazy("Young people who look after someone in their family.")),
    Code.DEPRIVED_AREA: (
        2,
        gettext_lazy(
            "Young people who live in the 20% most deprived areas of the country (deciles 1 and 2)."
        ),
    ),
    Code.NEW_TO_THE_HUB: (2, gettext_lazy("Young people who are not yet taking part in any hub activity.")),
}

# Short labels for the reasons shown beside each position.
REASON_LABELS = {
    Code.CARE_EXPERIENCED: gettext_lazy("Care-experienced"),
    Code.FSM: gettext_lazy("Free school meals"),
    Code.SEND: gettext_lazy("SEN support or EHCP"),
    Code.YOUNG_CARER: gettext_lazy("Young carer"),
    Code.DEPRIVED_AREA: gettext_lazy("Deprived area"),
    Code.NEW_TO_THE_HUB: gettext_lazy("New to the hub"),
}


def rule_condition(code: str):
    """What each rule means, as a condition on an Enrolment row (its young person's record)."""
    if code == Code.NEW_TO_THE_HUB:
        return ~Exists(
            Enrolment.objects.filter(
                young_person=OuterRef("young_person"), status=Enrolment.Status.ENROLLED
            ).exclude(pk=OuterRef("pk"))
        )
    return {
        Code.CARE_EXPERIENCED: Q(young_person__care_experienced="yes"),
        Code.FSM: Q(young_person__fsm="yes"),
        Code.SEND: Q(young_person__send__in=["sen_support", "ehcp"]),
        Code.YOUNG_CARER: Q(young_person__young_carer="yes"),
        Code.DEPRIVED_AREA: Q(young_person__imd_decile__in=[1, 2]),
    }[code]


# ---- Selectors ----------------------------------------------------------------------------------------------


def priority_rules() -> QuerySet[PriorityRule]:
    return PriorityRule.objects.order_by("-points", "code")


def active_priority_rules() -> QuerySet[PriorityRule]:
    return priority_rules().filter(is_active=True, points__gt=0)


def applicants(opportunity: Opportunity) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(opportunity=opportunity, status=Enrolment.Status.APPLIED)


def scored_applicants(opportunity: Opportunity, rules: list[dict]) -> QuerySet[Enrolment]:
    """The applicants with each rule's points (rule_<code>) and their total (priority_points), in one query."""
    annotations = {
        f"rule_{rule['code']}": Case(
            When(rule_condition(rule["code"]), then=Value(rule["points"])),
            default=Value(0),
            output_field=IntegerField(),
        )
        for rule in rules
    }
    total = Value(0, output_field=IntegerField())
    for name in annotations:
        total = total + annotations[name]
    return applicants(opportunity).annotate(**annotations, priority_points=total).order_by("pk")


def places_held(opportunity: Opportunity) -> int:
    return Enrolment.objects.filter(opportunity=opportunity, status__in=Enrolment.HOLDS_A_PLACE).count()


def latest_run(opportunity: Opportunity) -> AllocationRun | None:
    return opportunity.allocation_runs.order_by("-created_at", "-pk").first()


def runs_for(opportunity: Opportunity) -> QuerySet[AllocationRun]:
    return (
        opportunity.allocation_runs.select_related("run_by")
        .annotate(entry_count=Count("entries"))
        .order_by("-created_at", "-pk")
    )


def entries_for_display(run: AllocationRun) -> QuerySet[AllocationEntry]:
    return run.entries.select_related("enrolment__young_person", "overridden_by").order_by("rank", "pk")


# ---- Rules --------------------------------------------------------------------------------------------------


@transaction.atomic
def default_priority_rules() -> list[PriorityRule]:
    """Create the standard rules that don't exist yet (idempotent: staff changes are kept)."""
    for code, (points, explanation) in DEFAULT_RULES.items():
        PriorityRule.objects.get_or_create(code=code, defaults={"points": points, "explanation": explanation})
    return list(priority_rules())


@transaction.atomic
def update_priority_rule(*, rule, points: int, is_active: bool, explanation: str, edited_by) -> PriorityRule:
    """Change a rule's points, whether it is in use and its explanation. Raises ValidationError "points"."""
    if not 0 <= points <= MAX_POINTS:
        raise ValidationError(_("Enter points from 0 to %(max)s") % {"max": MAX_POINTS}, code="points")
    rule.points, rule.is_active, rule.explanation = points, is_active, explanation.strip()
    rule.save()
    record_audit(
        actor=edited_by,
        action="offer.priority_rule_changed",
        obj=rule,
        detail=f"{rule.code}: {points} points, {'in use' if is_active else 'not in use'}",
    )
    return rule


# ---- Running an allocation ------------------------------------------------------------------------------------


def _rules_snapshot() -> list[dict]:
    return [
        {"code": rule.code, "label": str(rule), "points": rule.points, "explanation": rule.explanation}
        for rule in active_priority_rules()
    ]


def _check_can_allocate(opportunity: Opportunity) -> None:
    if opportunity.how_to_join != Opportunity.HowToJoin.APPLY:
        raise ValidationError(
            _("Places on this opportunity are not allocated: families ask for a place or just turn up."),
            code="not_apply",
        )
    if opportunity.status in (Opportunity.Status.CANCELLED, Opportunity.Status.FINISHED):
        raise ValidationError(
            _("This opportunity is %(status)s: its places can no longer be allocated.")
            % {"status": opportunity.get_status_display().lower()},
            code="closed",
        )


@transaction.atomic
def run_allocation(*, opportunity, run_by, seed: int | None = None) -> AllocationRun:
    """Rank the applicants and draft who gets a place. Raises ValidationError not_apply, closed,
    no_applicants or seed."""
    # Lock the opportunity so two staff can't draft from a moving list of applicants and places.
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _check_can_allocate(opportunity)
    if seed is None:
        seed = secrets.randbits(48)
    elif not 0 <= seed <= MAX_SEED:
        raise ValidationError(_("Enter a seed from 0 to %(max)s") % {"max": MAX_SEED}, code="seed")
    rules = _rules_snapshot()
    scored = list(scored_applicants(opportunity, rules))
    if not scored:
        raise ValidationError(
            _(
                "Nobody has applied yet, so there is nothing to allocate. Run the allocation after people apply."
            ),
            code="no_applicants",
        )
    if opportunity.capacity is None:
        places = len(scored)
    else:
        places = max(opportunity.capacity - places_held(opportunity), 0)

    # One draw per applicant in a stable order (by enrolment pk), so the same seed gives the same draws.
    draws = random.Random(seed)  # noqa: S311 - reproducible by design; the seed itself comes from secrets
    lottery = {enrolment.pk: draws.random() for enrolment in scored}
    ranked = sorted(scored, key=lambda e: (-e.priority_points, lottery[e.pk], e.pk))

    run = AllocationRun.objects.create(
        opportunity=opportunity, seed=seed, rules=rules, places=places, run_by=run_by
    )
    entries = []
    for rank, enrolment in enumerate(ranked, start=1):
        reasons = [
            f"{REASON_LABELS[rule['code']]} (+{rule['points']})"
            for rule in rules
            if getattr(enrolment, f"rule_{rule['code']}")
        ]
        reasons.append(_("Lottery draw %(draw).4f") % {"draw": lottery[enrolment.pk]})
        entries.append(
            AllocationEntry(
                run=run,
                enrolment=enrolment,
                points=enrolment.priority_points,
                lottery=lottery[enrolment.pk],
                rank=rank,
                reasons=reasons,
                gets_a_place=rank <= places,
            )
        )
    AllocationEntry.objects.bulk_create(entries)
    record_audit(
        actor=run_by,
        action="offer.allocation_run",
        obj=run,
        detail=f"opportunity {opportunity.pk}, seed {seed}, {len(entries)} applicants, {places} places",
    )
    logger.info("allocation run %s for opportunity %s: %s applicants", run.pk, opportunity.pk, len(entries))
    return run


def rerun_with_seed(*, opportunity, seed: int, run_by=None) -> AllocationRun:
    """Run the allocation again with a recorded seed: same applicants and rules give the same ranking."""
    return run_allocation(opportunity=opportunity, run_by=run_by, seed=seed)


def _check_draft(run: AllocationRun) -> None:
    if run.status != AllocationRun.Status.DRAFT:
        raise ValidationError(
            _("This allocation has been published and can no longer be changed."), code="published"
        )


@transaction.atomic
def override_position(*, entry, new_rank: int, reason: str, overridden_by) -> AllocationEntry:
    """Move an applicant to another position, with a reason. Raises ValidationError reason_required,
    rank or published."""
    run = AllocationRun.objects.select_for_update().get(pk=entry.run_id)
    _check_draft(run)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Enter the reason for moving this applicant: it is recorded with the allocation."),
            code="reason_required",
        )
    entries = list(run.entries.order_by("rank", "pk"))
    if not 1 <= new_rank <= len(entries):
        raise ValidationError(_("Enter a position from 1 to %(last)s") % {"last": len(entries)}, code="rank")
    moved = next(e for e in entries if e.pk == entry.pk)
    old_rank = moved.rank
    entries.remove(moved)
    entries.insert(new_rank - 1, moved)
    for rank, each in enumerate(entries, start=1):
        each.rank = rank
        each.gets_a_place = rank <= run.places
    moved.override_rank, moved.override_reason, moved.overridden_by = new_rank, reason[:300], overridden_by
    AllocationEntry.objects.bulk_update(
        entries, ["rank", "gets_a_place", "override_rank", "override_reason", "overridden_by"]
    )
    record_audit(
        actor=overridden_by,
        action="offer.allocation_override",
        obj=moved,
        detail=f"run {run.pk}: from {old_rank} to {new_rank}: {reason}",
    )
    return moved


def _family_emails(young_person) -> list[str]:
    """Where to tell a family: the guardians, else the young person's own account, else nobody."""
    if young_person.family_id is not None:
        emails = [g.email for g in young_person.family.guardians.all() if g.email]
        if emails:
            return emails
    if young_person.user is not None and young_person.user.email:
        return [young_person.user.email]
    return []


@transaction.atomic
def publish_allocation(*, run, published_by) -> AllocationRun:
    """Give the successful applicants their places and put the rest on the waiting list in ranked order,
    then tell each family. Raises ValidationError published, not_latest or places_changed."""
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    opportunity = Opportunity.objects.select_for_update().get(pk=run.opportunity_id)
    _check_draft(run)
    if latest_run(opportunity).pk != run.pk:
        raise ValidationError(
            _("A newer allocation has been run for this opportunity: publish that one instead."),
            code="not_latest",
        )
    guardians = Prefetch("enrolment__young_person__family__guardians", queryset=User.objects.order_by("pk"))
    entries = list(
        run.entries.select_related("enrolment__young_person__user", "enrolment__young_person__family")
        .prefetch_related(guardians)
        .order_by("rank", "pk")
    )
    # Only applicants still waiting for the allocation: someone may have withdrawn since the run.
    entries = [e for e in entries if e.enrolment.status == Enrolment.Status.APPLIED]
    winners = [e for e in entries if e.gets_a_place]
    if opportunity.capacity is not None and len(winners) > opportunity.capacity - places_held(opportunity):
        raise ValidationError(
            _("Places have been taken since this allocation was run. Run the allocation again."),
            code="places_changed",
        )
    now = timezone.now()
    enrolments, events = [], []
    for position, entry in enumerate(entries, start=1):
        enrolment = entry.enrolment
        enrolment.updated_at = now  # bulk_update does not touch auto_now fields
        if entry.gets_a_place:
            enrolment.status = Enrolment.Status.ENROLLED
            action = "allocated_a_place"
        else:
            enrolment.status = Enrolment.Status.WAITING
            # Later in the queue than anyone already waiting, in the order of the allocation.
            enrolment.queued_at = now + timedelta(microseconds=position)
            action = "allocated_waiting_list"
        enrolments.append(enrolment)
        events.append(
            EnrolmentEvent(
                enrolment=enrolment,
                action=action,
                by=published_by,
                note=f"Allocation run {run.pk}, position {entry.rank}",
            )
        )
    Enrolment.objects.bulk_update(enrolments, ["status", "queued_at", "updated_at"])
    EnrolmentEvent.objects.bulk_create(events)
    run.status, run.published_at = AllocationRun.Status.PUBLISHED, now
    run.save(update_fields=["status", "published_at", "updated_at"])

    hub = hub_identity()
    link = reverse("offer:detail", args=[opportunity.slug])
    waiting_position = 0
    for entry in entries:
        young_person = entry.enrolment.young_person
        if not entry.gets_a_place:
            waiting_position += 1
        context = {
            "opportunity": opportunity,
            "young_person": young_person,
            "gets_a_place": entry.gets_a_place,
            "waiting_position": waiting_position,
            "hub": hub,
            "link": link,
        }
        subject = (
            _("A place for %(name)s: %(title)s")
            if entry.gets_a_place
            else _("%(name)s is on the waiting list: %(title)s")
        ) % {"name": young_person.display_name, "title": opportunity.title}
        for email in _family_emails(young_person):
            queue_email(
                to=email,
                subject=subject,
                template="offer/allocation/email_result.txt",
                context=context,
                about=entry.enrolment,
            )
    record_audit(
        actor=published_by,
        action="offer.allocation_published",
        obj=run,
        detail=f"opportunity {opportunity.pk}: {len(winners)} places, {len(entries) - len(winners)} waiting",
    )
    logger.info("allocation run %s published", run.pk)
    return run
