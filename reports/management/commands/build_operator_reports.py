from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.build import build_day


class Command(BaseCommand):
    help = (
        "Build the daily operator reports (III.25, section VI) of a day, or of every day from --on "
        "to --to for a backfill. A re-run overwrites the day's rows with the same figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: yesterday)."
        )
        parser.add_argument(
            "--to",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD: build every day from --on to this one.",
        )

    def handle(self, *args, on: date | None, to: date | None, **options) -> None:
        today = timezone.localdate()
        first = on or today - timedelta(days=1)
        last = to or first
        if last < first:
            raise CommandError("--to is before --on.")
        if last > today:
            raise CommandError("There is nothing to report for a day that has not come yet.")
        day = first
        while day <= last:
            built = build_day(day)
            self.stdout.write(
                f"Operator reports of {day.isoformat()}: {built.operators} operator(s), "
                f"{built.slices} department slice(s), {built.seconds} s."
            )
            day += timedelta(days=1)
