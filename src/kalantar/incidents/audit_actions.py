"""The audit actions of the incidents app."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("incidents.open", "ثبت رویداد", "Incident opened"),
    AuditAction("incidents.dispatch", "اعزام واحد", "Unit dispatched"),
    AuditAction("incidents.on_scene", "رسیدن واحد به محل", "Unit on scene"),
    AuditAction("incidents.clear", "پایان کار واحد در محل", "Unit cleared"),
    AuditAction("incidents.close", "بستن رویداد", "Incident closed"),
    AuditAction("incidents.set_times", "اصلاح زمان‌های رویداد", "Incident times corrected"),
    AuditAction("incidents.add_unit", "افزودن واحد گشت", "Patrol unit added"),
    AuditAction("incidents.unit_status", "تغییر وضعیت واحد گشت", "Patrol unit status changed"),
    AuditAction("incidents.rebuild_counts", "بازسازی شمارش روزانه", "Daily counts rebuilt"),
    AuditAction("incidents.link_complaint", "پیوند شکایت به رویداد", "Complaint linked"),
    AuditAction("incidents.import", "ورود رویدادها از پرونده", "Incidents imported"),
)
