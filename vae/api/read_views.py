"""Read endpoints of ``/api/v1`` (scope « read »): a token sees its certifier's dossiers only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from flask import jsonify, request, url_for
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from vae import storage
from vae.api import cursor, read_data
from vae.api import read_schema as _schema  # noqa: F401  (the operations of this module)
from vae.api.auth import current_token, token_required
from vae.api.blueprint import bp
from vae.api.problems import ApiProblem
from vae.api.schema import STATUS_VALUES
from vae.clock import PARIS
from vae.dossier.models import Attachment, Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, CertificationAward, Jury, JurySession, Proclamation
from vae.livret2.models import Livret2, Livret2Version
from vae.referentials.models import Certification
from vae.review.models import Decision

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Dates outside these years are refused (400): Paris midnight of year 1 or 9999 overflows.
MIN_YEAR, MAX_YEAR = 1900, 2999
D = TypeVar("D", date, datetime)


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiProblem(400, f"Le paramètre limit va de 1 à {MAX_LIMIT}.")
    return int(raw)


def _date(name: str) -> date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiProblem(400, f"Le paramètre {name} doit être une date AAAA-MM-JJ.") from None
    return _in_years(name, day)


def _moment(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiProblem(
            400, f"Le paramètre {name} doit être une date et heure ISO 8601 avec fuseau."
        )
    return _in_years(name, moment).astimezone(UTC)


def _in_years(name: str, value: D) -> D:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ApiProblem(400, f"Le paramètre {name} doit être entre {MIN_YEAR} et {MAX_YEAR}.")
    return value


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def _certifier_id() -> int:
    return current_token().certifier_id


@bp.route("/dossiers")
@token_required("read")
def dossiers() -> Any:
    limit = _limit()
    stmt = read_data.scoped_dossiers(_certifier_id())
    status = request.args.get("status")
    if status is not None:
        if status not in STATUS_VALUES:
            raise ApiProblem(400, "Statut inconnu : " + status[:40] + ".")
        stmt = stmt.where(Dossier.status == status)
    code = request.args.get("certification")
    if code is not None:
        stmt = stmt.where(Certification.code == code)
    start, end = _date("submitted_from"), _date("submitted_to")
    if start is not None:
        stmt = stmt.where(Dossier.submitted_at >= _paris_midnight(start))
    if end is not None:
        stmt = stmt.where(Dossier.submitted_at < _paris_midnight(end + timedelta(days=1)))
    since = _moment("updated_since")
    if since is not None:
        stmt = stmt.where(Dossier.updated_at >= since)
    after = request.args.get("cursor")
    if after is not None:
        stmt = stmt.where(cursor.after(Dossier.updated_at, Dossier.id, after))
    rows = db.session.execute(stmt.order_by(Dossier.updated_at, Dossier.id).limit(limit + 1)).all()
    rows, next_cursor = cursor.page(list(rows), limit, lambda r: (r[0].updated_at, r[0].id))
    return jsonify(
        items=[read_data.summary(row[0], row[1]) for row in rows], next_cursor=next_cursor
    )


@bp.route("/dossiers/<uuid:dossier_id>")
@token_required("read")
def dossier(dossier_id: uuid.UUID) -> Any:
    found, code = read_data.load_dossier(_certifier_id(), dossier_id)
    return jsonify(read_data.detail(found, code))


@bp.route("/dossiers/<uuid:dossier_id>/attachments/<uuid:attachment_id>")
@token_required("read")
def attachment(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    read_data.load_dossier(_certifier_id(), dossier_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item not in read_data.submitted_attachments(dossier_id):
        raise ApiProblem(404, "Pièce jointe introuvable pour ce dossier.")
    response = storage.stored_response(
        item.stored_name,
        mimetype=item.mime_type,
        download_name=storage.display_name(item.display_name, item.mime_type),
    )
    if response is None:
        raise ApiProblem(404, "Le fichier de cette pièce jointe est introuvable.")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/dossiers/<uuid:dossier_id>/decisions")
@token_required("read")
def decisions(dossier_id: uuid.UUID) -> Any:
    read_data.load_dossier(_certifier_id(), dossier_id)
    found = db.session.scalars(
        select(Decision)
        .where(Decision.dossier_id == dossier_id)
        .order_by(Decision.decided_at, Decision.id)
    )
    return jsonify(
        [
            {
                "id": str(d.id),
                "version": d.version,
                "kind": d.kind.value,
                "kind_label": d.kind.label,
                "reason_code": d.reason_code,
                "comment": d.comment or "",
                "missing": [str(m) for m in d.missing or []],
                "livret2_due": read_data.iso(d.livret2_due),
                "decided_at": read_data.iso(d.decided_at),
            }
            for d in found
        ]
    )


def _livret(dossier_id: uuid.UUID) -> Livret2:
    read_data.load_dossier(_certifier_id(), dossier_id)
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier_id))
    if livret is None:
        raise ApiProblem(404, "Ce dossier n'a pas de livret 2.")
    return livret


@bp.route("/dossiers/<uuid:dossier_id>/livret2")
@token_required("read")
def livret2(dossier_id: uuid.UUID) -> Any:
    livret = _livret(dossier_id)
    versions = db.session.scalars(
        select(Livret2Version)
        .where(Livret2Version.livret_id == livret.id)
        .order_by(Livret2Version.version)
    )
    return jsonify(
        status=livret.status.value,
        target_blocks=[str(code) for code in livret.target_blocks or []],
        due_on=read_data.iso(livret.due_on),
        submitted_at=read_data.iso(livret.submitted_at),
        versions=[
            {
                "version": v.version,
                "submitted_at": read_data.iso(v.submitted_at),
                "pdf_url": url_for("api.livret2_pdf", dossier_id=dossier_id, version=v.version),
            }
            for v in versions
        ],
    )


@bp.route("/dossiers/<uuid:dossier_id>/livret2/versions/<int:version>.pdf")
@token_required("read")
def livret2_pdf(dossier_id: uuid.UUID, version: int) -> Any:
    livret = _livret(dossier_id)
    found = db.session.scalar(
        select(Livret2Version).where(
            Livret2Version.livret_id == livret.id, Livret2Version.version == version
        )
    )
    response = (
        storage.stored_response(
            found.pdf_stored_name,
            mimetype="application/pdf",
            download_name=f"livret2-v{version}.pdf",
        )
        if found is not None
        else None
    )
    if response is None:
        raise ApiProblem(404, "Cette version du livret 2 est introuvable.")
    return response


def _blocks_of(dossier_id: uuid.UUID) -> list[AcquiredBlock]:
    return list(
        db.session.scalars(
            select(AcquiredBlock)
            .where(AcquiredBlock.dossier_id == dossier_id)
            .order_by(AcquiredBlock.block_code)
        )
    )


@bp.route("/dossiers/<uuid:dossier_id>/results")
@token_required("read")
def results(dossier_id: uuid.UUID) -> Any:
    read_data.load_dossier(_certifier_id(), dossier_id)
    proclamation = db.session.scalar(
        select(Proclamation).where(Proclamation.dossier_id == dossier_id)
    )
    if proclamation is None:
        raise ApiProblem(404, "Les résultats de ce dossier ne sont pas encore proclamés.")
    acquired = {block.block_code: block for block in _blocks_of(dossier_id)}
    blocks = []
    for code, passed in sorted(proclamation.results.items()):
        block = acquired.get(code) if passed else None
        blocks.append(
            {
                "block_code": code,
                "acquired": bool(passed),
                "expires_on": read_data.iso(block.expires_on) if block else None,
                "valid_until": read_data.iso(block.valid_until) if block else None,
            }
        )
    return jsonify(proclaimed_on=read_data.iso(proclamation.proclaimed_on), blocks=blocks)


@bp.route("/dossiers/<uuid:dossier_id>/certificates")
@token_required("read")
def certificates(dossier_id: uuid.UUID) -> Any:
    _dossier, code = read_data.load_dossier(_certifier_id(), dossier_id)
    award = db.session.scalar(
        select(CertificationAward).where(CertificationAward.dossier_id == dossier_id)
    )
    return jsonify(
        blocks=[read_data.acquired_block(b, code) for b in _blocks_of(dossier_id)],
        certification={
            "awarded_on": read_data.iso(award.awarded_on),
            "blocks": [str(b) for b in award.blocks],
            "verification_code": award.verification_code,
        }
        if award is not None
        else None,
    )


@bp.route("/jury-sessions")
@token_required("read")
def jury_sessions() -> Any:
    limit = _limit()
    mine = (
        select(Jury.id)
        .join(Dossier, Dossier.id == Jury.dossier_id)
        .join(Certification, Certification.id == Dossier.certification_id)
        .where(Certification.certifier_id == _certifier_id())
    )
    stmt = select(JurySession).where(exists(mine.where(Jury.session_id == JurySession.id)))
    after = request.args.get("cursor")
    if after is not None:
        stmt = stmt.where(cursor.after(JurySession.starts_at, JurySession.id, after))
    sessions = list(
        db.session.scalars(stmt.order_by(JurySession.starts_at, JurySession.id).limit(limit + 1))
    )
    sessions, next_cursor = cursor.page(sessions, limit, lambda s: (s.starts_at, s.id))
    juries = db.session.execute(
        select(Jury, Dossier.number)
        .join(Dossier, Dossier.id == Jury.dossier_id)
        .where(Jury.id.in_(mine), Jury.session_id.in_([s.id for s in sessions]))
        .options(selectinload(Jury.signatures))
        .order_by(Jury.slot_at, Jury.id)
    ).all()
    by_session: dict[uuid.UUID, list[dict[str, Any]]] = {s.id: [] for s in sessions}
    for jury, number in juries:
        by_session[jury.session_id].append(
            {
                "id": str(jury.id),
                "dossier_id": str(jury.dossier_id),
                "dossier_number": number,
                "slot_at": read_data.iso(jury.slot_at),
                "convoked_at": read_data.iso(jury.convoked_at),
                "certifier_member_id": str(jury.certifier_id),
                "professional_member_id": str(jury.professional_id),
                "signed": jury.signed_by_both,
            }
        )
    items = [
        {
            "id": str(s.id),
            "starts_at": read_data.iso(s.starts_at),
            "place": s.place,
            "slot_minutes": s.slot_minutes,
            "juries": by_session[s.id],
        }
        for s in sessions
    ]
    return jsonify(items=items, next_cursor=next_cursor)


@bp.route("/candidates/<uuid:candidate_id>/acquired-blocks")
@token_required("read")
def acquired_blocks(candidate_id: uuid.UUID) -> Any:
    certifier_id = _certifier_id()
    known = db.session.scalar(
        read_data.scoped_dossiers(certifier_id)
        .with_only_columns(Dossier.id)
        .where(Dossier.candidate_id == candidate_id)
        .limit(1)
    )
    if known is None:
        raise ApiProblem(404, "Candidat introuvable pour ce jeton.")
    rows = db.session.execute(
        select(AcquiredBlock, Certification.code)
        .join(Certification, Certification.id == AcquiredBlock.certification_id)
        .where(
            AcquiredBlock.candidate_id == candidate_id,
            Certification.certifier_id == certifier_id,
        )
        .order_by(AcquiredBlock.proclaimed_on, AcquiredBlock.block_code)
    ).all()
    return jsonify(items=[read_data.acquired_block(block, code) for block, code in rows])
