"""How many submitted dossiers each status holds, per certification, kept in a small table.

The staff queue and dashboard read these counts instead of counting ``dossiers``. Every flush
that inserts, deletes or changes the status (or certification) of a dossier adds its deltas in
the same transaction with ``count = count + delta`` (an upsert, atomic on SQLite and PostgreSQL:
never a read-modify-write in Python), so simultaneous transitions never lose a count. Drafts are
not counted: no staff screen shows them. Rows written with Core (the bench seeder) must call
:func:`rebuild`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, Integer, String, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm import attributes as orm_attributes

from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db

DRAFT = DossierStatus.DRAFT.value


class DossierStatusCount(db.Model):
    """The number of dossiers in one status for one certification (drafts excepted)."""

    __tablename__ = "dossier_status_counts"

    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    certification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def _value(status: Any) -> str:
    """A status as stored; None (a new row whose column default is not applied yet) is a draft."""
    if status is None:
        return DRAFT
    return status.value if isinstance(status, DossierStatus) else str(status)


def _before_and_after(dossier: Dossier, state: str) -> tuple[Any, Any]:
    """(status, certification) before and after this flush; None where it does not count."""
    if state == "new":
        return None, (_value(dossier.status), dossier.certification_id)
    if state == "deleted":
        committed = orm_attributes.instance_state(dossier).committed_state
        status = committed.get("status", dossier.status)
        cert = committed.get("certification_id", dossier.certification_id)
        return (_value(status), cert), None
    status = orm_attributes.get_history(dossier, "status")
    cert = orm_attributes.get_history(dossier, "certification_id")
    old_status = status.deleted[0] if status.deleted else dossier.status
    old_cert = cert.deleted[0] if cert.deleted else dossier.certification_id
    return (_value(old_status), old_cert), (_value(dossier.status), dossier.certification_id)


def _deltas(session: Session) -> Counter[tuple[str, int]]:
    deltas: Counter[tuple[str, int]] = Counter()
    for state, objects in (("new", session.new), ("dirty", session.dirty)):
        for obj in objects:
            if isinstance(obj, Dossier):
                _add(deltas, *_before_and_after(obj, state))
    for obj in session.deleted:
        if isinstance(obj, Dossier):
            _add(deltas, *_before_and_after(obj, "deleted"))
    return deltas


def _add(deltas: Counter[tuple[str, int]], before: Any, after: Any) -> None:
    if before == after:
        return
    if before and before[0] != DRAFT and before[1] is not None:
        deltas[before] -= 1
    if after and after[0] != DRAFT and after[1] is not None:
        deltas[after] += 1


def add_deltas(connection: Connection, deltas: Counter[tuple[str, int]]) -> None:
    """``count = count + delta`` per (status, certification), in a fixed order (no deadlock
    between two transactions that move dossiers in opposite directions)."""
    table = DossierStatusCount.__table__
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for (status, certification_id), delta in sorted(deltas.items()):
        if delta == 0:
            continue
        statement = insert(table).values(
            status=status, certification_id=certification_id, count=delta
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.status, table.c.certification_id],
                set_={"count": table.c.count + statement.excluded.count},
            )
        )


@event.listens_for(Session, "before_flush")
def _remember_deltas(session: Session, _context: Any, _instances: Any) -> None:
    deltas = _deltas(session)
    if deltas:
        session.info.setdefault("status_count_deltas", Counter()).update(deltas)


@event.listens_for(Session, "after_flush")
def _write_deltas(session: Session, _context: Any) -> None:
    deltas = session.info.pop("status_count_deltas", None)
    if deltas:
        add_deltas(session.connection(), deltas)


@event.listens_for(Session, "after_rollback")
def _forget_deltas(session: Session) -> None:
    session.info.pop("status_count_deltas", None)


def counts(certification_id: Any = None, within: Collection[int] | None = None) -> dict[str, int]:
    """Dossiers per status value (drafts excepted), of one certification or of all; only
    of the certifications ``within`` when given (an officer's scope)."""
    table = DossierStatusCount.__table__
    stmt = select(table.c.status, func.sum(table.c.count)).group_by(table.c.status)
    if certification_id is not None:
        stmt = stmt.where(table.c.certification_id == certification_id)
    if within is not None:
        stmt = stmt.where(table.c.certification_id.in_(within))
    return {status: int(n) for status, n in db.session.execute(stmt) if n}


def per_certification() -> dict[int, int]:
    """Dossiers per certification id (drafts excepted)."""
    table = DossierStatusCount.__table__
    stmt = select(table.c.certification_id, func.sum(table.c.count)).group_by(
        table.c.certification_id
    )
    return {cid: int(n) for cid, n in db.session.execute(stmt) if n}


REBUILD = (
    "INSERT INTO dossier_status_counts (status, certification_id, count) "
    "SELECT status, certification_id, COUNT(*) FROM dossiers WHERE status <> 'draft' "
    "GROUP BY status, certification_id"
)


def rebuild(connection: Connection) -> None:
    """Count again from ``dossiers`` (after rows were written with Core)."""
    connection.execute(DossierStatusCount.__table__.delete())
    connection.execute(text(REBUILD))
