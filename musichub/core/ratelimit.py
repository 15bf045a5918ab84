"""A fixed-window rate limit on the shared cache, for forms that anyone can post (spam protection)."""

import hashlib

from django.core.cache import cache


def client_key(request) -> str:
    """A hash of the client's address: enough to count posts, never stored in the clear."""
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def over_limit(*, scope: str, key: str, limit: int, period_seconds: int) -> bool:
    """Count one hit for `key` in `scope`; True once more than `limit` hits fall in the period."""
    cache_key = f"ratelimit:{scope}:{key}"
    # add() only sets a missing key, so the window starts at the first hit and is not extended.
    if cache.add(cache_key, 1, timeout=period_seconds):
        return False
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period_seconds)
        return False
    return hits > limit
