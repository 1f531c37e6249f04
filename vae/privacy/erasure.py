"""The mechanics of erasure: blank a row's text, a snapshot's strings, the audit trail, the outbox.

Rows and snapshots are scrubbed by what is known to be *kept* (codes, dates, figures), not by a
list of personal fields: a text column or a snapshot key added tomorrow is erased by default.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import JSON, Enum, String, and_, delete, or_, select, update
from sqlalchemy import inspect as sa_inspect

from vae import outbox
from vae.audit import AuditEntry
from vae.extensions import db
from vae.outbox import OutboxMessage

ANONYMOUS = "Anonymisé"
# Snapshot strings kept wherever they appear: identifiers, codes, dates, statuses, wording.
KEPT_KEYS = frozenset(
    {
        "id",
        "number",
        "code",
        "key",
        "kind",
        "kind_label",
        "status",
        "status_label",
        "start",
        "end",
        "submitted_at",
        "accepted_at",
        "reference_date",
        "window_start",
        "eligible_from",
        "due_on",
        "expires_on",
        "work_time",
        "work_time_label",
        "reason",
        "wording",
        "sha256",
        "block_code",
        "activity_code",
        "competencies",
        "sector",
        "requirement",
    }
)
# Snapshot subtrees that describe the certification, never the candidate: kept whole.
KEPT_SUBTREES = frozenset({"certification", "rule", "target_blocks", "acquired_blocks"})
NAME_PLACEHOLDERS = {"last_name": ANONYMOUS, "first_name": ANONYMOUS}


def scrub_json(value: Any, key: str | None = None) -> Any:
    """``value`` with every string blanked but those under a kept key; figures stay."""
    if key in KEPT_SUBTREES or key in KEPT_KEYS:
        return value
    if isinstance(value, Mapping):
        return {k: scrub_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v) for v in value if not isinstance(v, str)]
    if isinstance(value, str):
        return NAME_PLACEHOLDERS.get(key or "", "")
    return value


def scrub_row(row: Any, keep: Collection[str] = (), fill: Mapping[str, str] | None = None) -> None:
    """Blank every text column of ``row`` (placeholders from ``fill``) and scrub its JSON columns.

    Keys, enums and the columns named in ``keep`` stay as they are.
    """
    fill = {**NAME_PLACEHOLDERS, **(fill or {})}
    for column in sa_inspect(row).mapper.columns:
        if column.key in keep or column.primary_key or column.foreign_keys:
            continue
        if isinstance(column.type, JSON):
            setattr(row, column.key, scrub_json(getattr(row, column.key)))
        elif isinstance(column.type, String) and not isinstance(column.type, Enum):
            current = getattr(row, column.key)
            if current is not None:
                setattr(row, column.key, fill.get(column.key, ""))


def scrub_audit(
    subjects: Iterable[tuple[str, str]], person_id: Any, *, everywhere: bool = False
) -> None:
    """Blank the comments of the entries about ``subjects`` and the person's network addresses
    there (everywhere in the trail with ``everywhere``, when the account itself goes).

    Entries are immutable through the ORM (its events refuse any change); this is the one
    legal erasure, done with Core statements that keep who (id and role), what and when.
    """
    table = AuditEntry.__table__
    about = or_(
        *(
            and_(table.c.subject_type == kind, table.c.subject_id == str(key))
            for kind, key in subjects
        )
    )
    by_person = table.c.actor_id == person_id
    db.session.execute(update(table).where(about).values(comment=None))
    where_ip = by_person if everywhere else and_(about, by_person)
    db.session.execute(update(table).where(where_ip).values(ip=None))


def message_text(raw: bytes) -> str:
    """The headers and every text part of an email, decoded, lower-cased."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [f"{message['To']} {message['Subject']}"]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts).lower()


def purge_outbox(needles: Iterable[str]) -> int:
    """Delete the outbox messages that are addressed to or mention any of ``needles``: the
    ``.eml`` files and the rows of the outbox table (sent or not), then commit.

    A message's attachments (the dossier PDF…) go with it. Returns how many files and rows
    were deleted.
    """
    wanted = [n.lower() for n in needles if n and n.strip()]
    if not wanted:
        return 0
    deleted = 0
    for path in sorted(outbox.outbox_dir().glob("*.eml")):
        content = message_text(path.read_bytes())
        if any(needle in content for needle in wanted):
            path.unlink(missing_ok=True)
            deleted += 1
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.message)).yield_per(200)
    doomed = [row_id for row_id, raw in rows if any(n in message_text(raw) for n in wanted)]
    if doomed:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed)))
    db.session.commit()
    return deleted + len(doomed)


def checkpoint_sqlite() -> None:
    """On SQLite, copy the write-ahead log into the database and empty it: the old pages it
    holds would otherwise keep erased text on disk until the log is overwritten."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
