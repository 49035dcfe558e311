"""A user's roles, permissions and second-factor devices are kept between requests (the
page's shell no longer reads them each time): every change still shows on the user's next
request, and what one user may see never reaches another's page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.people.roles import role_label

AUDIT_LOG = reverse("core:audit_log")


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def menu_links(response) -> bool:
    return f'href="{AUDIT_LOG}"' in response.content.decode()


@pytest.fixture
def inspector(make_user):
    return make_user("inspector1", "inspector", "HM")


def test_a_role_taken_away_closes_its_pages_and_menu_at_the_next_request(client, inspector):
    client.force_login(inspector)
    assert client.get(AUDIT_LOG).status_code == 200
    assert menu_links(client.get("/"))

    inspector.groups.set([Group.objects.get(name="analyst")])

    assert client.get(AUDIT_LOG).status_code == 403
    home = client.get("/")
    assert not menu_links(home)
    with translation.override("fa"):
        assert str(role_label("analyst")) in home.content.decode()


def test_a_permission_taken_from_a_role_ends_for_its_members_at_once(client, inspector):
    client.force_login(inspector)
    assert client.get(AUDIT_LOG).status_code == 200

    view_log = Permission.objects.get(codename="view_auditentry", content_type__app_label="core")
    Group.objects.get(name="inspector").permissions.remove(view_log)

    assert client.get(AUDIT_LOG).status_code == 403
    assert not menu_links(client.get("/"))


def test_a_role_given_opens_its_pages_at_the_next_request(client, make_user):
    analyst = make_user("analyst1", "analyst", "HM")
    client.force_login(analyst)
    assert client.get(AUDIT_LOG).status_code == 403

    Group.objects.get(name="inspector").user_set.add(analyst)  # from the role's side
    client.force_login(type(analyst).objects.get(pk=analyst.pk))  # and the second factor

    assert client.get(AUDIT_LOG).status_code == 200


def test_a_deleted_authenticator_ends_the_verified_session(client, county_user):
    client.force_login(county_user)  # password and second factor given
    assert client.get("/").status_code == 200

    TOTPDevice.objects.filter(user=county_user).delete()  # e.g. from the admin site

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:enrol"))


def test_each_user_sees_the_menu_of_their_own_roles_in_their_language(client, inspector, make_user):
    analyst = make_user("analyst1", "analyst", "HM")
    other = type(client)()
    client.force_login(inspector)
    other.force_login(analyst)
    for _ in range(2):  # the second time from what was kept
        assert menu_links(client.get("/"))
        assert not menu_links(other.get("/"))
    client.cookies["kalantar_language"] = "en"
    english = client.get("/").content.decode()
    assert " Audit log</a>" in english
    client.cookies["kalantar_language"] = "fa"
    with translation.override("fa"):
        persian = gettext("Audit log")
    assert f" {persian}</a>" in client.get("/").content.decode()


def test_a_known_user_s_page_reads_no_roles_permissions_or_devices(client, inspector):
    client.force_login(inspector)
    client.get("/")  # the first request reads and keeps them
    tables = []

    def watch(execute, sql, params, many, context):
        tables.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert client.get(AUDIT_LOG).status_code == 200
    read = " ".join(tables)
    for table in ("auth_group", "auth_permission", "otp_totp", "otp_static"):
        assert table not in read, table
