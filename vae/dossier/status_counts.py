"""How many submitted dossiers each status holds, per certification and officer, kept in small
tables; and how many dossiers under review fall due each day.

The staff queue and dashboard read these counts instead of counting ``dossiers``. Every flush
that inserts, deletes or changes the status, certification, officer or deadline of a dossier
adds its deltas in the same transaction with ``count = count + delta`` (an upsert, atomic on
SQLite and PostgreSQL: never a read-modify-write in Python), so simultaneous transitions never
lose a count. Drafts are not counted: no staff screen shows them. Rows written with Core (the
bench seeder) must call :func:`rebuild`.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    String,
    Uuid,
    bindparam,
    event,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm import attributes as orm_attributes

from vae import clock
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.referentials.models import Certification

DRAFT = DossierStatus.DRAFT.value
UNDER_REVIEW = DossierStatus.SUBMITTED.value
NOBODY = uuid.UUID(int=0)
"""The officer of a dossier nobody handles (a key column cannot be NULL)."""


class DossierStatusCount(db.Model):
    """The number of dossiers in one status for one certification and officer (drafts
    excepted); ``officer_id`` is :data:`NOBODY` for the dossiers nobody handles."""

    __tablename__ = "dossier_status_counts"

    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    certification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DossierDueCount(db.Model):
    """The number of dossiers under review (submitted) of one certification whose legal
    deadline is ``decision_due``: the overdue ones are the days before today."""

    __tablename__ = "dossier_due_counts"

    certification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_due: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DossierMonthCount(db.Model):
    """The number of dossiers of one certification submitted (last) in one Paris month
    (``month``: its first day): the dashboard's « Dossiers reçus par mois »."""

    __tablename__ = "dossier_month_counts"

    certification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class _State(NamedTuple):
    status: str
    certification_id: int | None
    officer_id: uuid.UUID | None
    decision_due: date | None
    submitted_at: datetime | None


FIELDS = ("status", "certification_id", "assigned_officer_id", "decision_due", "submitted_at")


def month_of(moment: datetime) -> date:
    """The first day of ``moment``'s month in Paris (a dossier sent at 00:30 on 1 November in
    Paris is a November one, although it is still October in UTC)."""
    return clock.paris_date(moment).replace(day=1)


def _value(status: Any) -> str:
    """A status as stored; None (a new row whose column default is not applied yet) is a draft."""
    if status is None:
        return DRAFT
    return status.value if isinstance(status, DossierStatus) else str(status)


def _state(values: dict[str, Any]) -> _State:
    return _State(_value(values["status"]), *(values[name] for name in FIELDS[1:]))


def _before_and_after(dossier: Dossier, state: str) -> tuple[_State | None, _State | None]:
    """The counted fields before and after this flush; None where the dossier is not there."""
    now = {name: getattr(dossier, name) for name in FIELDS}
    if state == "new":
        return None, _state(now)
    if state == "deleted":
        committed = orm_attributes.instance_state(dossier).committed_state
        return _state({name: committed.get(name, now[name]) for name in FIELDS}), None
    before = {}
    for name in FIELDS:
        history = orm_attributes.get_history(dossier, name)
        before[name] = history.deleted[0] if history.deleted else now[name]
    return _state(before), _state(now)


class Deltas(NamedTuple):
    statuses: Counter[tuple[str, int, uuid.UUID]]
    due_days: Counter[tuple[int, date]]
    months: Counter[tuple[int, date]]

    def add(self, state: _State | None, step: int) -> None:
        if state is None or state.status == DRAFT or state.certification_id is None:
            return
        officer = state.officer_id or NOBODY
        self.statuses[(state.status, state.certification_id, officer)] += step
        if state.status == UNDER_REVIEW and state.decision_due is not None:
            self.due_days[(state.certification_id, state.decision_due)] += step
        if state.submitted_at is not None:
            self.months[(state.certification_id, month_of(state.submitted_at))] += step

    def __bool__(self) -> bool:
        return any(any(kept.values()) for kept in self)

    @classmethod
    def none(cls) -> Deltas:
        return cls(Counter(), Counter(), Counter())


def _deltas(session: Session) -> Deltas:
    deltas = Deltas.none()
    for state, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, Dossier):
                before, after = _before_and_after(obj, state)
                if before != after:
                    deltas.add(before, -1)
                    deltas.add(after, +1)
    return deltas


def add_deltas(connection: Connection, deltas: Deltas) -> None:
    """``count = count + delta`` per key, in a fixed order (no deadlock between two
    transactions that move dossiers in opposite directions)."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for model, changes, keys in (
        (DossierStatusCount, deltas.statuses, ("status", "certification_id", "officer_id")),
        (DossierDueCount, deltas.due_days, ("certification_id", "decision_due")),
        (DossierMonthCount, deltas.months, ("certification_id", "month")),
    ):
        table = model.__table__
        for key, delta in sorted(changes.items()):
            if delta == 0:
                continue
            statement = insert(table).values(**dict(zip(keys, key, strict=True)), count=delta)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[table.c[k] for k in keys],
                    set_={"count": table.c.count + statement.excluded.count},
                )
            )


def _old_value_needed(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


# A counted column set on an expired dossier (after a commit) would otherwise lose its old value,
# and its delta with it: ``active_history`` loads it before the change.
for _name in FIELDS:
    event.listen(getattr(Dossier, _name), "set", _old_value_needed, active_history=True)


@event.listens_for(Session, "before_flush")
def _remember_deltas(session: Session, _context: Any, _instances: Any) -> None:
    deltas = _deltas(session)
    if deltas:
        kept = session.info.setdefault("status_count_deltas", Deltas.none())
        for mine, more in zip(kept, deltas, strict=True):
            mine.update(more)


@event.listens_for(Session, "after_flush")
def _write_deltas(session: Session, _context: Any) -> None:
    deltas = session.info.pop("status_count_deltas", None)
    if deltas:
        add_deltas(session.connection(), deltas)


@event.listens_for(Session, "after_rollback")
def _forget_deltas(session: Session) -> None:
    session.info.pop("status_count_deltas", None)


def counts(
    certification: str | None = None,
    within: Collection[int] | None = None,
    officer_id: uuid.UUID | None = None,
) -> dict[str, int]:
    """Dossiers per status value (drafts excepted), of one certification (its code) or of all;
    only of the certifications ``within`` when given (an officer's scope); only those handled
    by ``officer_id`` when given (:data:`NOBODY`: those nobody handles)."""
    given = _given(certification=certification, within=within, officer=officer_id)
    stmt = _counts_statement(frozenset(given))
    return {status: int(n) for status, n in db.session.execute(stmt, given) if n}


def overdue(
    today: date, certification: str | None = None, within: Collection[int] | None = None
) -> int:
    """Dossiers under review whose deadline is before ``today``: a sum over the due days."""
    given = _given(certification=certification, within=within)
    stmt = _overdue_statement(frozenset(given))
    return int(db.session.scalar(stmt, {**given, "today": today}) or 0)


def _given(**values: Any) -> dict[str, Any]:
    """The conditions set, as parameters (``within`` as a list: an expanding IN)."""
    given = {name: value for name, value in values.items() if value is not None}
    if "within" in given:
        given["within"] = list(given["within"])
    return given


# Built once per set of conditions (statements are immutable): a page only executes them.


@functools.lru_cache(maxsize=16)
def _counts_statement(given: frozenset[str]) -> Select[Any]:
    table = DossierStatusCount.__table__
    stmt = select(table.c.status, func.sum(table.c.count)).group_by(table.c.status)
    if "officer" in given:
        stmt = stmt.where(table.c.officer_id == bindparam("officer"))
    return _narrowed(stmt, table, given)


@functools.lru_cache(maxsize=16)
def _overdue_statement(given: frozenset[str]) -> Select[Any]:
    table = DossierDueCount.__table__
    stmt = select(func.coalesce(func.sum(table.c.count), 0)).where(
        table.c.decision_due < bindparam("today")
    )
    return _narrowed(stmt, table, given)


def _narrowed(stmt: Select[Any], table: Any, given: frozenset[str]) -> Select[Any]:
    if "certification" in given:
        code = select(Certification.id).where(Certification.code == bindparam("certification"))
        stmt = stmt.where(table.c.certification_id == code.scalar_subquery())
    if "within" in given:
        stmt = stmt.where(table.c.certification_id.in_(bindparam("within", expanding=True)))
    return stmt


def rebuild(connection: Connection) -> None:
    """Count again from ``dossiers`` (after rows were written with Core)."""
    dossiers = Dossier.__table__
    officer = func.coalesce(dossiers.c.assigned_officer_id, literal(NOBODY, Uuid))
    statuses, due_days = DossierStatusCount.__table__, DossierDueCount.__table__
    connection.execute(statuses.delete())
    connection.execute(due_days.delete())
    connection.execute(
        statuses.insert().from_select(
            ["status", "certification_id", "officer_id", "count"],
            select(dossiers.c.status, dossiers.c.certification_id, officer, func.count())
            .where(dossiers.c.status != DossierStatus.DRAFT)
            .group_by(
                dossiers.c.status, dossiers.c.certification_id, dossiers.c.assigned_officer_id
            ),
        )
    )
    connection.execute(
        due_days.insert().from_select(
            ["certification_id", "decision_due", "count"],
            select(dossiers.c.certification_id, dossiers.c.decision_due, func.count())
            .where(
                dossiers.c.status == DossierStatus.SUBMITTED,
                dossiers.c.decision_due.is_not(None),
            )
            .group_by(dossiers.c.certification_id, dossiers.c.decision_due),
        )
    )
    connection.execute(DossierMonthCount.__table__.delete())
    months = submitted_per_month(connection)
    if months:
        connection.execute(
            DossierMonthCount.__table__.insert(),
            [{"certification_id": c, "month": m, "count": n} for (c, m), n in months.items()],
        )


def submitted_per_month(connection: Connection) -> Counter[tuple[int, date]]:
    """Dossiers per (certification, Paris month of submission), counted in SQL per UTC hour
    (Paris is a whole number of hours from UTC, so an hour falls in one Paris month): a few
    tens of thousands of groups for a million dossiers, each placed in its month here."""
    hour = HOUR_SQL[connection.dialect.name]
    rows = connection.exec_driver_sql(
        f"SELECT certification_id, {hour} AS hour, COUNT(*) FROM dossiers "
        "WHERE submitted_at IS NOT NULL GROUP BY certification_id, hour"
    )
    months: Counter[tuple[int, date]] = Counter()
    for certification_id, utc_hour, count in rows:
        moment = datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        months[(certification_id, month_of(moment))] += count
    return months


HOUR_SQL = {  # the UTC hour of submitted_at, as « 2026-11-30 23 »
    "sqlite": "substr(submitted_at, 1, 13)",
    "postgresql": "to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
}
