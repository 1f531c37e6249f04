"""Administrators manage the certifiers (their identity on letters and emails) and who works
for which; certifiers themselves are created by ``referentials load``, from the name a
referential gives."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import delete, insert, select

from forms.certifiers import CertifierForm, StaffCertifiersForm
from vae import audit
from vae.access import roles_required
from vae.audit_labels import audit_lines
from vae.certifiers import scope
from vae.certifiers.identity import IDENTITY_FIELDS
from vae.certifiers.models import Certifier, certifier_ids_of, staff_certifiers
from vae.extensions import db
from vae.referentials.models import Certification
from vae.roles import Role

bp = Blueprint("certifiers", __name__, url_prefix="/admin/certificateurs")


def all_certifiers() -> list[Certifier]:
    return list(db.session.scalars(select(Certifier).order_by(Certifier.name, Certifier.code)))


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> Any:
    certifiers = all_certifiers()
    titles: dict[int, list[str]] = {c.id: [] for c in certifiers}
    for certifier_id, title in db.session.execute(
        select(Certification.certifier_id, Certification.title).order_by(Certification.title)
    ):
        titles.setdefault(certifier_id, []).append(title)
    return render_template("admin/certifiers.html", certifiers=certifiers, titles=titles)


@bp.route("/<code>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(code: str) -> Any:
    certifier = db.first_or_404(select(Certifier).where(Certifier.code == code))
    form = CertifierForm(obj=certifier)
    if form.validate_on_submit():
        changed = [
            name
            for name in IDENTITY_FIELDS
            if (getattr(form, name).data or "") != getattr(certifier, name)
        ]
        if changed:
            for name in changed:
                setattr(certifier, name, getattr(form, name).data or "")
            labels = ", ".join(str(getattr(form, name).label.text).lower() for name in changed)
            audit.record("certifier", certifier.code, "certifier_updated", comment=labels)
            db.session.commit()
            flash("Les coordonnées du certificateur sont enregistrées.", "success")
        else:
            flash("Aucune modification.", "info")
        return redirect(url_for("certifiers.edit", code=certifier.code))
    entries = audit_lines(audit.history("certifier", certifier.code))
    return render_template("admin/certifier.html", certifier=certifier, form=form, entries=entries)


def staff_form(account: Any) -> StaffCertifiersForm:
    """The checkboxes of the certifiers ``account`` works for (the account page's form)."""
    form = StaffCertifiersForm(
        prefix="certifiers", data={"certifiers": certifier_ids_of(account.id)}
    )
    form.certifiers.choices = [(c.id, c.name) for c in all_certifiers()]
    return form


def save_staff_certifiers(account: Any, form: StaffCertifiersForm) -> None:
    """Replace the certifiers ``account`` works for by those ticked; audited when it changes."""
    before = set(certifier_ids_of(account.id))
    after = set(form.certifiers.data or [])
    if before == after:
        flash("Aucune modification.", "info")
        return
    db.session.execute(delete(staff_certifiers).where(staff_certifiers.c.user_id == account.id))
    scope.forget()  # the request's cached scope (vae.certifiers.scope) is stale now
    if after:
        db.session.execute(
            insert(staff_certifiers), [{"user_id": account.id, "certifier_id": i} for i in after]
        )
    codes = {c.id: c.code for c in all_certifiers()}
    audit.record(
        "user",
        account.id,
        "certifiers_changed",
        comment=", ".join(sorted(codes[i] for i in after)) or "aucun",
    )
    db.session.commit()
    flash("Les certificateurs du compte sont enregistrés.", "success")
