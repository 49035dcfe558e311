"""The audit actions of inspection: each step of a case, each read, each review."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("inspection.case_opened", "گشایش پروندهٔ بازرسی", "Inspection case opened"),
    AuditAction("inspection.case_viewed", "مشاهدهٔ پروندهٔ بازرسی", "Inspection case read"),
    AuditAction("inspection.case_step", "گام پروندهٔ بازرسی", "Inspection case step"),
    AuditAction("inspection.interview", "ثبت مصاحبه در پرونده", "Interview recorded"),
    AuditAction("inspection.document", "پیوست سند به پرونده", "Document attached to a case"),
    AuditAction("inspection.footage_linked", "پیوند فیلم به پرونده", "Footage linked to a case"),
    AuditAction(
        "inspection.review_opened", "گشایش بررسی حمایتی", "Early-intervention review opened"
    ),
    AuditAction(
        "inspection.review_closed", "نتیجهٔ بررسی حمایتی", "Early-intervention review closed"
    ),
)
