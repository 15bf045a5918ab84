from musichub.core.ratelimit import over_limit


def test_the_limit_allows_exactly_limit_hits_per_key():
    hits = [over_limit(scope="form", key="a", limit=3, period_seconds=60) for _ in range(5)]
    assert hits == [False, False, False, True, True]


def test_keys_and_scopes_are_counted_apart():
    for _ in range(3):
        over_limit(scope="form", key="a", limit=3, period_seconds=60)
    assert not over_limit(scope="form", key="b", limit=3, period_seconds=60)
    assert not over_limit(scope="other", key="a", limit=3, period_seconds=60)
