"""Background tasks of the offer: ending unanswered offers of places."""

from django_tasks import task

from .joining import expire_offers


@task()
def expire_offers_task() -> int:
    """End offers past their deadline and offer the places to the next on the waiting lists (run hourly)."""
    return expire_offers()
