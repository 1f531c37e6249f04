"""``Idempotency-Key`` for the API's writes: one write per (token, key), its answer replayed.

:func:`once` first inserts the (token, key) row (flushed, not committed): a simultaneous
request with the same key waits on the unique constraint until the first one ends, then
replays its answer. The operation's own commit stores the answer in the same transaction as
the write (a ``before_commit`` hook fills the row), so a write never exists without its
answer, nor an answer without its write. A refused request (4xx) stores nothing: it may be
corrected and sent again with the same key. The same key with another request is a 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, request
from sqlalchemy import delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vae import clock
from vae.api.models import IdempotencyRecord
from vae.api.problems import ApiProblem
from vae.extensions import db

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
KEEP = timedelta(hours=24)
_PENDING = "idempotency_pending"

Answer = tuple[int, dict[str, Any]]


def request_digest() -> str:
    """SHA-256 of the method, the path and the JSON body (keys sorted, spacing ignored)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def key_of_request() -> str:
    """The request's key; a 400 problem when it is missing or too long."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise ApiProblem(
            400,
            f"En-tête « {HEADER} » manquant : donnez à chaque écriture une clé unique "
            "(par exemple un UUID), réutilisée telle quelle si vous renvoyez la requête.",
        )
    if len(key) > MAX_KEY_LENGTH:
        raise ApiProblem(400, f"La clé « {HEADER} » dépasse {MAX_KEY_LENGTH} caractères.")
    return key


def _json(status: int, body: dict[str, Any], replayed: bool) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status)
    response.mimetype = "application/json"
    if replayed:
        response.headers[REPLAYED] = "true"
    return response


def _stored(token_id: Any, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key
        )
    )


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_sha256 != digest:
        raise ApiProblem(
            422,
            f"Cette clé « {HEADER} » a déjà servi pour une autre requête : "
            "utilisez une nouvelle clé pour une nouvelle écriture.",
        )
    return _json(record.status_code, json.loads(record.response_body), replayed=True)


def once(token_id: Any, write: Callable[[], None], answer: Callable[[], Answer]) -> Response:
    """Run ``write`` (an operation that commits) once per key; ``answer()`` builds the
    response from the session just before that commit, and is stored with it."""
    key = key_of_request()
    digest = request_digest()
    record = _stored(token_id, key)
    if record is not None:
        return _replay(record, digest)
    record = IdempotencyRecord(
        token_id=token_id, key=key, request_sha256=digest, status_code=0, response_body=""
    )
    db.session.add(record)
    try:
        db.session.flush()  # waits for a simultaneous request holding the same key
    except IntegrityError as error:
        db.session.rollback()
        stored = _stored(token_id, key)
        if stored is None:
            raise ApiProblem(
                409, "Une requête avec la même clé est en cours : réessayez."
            ) from error
        return _replay(stored, digest)
    db.session.info[_PENDING] = (record, answer)
    try:
        write()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.info.pop(_PENDING, None)
    return _json(record.status_code, json.loads(record.response_body), replayed=False)


@event.listens_for(Session, "before_commit")
def _store_answer(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    record, answer = pending
    status, body = answer()
    record.status_code = status
    record.response_body = json.dumps(body, ensure_ascii=False, default=str)


def purge(now: Any = None) -> int:
    """Delete the records older than 24 hours; how many."""
    limit = (now or clock.now()) - KEEP
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < limit)
    )
    db.session.commit()
    return result.rowcount or 0
