"""Staff importing in the browser: the history, upload and preview, confirm once, cancel, the problems table."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.people.imports import confirm_import
from musichub.people.models import ImportRun, PopulationFigure, School

from .test_imports import GIAS_COLUMNS, csv_bytes, school

pytestmark = pytest.mark.django_db

HISTORY = reverse("people:imports")
NEW = reverse("people:import_new")


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """Uploads go to this test's own folder (the field's storage is built once, when the model loads)."""
    storage = FileSystemStorage(location=tmp_path / "private-media")
    monkeypatch.setattr(ImportRun._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def upload(client, data: bytes, kind="schools", name="gias.csv", **fields):
    return client.post(NEW, {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv"), **fields})


def gias(*urns, **changes) -> bytes:
    return csv_bytes([school(urn, **changes) for urn in urns], GIAS_COLUMNS)


def stored_files() -> list[str]:
    storage = ImportRun._meta.get_field("file").storage
    if not storage.exists("imports"):
        return []
    return [
        name for folder in storage.listdir("imports")[0] for name in storage.listdir(f"imports/{folder}")[1]
    ]


# ---- History -------------------------------------------------------------------------------------------------


def test_the_history_lists_imports_newest_first_with_their_outcome(staff_client, staff):
    ImportRun.objects.create(
        kind="postcodes", status="completed", filename="older.csv", counts={"created": 7}
    )
    ImportRun.objects.create(
        kind="schools", status="rejected", filename="newer.csv", counts={"problems": 3}, started_by=staff
    )

    html = staff_client.get(HISTORY).content.decode()

    assert html.index("newer.csv") < html.index("older.csv")
    assert "3 problems" in html
    assert "7 new, 0 updated, 0 unchanged, 0 skipped" in html
    assert "tag--rejected" in html and "a command on the server" in html


def test_the_history_says_so_when_nothing_has_been_imported(staff_client):
    response = staff_client.get(HISTORY)

    assert "Nothing has been imported yet." in response.content.decode()


def test_the_history_is_paginated_and_its_query_count_does_not_grow(
    staff_client, staff, django_assert_num_queries
):
    def make(n):
        ImportRun.objects.bulk_create(
            ImportRun(kind="schools", status="completed", filename=f"file-{i}.csv", started_by=staff)
            for i in range(n)
        )

    make(3)
    with django_assert_num_queries(
        5
    ) as few:  # session, user, count, the hub's name, page (with who started each)
        staff_client.get(HISTORY)
    make(40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff_client.get(HISTORY)

    assert len(response.context["page"].object_list) == 20
    assert "Page 1 of 3" in response.content.decode()


def test_people_without_the_import_permission_cannot_upload_or_confirm(client, make_user):
    run = ImportRun.objects.create(kind="schools", status="previewed", filename="gias.csv")
    client.force_login(make_user(Role.PARTNER_MEMBER))

    assert upload(client, gias(990001)).status_code == 403
    assert client.post(reverse("people:import_confirm", args=[run.pk])).status_code == 403
    assert client.get(HISTORY).status_code == 403

    run.refresh_from_db()
    assert run.status == "previewed"
    assert not School.objects.exists() and ImportRun.objects.count() == 1


# ---- Upload, preview, confirm ----------------------------------------------------------------------------------


def test_an_upload_is_checked_and_previewed_without_writing_anything(staff_client):
    School.objects.create(urn=990001, name="Old name")

    response = upload(staff_client, gias(990001, 990002, 990003), la="852")

    run = ImportRun.objects.get()
    assert response.url == reverse("people:import_detail", args=[run.pk])
    assert run.status == ImportRun.Status.PREVIEWED
    assert (run.counts["created"], run.counts["updated"]) == (2, 1)
    assert run.options == {"la": "852"}
    assert list(School.objects.values_list("name", flat=True)) == ["Old name"]
    html = staff_client.get(response.url).content.decode()
    assert "What importing this file would do" in html
    assert "Confirm the import" in html


def test_confirming_imports_the_stored_file_once_even_when_confirmed_twice(staff_client, staff):
    upload(staff_client, gias(990001, 990002))
    run = ImportRun.objects.get()
    confirm = reverse("people:import_confirm", args=[run.pk])

    staff_client.post(confirm)
    School.objects.filter(urn=990001).update(name="Changed since")
    response = staff_client.post(confirm, follow=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts["created"] == 2 and run.finished_at is not None
    assert School.objects.get(urn=990001).name == "Changed since"  # the second click imported nothing
    assert "not waiting for confirmation any more" in response.content.decode()
    assert (
        AuditEntry.objects.filter(action="import.completed", object_id=str(run.pk), actor=staff).count() == 1
    )


def test_the_confirm_service_refuses_a_run_that_is_not_waiting(staff):
    run = ImportRun.objects.create(kind="schools", status="completed", filename="gias.csv")

    with pytest.raises(Exception, match="not waiting") as error:
        confirm_import(run=run, confirmed_by=staff)

    assert error.value.code == "not_waiting"


def test_a_file_that_changed_meaning_since_the_preview_is_rejected_on_confirm(staff_client):
    School.objects.create(urn=990001, name="One")
    upload(
        staff_client,
        b"URN,YearGroup,Characteristic,Value,Pupils\r\n990001,R,all,,30\r\n",
        kind="population",
        as_of="2025-01-16",
    )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    School.objects.all().delete()

    staff_client.post(reverse("people:import_confirm", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED
    assert run.problems[0]["problem"] == "There is no school with URN 990001: import the schools first."
    assert not PopulationFigure.objects.exists()


def test_a_population_upload_needs_its_as_of_date_and_nothing_is_stored_without_it(staff_client):
    response = upload(staff_client, b"URN,YearGroup,Characteristic,Value,Pupils\r\n", kind="population")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["as_of"] == ["Enter the date as of which the population figures hold"]
    assert "Choose the file again" in form.errors["file"][0]
    assert not ImportRun.objects.exists() and stored_files() == []


def test_a_file_with_problems_shows_them_by_row_and_column_and_cannot_be_confirmed(staff_client):
    rows = [school(990000 + n) for n in range(1, 30)]
    for row in rows[:25]:
        row["URN"] = "x" + row["URN"]

    response = upload(staff_client, csv_bytes(rows, GIAS_COLUMNS))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert stored_files() == []  # nothing more will be done with it
    html = staff_client.get(response.url).content.decode()
    assert "The file has 25 problems, so nothing was imported." in html
    assert "“x990001” is not a whole number." in html
    assert "Confirm the import" not in html
    page_2 = staff_client.get(response.url, {"page": 2}).content.decode()
    assert "“x990021” is not a whole number." in page_2 and "“x990001”" not in page_2

    staff_client.post(reverse("people:import_confirm", args=[run.pk]))
    assert not School.objects.exists()


def test_cancelling_deletes_the_stored_file_and_the_run_can_no_longer_be_confirmed(staff_client):
    upload(staff_client, gias(990001))
    run = ImportRun.objects.get()
    assert len(stored_files()) == 1

    staff_client.post(reverse("people:import_cancel", args=[run.pk]))
    staff_client.post(reverse("people:import_confirm", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert stored_files() == []
    assert not School.objects.exists()


def test_an_unknown_import_is_not_found(staff_client):
    assert staff_client.get(reverse("people:import_detail", args=[999999])).status_code == 404
    assert staff_client.post(reverse("people:import_confirm", args=[999999])).status_code == 404
