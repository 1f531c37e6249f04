"""Who may call which view: every endpoint declares its rule, everything else is refused.

A view is marked with exactly one of :func:`public`, :func:`authenticated` or
:func:`roles_required`. :func:`enforce` runs before every request and refuses an endpoint
that carries no rule (deny by default), so a route added without thinking about access
is closed, and the test that walks the URL map fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from vae.roles import Role

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_vae_access"


def public(view: F) -> F:
    """Anyone, signed in or not."""
    setattr(view, ACCESS_ATTR, ("public",))
    return view


def anonymous_only(view: F) -> F:
    """Pages for visitors (sign-up, login): a signed-in user is sent to their home page."""
    setattr(view, ACCESS_ATTR, ("anonymous",))
    return view


def authenticated(view: F) -> F:
    """Any signed-in user, whatever the role."""
    setattr(view, ACCESS_ATTR, ("authenticated",))
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed-in users holding one of ``roles``."""

    def mark(view: F) -> F:
        setattr(view, ACCESS_ATTR, ("roles", frozenset(roles)))
        return view

    return mark


def keeps_drafts(form_class: type) -> Callable[[F], F]:
    """A POST reaching this view after the session expired keeps the fields of ``form_class``,
    when it proves its author owns the dossier (see vae.drafts)."""

    def mark(view: F) -> F:
        setattr(view, "_vae_keeps_drafts", form_class)  # noqa: B010
        return view

    return mark


def rule_of(view: Callable[..., Any]) -> tuple[Any, ...] | None:
    return getattr(view, ACCESS_ATTR, None)


def enforce() -> Any:
    """``before_request`` hook: apply the endpoint's rule, refuse endpoints without one."""
    if request.endpoint is None:
        return None  # 404 or 405: Flask answers on its own
    view = current_app.view_functions.get(request.endpoint)
    if request.endpoint == "static":
        return None
    rule = rule_of(view) if view is not None else None
    if rule is None:
        current_app.logger.error("Endpoint without access rule: %s", request.endpoint)
        abort(403)
    kind = rule[0]
    if kind == "public":
        return None
    if kind == "api_token":
        return None  # the view's token check decides (vae.api.auth); a session never counts
    if kind == "anonymous":
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        return None
    if not current_user.is_authenticated:
        target = request.full_path.rstrip("?")
        draft_form = getattr(view, "_vae_keeps_drafts", None)
        if request.method == "POST" and draft_form is not None:
            from vae import drafts

            drafts.keep_if_owner(draft_form)
        return redirect(url_for("auth.login", next=target))
    if kind == "roles" and current_user.role not in rule[1]:
        abort(403)
    return None


__all__ = [
    "anonymous_only",
    "authenticated",
    "enforce",
    "public",
    "roles_required",
    "rule_of",
]
