from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from outbound.services import build_dormant_list


class Command(BaseCommand):
    help = "Build the day's list of dormant market clients (III.16); a re-run adds nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, on: date | None, **options) -> None:
        day = on or timezone.localdate()
        built = build_dormant_list(on=day)
        self.stdout.write(
            f"Dormant list of {day.isoformat()}: {built.created} new task(s), list {built.call_list.pk}."
        )
