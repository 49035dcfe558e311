from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from kalantar.core.audit import write_checkpoint
from kalantar.org.demo import demo_loaded, load_demo
from kalantar.people.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_accounts


class Command(BaseCommand):
    help = "Load the demo province (Hamedan), its units, jurisdictions and one user per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo is already loaded."
        )

    def handle(self, *args, if_empty=False, **options):
        if demo_loaded():
            if not if_empty:
                self.stdout.write("The demo data is already loaded.")
        else:
            # The demo's letters (referrals to agencies, …) go nowhere rather than to the console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                load_demo(progress=lambda msg: self.stdout.write(f"  {msg}"))
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            # Seal what the demo wrote to the audit log at once, not at the scheduler's
            # first run.
            checkpoint = write_checkpoint()
            if checkpoint is not None:
                self.stdout.write(f"  audit log checkpoint at entry {checkpoint.seq}")

        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, role, unit in demo_accounts():
            self.stdout.write(f"  {username:<22} {role:<36} {unit}")
        self.stdout.write(
            "Privileged accounts also ask for a two-factor code: add the demo key "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run `kalantar demo_otp`."
        )
