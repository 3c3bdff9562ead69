"""`manage.py seed_calendar [--years 2027 2028]`: add Russia's public holidays, days off moved and
Saturdays worked of those years (by default this year and the next) to the production calendar
(III.12). Days already in it (an admin's edits among them) are kept as they are."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from warehouse.calendar import seed_calendar


class Command(BaseCommand):
    help = "Seed the production calendar of working days from the holidays package (Russia)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", type=int, nargs="+", help="Years to seed (default: this one and the next)."
        )

    def handle(self, *args, years=None, **options):
        year = timezone.localdate().year
        years = years or [year, year + 1]
        added = seed_calendar(years)
        self.stdout.write(f"Production calendar {', '.join(map(str, years))}: {added} days added.")
