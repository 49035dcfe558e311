from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kalantar.complaints.open311 import keys as open311_keys


class Command(BaseCommand):
    help = "Create an API key for an Open311 client application and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the application the key is for")

    def handle(self, *args, name, **options):
        try:
            _key, raw = open311_keys.create_key(by=None, name=name)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        # Only the key on stdout, so scripts can capture it.
        self.stdout.write(raw)
