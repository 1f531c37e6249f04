"""Browser tests: the app served on loopback by a real WSGI server, driven in Debian's Chromium.

The server runs in a thread on its own SQLite database, migrated from empty; Playwright
launches /usr/bin/chromium (no browser download). Screenshots land in tests/e2e/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("VAE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=fr-FR",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from flask_migrate import upgrade

    from vae import create_app
    from vae.referentials.operations import load_all

    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'e2e.sqlite3'}",
            "SESSION_COOKIE_SECURE": False,
            # Every journey signs in from 127.0.0.1 within a few minutes; the login rate limit
            # has its own functional test (test_auth.py). Raised, not disabled: the limiter is
            # one object shared by every app of the test run.
            "RATELIMIT_LOGIN": "1000 per minute",
            "RATELIMIT_SIGNUP": "1000 per minute",
            "MAIL_OUTBOX": str(instance / "outbox"),
            "UPLOAD_FOLDER": str(instance / "uploads"),
        }
    )
    with app.app_context():
        upgrade()
        load_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    app.base_url = app.config["PUBLIC_URL"]
    yield app
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps")
    from playwright.sync_api import sync_playwright

    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def shot(page: Any, name: str) -> None:
    """Keep a full-page screenshot for people to review (not committed), and check the page
    with axe-core against WCAG 2.2 A and AA: any violation fails the test."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_accessible(page, name)


def assert_accessible(page: Any, name: str) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `npm ci` (make test does)")
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy stays on.
    violations = page.evaluate(
        AXE.read_text()
        + "\n;axe.run(document, {runOnly: {type: 'tag', values: "
        + repr(AXE_TAGS)
        + "}}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    assert not violations, f"{name}: accessibility violations (axe-core): {violations}"


# Measured by every reflow check, printed at the end of the run (tests/e2e/test_reflow.py).
WIDTHS: dict[str, int] = {}


def assert_no_sideways_scroll(page: Any, name: str) -> list[str]:
    """WCAG 1.4.10 reflow: the page must fit its viewport. Returns a failure line (with the
    widest elements, to help fix it) or nothing; the measured width is kept in WIDTHS."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    WIDTHS[name] = width
    if width <= viewport:
        return []
    culprits = page.evaluate(
        """(vw) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > vw + 1)
        .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > vw + 1))
        .slice(0, 4)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
             + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""",
        viewport,
    )
    return [f"{name}: {width} px wide for a {viewport} px viewport; widest: {culprits}"]
