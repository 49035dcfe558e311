"""The audit actions of the alarm monitoring centre."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("alarms.subscriber_created", "ثبت مشترک هشدار", "Alarm subscriber created"),
    AuditAction("alarms.subscribers_imported", "ورود مشترکان هشدار", "Alarm subscribers imported"),
    AuditAction("alarms.alarm_opened", "باز شدن هشدار", "Alarm opened"),
    AuditAction("alarms.alarm_acknowledged", "تأیید دریافت هشدار", "Alarm acknowledged"),
    AuditAction("alarms.alarm_dispatched", "اعزام برای هشدار", "Unit dispatched to an alarm"),
    AuditAction("alarms.alarm_resolved", "پایان هشدار", "Alarm resolved"),
    AuditAction("alarms.call_premises", "تماس با محل", "Premises called"),
    AuditAction("alarms.call_keyholder", "تماس با امین کلید", "Keyholder called"),
    AuditAction("alarms.note", "یادداشت روی هشدار", "Alarm note"),
    AuditAction("alarms.communication_lost", "قطع ارتباط پنل", "Panel communication lost"),
    AuditAction(
        "alarms.communication_restored", "برقراری دوبارهٔ ارتباط پنل", "Panel communication restored"
    ),
    AuditAction("alarms.verification_required", "نیاز به راستی‌آزمایی", "Verification required"),
    AuditAction("alarms.verification_set", "تعیین راستی‌آزمایی", "Verification set"),
    AuditAction(
        "alarms.parked_replayed", "بازپخش رویداد کنارگذاشته", "Parked alarm event replayed"
    ),
    AuditAction("alarms.parked_dropped", "حذف رویداد کنارگذاشته", "Parked alarm event dropped"),
)
