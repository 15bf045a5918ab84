"""Staff importing in the browser: the history, upload and preview, confirm once (the import then runs in the
background), its progress, a failed import tried again, cancel, the problems table."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.people import imports
from musichub.people.imports import confirm_import, retry_import
from musichub.people.models import ImportRun, PopulationFigure, School
from musichub.people.tasks import run_confirmed_import

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


def test_the_history_shows_queued_running_and_failed_imports_with_their_tags(staff_client):
    ImportRun.objects.create(kind="schools", status="queued", filename="queued.csv", rows=50000)
    ImportRun.objects.create(
        kind="schools", status="running", filename="running.csv", rows=50000, rows_done=12000
    )
    ImportRun.objects.create(kind="schools", status="failed", filename="failed.csv", rows=10)

    html = staff_client.get(HISTORY).content.decode()

    assert '<span class="tag tag--queued">Waiting to run</span>' in html
    assert '<span class="tag tag--running">Importing</span>' in html
    assert '<span class="tag tag--failed">Failed: the platform could not finish</span>' in html
    assert "0 of 50,000 rows checked" in html and "12,000 of 50,000 rows checked" in html
    assert "Nothing imported: it can be tried again" in html


def test_people_without_the_import_permission_cannot_upload_confirm_or_retry(client, make_user):
    run = ImportRun.objects.create(kind="schools", status="previewed", filename="gias.csv")
    failed = ImportRun.objects.create(kind="schools", status="failed", filename="gias.csv")
    client.force_login(make_user(Role.PARTNER_MEMBER))

    assert upload(client, gias(990001)).status_code == 403
    assert client.post(reverse("people:import_confirm", args=[run.pk])).status_code == 403
    assert client.post(reverse("people:import_retry", args=[failed.pk])).status_code == 403
    assert client.get(HISTORY).status_code == 403

    run.refresh_from_db()
    failed.refresh_from_db()
    assert (run.status, failed.status) == ("previewed", "failed")
    assert not School.objects.exists() and ImportRun.objects.count() == 2


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


def test_confirming_queues_the_import_and_shows_its_page_at_once_then_the_task_imports_it(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, gias(990001, 990002, 990003))
    run = ImportRun.objects.get()

    with django_capture_on_commit_callbacks() as callbacks:  # the task is queued, not run, by the request
        response = staff_client.post(reverse("people:import_confirm", args=[run.pk]))

    assert response.url == reverse("people:import_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and run.finished_at is None
    assert not School.objects.exists() and len(callbacks) == 1
    html = staff_client.get(response.url).content.decode()
    assert "Waiting to run" in html and "0 of 3 rows checked" in html
    assert "The import has started. It runs in the background" in html

    callbacks[0]()  # what the worker does once the confirmation has committed

    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED and run.finished_at is not None
    assert run.counts["created"] == 3 and School.objects.count() == 3
    assert run.rows_done == run.rows == 3
    assert run.file  # kept, as before the import moved to the background


def test_confirming_imports_the_stored_file_once_even_when_confirmed_twice(
    staff_client, staff, django_capture_on_commit_callbacks
):
    upload(staff_client, gias(990001, 990002))
    run = ImportRun.objects.get()
    confirm = reverse("people:import_confirm", args=[run.pk])

    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs the task at once
        staff_client.post(confirm)
    School.objects.filter(urn=990001).update(name="Changed since")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(confirm, follow=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts["created"] == 2 and run.finished_at is not None
    assert callbacks == []  # nothing was queued the second time
    assert School.objects.get(urn=990001).name == "Changed since"  # the second click imported nothing
    assert "not waiting for confirmation any more" in response.content.decode()
    audit = AuditEntry.objects.filter(object_id=str(run.pk))
    assert audit.filter(action="import.confirmed", actor=staff).count() == 1
    assert audit.filter(action="import.completed").count() == 1


def test_a_second_confirmation_while_the_import_is_still_queued_is_refused(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, gias(990001))
    run = ImportRun.objects.get()
    confirm = reverse("people:import_confirm", args=[run.pk])

    with django_capture_on_commit_callbacks() as callbacks:
        staff_client.post(confirm)
        response = staff_client.post(confirm, follow=True)

    assert len(callbacks) == 1
    assert "it is “Waiting to run”" in response.content.decode()


def test_the_confirm_service_refuses_a_run_that_is_not_waiting(staff):
    run = ImportRun.objects.create(kind="schools", status="completed", filename="gias.csv")

    with pytest.raises(Exception, match="not waiting") as error:
        confirm_import(run=run, confirmed_by=staff)

    assert error.value.code == "not_waiting"


def test_a_file_that_changed_meaning_since_the_preview_is_rejected_on_confirm(
    staff_client, django_capture_on_commit_callbacks
):
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

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("people:import_confirm", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED
    assert run.problems[0]["problem"] == "There is no school with URN 990001: import the schools first."
    assert not PopulationFigure.objects.exists()


# ---- Progress, failure and trying again ------------------------------------------------------------------------


def test_a_running_import_shows_its_progress_a_refresh_link_and_the_script_but_no_meta_refresh(staff_client):
    run = ImportRun.objects.create(
        kind="schools", status="running", filename="gias.csv", rows=50000, rows_done=12000
    )
    url = reverse("people:import_detail", args=[run.pk])

    html = staff_client.get(url).content.decode()

    assert '<span class="tag tag--running">Importing</span>' in html
    assert "12,000 of 50,000 rows checked" in html
    assert f'<a href="{url}">Refresh</a>' in html
    assert '<script src="/static/js/import-progress.js" defer></script>' in html
    assert 'http-equiv="refresh"' not in html
    assert "Confirm the import" not in html and "What the import did" not in html


def test_a_running_import_that_has_checked_every_row_says_it_is_writing_them(staff_client):
    run = ImportRun.objects.create(
        kind="schools", status="running", filename="gias.csv", rows=10, rows_done=10
    )

    html = staff_client.get(reverse("people:import_detail", args=[run.pk])).content.decode()

    assert "10 of 10 rows checked" in html and "the records are being written now" in html


def test_a_finished_import_loads_no_progress_script(staff_client):
    run = ImportRun.objects.create(kind="schools", status="completed", filename="gias.csv", rows=10)

    html = staff_client.get(reverse("people:import_detail", args=[run.pk])).content.decode()

    assert "import-progress.js" not in html and "Refresh" not in html


def test_progress_is_stored_while_checking_so_the_page_sees_it_before_the_rows_are_written(
    staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    upload(staff_client, gias(*range(990001, 990008)))
    run = ImportRun.objects.get()
    monkeypatch.setattr(imports, "PROGRESS_STORED_EVERY_ROWS", 3)
    import_file, write = imports.import_file, imports._write
    stored, before_writing = [], []

    def stored_rows_done():
        return ImportRun.objects.values_list("status", "rows_done").get(pk=run.pk)

    def import_file_noting_what_is_stored(*, checked, **kwargs):
        def noting(rows):
            checked(rows)
            stored.append(stored_rows_done())

        return import_file(checked=noting, **kwargs)

    def write_noting_what_is_stored(*args, **kwargs):
        before_writing.append(stored_rows_done())
        return write(*args, **kwargs)

    monkeypatch.setattr(imports, "import_file", import_file_noting_what_is_stored)
    monkeypatch.setattr(imports, "_write", write_noting_what_is_stored)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("people:import_confirm", args=[run.pk]))

    # Every 3 rows here (2,000 in real life), then all of them, all before the first row is written.
    assert stored == [("running", 3), ("running", 6), ("running", 7)]
    assert before_writing == [("running", 7)]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED and run.rows_done == run.rows == 7


# Transactional: the confirmation really commits, so the immediate backend runs the task inside the request,
# as it does on a development site without a worker.
@pytest.mark.django_db(transaction=True)
def test_an_import_that_raises_an_unexpected_error_ends_failed_with_its_message_and_can_be_tried_again(
    staff_client, staff, monkeypatch, caplog
):
    upload(staff_client, gias(990001, 990002))
    run = ImportRun.objects.get()
    import_file = imports.import_file

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "import_file", broken)
    response = staff_client.post(reverse("people:import_confirm", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.finished_at is not None
    assert run.problems[0]["problem"] == "RuntimeError: the database went away"
    assert stored_files() == [run.file.name.rsplit("/", 1)[1]]  # kept, to try again
    assert f"schools import run {run.pk} failed" in caplog.text
    assert "RuntimeError: the database went away" in caplog.text  # logged with its traceback
    html = response.content.decode()
    assert "The import could not finish: this page says why." in html
    assert "RuntimeError: the database went away" in html and "Try again" in html
    assert not School.objects.exists()

    monkeypatch.setattr(imports, "import_file", import_file)
    response = staff_client.post(reverse("people:import_retry", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED and run.problems == []
    assert School.objects.count() == 2 and run.rows_done == 2
    assert "The file is imported." in response.content.decode()
    assert AuditEntry.objects.filter(action="import.retried", object_id=str(run.pk), actor=staff).exists()


def test_only_a_failed_import_can_be_tried_again(staff, django_capture_on_commit_callbacks):
    for status in ("previewed", "queued", "running", "completed", "rejected", "cancelled"):
        run = ImportRun.objects.create(kind="schools", status=status, filename="gias.csv")
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as error:
            retry_import(run=run, retried_by=staff)
        run.refresh_from_db()
        assert (error.value.code, run.status, callbacks) == ("not_failed", status, [])


def test_a_failed_import_whose_file_is_gone_cannot_be_tried_again(staff_client):
    run = ImportRun.objects.create(kind="schools", status="failed", filename="gias.csv", file="imports/x.csv")

    response = staff_client.post(reverse("people:import_retry", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "The uploaded file is no longer stored: upload it again." in response.content.decode()


def test_a_queued_import_whose_file_is_gone_ends_failed_saying_so():
    run = ImportRun.objects.create(kind="schools", status="queued", filename="gias.csv", file="imports/x.csv")

    assert run_confirmed_import.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.problems[0]["problem"] == "The uploaded file is no longer stored: upload it again."


def test_the_task_leaves_alone_a_run_that_is_not_queued():
    run = ImportRun.objects.create(kind="schools", status="running", filename="gias.csv")

    assert run_confirmed_import.call(run.pk) == "skipped"
    assert run_confirmed_import.call(999999) == "skipped"
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


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
