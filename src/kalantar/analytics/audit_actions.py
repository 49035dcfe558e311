"""The audit actions of the analytics app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("analytics.detect_surges", "شناسایی افزایش‌های ناگهانی", "Surges detected"),
    AuditAction("analytics.alert_status", "تغییر وضعیت هشدار افزایش", "Surge alert status changed"),
)
