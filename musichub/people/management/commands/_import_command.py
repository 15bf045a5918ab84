"""What the four import commands share: the file argument, --dry-run, a progress bar and the report."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from musichub.people.imports import Source, run_import
from musichub.people.models import ImportRun


class ProgressBar:
    """A one-line progress bar on a terminal, redrawn in place; by bytes read, so it knows the end."""

    WIDTH = 30

    def __init__(self, out):
        self.out = out
        self.phase = None

    def __call__(self, phase: str, done: int, total: int | None, rows: int) -> None:
        if self.phase is not None and phase != self.phase:
            self.out.write("")  # keep the finished phase's line, start a new one
        self.phase = phase
        if total:
            share = min(done / total, 1.0)
            filled = int(share * self.WIDTH)
            bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {share:4.0%}"
        else:
            bar = ""
        self.out.write(f"\r{phase:<10} {bar}  {rows:,} rows", ending="")
        self.out.flush()

    def finish(self) -> None:
        if self.phase is not None:
            self.out.write("")


class ImportCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV file to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would change; write nothing."),
        )

    def import_options(self, options: dict) -> dict:
        return {}

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(_("There is no file at %(path)s.") % {"path": path})
        # A progress bar only on a terminal: never in tests, cron mail or logs.
        bar = ProgressBar(self.stderr) if options["verbosity"] > 0 and self.stderr.isatty() else None
        run = run_import(
            kind=self.kind,
            source=Source.from_path(path),
            options=self.import_options(options),
            dry_run=options["dry_run"],
            progress=bar,
        )
        if bar is not None:
            bar.finish()
        self.report(run, verbosity=options["verbosity"])
        if run.status == ImportRun.Status.REJECTED:
            raise CommandError(
                _("Nothing was imported: fix the problems listed above and run the command again.")
            )

    def report(self, run: ImportRun, *, verbosity: int) -> None:
        counts = run.counts
        if run.status == ImportRun.Status.REJECTED:
            total = counts.get("problems", len(run.problems))
            self.stdout.write(
                _("%(file)s has %(count)s problem(s), so nothing was imported:")
                % {"file": run.filename, "count": total}
            )
            for item in run.problems:
                where = _("Row %(row)s") % {"row": item["row"]} if item["row"] else _("The file")
                if item["column"]:
                    where = f"{where}, {item['column']}"
                self.stdout.write(
                    f"  {where}: {item['problem']} "
                    + _("Expected: %(expected)s.") % {"expected": item["expected"]}
                )
            if total > len(run.problems):
                self.stdout.write(
                    _("  … and %(count)s more problems not listed.") % {"count": total - len(run.problems)}
                )
            return
        if verbosity == 0:
            return
        if run.status == ImportRun.Status.DRY_RUN:
            self.stdout.write(_("Dry run: nothing was written. Had it been imported:"))
        self.stdout.write(
            _(
                "%(file)s: %(rows)s rows read. Created %(created)s, updated %(updated)s, unchanged %(unchanged)s, skipped %(skipped)s."
            )
            % {"file": run.filename, "rows": run.rows, **counts}
        )
        for reason, count in counts.get("skipped_reasons", {}).items():
            self.stdout.write(_("  Skipped %(count)s: %(reason)s") % {"count": count, "reason": reason})
