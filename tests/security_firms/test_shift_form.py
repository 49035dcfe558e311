"""The institution's desk puts a shift and its guards on the roster from the site's page:
all or nothing, refusals in Persian, and only at its own sites with its own guards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.core.jalali import to_jalali, to_tehran
from kalantar.security_firms import services
from kalantar.security_firms.models import Post, RosterAssignment, Shift
from tests.security_firms.field.conftest import desk_user

from .conftest import CODES, make_licensed

pytestmark = pytest.mark.django_db


def jalali(moment) -> str:
    local = to_tehran(moment)
    return f"{to_jalali(local.date()):%Y/%m/%d} {local:%H:%M}"


def _shift(client, site, post, guards, start, hours=8):
    return client.post(
        f"/guards/sites/{site.pk}/setup/",
        {
            "action": "shift",
            "shift-post": post.pk,
            "shift-starts_at": jalali(start),
            "shift-ends_at": jalali(start + timedelta(hours=hours)),
            "shift-guards": [g.pk for g in guards],
        },
    )


def test_the_desk_adds_a_post_and_a_shift_with_its_guards(client, site, guard):
    client.force_login(desk_user("desk-alborz", site.institution))
    url = f"/guards/sites/{site.pk}/setup/"
    added = client.post(
        url, {"action": "post", "post-name": "درب شمالی", "post-activity": "guarding"}
    )
    assert added.status_code == 302
    post = Post.objects.get(name="درب شمالی")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
    assert _shift(client, site, post, [guard], start).status_code == 302
    shift = Shift.objects.get(post=post)
    assert [a.guard for a in shift.assignments.on_roster()] == [guard]
    page = client.get(url).content.decode()
    assert "درب شمالی" in page and guard.full_name in page


def test_a_refused_guard_refuses_the_whole_shift_in_persian(client, site, guard, institution):
    post = services.add_post(by=None, site=site, name="لابی")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
    services.add_roster(
        by=None, post=post, starts_at=start, ends_at=start + timedelta(hours=8), guards=[guard]
    )
    colleague = make_licensed(institution, CODES[3], first_name="سعید", last_name="نوری")
    client.force_login(desk_user("desk-alborz", site.institution))
    # The guard already stands elsewhere at that time: nothing of this shift is kept.
    refused = _shift(client, site, post, [colleague, guard], start + timedelta(hours=1))
    assert refused.status_code == 400
    assert "در نوبت دیگری" in refused.content.decode()
    assert Shift.objects.count() == 1 and RosterAssignment.objects.count() == 1
    backwards = _shift(client, site, post, [colleague], start, hours=-1)
    assert backwards.status_code == 400 and Shift.objects.count() == 1


def test_another_institution_cannot_roster_at_the_site_nor_its_guards(
    client, site, guard, other_institution
):
    post = services.add_post(by=None, site=site, name="لابی")
    start = timezone.now() + timedelta(hours=2)
    client.force_login(desk_user("desk-zagros", other_institution))
    assert _shift(client, site, post, [guard], start).status_code == 404
    stranger = make_licensed(other_institution, CODES[4])
    client.force_login(desk_user("desk-alborz", site.institution))
    assert _shift(client, site, post, [stranger], start).status_code == 400
    assert not Shift.objects.exists()
