"""The audit actions of the complaints app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("complaints.file", "ثبت شکایت", "Complaint filed"),
    AuditAction("complaints.read", "مشاهدهٔ شکایت", "Complaint viewed"),
    AuditAction("complaints.status", "تغییر وضعیت شکایت", "Complaint status changed"),
    AuditAction("complaints.assign", "ارجاع شکایت به مأمور", "Complaint assigned"),
    AuditAction("complaints.escalate", "ارجاع شکایت به رده بالاتر", "Complaint escalated"),
    AuditAction("complaints.rate", "نظر شهروند دربارهٔ شکایت", "Complaint rated by the citizen"),
    AuditAction(
        "complaints.complainant_lookup",
        "جستجوی شاکی با کد ملی",
        "Complainant looked up by national code",
    ),
    AuditAction("complaints.demo_load", "بارگذاری شکایت‌های نمونه", "Demo complaints loaded"),
    AuditAction(
        "complaints.open311.report", "گزارش از برنامهٔ Open311", "Report from an Open311 application"
    ),
    AuditAction("complaints.open311_key.create", "صدور کلید Open311", "Open311 key issued"),
    AuditAction("complaints.open311_key.revoke", "ابطال کلید Open311", "Open311 key revoked"),
    AuditAction(
        "complaints.open311_key.reactivate", "فعال‌سازی دوبارهٔ کلید Open311", "Open311 key restored"
    ),
)
