"""The audit actions of the people app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("people.user.create", "ایجاد حساب کاربری", "Account created"),
    AuditAction("people.token.create", "صدور توکن دسترسی", "Access token issued"),
    AuditAction("people.token.revoke", "ابطال توکن دسترسی", "Access token revoked"),
)
