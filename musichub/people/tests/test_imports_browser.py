"""Importing in a real Chromium: upload, preview, confirm, follow a running import, see a failed one; every page
passes axe (WCAG 2.2 AA) and fits 320 px."""

import pytest
from django.core.files.storage import FileSystemStorage

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.people.demo_imports import SAMPLE_DATA
from musichub.people.models import ImportRun, School

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    monkeypatch.setattr(
        ImportRun._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "private-media")
    )


def check(page, label):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    assert_accessible(page, f"{label} at 320px")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_upload_a_gias_file_read_its_report_and_confirm_it(page, demo_hub, tmp_path):
    errors = watch_console(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("staff")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto("/manage/imports/")
    check(page, "import history")
    page.get_by_role("link", name="Import a file").click()
    page.get_by_role("button", name="Check the file").click()
    assert page.locator(".error-summary").is_visible()
    check(page, "import form with errors")

    bad = tmp_path / "bad.csv"
    bad.write_bytes((SAMPLE_DATA / "gias_sample.csv").read_bytes().replace(b"\n990003,", b"\n99OOO3,"))
    page.get_by_label("Schools (GIAS)").check()
    page.get_by_label("The CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_text("“99OOO3” is not a whole number.").is_visible()
    check(page, "a rejected import's problems")

    page.goto("/manage/imports/new/")
    page.get_by_label("Schools (GIAS)").check()
    page.get_by_label("The CSV file").set_input_files(str(SAMPLE_DATA / "gias_sample.csv"))
    page.get_by_label("Local authority code").fill("852")
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", name="What importing this file would do").is_visible()
    check(page, "an import's preview")
    before = School.objects.count()

    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_load_state()

    assert page.get_by_text("The file is imported.").is_visible()
    check(page, "a completed import")
    run = ImportRun.objects.filter(filename="gias_sample.csv", status="completed").latest("pk")
    assert School.objects.count() == before + run.counts["created"]
    assert errors == [] or all("favicon" in error or "404" in error for error in errors)


def test_a_running_import_page_updates_its_progress_by_itself_then_shows_the_outcome(page, demo_hub):
    errors = watch_console(page)
    run = ImportRun.objects.create(
        kind="schools", status="running", filename="national.csv", rows=50000, rows_done=12000
    )
    failed = ImportRun.objects.create(
        kind="schools",
        status="failed",
        filename="broken.csv",
        rows=10,
        problems=[{"row": None, "column": "", "problem": "OperationalError: timeout", "expected": ""}],
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("staff")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"/manage/imports/{run.pk}/")
    assert page.get_by_text("12,000 of 50,000 rows checked").is_visible()
    assert page.get_by_role("link", name="Refresh").is_visible()
    check(page, "a running import")

    ImportRun.objects.filter(pk=run.pk).update(rows_done=30000)
    page.get_by_text("30,000 of 50,000 rows checked").wait_for()  # the script fetched it, no reload

    ImportRun.objects.filter(pk=run.pk).update(status="completed", rows_done=50000, counts={"created": 5})
    page.get_by_role("heading", name="What the import did").wait_for()  # finished: the page loads once

    page.goto(f"/manage/imports/{failed.pk}/")
    assert page.get_by_text("OperationalError: timeout").is_visible()
    assert page.get_by_role("button", name="Try again").is_visible()
    check(page, "a failed import")
    assert errors == [] or all("favicon" in error or "404" in error for error in errors)
