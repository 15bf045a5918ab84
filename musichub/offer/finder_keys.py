"""Two columns the finder sorts by, kept on the opportunity's row: its next session, and its genre and instrument keys.

Computing them per request (a subquery per opportunity for the next session, two counting subqueries for the
tastes) cost the signed-in finder ~200 ms on 10,000 opportunities; read from the row, the same ordering takes a few
milliseconds (bench/finder.py). They are kept fresh here, in one UPDATE statement for any set of opportunities:

- by signals when a session is saved or deleted, or an opportunity's genres or instruments change, wherever it
  happens (the admin included), and by the bulk paths (generating sessions, cancelling, demo and benchmark data),
  which call `refresh_finder_keys` themselves;
- as days pass: the first finder search of each day (`ensure_fresh`) recomputes the rows whose next session is now
  in the past, and any row never computed (`taste_keys` empty). A shared cache makes that once a day per site.

`taste_keys` looks like ",g3,g12,,i4," (a comma on each side of every key), so "fits a taste" is a plain
`LIKE '%,g12,%'` on the row: no join, no subquery, the same on SQLite and PostgreSQL.
"""

from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Aggregate, CharField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import Opportunity, Session

# Which relation gives which keys, and their prefix in taste_keys.
RELATIONS = {"genres": ("genre", "g"), "instruments": ("instrument", "i")}


class KeyList(Aggregate):
    """The group's values joined with commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def taste_key(relation: str, pk: int) -> str:
    """The key of one genre or instrument as it appears in taste_keys, commas included: ",g12,"."""
    return f",{RELATIONS[relation][1]}{pk},"


def _keys_of(relation: str) -> Subquery:
    column, prefix = RELATIONS[relation]
    through = getattr(Opportunity, relation).through
    return Subquery(
        through.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(keys=KeyList(Concat(Value(prefix), Cast(f"{column}_id", CharField()))))
        .values("keys"),
        output_field=CharField(),
    )


def _next_session(today: date) -> Subquery:
    return Subquery(
        Session.objects.filter(opportunity=OuterRef("pk"), date__gte=today, is_cancelled=False)
        .order_by()
        .values("opportunity")
        .annotate(first=Min("date"))
        .values("first")
    )


def refresh_finder_keys(opportunities: QuerySet[Opportunity], *, today: date) -> int:
    """Recompute both columns for `opportunities` in one UPDATE; returns how many rows it touched."""
    return opportunities.order_by().update(
        next_session_on=_next_session(today),
        taste_keys=Concat(
            Value(","),
            Coalesce(_keys_of("genres"), Value("")),
            Value(",,"),
            Coalesce(_keys_of("instruments"), Value("")),
            Value(","),
            output_field=CharField(),
        ),
    )


def refresh_for(opportunity_ids, *, today: date) -> int:
    return refresh_finder_keys(Opportunity.objects.filter(pk__in=list(opportunity_ids)), today=today)


def stale(today: date) -> QuerySet[Opportunity]:
    """Rows whose keys were never computed, or whose next session has passed."""
    return Opportunity.objects.filter(Q(taste_keys="") | Q(next_session_on__lt=today))


def ensure_fresh(today: date) -> None:
    """Before the first search of the day: bring stale rows up to date (one UPDATE; nothing once done today)."""
    key = f"offer:finder-keys:{today.isoformat()}"
    if cache.get(key) is None:
        refresh_finder_keys(stale(today), today=today)
        cache.set(key, True, timeout=int(timedelta(days=2).total_seconds()))


def _tastes_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed on an opportunity's genres or instruments, from either side (the admin included)."""
    if action == "pre_clear" and reverse:
        # genre.opportunities.clear(): remember whose keys change, the rows are gone after the clear.
        column = _column_of(sender)
        instance._finder_keys_clearing = list(
            sender.objects.filter(**{column: instance}).values_list("opportunity_id", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ids = [instance.pk]
    elif action == "post_clear":
        ids = getattr(instance, "_finder_keys_clearing", [])
    else:
        ids = pk_set or []
    if ids:
        refresh_for(ids, today=timezone.localdate())


def _column_of(through) -> str:
    """The through model's field for the genre or instrument (not the opportunity)."""
    return next(
        column
        for name, (column, _prefix) in RELATIONS.items()
        if getattr(Opportunity, name).through is through
    )


def _session_changed(sender, instance, **kwargs):
    """A session saved or deleted one at a time (bulk changes call refresh_finder_keys themselves)."""
    refresh_for([instance.opportunity_id], today=timezone.localdate())


def connect_signals() -> None:
    post_save.connect(_session_changed, sender=Session, dispatch_uid="finder-keys-session-saved")
    post_delete.connect(_session_changed, sender=Session, dispatch_uid="finder-keys-session-deleted")
    for relation in RELATIONS:
        m2m_changed.connect(
            _tastes_changed,
            sender=getattr(Opportunity, relation).through,
            dispatch_uid=f"finder-keys-{relation}",
        )
