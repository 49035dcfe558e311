"""A transactional test ends by emptying every table; the test after it still finds the
rows the migrations seeded, and files under a seeded category."""

from __future__ import annotations

import pytest

from kalantar.complaints.models import Category, Complaint
from kalantar.evidence.models import RetentionPeriod
from kalantar.security_firms.models import Indicator

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_files_a_complaint_and_is_flushed(file, category):
    file(category=category)
    assert Complaint.objects.count() == 1


def test_the_next_one_files_under_a_seeded_category(file):
    complaint = file(category=Category.objects.get(code="vehicle-theft"))
    assert complaint.category.name == "سرقت خودرو"
    publishable = Category.objects.filter(publishable=True).values_list("code", flat=True)
    assert set(publishable) == {"noise", "public-hazard"}
    assert Indicator.objects.count() == 8
    assert RetentionPeriod.objects.filter(category="traffic_stop", days=365).exists()
