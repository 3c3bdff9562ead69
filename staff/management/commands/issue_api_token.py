from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from staff.models import User
from staff.services import issue_api_token


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it once; only its hash is stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'telephone exchange'.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(_("No active user %(username)s.") % {"username": username}) from None
        issued = issue_api_token(user=user, name=name)
        self.stdout.write(issued.raw)
