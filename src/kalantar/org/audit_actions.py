"""The audit actions of the organisation app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("org.unit.create", "ایجاد یگان", "Unit created"),
    AuditAction("org.jurisdictions.import", "ورود حوزه‌های استحفاظی", "Jurisdictions imported"),
)
