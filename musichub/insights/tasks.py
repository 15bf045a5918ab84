"""Background tasks of inclusion insights: rebuilding the summaries the dashboard counts from."""

from django_tasks import task

from .selectors import warm_dashboard
from .summaries import refresh


@task()
def refresh_summaries_task(years: list[int]) -> dict:
    """Rebuild the summaries of `years` (asked for by the dashboard when they are old, or by staff), then work
    out the figures the dashboard opens with, so that the next view does not wait for them."""
    rows = {str(year): rows for year, rows in refresh(years).items()}
    warm_dashboard()
    return rows
