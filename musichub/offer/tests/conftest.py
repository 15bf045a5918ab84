"""Fixtures for the offer's tests."""

import pytest
from django.utils import timezone


@pytest.fixture
def finder_keys_fresh(db):
    """Today's refresh of the finder's sort keys already done, as on any site after its first search of the day
    (query counts are pinned for the searches after it; test_finder_keys.py covers the refresh itself)."""
    from musichub.offer.finder_keys import ensure_fresh

    ensure_fresh(timezone.localdate())
