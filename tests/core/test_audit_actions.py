"""Every audit action written anywhere has a registered name in Persian and English."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from kalantar.core import audit

SRC = Path(audit.__file__).resolve().parents[1]


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    return {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _codes(expr: ast.expr, constants: dict[str, ast.expr]) -> list[str] | None:
    """The action codes an argument can take, or None when the source does not say."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _codes(expr.body, constants), _codes(expr.orelse, constants)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(expr, ast.Name) and expr.id in constants:
        return _codes(constants[expr.id], constants)
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        table = constants.get(expr.value.id)
        if isinstance(table, ast.Dict):
            found = [_codes(v, constants) for v in table.values]
            return None if None in found else [c for codes in found for c in codes]
    return None


def _written_actions() -> dict[str, list[str]]:
    """Each call of audit.record in src: where it is → the actions it may write."""
    written = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            is_record = (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and isinstance(func.value, ast.Name)
                and func.value.id == "audit"
            )
            if is_record:
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                written[where] = _codes(node.args[0], constants)
    return written


def test_every_action_written_is_registered():
    written = _written_actions()
    assert len(written) > 50  # the scan found the calls
    unclear = [where for where, codes in written.items() if codes is None]
    assert unclear == [], "spell the action codes out where audit.record is called"
    registered = {a.code for a in audit.registered_actions()}
    missing = sorted(
        f"{where} {code}"
        for where, codes in written.items()
        for code in codes
        if code not in registered
    )
    assert missing == []


def test_every_registered_action_has_both_names():
    for action in audit.registered_actions():
        assert action.fa and action.en and action.fa != action.en, action.code
        assert not any("a" <= ch.lower() <= "z" for ch in action.fa.replace("Open311", ""))
        with translation.override("fa"):
            assert audit.action_label(action.code) == action.fa
        with translation.override("en"):
            assert audit.action_label(action.code) == action.en
