from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.people import services


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="validity in days")

    def handle(self, *args, user, name, days, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("Unknown user “%(username)s”.") % {"username": user})
        try:
            _token, raw = services.create_token(by=None, user=account, name=name, days=days)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(raw)
