"""Joining pages: asking for a place, the answer, offers, partners' enrolments, the demand dashboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer.joining import ask_for_a_place, withdraw
from musichub.offer.models import Enrolment
from musichub.offer.tests.factories import SessionFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.tests.factories import BarrierFactory, YoungPersonFactory

from .joining_helpers import born_for, family_child, open_opportunity

pytestmark = pytest.mark.django_db

S = Enrolment.Status


def ask(child, opportunity, by=None):
    return ask_for_a_place(young_person=child, opportunity=opportunity, requested_by=by)


def fill(opportunity, n):
    return [ask(YoungPersonFactory(date_of_birth=born_for(10)), opportunity) for _ in range(n)]


# ---- The opportunity page and asking ----------------------------------------------------------------------


def test_the_opportunity_page_invites_families_to_ask_and_visitors_to_sign_in(client, make_user):
    opportunity = open_opportunity()
    join_url = reverse("offer:join", args=[opportunity.slug])
    visitor = client.get(reverse("offer:detail", args=[opportunity.slug])).content.decode()
    assert "to ask for a place" in visitor and reverse("people:register") in visitor
    assert f'href="{join_url}"' not in visitor
    client.force_login(make_user(Role.GUARDIAN))
    guardian = client.get(reverse("offer:detail", args=[opportunity.slug])).content.decode()
    assert f'href="{join_url}"' in guardian
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert join_url not in client.get(reverse("offer:detail", args=[opportunity.slug])).content.decode()


def test_a_guardian_asks_for_a_place_with_a_barrier_and_sees_the_answer(client, make_user):
    opportunity = open_opportunity(capacity=1)
    fill(opportunity, 1)
    guardian, child = family_child(make_user, first_name="Amara")
    transport = BarrierFactory(name="Transport")
    client.force_login(guardian)
    page = client.get(reverse("offer:join", args=[opportunity.slug])).content.decode()
    assert "Amara" in page and "Why we ask" in page
    response = client.post(
        reverse("offer:join", args=[opportunity.slug]),
        {"young_person": child.pk, "barriers": [transport.pk], "note": ""},
    )
    enrolment = Enrolment.objects.get(young_person=child)
    assert response.status_code == 302 and response.url == reverse("offer:my_place", args=[enrolment.pk])
    assert enrolment.status == S.WAITING
    assert child.named_barriers.filter(barrier=transport).exists()
    answer = client.get(response.url).content.decode()
    assert "You are 1st on the waiting list" in answer


def test_a_guardian_cannot_ask_for_someone_elses_child(client, make_user):
    opportunity = open_opportunity()
    guardian, _child = family_child(make_user)
    _other, stranger = family_child(make_user)
    client.force_login(guardian)
    response = client.post(reverse("offer:join", args=[opportunity.slug]), {"young_person": stranger.pk})
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_a_refusal_is_shown_on_the_form_and_nothing_is_saved(client, make_user):
    opportunity = open_opportunity(min_age=8, max_age=9)
    guardian, child = family_child(make_user, age=12)
    client.force_login(guardian)
    response = client.post(reverse("offer:join", args=[opportunity.slug]), {"young_person": child.pk})
    assert response.status_code == 400
    assert "for ages 8 to 9" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_draft_has_no_join_page(client, make_user):
    opportunity = open_opportunity(status="draft")
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(reverse("offer:join", args=[opportunity.slug])).status_code == 404


# ---- Families' places ----------------------------------------------------------------------------------------


def test_families_see_only_their_own_places(client, make_user):
    opportunity = open_opportunity(capacity=5)
    guardian, child = family_child(make_user)
    other_guardian, other_child = family_child(make_user)
    mine, theirs = ask(child, opportunity), ask(other_child, opportunity)
    client.force_login(guardian)
    listing = client.get(reverse("offer:my_places")).content.decode()
    assert reverse("offer:my_place", args=[mine.pk]) in listing
    assert reverse("offer:my_place", args=[theirs.pk]) not in listing
    assert client.get(reverse("offer:my_place", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("offer:withdraw", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.ENROLLED


def test_an_offer_is_accepted_on_the_answer_page(client, make_user):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    withdraw(enrolment=holder, withdrawn_by=None)
    client.force_login(guardian)
    page = client.get(reverse("offer:my_place", args=[enrolment.pk])).content.decode()
    assert reverse("offer:accept_offer", args=[enrolment.pk]) in page and "Accept by" in page
    client.post(reverse("offer:accept_offer", args=[enrolment.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == S.ENROLLED


def test_a_late_acceptance_shows_why_and_the_place_is_gone(client, make_user):
    opportunity = open_opportunity(capacity=1)
    (holder,) = fill(opportunity, 1)
    guardian, child = family_child(make_user)
    enrolment = ask(child, opportunity, guardian)
    withdraw(enrolment=holder, withdrawn_by=None)
    Enrolment.objects.filter(pk=enrolment.pk).update(offer_expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(guardian)
    response = client.post(reverse("offer:accept_offer", args=[enrolment.pk]), follow=True)
    assert "the place has gone to the next person" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == S.EXPIRED


def test_the_places_list_takes_a_fixed_number_of_queries(client, make_user, django_assert_num_queries):
    guardian = make_user(Role.GUARDIAN)
    for _n in range(3):
        _g, child = family_child(make_user, guardian=guardian)
        ask(child, open_opportunity(capacity=5))
    client.force_login(guardian)
    with django_assert_num_queries(5):  # session, user, count, hub identity, page
        client.get(reverse("offer:my_places"))
    for _n in range(4):
        _g, child = family_child(make_user, guardian=guardian)
        ask(child, open_opportunity(capacity=5))
    with django_assert_num_queries(5):
        client.get(reverse("offer:my_places"))


# ---- Partners and staff --------------------------------------------------------------------------------------


@pytest.fixture
def member(make_user):
    return make_user(Role.PARTNER_MEMBER)


def test_a_partner_member_sees_their_opportunitys_enrolments_in_order(client, make_user, member):
    opportunity = open_opportunity(capacity=1)
    PartnerMembershipFactory(user=member, partner=opportunity.partner)
    _g, first = family_child(make_user, first_name="Zed")
    _g, second = family_child(make_user, first_name="Bea")
    _g, third = family_child(make_user, first_name="Cal")
    for child in (first, second, third):
        ask(child, opportunity)
    client.force_login(member)
    page = client.get(reverse("offer:enrolments", args=[opportunity.pk])).content.decode()
    assert page.index("Zed") < page.index("Bea") < page.index("Cal")
    assert "number 1 in the queue" in page and "number 2 in the queue" in page
    assert "Waiting" in page or "waiting list" in page


def test_another_partners_member_is_refused(client, member):
    opportunity = open_opportunity()
    fill(opportunity, 1)
    client.force_login(member)
    assert client.get(reverse("offer:enrolments", args=[opportunity.pk])).status_code == 403
    assert client.post(reverse("offer:offer_next", args=[opportunity.pk])).status_code == 403


def test_staff_take_a_young_person_off_with_a_reason_and_the_next_is_offered(client, staff):
    opportunity = open_opportunity(capacity=1)
    holder, waiting = fill(opportunity, 2)
    client.force_login(staff)
    url = reverse("offer:withdraw_enrolment", args=[opportunity.pk, holder.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    holder.refresh_from_db()
    assert holder.status == S.ENROLLED
    client.post(url, {"reason": "Family moved away"})
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, waiting.status) == (S.WITHDRAWN, S.OFFERED)
    assert AuditEntry.objects.filter(action="enrolment.withdrawn", detail="Family moved away").exists()


def test_staff_offer_the_next_place_by_hand(client, staff):
    opportunity = open_opportunity(capacity=1)
    _holder, waiting = fill(opportunity, 2)
    opportunity.capacity = 2
    opportunity.save()
    client.force_login(staff)
    client.post(reverse("offer:offer_next", args=[opportunity.pk]))
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    assert AuditEntry.objects.filter(action="enrolment.offered", actor=staff).exists()


def test_the_enrolments_page_takes_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    opportunity = open_opportunity(capacity=2)
    fill(opportunity, 3)
    client.force_login(staff)
    with django_assert_num_queries(7):  # session, user, opportunity, counts, page count, hub identity, page
        client.get(reverse("offer:enrolments", args=[opportunity.pk]))
    fill(opportunity, 8)
    with django_assert_num_queries(7):
        client.get(reverse("offer:enrolments", args=[opportunity.pk]))


def test_the_demand_dashboard_shows_full_and_under_filled_opportunities(
    client, staff, django_assert_num_queries
):
    today = timezone.localdate()
    full = open_opportunity(capacity=1, title="Packed samba", min_age=0, max_age=25)
    fill(full, 4)
    quiet = open_opportunity(capacity=10, title="Quiet strings", min_age=0, max_age=25)
    SessionFactory(opportunity=quiet, date=today + timedelta(days=10))
    fill(quiet, 2)
    later = open_opportunity(capacity=10, title="Far-off choir", min_age=0, max_age=25)
    SessionFactory(opportunity=later, date=today + timedelta(days=60))
    busy = open_opportunity(capacity=4, title="Busy brass", min_age=0, max_age=25)
    SessionFactory(opportunity=busy, date=today + timedelta(days=10))
    fill(busy, 2)
    client.force_login(staff)
    with django_assert_num_queries(7):  # session, user, 2 counts, hub identity, 2 pages
        page = client.get(reverse("offer:demand")).content.decode()
    full_part, under_part = page.split("Under-filled")
    assert "Packed samba" in full_part and "1 / 1" in full_part and ">3<" in full_part
    assert "Quiet strings" in under_part
    assert "Far-off choir" not in page and "Busy brass" not in page
