"""The audit actions of the problem-solving app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("problems.open", "گشودن پروژهٔ حل مسئله", "Problem-solving project opened"),
    AuditAction("problems.scanning", "ثبت مرحلهٔ پویش", "Scanning recorded"),
    AuditAction("problems.analysis", "ثبت مرحلهٔ تحلیل", "Analysis recorded"),
    AuditAction("problems.response_period", "تعیین دورهٔ پاسخ", "Response period set"),
    AuditAction("problems.action", "افزودن اقدام", "Action added"),
    AuditAction("problems.action.done", "انجام اقدام", "Action done"),
    AuditAction("problems.assess", "ارزیابی پروژه", "Project assessed"),
    AuditAction("problems.close", "بستن پروژه", "Project closed"),
    AuditAction("problems.agency.create", "ثبت دستگاه", "Agency added"),
    AuditAction("problems.agency.contact", "افزودن رابط دستگاه", "Agency contact added"),
    AuditAction("problems.referral.send", "ارسال مطالبه به دستگاه", "Referral sent"),
    AuditAction("problems.referral.answer", "ثبت پاسخ دستگاه", "Agency answer recorded"),
    AuditAction("problems.referral.close", "بستن مطالبه", "Referral closed"),
    AuditAction("problems.referral.remind", "یادآوری مطالبه", "Referral reminder sent"),
    AuditAction("problems.referral.overdue", "سررسید گذشتهٔ مطالبه", "Referral overdue"),
    AuditAction("problems.referral.escalate", "ارجاع مطالبه به رده بالاتر", "Referral escalated"),
)
