"""A real gunicorn (2 workers × 4 threads) serving the app on 127.0.0.1, for concurrency tests.

The server shares the test database (SQLite file or ``VAE_TEST_DATABASE_URL``), so the session
fixture's migrations and referentials serve it and the autouse clean-up empties what it wrote;
it has its own throw-away instance folder (uploads, outbox), emptied by :meth:`Live.clear`.
Browsers talk to it with ``http.client`` and a cookie jar; :func:`together` releases requests
from several threads at the same instant with a :class:`threading.Barrier`.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from bench.load import Jar
from bench.server import HOST, free_port, serve_app, stop, wait_ready
from tests.helpers import DEFAULT_PASSWORD

WORKERS = 2
THREADS = 4
TIMEOUT_S = 60.0
_TOKEN = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')
T = TypeVar("T")


@dataclass
class Live:
    """The running server: its port and its instance folders."""

    port: int
    folder: Path
    log: Path

    @property
    def upload_folder(self) -> Path:
        return self.folder / "uploads"

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    def files(self) -> set[str]:
        """Stored names of every file in the upload folder (temporary files included)."""
        return {p.name for p in self.upload_folder.rglob("*") if p.is_file()}

    def clear(self) -> None:
        for folder in (self.upload_folder, self.outbox):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

    def browser(self) -> Browser:
        return Browser(self.port)


@contextlib.contextmanager
def serving(database_url: str, folder: Path) -> Iterator[Live]:
    """gunicorn on a free port of 127.0.0.1 until the block ends (its log shown if it fails)."""
    port = free_port()
    settings = {
        "VAE_INSTANCE_PATH": str(folder / "instance"),
        "VAE_DATABASE_URL": database_url,
        "VAE_SECRET_KEY": "live-test-secret-key",
        "VAE_SESSION_COOKIE_SECURE": "false",
        "VAE_RATELIMIT_ENABLED": "false",
        "VAE_UPLOAD_FOLDER": str(folder / "uploads"),
        "VAE_MAIL_OUTBOX": str(folder / "outbox"),
        "VAE_PUBLIC_URL": f"http://{HOST}:{port}",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")} | settings
    live = Live(port, folder, folder / "gunicorn.log")
    live.clear()
    process, _port = serve_app(env, live.log, WORKERS, THREADS, port=port)
    try:
        wait_ready(process, port, "/connexion", live.log)
        yield live
    finally:
        stop(process)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str  # the redirect's path (and query), "" when none
    text: str  # the page, HTML entities decoded

    def token(self) -> str:
        match = _TOKEN.search(self.text)
        assert match, f"no CSRF token on the page ({self.status})"
        return match.group(1)


@dataclass
class Browser:
    """One user's browser: a cookie jar, a fresh connection per request."""

    port: int
    jar: Jar = field(default_factory=Jar)

    def request(self, method: str, path: str, form: dict[str, Any] | None = None) -> Answer:
        headers = self.jar.header() | {"Connection": "close"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.jar.update(response)
        finally:
            connection.close()
        location = urlsplit(response.headers.get("Location") or "")
        target = location.path + (f"?{location.query}" if location.query else "")
        return Answer(response.status, target, html.unescape(data.decode("utf-8", "replace")))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, Any]) -> Answer:
        return self.request("POST", path, form)

    def follow(self, answer: Answer) -> Answer:
        """The page a person sees after ``answer`` (the redirect followed, once)."""
        return self.get(answer.location) if answer.status in (302, 303) else answer

    def login(self, email: str, password: str = DEFAULT_PASSWORD) -> Browser:
        page = self.get("/connexion")
        answer = self.post(
            "/connexion", {"csrf_token": page.token(), "email": email, "password": password}
        )
        assert answer.status == 302, answer.text[:500]
        return self

    def tab(self) -> Browser:
        """Another tab of the same browser: the same cookies, from now on its own jar."""
        return Browser(self.port, self.jar.copy())


def together(actions: list[Callable[[], T]]) -> list[T]:
    """Run every action in its own thread, all released at the same instant; their results,
    in order (an action's exception is raised here)."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT_S)
            results[index] = action()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S * 2)
    if errors:
        raise errors[0]
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    return results
