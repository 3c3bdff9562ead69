"""`migrate`, first recording the state-only takeovers of moved models (calldesk.model_moves)."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from calldesk.model_moves import record_state_only_takeovers


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        for migration in record_state_only_takeovers(connections[options["database"]]):
            if options["verbosity"] >= 1:
                self.stdout.write(f"  Recorded the state-only {migration[0]}.{migration[1]} as applied.")
        return super().handle(*args, **options)
