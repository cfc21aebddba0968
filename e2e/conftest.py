"""Fixtures for the browser journeys: the running stack, Debian's Chromium, demo users' saved sessions.

Screenshots land in artifacts/screenshots/ (the README shows a few copied to docs/screenshots/).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from devstack import cognito as local_cognito
from devstack.process import scratch_folder
from journeys import sign_in
from stack import ROOT, start_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
DEMO = {u.handle: u for u in local_cognito.DEMO_USERS}

if not Path(CHROMIUM).exists():
    raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (listed in .ci/apt-packages.txt)")


@pytest.fixture(scope="session")
def workdir():
    # Not pytest's tmp_path_factory (devstack.process.scratch_folder says why); the servers run as postgres
    # and nobody, so they must be able to walk in.
    with scratch_folder("cruddur-e2e-", mode=0o711) as folder:
        yield folder


@pytest.fixture(scope="session")
def stack(workdir):
    running = start_stack(workdir / "stack")
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="session")
def playwright():
    # One per run: Playwright's sync API cannot be started again while it runs.
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def saved_sessions(stack, browser: Browser, workdir):
    """Each demo user signs in through the real form once; tests reuse the stored session."""
    folder = workdir / "sessions"
    folder.mkdir()
    saved = {}

    def state_of(handle: str) -> str:
        if handle not in saved:
            context = browser.new_context(base_url=stack.site.url, viewport=DESKTOP)
            page = context.new_page()
            sign_in(page, DEMO[handle].email, local_cognito.DEMO_PASSWORD, expect_handle=handle)
            saved[handle] = str(folder / f"{handle}.json")
            context.storage_state(path=saved[handle])
            context.close()
        return saved[handle]

    return state_of


@pytest.fixture
def open_page(stack, browser: Browser, saved_sessions):
    """open_page(as_user=None, viewport=DESKTOP, base_url=...) → a page in a fresh browser context."""
    contexts = []

    def make(as_user: str | None = None, viewport=DESKTOP, base_url: str | None = None):
        context = browser.new_context(base_url=base_url or stack.site.url, viewport=viewport,
                                      storage_state=saved_sessions(as_user) if as_user else None)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def messages_api(stack):
    """The messages API answers (401 unsigned) once the messages work is on the backend."""
    status = requests.get(f"{stack.site.backend.url}/api/message_groups", timeout=5).status_code
    if status == 404:
        pytest.skip("the backend serves no /api/message_groups yet (messages API not merged)")
    return True
