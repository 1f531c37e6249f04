"""Administrators manage accounts and roles."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from forms.admin import ConfirmForm, UserCreateForm, UserRoleForm
from vae import audit
from vae.access import roles_required
from vae.admin import certifiers
from vae.audit_labels import audit_lines
from vae.auth import operations
from vae.auth.models import User
from vae.extensions import db
from vae.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 25


@bp.route("/comptes")
@roles_required(Role.ADMIN)
def users() -> Any:
    query = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role")
    stmt = select(User).order_by(User.last_name, User.first_name, User.id)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern),
                func.lower(User.last_name).like(pattern),
                func.lower(User.first_name).like(pattern),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, q=query, role=role)


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new() -> Any:
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = operations.create_account(
                form.email.data, form.first_name.data, form.last_name.data, Role(form.role.data)
            )
        except operations.AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"Compte créé pour {user.full_name} ; un lien lui a été envoyé.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/comptes/<uuid:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user(user_id: uuid.UUID) -> Any:
    account = db.get_or_404(User, user_id)
    role_form = UserRoleForm(prefix="role", data={"role": account.role.value})
    if role_form.validate_on_submit():
        if account.id == current_user.id:
            flash("Vous ne pouvez pas changer votre propre rôle.", "error")
        else:
            operations.change_role(account, Role(role_form.role.data))
            flash("Le rôle est modifié.", "success")
        return redirect(url_for("admin.user", user_id=account.id))
    entries = audit_lines(audit.history("user", account.id))
    return render_template(
        "admin/user.html",
        account=account,
        role_form=role_form,
        toggle_form=ConfirmForm(prefix="toggle"),
        certifiers_form=certifiers.staff_form(account),
        entries=entries,
    )


@bp.route("/comptes/<uuid:user_id>/certificateurs", methods=["POST"])
@roles_required(Role.ADMIN)
def user_certifiers(user_id: uuid.UUID) -> Any:
    """The certifiers a staff account works for (checkboxes of the account page)."""
    account = db.get_or_404(User, user_id)
    form = certifiers.staff_form(account)
    if form.validate_on_submit():
        certifiers.save_staff_certifiers(account, form)
    else:
        flash("Choisissez parmi les certificateurs proposés.", "error")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/comptes/<uuid:user_id>/activation", methods=["POST"])
@roles_required(Role.ADMIN)
def user_toggle(user_id: uuid.UUID) -> Any:
    account = db.get_or_404(User, user_id)
    if ConfirmForm(prefix="toggle").validate_on_submit():
        if account.id == current_user.id:
            flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        else:
            operations.set_active(account, not account.active)
            flash("Le compte est " + ("réactivé." if account.active else "désactivé."), "success")
    return redirect(url_for("admin.user", user_id=account.id))
