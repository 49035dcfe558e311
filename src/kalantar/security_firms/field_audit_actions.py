"""The audit actions of guard tours, guards' reports to the station and reviews on events."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("security_firms.tour_scanned", "ثبت بازدید نقطهٔ گشت", "Tour checkpoint scanned"),
    AuditAction("security_firms.checkpoint_added", "افزودن نقطهٔ گشت", "Checkpoint added"),
    AuditAction("security_firms.plan_added", "افزودن برنامهٔ گشت", "Tour plan added"),
    AuditAction("security_firms.tour_closed", "بستن نوبت گشت", "Tour round closed"),
    AuditAction(
        "security_firms.report_filed", "ثبت گزارش نگهبان برای کلانتری", "Guard's report filed"
    ),
    AuditAction(
        "security_firms.report_answered", "پاسخ کلانتری به گزارش نگهبان", "Guard's report answered"
    ),
    AuditAction(
        "security_firms.review_raised", "ایجاد بازبینی صلاحیت نگهبان", "Guard review raised"
    ),
    AuditAction(
        "security_firms.review_decided", "تصمیم دربارهٔ بازبینی نگهبان", "Guard review decided"
    ),
    AuditAction(
        "security_firms.phone_issued", "صدور پیوند گوشی نگهبان", "Guard's phone link issued"
    ),
)
