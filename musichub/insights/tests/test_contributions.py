"""Partner contributions: figures that cannot be true are refused with a clear message, staff review them, and
only accepted ones reach the return. Partner members see and change only their own partner's."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.insights.contributions import (
    city_pupils,
    review_contribution,
    school_roll,
    submit_contribution,
    update_contribution,
)
from musichub.insights.filters import current_year
from musichub.insights.forms_outputs import ContributionForm
from musichub.insights.models import PartnerContribution
from musichub.partners.tests.factories import PartnerFactory, PartnerMembershipFactory
from musichub.people.models import PopulationFigure
from musichub.people.tests.factories import SchoolFactory

THIS_YEAR = current_year()


@pytest.fixture
def schools(db):
    """The city: three open schools with 200, 300 and 500 pupils on roll (GIAS), and one closed school."""
    found = [
        SchoolFactory(name="Anchor Primary", number_of_pupils=200),
        SchoolFactory(name="Beacon Secondary", number_of_pupils=300),
        SchoolFactory(name="Cedar Academy", number_of_pupils=500),
    ]
    SchoolFactory(name="Old School", is_open=False, number_of_pupils=900)
    return found


@pytest.fixture
def member(make_user):
    user = make_user(Role.PARTNER_MEMBER, username="pat", email="pat@example.org")
    PartnerMembershipFactory(user=user)
    return user


def form_data(**changes) -> dict:
    data = {
        "year": THIS_YEAR,
        "section": "singing",
        "description": "Singing assemblies in three schools",
        "school": "",
        "young_people": "60",
        "young_people_fsm": "20",
        "young_people_send": "5",
        "schools": "3",
        "groups": "3",
        "sessions": "30",
    }
    return {**data, **changes}


def errors_of(**changes) -> dict:
    form = ContributionForm(form_data(**changes))
    assert not form.is_valid()
    return {field: " ".join(messages) for field, messages in form.errors.items()}


# ---- What can be true ---------------------------------------------------------------------------------------------


def test_good_figures_are_accepted_by_the_form(schools):
    form = ContributionForm(form_data())
    assert form.is_valid(), form.errors


def test_negative_numbers_are_refused_with_a_clear_message(schools):
    errors = errors_of(young_people="-3", sessions="-1")
    assert "cannot be negative" in errors["young_people"]
    assert "cannot be negative" in errors["sessions"]


def test_a_number_that_is_not_whole_is_refused(schools):
    assert "Enter a whole number" in errors_of(schools="two")["schools"]


def test_parts_bigger_than_the_whole_are_refused(schools):
    errors = errors_of(young_people="10", young_people_fsm="12", young_people_send="11")
    assert "12 young people on free school meals is more than the 10 reached" in errors["young_people_fsm"]
    assert (
        "11 young people with special educational needs is more than the 10 reached"
        in errors["young_people_send"]
    )


def test_more_young_people_than_the_school_has_on_roll_are_refused(schools):
    anchor = schools[0]
    errors = errors_of(school=str(anchor.pk), young_people="250", young_people_fsm="0", schools="1")
    assert (
        "Anchor Primary has 200 pupils on roll, so the work there cannot have reached 250"
        in errors["young_people"]
    )
    assert ContributionForm(form_data(school=str(anchor.pk), young_people="200", schools="1")).is_valid()


def test_the_population_import_gives_the_roll_when_there_is_one(schools):
    anchor = schools[0]  # 200 in GIAS, but the pupil census says 90 (the latest one counts)
    PopulationFigure.objects.create(
        as_of=date(2020, 1, 16), school=anchor, year_group="3", characteristic="all", pupils=400
    )
    for group, pupils in (("3", 45), ("4", 45)):
        PopulationFigure.objects.create(
            as_of=date(2024, 1, 18), school=anchor, year_group=group, characteristic="all", pupils=pupils
        )
    PopulationFigure.objects.create(
        as_of=date(2024, 1, 18), school=anchor, year_group="3", characteristic="fsm", pupils=30
    )
    assert school_roll(anchor) == 90
    assert (
        "has 90 pupils on roll"
        in errors_of(school=str(anchor.pk), young_people="95", schools="1")["young_people"]
    )


def test_more_young_people_than_the_citys_pupils_are_refused(schools):
    assert city_pupils() == 1000  # open schools only
    errors = errors_of(young_people="1500", young_people_fsm="0", young_people_send="0")
    assert "1,500 young people is more than all 1,000 pupils in the city's schools" in errors["young_people"]


def test_more_schools_than_the_city_has_or_several_with_one_named_are_refused(schools):
    assert "The city has 3 open schools" in errors_of(schools="4")["schools"]
    assert (
        "You named one school"
        in errors_of(school=str(schools[0].pk), schools="2", young_people="50")["schools"]
    )


def test_a_contribution_with_nothing_in_it_is_refused(schools):
    zeros = dict.fromkeys(
        ["young_people", "young_people_fsm", "young_people_send", "schools", "groups", "sessions"], ""
    )
    form = ContributionForm(form_data(**zeros))
    assert not form.is_valid()
    assert "Enter at least one figure" in " ".join(form.non_field_errors())


def test_contact_details_in_the_description_are_refused(schools):
    assert "Leave out email addresses" in errors_of(description="Ask jo.bloggs@example.org")["description"]
    assert "Leave out email addresses" in errors_of(description="Call 07700 900123 for names")["description"]


def test_a_year_not_offered_is_refused(schools):
    assert "year" in errors_of(year=str(THIS_YEAR - 5))


def test_the_service_refuses_impossible_figures_too(schools, member):
    partner = member.partner_membership.partner
    with pytest.raises(ValidationError) as refused:
        submit_contribution(
            partner=partner, submitted_by=member, year=THIS_YEAR, section="singing", description="x",
            young_people=5, young_people_fsm=9,
        )  # fmt: skip
    assert "young_people_fsm" in refused.value.message_dict
    assert not PartnerContribution.objects.exists()


# ---- Sending, reviewing, changing --------------------------------------------------------------------------------


def _submitted(partner, user, **figures):
    fields = {
        "year": THIS_YEAR,
        "section": "singing",
        "description": "Singing assemblies",
        "young_people": 60,
    }
    return submit_contribution(partner=partner, submitted_by=user, **{**fields, **figures})


def test_sent_figures_wait_for_review_and_are_audited(schools, member):
    contribution = _submitted(member.partner_membership.partner, member)
    assert contribution.status == PartnerContribution.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="contribution.submitted", object_id=str(contribution.pk)).exists()


def test_returning_figures_needs_a_note_and_tells_the_partner(schools, member, staff):
    contribution = _submitted(member.partner_membership.partner, member)
    with pytest.raises(ValidationError, match="Say what the partner should change"):
        review_contribution(contribution=contribution, reviewed_by=staff, accept=False, note=" ")
    review_contribution(
        contribution=contribution, reviewed_by=staff, accept=False, note="Count each pupil once."
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.review_note, contribution.reviewed_by) == (
        "returned",
        "Count each pupil once.",
        staff,
    )
    email = OutgoingEmail.objects.get(to="pat@example.org")
    assert "Count each pupil once." in email.body and "/insights/contributions/" in email.body


def test_changed_figures_go_back_for_review_but_accepted_ones_are_locked(schools, member, staff):
    contribution = _submitted(member.partner_membership.partner, member)
    review_contribution(contribution=contribution, reviewed_by=staff, accept=False, note="Check the schools.")
    update_contribution(contribution=contribution, updated_by=member, young_people=55, schools=2)
    contribution.refresh_from_db()
    assert (contribution.status, contribution.young_people) == ("submitted", 55)

    review_contribution(contribution=contribution, reviewed_by=staff, accept=True)
    with pytest.raises(ValidationError) as locked:
        update_contribution(contribution=contribution, updated_by=member, young_people=99)
    assert locked.value.code == "accepted"
    contribution.refresh_from_db()
    assert contribution.young_people == 55


# ---- The pages -----------------------------------------------------------------------------------------------------


def test_a_partner_member_sends_figures_and_sees_only_their_own(client, schools, member):
    other = PartnerFactory(name="Other Partner")
    PartnerContribution.objects.create(
        partner=other, year=THIS_YEAR, section="singing", description="Theirs", young_people=9
    )
    client.force_login(member)
    response = client.post(reverse("insights:contribution_create"), form_data())
    assert response.status_code == 302
    mine = PartnerContribution.objects.get(partner=member.partner_membership.partner)
    assert (mine.young_people, mine.submitted_by) == (60, member)
    html = client.get(reverse("insights:contributions")).content.decode()
    assert "Singing assemblies in three schools" in html and "Theirs" not in html


def test_the_form_page_shows_what_is_wrong(client, schools, member):
    client.force_login(member)
    response = client.post(reverse("insights:contribution_create"), form_data(young_people="-4"))
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert not PartnerContribution.objects.exists()


def test_another_partners_figures_are_refused_and_unknown_ones_are_404(client, schools, member):
    theirs = PartnerContribution.objects.create(
        partner=PartnerFactory(), year=THIS_YEAR, section="singing", description="Theirs", young_people=9
    )
    client.force_login(member)
    assert client.get(reverse("insights:contribution_edit", args=[theirs.pk])).status_code == 403
    assert (
        client.post(reverse("insights:contribution_edit", args=[theirs.pk]), form_data()).status_code == 403
    )
    assert client.get(reverse("insights:contribution_edit", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.young_people == 9


def test_staff_review_from_the_queue(client, schools, member, staff):
    contribution = _submitted(member.partner_membership.partner, member)
    client.force_login(staff)
    url = reverse("insights:contribution_review", args=[contribution.pk])
    refused = client.post(url, {"decision": "return", "note": ""})
    assert refused.status_code == 400 and "Say what the partner should change" in refused.content.decode()
    client.post(url, {"decision": "accept", "note": ""})
    contribution.refresh_from_db()
    assert contribution.status == "accepted"


def test_only_staff_review_and_only_partner_members_send(client, schools, member, staff):
    client.force_login(member)
    assert client.get(reverse("insights:contribution_review_list")).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("insights:contribution_create")).status_code == 403


def test_the_lists_queries_do_not_grow_with_rows(client, schools, member, staff, django_assert_num_queries):
    partner = member.partner_membership.partner

    def add(n):
        PartnerContribution.objects.bulk_create(
            PartnerContribution(partner=partner, year=THIS_YEAR, section="singing", description=f"Work {i}",
                                young_people=10, school=schools[0])
            for i in range(n)
        )  # fmt: skip

    add(3)
    client.force_login(staff)
    review = reverse("insights:contribution_review_list")
    # session, user, waiting count, page count, the hub's identity (layout), page
    with django_assert_num_queries(6):
        client.get(review)
    client.force_login(member)
    mine = reverse("insights:contributions")
    # session, user, membership, page count, the hub's identity (layout), page
    with django_assert_num_queries(6):
        client.get(mine)
    add(30)
    with django_assert_num_queries(6):
        assert len(client.get(mine).context["page"].object_list) == 25
    client.force_login(staff)
    with django_assert_num_queries(6):
        client.get(review)
