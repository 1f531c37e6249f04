"""Load test: concurrent candidates and officers against gunicorn, then every write checked.

1. A throwaway instance folder and database (SQLite in a temporary directory; with
   ``--postgres``, the empty database named by ``VAE_TEST_DATABASE_URL``, as exported by
   ``scripts/with-postgres``), migrated by Alembic, the referentials loaded; 50 candidates and
   5 officers (confirmed, known password) and 20 complete dossiers submitted by 20 other
   candidates, all through the app's own operations.
2. ``gunicorn --workers 2`` (gthread, 4 threads) on a free port of 127.0.0.1, in its own
   process group, stopped in ``finally``.
3. For ``--seconds`` seconds (and at most ``MAX_REQUESTS`` requests), only to 127.0.0.1:
   50 candidates (one cookie jar each) start a ``cqp-spp`` dossier, then loop: new activity
   (form page for the CSRF token, POST, redirect followed), sometimes a PDF for one of their
   activities, sometimes their identity; 5 officers browse the queue (filters, pages), open
   review pages and declare the pre-submitted dossiers recevable with the page's lock version.
   The first ``BARRIER_RACES`` dossiers are decided by all five officers at the same instant
   (each reads the page, a barrier, then all POST): exactly one must win. ``SUBMITTERS`` other
   candidates, each with a complete dossier, press « Déposer » at the same instant, every other
   one in ``PRESSES`` tabs at once (a double click): each dossier submitted once, with its own
   number; the other presses answered « déjà déposé ».
4. The server is stopped and the database read directly (SQLAlchemy on the same URL): no 5xx,
   every accepted activity and upload stored (files on disk with the recorded SHA-256), at most
   one decision per dossier and each reported winner's decision there, one submission row per
   version of each submitted dossier with its PDF on disk (SHA-256 as recorded), distinct
   numbers, and no file on disk that no row names.

Prints a summary and ``LOAD <sqlite|postgresql> ok``; otherwise the details and exit code 1.
``--seconds`` (or ``VAE_LOAD_SECONDS``) changes the duration, ``VAE_LOAD_KEEP=1`` keeps the
temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import http.client
import io
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import load
from server import HOST, free_port, serve_app, stop, wait_ready

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PASSWORD = "charge concurrente 2026 !"
CANDIDATES = 50
OFFICERS = 5
PRESUBMITTED = 20
BARRIER_RACES = 6
SUBMITTERS = 6
PRESSES = 3  # tabs pressing « Déposer » at once, for every other submitter
DURATION_S = float(os.environ.get("VAE_LOAD_SECONDS", "60"))
MAX_REQUESTS = 60_000
TIMEOUT_S = 30.0
WORKERS = 2
THREADS = 4
UPLOAD_SHARE = 0.3
IDENTITY_SHARE = 0.15

_TOKEN = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')
_LOCK = re.compile(r'<input[^>]*name="decision-lock_version"[^>]*>')
_VALUE = re.compile(r'value="(\d+)"')
_DOSSIER = re.compile(r"/dossiers/([0-9a-f-]{36})/")
_TARGET = re.compile(r'name="target" value="a-([0-9a-f-]{36})"')
_NUMBER = re.compile(r"VAE-\d{4}-\d{6}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DECIDED = "Décision enregistrée"
SUBMITTED = "est déposé (version 1)"
SWORN = {"exact": "y", "personal": "y", "single_request": "y", "three_requests": "y"}
ALREADY_SUBMITTED = "Ce dossier est déposé : il ne peut plus être modifié."
CONFLICT = "vient d'être modifié par quelqu'un d'autre"
QUEUE_PATHS = [
    "/cpnefp/dossiers",
    "/cpnefp/dossiers?statut=submitted",
    "/cpnefp/dossiers?statut=recevable&tri=depot",
    "/cpnefp/dossiers?certification=cqp-spp&agent=aucun",
    "/cpnefp/dossiers?tri=candidat&page=2",
    "/cpnefp/dossiers?tri=numero",
    "/cpnefp/dossiers?retard=1",
    "/cpnefp/dossiers?q=charge",
]
LAST_NAMES = ["Charge", "Lefèvre", "Girard", "Müller", "Béranger", "Nguyen", "Diallo", "Texier"]
CITIES = [("75011", "Paris"), ("69003", "Lyon"), ("44000", "Nantes"), ("33000", "Bordeaux")]


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --- the app's environment and database ---------------------------------------------------------


def environment(tmp: Path, url: str, port: int) -> dict[str, str]:
    """The app's settings; any VAE_* of the caller's shell is dropped (no stray mail server)."""
    for name in [n for n in os.environ if n.startswith("VAE_")]:
        del os.environ[name]
    settings = {
        "VAE_INSTANCE_PATH": str(tmp / "instance"),
        "VAE_DATABASE_URL": url,
        "VAE_SECRET_KEY": secrets.token_hex(32),
        "VAE_SESSION_COOKIE_SECURE": "false",
        "VAE_RATELIMIT_ENABLED": "false",
        "VAE_UPLOAD_FOLDER": str(tmp / "uploads"),
        "VAE_MAIL_OUTBOX": str(tmp / "outbox"),
        "VAE_PUBLIC_URL": f"http://{HOST}:{port}",  # the only host the app answers
    }
    os.environ.update(settings)
    return settings


def make_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


@dataclass
class Setup:
    candidates: list[str]
    officers: dict[str, uuid.UUID]  # email -> id
    presubmitted: list[uuid.UUID]
    to_submit: dict[str, uuid.UUID]  # email -> complete dossier, submitted during the run


def build(app: Any) -> Setup:
    """Migrate from empty, load the referentials, create the accounts and submitted dossiers."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from vae.auth.operations import create_account
    from vae.extensions import db
    from vae.referentials.operations import load_all
    from vae.roles import Role

    with app.app_context():
        existing = inspect(db.engine).get_table_names()
        if existing:
            raise SystemExit(f"the load-test database is not empty ({len(existing)} tables)")
        quiet(upgrade)
        load_all()
        with app.test_request_context():
            officers = {
                user.email: user.id
                for user in (
                    create_account(
                        f"agent{i}@charge.exemple.fr", "Agent", f"Numéro {i}", Role.STAFF, PASSWORD
                    )
                    for i in range(1, OFFICERS + 1)
                )
            }
            attach_everywhere(list(officers.values()))
            candidates = [
                create_account(
                    f"candidat{i}@charge.exemple.fr", "Candidat", f"Charge {i}", Role.CANDIDATE,
                    PASSWORD,
                ).email
                for i in range(1, CANDIDATES + 1)
            ]  # fmt: skip
            proof = make_pdf("Attestation employeur")
            presubmitted = [submitted_dossier(i, proof) for i in range(PRESUBMITTED)]
            to_submit = {
                f"depot{i}@charge.exemple.fr": complete_dossier(
                    PRESUBMITTED + i, proof, f"depot{i}@charge.exemple.fr"
                ).id
                for i in range(SUBMITTERS)
            }
        db.session.remove()
        db.engine.dispose()  # gunicorn opens its own connections
    return Setup(candidates, officers, presubmitted, to_submit)


def attach_everywhere(staff_ids: list[uuid.UUID]) -> None:
    """Officers see only their certifiers' dossiers (vae.certifiers.scope): here, every one."""
    from sqlalchemy import insert, select

    from vae.certifiers.models import staff_certifiers
    from vae.extensions import db
    from vae.referentials.models import Certification

    certifiers = sorted(set(db.session.scalars(select(Certification.certifier_id))) - {None})
    rows = [{"user_id": u, "certifier_id": c} for u in staff_ids for c in certifiers]
    db.session.execute(insert(staff_certifiers), rows)
    db.session.commit()


def submitted_dossier(index: int, proof: bytes) -> uuid.UUID:
    """A complete cqp-spp dossier, submitted (as tests/e2e/test_staff_journey.py builds one)."""
    from vae.dossier import submit

    dossier = complete_dossier(index, proof, f"depose{index}@charge.exemple.fr")
    keys = {c.key: True for c in submit.commitments(dossier.referential.title)}
    submit.submit(dossier, keys)
    return dossier.id


def complete_dossier(index: int, proof: bytes, email: str) -> Any:
    """A new candidate's complete cqp-spp dossier, ready to submit."""
    from dateutil.relativedelta import relativedelta

    from vae.auth.operations import create_account
    from vae.dossier import operations
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.roles import Role

    last = f"{LAST_NAMES[index % len(LAST_NAMES)]} {index}"
    owner = create_account(email, "Déposante", last, Role.CANDIDATE, PASSWORD)
    dossier = operations.start(owner, "cqp-spp")
    operations.set_option(dossier, "prevoyance")
    postcode, city = CITIES[index % len(CITIES)]
    operations.save_identity(
        dossier,
        {
            "last_name": last,
            "first_name": "Déposante",
            "address": f"{index + 1} rue Colbert",
            "postcode": postcode,
            "city": city,
            "phone": "04 91 00 00 00",
            "email": email,
        },
    )
    start = date.today() - relativedelta(years=4)
    activities = [
        (
            {
                "title": "Assistante prévoyance",
                "employer_name": "Mutuelle Provence",
                "status": ActivityStatus.SALARIE,
                "start_date": start,
                "end_date": None,
                "work_time": WorkTime.PERCENT,
                "work_time_value": 50,
            },
            AttachmentKind.PAYSLIPS,
        ),
        (
            {
                "title": "Permanence d'accueil",
                "employer_name": "Association Entraide Prévoyance",
                "status": ActivityStatus.BENEVOLE,
                "start_date": start - relativedelta(years=7),
                "end_date": start - relativedelta(days=1),
                "work_time": WorkTime.HOURS_PER_WEEK,
                "work_time_value": 14,
            },
            AttachmentKind.VOLUNTEER_ATTESTATION,
        ),
    ]
    for data, kind in activities:
        activity = operations.save_activity(
            dossier,
            None,
            {
                **data,
                "employer_address": "",
                "sector": "Mutuelle",
                "main_activities": "Gestion des arrêts de travail.",
                "relevant": True,
            },
        )
        operations.add_attachment(dossier, kind, io.BytesIO(proof), "piece.pdf", activity=activity)
    operations.save_education(dossier, "", "Baccalauréat")
    operations.save_cv(dossier, "Quatre ans en mutuelle, sept ans de bénévolat.")
    return dossier


def quiet(upgrade: Any) -> None:
    """Alembic logs every step at INFO: shown only when the migration fails."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            upgrade()
    except BaseException:
        sys.stderr.write(captured.getvalue())
        raise
    finally:
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, logging.StreamHandler) and handler.stream is captured:
                    handler.setStream(sys.stderr)


# --- the server ---------------------------------------------------------------------------------


# --- the clients --------------------------------------------------------------------------------


class Stop(Exception):
    """The run is over (deadline or request budget): the worker ends its loop."""


@dataclass
class Record:
    """What every client saw; appended under ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    requests: int = 0
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: list[str] = field(default_factory=list)  # 5xx and failed connections
    anomalies: list[str] = field(default_factory=list)  # refused valid data, unknown answers
    started: list[str] = field(default_factory=list)  # dossier ids
    activities: list[tuple[str, str]] = field(default_factory=list)  # (dossier id, title)
    uploads: list[tuple[str, str, str]] = field(default_factory=list)  # dossier, activity, name
    identities: int = 0
    decisions_won: list[tuple[str, str]] = field(default_factory=list)  # (dossier id, officer)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    race_outcomes: list[tuple[str, Counter[str]]] = field(default_factory=list)
    submissions_won: list[str] = field(default_factory=list)  # dossier ids
    submit_outcomes: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, item: Any) -> None:
        with self.lock:
            getattr(self, name).append(item)


class Client:
    """One browser: its cookie jar, a fresh connection per request (no keep-alive races)."""

    def __init__(self, port: int, record: Record, who: str) -> None:
        self.port = port
        self.record = record
        self.who = who
        self.jar = load.Jar()

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
        *,
        budgeted: bool = True,
    ) -> tuple[int, str, str]:
        """(status, Location path, page text); 5xx and failed connections are recorded."""
        record = self.record
        with record.lock:
            if budgeted and (record.stop.is_set() or record.requests >= MAX_REQUESTS):
                record.stop.set()
                raise Stop
            record.requests += 1
        headers = self.jar.header() | {"Connection": "close"}
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.jar.update(response)
            status = response.status
            location = urlsplit(response.headers.get("Location") or "")
            target = location.path + (f"?{location.query}" if location.query else "")
        except (OSError, http.client.HTTPException) as exc:
            status, data, target = -1, repr(exc).encode(), ""
        finally:
            connection.close()
        took = time.perf_counter() - began
        # French typography puts no-break spaces before « : » etc.: the checks match plain spaces
        text = html.unescape(data.decode("utf-8", "replace")).replace("\u00a0", " ")
        with record.lock:
            record.statuses[kind][status] += 1
            record.seconds[kind].append(took)
            if status >= 500 or status < 0:
                record.server_errors.append(f"{kind} {method} {path} -> {status} ({self.who})")
        return status, target, text

    def get(self, kind: str, path: str, **kwargs: Any) -> tuple[int, str, str]:
        return self.request(kind, "GET", path, **kwargs)

    def post_form(self, kind: str, path: str, form: dict[str, str], **kwargs: Any) -> Any:
        body = urlencode(form).encode()
        return self.request(kind, "POST", path, body, "application/x-www-form-urlencoded", **kwargs)

    def follow(self, kind: str, target: str, **kwargs: Any) -> str:
        """The page a browser shows after the redirect (it also consumes the flash message)."""
        status, _location, text = self.get(kind, target, **kwargs)
        return text if status == 200 else ""

    def login(self, email: str) -> None:
        status, _, page = self.get("login", "/connexion", budgeted=False)
        token = csrf(page)
        if status != 200 or not token:
            raise RuntimeError(f"GET /connexion for {email}: {status}")
        form = {"csrf_token": token, "email": email, "password": PASSWORD}
        status, target, _ = self.post_form("login", "/connexion", form, budgeted=False)
        if status != 302:
            raise RuntimeError(f"POST /connexion for {email}: {status}")
        self.follow("login", target, budgeted=False)

    def anomaly(self, message: str) -> None:
        self.record.add("anomalies", f"{self.who}: {message}")

    def tab(self) -> Client:
        """Another tab of the same browser: a copy of the cookies, then its own."""
        other = Client(self.port, self.record, f"{self.who} (onglet)")
        other.jar = self.jar.copy()
        return other


def csrf(page: str) -> str | None:
    match = _TOKEN.search(page)
    return match.group(1) if match else None


def multipart(
    fields: dict[str, str], name: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    boundary = f"----vae-load-{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def activity_data(rng: random.Random, title: str) -> dict[str, str]:
    today = date.today()
    start = today - timedelta(days=rng.randrange(200, 6000))
    data = {
        "title": title,
        "employer_name": rng.choice(["Mutuelle du Midi", "Prévoyance Atlantique", "Müller & Fils"]),
        "employer_address": "1 place du Capitole, 31000 Toulouse",
        "sector": "Mutuelle santé",
        "status": "salarie",
        "start_date": start.isoformat(),
        "end_date": "",
        "work_time": "full_time",
        "work_time_value": "",
        "main_activities": "Traitement des demandes de remboursement, accueil des adhérents.",
        "relevant": rng.choice(["oui", "oui", "non"]),
    }
    if rng.random() < 0.15:
        data["ongoing"] = "y"
    else:
        end = min(today, start + timedelta(days=rng.randrange(30, 900)))
        data["end_date"] = end.isoformat() if rng.random() < 0.7 else end.strftime("%d/%m/%Y")
    if rng.random() < 0.4:
        data["work_time"], data["work_time_value"] = "percent", rng.choice(["50", "80", "62,5"])
    return data


def candidate(client: Client, email: str, ready: threading.Barrier, pdf: bytes) -> None:
    rng = random.Random(email)
    client.login(email)
    ready.wait()
    dossier = None
    activities: list[str] = []  # ids, read from the evidence page
    while True:
        if dossier is None:
            status, _, page = client.get("start_page", "/dossiers/nouveau")
            if status != 200:
                continue
            form = {"csrf_token": csrf(page) or "", "certification": "cqp-spp"}
            status, target, page = client.post_form("start", "/dossiers/nouveau", form)
            match = _DOSSIER.search(target)
            if status == 302 and match:
                dossier = match.group(1)
                client.record.add("started", dossier)
                client.follow("start_follow", target)
            elif status < 500:
                client.anomaly(f"start refused: {status} {snippet(page)}")
            continue

        base = f"/dossiers/{dossier}"
        status, _, page = client.get("activity_page", f"{base}/experience/nouvelle")
        if status == 200:
            title = f"Poste {secrets.token_hex(6)}"
            form = {"csrf_token": csrf(page) or "", **activity_data(rng, title)}
            status, target, page = client.post_form(
                "activity_post", f"{base}/experience/nouvelle", form
            )
            if status == 302 and target == f"{base}/experience":
                client.record.add("activities", (dossier, title))
                if "L'activité est enregistrée." not in client.follow("activity_follow", target):
                    client.anomaly(f"no success message after activity {title}")
            elif status < 500:
                client.anomaly(f"activity refused: {status} {snippet(page)}")

        if rng.random() < UPLOAD_SHARE:
            status, _, page = client.get("pieces_page", f"{base}/pieces")
            activities = _TARGET.findall(page) if status == 200 else activities
            if activities:
                activity = rng.choice(activities)
                key = f"a-{activity}"
                name = f"preuve-{secrets.token_hex(8)}.pdf"
                fields = {
                    "target": key,
                    f"{key}-csrf_token": csrf(page) or "",
                    f"{key}-target": key,
                    f"{key}-kind": rng.choice(["employer_attestation", "payslips"]),
                }
                body, content_type = multipart(fields, f"{key}-file", name, pdf)
                status, target, page = client.request(
                    "upload_post", "POST", f"{base}/pieces", body, content_type
                )
                if status == 302 and target == f"{base}/pieces":
                    client.record.add("uploads", (dossier, activity, name))
                    if f"Pièce ajoutée : {name}" not in client.follow("upload_follow", target):
                        client.anomaly(f"no success message after upload {name}")
                elif status < 500:
                    client.anomaly(f"upload refused: {status} {snippet(page)}")

        if rng.random() < IDENTITY_SHARE:
            status, _, page = client.get("identity_page", f"{base}/identite")
            if status == 200:
                postcode, city = rng.choice(CITIES)
                form = {
                    "csrf_token": csrf(page) or "",
                    "last_name": rng.choice(LAST_NAMES),
                    "first_name": "Camille",
                    "address": f"{rng.randrange(1, 99)} rue des Lilas",
                    "postcode": postcode,
                    "city": city,
                    "phone": f"06 12 34 {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                    "email": email,
                }
                status, target, page = client.post_form("identity_post", f"{base}/identite", form)
                if status == 302:
                    with client.record.lock:
                        client.record.identities += 1
                    client.follow("identity_follow", target)
                elif status < 500:
                    client.anomaly(f"identity refused: {status} {snippet(page)}")


def officer(
    client: Client,
    email: str,
    ready: threading.Barrier,
    race: threading.Barrier,
    dossiers: list[str],
    outcomes: dict[str, Counter[str]],
) -> None:
    rng = random.Random(email)
    client.login(email)
    ready.wait()
    due = (date.today() + timedelta(days=365)).isoformat()

    def decide(dossier: str, page: str, *, barrier: bool) -> None:
        lock = _LOCK.search(page)
        value = _VALUE.search(lock.group(0)) if lock else None
        if barrier:  # every officer has read the same lock version: now all at once
            with contextlib.suppress(threading.BrokenBarrierError):
                race.wait()
        if value is None:
            outcome = "already decided (no form)"
        else:
            form = {
                "decision-csrf_token": csrf(page) or "",
                "decision-lock_version": value.group(1),
                "decision-kind": "recevable",
                "decision-livret2_due": due,
                "decision-comment": "",
                "decision-missing": "",
                "decision-reason": "",
            }
            path = f"/cpnefp/dossiers/{dossier}"
            status, target, answer = client.post_form("decision_post", f"{path}/decision", form)
            if status == 302 and target == path:
                # after the window too: a committed decision's answer must be read
                shown = client.follow("decision_follow", target, budgeted=False)
                if DECIDED in shown:
                    outcome = "won"
                    client.record.add("decisions_won", (dossier, email))
                elif CONFLICT in shown:
                    outcome = "conflict"
                    client.record.add("conflicts", (dossier, email))
                else:
                    outcome = "302 without message"
                    client.anomaly(f"decision on {dossier}: redirect without a known message")
            elif status >= 500 or status < 0:
                outcome = f"error {status}"
            else:
                outcome = f"refused {status}"
                client.anomaly(f"decision on {dossier} refused: {status} {snippet(answer)}")
        with client.record.lock:
            outcomes[dossier][outcome] += 1

    # Deliberate races: the five officers decide the same dossier at the same instant.
    for dossier in dossiers[:BARRIER_RACES]:
        client.get("queue", rng.choice(QUEUE_PATHS))
        status, _, page = client.get("review_page", f"/cpnefp/dossiers/{dossier}")
        decide(dossier, page if status == 200 else "", barrier=True)

    # Then free browsing; whoever opens an undecided dossier decides it.
    while True:
        client.get("queue", rng.choice(QUEUE_PATHS))
        if rng.random() < 0.3:
            client.get("queue", f"/cpnefp/dossiers?page={rng.randint(1, 3)}")
        dossier = rng.choice(dossiers)
        status, _, page = client.get("review_page", f"/cpnefp/dossiers/{dossier}")
        if status == 200 and _LOCK.search(page):
            time.sleep(rng.uniform(0, 0.3))  # reading the dossier
            decide(dossier, page, barrier=False)


def submitter(
    client: Client,
    email: str,
    dossier: str,
    presses: int,
    ready: threading.Barrier,
    race: threading.Barrier,
) -> None:
    """Sign in, open the summary, then press « Déposer » at the same instant as every other
    submitter, in ``presses`` tabs at once (each with its own copy of the cookies)."""
    client.login(email)
    path = f"/dossiers/{dossier}/recapitulatif"
    _status, _, page = client.get("submit_page", path, budgeted=False)
    form = {"csrf_token": csrf(page) or "", **SWORN}
    ready.wait()

    def press(tab: Client) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            race.wait()
        status, target, answer = tab.post_form("submit_post", path, form, budgeted=False)
        shown = tab.follow("submit_follow", target, budgeted=False) if status == 302 else answer
        if SUBMITTED in shown:
            outcome = "submitted"
            tab.record.add("submissions_won", dossier)
        elif ALREADY_SUBMITTED in shown:
            outcome = "already submitted"
        elif status >= 500 or status < 0:
            outcome = f"error {status}"
        else:
            outcome = f"refused {status}"
            tab.anomaly(f"submission of {dossier}: {status} {snippet(shown)}")
        with tab.record.lock:
            tab.record.submit_outcomes[outcome] += 1

    tabs = [client.tab() for _ in range(presses - 1)]
    helpers = [threading.Thread(target=press, args=(tab,), daemon=True) for tab in tabs]
    for helper in helpers:
        helper.start()
    press(client)
    for helper in helpers:
        helper.join(TIMEOUT_S + 10)


def snippet(page: str) -> str:
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,200})<', page)
    return "; ".join(e.strip() for e in errors[:3]) or " ".join(page.split())[:200]


def drive(
    port: int, setup: Setup, pdf: bytes, seconds: float
) -> tuple[Record, float, dict[str, Counter[str]]]:
    record = Record()
    people = len(setup.candidates) + len(setup.officers) + len(setup.to_submit)
    ready = threading.Barrier(people + 1, timeout=120)
    race = threading.Barrier(len(setup.officers), timeout=30)
    presses = {email: PRESSES if i % 2 == 0 else 1 for i, email in enumerate(setup.to_submit)}
    submit_race = threading.Barrier(sum(presses.values()), timeout=30)
    dossiers = [str(d) for d in setup.presubmitted]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    failures: list[str] = []

    def run(target: Any, client: Client, *args: Any) -> None:
        try:
            target(client, *args)
        except Stop:
            pass
        except Exception as exc:  # a broken worker must not hang the others
            failures.append(f"{client.who}: {exc!r}")
            ready.abort()
            race.abort()
            submit_race.abort()

    threads = [
        threading.Thread(
            target=run,
            args=(candidate, Client(port, record, email), email, ready, pdf),
            daemon=True,
        )
        for email in setup.candidates
    ]
    threads += [
        threading.Thread(
            target=run,
            args=(officer, Client(port, record, email), email, ready, race, dossiers, outcomes),
            daemon=True,
        )
        for email in setup.officers
    ]
    threads += [
        threading.Thread(
            target=run,
            args=(
                submitter,
                Client(port, record, email),
                email,
                str(dossier),
                presses[email],
                ready,
                submit_race,
            ),
            daemon=True,
        )
        for email, dossier in setup.to_submit.items()
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait()  # every client signed in: the clock starts
    except threading.BrokenBarrierError:
        record.stop.set()
        raise SystemExit(f"sign-in failed: {failures[:3]}") from None
    with record.lock:
        counted_from = record.requests
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and not record.stop.is_set():
        time.sleep(0.2)
    record.stop.set()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=TIMEOUT_S + 10)
    if any(t.is_alive() for t in threads):
        record.anomalies.append("clients still running after the run")
    record.anomalies.extend(f"worker crashed: {f}" for f in failures)
    with record.lock:
        record.requests -= counted_from  # the measured window only
    return record, elapsed, outcomes


# --- the verification ---------------------------------------------------------------------------


def verify(app: Any, setup: Setup, record: Record, pdf_sha: str, upload_folder: Path) -> list[str]:
    """Read the database directly; returns the problems found (empty: every write is there)."""
    from sqlalchemy import create_engine, func, select

    from vae import storage
    from vae.auth.models import User
    from vae.dossier.enums import DossierStatus
    from vae.dossier.models import Activity, Attachment, Dossier
    from vae.dossier.submissions import Submission
    from vae.review.models import Decision

    problems: list[str] = []
    users, dossiers = User.__table__, Dossier.__table__
    activities, attachments = Activity.__table__, Attachment.__table__
    decisions = Decision.__table__
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as db:
            load_dossiers = set(
                db.scalars(
                    select(dossiers.c.id)
                    .join(users, users.c.id == dossiers.c.candidate_id)
                    .where(users.c.email.like("candidat%@charge.exemple.fr"))
                )
            )
            started = {uuid.UUID(d) for d in record.started}
            if started != load_dossiers:
                problems.append(
                    f"dossiers: {len(started)} accepted, {len(load_dossiers)} in the database "
                    f"(missing {len(started - load_dossiers)}, unexpected "
                    f"{len(load_dossiers - started)})"
                )

            stored = Counter(
                (d, t)
                for d, t in db.execute(
                    select(activities.c.dossier_id, activities.c.title).where(
                        activities.c.dossier_id.in_(load_dossiers)
                    )
                )
            )
            accepted = Counter((uuid.UUID(d), t) for d, t in record.activities)
            lost = accepted - stored
            extra = stored - accepted
            if lost:
                problems.append(
                    f"{sum(lost.values())} accepted activities missing: {list(lost)[:5]}"
                )
            if extra:
                problems.append(
                    f"{sum(extra.values())} activities stored but not accepted by the client "
                    f"(written, then an error answer?): {list(extra)[:5]}"
                )
            found_activities = sum((accepted & stored).values())

            rows = db.execute(
                select(
                    attachments.c.dossier_id,
                    attachments.c.activity_id,
                    attachments.c.display_name,
                    attachments.c.stored_name,
                    attachments.c.sha256,
                    attachments.c.size,
                ).where(attachments.c.dossier_id.in_(load_dossiers))
            ).all()
            uploads = {(uuid.UUID(d), uuid.UUID(a), n) for d, a, n in record.uploads}
            in_db = Counter((r.dossier_id, r.activity_id, r.display_name) for r in rows)
            if len(rows) != len(record.uploads):
                problems.append(
                    f"attachments: {len(record.uploads)} uploads accepted, {len(rows)} rows"
                )
            missing = [u for u in uploads if u not in in_db]
            if missing:
                problems.append(f"{len(missing)} accepted uploads missing: {missing[:3]}")
            bad_files = []
            for row in rows:
                path = storage.path_of(upload_folder, row.stored_name)
                if not path.is_file():
                    bad_files.append(f"{row.stored_name}: no file")
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest != row.sha256 or row.sha256 != pdf_sha or path.stat().st_size != row.size:
                    bad_files.append(f"{row.stored_name}: sha256 {digest} recorded {row.sha256}")
            if bad_files:
                problems.append(f"{len(bad_files)} stored files wrong: {bad_files[:3]}")
            found_uploads = len(uploads) - len(missing)

            per_dossier = dict(
                db.execute(
                    select(decisions.c.dossier_id, func.count())
                    .where(decisions.c.dossier_id.in_(setup.presubmitted))
                    .group_by(decisions.c.dossier_id)
                ).all()
            )
            doubled = {d: n for d, n in per_dossier.items() if n > 1}
            if doubled:
                problems.append(f"dossiers with more than one decision: {doubled}")
            winners = Counter(uuid.UUID(d) for d, _o in record.decisions_won)
            twice = [d for d, n in winners.items() if n > 1]
            if twice:
                problems.append(f"dossiers reported won by two officers: {twice}")
            decided_by = dict(
                db.execute(
                    select(decisions.c.dossier_id, decisions.c.decided_by_id).where(
                        decisions.c.dossier_id.in_(setup.presubmitted)
                    )
                ).all()
            )
            for dossier, email in record.decisions_won:
                by = decided_by.get(uuid.UUID(dossier))
                if by != setup.officers[email]:
                    problems.append(f"decision won by {email} on {dossier} not stored ({by})")
            unreported = set(per_dossier) - set(winners)
            if unreported:
                problems.append(f"decisions no client saw win (error after commit?): {unreported}")
            states = dict(
                db.execute(
                    select(dossiers.c.id, dossiers.c.status).where(
                        dossiers.c.id.in_(setup.presubmitted)
                    )
                ).all()
            )
            wrong = [
                d for d, s in states.items() if (s == DossierStatus.RECEVABLE) != (d in per_dossier)
            ]
            if wrong:
                problems.append(f"dossier status disagrees with its decisions: {wrong}")

            problems += check_submissions(db, setup, record, upload_folder)

            # Files on disk that no row names: written before a commit that did not happen.
            named = set(db.scalars(select(Attachment.__table__.c.stored_name)))
            named |= set(db.scalars(select(Submission.__table__.c.pdf_stored_name)))
            named |= set(db.scalars(select(decisions.c.letter_stored_name)))
    finally:
        engine.dispose()
    on_disk = {p.name: p for p in upload_folder.glob("*/*") if p.is_file()}
    orphans = Counter(
        "uploaded proofs"
        if hashlib.sha256(on_disk[n].read_bytes()).hexdigest() == pdf_sha
        else "other PDFs (decision letters)"
        for n in set(on_disk) - named
    )
    if orphans:
        problems.append(
            f"{sum(orphans.values())} files on disk named by no row: "
            f"{sorted(set(on_disk) - named)[:5]}"
        )
    print(
        f"writes   activities accepted {len(record.activities)} found {found_activities}; "
        f"uploads accepted {len(record.uploads)} found {found_uploads} (rows {len(rows)}); "
        f"decisions won {len(record.decisions_won)} stored {sum(per_dossier.values())} "
        f"on {len(per_dossier)}/{len(setup.presubmitted)} dossiers; "
        f"identities saved {record.identities}; dossiers started {len(record.started)}"
    )
    print(
        f"files    {len(on_disk)} on disk, {sum(orphans.values())} named by no row"
        + "".join(f"; {n} {what}" for what, n in sorted(orphans.items()))
    )
    return problems


def check_submissions(db: Any, setup: Setup, record: Record, upload_folder: Path) -> list[str]:
    """Each raced dossier submitted once and reported once; for every submitted dossier, one
    row per version with its PDF on disk as recorded; numbers distinct and well formed."""
    from sqlalchemy import select

    from vae import storage
    from vae.dossier.models import Dossier
    from vae.dossier.submissions import Submission

    problems: list[str] = []
    dossiers, submissions = Dossier.__table__, Submission.__table__
    frozen = db.execute(
        select(
            submissions.c.dossier_id,
            submissions.c.version,
            submissions.c.pdf_stored_name,
            submissions.c.pdf_sha256,
            submissions.c.pdf_size,
        )
    ).all()
    versions: dict[uuid.UUID, list[int]] = defaultdict(list)
    for row in frozen:
        versions[row.dossier_id].append(row.version)
        path = storage.path_of(upload_folder, row.pdf_stored_name)
        data = path.read_bytes() if path.is_file() else b""
        if hashlib.sha256(data).hexdigest() != row.pdf_sha256 or len(data) != row.pdf_size:
            problems.append(f"submission PDF of {row.dossier_id} v{row.version} missing or altered")
    counts = dict(
        db.execute(
            select(dossiers.c.id, dossiers.c.submission_count).where(
                dossiers.c.submission_count > 0
            )
        ).all()
    )
    gaps = {
        d: sorted(versions.get(d, []))
        for d, n in counts.items()
        if sorted(versions.get(d, [])) != list(range(1, n + 1))
    }
    if gaps or set(versions) - set(counts):
        problems.append(f"submission rows disagree with the dossiers' counts: {gaps}")
    raced = set(setup.to_submit.values())
    not_once = {d: len(versions.get(d, [])) for d in raced if len(versions.get(d, [])) != 1}
    if not_once:
        problems.append(f"raced dossiers not submitted exactly once: {not_once}")
    won = Counter(uuid.UUID(d) for d in record.submissions_won)
    if won != Counter(raced):
        problems.append(f"submissions reported won {dict(won)}, one per raced dossier expected")
    numbers = list(db.scalars(select(dossiers.c.number).where(dossiers.c.number.is_not(None))))
    if len(numbers) != len(set(numbers)) or not all(_NUMBER.fullmatch(n) for n in numbers):
        problems.append(f"dossier numbers duplicated or malformed: {sorted(numbers)[:10]}")
    print(
        f"submits  {len(raced)} dossiers submitted at the same instant "
        f"({record.submit_outcomes.total()} presses: "
        + ", ".join(f"{o} {n}" for o, n in sorted(record.submit_outcomes.items()))
        + f"); {len(frozen)} submission rows, {len(set(numbers))} numbers"
    )
    return problems


def server_log_errors(log: Path) -> list[str]:
    """The exceptions the app logged: ``Exception on /path [METHOD]`` and their last line."""
    text = log.read_text(errors="replace") if log.exists() else ""
    found = Counter()
    where = None
    for line in text.splitlines():
        if line.startswith("{"):  # the app's JSON log lines: the traceback is a field
            with contextlib.suppress(ValueError, KeyError, TypeError):
                entry = json.loads(line)
                match = re.search(r"Exception on (\S+) \[(\w+)\]", entry["message"])
                if match and entry.get("traceback"):
                    where = f"{match.group(2)} {_UUID.sub('<id>', match.group(1))}"
                    found[f"{where}: {entry['traceback'].strip().splitlines()[-1][:200]}"] += 1
            continue
        match = re.search(r"Exception on (\S+) \[(\w+)\]", line)
        if match:
            where = f"{match.group(2)} {_UUID.sub('<id>', match.group(1))}"
        elif where and re.match(r"^[\w.]+(Error|Exception)\b", line):
            found[f"{where}: {line[:200]}"] += 1
            where = None
    return [f"{n} x {what}" for what, n in found.most_common()]


def summary(record: Record, elapsed: float, outcomes: dict[str, Counter[str]]) -> None:
    total = sum(sum(c.values()) for c in record.statuses.values())
    print(
        f"requests {total} in all, {record.requests} in the {elapsed:.0f} s window "
        f"({record.requests / elapsed:.1f} req/s); {CANDIDATES} candidates, {OFFICERS} officers"
    )
    for kind in sorted(record.statuses):
        counts = record.statuses[kind]
        detail = " ".join(f"{code}:{n}" for code, n in sorted(counts.items()))
        times = sorted(record.seconds[kind])
        p50, p95 = (times[int(q * (len(times) - 1))] * 1000 for q in (0.5, 0.95))
        print(
            f"  {kind:<16} {sum(counts.values()):>6}  {detail:<16} ms p50 {p50:>5.0f} "
            f"p95 {p95:>5.0f} max {times[-1] * 1000:>5.0f}"
        )
    races = [d for d, c in outcomes.items() if sum(c.values()) > 1]
    contested = Counter()
    for dossier in races:
        for outcome, n in outcomes[dossier].items():
            contested[outcome] += n
    print(
        f"races    {len(races)} dossiers decided by several officers at once; outcomes: "
        + ", ".join(f"{o} {n}" for o, n in sorted(contested.items()))
    )


# --- the run ------------------------------------------------------------------------------------


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use the empty database of VAE_TEST_DATABASE_URL (scripts/with-postgres)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=DURATION_S,
        help=f"duration of the measured window (default {DURATION_S:g}, or VAE_LOAD_SECONDS)",
    )
    options = parser.parse_args()
    keep = os.environ.get("VAE_LOAD_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="vae-load-"))
    if options.postgres:
        url = os.environ.get("VAE_TEST_DATABASE_URL")
        if not url:
            raise SystemExit("--postgres: VAE_TEST_DATABASE_URL is not set (scripts/with-postgres)")
        name = "postgresql"
    else:
        url, name = f"sqlite:///{tmp / 'load.sqlite3'}", "sqlite"
    process = None
    log = tmp / "gunicorn.log"
    try:
        port = free_port()
        settings = environment(tmp, url, port)
        from vae import create_app

        app = create_app()
        began = time.perf_counter()
        setup = build(app)
        note(
            f"{name}: {len(setup.candidates)} candidates, {len(setup.officers)} officers, "
            f"{len(setup.presubmitted)} submitted dossiers, {len(setup.to_submit)} to submit in "
            f"{time.perf_counter() - began:.1f} s"
        )
        pdf = make_pdf("Attestation employeur – test de charge")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")} | settings
        process, port = serve_app(env, log, WORKERS, THREADS, port=port)
        wait_ready(process, port, "/connexion", log)
        record, elapsed, outcomes = drive(port, setup, pdf, options.seconds)
        stop(process)  # every answer is in; the checker reads what was committed
        print(f"LOAD {name}: gunicorn {WORKERS} workers x {THREADS} threads (gthread)")
        summary(record, elapsed, outcomes)
        problems = verify(
            app, setup, record, hashlib.sha256(pdf).hexdigest(), Path(settings["VAE_UPLOAD_FOLDER"])
        )
        logged = server_log_errors(log)
        if record.server_errors:
            by_endpoint = Counter(_UUID.sub("<id>", e.split(" (")[0]) for e in record.server_errors)
            problems.insert(0, f"{len(record.server_errors)} 5xx or failed requests")
            for what, n in by_endpoint.most_common():
                print(f"  5xx {n} x {what}")
        for line in logged:
            print(f"  server log: {line}")
        problems += record.anomalies[:20]
        if len(record.anomalies) > 20:
            problems.append(f"… and {len(record.anomalies) - 20} more anomalies")
        if not record.activities or not record.uploads or not record.decisions_won:
            problems.append("the run accepted no activity, upload or decision: nothing was tested")
        if problems:
            for problem in problems:
                print(f"FAIL {problem}")
            print(f"LOAD {name} FAILED")
            if not keep:
                note(f"server log tail:\n{log.read_text(errors='replace')[-4000:]}")
            return 1
        print(f"LOAD {name} ok")
        return 0
    finally:
        if process is not None:
            stop(process)
        discard(tmp, keep)


def discard(tmp: Path, keep: bool) -> None:
    """Remove the run's temporary folder, unless ``VAE_LOAD_KEEP=1`` asked to keep it."""
    if keep:
        note(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
