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
    AuditAction("evidence.fixity_checked", "بررسی درستی پروندهٔ مدرک", "Fixity checked"),
    AuditAction(
        "evidence.quarantined",
        "قرنطینهٔ مدرک (پرونده دگرگون یا ناپیدا)",
        "Evidence quarantined (file altered or missing)",
    ),
    AuditAction("evidence.exported", "برون‌بری مدرک برای مرجع قضایی", "Evidence exported"),
    AuditAction("evidence.deletion_queued", "نوبت حذف مدرک", "Evidence queued for deletion"),
    AuditAction("evidence.deletion_approved", "تأیید حذف مدرک", "Evidence deletion approved"),
    AuditAction("evidence.deletion_undone", "بازگرداندن حذف مدرک", "Evidence deletion undone"),
    AuditAction("evidence.deletion_done", "حذف مدرک", "Evidence deleted"),
    AuditAction("evidence.hold_placed", "توقیف قضایی مدرک", "Legal hold placed"),
    AuditAction("evidence.hold_lifted", "رفع توقیف قضایی مدرک", "Legal hold lifted"),
    AuditAction("evidence.media_read", "خواندن مشخصات فیلم", "Media facts read"),
    AuditAction(
        "evidence.flagged_for_review",
        "پرونده خوانا نبود؛ نیاز به بررسی",
        "File unreadable as media; flagged for review",
    ),
    AuditAction("evidence.linked", "پیوند خودکار به رویداد", "Linked to an incident automatically"),
    AuditAction("evidence.link_suggested", "پیشنهاد پیوند به رویداد", "Incident links suggested"),
    AuditAction("evidence.link_confirmed", "تأیید پیوند به رویداد", "Incident link confirmed"),
    AuditAction(
        "evidence.link_dismissed", "رد پیوند پیشنهادی", "Suggested incident link dismissed"
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
    AuditAction(
        "evidence.deletion_summary_sent",
        "اعلام هفتگی مدارکی که حذف خواهند شد",
        "Weekly summary of coming deletions sent",
    ),
    AuditAction("evidence.custody_printed", "چاپ زنجیرهٔ نگهداری مدرک", "Custody chain printed"),
    AuditAction("evidence.share_downloaded", "دریافت مدرک از پیوند", "Shared evidence downloaded"),
)

ACTIONS += (
    AuditAction("evidence.redaction_made", "ساخت نسخهٔ پوشیده‌شده از مدرک", "Redacted copy made"),
    AuditAction(
        "evidence.derived",
        "ساخته‌شده به‌صورت نسخهٔ پوشیده‌شده",
        "Created as a redacted copy",
    ),
    AuditAction("evidence.faces_suggested", "پیشنهاد چهره‌ها برای پوشاندن", "Faces suggested"),
)
