"""The printed receipt (رسید): its facts, its signed verification URL and QR code."""

from __future__ import annotations

from django.http import HttpRequest

from kalantar.complaints.codes import format_tracking_code
from kalantar.complaints.models import Complaint
from kalantar.complaints.receipts import ReceiptFacts, build_receipt_path, qr_svg, signing_key
from kalantar.core.site import site_url

LAYOUTS = ("a5", "thermal")


def receipt_facts(complaint: Complaint) -> ReceiptFacts:
    return ReceiptFacts(
        tracking_code=complaint.tracking_code,
        issued_at=complaint.filed_at.replace(microsecond=0),
        station=complaint.unit.code,
        category=complaint.category.code,
    )


def receipt_url(complaint: Complaint, request: HttpRequest | None = None) -> str:
    return site_url(request) + build_receipt_path(receipt_facts(complaint), signing_key())


def receipt_context(
    complaint: Complaint, layout: str = "a5", request: HttpRequest | None = None
) -> dict:
    url = receipt_url(complaint, request)
    return {
        "complaint": complaint,
        "layout": layout if layout in LAYOUTS else "a5",
        "layouts": LAYOUTS,
        "verify_url": url,
        "qr": qr_svg(url),
        "code_display": format_tracking_code(complaint.tracking_code),
        "site_url": site_url(request),
    }
