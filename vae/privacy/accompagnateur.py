"""What the system holds about an accompagnateur, and the erasure of their account.

An accompagnateur's own data is their account, their invitations and their comments. What they
typed into a candidate's dossier is the candidate's (it stays, as the candidate's data). The
CPNEFP has nothing to keep about them, so a deletion request anonymises the account at once:
name and address scrubbed, every accompaniment revoked (and its address and structure blanked),
their comments left without author, the audit trail keeping the role label only.
"""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import or_, select, update

from vae import audit, clock
from vae.accompaniment.models import Accompaniment, AccompanimentComment
from vae.accompaniment.operations import record_revoked
from vae.auth.models import User
from vae.extensions import db
from vae.privacy import erasure, operations

# The invitation's token hash is a secret, like the password's.
_ACCOMPANIMENT_KEPT = {"token_sha256"}


def _accompaniments(user: User) -> list[Accompaniment]:
    """The invitations accepted with the account or sent to its address."""
    return list(
        db.session.scalars(
            select(Accompaniment)
            .where(
                or_(Accompaniment.accompagnateur_id == user.id, Accompaniment.email == user.email)
            )
            .order_by(Accompaniment.invited_at, Accompaniment.id)
        )
    )


def export_zip(user: User) -> bytes:
    """A zip with donnees.json: the account, its accompaniments and comments, its history."""
    helps = _accompaniments(user)
    written = db.session.scalars(
        select(AccompanimentComment)
        .where(AccompanimentComment.author_id == user.id)
        .order_by(AccompanimentComment.created_at, AccompanimentComment.id)
    )
    data = {
        "export": {"created_at": clock.now().isoformat(), "format": "VAE 1"},
        "compte": operations.as_dict(user),
        "accompagnements": [
            {k: v for k, v in operations.as_dict(a).items() if k not in _ACCOMPANIMENT_KEPT}
            for a in helps
        ],
        "commentaires": [operations.as_dict(c) for c in written],
        "historique_du_compte": [operations.as_dict(e) for e in audit.history("user", user.id)],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
    audit.record(
        "user",
        user.id,
        "personal_data_exported",
        actor=user,
        comment=f"{len(helps)} accompagnement(s)",
    )
    db.session.commit()
    return buffer.getvalue()


def request_deletion(user: User) -> operations.Deletion:
    """Anonymise the accompagnateur's account at once (the caller signs them out)."""
    now = clock.now()
    needles = {user.email, user.full_name, f"{user.last_name} {user.first_name}"}
    helps = _accompaniments(user)
    for accompaniment in helps:
        if accompaniment.revoked_at is None:
            accompaniment.revoked_at = now
            record_revoked(accompaniment, user)
        erasure.scrub_row(accompaniment, _ACCOMPANIMENT_KEPT)
    db.session.execute(
        update(AccompanimentComment)
        .where(AccompanimentComment.author_id == user.id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    user.deletion_requested_at = now
    audit.record("user", user.id, "deletion_requested", actor=user, comment="accompagnateur")
    db.session.flush()
    operations.anonymise_account(user, user, [("accompaniment", str(a.id)) for a in helps])
    db.session.commit()
    erasure.purge_outbox({s for s in needles if len(s.strip()) > 3})
    erasure.checkpoint_sqlite()
    return operations.Deletion(drafts=0, account_erased=True)
