"""Five members of staff lend the same violin at the same moment: exactly one loan, four clear refusals.

Needs row locks, so it runs on PostgreSQL (CI does); SQLite serialises writes anyway.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from musichub.instruments.models import Loan
from musichub.instruments.services import lend_instrument
from musichub.people.tests.factories import YoungPersonFactory

from .factories import LibraryInstrumentFactory, days_ago

THREADS = 5


@pytest.mark.django_db(transaction=True)
def test_five_people_lending_one_violin_at_once_make_exactly_one_loan():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need a real database server: run this on PostgreSQL (CI does).")
    instrument = LibraryInstrumentFactory()
    children = [YoungPersonFactory() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    refusals: list[str] = []
    errors: list[BaseException] = []

    def lend(child):
        try:
            start.wait()
            lend_instrument(instrument=instrument, lent_by=None, young_person=child, starts_on=days_ago(0),
                            due_on=days_ago(-100))  # fmt: skip
        except ValidationError as error:
            refusals.append(error.code)
        except BaseException as error:  # reported by the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lend, args=(child,)) for child in children]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert refusals == ["already_on_loan"] * (THREADS - 1)
    assert Loan.objects.filter(instrument=instrument).count() == 1
