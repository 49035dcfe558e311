from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kalantar.complaints.receipt_page import receipt_url
from kalantar.complaints.receipts import public_key_text, signing_key


def test_a_genuine_receipt_verifies_and_an_altered_one_does_not(file, capsys):
    complaint = file()
    url = receipt_url(complaint)
    call_command("verify_receipt", url)
    out = capsys.readouterr().out
    assert complaint.tracking_code in out
    for position in (url.index("/r/") + 4, url.index("u=") + 2, len(url) - 1):
        altered = url[:position] + ("7" if url[position] != "7" else "8") + url[position + 1 :]
        with pytest.raises(CommandError):
            call_command("verify_receipt", altered)


def test_offline_verification_with_the_published_key(file, capsys):
    complaint = file()
    call_command(
        "verify_receipt", receipt_url(complaint), "--public-key", public_key_text(signing_key())
    )
    assert complaint.tracking_code in capsys.readouterr().out
