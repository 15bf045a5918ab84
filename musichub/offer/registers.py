"""Registers: a leader's sessions, the group on a register, submitting marks (idempotent, later mark wins), walk-ins.

`submit_register` is the one way marks are written, from a phone (the register page, online or sent later by
register.js), from a paper register (staff) and from the benchmark. Each submission carries an idempotency key:
a key seen before is acknowledged and changes nothing, so a register sent twice (a retry after a lost answer,
an offline phone catching up) is applied once. When two submissions disagree about a young person, the mark
made later on the phone (`marked_at`) wins, whichever arrives first; a change to an existing mark is logged in
AttendanceChange.

Every write runs a fixed number of queries whatever the size of the group (bulk upsert), under a lock on the
session row so two phones sending at the same moment are applied one after the other.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from musichub.core.models import AuditEntry, Genre
from musichub.core.permissions import STAFF, role_of
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.partners.models import PartnerMembership
from musichub.people.choices import ConsentPurpose, YearGroup
from musichub.people.models import Consent, YoungPerson
from musichub.people.selectors import young_people_visible_to
from musichub.people.services import AGE_OF_DIGITAL_CONSENT, age_on, register_young_person

from .models import (
    Attendance,
    AttendanceChange,
    Enrolment,
    Opportunity,
    Register,
    RegisterSubmission,
    Session,
    WalkInContact,
    WholeClassProgramme,
)

logger = logging.getLogger(__name__)

Mark = Attendance.Mark
MARKS = frozenset(Mark.values)
METHODS = frozenset(Register.Method.values)
MAX_HEADCOUNT = 200
MAX_REASON = 200
# Walk-in search: how much of each name must be typed, and how many matches are shown at most.
MIN_NAME_CHARS = 2
MAX_MATCHES = 10


# ---- What a submission carries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMark:
    """One young person's mark as the leader made it: `marked_at` is when they tapped it (None: now)."""

    young_person_id: int
    mark: str
    reason: str = ""
    marked_at: datetime | None = None
    walk_in: bool = False


@dataclass(frozen=True)
class RegisterNotes:
    """What the group did: free text, pieces played, and genres from the shared catalogue (ids or Genres)."""

    what_we_did: str = ""
    pieces: str = ""
    genres: Sequence = field(default_factory=tuple)


@dataclass(frozen=True)
class SubmissionResult:
    register: Register | None
    duplicate: bool = False  # the key was seen before: nothing changed
    saved: int = 0  # marks written (new or changed)
    kept: int = 0  # marks not applied because a later mark was already recorded
    changed: int = 0  # existing marks that changed (each logged in AttendanceChange)

    @property
    def message(self) -> str:
        if self.duplicate:
            return _("This register was already received: nothing more to do.")
        if self.register is not None and self.register.method == Register.Method.HEADCOUNT:
            return _("Register sent: %(n)s pupils present.") % {"n": self.register.headcount}
        if self.kept and not self.saved:
            return _("Register received: these marks were already recorded, nothing changed.")
        return ngettext(
            "Register sent: %(n)s mark saved.", "Register sent: %(n)s marks saved.", self.saved
        ) % {"n": self.saved}


# ---- Small reads shared by the pages and the service ---------------------------------------------------------


def _enrolled(opportunity_id):
    return Enrolment.objects.filter(
        young_person=OuterRef("pk"), opportunity_id=opportunity_id, status=Enrolment.Status.ENROLLED
    )


def _listed(opportunity_id):
    """On the pupil list of the whole-class programme taught in this opportunity's sessions."""
    through = WholeClassProgramme.pupil_list.through
    return through.objects.filter(
        youngperson_id=OuterRef("pk"), wholeclassprogramme__opportunity_id=opportunity_id
    )


def _with_class_flags(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Whether the session's opportunity is a whole class, and whether that class has a pupil list."""
    through = WholeClassProgramme.pupil_list.through
    return sessions.annotate(
        is_whole_class=Exists(WholeClassProgramme.objects.filter(opportunity_id=OuterRef("opportunity_id"))),
        has_pupil_list=Exists(
            through.objects.filter(wholeclassprogramme__opportunity_id=OuterRef("opportunity_id"))
        ),
    )


def takes_headcount(session: Session) -> bool:
    """A whole class without a pupil list: the register is a headcount, not names. Needs _with_class_flags."""
    if not hasattr(session, "is_whole_class"):
        session = _with_class_flags(Session.objects.filter(pk=session.pk)).get()
    return bool(session.is_whole_class and not session.has_pupil_list)


def register_of(session: Session) -> Register | None:
    try:
        return session.register
    except Register.DoesNotExist:
        return None


def session_for_register(pk: int) -> Session:
    """The session with what its register page needs (one query; two with the register's genres)."""
    return (
        _with_class_flags(Session.objects.all())
        .select_related("opportunity__partner", "opportunity__venue", "register__taken_by")
        .prefetch_related("register__genres")
        .get(pk=pk)
    )


def _check_session_open(session: Session, today: date) -> None:
    if session.is_cancelled or session.opportunity.status == Opportunity.Status.CANCELLED:
        raise ValidationError(
            _("This session was cancelled, so it has no register. Check the date."), code="cancelled"
        )
    if session.date > today:
        raise ValidationError(
            _("This session is on %(date)s: a register can be taken on the day or later, not before.")
            % {"date": date_format(session.date, "j F Y")},
            code="future",
        )


# ---- My sessions ---------------------------------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` is in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _delivered_by(user) -> Q | None:
    """Sessions a person takes registers for: staff every one (None), leaders the opportunities they lead,
    partner members their partner's (and any they lead)."""
    role = role_of(user)
    if role in STAFF:
        return None
    leads = Exists(
        Opportunity.leaders.through.objects.filter(opportunity_id=OuterRef("opportunity_id"), user=user)
    )
    if role == Role.MUSIC_LEADER:
        return Q(leads)
    if role == Role.PARTNER_MEMBER:
        member = Exists(
            PartnerMembership.objects.filter(partner_id=OuterRef("opportunity__partner_id"), user=user)
        )
        return Q(leads) | Q(member)
    return Q(pk__in=[])


def sessions_for(
    user, *, start: date, end: date, partner_id: int | None = None, opportunity_id: int | None = None
) -> QuerySet[Session]:
    """The sessions from `start` to `end` whose registers `user` takes, with their register's state: taken or
    not, how many marks and how many came, and how many are in the group. Counted by the database."""
    sessions = Session.objects.filter(date__gte=start, date__lte=end).exclude(
        opportunity__status=Opportunity.Status.DRAFT
    )
    scope = _delivered_by(user)
    if scope is not None:
        sessions = sessions.filter(scope)
    if partner_id:
        sessions = sessions.filter(opportunity__partner_id=partner_id)
    if opportunity_id:
        sessions = sessions.filter(opportunity_id=opportunity_id)

    def count(queryset):
        return Coalesce(
            Subquery(queryset.order_by().values("session_id").annotate(n=Count("pk")).values("n")[:1]), 0
        )

    marks = Attendance.objects.filter(session_id=OuterRef("pk"))
    enrolled = (
        Enrolment.objects.filter(opportunity_id=OuterRef("opportunity_id"), status=Enrolment.Status.ENROLLED)
        .order_by()
        .values("opportunity_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        sessions.select_related("opportunity__partner", "opportunity__venue", "register")
        .annotate(
            marks_count=count(marks),
            came_count=count(marks.filter(mark__in=Attendance.CAME)),
            group_size=Coalesce(Subquery(enrolled), 0),
        )
        .order_by("date", "starts_at", "opportunity__title", "pk")
    )


def opportunities_in(sessions: QuerySet[Session]) -> QuerySet[Opportunity]:
    """The opportunities those sessions belong to (for the staff filter)."""
    return (
        Opportunity.objects.filter(pk__in=sessions.values("opportunity_id"))
        .order_by("title", "pk")
        .only("pk", "title")
    )


# ---- The group on a register ---------------------------------------------------------------------------------


@dataclass
class GroupMember:
    pk: int
    name: str
    walk_in: bool = False
    mark: str = ""
    reason: str = ""
    marked_at: datetime | None = None
    media_consent: bool = True
    data_consent: bool = True
    attendance_flags: dict = field(default_factory=dict)

    @property
    def consent_notes(self) -> list[str]:
        notes = []
        if not self.data_consent:
            notes.append(_("No consent to keep their details"))
        if not self.media_consent:
            notes.append(_("No photo consent"))
        return notes


def register_group(session: Session, user) -> list[GroupMember]:
    """The young people on the session's register, as `user` may see them: enrolled on the opportunity, on
    its whole-class pupil list, or already marked at this session (walk-ins). Two queries whatever the size."""
    opportunity_id = session.opportunity_id
    # The group's ids as one UNION of small sets, so the database looks up ~40 young people by key, whatever
    # the size of the attendance table (an OR of EXISTS would test every young person the hub knows).
    in_group = (
        Enrolment.objects.filter(opportunity_id=opportunity_id, status=Enrolment.Status.ENROLLED)
        .order_by()
        .values("young_person_id")
        .union(
            WholeClassProgramme.pupil_list.through.objects.filter(
                wholeclassprogramme__opportunity_id=opportunity_id
            )
            .order_by()
            .values("youngperson_id"),
            Attendance.objects.filter(session=session).order_by().values("young_person_id"),
        )
    )

    def consent(purpose):
        return Exists(
            Consent.objects.filter(young_person=OuterRef("pk"), purpose=purpose, withdrawn_at__isnull=True)
        )

    people = (
        young_people_visible_to(user)
        .filter(pk__in=in_group)
        .annotate(
            media_consent=consent(ConsentPurpose.MEDIA),
            data_consent=consent(ConsentPurpose.DATA_PROCESSING),
            sort_name=Lower(Coalesce(NullIf("preferred_name", Value("")), "first_name")),
            sort_last=Lower("last_name"),
        )
        .order_by("sort_name", "sort_last", "pk")
        .values_list("pk", "first_name", "preferred_name", "last_name", "media_consent", "data_consent")
    )
    marks = {
        row[0]: row[1:]
        for row in Attendance.objects.filter(session=session).values_list(
            "young_person_id", "mark", "reason", "walk_in", "marked_at"
        )
    }
    group = []
    for pk, first, preferred, last, media, data in people:
        mark, reason, walk_in, marked_at = marks.get(pk, ("", "", False, None))
        group.append(
            GroupMember(
                pk=pk,
                name=f"{preferred or first} {last}".strip(),
                walk_in=walk_in,
                mark=mark,
                reason=reason,
                marked_at=marked_at,
                media_consent=media,
                data_consent=data,
            )
        )
    return group


# ---- Submitting a register -----------------------------------------------------------------------------------


def _parse_key(key) -> uuid.UUID:
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(
            _("This register has lost its submission key: reload the page and send it again."), code="bad_key"
        ) from None


def _when(value: datetime | None, now: datetime) -> datetime:
    """The time a mark was made: now if unknown, never later than now (a phone's clock may run fast)."""
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return min(value, now)


def _latest_per_person(marks: Sequence[RegisterMark], now: datetime) -> dict[int, RegisterMark]:
    """One mark per young person (the latest), each checked and with its time settled."""
    latest: dict[int, RegisterMark] = {}
    for item in marks:
        if item.mark not in MARKS:
            raise ValidationError(
                _("“%(mark)s” is not a mark: use present, late, absent or absent with reason.")
                % {"mark": str(item.mark)[:20]},
                code="unknown_mark",
            )
        try:
            person = int(item.young_person_id)
        except (TypeError, ValueError):
            raise ValidationError(_("A mark is for nobody in this group."), code="not_in_group") from None
        settled = RegisterMark(
            young_person_id=person,
            mark=item.mark,
            reason=(item.reason or "").strip()[:MAX_REASON] if item.mark == Mark.ABSENT_WITH_REASON else "",
            marked_at=_when(item.marked_at, now),
            walk_in=bool(item.walk_in),
        )
        if person not in latest or settled.marked_at >= latest[person].marked_at:
            latest[person] = settled
    return latest


def _check_group(session: Session, latest: dict[int, RegisterMark]) -> set[int]:
    """Refuse marks for anyone not in the group (unless added as a walk-in now); return who is enrolled or listed
    (the others are walk-ins). One query."""
    if not latest:
        return set()
    opportunity_id = session.opportunity_id
    here = Attendance.objects.filter(session=session, young_person=OuterRef("pk"))
    rows = (
        YoungPerson.objects.filter(pk__in=list(latest), anonymised_at__isnull=True)
        .annotate(
            enrolled=Exists(_enrolled(opportunity_id)),
            listed=Exists(_listed(opportunity_id)),
            marked_here=Exists(here),
        )
        .values_list("pk", "enrolled", "listed", "marked_here")
    )
    members, outsiders = set(), 0
    found = set()
    for pk, enrolled, listed, marked_here in rows:
        found.add(pk)
        if enrolled or listed:
            members.add(pk)
        elif not (marked_here or latest[pk].walk_in):
            outsiders += 1
    outsiders += len(set(latest) - found)
    if outsiders:
        raise ValidationError(
            ngettext(
                "%(n)s mark is for a young person who is not in this group. Reload the register to see the "
                "group as it is now, or add them as a walk-in.",
                "%(n)s marks are for young people who are not in this group. Reload the register to see the "
                "group as it is now, or add them as walk-ins.",
                outsiders,
            )
            % {"n": outsiders},
            code="not_in_group",
        )
    return members


def _check_headcount(headcount, marks) -> int:
    if marks:
        raise ValidationError(
            _("This class has no pupil list: give the number of pupils present instead of names."),
            code="headcount_only",
        )
    if headcount is None or headcount == "":
        raise ValidationError(_("Enter how many pupils were there."), code="headcount_required")
    try:
        headcount = int(headcount)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Enter the number of pupils as a whole number, like 28."), code="bad_headcount"
        ) from None
    if not 0 <= headcount <= MAX_HEADCOUNT:
        raise ValidationError(
            _("Enter a number of pupils from 0 to %(max)s.") % {"max": MAX_HEADCOUNT}, code="bad_headcount"
        )
    return headcount


def _genre_ids(genres) -> list[int]:
    ids = [g.pk if isinstance(g, Genre) else int(g) for g in genres]
    known = set(Genre.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    if set(ids) - known:
        raise ValidationError(_("Choose genres from the list."), code="unknown_genre")
    return sorted(known)


@transaction.atomic
def submit_register(
    *,
    session: Session,
    by,
    key,
    marks: Sequence[RegisterMark],
    method: str = Register.Method.PHONE,
    headcount: int | None = None,
    notes: RegisterNotes | None = None,
) -> SubmissionResult:
    """Apply one submission of a session's register: its marks, headcount and notes. Idempotent by `key`.

    - `key` (a UUID) is recorded; a key seen before returns `duplicate=True` and changes nothing.
    - `marks` (RegisterMark: young_person_id, mark, reason, marked_at, walk_in) are upserted in bulk; per young
      person the later `marked_at` wins (an older mark arriving late is kept out), and a mark that changes an
      existing different mark writes an AttendanceChange (who, when, old, new). `walk_in=True` lets a young
      person who is not enrolled join the group (stored as a walk-in).
    - `method` is "phone" or "paper"; a whole class without a pupil list takes `headcount` instead of marks
      (the register's method becomes "headcount").
    - `notes` (RegisterNotes) replace the register's notes and genres; None leaves them as they are.

    The caller checks that `by` may take this session's register. Raises ValidationError, saving nothing, with
    code "bad_key", "cancelled", "future", "unknown_mark", "not_in_group", "bad_method", "headcount_only",
    "headcount_required", "bad_headcount", "unknown_genre" or "empty".
    """
    key = _parse_key(key)
    # Lock the session so two phones sending at the same moment are applied one after the other.
    session = (
        _with_class_flags(Session.objects.select_for_update(of=("self",)))
        .select_related("opportunity")
        .get(pk=session.pk)
    )
    earlier = RegisterSubmission.objects.filter(key=key).values_list("session_id", flat=True).first()
    if earlier is not None:
        if earlier != session.pk:
            raise ValidationError(
                _("This submission key belongs to another register: reload the page and send it again."),
                code="bad_key",
            )
        return SubmissionResult(register=Register.objects.filter(session=session).first(), duplicate=True)

    now = timezone.now()
    _check_session_open(session, timezone.localdate())
    if method not in (Register.Method.PHONE, Register.Method.PAPER):
        raise ValidationError(_("A register is taken on a phone or entered from paper."), code="bad_method")
    latest = _latest_per_person(marks, now)
    if takes_headcount(session):
        headcount = _check_headcount(headcount, latest)
        method = Register.Method.HEADCOUNT
    else:
        headcount = None
        if not latest and notes is None:
            raise ValidationError(_("Mark at least one young person before sending."), code="empty")
    members = _check_group(session, latest)
    genre_ids = _genre_ids(notes.genres) if notes is not None else None

    try:
        with transaction.atomic():
            RegisterSubmission.objects.create(
                key=key, session=session, submitted_by=_user(by), marks=len(latest)
            )
    except IntegrityError:  # the same key sent twice at the same moment: the other one applied it
        return SubmissionResult(register=Register.objects.filter(session=session).first(), duplicate=True)

    saved, kept, changed = _apply_marks(session, latest, members, by)
    register = _save_register(
        session, by=by, method=method, headcount=headcount, notes=notes, genre_ids=genre_ids
    )
    record_audit(
        actor=by,
        action="register.submit",
        obj=register,
        detail=f"session={session.pk} method={method} marks={len(latest)} saved={saved} changed={changed} "
        f"kept={kept} key={key}",
    )
    return SubmissionResult(register=register, saved=saved, kept=kept, changed=changed)


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _apply_marks(
    session: Session, latest: dict[int, RegisterMark], members: set[int], by
) -> tuple[int, int, int]:
    """Upsert the marks that are later than what is stored; log changes; note walk-ins. Fixed query count."""
    if not latest:
        return 0, 0, 0
    stored = {
        row[0]: row[1:]
        for row in Attendance.objects.filter(session=session, young_person_id__in=list(latest)).values_list(
            "young_person_id", "mark", "marked_at", "walk_in"
        )
    }
    rows, changes, new_walk_ins, kept = [], [], [], 0
    for person, item in latest.items():
        old = stored.get(person)
        if old is not None and old[1] >= item.marked_at:
            kept += 1  # a later mark is already recorded: this one came late (another phone, a slow send)
            continue
        walk_in = old[2] if old is not None else person not in members
        if old is None and walk_in:
            new_walk_ins.append(person)
        if old is not None and old[0] != item.mark:
            changes.append(
                AttendanceChange(
                    session=session,
                    young_person_id=person,
                    old_mark=old[0],
                    new_mark=item.mark,
                    changed_by=_user(by),
                )
            )
        rows.append(
            Attendance(
                session=session,
                young_person_id=person,
                mark=item.mark,
                reason=item.reason,
                walk_in=walk_in,
                marked_at=item.marked_at,
                marked_by=_user(by),
            )
        )
    if rows:
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "young_person"],
            update_fields=["mark", "reason", "walk_in", "marked_at", "marked_by"],
        )
    if changes:
        AttendanceChange.objects.bulk_create(changes)
    came = [row.young_person_id for row in rows if row.mark in Attendance.CAME]
    if came:
        # Taking part keeps a record alive under the retention rule (people.privacy.records_due_for_erasure).
        YoungPerson.objects.filter(pk__in=came).filter(
            Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=session.date)
        ).update(last_activity_on=session.date)
    if new_walk_ins:
        # A walk-in's record becomes visible to the session's leaders: say who added them, in the audit log.
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=_user(by),
                action="register.walk_in",
                object_type=YoungPerson._meta.label_lower,
                object_id=str(person),
                detail=f"session={session.pk}",
            )
            for person in new_walk_ins
        )
    return len(rows), kept, len(changes)


def _save_register(session, *, by, method, headcount, notes: RegisterNotes | None, genre_ids) -> Register:
    fields = {"method": method, "taken_by": _user(by)}
    if method == Register.Method.HEADCOUNT:
        fields["headcount"] = headcount
    if notes is not None:
        fields["what_we_did"] = (notes.what_we_did or "").strip()
        fields["pieces"] = (notes.pieces or "").strip()[:300]
    # The session is locked: nobody else creates its register meanwhile.
    register = Register.objects.filter(session=session).first()
    if register is None:
        register = Register.objects.create(session=session, **fields)
    else:
        for name, value in fields.items():
            setattr(register, name, value)
        register.save()
    if genre_ids is not None:
        register.genres.set(genre_ids)
    return register


# ---- Walk-ins ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalkInMatch:
    pk: int
    name: str  # preferred (or first) name and last initial only
    year_group: str


def find_walk_ins(*, session: Session, by, first_name: str, last_name: str) -> tuple[list[WalkInMatch], bool]:
    """Young people already known to the hub whose names start with what was typed: at most MAX_MATCHES, each
    shown only by first (or preferred) name, last initial and year group. Returns (matches, more_than_shown).

    The search is written to the audit log (how many matched, never the names). Raises ValidationError
    "name_too_short" unless at least MIN_NAME_CHARS of the first and of the last name are given.
    """
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if len(first) < MIN_NAME_CHARS or len(last) < MIN_NAME_CHARS:
        raise ValidationError(
            _("Type at least %(n)s letters of their first name and of their last name.")
            % {"n": MIN_NAME_CHARS},
            code="name_too_short",
        )
    rows = list(
        YoungPerson.objects.filter(anonymised_at__isnull=True, last_name__istartswith=last)
        .filter(Q(first_name__istartswith=first) | Q(preferred_name__istartswith=first))
        .order_by(Lower("first_name"), Lower("last_name"), "pk")
        .values_list("pk", "first_name", "preferred_name", "last_name", "year_group")[: MAX_MATCHES + 1]
    )
    years = dict(YearGroup.choices)
    matches = [
        WalkInMatch(
            pk=pk,
            name=f"{preferred or first_} {last_[:1].upper()}.",
            year_group=str(years.get(year, "")),
        )
        for pk, first_, preferred, last_, year in rows[:MAX_MATCHES]
    ]
    record_audit(
        actor=by,
        action="register.walk_in_search",
        obj=session,
        detail=f"matches={len(matches)}{'+' if len(rows) > MAX_MATCHES else ''}",
    )
    return matches, len(rows) > MAX_MATCHES


def _walk_in_mark(young_person_id: int) -> RegisterMark:
    return RegisterMark(
        young_person_id=young_person_id, mark=Mark.PRESENT, marked_at=timezone.now(), walk_in=True
    )


@transaction.atomic
def add_walk_in(
    *, session: Session, by, young_person_id: int, first_name: str, last_name: str
) -> SubmissionResult:
    """Mark a young person already known as present at the session, as a walk-in. They must be one of the
    matches of the same name search (so a walk-in is always someone found by name, never a guessed id).

    Raises ValidationError "name_too_short", "not_found", and those of submit_register.
    """
    matches, _more = find_walk_ins(session=session, by=by, first_name=first_name, last_name=last_name)
    if int(young_person_id) not in {m.pk for m in matches}:
        raise ValidationError(
            _("Search for them by name again, then choose them from the list."), code="not_found"
        )
    return submit_register(
        session=session, by=by, key=uuid.uuid4(), marks=[_walk_in_mark(int(young_person_id))]
    )


@transaction.atomic
def register_walk_in(
    *,
    session: Session,
    by,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    consent_given_by: str,
    consent_method: str = Consent.Method.IN_PERSON,
    media_consent: bool = False,
    guardian_name: str = "",
    guardian_email: str = "",
    guardian_phone: str = "",
) -> YoungPerson:
    """Register a young person new to the hub who walked in, with the minimum details, and mark them present.

    Under-13s need their parent's or carer's name, email or phone, and consent (people.services rules); the
    contact is kept for staff in WalkInContact. Raises ValidationError "cancelled", "future", "already_known",
    "guardian_details_required", "guardian_consent_required" and those of register_young_person.
    """
    session = Session.objects.select_related("opportunity").get(pk=session.pk)
    _check_session_open(session, timezone.localdate())
    if consent_method not in (Consent.Method.IN_PERSON, Consent.Method.PHONE, Consent.Method.PAPER):
        raise ValidationError(_("Say how they agreed: in person or on the phone."), code="invalid_consent")
    first_name, last_name = first_name.strip(), last_name.strip()
    guardian_name, guardian_email, guardian_phone = (
        guardian_name.strip(),
        guardian_email.strip(),
        guardian_phone.strip(),
    )
    if YoungPerson.objects.filter(
        first_name__iexact=first_name,
        last_name__iexact=last_name,
        date_of_birth=date_of_birth,
        anonymised_at__isnull=True,
    ).exists():
        raise ValidationError(
            _(
                "Someone with this name and date of birth is already known to the hub: find them by name instead."
            ),
            code="already_known",
        )
    under_13 = age_on(date_of_birth, timezone.localdate()) < AGE_OF_DIGITAL_CONSENT
    if under_13 and (not guardian_name or not (guardian_email or guardian_phone)):
        raise ValidationError(
            _(
                "For a child under 13, give their parent's or carer's name and an email address or phone number."
            ),
            code="guardian_details_required",
        )
    if consent_given_by == Consent.GivenBy.GUARDIAN:
        if not guardian_name:
            raise ValidationError(
                _("Give the name of the parent or carer who agreed."), code="guardian_details_required"
            )
        given_by_name = guardian_name
    else:
        given_by_name = f"{first_name} {last_name}"
    purposes = [ConsentPurpose.DATA_PROCESSING] + ([ConsentPurpose.MEDIA] if media_consent else [])
    young_person = register_young_person(
        registered_by_user=_user(by),
        registered_by=YoungPerson.RegisteredBy.STAFF,
        consents=[(purpose, consent_given_by, given_by_name, consent_method) for purpose in purposes],
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
    )
    if guardian_email or guardian_phone:
        WalkInContact.objects.create(
            young_person=young_person,
            session=session,
            guardian_name=guardian_name or given_by_name,
            guardian_email=guardian_email,
            guardian_phone=guardian_phone[:30],
            recorded_by=_user(by),
        )
    submit_register(session=session, by=by, key=uuid.uuid4(), marks=[_walk_in_mark(young_person.pk)])
    return young_person


# ---- Erasure -------------------------------------------------------------------------------------------------


def erase_register_details(young_person: YoungPerson) -> None:
    """When a young person is erased: their family contact goes, and reasons for absence are blanked (the marks
    stay, as counts)."""
    WalkInContact.objects.filter(young_person=young_person).delete()
    Attendance.objects.filter(young_person=young_person).exclude(reason="").update(reason="")
