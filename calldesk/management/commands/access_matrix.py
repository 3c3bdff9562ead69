"""Print the access matrix (calldesk.access) as the Markdown table the README shows."""

from django.core.management.base import BaseCommand

from calldesk.access import as_markdown


class Command(BaseCommand):
    help = "Print who may use every screen and endpoint, as a Markdown table."

    def handle(self, *args, **options):
        self.stdout.write(as_markdown(), ending="")
