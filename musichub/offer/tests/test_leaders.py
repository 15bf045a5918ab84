"""Choosing who leads an opportunity's sessions: music leaders and the partner's own members, nobody else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.permissions import can
from musichub.core.roles import Role
from musichub.offer.services import eligible_leaders, set_leaders
from musichub.partners.tests.factories import PartnerMembershipFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity():
    return OpportunityFactory()


def test_leaders_are_music_leaders_or_members_of_its_partner(make_user, staff, opportunity):
    leader = make_user(Role.MUSIC_LEADER, last_name="Bell")
    member = make_user(Role.PARTNER_MEMBER, last_name="Shah")
    PartnerMembershipFactory(user=member, partner=opportunity.partner)
    other_member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=other_member)
    guardian = make_user(Role.GUARDIAN)
    assert set(eligible_leaders(opportunity)) == {leader, member}

    set_leaders(opportunity=opportunity, leaders=[leader, member], changed_by=staff)
    assert set(opportunity.leaders.all()) == {leader, member}
    assert AuditEntry.objects.filter(action="opportunity.leaders", object_id=str(opportunity.pk)).exists()
    for outsider in (other_member, guardian):
        with pytest.raises(ValidationError) as refused:
            set_leaders(opportunity=opportunity, leaders=[leader, outsider], changed_by=staff)
        assert refused.value.code == "not_a_leader"
    assert set(opportunity.leaders.all()) == {leader, member}  # unchanged by the refusals


def test_a_leader_may_take_its_registers_once_chosen(make_user, staff, opportunity):
    from musichub.offer.models import Session

    leader = make_user(Role.MUSIC_LEADER)
    session = Session.objects.create(
        opportunity=opportunity, date=opportunity.first_date, starts_at=opportunity.starts_at,
        ends_at=opportunity.ends_at,
    )  # fmt: skip
    assert not can(leader, "offer.take_registers", session)
    set_leaders(opportunity=opportunity, leaders=[leader], changed_by=staff)
    assert can(leader, "offer.take_registers", session)


def test_only_those_who_manage_it_choose_its_leaders(make_user, opportunity):
    other_member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=other_member)
    with pytest.raises(PermissionDenied):
        set_leaders(opportunity=opportunity, leaders=[], changed_by=other_member)


def test_the_page_saves_the_choice_and_shows_it(client, make_user, staff, opportunity):
    leader = make_user(Role.MUSIC_LEADER, first_name="Marcus", last_name="Bell")
    client.force_login(staff)
    url = reverse("offer:opportunity_leaders", args=[opportunity.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Marcus Bell" in page.content.decode()
    response = client.post(url, {"leaders": [leader.pk]})
    assert response.status_code == 302
    assert list(opportunity.leaders.all()) == [leader]
    overview = client.get(reverse("offer:opportunity_sessions", args=[opportunity.pk])).content.decode()
    assert "Marcus Bell" in overview
    refused = client.post(url, {"leaders": [999999]})
    assert refused.status_code == 400 and list(opportunity.leaders.all()) == [leader]


def test_another_partners_member_is_refused_the_page(client, make_user, opportunity):
    other_member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=other_member)
    client.force_login(other_member)
    assert client.get(reverse("offer:opportunity_leaders", args=[opportunity.pk])).status_code == 403
