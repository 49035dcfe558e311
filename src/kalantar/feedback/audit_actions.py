"""The audit actions of the feedback app: the 197 line and satisfaction surveys."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("feedback.recorded", "ثبت پیام ۱۹۷", "197 message recorded"),
    AuditAction("feedback.confirmed", "تأیید دسته پیام ۱۹۷", "197 message classified"),
    AuditAction("feedback.closed", "بستن پیام ۱۹۷", "197 message closed"),
    AuditAction("feedback.called_back", "تماس دوباره با تماس‌گیرنده", "Caller called back"),
    AuditAction("feedback.survey_sent", "ارسال پیوند نظرسنجی", "Survey link sent"),
    AuditAction("feedback.survey_answered", "پاسخ به نظرسنجی", "Survey answered"),
    AuditAction(
        "feedback.neighbourhood_survey_created",
        "ایجاد نظرسنجی محله",
        "Neighbourhood survey created",
    ),
    AuditAction(
        "feedback.neighbourhood_answered", "پاسخ به نظرسنجی محله", "Neighbourhood survey answered"
    ),
    AuditAction("feedback.classifier_trained", "آموزش دسته‌بند ۱۹۷", "197 classifier trained"),
)
