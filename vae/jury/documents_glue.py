"""From models to the jury's documents (vae.jury.documents) and their delivery."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from vae import clock, mail
from vae.certifiers.identity import identity_for
from vae.documents.letters import certifier
from vae.dossier import scope
from vae.extensions import db
from vae.jury import capitalisation, operations
from vae.jury import grid as grids
from vae.jury.models import AcquiredBlock, CertificationAward, Jury
from vae.livret2.models import Livret2, Livret2Version
from vae.urls import public_url


def verify_url(code: str) -> str:
    """The certificate's verification link, on PUBLIC_URL whoever generates the PDF."""
    return public_url("jury.verify", code=code)


def _interview_minutes(jury: Jury) -> int:
    return jury.dossier.referential.livret2.interview_minutes or jury.session.slot_minutes


def convocation_data(jury: Jury, issued_on: date) -> dict[str, Any]:
    """What the convocation letter says (vae.jury.documents.convocation_pdf)."""
    dossier = jury.dossier
    session = jury.session
    option = dossier.option
    minutes = _interview_minutes(jury)
    return {
        "dossier_number": dossier.number,
        "candidate": {
            "first_name": dossier.first_name,
            "last_name": dossier.last_name,
            "address": dossier.address,
            "postcode": dossier.postcode,
            "city": dossier.city,
        },
        "certification": {
            "title": dossier.referential.title,
            "option_title": option.title if option else None,
            "block_label": dossier.referential.block_label,
            "scope": scope.dossier_scope_text(dossier),
        },
        "session": {
            "starts_at": jury.slot_at.isoformat(),
            "duration_minutes": minutes,
            "place": session.place,
            "video_link": session.video_link,
        },
        "issued_on": issued_on.isoformat(),
        "certifier": identity_for(dossier),
        "documents_to_bring": ["Une pièce d'identité en cours de validité"],
    }


def convocation(jury: Jury) -> bytes:
    """The convocation as it was sent (dated the day it was sent), as PDF bytes."""
    from vae.jury.documents import convocation_pdf

    sent = clock.paris_date(jury.convoked_at) if jury.convoked_at else clock.today()
    return convocation_pdf(convocation_data(jury, sent))


def send_convocation(jury: Jury) -> None:
    from vae.jury.documents import calendar_ics, convocation_pdf

    dossier = jury.dossier
    session = jury.session
    minutes = _interview_minutes(jury)
    data = convocation_data(jury, clock.today())
    organizer = certifier(data["certifier"])
    ics = calendar_ics(
        {
            "uid": f"jury-{jury.id}@vae",
            "organizer": organizer.email,
            "organizer_name": organizer.name,
            "starts_at": jury.slot_at.isoformat(),
            "duration_minutes": minutes,
            "summary": f"Entretien avec le jury VAE – {dossier.referential.title}",
            "location": session.place or session.video_link,
            "description": f"Dossier {dossier.number}. Présentation du livret 2 et échange avec "
            "les deux membres du jury.",
            "stamp": clock.now().isoformat(),
            "attendee": dossier.candidate.email,
        }
    )
    pdf = convocation_pdf(data)
    mail.send_template(
        dossier.candidate.email,
        f"Convocation au jury – dossier {dossier.number}",
        "emails/convocation.txt",
        attachments=(
            mail.Attachment("convocation.pdf", pdf),
            mail.Attachment(
                "entretien-jury.ics", ics, "text/calendar; charset=utf-8; method=REQUEST"
            ),
        ),
        dossier=dossier,
        jury=jury,
        ends_at=jury.slot_at + timedelta(minutes=minutes),
    )
    jury.convoked_at = clock.now()
    db.session.commit()  # the convocation's date and its email, together
    db.session.commit()


def latest_livret2_version(dossier_id: Any) -> Livret2Version | None:
    return db.session.scalar(
        select(Livret2Version)
        .join(Livret2, Livret2.id == Livret2Version.livret_id)
        .where(Livret2.dossier_id == dossier_id)
        .order_by(Livret2Version.version.desc())
        .limit(1)
    )


def minutes(jury: Jury) -> bytes:
    from vae.jury.documents import minutes_pdf

    dossier = jury.dossier
    referential = dossier.referential
    blocks = operations.definition(jury)
    grid = jury.grid or {}
    outcome = grids.results(blocks, grid, referential.validation_threshold)
    signed = {s.member_id: s.signed_at for s in jury.current_signatures()}
    option = dossier.option
    data = {
        "dossier_number": dossier.number,
        "candidate": {"first_name": dossier.first_name, "last_name": dossier.last_name},
        "certification": {
            "title": referential.title,
            "option_title": option.title if option else None,
            "block_label": referential.block_label,
            "scope": scope.dossier_scope_text(dossier),
        },
        "session": {"starts_at": jury.slot_at.isoformat(), "place": jury.session.place},
        "members": [
            {
                "name": m.name,
                "kind_label": m.kind.label,
                "signed_at": signed[m.id].isoformat() if m.id in signed else None,
            }
            for m in jury.members
        ],
        "blocks": [
            {
                "code": b.code,
                "title": b.title,
                "validated": outcome[b.code].block_validated,
                "validated_count": outcome[b.code].validated_count,
                "required_count": outcome[b.code].required_count,
                "key_missing": list(outcome[b.code].key_competencies_missing),
                "competencies": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "validated": r.validated,
                        "criteria_met": r.criteria_met,
                        "criteria_required": r.criteria_required,
                        "comment": grids.entry(grid, c.code).get("comment", ""),
                    }
                    for c, r in zip(b.competencies, outcome[b.code].competencies, strict=True)
                ],
                "comment": grids.block_entry(grid, b.code).get("comment", ""),
                "recommendation": grids.block_entry(grid, b.code).get("recommendation", ""),
            }
            for b in blocks
        ],
        "threshold_percent": round(referential.validation_threshold * 100),
        "certifier": identity_for(dossier),
    }
    return minutes_pdf(data)


def block_certificate(block: AcquiredBlock) -> bytes:
    return render_block_certificate(block_certificate_data(block))


def render_block_certificate(data: dict[str, Any]) -> bytes:
    from vae.jury.documents import block_certificate_pdf

    return block_certificate_pdf(data)


def block_certificate_data(block: AcquiredBlock) -> dict[str, Any]:
    """What the certificate of an acquired block says: frozen once proclaimed."""
    referential = block.certification.current_version.referential
    definition = next((b for b in referential.blocks if b.code == block.block_code), None)
    return {
        "holder": {
            "first_name": block.candidate.first_name,
            "last_name": block.candidate.last_name,
        },
        "certification": {
            "title": referential.title,
            "rncp": referential.rncp,
            "block_label": referential.block_label,
        },
        "block": {
            "code": block.block_code,
            "title": block.block_title,
            "competencies": [
                {"code": c.code, "title": c.title}
                for c in (definition.competencies if definition else [])
            ],
        },
        "proclaimed_on": block.proclaimed_on.isoformat(),
        "expires_on": block.expires_on.isoformat() if block.expires_on else None,
        "verification_code": block.verification_code,
        "verify_url": verify_url(block.verification_code),
        "issuer": issuer_of(block),
    }


def certification(award: CertificationAward) -> bytes:
    return render_certification(certification_data(award))


def render_certification(data: dict[str, Any]) -> bytes:
    from vae.jury.documents import certification_pdf

    return certification_pdf(data)


def certification_data(award: CertificationAward) -> dict[str, Any]:
    """What the certificate of a whole certification says: frozen once awarded."""
    referential = award.certification.current_version.referential
    option = next((o for o in referential.options if o.code == award.option_code), None)
    held = {
        b.block_code: b for b in capitalisation.holdings(award.candidate_id, award.certification_id)
    }
    return {
        "holder": {
            "first_name": award.candidate.first_name,
            "last_name": award.candidate.last_name,
        },
        "certification": {
            "title": referential.title,
            "rncp": referential.rncp,
            "option_title": option.title if option else None,
            "block_label": referential.block_label,
            "option_label": referential.option_label,
        },
        "blocks": [
            {
                "code": code,
                "title": held[code].block_title if code in held else code,
                "proclaimed_on": held[code].proclaimed_on.isoformat() if code in held else None,
            }
            for code in award.blocks
        ],
        "awarded_on": award.awarded_on.isoformat(),
        "verification_code": award.verification_code,
        "verify_url": verify_url(award.verification_code),
        "issuer": issuer_of(award),
    }


def issuer_of(holder: Any) -> str:
    """The name a certificate is issued under: its certification's certifier."""
    return identity_for(holder).get("name") or "CPNEFP"


def verify(code: str) -> dict[str, Any] | None:
    """What the public verification page shows: holder, certification, block, validity."""
    block = db.session.scalar(select(AcquiredBlock).where(AcquiredBlock.verification_code == code))
    if block is not None:
        today = clock.today()
        return {
            "holder": block.candidate.full_name,
            "certification": block.certification.title,
            "block": f"{block.block_code} – {block.block_title}",
            "proclaimed_on": block.proclaimed_on,
            "valid_until": block.valid_until,
            "valid": block.counts_on(today),
        }
    award = db.session.scalar(
        select(CertificationAward).where(CertificationAward.verification_code == code)
    )
    if award is not None:
        return {
            "holder": award.candidate.full_name,
            "certification": award.certification.title,
            "block": None,
            "proclaimed_on": award.awarded_on,
            "valid_until": None,
            "valid": True,
        }
    return None
