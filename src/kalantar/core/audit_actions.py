"""The audit actions the shell writes: the audit log's own reads, the admin's changes and
attachments opened."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("core.audit.read", "مشاهدهٔ گزارش ممیزی", "Audit log viewed"),
    AuditAction("admin.add", "افزودن در مدیریت سامانه", "Added in the admin"),
    AuditAction("admin.change", "ویرایش در مدیریت سامانه", "Changed in the admin"),
    AuditAction("admin.delete", "حذف در مدیریت سامانه", "Deleted in the admin"),
    AuditAction("files.open", "گشودن پیوست", "Attachment opened"),
    AuditAction("core.job.started", "آغاز کار در پس‌زمینه", "Background work started"),
    AuditAction("core.task.retried", "صف‌گذاری دوبارهٔ کار ناموفق", "Failed task queued again"),
)
