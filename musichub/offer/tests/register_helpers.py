"""Builders for the register tests: a session today, its group, its leader, a partner member, marks."""

import uuid
from datetime import timedelta

from django.utils import timezone

from musichub.core.roles import Role
from musichub.offer.models import Enrolment, Opportunity
from musichub.offer.registers import RegisterMark
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.choices import ConsentPurpose
from musichub.people.tests.factories import ConsentFactory, YoungPersonFactory


def session_on(day=None, **opportunity_fields):
    """A session of a published opportunity on `day` (today by default)."""
    day = day or timezone.localdate()
    opportunity_fields.setdefault("status", Opportunity.Status.PUBLISHED)
    opportunity = opportunity_fields.pop("opportunity", None) or OpportunityFactory(**opportunity_fields)
    return SessionFactory(opportunity=opportunity, date=day)


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def enrol(opportunity, young_person=None, status=Enrolment.Status.ENROLLED, **fields):
    young_person = young_person or YoungPersonFactory(**fields)
    Enrolment.objects.create(young_person=young_person, opportunity=opportunity, status=status)
    return young_person


def group(opportunity, n: int, *, consents=True):
    """`n` young people enrolled on `opportunity`, with data-processing and photo consents."""
    people = [enrol(opportunity) for _ in range(n)]
    if consents:
        for person in people:
            ConsentFactory(young_person=person, purpose=ConsentPurpose.DATA_PROCESSING)
            ConsentFactory(young_person=person, purpose=ConsentPurpose.MEDIA)
    return people


def leader_of(make_user, opportunity, **fields):
    user = make_user(Role.MUSIC_LEADER, **fields)
    opportunity.leaders.add(user)
    return user


def member_of(make_user, partner, **fields):
    user = make_user(Role.PARTNER_MEMBER, **fields)
    PartnerMembershipFactory(user=user, partner=partner)
    return user


def at(minutes_ago: float):
    """A time on the phone `minutes_ago` minutes before now."""
    return timezone.now() - timedelta(minutes=minutes_ago)


def marks(people, mark="present", *, minutes_ago=5, **fields):
    return [
        RegisterMark(young_person_id=p.pk, mark=mark, marked_at=at(minutes_ago), **fields) for p in people
    ]


def key():
    return uuid.uuid4()
