"""Partial validations: expiry, capitalisation across juries, and reminders before expiry.

Boundary convention, used everywhere here: ``expires_on`` (= proclamation date + validity, in
calendar arithmetic) is the **first day the block no longer counts**. A block proclaimed on
2024-03-15 with a 5-year validity is valid from 2024-03-15 through 2029-03-14 inclusive, i.e.
during exactly five years; on 2029-03-15 it has expired.

What users read (« valable jusqu'au D ») is the **last day it still counts**: always
:func:`last_valid_day` of ``expires_on`` (2029-03-14 above; proclaimed 2024-02-29 → stored
2029-02-28, shown 2029-02-27), never the stored date itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

BlockId = int | str

DEFAULT_REMINDER_OFFSETS: tuple[relativedelta, ...] = (
    relativedelta(months=6),
    relativedelta(months=1),
)


def expiry_date(proclaimed_on: date, validity_years: int | None) -> date | None:
    """The first day an acquired block no longer counts; None when it never expires.

    Calendar arithmetic: 2024-02-29 + 5 years = 2029-02-28.
    """
    if validity_years is None:
        return None
    if isinstance(validity_years, bool) or not isinstance(validity_years, int):
        raise TypeError(f"validity_years must be an int or None, got {validity_years!r}")
    if validity_years <= 0:
        raise ValueError(f"validity_years must be positive, got {validity_years}")
    return proclaimed_on + relativedelta(years=validity_years)


def last_valid_day(expires_on: date | None) -> date | None:
    """The last day a block still counts (what « valable jusqu'au » shows); None: never expires.

    ``expires_on`` is the first day it no longer counts, so this is the day before.
    """
    return None if expires_on is None else expires_on - timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class AcquiredBlock:
    """A block proclaimed validated by a jury; ``expires_on`` is None when it never expires."""

    id: BlockId
    block_code: str
    certification_code: str
    proclaimed_on: date
    expires_on: date | None

    def __post_init__(self) -> None:
        if self.expires_on is not None and self.expires_on <= self.proclaimed_on:
            raise ValueError(f"block {self.block_code}: expires_on must follow proclaimed_on")

    @classmethod
    def from_proclamation(
        cls,
        *,
        id: BlockId,
        block_code: str,
        certification_code: str,
        proclaimed_on: date,
        validity_years: int | None,
    ) -> AcquiredBlock:
        """Build an acquired block, computing its expiry from the certification's validity."""
        return cls(
            id=id,
            block_code=block_code,
            certification_code=certification_code,
            proclaimed_on=proclaimed_on,
            expires_on=expiry_date(proclaimed_on, validity_years),
        )


def is_valid_on(block: AcquiredBlock, day: date) -> bool:
    """Whether ``block`` counts on ``day``: ``proclaimed_on <= day < expires_on``.

    The expiry date itself is the first day it no longer counts (see the module docstring);
    a block does not count before its proclamation either.
    """
    return counts_on(block.proclaimed_on, block.expires_on, day)


def counts_on(proclaimed_on: date, expires_on: date | None, day: date) -> bool:
    """``proclaimed_on <= day < expires_on`` (``expires_on`` None: no end)."""
    return proclaimed_on <= day and (expires_on is None or day < expires_on)


def _outlasts(a: AcquiredBlock, b: AcquiredBlock) -> bool:
    """Whether ``a`` expires strictly later than ``b`` (never expiring is latest)."""
    if a.expires_on is None:
        return b.expires_on is not None
    return b.expires_on is not None and a.expires_on > b.expires_on


def _retention_key(block: AcquiredBlock) -> tuple[date, date]:
    return (block.expires_on or date.max, block.proclaimed_on)


# --- Capitalisation ------------------------------------------------------------------------


class BlockState(StrEnum):
    """Where a required block stands on a given day."""

    VALID = "valid"
    EXPIRED = "expired"
    MISSING = "missing"


@dataclass(frozen=True, kw_only=True)
class RequiredBlockStatus:
    """One required block; ``acquisition`` is the retained one (latest expiry), if any."""

    block_code: str
    state: BlockState
    acquisition: AcquiredBlock | None


@dataclass(frozen=True, kw_only=True)
class Capitalisation:
    """The required blocks of a certification as held on ``day``."""

    certification_code: str
    day: date
    blocks: tuple[RequiredBlockStatus, ...]

    def _codes(self, state: BlockState) -> tuple[str, ...]:
        return tuple(b.block_code for b in self.blocks if b.state is state)

    @property
    def held(self) -> tuple[str, ...]:
        """Required blocks held and valid on ``day``."""
        return self._codes(BlockState.VALID)

    @property
    def expired(self) -> tuple[str, ...]:
        """Required blocks acquired but whose latest acquisition has expired on ``day``."""
        return self._codes(BlockState.EXPIRED)

    @property
    def missing(self) -> tuple[str, ...]:
        """Required blocks never acquired (as of ``day``)."""
        return self._codes(BlockState.MISSING)

    @property
    def obtained(self) -> bool:
        """True when every required block is held and valid on ``day``: the certification is due."""
        return all(b.state is BlockState.VALID for b in self.blocks)


def capitalise(
    acquired: Iterable[AcquiredBlock],
    required_block_codes: Iterable[str],
    day: date,
    *,
    certification_code: str,
) -> Capitalisation:
    """Combine blocks acquired over several juries against the required blocks on ``day``.

    Only acquisitions of ``certification_code`` proclaimed on or before ``day`` count. When a
    block was acquired more than once, the acquisition with the latest expiry is retained.
    Blocks are reported in the order of ``required_block_codes`` (duplicates dropped).
    """
    required = list(dict.fromkeys(required_block_codes))
    if not required:
        raise ValueError("a certification requires at least one block")
    retained: dict[str, AcquiredBlock] = {}
    for block in acquired:
        if block.certification_code != certification_code or block.proclaimed_on > day:
            continue
        current = retained.get(block.block_code)
        if current is None or _retention_key(block) > _retention_key(current):
            retained[block.block_code] = block
    statuses: list[RequiredBlockStatus] = []
    for code in required:
        acquisition = retained.get(code)
        if acquisition is None:
            state = BlockState.MISSING
        elif is_valid_on(acquisition, day):
            state = BlockState.VALID
        else:
            state = BlockState.EXPIRED
        statuses.append(RequiredBlockStatus(block_code=code, state=state, acquisition=acquisition))
    return Capitalisation(certification_code=certification_code, day=day, blocks=tuple(statuses))


# --- Reminders -----------------------------------------------------------------------------


def threshold_key(offset: relativedelta) -> str:
    """A stable key for a reminder offset: months → "6m", "1m"; days → "15d"; both → "1m15d"."""
    absolute = (offset.year, offset.month, offset.day, offset.weekday)
    absolute += (offset.hour, offset.minute, offset.second, offset.microsecond)
    sub_day = (offset.hours, offset.minutes, offset.seconds, offset.microseconds, offset.leapdays)
    if any(v is not None for v in absolute) or any(sub_day):
        raise ValueError(f"reminder offset must be whole years, months, weeks or days: {offset}")
    months = offset.years * 12 + offset.months
    if months < 0 or offset.days < 0 or (months == 0 and offset.days == 0):
        raise ValueError(f"reminder offset must be positive: {offset}")
    return (f"{months}m" if months else "") + (f"{offset.days}d" if offset.days else "")


@dataclass(frozen=True, kw_only=True)
class Reminder:
    """A reminder to send now; ``superseded`` are farther thresholds skipped in its favour."""

    block: AcquiredBlock
    threshold_key: str
    expires_on: date
    superseded: tuple[str, ...] = ()

    @property
    def sent_marks(self) -> tuple[tuple[BlockId, str], ...]:
        """What to add to ``already_sent`` once sent (the superseded keys included, for audit)."""
        return tuple((self.block.id, key) for key in (self.threshold_key, *self.superseded))


def due_reminders(
    acquired_blocks: Sequence[AcquiredBlock],
    today: date,
    thresholds: Sequence[relativedelta] = DEFAULT_REMINDER_OFFSETS,
    already_sent: Collection[tuple[BlockId, str]] = frozenset(),
) -> list[Reminder]:
    """The expiry reminders due ``today``, nearest expiry first.

    A threshold's window is open when ``expires_on - threshold <= today < expires_on``. Of the
    open windows of a block only the nearest threshold (latest window start, e.g. "1m" over "6m")
    is considered: if it was already sent nothing is due, otherwise it is due and the farther
    open ones, never sent, are reported as ``superseded`` (never sent later, since a nearer one
    is open). So a job that did not run for months sends one reminder, not two, and running the
    job twice with the sent marks recorded sends nothing new. Blocks that never expire, and
    acquisitions outlasted by a later acquisition of the same block, get no reminder.
    """
    keyed = [(threshold_key(offset), offset) for offset in thresholds]
    keys = [key for key, _ in keyed]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate reminder thresholds: {', '.join(keys)}")
    sent = set(already_sent)
    due: list[tuple[date, int, Reminder]] = []
    for index, block in enumerate(acquired_blocks):
        expires_on = block.expires_on
        if expires_on is None or not is_valid_on(block, today):
            continue
        if any(
            other.certification_code == block.certification_code
            and other.block_code == block.block_code
            and other.proclaimed_on <= today
            and _outlasts(other, block)
            for other in acquired_blocks
        ):
            continue
        open_windows = sorted(
            (
                (expires_on - offset, position, key)
                for position, (key, offset) in enumerate(keyed)
                if expires_on - offset <= today
            ),
            reverse=True,
        )
        if not open_windows:
            continue
        _, _, nearest = open_windows[0]
        if (block.id, nearest) in sent:
            continue
        superseded = tuple(key for _, _, key in open_windows[1:] if (block.id, key) not in sent)
        reminder = Reminder(
            block=block, threshold_key=nearest, expires_on=expires_on, superseded=superseded
        )
        due.append((expires_on, index, reminder))
    due.sort(key=lambda item: (item[0], item[1]))
    return [reminder for _, _, reminder in due]
