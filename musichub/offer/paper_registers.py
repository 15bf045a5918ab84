"""Writes for paper registers: staff copy a sheet of marks for several past sessions in one go.

Each session's marks go through registers.submit_register (method "paper") with that session's idempotency
key, all in one transaction: a sheet is entered whole or not at all, and sending the same page twice (the keys
are in the page) enters nothing twice.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from musichub.core.services import record_audit

from .models import Opportunity, Register, Session
from .registers import RegisterMark, submit_register


@dataclass
class PaperSheet:
    """What staff entered: for each session, its key and the (young person pk, mark) pairs to record (new marks
    and changed ones: a mark already stored as it is on the sheet is left alone, with its time and author)."""

    sessions: list[Session]
    keys: dict[int, UUID]
    marks: dict[int, list[tuple[int, str]]]
    # Young people on the sheet who are not enrolled (walk-ins at an earlier session, or since left): their
    # marks are entered as walk-ins, as the leader would on the phone.
    walk_ins: frozenset[int] = frozenset()


@dataclass
class PaperResult:
    saved: int = 0  # marks written (new or changed)
    unchanged: list[Session] = field(default_factory=list)  # nothing new on the sheet for these
    # This page was sent before for these (its keys were seen): nothing applied again.
    already_received: list[Session] = field(default_factory=list)


@transaction.atomic
def enter_paper_registers(*, opportunity: Opportunity, sheet: PaperSheet, by) -> PaperResult:
    """Submit each session's marks from a paper register, in one transaction.

    Raises ValidationError from submit_register (a cancelled or future session, someone not in the group,
    a key that belongs to another session); then nothing of the sheet is kept."""
    now = timezone.now()
    result = PaperResult()
    for session in sheet.sessions:
        rows = sheet.marks.get(session.pk, [])
        if not rows:
            result.unchanged.append(session)
            continue
        submitted = submit_register(
            session=session,
            by=by,
            key=sheet.keys[session.pk],
            method=Register.Method.PAPER,
            marks=[
                RegisterMark(young_person_id=pk, mark=mark, marked_at=now, walk_in=pk in sheet.walk_ins)
                for pk, mark in rows
            ],
        )
        if submitted.duplicate:
            result.already_received.append(session)
        result.saved += submitted.saved
    record_audit(
        actor=by,
        action="register.paper_entered",
        obj=opportunity,
        detail=", ".join(f"session {s.pk}" for s in sheet.sessions),
    )
    return result
