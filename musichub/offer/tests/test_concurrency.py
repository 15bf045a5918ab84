"""Ten families ask for the last three places at the same moment: nobody is overbooked (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from musichub.offer.joining import ask_for_a_place
from musichub.offer.models import Enrolment
from musichub.people.tests.factories import YoungPersonFactory

from .joining_helpers import born_for, open_opportunity

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_requests_for_the_last_three_places_enrol_exactly_three():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need a real database server: run this on PostgreSQL (CI does).")
    opportunity = open_opportunity(capacity=5)
    for _ in range(2):
        ask_for_a_place(young_person=YoungPersonFactory(date_of_birth=born_for(10)), opportunity=opportunity,
                        requested_by=None)  # fmt: skip
    children = [YoungPersonFactory(date_of_birth=born_for(10)) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def ask(child):
        try:
            start.wait()  # everyone asks at the same moment, each on their own connection
            ask_for_a_place(young_person=child, opportunity=opportunity, requested_by=None)
        except BaseException as error:  # reported by the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(child,)) for child in children]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    mine = Enrolment.objects.filter(young_person__in=children)
    assert mine.filter(status=Enrolment.Status.ENROLLED).count() == 3
    assert mine.filter(status=Enrolment.Status.WAITING).count() == 7
    assert opportunity.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 5
