"""The layering rules the import contract cannot see: views and APIs read through
selectors, and no app listens to another app's model signals."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kalantar"
MODEL_SIGNALS = {"pre_save", "post_save", "pre_delete", "post_delete", "post_init", "m2m_changed"}


def _modules(*patterns: str) -> list[Path]:
    found = {path for pattern in patterns for path in SRC.rglob(pattern)}
    return sorted(p for p in found if "migrations" not in p.parts)


def test_views_and_apis_read_through_selectors_never_the_orm():
    """A view parses, calls one selector or service and renders; a query written in a view
    escapes the scoping the selectors enforce."""
    offenders = []
    for path in _modules("views.py", "*_views.py", "views/*.py", "api.py", "*_api.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, "ORM queries in views or APIs:\n" + "\n".join(offenders)


def _app(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Name → the absolute module it was imported from (relative imports are the app's own)."""
    return {
        alias.asname or alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
        for alias in node.names
    }


def _model_signal_senders(tree: ast.Module):
    """(line, sender name) of every @receiver(<model signal>, sender=Name)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "receiver"):
            continue
        signals = node.args[0] if node.args else None
        names = {getattr(e, "id", "") for e in getattr(signals, "elts", [signals])}
        if names & MODEL_SIGNALS:
            for keyword in node.keywords:
                if keyword.arg == "sender" and isinstance(keyword.value, ast.Name):
                    yield node.lineno, keyword.value.id


def test_no_app_listens_to_another_apps_model_signals():
    offenders = []
    for path in _modules("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        origin = _imported_from(tree)
        for line, sender in _model_signal_senders(tree):
            module = origin.get(sender, "")
            if module.startswith("kalantar.") and module.split(".")[1] != _app(path):
                offenders.append(f"{path.relative_to(SRC)}:{line}")
    assert not offenders, "model signals of another app:\n" + "\n".join(offenders)
