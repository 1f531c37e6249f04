"""Sign-up, email confirmation, login, logout, password reset."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.wrappers import Response
from flask_login import current_user, login_user, logout_user

from forms.admin import ConfirmForm
from forms.auth import LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from vae import drafts
from vae.access import anonymous_only, authenticated, public
from vae.auth import operations
from vae.auth.models import normalise_email
from vae.auth.passwords import user_words
from vae.extensions import limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


def _login_account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _login_account_key() -> str:
    """The typed address, normalised: the limit holds for any address, existing or not."""
    typed = LoginForm(meta={"csrf": False}).email.data or ""
    return "account:" + normalise_email(typed)[:254]


def _login_failed(response: Response) -> bool:
    return response.status_code != 302  # a successful login redirects


@bp.route("/inscription", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> Any:
    form = SignupForm()
    if form.validate_on_submit():
        operations.sign_up(
            form.first_name.data, form.last_name.data, form.email.data, form.password.data
        )
        return render_template("auth/check_inbox.html", email=form.email.data)
    return render_template("auth/signup.html", form=form)


@bp.route("/confirmation/<token>")
@public
def confirm_email(token: str) -> Any:
    try:
        operations.confirm_email(token)
    except operations.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.login"))
    flash("Votre adresse électronique est confirmée. Vous pouvez vous connecter.", "success")
    return redirect(
        url_for("main.home") if current_user.is_authenticated else url_for("auth.login")
    )


@bp.route("/connexion", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _login_account_limit,
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> Any:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data)
        except operations.EmailNotConfirmed as exc:
            return render_template("auth/check_inbox.html", email=str(exc), resent=True)
        except operations.AccountError as exc:
            error = str(exc)
        else:
            session.clear()  # a new session at login: nothing from before carries over
            drafts.purge()  # text kept after an expired session lives seven days at most
            login_user(user)
            flash(f"Bienvenue, {user.first_name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/deconnexion", methods=["POST"])
@authenticated
def logout() -> Any:
    if ConfirmForm().validate_on_submit():
        operations.log_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def reset_request() -> Any:
    form = ResetRequestForm()
    if form.validate_on_submit():
        operations.request_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> Any:
    try:
        user = operations.user_for_reset_token(token)
    except operations.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    form.known_words = user_words(user.email, user.first_name, user.last_name)
    if form.validate_on_submit():
        operations.reset_password(token, form.password.data)
        logout_user()
        session.clear()
        flash("Votre mot de passe est changé. Connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
