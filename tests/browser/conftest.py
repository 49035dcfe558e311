"""Browser tests: Playwright driving the system's Chromium against a live server.

Pages run under a Content-Security-Policy without 'unsafe-eval': give wait_for_function a
function ("() => …"), never a bare expression, which Playwright would run with eval."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = (
    os.environ.get("KALANTAR_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="no Chromium on this machine: browser tests skipped "
        "(install Debian's chromium package to run them)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright runs an event loop in this thread; the live server's ORM runs elsewhere.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # What the page saw, told when a test fails: a timeout alone does not say why.
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    page.on("requestfailed", lambda req: seen.append(f"failed: {req.method} {req.url}"))
    page.on(
        "response",
        lambda response: seen.append(f"{response.status} {response.request.method} {response.url}"),
    )
    yield page
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed:
        print(f"\n--- the page at {page.url} saw:")
        print("\n".join(seen[-40:]))
    context.close()
