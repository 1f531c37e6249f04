"""A bounded HTTP load generator for ``bench/http.py``: threads, http.client, 127.0.0.1 only.

Every run uses the same settings, so the rates of two servers can be compared as a ratio.
Only 200 answers count; any other answer (or a connection error) stops the run and raises
:class:`LoadError` with the first one. A sync gunicorn worker closes the connection after
each answer; http.client then reconnects on its own, for the baseline and the app alike.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
USER_AGENT = "vae-bench/1"
CONCURRENCY = 8
WARMUP_S = 2.0
DURATION_S = 8.0
MAX_REQUESTS = 100_000
TIMEOUT_S = 30.0
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')  # fmt: skip


class LoadError(RuntimeError):
    """A non-200 answer or a failed request during a run."""


@dataclass
class Result:
    requests: int  # 200 answers completed inside the measured window
    seconds: float
    total: int  # every answer, warm-up included

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Jar:
    """The cookies of one client, updated from every Set-Cookie like a browser would."""

    cookies: dict[str, str] = field(default_factory=dict)

    def header(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def update(self, response: http.client.HTTPResponse) -> None:
        for raw in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if not morsel.value or "1970" in morsel["expires"]:  # deleted
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def copy(self) -> Jar:
        return Jar(dict(self.cookies))


def _request(
    connection: http.client.HTTPConnection,
    jar: Jar,
    method: str,
    path: str,
    body: str | None = None,
) -> tuple[int, bytes]:
    headers = jar.header()
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    jar.update(response)
    return response.status, data


def login(port: int, email: str, password: str, first_page: str) -> Jar:
    """Sign in through the real login form (CSRF token from the GET), then open ``first_page``."""
    jar = Jar()
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
    try:
        status, page = _request(connection, jar, "GET", "/connexion")
        match = _CSRF.search(page.decode())
        if status != 200 or not match:
            raise LoadError(f"GET /connexion: {status}, CSRF token found: {bool(match)}")
        token = next(g for g in match.groups() if g)
        form = urlencode({"csrf_token": token, "email": email, "password": password})
        status, page = _request(connection, jar, "POST", "/connexion", form)
        if status != 302:
            raise LoadError(f"POST /connexion as {email}: {status} {page[:300]!r}")
        status, page = _request(connection, jar, "GET", first_page)
        if status != 200:
            raise LoadError(f"GET {first_page} after login as {email}: {status} {page[:300]!r}")
    finally:
        connection.close()
    return jar


def run(
    port: int,
    paths: list[str],
    jar: Jar | None = None,
    *,
    concurrency: int = CONCURRENCY,
    warmup: float = WARMUP_S,
    duration: float = DURATION_S,
    max_requests: int = MAX_REQUESTS,
) -> Result:
    """``concurrency`` clients loop over ``paths`` (round-robin) for ``warmup + duration`` s."""
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[str] = []
    counted = [0] * concurrency
    answered = [0] * concurrency
    last_counted = [0.0] * concurrency
    started = time.perf_counter()
    window_start = started + warmup
    deadline = window_start + duration

    def client(slot: int) -> None:
        own_jar = jar.copy() if jar else Jar()
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
        index = slot
        try:
            while not stop.is_set():
                path = paths[index % len(paths)]
                index += 1
                try:
                    status, body = _request(connection, own_jar, "GET", path)
                except (OSError, http.client.HTTPException) as exc:
                    status, body = -1, repr(exc).encode()
                done = time.perf_counter()
                if status != 200:
                    with lock:
                        errors.append(f"GET {path}: {status} {body[:300]!r}")
                    stop.set()
                    return
                answered[slot] += 1
                if window_start <= done <= deadline:
                    counted[slot] += 1
                    last_counted[slot] = done
                if done >= deadline or sum(answered) >= max_requests:
                    stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + TIMEOUT_S + 5)
    if any(t.is_alive() for t in threads):
        stop.set()
        raise LoadError(f"clients still running after the run on port {port}")
    if errors:
        raise LoadError(f"{len(errors)} failed request(s) on port {port}; first: {errors[0]}")
    requests = sum(counted)
    if not requests:
        raise LoadError(f"no request completed inside the measured window on port {port}")
    capped = sum(answered) >= max_requests  # stopped early: the window ends at the last answer
    end = max(last_counted) if capped else deadline
    return Result(requests=requests, seconds=end - window_start, total=sum(answered))
