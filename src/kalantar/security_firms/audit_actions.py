"""The audit actions of the security-firms register."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction(
        "security_firms.institution_registered",
        "ثبت مؤسسهٔ انتظام",
        "Security institution registered",
    ),
    AuditAction(
        "security_firms.institution_status_changed",
        "تغییر وضعیت پروانهٔ مؤسسهٔ انتظام",
        "Security institution's licence status changed",
    ),
    AuditAction("security_firms.key_issued", "صدور کلید رابط مؤسسه", "Institution API key issued"),
    AuditAction("security_firms.applied", "ثبت درخواست نگهبان", "Guard application registered"),
    AuditAction("security_firms.check_recorded", "ثبت بند گزینش", "Vetting check recorded"),
    AuditAction("security_firms.training_recorded", "ثبت دورهٔ آموزشی", "Training recorded"),
    AuditAction("security_firms.licensed", "صدور پروانهٔ نگهبان", "Guard licensed"),
    AuditAction("security_firms.rejected", "رد درخواست نگهبان", "Guard application rejected"),
    AuditAction(
        "security_firms.status_changed",
        "تغییر وضعیت پروانهٔ نگهبان",
        "Guard's licence status changed",
    ),
    AuditAction("security_firms.expired", "پایان اعتبار پروانهٔ نگهبان", "Guard's licence expired"),
    AuditAction(
        "security_firms.taken_off_roster", "برداشتن نگهبان از لوح نگهبانی", "Guard taken off roster"
    ),
    AuditAction("security_firms.site_added", "ثبت محل قرارداد", "Contract site added"),
    AuditAction("security_firms.post_added", "ثبت پست نگهبانی", "Post added"),
    AuditAction("security_firms.shift_added", "ثبت نوبت نگهبانی", "Shift added"),
    AuditAction("security_firms.rostered", "گماردن نگهبان در نوبت", "Guard rostered"),
    AuditAction("security_firms.unrostered", "برداشتن نگهبان از نوبت", "Guard removed from shift"),
    AuditAction("security_firms.card_printed", "چاپ کارت پروانهٔ نگهبان", "Guard's card printed"),
    AuditAction(
        "security_firms.public_check", "استعلام همگانی پروانهٔ نگهبان", "Public licence check"
    ),
    AuditAction("security_firms.imported", "درون‌برد پرونده نگهبانان", "Guards imported"),
    AuditAction(
        "security_firms.institutions_imported", "درون‌برد مؤسسات انتظام", "Institutions imported"
    ),
    AuditAction("security_firms.roster_submitted", "ارسال لوح نگهبانی مؤسسه", "Roster submitted"),
    AuditAction(
        "security_firms.assessment_opened", "گشودن ارزیابی سالانهٔ مؤسسه", "Assessment opened"
    ),
    AuditAction("security_firms.finding_recorded", "ثبت یافتهٔ ارزیابی", "Assessment finding"),
    AuditAction(
        "security_firms.assessment_decided", "تصمیم دربارهٔ ارزیابی مؤسسه", "Assessment decided"
    ),
    AuditAction("security_firms.sanction_imposed", "اعمال تنبیه بر مؤسسه", "Sanction imposed"),
    AuditAction("security_firms.sanction_lifted", "رفع تعلیق مؤسسه", "Suspension lifted"),
)
