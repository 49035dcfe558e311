"""The citizen's confirmation page in a browser: an endless word wraps inside the page."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from tests.portal.conftest import form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_confirmation_page_wraps_an_endless_word(live_server, page, org_tree):
    # The draft is made by the form's own POST, then the browser opens it with that session.
    client = Client()
    response = client.post(
        "/complaint/", form_data(narrative="x" * 6000, summary="https://example.org/" + "y" * 180)
    )
    assert response.status_code == 302
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    started = time.monotonic()
    page.goto(f"{live_server.url}/complaint/confirm/")
    page.wait_for_selector("#draft-summary")
    assert time.monotonic() - started < 10
    # Where the texts are drawn (a text can overflow its box, even off the page's left side
    # in a right-to-left page, where no scroll bar reaches it).
    outside = page.evaluate(
        """() => {
          const card = document.querySelector("#draft-summary").getBoundingClientRect();
          return [...document.querySelectorAll("#draft-summary dd")].filter((dd) => {
            const range = document.createRange();
            range.selectNodeContents(dd);
            const r = range.getBoundingClientRect();
            return r.left < card.left - 0.5 || r.right > card.right + 0.5;
          }).map((dd) => dd.textContent.slice(0, 20));
        }"""
    )
    assert outside == []
