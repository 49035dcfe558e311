"""The audit actions of the transformation programme."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("transformation.year_created", "ایجاد سال طرح تحول", "Programme year created"),
    AuditAction(
        "transformation.year_copied", "رونوشت چارچوب به سال بعد", "Framework copied to a new year"
    ),
    AuditAction(
        "transformation.framework_changed", "تغییر چارچوب طرح تحول", "Programme framework changed"
    ),
    AuditAction(
        "transformation.framework_edited", "ویرایش مورد چارچوب طرح", "Framework entry edited"
    ),
    AuditAction(
        "transformation.framework_moved", "جابه‌جایی مورد چارچوب طرح", "Framework entry moved"
    ),
    AuditAction(
        "transformation.framework_deleted", "حذف مورد چارچوب طرح", "Framework entry deleted"
    ),
    AuditAction("transformation.wave_opened", "آغاز مرحلهٔ تازهٔ طرح", "Enrolment wave opened"),
    AuditAction("transformation.enrolled", "پیوستن کلانتری‌ها به طرح", "Stations enrolled"),
    AuditAction("transformation.self_assessed", "ثبت خودارزیابی", "Self-assessment recorded"),
    AuditAction("transformation.assessment_started", "آغاز ارزیابی بازرسی", "Assessment started"),
    AuditAction(
        "transformation.assessment_completed", "پایان ارزیابی بازرسی", "Assessment completed"
    ),
    AuditAction("transformation.graded", "ثبت درجهٔ ارزیابی", "Question graded"),
    AuditAction("transformation.finding_raised", "ثبت یافتهٔ بازرسی", "Finding raised"),
    AuditAction("transformation.finding_followed_up", "پیگیری یافتهٔ بازرسی", "Finding followed up"),
    AuditAction(
        "transformation.survey_links_issued", "صدور پیوندهای نظرسنجی", "Survey links issued"
    ),
)
