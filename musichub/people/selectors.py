"""Reads for young people, families and schools.

`young_people_visible_to(user)` is the one place that decides whose records a person may see. Every view,
export and API that lists or opens a young person's record starts from it. Later apps widen it for their
roles with `register_scope` (the offer issue: partner members see young people enrolled in their partner's
opportunities; music leaders those in their groups).
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Q, QuerySet

from musichub.core.permissions import role_of
from musichub.core.roles import Role

from .models import YoungPerson

# role -> functions(user) -> Q of the young people that role may see, besides the defaults below.
_EXTRA_SCOPES: dict[Role, list[Callable]] = defaultdict(list)


def register_scope(role: Role, scope: Callable) -> None:
    """Let a later app widen what `role` sees: `scope(user)` returns a Q on YoungPerson."""
    if scope not in _EXTRA_SCOPES[role]:
        _EXTRA_SCOPES[role].append(scope)


def _default_scope(user, role: Role) -> Q | None:
    """None means every record; Q(pk__in=[]) means none."""
    if role in (Role.HUB_ADMIN, Role.HUB_STAFF):
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
