"""Seed a benchmark database fast: Core bulk inserts through the ORM tables (types handled).

Used by ``bench/http.py``. Everything is reproducible (one seeded ``random.Random``); one
argon2 hash is computed and shared by every account (all have the password ``PASSWORD``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import random
import secrets
import sqlite3
import sys
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from vae import clock
from vae.auth.models import User, hash_password
from vae.certifiers.models import staff_certifiers
from vae.dossier import status_counts
from vae.dossier.enums import PROOF_KINDS, ActivityStatus, DossierStatus, WorkTime
from vae.dossier.models import Activity, Attachment, Dossier, searchable
from vae.dossier.submissions import DossierCounter
from vae.referentials.models import Certification, ReferentialVersion
from vae.review.models import Decision, DecisionKind, days_between
from vae.roles import Role

T = TypeVar("T")
PASSWORD = "banc d'essai 2026 !"
BATCH = 5_000
ACTIVITIES_PER_DOSSIER = 10
STAFF_USERS = 5
BENCH_CANDIDATE_EMAIL = "camille.lefevre@banc.exemple.fr"
BENCH_STAFF_EMAIL = "agent1@cpnefp.exemple.fr"

FIRST_NAMES = [
    "Élise", "Chloé", "Léa", "Zoé", "Hélène", "Gaëlle", "Inès", "Noémie", "Anaïs", "Maëlle",
    "Camille", "Sophie", "Céline", "Aurélie", "Émilie", "Manon", "Mélanie", "Nathalie",
    "Jérôme", "François", "Benoît", "Théo", "Loïc", "Cédric", "Joël", "Raphaël", "Mathéo",
    "Noël", "Étienne", "Frédéric", "Sébastien", "Grégoire", "Hugo", "Julien", "Karim",
    "Martin", "Nicolas", "Olivier", "Stéphane", "Yannick",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Lefebvre", "Girard", "Bonnet", "Dupré",
    "Fournier", "Mercier", "Lemaître", "Gauthier", "Rousseau", "Müller", "Béranger",
    "Chevalier", "Faure", "Hébert", "Lécuyer", "Mallet", "Benoît", "Caron", "Perrin",
    "Brémond", "Guérin", "Lévêque", "Ménard", "Noël", "Pélissier", "Thébault", "Vasseur",
    "Nguyen", "Da Silva", "Diallo", "Haddad", "Le Goff", "Le Gall", "Texier", "Coulibaly",
    "Lagarde", "Saint-Martin", "Château", "Ferrand", "Michaud", "Roussel", "Bélanger",
]  # fmt: skip
CITIES = [
    ("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"), ("31000", "Toulouse"),
    ("44000", "Nantes"), ("59000", "Lille"), ("35000", "Rennes"), ("33000", "Bordeaux"),
    ("67000", "Strasbourg"), ("34000", "Montpellier"), ("25000", "Besançon"),
    ("45000", "Orléans"), ("42000", "Saint-Étienne"), ("30000", "Nîmes"),
    ("16000", "Angoulême"), ("63000", "Clermont-Ferrand"), ("97400", "Saint-Denis"),
]  # fmt: skip
STREETS = [
    "rue des Lilas", "avenue Jean-Jaurès", "boulevard Victor-Hugo", "place du Marché",
    "rue de la République", "impasse des Tilleuls", "chemin des Écoliers", "allée des Érables",
]  # fmt: skip
JOBS = [
    "Gestionnaire prestations santé", "Conseillère clientèle", "Chargé de relation adhérents",
    "Téléconseiller", "Gestionnaire sinistres", "Assistante de gestion", "Souscripteur",
    "Chargée d'accueil", "Gestionnaire cotisations", "Animatrice d'équipe",
]  # fmt: skip
EMPLOYERS = [
    ("Mutuelle du Midi", "1 place du Capitole, 31000 Toulouse", "Mutuelle santé"),
    ("Mutuelle de l'Ouest", "4 quai de la Fosse, 44000 Nantes", "Mutuelle santé"),
    ("Prévoyance Atlantique", "18 cours de l'Intendance, 33000 Bordeaux", "Prévoyance"),
    ("Assurances du Rhône", "7 rue de la Part-Dieu, 69003 Lyon", "Assurance"),
    ("Cabinet Lefèvre & Fils", "22 rue Nationale, 59000 Lille", "Courtage"),
    ("Mutuelle des Alpes", "3 avenue Alsace-Lorraine, 38000 Grenoble", "Mutuelle santé"),
]  # fmt: skip
VOLUNTEERING = ("Association Entraide Solidaire", "5 rue du Port, 29200 Brest", "Associatif")
MAIN_ACTIVITIES = (
    "Accueil des adhérents, traitement des demandes de remboursement, suivi des dossiers "
    "de prise en charge hospitalière et réponses aux réclamations."
)
# (status, weight): the queue holds mostly dossiers under review.
STATUS_WEIGHTS = [
    (DossierStatus.SUBMITTED, 70),
    (DossierStatus.INCOMPLETE, 10),
    (DossierStatus.RECEVABLE, 15),
    (DossierStatus.NON_RECEVABLE, 5),
]
STATUSES = [s for s, _w in STATUS_WEIGHTS]
STATUS_CUMULATIVE = list(itertools.accumulate(w for _s, w in STATUS_WEIGHTS))
DECISION_KINDS = {
    DossierStatus.INCOMPLETE: DecisionKind.INCOMPLETE,
    DossierStatus.RECEVABLE: DecisionKind.RECEVABLE,
    DossierStatus.NON_RECEVABLE: DecisionKind.NON_RECEVABLE,
}
WORK_TIMES = [
    (WorkTime.FULL_TIME, [None]),
    (WorkTime.PERCENT, [Decimal(v) for v in ("50", "60", "80", "90")]),
    (WorkTime.HOURS_PER_MONTH, [Decimal(v) for v in ("75.83", "100", "120", "151.67")]),
    (WorkTime.HOURS_PER_WEEK, [Decimal(v) for v in ("17.5", "24", "28", "35")]),
]


@dataclass
class Seeded:
    dossiers: int
    activities: int
    users: int
    seconds: float
    bench_dossier_id: uuid.UUID
    candidate_email: str
    staff_email: str
    password: str


@functools.cache
def _searchable(text_: str) -> str:
    return searchable(text_)


@functools.cache
def ascii_slug(text_: str) -> str:
    plain = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


class Seeder:
    def __init__(
        self,
        engine: Engine,
        dossiers: int,
        seed: int = 20261124,
        activities: int = ACTIVITIES_PER_DOSSIER,
    ) -> None:
        self.engine = engine
        self.total = dossiers
        self.each = activities  # per dossier of the bulk; the bench dossier always has ten
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.now = clock.now()
        self.today = clock.paris_date(self.now)
        self.password_hash = hash_password(PASSWORD)  # once: argon2 is slow by design
        self.rows = Counter[str]()
        self.serial = 0
        # Pools drawn once: a million dossiers pick from them instead of building each value.
        self.phones = [
            "06 " + " ".join(f"{self.between(10, 99)}" for _ in range(4)) for _ in range(997)
        ]
        self.addresses = [f"{self.between(1, 120)} {self.pick(STREETS)}" for _ in range(499)]
        self.months_after: dict[tuple[date, int], date] = {}

    def months_later(self, day: date, months: int) -> date:
        """``day`` + ``months`` (relativedelta is slow: a few hundred distinct days, cached)."""
        key = (day, months)
        if key not in self.months_after:
            self.months_after[key] = day + relativedelta(months=months)
        return self.months_after[key]

    # --- helpers -----------------------------------------------------------------------------

    def pick(self, items: Sequence[T]) -> T:
        """``random.choice``, several times faster (a million dossiers draw tens of millions)."""
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        """``random.randrange(low, high)``, the same way."""
        return low + int(self.random() * (high - low))

    def uuid(self) -> uuid.UUID:
        """A version-4 UUID whose first 40 bits count up: rows arrive in key order, so the
        primary-key B-trees grow at their end instead of at random pages (the rest is random)."""
        self.serial += 1
        return uuid.UUID(int=(self.serial << 88) | self.rng.getrandbits(88), version=4)

    def insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        """Bulk load in batches, one transaction per batch (see :func:`bulk_insert`)."""
        for batch in _batches(rows, BATCH):
            with self.engine.begin() as connection:
                bulk_insert(connection, table, batch)
            self.rows[table.name] += len(batch)

    def user_row(self, role: Role, first: str, last: str, email: str) -> dict[str, Any]:
        created = self.now - timedelta(days=self.between(560, 900))
        return {
            "id": self.uuid(),
            "email": email,
            "password_hash": self.password_hash,
            "role": role,
            "first_name": first,
            "last_name": last,
            "active": True,
            "email_confirmed_at": created + timedelta(minutes=12),
            "created_at": created,
            "last_login_at": None,
            "session_token": secrets.token_urlsafe(24),
        }

    def activities(
        self,
        dossier_id: uuid.UUID,
        until: date,
        created: datetime,
        count: int = ACTIVITIES_PER_DOSSIER,
    ) -> list[dict[str, Any]]:
        """``count`` periods going back in time from ``until``; the most recent may be ongoing."""
        rng = self.rng
        rows = []
        end: date | None = until
        for position in range(count):
            assert end is not None
            start = end - timedelta(days=self.between(90, 720))
            shown_end = None if position == 0 and rng.random() < 0.3 else end
            roll = rng.random()
            status = (
                ActivityStatus.SALARIE
                if roll < 0.8
                else ActivityStatus.NON_SALARIE
                if roll < 0.9
                else ActivityStatus.BENEVOLE
            )
            employer = VOLUNTEERING if status == ActivityStatus.BENEVOLE else self.pick(EMPLOYERS)
            work_time, values = self.pick(WORK_TIMES)
            rows.append(
                {
                    "id": self.uuid(),
                    "dossier_id": dossier_id,
                    "position": position,
                    "title": self.pick(JOBS),
                    "employer_name": employer[0],
                    "employer_address": employer[1],
                    "sector": employer[2],
                    "status": status,
                    "start_date": start,
                    "end_date": shown_end,
                    "work_time": work_time,
                    "work_time_value": self.pick(values),
                    "main_activities": MAIN_ACTIVITIES,
                    "relevant": rng.random() < 0.8,
                    "created_at": created,
                }
            )
            end = start - timedelta(days=self.between(1, 120))
        return rows

    def attach_staff(self, staff_ids: list[uuid.UUID]) -> None:
        """Every officer works for every certifier (vae.certifiers.scope): they see it all."""
        with self.engine.connect() as connection:
            certifiers = sorted(
                set(connection.scalars(select(Certification.certifier_id)).all()) - {None}
            )
        self.insert(
            staff_certifiers,
            [{"user_id": u, "certifier_id": c} for u in staff_ids for c in certifiers],
        )

    def decisions(self, dossiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The decision of each decided dossier (about 30 %), with its kept delay."""
        letter = secrets.token_hex(32)  # one shared (absent) letter: never downloaded here
        return [
            {
                "id": self.uuid(),
                "dossier_id": row["id"],
                "version": 1,
                "kind": DECISION_KINDS[row["status"]],
                "reason_code": "experience_duration"
                if row["status"] == DossierStatus.NON_RECEVABLE
                else None,
                "comment": "",
                "missing": [],
                "livret2_due": row["livret2_due"],
                "decided_by_id": row["assigned_officer_id"],
                "decided_at": row["decided_at"],
                "letter_stored_name": letter,
                "letter_sha256": letter,
                "days_to_decision": days_between(row["submitted_at"], row["decided_at"]),
            }
            for row in dossiers
            if row["decided_at"] is not None
        ]

    # --- the seed ------------------------------------------------------------------------------

    def run(self) -> Seeded:
        started = time.perf_counter()
        rng = self.rng
        with self.engine.connect() as connection:
            versions = connection.execute(
                select(Certification.id, Certification.code, ReferentialVersion.data).join(
                    ReferentialVersion, ReferentialVersion.id == Certification.current_version_id
                )
            ).all()
            version_ids = dict(
                connection.execute(select(Certification.id, Certification.current_version_id)).all()
            )
        certifications = [
            (cid, version_ids[cid], [o["code"] for o in data.get("options") or []] or [None])
            for cid, _code, data in versions
        ]
        if len(certifications) != 5:
            raise RuntimeError(f"expected 5 certifications, found {len(certifications)}")

        staff = [
            self.user_row(Role.STAFF, self.pick(FIRST_NAMES), self.pick(LAST_NAMES), email)
            for email in [f"agent{i}@cpnefp.exemple.fr" for i in range(1, STAFF_USERS + 1)]
        ]
        staff_ids = [s["id"] for s in staff]

        # Submission moments over the last 18 months, numbered per (Paris) year in order.
        span = int(timedelta(days=548).total_seconds())
        moments = sorted(
            self.now - timedelta(seconds=self.between(3600, span)) for _ in range(self.total)
        )
        counters: Counter[int] = Counter()
        numbered = []
        for moment in moments:
            year = clock.paris_date(moment).year
            counters[year] += 1
            numbered.append((moment, f"VAE-{year}-{counters[year]:06d}"))
        rng.shuffle(numbered)

        # Candidates: one to five dossiers each, in distinct certifications.
        candidates: list[dict[str, Any]] = []
        owners: list[tuple[dict[str, Any], tuple[int, int, list[str | None]]]] = []
        while len(owners) < self.total:
            first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}.{len(candidates) + 1}@exemple.fr"
            user = self.user_row(Role.CANDIDATE, first, last, email)
            candidates.append(user)
            count = min(rng.randint(1, 5), self.total - len(owners))
            owners.extend((user, c) for c in rng.sample(certifications, count))

        bench_user = self.user_row(Role.CANDIDATE, "Camille", "Lefèvre", BENCH_CANDIDATE_EMAIL)
        with self.engine.begin() as connection:
            saved = without_secondary_indexes(connection)
        self.insert(User.__table__, [*staff, *candidates, bench_user])
        self.attach_staff(staff_ids)

        def dossier_rows() -> Iterator[dict[str, Any]]:
            for (user, (cid, vid, options)), (moment, number) in zip(owners, numbered, strict=True):
                yield self.dossier_row(
                    user, cid, vid, self.pick(options), moment, number, staff_ids
                )

        activity_batch: list[dict[str, Any]] = []
        for batch in _batches(dossier_rows(), BATCH):
            with self.engine.begin() as connection:
                bulk_insert(connection, Dossier.__table__, batch)
            self.rows["dossiers"] += len(batch)
            for row in batch:
                activity_batch.extend(
                    self.activities(
                        row["id"],
                        clock.paris_date(row["submitted_at"]),
                        row["created_at"],
                        self.each,
                    )
                )
            self.insert(Activity.__table__, activity_batch)
            activity_batch = []
            self.insert(Decision.__table__, self.decisions(batch))

        self.insert(
            DossierCounter.__table__, [{"year": y, "last": n} for y, n in sorted(counters.items())]
        )
        bench_dossier_id = self.bench_dossier(bench_user, certifications)
        with self.engine.begin() as connection:
            restore_indexes(connection, saved)

        with self.engine.begin() as connection:
            # Core inserts bypass the ORM, which keeps the queue's counts: count once here.
            status_counts.rebuild(connection)
        with self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                if connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the seed broke a foreign key")
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            else:  # what autovacuum would soon do on a real server
                connection.execute(text("ANALYZE"))
        return Seeded(
            dossiers=self.rows["dossiers"],
            activities=self.rows["dossier_activities"],
            users=self.rows["users"],
            seconds=time.perf_counter() - started,
            bench_dossier_id=bench_dossier_id,
            candidate_email=BENCH_CANDIDATE_EMAIL,
            staff_email=BENCH_STAFF_EMAIL,
            password=PASSWORD,
        )

    def dossier_row(
        self,
        user: dict[str, Any],
        certification_id: int,
        version_id: int,
        option: str | None,
        submitted: datetime,
        number: str,
        staff_ids: list[uuid.UUID],
    ) -> dict[str, Any]:
        rng = self.rng
        status = STATUSES[bisect.bisect(STATUS_CUMULATIVE, self.random() * STATUS_CUMULATIVE[-1])]
        created = submitted - timedelta(days=self.between(1, 120), minutes=self.between(0, 1440))
        decided = None
        if status != DossierStatus.SUBMITTED:
            decided = min(self.now, submitted + timedelta(days=self.between(5, 58)))
        submitted_on = clock.paris_date(submitted)
        postcode, city = self.pick(CITIES)
        last, first, email = user["last_name"], user["first_name"], user["email"]
        if "search" not in user:  # the candidate's part of the search text, once per candidate
            user["search"] = f"{_searchable(f'{last} {first}')} {email}"  # email: ASCII already
        assigned = staff_ids and (decided or rng.random() < 0.6)
        officer = self.pick(staff_ids) if assigned else None
        return {
            "id": self.uuid(),
            "candidate_id": user["id"],
            "certification_id": certification_id,
            "referential_version_id": version_id,
            "option_code": option,
            "status": status,
            "number": number,
            "submission_count": 1,
            "last_name": last,
            "first_name": first,
            "address": self.pick(self.addresses),
            "postcode": postcode,
            "city": city,
            "phone": self.pick(self.phones),
            "email": email,
            "identity_saved_at": created + timedelta(minutes=5),
            "cv": "Dix ans dans les mutuelles et l'assurance de personnes.",
            "diplomas_prepared": "BTS Assurance",
            "diplomas_obtained": "Baccalauréat",
            "education_saved_at": created + timedelta(minutes=20),
            "created_at": created,
            "updated_at": decided or submitted,
            "submitted_at": submitted,
            "lock_version": 2 if decided else 1,
            "assigned_officer_id": officer,
            "decision_due": None if decided else self.months_later(submitted_on, 2),
            "decided_at": decided,
            "livret2_due": self.months_later(clock.paris_date(decided), 12)
            if status == DossierStatus.RECEVABLE and decided
            else None,
            "search_text": f"{number.lower()} {user['search']}"[:500],
        }

    def bench_dossier(
        self, user: dict[str, Any], certifications: list[tuple[int, int, list[str | None]]]
    ) -> uuid.UUID:
        """The measured candidate's draft: ten activities, each with its evidence."""
        cid, vid, options = certifications[0]
        created = self.now - timedelta(days=20)
        dossier_id = self.uuid()
        row = self.dossier_row(user, cid, vid, options[0], self.now, "", [])
        row.update(
            id=dossier_id,
            status=DossierStatus.DRAFT,
            number=None,
            submission_count=0,
            submitted_at=None,
            decision_due=None,
            decided_at=None,
            livret2_due=None,
            assigned_officer_id=None,
            lock_version=1,
            created_at=created,
            updated_at=created,
            search_text="",
        )
        activities = self.activities(dossier_id, clock.today(), created)
        attachments = [
            {
                "id": self.uuid(),
                "dossier_id": dossier_id,
                "activity_id": a["id"],
                "training_id": None,
                "kind": PROOF_KINDS[a["status"]][0],
                "stored_name": secrets.token_hex(32),
                "display_name": f"justificatif-{a['position'] + 1}.pdf",
                "mime_type": "application/pdf",
                "size": 120_000,
                "sha256": secrets.token_hex(32),
                "uploaded_at": created + timedelta(hours=1),
                "removed_at": None,
                "submitted_in": None,
            }
            for a in activities
        ]
        self.insert(Dossier.__table__, [row])
        self.insert(Activity.__table__, activities)
        self.insert(Attachment.__table__, attachments)
        return dossier_id


def _fast_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """While seeding only: no fsync (the database is thrown away if the machine stops)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB: index builds stay in memory
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA foreign_keys=OFF")  # generated consistent; checked once at the end
        cursor.close()


LOADED_TABLES = (
    "users",
    "dossiers",
    "dossier_activities",
    "dossier_attachments",
    "dossier_decisions",
)
# What the search triggers of migration 9c9e6e0000c9 do row by row, done once for the whole load.
SQLITE_SEARCH_FILL = [
    "DELETE FROM dossier_search",
    "DELETE FROM dossier_search_keys",
    "INSERT INTO dossier_search_keys (dossier_id) SELECT id FROM dossiers",
    "INSERT INTO dossier_search (rowid, search_text) SELECT k.id, d.search_text"
    " FROM dossier_search_keys k JOIN dossiers d ON d.id = k.dossier_id",
]


def without_secondary_indexes(connection: Connection) -> list[str]:
    """SQLite only: drop the secondary indexes and triggers of the loaded tables (a load
    then a sorted index build is several times faster than row-by-row upkeep); returns the
    statements that recreate them. PostgreSQL keeps its indexes (COPY is fast enough)."""
    if connection.dialect.name != "sqlite":
        return []
    names = ", ".join(f"'{t}'" for t in LOADED_TABLES)
    found = connection.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND tbl_name IN ({names}) AND sql IS NOT NULL ORDER BY type"
    ).all()
    for kind, name, _sql in found:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    return [sql for _kind, _name, sql in found]


def restore_indexes(connection: Connection, statements: list[str]) -> None:
    """Recreate what :func:`without_secondary_indexes` dropped; fill the search index."""
    for statement in statements:
        connection.exec_driver_sql(statement)
    tables = set(inspect(connection).get_table_names())
    if statements and {"dossier_search", "dossier_search_keys"} <= tables:
        for statement in SQLITE_SEARCH_FILL:
            connection.exec_driver_sql(statement)


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``rows`` into ``table`` below SQLAlchemy's per-row machinery: each column's own bind
    conversion (UUID, UTC datetimes, enums…) applied once per value, then one ``executemany``
    on SQLite or one ``COPY … FROM STDIN`` on PostgreSQL. A column missing from the rows gets
    its scalar default; keys that are not columns are ignored."""
    if not rows:
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    given = rows[0].keys()
    columns, constants = [], {}
    for column in table.columns:
        if column.key in given:
            columns.append(column)
        elif column.default is not None and column.default.is_scalar:
            columns.append(column)
            constants[column.key] = column.default.arg
        elif column.default is not None and column.server_default is None:
            raise ValueError(f"{table.name}.{column.key}: a value is needed (Python default)")
    # Column by column (map, itemgetter and zip run in C): each value through its type's conversion.
    converted = []
    for column in columns:
        if column.key in constants:
            cells: list[Any] = [constants[column.key]] * len(rows)
        else:
            cells = list(map(operator.itemgetter(column.key), rows))
        process = _fast(column, dialect, cells) or column.type.dialect_impl(dialect).bind_processor(
            dialect
        )
        if process is not None:
            cells = [None if v is None else process(v) for v in cells]
        converted.append(cells)
    values = list(zip(*converted, strict=True))
    names = ", ".join(quote(c.name) for c in columns)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", values
            )
    finally:
        cursor.close()


def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _fast(column: Any, dialect: Any, cells: list[Any]) -> Any:
    """SQLite datetimes: the same text as SQLAlchemy's processors (checked on the first value)
    from C methods, several times faster; None when it does not apply."""
    if dialect.name != "sqlite":
        return None
    sample = next((v for v in cells if v is not None), None)
    if not isinstance(sample, datetime):
        return None
    slow = column.type.dialect_impl(dialect).bind_processor(dialect)
    if sample is None or sample.tzinfo is None or slow is None:
        return None
    return _sqlite_datetime if slow(sample) == _sqlite_datetime(sample) else None


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(
    engine: Engine, dossiers: int = 100_000, activities: int = ACTIVITIES_PER_DOSSIER
) -> Seeded:
    """Seed ``dossiers`` submitted dossiers with ``activities`` periods each (the bench's
    candidate draft has ten whatever ``activities``); the same arguments give the same rows."""
    cpu = time.process_time()
    engine.dispose()  # pooled connections are opened again with the seeding pragmas
    event.listen(engine, "connect", _fast_sqlite)
    try:
        seeded = Seeder(engine, dossiers, activities=activities).run()
    finally:
        event.remove(engine, "connect", _fast_sqlite)
        engine.dispose()
    print(
        f"# seeded {seeded.dossiers} dossiers, {seeded.activities} activities, "
        f"{seeded.users} users in {seeded.seconds:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU in this process)",
        file=sys.stderr,
    )
    return seeded


__all__ = ["Seeded", "seed"]
