"""Every page is sent with the Content-Security-Policy, and no page carries what the policy
would block: an inline script or an event-handler attribute (the browser test sees the
rest, such as what scripts do once loaded)."""

from __future__ import annotations

import re

import pytest

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
PUBLIC = ["/login/", "/complaint/", "/track/", "/help/", "/transparency/?unit=HM"]
STAFF = ["/", "/complaints/", "/incidents/", "/alarms/", "/problems/", "/analytics/morning/"]


def _assert_runs_under_the_policy(response) -> None:
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not HANDLER.search(html), HANDLER.search(html).group(0)
    assert "<style" not in html


@pytest.mark.parametrize("path", PUBLIC)
def test_citizen_pages(client, org_tree, path):
    _assert_runs_under_the_policy(client.get(path))


@pytest.mark.parametrize("path", STAFF)
def test_staff_pages(client, make_user, file, path):
    file()  # the queue shows its rows, with the select-all box
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    _assert_runs_under_the_policy(client.get(path))


def test_desk_form_receipt_and_detail(client, make_user, file):
    code = file().tracking_code
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    for path in ["/complaints/new/", f"/complaints/{code}/", f"/complaints/{code}/receipt/"]:
        _assert_runs_under_the_policy(client.get(path))
    html = client.get(f"/complaints/{code}/receipt/?autoprint=1").content.decode()
    assert 'data-autoprint="1"' in html


def test_htmx_is_told_to_inject_no_style_and_evaluate_nothing(client, db):
    html = client.get("/login/").content.decode()
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html
