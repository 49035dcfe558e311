"""Demo subscribers: premises in several stations, some with encrypted panels; the demo's
simulated fleet reports for most of them, the last few stay silent (communication lost)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from shapely.geometry import shape

from kalantar.alarms.models import Subscriber
from kalantar.alarms.services import SubscriberInput, _create
from kalantar.core.persian import to_persian_digits
from kalantar.org.models import Jurisdiction

DEMO_KEY = "kalantar-demo-16"  # an ASCII 128-bit key; demo only
NAMES = [
    ("home", "منزل مسکونی"), ("shop", "طلافروشی"), ("bank", "شعبه بانک"),
    ("guild", "فروشگاه لوازم خانگی"), ("institution", "مدرسه"), ("shop", "داروخانه"),
]  # fmt: skip
KEYHOLDERS = [("محمد احمدی", "09181110001"), ("زهرا کریمی", "09181110002")]
SIMULATED = 20  # the demo fleet (plugin.py) reports for the first 20 accounts
SILENT = 4


def load_demo(progress: Callable[[str], None] = lambda msg: None) -> None:
    if Subscriber.objects.exists():
        return

    jurisdictions = list(Jurisdiction.objects.select_related("unit").order_by("unit__code")[:6])
    if not jurisdictions:
        return
    with transaction.atomic():
        for i in range(SIMULATED + SILENT):
            j = jurisdictions[i % len(jurisdictions)]
            point = shape(j.geometry).representative_point()
            kind, label = NAMES[i % len(NAMES)]
            _create(
                by=None,
                data=SubscriberInput(
                    name=f"{label} {to_persian_digits(i + 1)}",
                    kind=kind,
                    lon=point.x + (i % 3) * 0.002,
                    lat=point.y + (i % 4) * 0.002,
                    accounts=[f"{1001 + i}"],
                    phone=f"0813820{i:04d}",
                    supervision_minutes=2 if i >= SIMULATED else 5,
                    key=DEMO_KEY if i % 3 == 0 else "",
                    passcode="1234",
                    keyholders=KEYHOLDERS,
                    action_plan="۱. تماس با محل\n۲. تماس با نگهدارندگان کلید به ترتیب\n"
                    "۳. اعزام گشت کلانتری مسئول",
                ),
            )
    progress(f"{SIMULATED + SILENT} alarm subscribers")
