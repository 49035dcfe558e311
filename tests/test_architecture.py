"""The layering rules the import contract cannot see: views and APIs read through
selectors, and no app listens to another app's model signals."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[1] / "src" / "kalantar"
MODEL_SIGNALS = {"pre_save", "post_save", "pre_delete", "post_delete", "post_init", "m2m_changed"}


def _modules(*patterns: str) -> list[Path]:
    found = {path for pattern in patterns for path in SRC.rglob(pattern)}
    return sorted(p for p in found if "migrations" not in p.parts)


VIEW_MODULES = ("views.py", "*_views.py", "views/*.py", "api.py", "*_api.py")
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
# What a related manager answers with a query (or a write): called on `x.<relation>` in a
# view, it reads or changes rows no selector scoped.
QUERY_METHODS = {
    "all", "filter", "exclude", "get", "first", "last", "count", "exists", "order_by",
    "values", "values_list", "select_related", "prefetch_related", "annotate", "aggregate",
    "only", "defer", "distinct", "latest", "earliest", "in_bulk", "iterator", "none",
    "create", "get_or_create", "update_or_create", "update", "delete", "bulk_create",
    "add", "remove", "clear", "set",
}  # fmt: skip


def _relation_accessors() -> set[str]:
    """The names through which one model reaches the rows of another: every reverse
    relation (`related_name`, or `<model>_set`) and every many-to-many field."""
    names = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.many_to_many and not f.auto_created:
                names.add(f.name)
            elif f.auto_created and not f.concrete and (f.one_to_many or f.many_to_many):
                names.add(f.get_accessor_name())
    return names


def _selector_call(node: ast.AST) -> str:
    """The selector's name when `node` calls one (`selectors.case_for(...)`), else ""."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return ""
    module = node.func.value
    return (
        node.func.attr if isinstance(module, ast.Name) and module.id.endswith("selectors") else ""
    )


def orm_reads(source: str, relations: set[str]) -> list[tuple[int, str]]:
    """(line, what) of every query a module writes itself: `Model.objects`, the
    get_object_or_404 shortcuts (the model or queryset they take is a query the selectors
    did not scope), a query method called on a relation (`case.events.filter(...)`,
    `group.member_set.all()`), and one added to a selector's answer
    (`selectors.cases_for(user).filter(...)`: the selector should answer the question)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, ".objects"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in SHORTCUTS:
            found.append((node.lineno, f"{name}()"))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in QUERY_METHODS
            and isinstance(func.value, ast.Attribute)
            and (func.value.attr in relations or func.value.attr.endswith("_set"))
        ):
            found.append((node.lineno, f".{func.value.attr}.{func.attr}()"))
        elif isinstance(func, ast.Attribute) and func.attr in QUERY_METHODS:
            selector = _selector_call(func.value)
            if selector:
                found.append((node.lineno, f"{selector}().{func.attr}()"))
    return found


def test_views_and_apis_read_through_selectors_never_the_orm():
    """A view parses, calls one selector or service and renders; a query written in a view
    escapes the scoping the selectors enforce."""
    relations = _relation_accessors()
    offenders = [
        f"{path.relative_to(SRC)}:{line} {what}"
        for path in _modules(*VIEW_MODULES)
        for line, what in orm_reads(path.read_text(encoding="utf-8"), relations)
    ]
    assert not offenders, "ORM queries in views or APIs:\n" + "\n".join(offenders)


def test_the_rule_sees_every_kind_of_query_a_view_could_write():
    """The rule above finds each shape of query, and leaves dictionaries and forms alone."""
    source = """
def view(request, pk):
    a = Case.objects.get(pk=pk)
    b = get_object_or_404(Case, pk=pk)
    c = shortcuts.get_list_or_404(Case.objects.all())
    d = case.events.select_related("actor")
    e = group.attendance_set.filter(present=True)
    f = form.errors.values()
    g = request.GET.get("q")
    h = selectors.case_for(request.user, pk)
    i = org_selectors.units_for(request.user).filter(parent=h)
    j = selectors.cases_for(request.user)[:20]
    return a, b, c, d, e, f, g, h, i, j
"""
    assert sorted(orm_reads(source, {"events"})) == [
        (3, ".objects"),
        (4, "get_object_or_404()"),
        (5, ".objects"),
        (5, "get_list_or_404()"),
        (6, ".events.select_related()"),
        (7, ".attendance_set.filter()"),
        (11, "units_for().filter()"),
    ]


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
