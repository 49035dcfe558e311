"""Outcomes the system writes (an alarm's, the demo's) read in the page's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.incidents import services


@pytest.mark.parametrize(
    ("outcome", "fa", "en"),
    [
        ("false_user", "خطا", "False: user error"),
        ("handled", "رسیدگی شد", "Dealt with"),
        ("رسیدگی شد", "رسیدگی شد", "Dealt with"),  # stored by the demo before codes
    ],
)
def test_known_outcomes_are_named_in_the_page_language(
    client, chief1, incident_at, outcome, fa, en
):
    incident = incident_at()
    services.close_incident(by=None, incident=incident, outcome=outcome)
    client.force_login(chief1)
    url = reverse("incidents:detail", args=[incident.number])
    client.cookies["kalantar_language"] = "en"
    page = client.get(url).content.decode()
    assert en in page and fa not in page and f">{outcome}<" not in page
    client.cookies["kalantar_language"] = "fa"
    page = client.get(url).content.decode()
    assert fa in page and en not in page


def test_an_officers_own_words_are_shown_as_written(client, chief1, incident_at):
    incident = incident_at()
    services.close_incident(by=None, incident=incident, outcome="متهم دستگیر شد")
    client.force_login(chief1)
    client.cookies["kalantar_language"] = "en"
    page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
    assert "متهم دستگیر شد" in page
