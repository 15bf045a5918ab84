"""Builders for youth voice tests: young people with accounts, posts in each state, answers, sessions."""

from django.utils import timezone

from musichub.core.roles import Role
from musichub.offer.tests.factories import SessionFactory
from musichub.people.tests.factories import FamilyFactory, YoungPersonFactory, born_years_ago
from musichub.voice import services
from musichub.voice.models import Post, VoiceApproval


def young(make_user, *, age: int = 14, approved: bool = False, **fields):
    """A young person aged `age` with their own account; returns the account (user.young_person is set).
    `approved` records a guardian's approval (for under-13s)."""
    user = make_user(Role.YOUNG_PERSON, first_name=fields.pop("first_name", "Jess"))
    person = YoungPersonFactory(
        user=user, date_of_birth=born_years_ago(age), first_name=user.first_name, **fields
    )
    if approved:
        VoiceApproval.objects.create(young_person=person, approved_by_name="A parent")
    user.refresh_from_db()
    return user


def child_in_family(make_user, *, age: int = 10, guardian=None):
    guardian = guardian or make_user(Role.GUARDIAN)
    family = FamilyFactory(guardians=[guardian])
    child = YoungPersonFactory(family=family, date_of_birth=born_years_ago(age), first_name="Mia")
    return guardian, child


def post_by(user, **fields) -> Post:
    fields.setdefault("kind", Post.Kind.IDEA)
    fields.setdefault("title", "A grime workshop in Thornhill")
    return services.say_something(user=user, **fields)


def published(user, moderator, **fields) -> Post:
    return services.publish_post(post=post_by(user, **fields), moderator=moderator)


def today_session(**fields):
    fields.setdefault("date", timezone.localdate())
    return SessionFactory(**fields)
