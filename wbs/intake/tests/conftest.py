"""Browser fixtures for the Playwright tests in test_browser.py (Debian's Chromium, never a
downloaded browser). Everything else is in the root conftest.py."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM
# calls from that thread (fixtures, factories) unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _missing(reason: str):
    if os.environ.get("WBS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WBS_REQUIRE_BROWSER=1: browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing("Chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _missing("Playwright not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"{CHROMIUM} exists but could not be started: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser):
    """Factory for browser contexts (closed after the test): new_context(**options)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 360, "height": 740})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
