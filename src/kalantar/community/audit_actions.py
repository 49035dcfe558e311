"""The audit actions of the community app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("community.neighbourhood_added", "تعریف محله", "Neighbourhood added"),
    AuditAction("community.group_added", "تشکیل گروه داوطلبان", "Volunteer group added"),
    AuditAction("community.volunteer_registered", "ثبت داوطلب", "Volunteer registered"),
    AuditAction("community.check_requested", "درخواست استعلام سوابق", "Background check requested"),
    AuditAction("community.check_answered", "ثبت پاسخ استعلام سوابق", "Background check answered"),
    AuditAction("community.assigned", "واگذاری مأموریت به داوطلب", "Volunteer assigned"),
    AuditAction("community.hours_logged", "ثبت ساعت خدمت داوطلب", "Volunteer hours logged"),
    AuditAction("community.hours_approved", "تأیید ساعت خدمت", "Volunteer hours approved"),
    AuditAction("community.hours_declined", "رد ساعت خدمت", "Volunteer hours declined"),
    AuditAction("community.recognised", "تقدیر از داوطلب", "Volunteer recognised"),
    AuditAction("community.session_added", "ثبت جلسهٔ آموزشی", "Training session added"),
    AuditAction(
        "community.attendance_recorded", "ثبت حضور در آموزش", "Training attendance recorded"
    ),
    AuditAction("community.account_linked", "پیوند حساب کاربری داوطلب", "Volunteer account linked"),
    AuditAction("community.subscribed", "رضایت دریافت هشدار محله", "Alert consent given"),
    AuditAction("community.consent_withdrawn", "لغو رضایت دریافت هشدار", "Alert consent withdrawn"),
    AuditAction("community.alert_queued", "صف‌بندی هشدار محله", "Resident alert queued"),
    AuditAction(
        "community.alert_fanned_out", "آماده‌سازی پیامک‌های هشدار", "Alert messages prepared"
    ),
    AuditAction("community.report_filed", "ثبت گزارش ایمنی", "Safety report filed"),
    AuditAction("community.report_reviewed", "بررسی گزارش ایمنی و پاسخ", "Safety report reviewed"),
)
