"""What a candidate holds: acquired blocks, their capitalisation and expiry, reminders.

The jury's proclamations create the acquired blocks; lower features ask about them through
the slots they declare, which this module fills: the livret 2's
:data:`vae.livret2.blocks.held_blocks` and the dashboard's :data:`vae.review.stats.expiring_blocks`.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vae import audit, clock, mail
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.french import date_fr
from vae.jury.models import AcquiredBlock, CertificationAward, ExpiryReminder
from vae.livret2 import blocks as livret2_blocks
from vae.review import stats as review_stats
from vae.rules import expiry

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed safely


def verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def holdings(candidate_id: Any, certification_id: int) -> list[AcquiredBlock]:
    return list(
        db.session.scalars(
            select(AcquiredBlock)
            .where(
                AcquiredBlock.candidate_id == candidate_id,
                AcquiredBlock.certification_id == certification_id,
            )
            .order_by(AcquiredBlock.block_code, AcquiredBlock.proclaimed_on)
        )
    )


def _as_rule(block: AcquiredBlock, code: str) -> expiry.AcquiredBlock:
    return expiry.AcquiredBlock(
        id=str(block.id),
        block_code=block.block_code,
        certification_code=code,
        proclaimed_on=block.proclaimed_on,
        expires_on=block.expires_on,
    )


def capitalisation(dossier: Dossier, on: date) -> expiry.Capitalisation:
    code = dossier.certification.code
    referential = dossier.referential
    if referential.options and dossier.option_code is None:
        blocks = referential.blocks  # no option chosen yet: every block of the certification
    else:
        blocks = referential.required_blocks(dossier.option_code)
    required = [b.code for b in blocks]
    held = [_as_rule(b, code) for b in holdings(dossier.candidate_id, dossier.certification_id)]
    return expiry.capitalise(held, required, on, certification_code=code)


def award_if_complete(dossier: Dossier, on: date) -> CertificationAward | None:
    state = capitalisation(dossier, on)
    if not state.obtained:
        return None
    award = CertificationAward(
        candidate_id=dossier.candidate_id,
        certification_id=dossier.certification_id,
        option_code=dossier.option_code,
        dossier_id=dossier.id,
        awarded_on=on,
        blocks=[b.block_code for b in state.blocks],
        verification_code=verification_code(),
    )
    db.session.add(award)
    audit.record("dossier", dossier.id, "certification_awarded", comment=dossier.referential.title)
    return award


def valid_acquired_codes(dossier: Dossier, on: date) -> dict[str, date | None]:
    """Blocks of the dossier's certification held and valid on ``on`` (with their expiry)."""
    state = capitalisation(dossier, on)
    return {
        b.block_code: b.acquisition.expires_on
        for b in state.blocks
        if b.state == expiry.BlockState.VALID and b.acquisition is not None
    }


def send_reminders(today: date) -> list[tuple[AcquiredBlock, str]]:
    """Email candidates 6 months and 1 month before a block expires: once per block, threshold."""
    blocks = list(
        db.session.scalars(
            select(AcquiredBlock).where(
                AcquiredBlock.expires_on.is_not(None), AcquiredBlock.expires_on > today
            )
        )
    )
    by_id = {str(b.id): b for b in blocks}
    sent = {
        (str(r.acquired_block_id), r.threshold) for r in db.session.scalars(select(ExpiryReminder))
    }
    rules = [
        expiry.AcquiredBlock(
            id=str(b.id),
            block_code=b.block_code,
            certification_code=str(b.certification_id),
            proclaimed_on=b.proclaimed_on,
            expires_on=b.expires_on,
        )
        for b in blocks
    ]
    done = []
    for reminder in expiry.due_reminders(rules, today, already_sent=sent):
        block = by_id[str(reminder.block.id)]
        for block_id, key in reminder.sent_marks:
            db.session.add(
                ExpiryReminder(
                    acquired_block_id=by_id[str(block_id)].id, threshold=key, sent_at=clock.now()
                )
            )
        mail.send_template(
            block.candidate.email,
            f"Votre {block.certification.words.block} {block.block_code} est valable jusqu'au "
            f"{date_fr(block.valid_until)}",
            "emails/expiry_reminder.txt",
            block=block,
            threshold=reminder.threshold_key,
        )
        db.session.commit()  # marked with its email: a second run never sends twice
        done.append((block, reminder.threshold_key))
    return done


def expiring_between(
    after: date, until: date, within: Collection[int] | None = None, limit: int = 100
) -> list[AcquiredBlock]:
    """Acquired blocks expiring after ``after`` and by ``until``, soonest first; of the
    certifications ``within`` only when given."""
    scope = [] if within is None else [AcquiredBlock.certification_id.in_(within)]
    return list(
        db.session.scalars(
            select(AcquiredBlock)
            .where(
                AcquiredBlock.expires_on.is_not(None),
                AcquiredBlock.expires_on > after,
                AcquiredBlock.expires_on <= until,
                *scope,
            )
            .options(
                selectinload(AcquiredBlock.candidate), selectinload(AcquiredBlock.certification)
            )
            .order_by(AcquiredBlock.expires_on)
            .limit(limit)
        )
    )


livret2_blocks.held_blocks.provide(valid_acquired_codes)
review_stats.expiring_blocks.provide(expiring_between)
