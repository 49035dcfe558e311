"""`kalantar simulate_panels` against a live receiver: real frames, real acknowledgements."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command

from kalantar.alarms.models import AlarmEvent
from tests.alarms.conftest import KEY


def test_simulated_panels_are_acknowledged_and_stored(live_receiver, make_subscriber):
    make_subscriber("1234")
    make_subscriber("ABC1", key=KEY)
    rx = live_receiver.start()
    out = StringIO()
    call_command(
        "simulate_panels", "--port", str(rx.port), "--panels", "2", "--rate", "20",
        "--duration", "1.5", "--alarm-share", "0.5", stdout=out,
    )  # fmt: skip
    rx.settle()
    acked = int(re.search(r"acknowledged (\d+)", out.getvalue()).group(1))
    assert acked > 5 and "NAK 0" in out.getvalue()
    assert AlarmEvent.objects.count() == acked
    assert AlarmEvent.objects.filter(account="ABC1", encrypted=True).exists()
