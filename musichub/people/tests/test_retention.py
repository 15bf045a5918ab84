"""The retention rule and `manage.py apply_retention`: which records are due, the dry run, the erasure."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.people import privacy
from musichub.people.models import YoungPerson
from musichub.people.privacy import records_due_for_erasure

from .test_privacy import make_young_person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def records():
    """One record each side of the six-year line, one without activity, one already anonymised."""
    return {
        "stale": make_young_person(first_name="Orla", last_activity_on=datetime.date(2020, 11, 24)),
        "on_the_line": make_young_person(first_name="Bram", last_activity_on=datetime.date(2020, 11, 25)),
        "recent": make_young_person(first_name="Kemi", last_activity_on=datetime.date(2025, 1, 1)),
        "never_active": make_young_person(first_name="Tariq", last_activity_on=None),
        "anonymised": make_young_person(
            first_name="Erased", last_name="Erased", last_activity_on=datetime.date(2010, 1, 1),
            anonymised_at=timezone.now(),
        ),
    }  # fmt: skip


def test_records_with_no_activity_for_six_years_are_due_and_no_others(records):
    assert list(records_due_for_erasure(TODAY)) == [records["stale"]]


def test_a_record_never_active_is_judged_by_when_it_was_created(records):
    YoungPerson.objects.filter(pk=records["never_active"].pk).update(
        created_at=timezone.make_aware(datetime.datetime(2019, 5, 1))
    )
    assert set(records_due_for_erasure(TODAY)) == {records["stale"], records["never_active"]}


def test_the_retention_period_follows_the_setting(records, monkeypatch):
    monkeypatch.setattr(privacy, "RETENTION_YEARS", 1)
    assert set(records_due_for_erasure(TODAY)) == {
        records["stale"],
        records["on_the_line"],
        records["recent"],
    }


def test_the_rule_copes_with_29_february():
    assert privacy.retention_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2022, 2, 28)


def _run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_how_many_and_writes_nothing(records):
    before = list(YoungPerson.objects.order_by("pk").values())
    output = _run("--dry-run", "--today", "2026-11-25")
    assert "1 record(s)" in output and "Dry run: nothing was changed." in output
    assert list(YoungPerson.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.exists()


def test_apply_retention_erases_only_the_records_past_the_rule(records):
    output = _run("--today", "2026-11-25")
    assert "1 record(s) erased." in output
    erased = set(YoungPerson.objects.filter(anonymised_at__isnull=False).values_list("first_name", flat=True))
    assert erased == {"Erased"}
    records["stale"].refresh_from_db()
    assert records["stale"].anonymised_at is not None and records["stale"].postcode == ""
    for key in ["on_the_line", "recent", "never_active"]:
        records[key].refresh_from_db()
        assert records[key].anonymised_at is None and records[key].postcode == "SO14 7LY"
    entry = AuditEntry.objects.get(action="young_person.erased")
    assert (entry.actor, entry.object_id) == (None, str(records["stale"].pk))
    assert entry.detail == "retention rule: no activity for 6 years"


def test_apply_retention_never_prints_names(records):
    output = _run("--today", "2026-11-25")
    for name in ["Orla", "Bram", "Kemi", "Tariq", "Abernethy"]:
        assert name not in output


def test_running_apply_retention_again_erases_nothing_more(records):
    _run("--today", "2026-11-25")
    assert "0 record(s) erased." in _run("--today", "2026-11-25")
    assert AuditEntry.objects.filter(action="young_person.erased").count() == 1


def test_a_badly_written_date_is_refused_with_the_expected_shape():
    with pytest.raises(CommandError, match="like 2025-03-03"):
        _run("--today", "25/11/2026")
