"""The stakeholder report: the five aims under their own headings (in the PDF too), the year's "what we learned"
stories, only suppressed figures, and a period with no data."""

import re
from datetime import date

import pytest
from django.urls import reverse

from musichub.core.models import InclusionAim
from musichub.core.roles import Role
from musichub.insights.filters import year_label
from musichub.insights.models import Learning
from musichub.insights.report import report_context, report_pdf, report_years
from musichub.insights.summaries import refresh

from .outputs_helpers import YEAR, pdf_titles, return_records


@pytest.fixture
def stories(hub):
    aims = {aim.number: aim for aim in InclusionAim.objects.all()}
    inside = Learning.objects.create(
        aim=aims[3],
        indicator="participants",
        title="Moved the Saturday choir to the east of the city",
        what_we_saw="Few young people from the east came.",
        what_we_changed="We moved the choir **closer** to them.",
        changed_on=date(YEAR + 1, 2, 1),
    )
    outside = Learning.objects.create(
        aim=aims[1],
        indicator="voice_acted_on",
        title="A story from another year",
        what_we_saw="-",
        what_we_changed="-",
        changed_on=date(YEAR - 1, 3, 1),
    )
    return inside, outside


def test_the_report_has_each_aim_with_its_stories_from_the_year(stories):
    inside, outside = stories
    context = report_context(YEAR)
    assert [aim["title"] for aim in context["aims"]] == list(
        InclusionAim.objects.values_list("title", flat=True)
    )
    by_number = {aim["number"]: aim for aim in context["aims"]}
    assert by_number[3]["stories"] == [inside]
    assert all(outside not in aim["stories"] for aim in context["aims"])


def test_the_pdf_carries_every_aims_heading(stories, rf):
    context = report_context(YEAR)
    pdf = report_pdf(context, base_url="http://testserver/")
    assert pdf.startswith(b"%PDF-")
    titles = pdf_titles(pdf)
    for aim in InclusionAim.objects.all():
        assert any(aim.title in title for title in titles), (aim.title, titles)
    assert any("Moved the Saturday choir to the east of the city" in title for title in titles)


def test_staff_download_the_pdf_and_see_the_page(client, staff, stories):
    client.force_login(staff)
    response = client.get(reverse("insights:report_pdf"), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="impact-report-{YEAR}-{str(YEAR + 1)[-2:]}.pdf"' in response["Content-Disposition"]
    page = client.get(reverse("insights:report"), {"year": YEAR}).content.decode()
    for aim in InclusionAim.objects.all():
        assert f"{aim.number}. {aim.title}" in page
    assert "We moved the choir <strong>closer</strong> to them." in page  # Markdown, sanitised


def test_the_report_shows_only_suppressed_counts(client, staff, hub):
    return_records()  # seven young people take part, three of them on free school meals
    client.force_login(staff)
    html = client.get(reverse("insights:report"), {"year": YEAR}).content.decode()
    shown = re.findall(r"<(?:dd|td)>\s*([\d,]+)\s*</(?:dd|td)>", html)
    assert shown, "the report shows some counts"
    assert not [n for n in shown if 0 < int(n.replace(",", "")) < 5]
    assert "fewer than 5" in html


def test_a_period_with_no_data_gives_a_report_that_says_so(client, staff, hub):
    client.force_login(staff)
    empty = report_years()[-1]
    html = client.get(reverse("insights:report"), {"year": empty}).content.decode()
    assert f"There are no records of activity for {year_label(empty)} yet" in html
    assert client.get(reverse("insights:report_pdf"), {"year": empty}).content.startswith(b"%PDF-")


def test_only_staff_see_the_report(client, make_user, hub):
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert client.get(reverse("insights:report")).status_code == 403
    assert client.get(reverse("insights:report_pdf")).status_code == 403


def test_the_report_page_takes_a_fixed_number_of_queries(
    client, staff, stories, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("insights:report")
    client.get(url, {"year": YEAR})  # the first look builds the dashboard's yearly summaries
    with django_assert_max_num_queries(30) as first:
        client.get(url, {"year": YEAR})
    return_records()
    refresh(report_context(YEAR)["years"])  # as the background task does after new records
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url, {"year": YEAR})
