from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.complaints.models import Complaint
from kalantar.complaints.receipts import ReceiptError, load_public_key, signing_key
from kalantar.complaints.receipts import verify_receipt_url as verify
from kalantar.core.jalali import display_datetime


class Command(BaseCommand):
    help = (
        "Check a receipt's verification URL: its Ed25519 signature and, when this database "
        "holds the complaint, that the signed facts match it. Exits non-zero if not authentic."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the URL in the receipt's QR code")
        parser.add_argument(
            "--public-key",
            help="verify offline with this public key (base64 or PEM) instead of this site's",
        )

    def handle(self, *args, url, public_key=None, **options):
        key = load_public_key(public_key) if public_key else signing_key().public_key()
        try:
            facts = verify(url, key)
        except ReceiptError as exc:
            raise CommandError(
                _("NOT authentic: the receipt URL was altered or not signed by this key (%(why)s).")
                % {"why": exc.reason}
            ) from exc
        self.stdout.write(self.style.SUCCESS(_("Authentic receipt.")))
        self.stdout.write(f"  {_('Tracking code')}: {facts.tracking_code}")
        self.stdout.write(f"  {_('Registered')}: {display_datetime(facts.issued_at)}")
        self.stdout.write(f"  {_('Station')}: {facts.station}")
        self.stdout.write(f"  {_('Category')}: {facts.category}")
        if public_key:
            return
        stored = Complaint.objects.filter(tracking_code=facts.tracking_code).first()
        if stored is None:
            self.stdout.write(_("This database holds no complaint with that tracking code."))
        elif (stored.unit.code, stored.category.code) != (facts.station, facts.category):
            raise CommandError(_("The signature is valid but the stored complaint differs."))
        else:
            self.stdout.write(_("The stored complaint matches the receipt."))
