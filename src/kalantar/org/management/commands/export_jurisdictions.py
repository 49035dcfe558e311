import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kalantar.org.selectors import export_feature_collection


class Command(BaseCommand):
    help = "Write the stored jurisdictions as a GeoJSON FeatureCollection (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        text = json.dumps(export_feature_collection(), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stderr.write(_("Written to %(file)s") % {"file": output})
        else:
            sys.stdout.write(text + "\n")
