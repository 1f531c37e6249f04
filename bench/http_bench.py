"""Benchmark: the real app under gunicorn against its empty signed-in page and a bare Flask
route, on a 100,000-dossier base.

1. A throwaway instance folder and SQLite database in a temporary directory (PostgreSQL when
   ``VAE_BENCH_DATABASE_URL`` names an empty, throwaway database), migrated by Alembic, the
   referentials loaded, then seeded with Core bulk inserts (``bench/seed.py``).
2. In process, signed in as a CPNEFP officer through the real login form: the number of SQL
   statements of the review queue, for the plain page and a few filtered ones (the maximum).
3. ``gunicorn --workers 2`` (sync) serves the app with its floor page (``bench/floor_app.py``:
   an empty signed-in page, the least an authenticated page costs) and, the same way,
   ``bench/hello_app.py``; ``bench/load.py`` drives them with the same settings, the targets
   alternated over ``ROUNDS`` rounds, each keeping its best rate. Speed is only ever given as
   a ratio to the floor or to the bare route, measured in the same run.

Prints::

    BENCH seed_100k_s <s> s
    BENCH staff_queue_sql_queries <n> queries
    BENCH hello_rps <r> req/s
    BENCH floor_rps <r> req/s
    BENCH candidate_dossier_rps <r> req/s
    BENCH staff_queue_100k_rps <r> req/s
    RATIO floor_vs_hello <r>
    RATIO candidate_dossier_vs_hello <r>
    RATIO staff_queue_100k_vs_hello <r>
    RATIO candidate_dossier_vs_floor <r>   (goal: at least 0.5)
    RATIO staff_queue_100k_vs_floor <r>    (goal: at least 0.5)

Diagnostics go to the standard error, prefixed with ``#``; ``VAE_BENCH_EXPLAIN=1`` adds the
query plans of the queue's statements, ``VAE_BENCH_KEEP=1`` keeps the temporary directory.
Exit code 1 when the queue needs more than ``MAX_QUEUE_QUERIES`` statements or a request fails.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import load
from floor_app import FLOOR_PATH
from seed import seed
from server import serve, stop, wait_ready

from vae import create_app

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOSSIERS = 100_000
MAX_QUEUE_QUERIES = 6
SLOW_MS = 100.0
WORKERS = 2
GUNICORN = ("--workers", str(WORKERS), "--worker-class", "sync")
ROUNDS = 2
QUEUE_URLS = [
    "/cpnefp/dossiers",
    "/cpnefp/dossiers?q=martin",
    "/cpnefp/dossiers?statut=submitted&tri=candidat&page=40",
    "/cpnefp/dossiers?retard=1",
    "/cpnefp/dossiers?certification=cqp-spp&agent=aucun",
]
_CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --- database -----------------------------------------------------------------------------------


def prepare(tmp: Path) -> dict[str, str]:
    """The app's environment: temporary instance folder, database, secret key, no rate limit."""
    url = os.environ.get("VAE_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = {
        "VAE_INSTANCE_PATH": str(tmp / "instance"),
        "VAE_DATABASE_URL": url,
        "VAE_SECRET_KEY": secrets.token_hex(32),
        "VAE_SESSION_COOKIE_SECURE": "false",
        "VAE_RATELIMIT_ENABLED": "false",  # Flask-Limiter: the login allows 10 per minute
        # The in-process client asks for localhost, gunicorn is reached on 127.0.0.1.
        "VAE_PUBLIC_URL": "http://127.0.0.1",
        "VAE_TRUSTED_HOSTS": "localhost",
    }
    os.environ.update(settings)
    return settings


def build_database(app: Any, dossiers: int = DOSSIERS, activities: int | None = None) -> Any:
    """Migrate from empty, load the referentials, seed; returns the seeding summary."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from vae.extensions import db
    from vae.referentials.operations import load_all

    with app.app_context():
        existing = inspect(db.engine).get_table_names()
        if existing:
            raise SystemExit(
                f"the bench database is not empty ({len(existing)} tables): "
                "VAE_BENCH_DATABASE_URL must name an empty, throwaway database"
            )
        _quiet_upgrade(upgrade)
        load_all()
        return (
            seed(db.engine, dossiers)
            if activities is None
            else seed(db.engine, dossiers, activities)
        )


def _quiet_upgrade(upgrade: Any) -> None:
    """Alembic logs every step at INFO: keep it for a failure only."""
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


# --- SQL statements of the queue, in process ----------------------------------------------------


def signed_in(app: Any, email: str, password: str) -> Any:
    """A test client signed in through the real login form."""
    client = app.test_client()
    page = client.get("/connexion")
    match = _CSRF.search(page.data)
    if not match:
        raise SystemExit("no CSRF token on /connexion")
    response = client.post(
        "/connexion",
        data={"csrf_token": match.group(1).decode(), "email": email, "password": password},
    )
    if response.status_code != 302:
        raise SystemExit(f"staff login failed in process: {response.status_code}")
    return client


def queue_queries(app: Any, email: str, password: str) -> int:
    """Sign in through the form; the most statements a queue URL runs (timings go to stderr)."""
    from sqlalchemy import event

    from vae.extensions import db

    client = signed_in(app, email, password)
    with app.app_context():
        engine = db.engine
    statements: list[list[Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append([statement, parameters, time.perf_counter(), 0.0])

    def after(*_: Any) -> None:
        statements[-1][3] = (time.perf_counter() - statements[-1][2]) * 1000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    most = 0
    captured: dict[str, list[list[Any]]] = {}
    try:
        for url in QUEUE_URLS:
            if client.get(url).status_code != 200:  # warm-up: templates, statement cache
                raise SystemExit(f"GET {url} in process did not answer 200")
            timings = []
            for _ in range(3):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"GET {url} in process: {response.status_code}")
            captured[url] = [list(s) for s in statements]
            most = max(most, len(statements))
            slowest = max(statements, key=lambda s: s[3])
            median = statistics.median(timings)
            note(
                f"{url}: {len(statements)} SQL statements, {median:.0f} ms in process "
                f"(slowest execute {slowest[3]:.0f} ms: {_summary(slowest[0])})"
                + ("  <-- slow" if median > SLOW_MS else "")
            )
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    if os.environ.get("VAE_BENCH_EXPLAIN") == "1":
        explain(engine, captured)
    return most


def _summary(statement: str) -> str:
    flat = " ".join(statement.split())
    return flat[:90] + ("…" if len(flat) > 90 else "")


def explain(engine: Any, captured: dict[str, list[list[Any]]]) -> None:
    """Each statement the queue pages ran: its plan and its time re-run alone (with the fetch)."""
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for url, statements in captured.items():
            for statement, parameters, _start, _ms in statements:
                started = time.perf_counter()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                ms = (time.perf_counter() - started) * 1000
                print(f"\n## {url}: {ms:.1f} ms\n{statement}\n-- {parameters}", file=sys.stderr)
                cursor.execute(prefix + statement, parameters)
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(c) for c in row), file=sys.stderr)
    finally:
        raw.close()


# --- servers ------------------------------------------------------------------------------------


def ratio(rate: float, baseline: float) -> str:
    """Two decimals; below 0.1, two significant digits (0.0039, not a meaningless 0.00)."""
    value = rate / baseline
    decimals = 2 if value >= 0.1 or value <= 0 else max(2, 1 - math.floor(math.log10(value)))
    return f"{value:.{decimals}f}"


# --- the run ------------------------------------------------------------------------------------


def main() -> int:
    # A TERM (say, a CI timeout) unwinds like an error: the servers are stopped below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    keep = os.environ.get("VAE_BENCH_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="vae-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        settings = prepare(tmp)
        app = create_app()
        seeded = build_database(app)
        print(f"BENCH seed_100k_s {seeded.seconds:.1f} s", flush=True)

        queries = queue_queries(app, seeded.staff_email, seeded.password)
        print(f"BENCH staff_queue_sql_queries {queries} queries", flush=True)
        with app.app_context():
            from vae.extensions import db

            db.engine.dispose()  # the servers open their own connections
        os.sync()  # no write-back of the seed competing with the measurements

        env = {**os.environ, **settings}
        hello, hello_port = serve("bench.hello_app:app", env, tmp / "hello.log", *GUNICORN)
        processes.append(hello)
        target = "bench.floor_app:create_floor_app()"  # the product plus its floor page
        real, app_port = serve(target, env, tmp / "app.log", *GUNICORN)
        processes.append(real)
        wait_ready(hello, hello_port, "/", tmp / "hello.log")
        wait_ready(real, app_port, "/connexion", tmp / "app.log")

        candidate_page = f"/dossiers/{seeded.bench_dossier_id}/experience"
        candidate = load.login(app_port, seeded.candidate_email, seeded.password, candidate_page)
        staff = load.login(app_port, seeded.staff_email, seeded.password, QUEUE_URLS[0])

        # Alternate the three targets ROUNDS times and keep each one's best rate: on a shared
        # two-core machine, a neighbour's burst would otherwise decide the ratio.
        targets = {
            "hello": (hello_port, ["/"], None),
            "floor": (app_port, [FLOOR_PATH], candidate),
            "candidate": (app_port, [candidate_page], candidate),
            "queue": (app_port, QUEUE_URLS, staff),
        }
        best: dict[str, Any] = {}
        for _round in range(ROUNDS):
            for name, (port, paths, jar) in targets.items():
                result = load.run(port, paths, jar)
                if name not in best or result.rps > best[name].rps:
                    best[name] = result
        baseline, floor = best["hello"], best["floor"]
        candidate_run, queue_run = best["candidate"], best["queue"]
        print(f"BENCH hello_rps {baseline.rps:.1f} req/s")
        print(f"BENCH floor_rps {floor.rps:.1f} req/s")
        print(f"BENCH candidate_dossier_rps {candidate_run.rps:.1f} req/s")
        print(f"BENCH staff_queue_100k_rps {queue_run.rps:.1f} req/s")
        print(f"RATIO floor_vs_hello {ratio(floor.rps, baseline.rps)}")
        print(f"RATIO candidate_dossier_vs_hello {ratio(candidate_run.rps, baseline.rps)}")
        print(f"RATIO staff_queue_100k_vs_hello {ratio(queue_run.rps, baseline.rps)}")
        print(f"RATIO candidate_dossier_vs_floor {ratio(candidate_run.rps, floor.rps)}")
        print(f"RATIO staff_queue_100k_vs_floor {ratio(queue_run.rps, floor.rps)}", flush=True)
        note(
            f"{load.CONCURRENCY} clients, {load.WARMUP_S:.0f} s warm-up + "
            f"{load.DURATION_S:.0f} s measured, best of {ROUNDS} alternated rounds; requests "
            f"counted: " + ", ".join(f"{name} {run.requests}" for name, run in best.items())
        )
    except load.LoadError as error:
        print(f"bench/http_bench.py: {error}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            stop(process)
        if keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if queries > MAX_QUEUE_QUERIES:
        print(
            f"bench/http_bench.py: the review queue ran {queries} SQL statements for one page "
            f"(at most {MAX_QUEUE_QUERIES} expected)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
