"""The comment box shown under each step and situation, and the route that posts to it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    render_template_string,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from forms.comments import CommentForm
from forms.plain import csrf_field
from vae.access import authenticated
from vae.accompaniment import comments
from vae.accompaniment.comments import ShownComment
from vae.dossier.pages import load
from vae.dossier.steps import STEPS
from vae.extensions import limiter

bp = Blueprint("comments", __name__)
PREFIX = "comment"  # the box shares its page with the step's or situation's own form


@dataclass(frozen=True)
class CommentBox:
    """What the page shows under a step or a situation: its comments and the form (a WTForms
    instance only when a refused comment is shown again with its message; else plain HTML)."""

    dossier_id: uuid.UUID
    target: str
    comments: list[ShownComment]
    form: CommentForm | None
    open: bool  # new comments taken (the dossier or livret 2 is being written)

    @property
    def action(self) -> str:
        return url_for("comments.post", dossier_id=self.dossier_id)

    @property
    def blank_fields(self) -> Markup:
        """The empty form's fields with this session's CSRF token, as WTForms renders them."""
        return csrf_field(PREFIX) + Markup("\n    ") + _blank_fields(self.target)


@lru_cache(maxsize=256)
def _blank_fields(target: str) -> Markup:
    """The target and body fields of an empty comment form: they depend on the code and the
    target only, so they are rendered once per process and target."""
    form = CommentForm(prefix=PREFIX, target=target, formdata=None, meta={"csrf": False})
    return Markup(render_template_string(_FIELDS, form=form))


_FIELDS = """{% from "macros/forms.html" import field %}{{ form.target }}
    {{ field(form.body) }}"""


def _limit() -> str:
    return current_app.config["RATELIMIT_COMMENTS"]


def _account_key() -> str:
    return f"comments:{current_user.get_id() if current_user.is_authenticated else 'anonymous'}"


def comment_box(dossier: Any, target: str, form: CommentForm | None = None) -> CommentBox | None:
    """The box of ``target`` for the current user, or None when comments are not theirs."""
    if not comments.visible_to(current_user, dossier):
        return None
    return CommentBox(
        dossier.id,
        target,
        comments.comments_on(dossier, target),
        form,
        bool(comments.open_for_comments(dossier, target)),
    )


@bp.app_context_processor
def _questions() -> dict[str, Any]:
    return {
        "comment_box": comment_box,
        "step_target": comments.step_target,
        "situation_target": comments.situation_target,
    }


def _back(dossier: Any, target: str) -> str:
    """The page the comment is shown on, at the comment box."""
    kind, _sep, key = target.partition(":")
    if kind == comments.SITUATION:
        url = url_for("livret2.situation_form", dossier_id=dossier.id, situation_id=key)
    else:
        url = next(step for step in STEPS if step.key == key).url(dossier.id)
    return f"{url}#commentaires"


@bp.route("/dossiers/<uuid:dossier_id>/commentaires", methods=["POST"])
@authenticated  # staff and jury too, so that they get 404 like for an unknown object
@limiter.limit(_limit, key_func=_account_key)
def post(dossier_id: uuid.UUID) -> Any:
    """Post a comment; on a refusal, the box again with the French message beside the field."""
    dossier = load(dossier_id)
    if not comments.visible_to(current_user, dossier):
        abort(404)
    form = CommentForm(prefix=PREFIX)
    target = form.target.data or ""
    state = comments.open_for_comments(dossier, target)
    if state is None:
        abort(404)
    if form.validate_on_submit():
        try:
            comments.post(dossier, current_user._get_current_object(), target, form.body.data)
        except comments.CommentError as refused:
            flash(str(refused), "error")
        else:
            flash("Votre commentaire est publié.", "success")
        return redirect(_back(dossier, target))
    box = comment_box(dossier, target, form)
    return render_template(
        "accompaniment/comment_refused.html", dossier=dossier, box=box, back=_back(dossier, target)
    )
