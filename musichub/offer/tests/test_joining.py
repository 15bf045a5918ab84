"""Joining services: places, the waiting list, offers with a deadline, expiry, scopes."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer.joining import (
    OFFER_HOURS,
    accept_offer,
    ask_for_a_place,
    decline_offer,
    enrolments_visible_to,
    expire_offers,
    offer_next_place,
    ordinal,
    position_explained,
    waiting_position,
    withdraw,
)
from musichub.offer.models import Enrolment, EnrolmentEvent, Opportunity
from musichub.offer.tasks import expire_offers_task
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.models import NamedBarrier, SupportRequest
from musichub.people.selectors import young_people_visible_to
from musichub.people.tests.factories import BarrierFactory, SupportKindFactory, YoungPersonFactory

from .joining_helpers import born_for, family_child, open_opportunity

pytestmark = pytest.mark.django_db

S = Enrolment.Status


def ask(child, opportunity, by=None, **kwargs):
    return ask_for_a_place(young_person=child, opportunity=opportunity, requested_by=by, **kwargs)


def fill(opportunity, n):
    return [ask(YoungPersonFactory(date_of_birth=born_for(10)), opportunity) for _ in range(n)]


# ---- Places and the waiting list --------------------------------------------------------------------------


def test_capacity_is_never_exceeded_and_the_rest_wait_in_the_order_they_asked():
    opportunity = open_opportunity(capacity=2)
    enrolments = fill(opportunity, 5)
    assert [e.status for e in enrolments] == [S.ENROLLED, S.ENROLLED, S.WAITING, S.WAITING, S.WAITING]
    assert [waiting_position(e) for e in enrolments[2:]] == [1, 2, 3]
    assert opportunity.enrolments.filter(status__in=Enrolment.HOLDS_A_PLACE).count() == 2


def test_an_opportunity_with_no_limit_enrols_everyone():
    opportunity = open_opportunity(capacity=None)
    assert {e.status for e in fill(opportunity, 4)} == {S.ENROLLED}


def test_waiting_position_breaks_ties_by_id_and_skips_those_who_left():
    opportunity = open_opportunity(capacity=0)
    first, second, third = fill(opportunity, 3)
    Enrolment.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(queued_at=first.queued_at)
    for e in (first, second, third):
        e.refresh_from_db()
    assert [waiting_position(e) for e in (first, second, third)] == [1, 2, 3]
    withdraw(enrolment=second, withdrawn_by=None)
    assert waiting_position(third) == 2


def test_the_position_is_explained_in_plain_words():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd",
    ]  # fmt: skip
    assert position_explained(3) == (
        "You are 3rd on the waiting list. When a place frees up we offer it to the first person on the list, "
        f"who has {OFFER_HOURS} hours to say yes."
    )


def test_a_full_opportunity_that_is_marked_full_still_takes_waiting_list_requests(make_user):
    opportunity = open_opportunity(capacity=1, status=Opportunity.Status.FULL)
    fill(opportunity, 1)
    _guardian, child = family_child(make_user)
    assert ask(child, opportunity).status == S.WAITING


def test_apply_opportunities_take_applications_and_say_when_they_decide(make_user):
    opportunity = open_opportunity(how_to_join="apply", apply_by=date(2029, 12, 1))
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    assert enrolment.status == S.APPLIED
    assert "we will decide by 1 December 2029" in OutgoingEmail.objects.get(to=guardian.email).body


def test_asking_records_events_and_emails_the_family(make_user):
    opportunity = open_opportunity(capacity=1)
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian, note="She is shy at first")
    assert list(enrolment.events.values_list("action", "by", "note")) == [
        ("requested", guardian.pk, "She is shy at first"),
        ("enrolled", guardian.pk, ""),
    ]
    assert OutgoingEmail.objects.filter(to=guardian.email, subject__contains="confirmed").count() == 1


def test_named_barriers_and_support_are_recorded_once_and_linked(make_user):
    opportunity = open_opportunity()
    guardian, child = family_child(make_user)
    transport, cost = BarrierFactory(name="Transport"), BarrierFactory(name="Cost")
    lift = SupportKindFactory(name="Transport help")
    NamedBarrier.objects.create(young_person=child, barrier=cost, note="from before")
    waiting = SupportRequest.objects.create(young_person=child, kind=lift, reason="earlier")
    enrolment = ask(child, opportunity, guardian, barriers=[transport, cost], support_kinds=[lift])
    assert set(child.named_barriers.values_list("barrier__name", flat=True)) == {"Transport", "Cost"}
    assert child.named_barriers.get(barrier=cost).note == "from before"
    assert list(enrolment.support_requests.all()) == [waiting]
    assert SupportRequest.objects.filter(young_person=child).count() == 1


# ---- Bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": Opportunity.Status.CANCELLED}, "cancelled"),
        ({"status": Opportunity.Status.FINISHED}, "finished"),
        ({"status": Opportunity.Status.DRAFT}, "not_open"),
        ({"first_date": date(2020, 1, 6), "last_date": date(2020, 3, 30)}, "finished"),
        ({"how_to_join": "turn_up"}, "just_turn_up"),
        ({"how_to_join": "apply", "apply_by": date(2020, 1, 1)}, "not_open"),
    ],
)
def test_closed_opportunities_refuse_requests_and_write_nothing(make_user, changes, code):
    opportunity = open_opportunity(**changes)
    _guardian, child = family_child(make_user)
    with pytest.raises(ValidationError) as error:
        ask(child, opportunity)
    assert error.value.code == code
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("age", [7, 15])
def test_an_age_outside_the_range_is_refused_with_the_range(make_user, age):
    opportunity = open_opportunity(min_age=8, max_age=14)
    _guardian, child = family_child(make_user, age=age)
    with pytest.raises(ValidationError, match="for ages 8 to 14") as error:
        ask(child, opportunity)
    assert error.value.code == "age_outside_range"
    assert not Enrolment.objects.exists()


def test_asking_twice_is_refused_but_asking_again_after_withdrawing_is_fine(make_user):
    opportunity = open_opportunity()
    guardian, child = family_child(make_user)
    first = ask(child, opportunity, guardian)
    with pytest.raises(ValidationError, match="already asked") as error:
        ask(child, opportunity, guardian)
    assert error.value.code == "already_asked"
    withdraw(enrolment=first, withdrawn_by=guardian)
    assert ask(child, opportunity, guardian).status == S.ENROLLED
    assert opportunity.enrolments.count() == 2


def test_a_young_person_under_13_cannot_ask_for_themself(make_user):
    opportunity = open_opportunity(min_age=8, max_age=14)
    user = make_user(Role.YOUNG_PERSON)
    today = timezone.localdate()
    young = YoungPersonFactory(user=user, date_of_birth=date(today.year - 12, 1, 1))
    opportunity.first_date = today + timedelta(days=7)
    opportunity.last_date = today + timedelta(days=60)
    opportunity.save()
    with pytest.raises(ValidationError) as error:
        ask(young, opportunity, user)
    assert error.value.code == "ask_a_parent"
    young.date_of_birth = date(today.year - 14, 1, 1)
    young.save()
    assert ask(young, opportunity, user).status == S.ENROLLED


# ---- Offers ----------------------------------------------------------------------------------------------


def test_a_withdrawal_offers_the_place_to_the_first_waiting_with_a_deadline(make_user):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    guardian, child = family_child(make_user)
    next_in_line = ask(child, opportunity, guardian)
    later = fill(opportunity, 1)[0]
    before = timezone.now()
    withdraw(enrolment=holder, withdrawn_by=None)
    next_in_line.refresh_from_db()
    later.refresh_from_db()
    assert next_in_line.status == S.OFFERED and later.status == S.WAITING
    assert before + timedelta(hours=OFFER_HOURS) <= next_in_line.offer_expires_at
    assert next_in_line.offer_expires_at <= timezone.now() + timedelta(hours=OFFER_HOURS)
    email = OutgoingEmail.objects.get(to=guardian.email, subject__contains="yours if you want it")
    assert "accept by" in email.body and f"/my/places/{next_in_line.pk}/" in email.body
    assert list(next_in_line.events.values_list("action", flat=True)) == ["requested", "waiting", "offered"]


def test_withdrawing_from_the_waiting_list_offers_nothing():
    opportunity = open_opportunity(capacity=1)
    _holder, waiting, other = fill(opportunity, 3)
    withdraw(enrolment=waiting, withdrawn_by=None)
    other.refresh_from_db()
    assert other.status == S.WAITING


def test_accepting_before_the_deadline_takes_the_place(make_user):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    withdraw(enrolment=holder, withdrawn_by=None)
    accept_offer(enrolment=enrolment, accepted_by=guardian)
    enrolment.refresh_from_db()
    assert enrolment.status == S.ENROLLED
    assert enrolment.events.filter(action="accepted", by=guardian).exists()


def test_accepting_after_the_deadline_is_refused_and_the_place_moves_on(make_user):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    guardian, child = family_child(make_user)
    late = ask(child, opportunity, guardian)
    (next_one,) = fill(opportunity, 1)
    withdraw(enrolment=holder, withdrawn_by=None)
    Enrolment.objects.filter(pk=late.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="ended") as error:
        accept_offer(enrolment=late, accepted_by=guardian)
    assert error.value.code == "offer_expired"
    late.refresh_from_db()
    next_one.refresh_from_db()
    assert (late.status, next_one.status) == (S.EXPIRED, S.OFFERED)


def test_declining_passes_the_place_on():
    opportunity = open_opportunity(capacity=1)
    holder, first, second = fill(opportunity, 3)
    withdraw(enrolment=holder, withdrawn_by=None)
    decline_offer(enrolment=Enrolment.objects.get(pk=first.pk), declined_by=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.DECLINED, S.OFFERED)


def test_an_answered_offer_cannot_be_answered_again(make_user):
    opportunity = open_opportunity(capacity=1)
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    with pytest.raises(ValidationError) as error:
        accept_offer(enrolment=enrolment, accepted_by=guardian)
    assert error.value.code == "not_offered"


def test_offer_next_place_fills_every_free_place_and_never_more():
    opportunity = open_opportunity(capacity=3)
    enrolments = fill(opportunity, 6)
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:2]]).update(status=S.WITHDRAWN)
    first = offer_next_place(opportunity=opportunity)
    statuses = list(opportunity.enrolments.order_by("pk").values_list("status", flat=True))
    assert first.pk == enrolments[3].pk
    assert statuses == [S.WITHDRAWN, S.WITHDRAWN, S.ENROLLED, S.OFFERED, S.OFFERED, S.WAITING]
    assert offer_next_place(opportunity=opportunity) is None


def test_a_freed_place_sets_a_full_opportunity_back_to_published():
    opportunity = open_opportunity(capacity=1, status=Opportunity.Status.FULL)
    holder, _waiting = fill(opportunity, 2)
    withdraw(enrolment=holder, withdrawn_by=None)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.FULL  # the place went straight to the next: still full
    Enrolment.objects.filter(opportunity=opportunity, status=S.OFFERED).update(status=S.WITHDRAWN)
    offer_next_place(opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


# ---- Expiry -------------------------------------------------------------------------------------------------


def test_expiry_ends_late_offers_moves_on_and_emails_both_families(
    make_user, django_capture_on_commit_callbacks
):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    first_guardian, first_child = family_child(make_user)
    second_guardian, second_child = family_child(make_user)
    first = ask(first_child, opportunity, first_guardian)
    second = ask(second_child, opportunity, second_guardian)
    withdraw(enrolment=holder, withdrawn_by=None)
    mail.outbox.clear()
    assert expire_offers() == 0  # nothing is late yet
    with django_capture_on_commit_callbacks(execute=True):
        ended = expire_offers(now=timezone.now() + timedelta(hours=OFFER_HOURS, minutes=1))
    assert ended == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.EXPIRED, S.OFFERED)
    sent = {message.to[0]: message for message in mail.outbox}
    assert "not accepted in time" in sent[first_guardian.email].body
    assert "accept by" in sent[second_guardian.email].body
    assert EnrolmentEvent.objects.filter(enrolment=first, action="expired").exists()


def test_the_expiry_task_runs_the_same_service():
    opportunity = open_opportunity(capacity=1)
    holder, waiting = fill(opportunity, 2)
    withdraw(enrolment=holder, withdrawn_by=None)
    Enrolment.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    result = expire_offers_task.enqueue()
    assert result.return_value == 1
    waiting.refresh_from_db()
    assert waiting.status == S.EXPIRED


# ---- Who sees what ------------------------------------------------------------------------------------------


def test_staff_withdrawals_are_audited_and_the_family_is_told(make_user, staff):
    opportunity = open_opportunity()
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    withdraw(enrolment=enrolment, withdrawn_by=staff, reason="Moved away")
    assert AuditEntry.objects.filter(action="enrolment.withdrawn", actor=staff, detail="Moved away").exists()
    assert "Moved away" in OutgoingEmail.objects.get(to=guardian.email, subject__startswith="No longer").body


def test_a_partner_member_sees_young_people_with_an_active_enrolment_on_their_partners_opportunities(
    make_user,
):
    member = make_user(Role.PARTNER_MEMBER)
    ours = open_opportunity(capacity=5)
    PartnerMembershipFactory(user=member, partner=ours.partner)
    theirs = open_opportunity(capacity=5)
    _g, enrolled = family_child(make_user)
    _g, left = family_child(make_user)
    _g, elsewhere = family_child(make_user)
    _g, nowhere = family_child(make_user)
    ask(enrolled, ours)
    withdraw(enrolment=ask(left, ours), withdrawn_by=None)
    ask(elsewhere, theirs)
    assert list(young_people_visible_to(member)) == [enrolled]
    assert nowhere not in young_people_visible_to(member)
    assert set(enrolments_visible_to(member).values_list("young_person", flat=True)) == {enrolled.pk, left.pk}


def test_families_see_only_their_own_places(make_user):
    opportunity = open_opportunity(capacity=5)
    guardian, child = family_child(make_user)
    _other_guardian, other_child = family_child(make_user)
    young_user = make_user(Role.YOUNG_PERSON)
    young = YoungPersonFactory(user=young_user, date_of_birth=born_for(14))
    mine, theirs, own = ask(child, opportunity), ask(other_child, opportunity), ask(young, opportunity)
    assert list(enrolments_visible_to(guardian)) == [mine]
    assert list(enrolments_visible_to(young_user)) == [own]
    assert theirs not in enrolments_visible_to(make_user(Role.MUSIC_LEADER))
    assert enrolments_visible_to(make_user(Role.HUB_STAFF)).count() == 3


# ---- The demo ---------------------------------------------------------------------------------------------


def test_the_demo_has_a_realistic_spread_of_places_and_links_the_demo_parent(settings):
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count, F, Q

    from musichub.offer.demo_joining import KEEP_FREE_SLUG, link_demo_login_places, load_demo_enrolments

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    link_demo_login_places()  # seed_demo links the logins after the loaders ran
    holds = Count("enrolments", filter=Q(enrolments__status__in=Enrolment.HOLDS_A_PLACE))
    waiting = Count("enrolments", filter=Q(enrolments__status=S.WAITING))
    opportunities = Opportunity.objects.filter(capacity__isnull=False, how_to_join="enrol").annotate(
        taken=holds, waiting=waiting
    )
    assert not opportunities.filter(taken__gt=F("capacity")).exists()  # never overbooked
    full = opportunities.filter(taken=F("capacity"), waiting__gt=0)
    assert 12 <= full.count() <= 16
    assert all(1 <= o.waiting <= 13 for o in full)
    assert Enrolment.objects.filter(status=S.OFFERED, offer_expires_at__gt=timezone.now()).count() >= 3
    assert Enrolment.objects.filter(status=S.APPLIED).exists()
    drums = Opportunity.objects.get(slug=KEEP_FREE_SLUG)
    assert drums.enrolments.filter(status__in=Enrolment.HOLDS_A_PLACE).count() < drums.capacity
    parent_places = Enrolment.objects.filter(young_person__family__guardians__username="parent")
    assert set(parent_places.values_list("status", flat=True)) == {S.ENROLLED, S.WAITING}
    count = Enrolment.objects.count()
    load_demo_enrolments()
    link_demo_login_places()
    assert Enrolment.objects.count() == count  # idempotent
