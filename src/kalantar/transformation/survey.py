"""The anonymous staff and partner survey (after the COPS Office's CP-SAT): respondents
choose their role and rate statements from 1 (strongly disagree) to 5 (strongly agree).
Pure: no database."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kalantar.core.disclosure import MIN_COUNT

# Fewer answers than this are not shown, so that no one can be picked out.
MIN_RESPONSES = MIN_COUNT

ROLES = (
    ("officer", _("Officer of the station")),
    ("staff", _("Civilian staff of the station")),
    ("supervisor", _("Supervisor or commander")),
    ("partner", _("Partner agency or organisation")),
    ("resident", _("Community member or local council")),
)
ROLE_CODES = tuple(code for code, _label in ROLES)

STATEMENTS = (
    ("polite", _("The station's officers treat people politely and with respect.")),
    ("solve", _("The station works with residents and partners to solve local problems.")),
    ("trust", _("People in the area trust the station.")),
    ("training", _("Officers get the training they need for their work.")),
    ("pleasant", _("The station is a pleasant place to visit and to work in.")),
    ("quick", _("The station deals with requests and complaints quickly.")),
)
STATEMENT_CODES = tuple(code for code, _label in STATEMENTS)
SCALE = range(1, 6)


def check_answer(role: str, answers: dict[str, int]) -> dict[str, list]:
    """The problems of one answer, by field; empty when it can be stored."""
    problems: dict[str, list] = {}
    if role not in ROLE_CODES:
        problems["role"] = [_("Choose your role.")]
    for code in STATEMENT_CODES:
        if answers.get(code) not in SCALE:
            problems[code] = [_("Choose a rating from 1 to 5.")]
    if set(answers) - set(STATEMENT_CODES):
        problems["__all__"] = [_("The answer holds an unknown statement.")]
    return problems


def summarise(responses: list[tuple[str, dict[str, int]]]) -> dict | None:
    """Average per statement, overall and by role; None below MIN_RESPONSES. A role with
    fewer answers than the minimum is left out of the by-role table (its answers stay in
    the overall average)."""
    if len(responses) < MIN_RESPONSES:
        return None
    overall = _averages([answers for _role, answers in responses])
    by_role = {}
    for code, label in ROLES:
        of_role = [answers for role, answers in responses if role == code]
        if len(of_role) >= MIN_RESPONSES:
            by_role[code] = {"label": label, "count": len(of_role), "averages": _averages(of_role)}
    return {"count": len(responses), "overall": overall, "by_role": by_role}


def _averages(answers: list[dict[str, int]]) -> dict[str, float]:
    return {
        code: round(sum(a[code] for a in answers) / len(answers), 1) for code in STATEMENT_CODES
    }
