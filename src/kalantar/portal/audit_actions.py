"""The audit actions of the citizens' portal."""

from kalantar.core.audit import AuditAction

ACTIONS = (
    AuditAction(
        "complaints.citizen_lookup", "پیگیری شکایت توسط شهروند", "Complaint followed by a citizen"
    ),
)
