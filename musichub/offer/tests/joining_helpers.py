"""Shared builders for the joining tests: an open opportunity, families and their children."""

from datetime import date

from musichub.core.roles import Role
from musichub.offer.models import Opportunity
from musichub.offer.tests.factories import OpportunityFactory
from musichub.people.tests.factories import FamilyFactory, YoungPersonFactory

FIRST_SESSION = date(2030, 1, 7)  # OpportunityFactory's first date (no sessions: the first date counts)


def born_for(age: int) -> date:
    """A date of birth making someone `age` on the factory opportunity's first session."""
    return date(FIRST_SESSION.year - age, 1, 1)


def open_opportunity(**fields) -> Opportunity:
    fields.setdefault("status", Opportunity.Status.PUBLISHED)
    fields.setdefault("capacity", 2)
    return OpportunityFactory(**fields)


def family_child(make_user, *, age: int = 10, guardian=None, **fields):
    """A child (aged `age` on the first session) in a family with one guardian; returns (guardian, child)."""
    guardian = guardian or make_user(Role.GUARDIAN)
    family = FamilyFactory(guardians=[guardian])
    child = YoungPersonFactory(family=family, date_of_birth=born_for(age), **fields)
    return guardian, child
