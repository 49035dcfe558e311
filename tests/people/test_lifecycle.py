"""Account lifecycle: a leaver is disabled in one step with every session and token ended,
dormant accounts are disabled, passwords are checked, every change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kalantar.core.extensions import periodic_jobs
from kalantar.core.models import AuditEntry
from kalantar.people import services
from kalantar.people.models import ApiToken, User
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _logged_in_client(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _api(raw: str) -> int:
    return Client().get("/api/units", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_leaver_is_disabled_in_one_step(make_user):
    admin = make_user("admin", "sysadmin", "IR")
    leaver = make_user("leaver", "desk_officer", "HM01K01")
    stays = make_user("stays", "desk_officer", "HM01K01")
    office, home = _logged_in_client("leaver"), _logged_in_client("leaver")
    colleague = _logged_in_client("stays")
    _token, raw = services.create_token(by=admin, user=leaver)
    _token2, raw2 = services.create_token(by=admin, user=leaver)
    _other, other_raw = services.create_token(by=admin, user=stays)
    assert office.get("/").status_code == 200 and _api(raw) == 200

    closure = services.disable_account(by=admin, user=leaver, reason="left the force")

    assert closure == services.Closure(sessions_ended=2, tokens_revoked=2)
    leaver.refresh_from_db()
    assert not leaver.is_active
    for client in (office, home):
        assert client.get("/map/")["Location"].startswith("/login/")
    assert _api(raw) == 401 and _api(raw2) == 401
    assert Client().post("/login/", {"username": "leaver", "password": PASSWORD}).status_code == 200
    # Nobody else is touched.
    assert colleague.get("/").status_code == 200 and _api(other_raw) == 200
    entry = AuditEntry.objects.get(action="people.user.disable", object_id=str(leaver.pk))
    assert entry.actor == admin
    assert entry.detail == {
        "username": "leaver",
        "reason": "left the force",
        "sessions_ended": 2,
        "tokens_revoked": 2,
    }


def test_disabling_needs_a_reason_and_not_oneself(make_user):
    admin = make_user("admin", "sysadmin", "IR")
    desk = make_user("desk", "desk_officer", "HM01K01")
    with pytest.raises(ValidationError):
        services.disable_account(by=admin, user=desk, reason="  ")
    with pytest.raises(ValidationError):
        services.disable_account(by=admin, user=admin, reason="testing")
    assert User.objects.filter(is_active=True).count() == 2
    assert not AuditEntry.objects.filter(action="people.user.disable").exists()


def test_the_admin_disables_leavers_with_a_reason(client, make_user):
    admin = make_user("admin", "sysadmin", "IR")
    leaver = make_user("leaver", "desk_officer", "HM01K01")
    session = _logged_in_client("leaver")
    client.force_login(admin)
    selection = {"action": "disable_accounts", "_selected_action": [leaver.pk]}
    confirm = client.post("/admin/people/user/", selection)
    assert confirm.status_code == 200 and "leaver" in confirm.content.decode()
    leaver.refresh_from_db()
    assert leaver.is_active  # nothing happens before the reason is given
    done = client.post("/admin/people/user/", {**selection, "apply": "1", "reason": "retired"})
    assert done.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert session.get("/map/")["Location"].startswith("/login/")
    entry = AuditEntry.objects.get(action="people.user.disable")
    assert entry.detail["reason"] == "retired" and entry.actor == admin


def test_unticking_active_in_the_admin_ends_sessions_too(client, make_user):
    admin = make_user("admin", "sysadmin", "IR")
    desk = make_user("desk", "desk_officer", "HM01K01")
    session = _logged_in_client("desk")
    _token, raw = services.create_token(by=admin, user=desk)
    client.force_login(admin)
    form = client.get(f"/admin/people/user/{desk.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "groups": [g.pk for g in desk.groups.all()],
            "user_permissions": [],
            "unit": desk.unit_id,
        }
    )
    data.pop("is_active")  # unticked
    response = client.post(f"/admin/people/user/{desk.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    desk.refresh_from_db()
    assert not desk.is_active
    assert session.get("/map/")["Location"].startswith("/login/") and _api(raw) == 401
    assert AuditEntry.objects.filter(action="people.user.disable").exists()


def _age(user: User, *, joined: int, login: int | None) -> None:
    now = timezone.now()
    user.date_joined = now - timedelta(days=joined)
    user.last_login = None if login is None else now - timedelta(days=login)
    user.save(update_fields=["date_joined", "last_login"])


def test_dormant_accounts_are_disabled(make_user, capsys):
    admin = make_user("admin", "sysadmin", "IR")
    accounts = {
        "away": (200, 91),  # last logged in 91 days ago
        "never": (100, None),  # never logged in, created 100 days ago
        "recent": (200, 3),
        "new": (10, None),  # created ten days ago, not yet used
        "integration": (300, None),  # never logs in, but its API token is used
        "back": (300, 120),  # enabled again yesterday
    }
    users = {}
    for username, (joined, login) in accounts.items():
        users[username] = make_user(username, "analyst", "HM")
        _age(users[username], joined=joined, login=login)
    token, _raw = services.create_token(by=admin, user=users["integration"])
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(days=5))
    users["back"].is_active = False
    users["back"].save()
    services.enable_account(by=admin, user=users["back"])
    _age(admin, joined=1, login=0)

    call_command("disable_dormant_accounts", "--dry-run")
    assert "would disable 2 accounts" in capsys.readouterr().out
    assert User.objects.filter(is_active=False).count() == 0

    job = next(j for j in periodic_jobs() if j.name == "disable_dormant_accounts")
    line = job.run()
    assert line == "disabled 2 dormant accounts: away, never"
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
        "away",
        "never",
    }
    entries = AuditEntry.objects.filter(action="people.user.disable")
    assert entries.count() == 2
    assert all(e.actor is None and e.detail["reason"].startswith("dormant") for e in entries)
    assert AuditEntry.objects.filter(action="people.user.enable", actor=admin).exists()
    # Nothing left to do the second time.
    assert job.run() is None


@pytest.mark.parametrize(
    ("password", "first_name", "last_name"),
    [
        ("password123", "", ""),  # on the list of common passwords
        ("Karimi-1403", "محمد", "Karimi"),  # the user's own name
        ("mohammadreza1", "Mohammadreza", ""),  # the user's own first name
    ],
)
def test_passwords_are_checked_against_common_ones_and_the_users_data(
    org_tree, password, first_name, last_name
):
    with pytest.raises(ValidationError):
        services.add_user(
            by=None,
            username="officer7",
            role="desk_officer",
            unit_code="HM01K01",
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    assert not User.objects.filter(username="officer7").exists()


def test_a_password_change_in_the_admin_is_audited(client, make_user):
    admin = make_user("admin", "sysadmin", "IR")
    desk = make_user("desk", "desk_officer", "HM01K01")
    client.force_login(admin)
    new = "Another-long-pass-456"
    response = client.post(
        f"/admin/people/user/{desk.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    desk.refresh_from_db()
    assert desk.check_password(new)
    assert AuditEntry.objects.filter(
        action="people.user.password_change", actor=admin, object_id=str(desk.pk)
    ).exists()
