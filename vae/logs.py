"""Logs for operators: one JSON line per event on stderr, never any personal data.

* every request: method, endpoint, URL rule, path, status, duration, user id, request id;
* errors with their traceback (Flask logs unhandled exceptions to ``app.logger``);
* security events (:func:`event`): refused access, CSRF failure, failed login, rate limit.

A request id comes from the ``X-Request-ID`` header when proxies are trusted (nginx's
``$request_id``), otherwise it is generated; it is sent back in the ``X-Request-ID`` header
and shown on the 500 page so that a user can quote it. Only ids are logged: no email, no
name, no query string (searches hold names), no secret path segment (tokens).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, current_app, g, has_request_context, request, request_started
from flask_login import current_user

LOGGER = "vae"  # Flask's app.logger (the import name) and every vae.* module logger
REQUEST_ID_HEADER = "X-Request-ID"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A request id accepted from a trusted proxy: nginx's $request_id is 32 hex digits.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# View arguments that are secrets: the path is logged as its URL rule instead.
SECRET_VIEW_ARGS = frozenset({"token", "code"})
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, its extra fields, the
    request id within a request, the traceback of an error."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            line["request_id"] = request_id()
            # Flask's "Exception on /path [GET]" too: no token of a secret path.
            line["message"] = line["message"].replace(request.path, _logged_path())
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (gunicorn's, pytest's capture…)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """The stream is always the current stderr."""


def init_app(app: Flask) -> None:
    """Logs on stderr at ``LOG_LEVEL``; every request gets an id and its line."""
    configure(app.config["LOG_LEVEL"])
    request_started.connect(_start, app)
    app.after_request(_finish)


def configure(level: str | int) -> None:
    """One JSON stderr handler on the ``vae`` logger (a second app replaces the first's)."""
    name = level.upper() if isinstance(level, str) else level
    if name not in LEVELS and not isinstance(name, int):
        raise RuntimeError(f"LOG_LEVEL {level!r}: use one of {', '.join(LEVELS)}.")
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, StderrHandler)]:
        logger.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(name)


def request_id() -> str:
    """This request's id: the trusted proxy's ``X-Request-ID`` if valid, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        trusted = current_app.config["TRUSTED_PROXIES"] > 0
        g.request_id = given if trusted and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return str(g.request_id)


def event(name: str, level: int = logging.WARNING, **fields: Any) -> None:
    """A security or operations event (``login_failed``, ``access_refused``…) with ids only."""
    within = _request_fields() if has_request_context() else {}
    logging.getLogger(f"{LOGGER}.security").log(
        level, name, extra={"event": name, **within, **fields}
    )


def _start(_sender: Flask, **_extra: Any) -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = _request_fields()
    logging.getLogger(f"{LOGGER}.request").info(
        "%s %s %s",
        request.method,
        fields["path"],
        response.status_code,
        extra={**fields, "status": response.status_code, "duration_ms": duration},
    )
    return response


def _request_fields() -> dict[str, Any]:
    """What identifies the request without personal data: no query string, no secret."""
    return {
        "method": request.method,
        "endpoint": request.endpoint,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "path": _logged_path(),
        "user_id": _user_id(),
    }


def _logged_path() -> str:
    """The path, or its URL rule when a segment is a secret (a reset token…)."""
    if request.url_rule is not None and SECRET_VIEW_ARGS & set(request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _user_id() -> str | None:
    user = current_user
    if user is None or not user.is_authenticated:
        return None
    return str(user.id)
