"""The demo catalogues of barriers and support."""

import pytest

from musichub.people.demo_catalogues import load_demo_catalogues
from musichub.people.models import Barrier, SupportKind

pytestmark = pytest.mark.django_db


def test_loading_the_demo_catalogues_twice_adds_each_entry_once():
    load_demo_catalogues()
    load_demo_catalogues()
    assert Barrier.objects.count() == 9 and SupportKind.objects.count() == 6
    assert Barrier.objects.filter(name="Caring responsibilities").exists()
    assert SupportKind.objects.filter(name="Free place for free school meals").exists()
