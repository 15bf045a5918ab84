"""Background tasks of people: importing a file staff confirmed in the browser."""

from django_tasks import task

from .imports import run_queued_import


@task()
def run_confirmed_import(run_id: int) -> str:
    """Import a queued run's stored file; returns how the run ended, or "skipped" when it was not queued."""
    run = run_queued_import(run_id=run_id)
    return "skipped" if run is None else run.status
