"""The audit actions of the people app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("people.user.create", "ایجاد حساب کاربری", "Account created"),
    AuditAction("people.token.create", "صدور توکن دسترسی", "Access token issued"),
    AuditAction("people.token.revoke", "ابطال توکن دسترسی", "Access token revoked"),
    AuditAction("people.user.disable", "غیرفعال کردن حساب", "Account disabled"),
    AuditAction("people.user.enable", "فعال کردن حساب", "Account enabled"),
    AuditAction("people.user.password_change", "تغییر گذرواژه", "Password changed"),
    AuditAction("people.second_factor.enrol", "ثبت عامل دوم ورود", "Second factor enrolled"),
    AuditAction("people.second_factor.refuse", "رد کد عامل دوم", "Second factor code refused"),
    AuditAction("people.second_factor.reset", "بازنشانی عامل دوم", "Second factor reset"),
    AuditAction(
        "people.second_factor.recovery_codes", "صدور کدهای بازیابی", "Recovery codes issued"
    ),
    AuditAction(
        "people.second_factor.recovery_code_use", "استفاده از کد بازیابی", "Recovery code used"
    ),
    AuditAction("people.commendation.record", "ثبت تقدیر از مأمور", "Commendation recorded"),
    AuditAction("people.officer.profile", "ثبت شمارهٔ کارگزینی و درجه", "Officer's rank recorded"),
    AuditAction("people.officer.posting", "ثبت انتصاب مأمور", "Officer posted"),
    AuditAction("people.officer.certificate", "ثبت گواهی آموزشی", "Training certificate recorded"),
    AuditAction("people.training.plan", "ثبت برنامهٔ آموزش یگان", "Training plan line recorded"),
    AuditAction("people.officer.record_view", "مشاهدهٔ پروندهٔ مأمور", "Officer's record read"),
)
