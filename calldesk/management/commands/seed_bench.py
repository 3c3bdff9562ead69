from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bench.seed import BenchError, seed_bench


class Command(BaseCommand):
    help = (
        "Load the benchmark data set into PostgreSQL (bench/README.md): 100,000 clients, 300,000 orders with "
        "2,000,000 lines, 1,000,000 receivables and 1,000,000 calls at --scale 1. A data set already "
        "loaded is reused."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplies every count (0.01: a tiny data set)."
        )
        parser.add_argument("--seed", type=int, default=8, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD the history ends on."
        )

    def handle(self, *args, scale: float, seed: int, today: date | None, **options) -> None:
        try:
            report = seed_bench(scale=scale, seed=seed, today=today, log=self.stdout.write)
        except BenchError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
        if report.reused:
            self.stdout.write(f"Benchmark data set present: {counts}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Benchmark data set loaded in {report.seconds:.1f} s: {counts}.")
            )
