"""Background tasks of inclusion insights: rebuilding the summaries the dashboard counts from."""

from django_tasks import task

from .summaries import refresh


@task()
def refresh_summaries_task(years: list[int]) -> dict:
    """Rebuild the summaries of `years` (asked for by the dashboard when they are old, or by staff)."""
    return {str(year): rows for year, rows in refresh(years).items()}
