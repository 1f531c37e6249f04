"""The API's writes: a recevabilité decision and a proclamation, each with an Idempotency-Key.

They go through the screens' operations (vae.review.operations.decide, vae.jury.operations
.proclaim): same rules, letters, emails and audit; the audit's actor is the token. Each names
the staff account that decides (``decided_by``/``proclaimed_by``: the e-mail of an active
account of the token's certifier), which the letter and the decision record carry.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import click
from flask import g, request
from sqlalchemy import func, select

from vae.api import idempotency, read_data
from vae.api import write_schema as _schema  # noqa: F401  (the operations of this module)
from vae.api.admin_views import api_cli
from vae.api.auth import current_actor, current_token, token_required
from vae.api.blueprint import bp
from vae.api.problems import ApiProblem
from vae.auth.models import User
from vae.certifiers import scope
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury import operations as jury_ops
from vae.jury.models import Jury, Proclamation
from vae.review import operations as review_ops
from vae.review.models import NON_RECEVABLE_REASONS, Decision, DecisionKind
from vae.roles import Role

CONFLICT = (
    "Ce dossier vient d'être modifié par quelqu'un d'autre : relisez-le (GET) avant de "
    "recommencer (rien n'a été enregistré)."
)


class Fields:
    """Reads a JSON object field by field, collecting French messages for a 422 problem."""

    def __init__(self) -> None:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiProblem(422, "Le corps de la requête doit être un objet JSON.")
        self.body = body
        self.errors: list[dict[str, str]] = []

    def error(self, field: str, detail: str) -> None:
        self.errors.append({"field": field, "detail": detail})

    def text(self, field: str, required: bool = False) -> str:
        value = self.body.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(field, "Attendu : un texte.")
            return ""
        if required and not value.strip():
            self.error(field, "Ce champ est obligatoire.")
        return value.strip()

    def day(self, field: str, required: bool = False) -> date | None:
        raw = self.text(field, required)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.error(field, "Date attendue au format AAAA-MM-JJ (par exemple 2027-05-31).")
            return None

    def version(self) -> int | None:
        value = self.body.get("lock_version")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error("lock_version", "Attendu : un nombre entier (la version lue par GET).")
            return None
        return value

    def staff(self, field: str) -> Any:
        """The active staff account of the token's certifier named by its e-mail."""
        email = self.text(field, required=True)
        if not email:
            return None
        user = db_user(email)
        certifiers = scope.certifier_ids(user) if user is not None else frozenset()
        if user is None or not user.active or user.role not in (Role.STAFF, Role.ADMIN):
            self.error(field, "Aucun compte actif de la CPNEFP n'a cette adresse électronique.")
            return None
        if certifiers is not None and current_token().certifier_id not in certifiers:
            self.error(field, "Ce compte ne travaille pas pour le certificateur de ce jeton.")
            return None
        return user

    def check(self) -> None:
        if self.errors:
            raise ApiProblem(
                422, "Certains champs sont incorrects : voir « errors ».", errors=self.errors
            )


def db_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _covered(dossier_id: uuid.UUID | None) -> Dossier:
    """The dossier, if it belongs to the token's certifier (else a 404, as if absent)."""
    if dossier_id is None:
        raise ApiProblem(404)
    return read_data.load_dossier(current_token().certifier_id, dossier_id)[0]


def _acting() -> None:
    """From here on, the audit entries of this request name the token as their actor."""
    g.audit_actor = current_actor()


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "id": str(decision.id),
        "version": decision.version,
        "kind": decision.kind.value,
        "kind_label": decision.kind.label,
        "reason_code": decision.reason_code,
        "comment": decision.comment,
        "missing": list(decision.missing or []),
        "livret2_due": decision.livret2_due.isoformat() if decision.livret2_due else None,
        "decided_at": decision.decided_at.isoformat(),
    }


def _latest_decision(dossier_id: uuid.UUID) -> Decision:
    return db.session.scalars(
        select(Decision)
        .where(Decision.dossier_id == dossier_id)
        .order_by(Decision.version.desc(), Decision.decided_at.desc())
    ).first()


@bp.route("/dossiers/<uuid:dossier_id>/decisions", methods=["POST"])
@token_required("decide")
def record_decision(dossier_id: uuid.UUID) -> Any:
    """Record a recevabilité decision on the submitted version of a dossier."""
    dossier = _covered(dossier_id)
    idempotency.key_of_request()
    fields = Fields()
    raw_kind = fields.text("kind", required=True)
    kinds = {k.value: k for k in DecisionKind if k.explicit}
    kind = kinds.get(raw_kind)
    if raw_kind and kind is None:
        fields.error("kind", "Valeurs possibles : " + ", ".join(kinds) + ".")
    officer = fields.staff("decided_by")
    comment = fields.text("comment", required=kind == DecisionKind.NON_RECEVABLE)
    reason = fields.text("reason_code", required=kind == DecisionKind.NON_RECEVABLE) or None
    if reason and reason not in NON_RECEVABLE_REASONS:
        fields.error("reason_code", "Valeurs possibles : " + ", ".join(NON_RECEVABLE_REASONS) + ".")
    due = fields.day("livret2_due", required=kind == DecisionKind.RECEVABLE)
    missing = fields.body.get("missing") or []
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        fields.error("missing", "Attendu : une liste de textes (une pièce par ligne).")
        missing = []
    if kind == DecisionKind.INCOMPLETE and not any(m.strip() for m in missing):
        fields.error("missing", "Indiquez au moins une pièce manquante ou à corriger.")
    lock_version = fields.version()
    fields.check()
    _acting()

    def write() -> None:
        review_ops.decide(
            dossier,
            kind,
            officer=officer,
            lock_version=lock_version,
            comment=comment,
            reason_code=reason,
            missing=missing,
            livret2_due=due,
        )

    return _written(write, lambda: (201, decision_json(_latest_decision(dossier.id))))


def _written(write: Any, answer: Any) -> Any:
    """Run the write once per Idempotency-Key; the operations' refusals as problems."""
    try:
        return idempotency.once(current_token().id, write, answer)
    except (review_ops.Conflict, jury_ops.GridChanged) as error:
        raise ApiProblem(409, CONFLICT) from error
    except (review_ops.ReviewError, jury_ops.JuryError) as error:
        if str(error) == jury_ops.CONFLICT:  # the jury row changed meanwhile
            raise ApiProblem(409, CONFLICT) from error
        raise ApiProblem(422, str(error)) from error


def proclamation_json(proclamation: Proclamation, dossier: Dossier) -> dict[str, Any]:
    return {
        "id": str(proclamation.id),
        "dossier_id": str(dossier.id),
        "status": dossier.status.value,
        "proclaimed_on": proclamation.proclaimed_on.isoformat(),
        "results": dict(proclamation.results),
        "departures": dict(proclamation.departures or {}),
    }


@bp.route("/juries/<uuid:jury_id>/proclamation", methods=["POST"])
@token_required("proclaim")
def record_proclamation(jury_id: uuid.UUID) -> Any:
    """Record the national joint jury's proclamation, block by block."""
    jury = db.session.get(Jury, jury_id)
    dossier = _covered(jury.dossier_id if jury is not None else None)
    idempotency.key_of_request()
    fields = Fields()
    by = fields.staff("proclaimed_by")
    on = fields.day("proclaimed_on", required=True)
    proposal = jury_ops.proposal(jury)
    results = fields.body.get("results") or {}
    if not isinstance(results, dict) or not all(isinstance(v, bool) for v in results.values()):
        fields.error("results", "Attendu : un objet { code du bloc : true ou false }.")
        results = {}
    for code in results:
        if code not in proposal:
            fields.error("results", f"Bloc inconnu pour ce jury : {code}.")
    reasons = fields.body.get("reasons") or {}
    if not isinstance(reasons, dict) or not all(isinstance(v, str) for v in reasons.values()):
        fields.error("reasons", "Attendu : un objet { code du bloc : raison de l'écart }.")
        reasons = {}
    fields.check()
    _acting()
    decisions = {code: results.get(code, ok) for code, ok in proposal.items()}

    def write() -> None:
        jury_ops.proclaim(dossier, jury, decisions, reasons, on, by)

    def answer() -> tuple[int, dict[str, Any]]:
        done = db.session.scalar(select(Proclamation).where(Proclamation.dossier_id == dossier.id))
        return 201, proclamation_json(done, dossier)

    return _written(write, answer)


@api_cli.command("purge-idempotency")
def purge_idempotency_command() -> None:
    """Delete the Idempotency-Key records older than 24 hours."""
    click.echo(f"Clés d'idempotence effacées : {idempotency.purge()}")
