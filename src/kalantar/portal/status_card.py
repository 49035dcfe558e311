"""The body of the citizen's status page: a complaint's facts, expected dates and steps.

Built with format_html rather than as template markup: it is the answer to every status
lookup, the busiest public page, and as template nodes (about forty, each resolved, filtered
and escaped in turn) it cost more CPU than the lookup's query, audit entry and rate limits
together; here it costs a tenth of that (bench/complaints.py, see the README). Every value is
escaped by format_html; tests/portal/test_status_card.py checks the markup.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kalantar.complaints import workflow
from kalantar.complaints.codes import format_tracking_code
from kalantar.complaints.selectors import CitizenView
from kalantar.core.templatetags.kalantar import digits, jdate, jdatetime

_FACTS = """<h1 class="h4">{} <span dir="ltr" id="tracking-code">{}</span></h1>
<p class="lead mb-2" id="status-text">{}</p>
<dl class="row mb-2">
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8"><span class="badge text-bg-secondary" id="status-label">{}</span></dd>
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8">{}</dd>
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8">{}</dd>
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8">{}</dd>
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8">{}</dd>
<dt class="col-sm-4">{}</dt>
<dd class="col-sm-8">{}</dd>
</dl>
"""
_REASON = (
    '<div class="alert alert-secondary" id="rejection-reason"><strong>{}</strong> '
    "<bdi>{}</bdi></div>\n"
)
_STEPS = '<h2 class="h6 mt-3">{}</h2>\n<ol class="list-group mb-3" id="timeline">\n{}</ol>\n'
_STEP = (
    '<li class="list-group-item d-flex justify-content-between align-items-start" '
    'data-kind="{}" data-status="{}">'
    '<span class="ms-2 me-auto">{}</span><span class="text-muted small">{}</span></li>\n'
)


def status_card(view: CitizenView) -> SafeString:
    """The card's body in the active language, with its digits and Jalali dates."""
    english = get_language() == "en"
    category = view.category_en if english and view.category_en else digits(view.category)
    unit = view.unit_name_en if english and view.unit_name_en else digits(view.unit_name)
    facts = format_html(
        _FACTS,
        _("Complaint"),
        digits(format_tracking_code(view.tracking_code)),
        workflow.CITIZEN_TEXT.get(view.status, ""),
        _("Status"),
        workflow.status_label(view.status),
        _("Category"),
        category,
        _("Handled by"),
        unit,
        _("Registered"),
        jdatetime(view.filed_at, "long"),
        _("First action expected by"),
        jdatetime(view.first_action_due, "long"),
        _("Closure expected by"),
        jdate(view.closure_due, "long"),
    )
    reason = (
        format_html(_REASON, _("Reason:"), digits(view.rejection_reason))
        if view.rejection_reason
        else ""
    )
    steps = format_html_join(
        "",
        _STEP,
        ((step.kind, step.to_status, step.label, jdatetime(step.at)) for step in view.events),
    )
    # Every part is format_html's escaped output.
    return mark_safe(facts + reason + format_html(_STEPS, _("Steps so far"), steps))
