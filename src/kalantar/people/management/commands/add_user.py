import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.people import services
from kalantar.people.roles import ROLE_CODES


class Command(BaseCommand):
    help = "Create a user in a unit with a role (password from a prompt or KALANTAR_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, help=", ".join(ROLE_CODES))
        parser.add_argument("--unit", required=True, help="Unit code, e.g. HM01K01")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, role, unit, first_name, last_name, **options):
        password = os.environ.get("KALANTAR_PASSWORD") or self._prompt()
        try:
            user = services.add_user(
                by=None,
                username=username,
                role=role,
                unit_code=unit,
                password=password,
                first_name=first_name,
                last_name=last_name,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("User %(username)s created in %(unit)s.")
                % {"username": user.username, "unit": user.unit.name}
            )
        )

    def _prompt(self) -> str:
        try:
            first = getpass.getpass(_("Password: "))
            second = getpass.getpass(_("Password (again): "))
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError(_("No password given; nothing was created.")) from exc
        if first != second:
            raise CommandError(_("The passwords do not match; nothing was created."))
        return first
