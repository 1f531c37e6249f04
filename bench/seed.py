"""Seed a benchmark database fast: Core bulk inserts through the ORM tables (types handled).

Used by ``bench/http.py``. Everything is reproducible (one seeded ``random.Random``); one
argon2 hash is computed and shared by every account (all have the password ``PASSWORD``).
"""

from __future__ import annotations

import random
import secrets
import sqlite3
import sys
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, event, insert, select, text
from sqlalchemy.engine import Engine

from vae import clock
from vae.auth.models import User, _hasher
from vae.dossier.enums import PROOF_KINDS, ActivityStatus, DossierStatus, WorkTime
from vae.dossier.models import Activity, Attachment, Dossier, searchable
from vae.dossier.submissions import DossierCounter
from vae.referentials.models import Certification, ReferentialVersion
from vae.roles import Role

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


def ascii_slug(text_: str) -> str:
    plain = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


class Seeder:
    def __init__(self, engine: Engine, dossiers: int, seed: int = 20261124) -> None:
        self.engine = engine
        self.total = dossiers
        self.rng = random.Random(seed)
        self.now = clock.now()
        self.password_hash = _hasher.hash(PASSWORD)  # once: argon2 is slow by design
        self.rows = Counter[str]()

    # --- helpers -----------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        """Executemany in batches, one transaction per batch."""
        for batch in _batches(rows, BATCH):
            with self.engine.begin() as connection:
                connection.execute(insert(table), batch)
            self.rows[table.name] += len(batch)

    def user_row(self, role: Role, first: str, last: str, email: str) -> dict[str, Any]:
        created = self.now - timedelta(days=self.rng.randrange(560, 900))
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
        self, dossier_id: uuid.UUID, until: date, created: datetime
    ) -> list[dict[str, Any]]:
        """Ten periods going back in time from ``until``; the most recent may be ongoing."""
        rng = self.rng
        rows = []
        end: date | None = until
        for position in range(ACTIVITIES_PER_DOSSIER):
            assert end is not None
            start = end - timedelta(days=rng.randrange(90, 720))
            shown_end = None if position == 0 and rng.random() < 0.3 else end
            roll = rng.random()
            status = (
                ActivityStatus.SALARIE
                if roll < 0.8
                else ActivityStatus.NON_SALARIE
                if roll < 0.9
                else ActivityStatus.BENEVOLE
            )
            employer = VOLUNTEERING if status == ActivityStatus.BENEVOLE else rng.choice(EMPLOYERS)
            work_time, values = rng.choice(WORK_TIMES)
            rows.append(
                {
                    "id": self.uuid(),
                    "dossier_id": dossier_id,
                    "position": position,
                    "title": rng.choice(JOBS),
                    "employer_name": employer[0],
                    "employer_address": employer[1],
                    "sector": employer[2],
                    "status": status,
                    "start_date": start,
                    "end_date": shown_end,
                    "work_time": work_time,
                    "work_time_value": rng.choice(values),
                    "main_activities": MAIN_ACTIVITIES,
                    "relevant": rng.random() < 0.8,
                    "created_at": created,
                }
            )
            end = start - timedelta(days=rng.randrange(1, 120))
        return rows

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
                connection.execute(select(Certification.id, Certification.current_version_id))
                .tuples()
                .all()
            )
        certifications = [
            (cid, version_ids[cid], [o["code"] for o in data.get("options") or []] or [None])
            for cid, _code, data in versions
        ]
        if len(certifications) != 5:
            raise RuntimeError(f"expected 5 certifications, found {len(certifications)}")

        staff = [
            self.user_row(Role.STAFF, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), email)
            for email in [f"agent{i}@cpnefp.exemple.fr" for i in range(1, STAFF_USERS + 1)]
        ]
        staff_ids = [s["id"] for s in staff]

        # Submission moments over the last 18 months, numbered per (Paris) year in order.
        span = int(timedelta(days=548).total_seconds())
        moments = sorted(
            self.now - timedelta(seconds=rng.randrange(3600, span)) for _ in range(self.total)
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
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}.{len(candidates) + 1}@exemple.fr"
            user = self.user_row(Role.CANDIDATE, first, last, email)
            candidates.append(user)
            count = min(rng.randint(1, 5), self.total - len(owners))
            owners.extend((user, c) for c in rng.sample(certifications, count))

        bench_user = self.user_row(Role.CANDIDATE, "Camille", "Lefèvre", BENCH_CANDIDATE_EMAIL)
        self.insert(User.__table__, [*staff, *candidates, bench_user])

        def dossier_rows() -> Iterator[dict[str, Any]]:
            for (user, (cid, vid, options)), (moment, number) in zip(owners, numbered, strict=True):
                yield self.dossier_row(
                    user, cid, vid, rng.choice(options), moment, number, staff_ids
                )

        activity_batch: list[dict[str, Any]] = []
        for batch in _batches(dossier_rows(), BATCH):
            with self.engine.begin() as connection:
                connection.execute(insert(Dossier.__table__), batch)
            self.rows["dossiers"] += len(batch)
            for row in batch:
                activity_batch.extend(
                    self.activities(
                        row["id"], clock.paris_date(row["submitted_at"]), row["created_at"]
                    )
                )
            self.insert(Activity.__table__, activity_batch)
            activity_batch = []

        self.insert(
            DossierCounter.__table__, [{"year": y, "last": n} for y, n in sorted(counters.items())]
        )
        bench_dossier_id = self.bench_dossier(bench_user, certifications)

        with self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
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
        status = rng.choices(
            [s for s, _w in STATUS_WEIGHTS], weights=[w for _s, w in STATUS_WEIGHTS]
        )[0]
        created = submitted - timedelta(days=rng.randrange(1, 120), minutes=rng.randrange(1440))
        decided = None
        if status != DossierStatus.SUBMITTED:
            decided = min(self.now, submitted + timedelta(days=rng.randrange(5, 58)))
        submitted_on = clock.paris_date(submitted)
        postcode, city = rng.choice(CITIES)
        last, first, email = user["last_name"], user["first_name"], user["email"]
        assigned = staff_ids and (decided or rng.random() < 0.6)
        officer = rng.choice(staff_ids) if assigned else None
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
            "address": f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
            "postcode": postcode,
            "city": city,
            "phone": f"06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
            f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
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
            "decision_due": None if decided else submitted_on + relativedelta(months=2),
            "decided_at": decided,
            "livret2_due": clock.paris_date(decided) + relativedelta(months=12)
            if status == DossierStatus.RECEVABLE and decided
            else None,
            "search_text": searchable(f"{number} {last} {first} {email}")[:500],
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
        cursor.close()


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(engine: Engine, dossiers: int = 100_000) -> Seeded:
    engine.dispose()  # pooled connections are opened again with the seeding pragmas
    event.listen(engine, "connect", _fast_sqlite)
    try:
        seeded = Seeder(engine, dossiers).run()
    finally:
        event.remove(engine, "connect", _fast_sqlite)
        engine.dispose()
    print(
        f"# seeded {seeded.dossiers} dossiers, {seeded.activities} activities, "
        f"{seeded.users} users in {seeded.seconds:.1f} s",
        file=sys.stderr,
    )
    return seeded


__all__ = ["Seeded", "seed"]
