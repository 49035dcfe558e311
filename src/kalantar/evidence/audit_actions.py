"""The audit actions of the evidence app: each act on a camera or an item (its custody)."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction("evidence.camera_registered", "ثبت دوربین", "Camera registered"),
    AuditAction("evidence.camera_checked_out", "تحویل دوربین به مأمور", "Camera checked out"),
    AuditAction("evidence.camera_checked_in", "بازگرداندن دوربین", "Camera checked in"),
    AuditAction("evidence.uploaded", "بارگذاری مدرک", "Evidence uploaded"),
    AuditAction(
        "evidence.duplicate_uploaded", "بارگذاری دوبارهٔ همان پرونده", "Same file uploaded again"
    ),
    AuditAction("evidence.upload_refused", "رد بارگذاری مدرک", "Evidence upload refused"),
    AuditAction("evidence.upload_cancelled", "لغو بارگذاری مدرک", "Evidence upload cancelled"),
    AuditAction("evidence.item_viewed", "مشاهدهٔ مدرک", "Evidence viewed"),
    AuditAction("evidence.item_downloaded", "دریافت پروندهٔ مدرک", "Evidence downloaded"),
    AuditAction(
        "evidence.item_changed", "تغییر عنوان یا دستهٔ مدرک", "Evidence title or category changed"
    ),
    AuditAction(
        "evidence.item_streamed", "پخش مدرک با هدف اعلام‌شده", "Evidence played for a stated purpose"
    ),
    AuditAction(
        "evidence.complaint_linked", "پیوند مدرک به شکایت", "Evidence linked to a complaint"
    ),
    AuditAction("evidence.shared", "ارسال پیوند مدرک", "Evidence shared by link"),
    AuditAction("evidence.share_revoked", "لغو پیوند مدرک", "Evidence share link revoked"),
    AuditAction("evidence.share_opened", "گشودن پیوند مدرک", "Evidence share link opened"),
    AuditAction(
        "evidence.share_acknowledged",
        "تأیید دریافت مدرک",
        "Receipt of shared evidence acknowledged",
    ),
    AuditAction("evidence.share_downloaded", "دریافت مدرک از پیوند", "Shared evidence downloaded"),
)
