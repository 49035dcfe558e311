from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kalantar.core.models import AuditEntry
from kalantar.people.models import User
from kalantar.people.roles import ROLE_CODES
from kalantar.people.services import create_token, revoke_token
from tests.conftest import PASSWORD


def test_add_user_command_creates_an_audited_account(org_tree, monkeypatch, capsys):
    monkeypatch.setenv("KALANTAR_PASSWORD", PASSWORD)
    call_command("add_user", "--username", "zahra", "--role", "desk_officer", "--unit", "HM01K01")
    user = User.objects.get(username="zahra")
    assert user.unit.code == "HM01K01" and user.role_codes() == ["desk_officer"]
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="people.user.create", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--role", "wizard", "--unit", "HM01K01"], "نقش"),
        (["--role", "desk_officer", "--unit", "XX99"], "یگان"),
    ],
)
def test_add_user_rejects_unknown_role_or_unit(org_tree, monkeypatch, args, expected):
    monkeypatch.setenv("KALANTAR_PASSWORD", PASSWORD)
    with translation.override("fa"), pytest.raises(CommandError, match=expected):
        call_command("add_user", "--username", "reza", *args)
    assert not User.objects.filter(username="reza").exists()


def test_add_user_rejects_a_weak_password(org_tree, monkeypatch):
    monkeypatch.setenv("KALANTAR_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("add_user", "--username", "reza", "--role", "analyst", "--unit", "HM")
    assert not User.objects.filter(username="reza").exists()


def test_create_token_prints_a_working_token(client, make_user, capsys):
    make_user("integrator", "analyst", "HM")
    call_command("create_token", "--user", "integrator")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("klt_")
    response = client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 7  # HM, its inspection, two counties, three stations
    with pytest.raises(CommandError):
        call_command("create_token", "--user", "nobody")


def test_revoked_or_inactive_tokens_are_refused(client, make_user):
    user = make_user("svc", "analyst", "HM")
    token, raw = create_token(by=None, user=user)
    revoke_token(by=None, token=token)
    assert client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    _token, raw2 = create_token(by=None, user=user)
    user.is_active = False
    user.save()
    assert client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401


def test_login_locks_after_five_failures(client, make_user):
    make_user("victim", "desk_officer", "HM01K01")
    for _ in range(5):
        response = client.post("/login/", {"username": "victim", "password": "wrong"})
    # Even the right password is refused while the lock lasts.
    response = client.post("/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_works_and_sessions_expire_when_idle(client, make_user):
    make_user("officer", "desk_officer", "HM01K01")
    response = client.post("/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert client.get("/").status_code == 200


def test_roles_exist_as_groups_with_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_CODES)
    sysadmin = Group.objects.get(name="sysadmin")
    assert sysadmin.permissions.filter(codename="import_jurisdictions").exists()
    assert (
        not Group.objects.get(name="desk_officer")
        .permissions.filter(codename="view_auditentry")
        .exists()
    )


def test_navigation_follows_the_role(client, make_user):
    desk = make_user("d", "desk_officer", "HM01K01")
    inspector = make_user("i", "inspector", "HM")
    client.force_login(desk)
    assert "/audit/" not in client.get("/").content.decode()
    assert client.get("/audit/").status_code == 403
    client.force_login(inspector)
    assert "/audit/" in client.get("/").content.decode()
    assert client.get("/audit/").status_code == 200
