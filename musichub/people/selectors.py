"""Reads for young people, families and schools.

`young_people_visible_to(user)` is the one place that decides whose records a person may see. Every view,
export and API that lists or opens a young person's record starts from it. Later apps widen it for their
roles with `register_scope` (the offer issue: partner members see young people enrolled in their partner's
opportunities; music leaders those in their groups).
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from musichub.core.permissions import STAFF, role_of
from musichub.core.privacy import suppress_count, suppress_series
from musichub.core.roles import Role

from .choices import YearGroup
from .models import (
    Consent,
    Family,
    FamilyGuardian,
    NamedBarrier,
    School,
    SchoolContact,
    SupportRequest,
    YoungPerson,
)

# role -> functions(user) -> Q of the young people that role may see, besides the defaults below.
_EXTRA_SCOPES: dict[Role, list[Callable]] = defaultdict(list)


def register_scope(role: Role, scope: Callable) -> None:
    """Let a later app widen what `role` sees: `scope(user)` returns a Q on YoungPerson."""
    if scope not in _EXTRA_SCOPES[role]:
        _EXTRA_SCOPES[role].append(scope)


def _default_scope(user, role: Role) -> Q | None:
    """None means every record; Q(pk__in=[]) means none."""
    if role in STAFF:
        return None
    if role == Role.GUARDIAN:
        return Q(family__guardians=user)
    if role == Role.YOUNG_PERSON:
        return Q(user=user)
    # Partner members and music leaders see nobody until the offer issue registers their scopes;
    # school contacts see aggregate figures for their school only, never records.
    return Q(pk__in=[])


def young_people_visible_to(user) -> QuerySet[YoungPerson]:
    """The young people `user` may see; anonymised records are left out for everyone but staff."""
    role = role_of(user)
    if role is None:
        return YoungPerson.objects.none()
    scope = _default_scope(user, role)
    if scope is None:
        return YoungPerson.objects.all()
    for extra in _EXTRA_SCOPES[role]:
        scope |= extra(user)
    return YoungPerson.objects.filter(scope, anonymised_at__isnull=True).distinct()


# ---- Consent: the one place that says whether a consent is in force ----------------------------------------


def has_consent(young_person: YoungPerson, purpose: str) -> bool:
    """Whether `young_person` has an active (given, not withdrawn) consent for `purpose`. Always asks the database,
    so a withdrawal counts from the moment it is saved."""
    return Consent.objects.filter(
        young_person=young_person, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def with_active_consent(queryset: QuerySet[YoungPerson], purpose: str) -> QuerySet[YoungPerson]:
    """Only the young people of `queryset` with an active consent for `purpose` (photos, achievements, …)."""
    active = Consent.objects.filter(young_person=OuterRef("pk"), purpose=purpose, withdrawn_at__isnull=True)
    return queryset.filter(Exists(active))


def active_consents(young_person: YoungPerson) -> dict[str, Consent]:
    """Purpose -> active consent, for pages that show all of them."""
    return {c.purpose: c for c in young_person.consents.all() if c.withdrawn_at is None}


# ---- Lists and records --------------------------------------------------------------------------------------


def young_people_list(
    user, *, search: str = "", school: School | None = None, year_group: str = ""
) -> QuerySet[YoungPerson]:
    """The staff list, scoped to `user`. Only what the list shows: no sensitive characteristics."""
    people = young_people_visible_to(user)
    for term in search.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(preferred_name__icontains=term)
        )
    if school is not None:
        people = people.filter(school=school)
    if year_group:
        people = people.filter(year_group=year_group)
    return (
        people.select_related("school")
        .only(
            "pk",
            "first_name",
            "last_name",
            "preferred_name",
            "year_group",
            "education_status",
            "created_at",
            "school",
            "school__name",
        )  # fmt: skip
        .order_by("last_name", "first_name", "pk")
    )


def young_person_records(user) -> QuerySet[YoungPerson]:
    """Records `user` may open, with everything a record page shows (no further queries per row)."""
    return (
        young_people_visible_to(user)
        .select_related("school", "family", "user")
        .prefetch_related(
            "instruments",
            "genres",
            Prefetch("consents", queryset=Consent.objects.order_by("purpose", "-given_at")),
            Prefetch("named_barriers", queryset=NamedBarrier.objects.select_related("barrier")),
            Prefetch(
                "support_requests", queryset=SupportRequest.objects.select_related("kind", "decided_by")
            ),
            Prefetch("family__guardian_links", queryset=FamilyGuardian.objects.select_related("guardian")),
        )
    )


def children_of(guardian) -> QuerySet[YoungPerson]:
    """A guardian's children (through young_people_visible_to), with their consents for the family page."""
    return (
        young_people_visible_to(guardian)
        .select_related("school")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.filter(withdrawn_at__isnull=True)))
        .order_by("date_of_birth", "pk")
    )


def family_of(guardian) -> Family | None:
    """The family a guardian belongs to (the first, if ever more than one)."""
    return Family.objects.filter(guardians=guardian).order_by("pk").first()


def guardians_of(family: Family | None) -> QuerySet[FamilyGuardian]:
    if family is None:
        return FamilyGuardian.objects.none()
    return family.guardian_links.select_related("guardian").order_by("created_at")


def own_record(user) -> YoungPerson | None:
    """A young person's own record, if their account is linked to one."""
    return young_person_records(user).filter(user=user).first()


def possible_duplicates(young_person: YoungPerson) -> QuerySet[YoungPerson]:
    """Records that may be the same person: same name and date of birth (ignoring case), or at the same school
    with a similar name (same last name, first name starting with the same three letters) or the same date
    of birth."""
    match = Q(
        first_name__iexact=young_person.first_name,
        last_name__iexact=young_person.last_name,
        date_of_birth=young_person.date_of_birth,
    )
    if young_person.school_id:
        match |= Q(
            school_id=young_person.school_id,
            last_name__iexact=young_person.last_name,
            first_name__istartswith=young_person.first_name[:3],
        )
        match |= Q(school_id=young_person.school_id, date_of_birth=young_person.date_of_birth)
    return (
        YoungPerson.objects.filter(match, anonymised_at__isnull=True)
        .exclude(pk=young_person.pk)
        .select_related("school")
        .order_by("created_at")
    )


# ---- Support ----------------------------------------------------------------------------------------------

SUPPORT_FILTER_DEFAULT = SupportRequest.Status.REQUESTED


def support_queue(*, status: str = SUPPORT_FILTER_DEFAULT) -> QuerySet[SupportRequest]:
    """Support requests by status, oldest waiting first (staff only: the view says who may see it)."""
    requests = SupportRequest.objects.select_related(
        "kind", "young_person", "young_person__school", "decided_by"
    )
    if status in SupportRequest.Status.values:
        requests = requests.filter(status=status)
    order = "created_at" if status == SupportRequest.Status.REQUESTED else "-created_at"
    return requests.filter(young_person__anonymised_at__isnull=True).order_by(order, "pk")


# ---- Schools ------------------------------------------------------------------------------------------------


def open_schools() -> QuerySet[School]:
    return School.objects.filter(is_open=True).order_by("name")


def school_of_contact(user) -> School | None:
    """The school a school contact speaks for."""
    link = SchoolContact.objects.select_related("school").filter(user=user).first()
    return link.school if link else None


def school_figures(school: School) -> dict:
    """Young people registered at `school` by year group, small numbers suppressed. Never names.

    Anonymised records still count: erasing a record does not change the figures retroactively.
    """
    counts = dict(
        YoungPerson.objects.filter(school=school)
        .values_list("year_group")
        .annotate(n=Count("pk"))
        .values_list("year_group", "n")
    )
    labels = [(value, label) for value, label in YearGroup.choices if counts.get(value)]
    if counts.get(""):
        labels.append(("", _("Year group not given")))
    values = [counts.get(value, 0) for value, _label in labels]
    shown = suppress_series(values)
    total = sum(values)
    return {
        "rows": [
            {"label": label, "count": count} for (_value, label), count in zip(labels, shown, strict=True)
        ],
        "total": suppress_count(total),
        "has_any": total > 0,
    }
