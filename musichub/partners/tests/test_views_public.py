"""The public pages: the directory, a partner's page, and the "Becoming a Hub Partner" form."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from musichub.core.models import ContentBlock, InclusionAim, OutgoingEmail, Setting
from musichub.partners.models import OrganisationType, Partner, PartnerApplication

from .factories import ActivityKindFactory, GenreFactory, InstrumentFactory, PartnerFactory, pdf_upload

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("partners:directory")
BECOME = reverse("partners:become")


def names_in_order(response, names):
    html = response.content.decode()
    return sorted(names, key=lambda name: html.index(name))


# ---- The directory ---------------------------------------------------------------------------------------


def test_the_directory_lists_only_published_partners(client, hub):
    PartnerFactory(name="Shown Choir")
    PartnerFactory(name="Hidden Band", is_published=False)
    response = client.get(DIRECTORY)
    assert "Shown Choir" in response.text
    assert "Hidden Band" not in response.text


def test_the_directory_puts_the_lead_partner_first_then_local_regional_and_national(client, hub):
    PartnerFactory(name="Aardvark National", level=Partner.Level.NATIONAL)
    PartnerFactory(name="Badger Regional", level=Partner.Level.REGIONAL)
    PartnerFactory(name="Cormorant Local", level=Partner.Level.LOCAL)
    PartnerFactory(name="Zebra Music Service", level=Partner.Level.LEAD)
    response = client.get(DIRECTORY)
    names = ["Zebra Music Service", "Cormorant Local", "Badger Regional", "Aardvark National"]
    assert names_in_order(response, names) == names
    headings = re.findall(r"<h2 id=\"level-\w+\">([^<]+)</h2>", response.text)
    assert headings == ["Lead partner", "Local partners", "Regional partners", "National partners"]


@pytest.mark.parametrize("dimension", ["organisation_type", "genre", "instrument", "activity", "setting"])
def test_the_directory_filters_by_type_and_by_what_partners_offer(client, hub, dimension):
    genre, instrument, kind = (
        GenreFactory(slug="grime"),
        InstrumentFactory(slug="decks"),
        ActivityKindFactory(slug="dj"),
    )
    match = PartnerFactory(
        name="Matching Partner", organisation_type=OrganisationType.VENUE, offers_online=True
    )
    match.genres.set([genre])
    match.instruments.set([instrument])
    match.activity_kinds.set([kind])
    PartnerFactory(name="Other Partner", organisation_type=OrganisationType.CHARITY)
    value = {
        "organisation_type": "venue",
        "genre": "grime",
        "instrument": "decks",
        "activity": "dj",
        "setting": Setting.ONLINE,
    }[dimension]
    response = client.get(DIRECTORY, {dimension: value})
    assert "Matching Partner" in response.text
    assert "Other Partner" not in response.text
    # The filter form shows the choice, so the visitor sees why the list is shorter.
    assert re.search(rf'<option value="{value}" selected>', response.text)


def test_unknown_filter_values_are_ignored_and_every_partner_is_shown(client, hub):
    PartnerFactory(name="Any Partner")
    response = client.get(
        DIRECTORY,
        {"organisation_type": "spaceship", "genre": "no-such", "setting": "moon", "page": "x", "utm": "1"},
    )
    assert response.status_code == 200
    assert "Any Partner" in response.text
    assert "Clear filters" not in response.text


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_the_filters(client, hub):
    PartnerFactory(name="Any Partner", organisation_type=OrganisationType.CHARITY)
    response = client.get(DIRECTORY, {"organisation_type": "school"})
    assert "No partners match these filters." in response.text
    assert f'href="{DIRECTORY}">Clear the filters to see every partner' in response.text


def test_an_empty_directory_says_no_partners_are_listed_yet(client, hub):
    PartnerFactory(is_published=False)
    response = client.get(DIRECTORY)
    assert "No partners are listed yet." in response.text


def test_the_directory_shows_twenty_partners_a_page(client, hub):
    PartnerFactory.create_batch(25)
    first = client.get(DIRECTORY)
    second = client.get(DIRECTORY, {"page": 2})
    assert first.text.count('class="card partner-card"') == 20
    assert second.text.count('class="card partner-card"') == 5
    assert "Page 2 of 2" in second.text


def _directory_queries(client, django_assert_num_queries, count):
    kind = ActivityKindFactory()
    for partner in PartnerFactory.create_batch(count):
        partner.activity_kinds.set([kind])
    # hub identity, count, page of partners, their kinds of activity, the three catalogues of the filters
    with django_assert_num_queries(7):
        response = client.get(DIRECTORY)
    assert response.text.count('class="card partner-card"') == 20


@pytest.mark.parametrize("count", [20, 40])
def test_the_directory_query_count_does_not_grow_with_the_number_of_partners(
    client, hub, django_assert_num_queries, count
):
    _directory_queries(client, django_assert_num_queries, count)


# ---- A partner's page ------------------------------------------------------------------------------------


def test_a_partners_page_shows_its_description_offer_aims_and_contact(client, hub):
    partner = PartnerFactory(
        name="Kestrel Brass Band",
        description="We **play** brass.",
        role_in_hub="Runs the city's *brass* ensembles.",
        website="https://kestrel.example.org",
        public_email="hello@kestrel.example.org",
        offers_in_school=True,
    )
    partner.genres.set([GenreFactory(name="Brass band")])
    partner.aims.set([InclusionAim.objects.get(number=3)])
    response = client.get(reverse("partners:detail", args=[partner.slug]))
    assert "<h1>Kestrel Brass Band</h1>" in response.text
    assert "We <strong>play</strong> brass." in response.text
    assert "Runs the city's <em>brass</em> ensembles." in response.text
    assert "Brass band" in response.text
    assert "In school" in response.text
    assert InclusionAim.objects.get(number=3).title in response.text
    assert 'href="https://kestrel.example.org"' in response.text
    assert 'href="mailto:hello@kestrel.example.org"' in response.text


def test_a_partners_markdown_cannot_inject_a_script(client, hub):
    partner = PartnerFactory(description="<script>alert(1)</script> [x](javascript:alert(1))")
    response = client.get(reverse("partners:detail", args=[partner.slug]))
    assert "<script>alert(1)" not in response.text
    assert "javascript:alert" not in response.text


def test_an_unpublished_partner_has_no_public_page(client, hub):
    partner = PartnerFactory(is_published=False)
    assert client.get(reverse("partners:detail", args=[partner.slug])).status_code == 404
    assert client.get(reverse("partners:detail", args=["no-such-partner"])).status_code == 404


# ---- Becoming a partner ----------------------------------------------------------------------------------


def answers(**changes):
    aim = InclusionAim.objects.get(number=1)
    data = {
        "organisation_name": "Lantern Steel Pan Collective",
        "organisation_type": "community_group",
        "website": "lantern.example.org",
        "contact_name": "Robin Fairweather",
        "contact_email": "robin@lantern.example.org",
        "contact_phone": "",
        "settings": ["out_of_school"],
        "aims": [str(aim.pk)],
        "aims_contribution": "Free sessions on the estates.",
        "young_people_reached": "Sixty young people a week.",
        "safeguarding_lead_name": "Sam Safe",
        "safeguarding_lead_email": "safe@lantern.example.org",
        "safeguarding_policy": pdf_upload(),
        "consent_to_contact": "on",
        "fax": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_become_page_shows_the_staff_text_about_partnership(client, hub):
    ContentBlock.objects.create(key="become-partner", title="Becoming", body="Partners **share** our aims.")
    response = client.get(BECOME)
    assert "Partners <strong>share</strong> our aims." in response.text


def test_the_become_page_explains_partnership_when_staff_have_written_nothing(client, hub):
    response = client.get(BECOME)
    assert "Hub partners are organisations that share our aim" in response.text


def test_the_application_form_sends_files_and_leaves_checking_to_the_server(client, hub):
    response = client.get(BECOME)
    form = re.search(r"<form method=\"post\"[^>]*>", response.text).group(0)
    assert 'enctype="multipart/form-data"' in form
    assert "novalidate" in form
    assert 'class="honeypot"' in response.text
    honeypot = re.search(r'<input[^>]*name="fax"[^>]*>', response.text).group(0)
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert '<label for="id_fax" class="label">Leave this empty' in response.text


def test_a_complete_application_is_stored_acknowledged_and_thanked(client, hub):
    response = client.post(BECOME, answers())
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:become_thanks")
    application = PartnerApplication.objects.get()
    assert application.organisation_name == "Lantern Steel Pan Collective"
    assert application.website == "https://lantern.example.org"
    assert application.offers_out_of_school and not application.offers_in_school
    assert set(OutgoingEmail.objects.values_list("to", flat=True)) == {
        "robin@lantern.example.org",
        hub.contact_email,
    }
    thanks = client.get(response["Location"])
    assert "Thank you: your application is sent" in thanks.text


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("organisation_name", "", "Enter the organisation&#x27;s name"),
        ("organisation_type", "", "Choose the type of organisation"),
        ("contact_email", "robin at lantern", "Enter an email address in the correct format"),
        ("aims", [], "Choose at least one inclusion aim"),
        ("young_people_reached", "", "Tell us about the young people you already reach"),
        ("safeguarding_policy", None, "Choose your safeguarding policy (a PDF file)"),
        ("consent_to_contact", None, "Confirm that the hub may contact you about your application"),
    ],
)
def test_each_missing_answer_gets_a_message_linked_from_the_summary(client, hub, field, value, message):
    response = client.post(BECOME, answers(**{field: value}))
    assert response.status_code == 200
    assert not PartnerApplication.objects.exists()
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S).group(0)
    assert message in summary
    target = f"id_{field}_0" if field in ("organisation_type", "aims") else f"id_{field}"
    assert f'href="#{target}"' in summary
    assert f'id="id_{field}_error"' in response.text


def test_a_policy_that_is_not_a_pdf_is_refused_with_a_clear_message(client, hub):
    fake = SimpleUploadedFile("policy.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(BECOME, answers(safeguarding_policy=fake))
    assert "The file must be a PDF." in response.text
    assert not PartnerApplication.objects.exists()


def test_answers_are_kept_and_the_file_asked_for_again_when_other_answers_have_problems(client, hub):
    response = client.post(BECOME, answers(contact_name="", aims_contribution="Free sessions for all."))
    assert 'value="Lantern Steel Pan Collective"' in response.text
    assert "Free sessions for all.</textarea>" in response.text
    assert re.search(r'value="community_group"[^>]*checked', response.text)
    assert "Choose the safeguarding policy file again" in response.text


def test_a_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(client, hub):
    response = client.post(BECOME, answers(fax="buy cheap watches"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:become_thanks")
    assert not PartnerApplication.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_after_five_applications_in_an_hour_the_form_says_so_and_keeps_the_answers(client, hub):
    for _ in range(5):
        assert client.post(BECOME, answers()).status_code == 302
    response = client.post(BECOME, answers(organisation_name="Sixth Collective"))
    assert response.status_code == 200
    assert "Too many applications have been sent from your connection" in response.text
    assert 'value="Sixth Collective"' in response.text
    assert PartnerApplication.objects.count() == 5


def test_mistakes_do_not_count_towards_the_rate_limit(client, hub):
    for _ in range(6):
        client.post(BECOME, answers(organisation_name=""))
    assert client.post(BECOME, answers()).status_code == 302
    assert PartnerApplication.objects.count() == 1
