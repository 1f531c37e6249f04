"""Bearer tokens for ``/api/v1``: :func:`token_required` authenticates, checks the scope,
rate-limits per token, audits the call and keeps ``last_used_at`` (at most once a minute).

A browser session never authenticates an API call: only the ``Authorization`` header counts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import current_app, g, request

from vae import audit, clock
from vae.access import ACCESS_ATTR
from vae.api.models import SCOPES, ApiToken
from vae.api.problems import ApiProblem
from vae.api.tokens import ApiActor, find
from vae.extensions import db, limiter

F = TypeVar("F", bound=Callable[..., Any])
API_RULE = "api_token"
LAST_USED_EVERY = timedelta(minutes=1)


def _api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def _token_key() -> str:
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else "api-token:none"


def current_token() -> ApiToken:
    """The token of this call (inside a view marked with :func:`token_required`)."""
    return g.api_token


def current_actor() -> ApiActor:
    """The actor to hand to vae.audit.record and to the operations a write calls."""
    return ApiActor(token_id=current_token().id)


def authenticate(scope: str) -> ApiToken:
    """The token of the ``Authorization`` header, alive and holding ``scope``; else a problem."""
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    secret = secret.strip()
    if not header:
        raise ApiProblem(401)
    if kind.lower() != "bearer" or not secret:
        raise ApiProblem(401, "En-tête Authorization incorrect : attendu « Bearer <jeton> ».")
    token = find(secret)
    if token is None:
        raise ApiProblem(401, "Jeton d'API inconnu.")
    if token.revoked_at is not None:
        raise ApiProblem(401, "Ce jeton d'API a été révoqué.")
    if token.expires_at <= clock.now():
        raise ApiProblem(401, "Ce jeton d'API a expiré : demandez-en un nouveau.")
    if scope not in token.scope_set:
        raise ApiProblem(403, f"Ce jeton n'a pas la permission « {scope} » nécessaire ici.")
    return token


def _record_call(token: ApiToken, status: int) -> None:
    """One audit entry per call; ``last_used_at`` written at most once a minute."""
    moment = clock.now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = moment
    audit.record(
        "api_token",
        token.id,
        "api_call",
        comment=f"{request.method} {request.path} {status}"[:300],
        actor=ApiActor(token_id=token.id),
    )
    db.session.commit()


def token_required(scope: str) -> Callable[[F], F]:
    """Mark an API view: its access rule is ``("api_token", scope)``; see the module."""
    if scope not in SCOPES:
        raise ValueError(scope)

    def mark(view: F) -> F:
        limited = limiter.shared_limit(_api_limit, scope="api", key_func=_token_key)(view)

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = authenticate(scope)
            g.api_token = token
            g.audit_actor = ApiActor(token_id=token.id)  # every entry of the call names it
            try:
                response = current_app.make_response(limited(*args, **kwargs))
            except ApiProblem as error:
                db.session.rollback()
                _record_call(token, error.http_status)
                raise
            _record_call(token, response.status_code)
            return response

        setattr(wrapper, ACCESS_ATTR, (API_RULE, scope))
        return wrapper  # type: ignore[return-value]

    return mark
