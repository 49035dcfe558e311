"""The migration that adds the Open311 id gives every existing complaint its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("complaints", "0006_citizen_lookup_function")]
AFTER = [("complaints", "0007_open311_public_id_and_publishable")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_complaints_get_distinct_open311_ids(org_tree):
    try:
        old = _migrate(BEFORE)
        Category = old.get_model("complaints", "Category")
        Complaint = old.get_model("complaints", "Complaint")
        Unit = old.get_model("org", "Unit")
        category, _ = Category.objects.get_or_create(code="noise", defaults={"name": "سروصدا"})
        station = Unit.objects.get(code="HM01K01")
        now = timezone.now()
        for i in range(3):
            Complaint.objects.create(
                tracking_code=f"10000000{i}0",
                channel="online",
                category=category,
                unit=station,
                incident_at=now,
                summary="سروصدا",
                narrative="سروصدای کارگاه تا نیمه‌شب",
                filed_at=now,
                first_action_due=now + timedelta(hours=1),
                closure_due=now + timedelta(days=1),
            )
        new = _migrate(AFTER)
        ids = list(
            new.get_model("complaints", "Complaint").objects.values_list("open311_id", flat=True)
        )
        assert len(ids) == 3 and len(set(ids)) == 3 and all(len(i) == 16 for i in ids)
        assert new.get_model("complaints", "Category").objects.get(code="noise").publishable
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
