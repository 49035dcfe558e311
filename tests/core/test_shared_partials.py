"""The shared partials every form and map uses: one form field, one map picker."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the card.")
    agree = forms.BooleanField(label="I agree", required=False)
    note = forms.CharField(label="Note", required=False)


def test_a_field_shows_its_label_mark_errors_and_help():
    form = _Form({"name": ""})
    form.is_valid()
    form.add_error("note", "At most 12 words.")
    with translation.override("fa"):
        name = render_to_string("core/_field.html", {"field": form["name"], "row_id": "name-row"})
        note = render_to_string("core/_field.html", {"field": form["note"]})
    assert 'id="name-row"' in name and 'for="id_name"' in name
    assert "required-mark" in name and "As on the card." in name
    assert 'id="id_name-error"' in name and str(form.errors["name"][0]) in name
    assert "required-mark" not in note
    assert "۱۲" in note  # errors read with the page's digits


def test_a_checkbox_has_its_label_after_the_box():
    html = render_to_string("core/_field.html", {"field": _Form()["agree"]})
    assert 'class="form-check"' in html
    assert html.index('type="checkbox"') < html.index('for="id_agree"')


@pytest.mark.django_db
def test_the_citizens_picker_asks_the_public_endpoints(client):
    html = client.get(reverse("portal:file")).content.decode()
    assert f'data-geojson-url="{reverse("portal:jurisdictions_geojson")}"' in html
    assert f'data-locate-url="{reverse("portal:locate")}"' in html
    assert reverse("api:jurisdictions") not in html  # the staff API stays the staff's


@pytest.mark.django_db
def test_the_desk_picker_asks_the_staff_api(client, make_user):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    html = client.get(reverse("complaints:new")).content.decode()
    assert f'data-geojson-url="{reverse("api:jurisdictions")}"' in html
    assert f'data-locate-url="{reverse("api:locate")}"' in html
    assert 'id="picker-map"' in html and 'id="location-error"' in html
