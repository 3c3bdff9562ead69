from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.seed.common import DEFAULT_LOCALE, LOCALES
from demo.seed.staff import DEMO_PASSWORD
from demo.selectors import routing_examples
from demo.services import seed_demo


class Command(BaseCommand):
    help = "Load the demo data set (deterministic for --seed; does nothing twice) and the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=int, default=1000, help="How many clients (default 1000).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD to build around."
        )
        parser.add_argument(
            "--locale",
            choices=LOCALES,
            default=DEFAULT_LOCALE,
            help="The language of the names, addresses and products: ru (default) or en (Latin).",
        )

    def handle(
        self, *args, clients: int, seed: int, today: date | None, locale: str = DEFAULT_LOCALE, **options
    ) -> None:
        if clients < 1:
            raise CommandError("--clients must be at least 1")
        report = seed_demo(clients=clients, seed=seed, today=today, locale=locale)
        if report.created:
            counts = ", ".join(f"{n} {what}" for what, n in report.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {counts}."))
        else:
            self.stdout.write("Demo data already present: left as it is.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, full_name in report.users:
            self.stdout.write(f"  {username:<12} {role:<11} {full_name}")
        examples = routing_examples(on=today or timezone.localdate())
        if examples:
            self.stdout.write("Phones to try on the desk, one per route:")
            for route, (phone, name) in sorted(examples.items()):
                self.stdout.write(f"  {phone:<14} {route:<32} {name}")
