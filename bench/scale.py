"""`make bench-scale`: server CPU per request of the staff pages as the base grows.

For each size (SQLite: 10,000, 100,000 and 1,000,000 dossiers; PostgreSQL with
``--postgres``: 100,000 in the empty database of ``VAE_TEST_DATABASE_URL``, as exported by
``scripts/with-postgres``), a fresh base is migrated, the referentials loaded and the bulk
seeder run (one activity per dossier; the bench candidate's draft keeps ten). Then, in process
(Flask test client, signed in as an officer through the login form), each page is requested
``REPEAT`` times after a warm-up and the median of ``time.process_time`` (the server's CPU:
no network, no client) is kept. On the 100,000 SQLite base the streamed exports are measured
too (``bench/export_bench.py``).

Prints ``SCALE <db> <n> <page> <ms> ms`` per figure, then the goals of issue #15::

    BENCH seed_<n>_s <s> s                       (1,000,000: goal under 180)
    RATIO queue_cpu_1m_vs_10k <r>                (goal: at most 1.10)
    BENCH rare_search_1m_ms / number_search_1m_ms / deepest_page_1m_ms <ms> ms  (under 10)
    BENCH dashboard_1m_ms <ms> ms                (goal: under 50)
    BENCH export_… (see bench/export_bench.py)

``--sizes 10000,100000`` picks other sizes (the 1M goals are then left out).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import export_bench
from http_bench import QUEUE_URLS, build_database, note, prepare, signed_in

from vae import create_app

SQLITE_SIZES = (10_000, 100_000, 1_000_000)
POSTGRES_SIZES = (100_000,)
REPEAT = 15
WARMUP = 2
EXTRA_PAGES = {
    "rare_search": "/cpnefp/dossiers?q=.777@exemple",  # one candidate's dossiers (1 to 5)
    "number_search": "/cpnefp/dossiers?q=VAE-2026-000100",
    "deepest_page": "/cpnefp/dossiers?fin=1",  # « dernière page »
    "dashboard": "/cpnefp/tableau-de-bord",
}
QUEUE_NAMES = ("queue_default", "queue_search", "queue_page_40", "queue_overdue", "queue_filtered")
PAGES = dict(zip(QUEUE_NAMES, QUEUE_URLS, strict=True)) | EXTRA_PAGES
GOAL_MS = {"rare_search": 10.0, "number_search": 10.0, "deepest_page": 10.0, "dashboard": 50.0}
SEED_GOAL_S = 180.0
QUEUE_FLATNESS = 1.10


def cpu_ms(client: Any, url: str) -> float:
    """Median server CPU of one request of ``url``, in milliseconds."""
    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
    samples = []
    for _ in range(REPEAT):
        started = time.process_time()
        client.get(url)
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def one_size(db_name: str, dossiers: int, database_url: str | None) -> dict[str, float]:
    """Build a base of ``dossiers``, print its SCALE lines; the figures by page (and seed_s)."""
    tmp = Path(tempfile.mkdtemp(prefix="vae-scale-"))
    try:
        if database_url:
            os.environ["VAE_BENCH_DATABASE_URL"] = database_url
        prepare(tmp)
        os.environ["VAE_LOG_LEVEL"] = "WARNING"  # no log line per request in the measures
        app = create_app()
        seeded = build_database(app, dossiers, activities=1)
        print(f"BENCH seed_{db_name}_{dossiers}_s {seeded.seconds:.1f} s", flush=True)
        client = signed_in(app, seeded.staff_email, seeded.password)
        figures = {"seed_s": seeded.seconds}
        for page, url in PAGES.items():
            figures[page] = cpu_ms(client, url)
            print(f"SCALE {db_name} {dossiers} {page} {figures[page]:.2f} ms", flush=True)
        if db_name == "sqlite" and dossiers == export_bench.DOSSIERS:
            complete = export_bench.measure(dossiers, seeded.staff_email, seeded.password)
            print(f"BENCH export_rows_ok {int(complete)} bool", flush=True)
        if database_url:  # a throwaway cluster: the next size (if any) starts from empty
            _drop_all(app)
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _drop_all(app: Any) -> None:
    from sqlalchemy import text

    from vae.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()


def goals(by_size: dict[int, dict[str, float]]) -> bool:
    """The checks of issue #15 on the SQLite figures; True when all are met."""
    if 1_000_000 not in by_size or 10_000 not in by_size:
        return True
    big, small = by_size[1_000_000], by_size[10_000]
    queue_pages = [p for p in PAGES if p.startswith("queue")]
    flat = statistics.mean(big[p] for p in queue_pages) / statistics.mean(
        small[p] for p in queue_pages
    )
    print(f"RATIO queue_cpu_1m_vs_10k {flat:.2f}")
    met = flat <= QUEUE_FLATNESS
    for page, goal in GOAL_MS.items():
        print(f"BENCH {page}_1m_ms {big[page]:.2f} ms")
        met &= big[page] < goal
    print(f"BENCH seed_1m_s {big['seed_s']:.1f} s", flush=True)
    return met and big["seed_s"] < SEED_GOAL_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="VAE_TEST_DATABASE_URL's database")
    parser.add_argument("--sizes", help="comma-separated numbers of dossiers")
    options = parser.parse_args()
    url = None
    if options.postgres:
        url = os.environ.get("VAE_TEST_DATABASE_URL")
        if not url:
            raise SystemExit("--postgres: VAE_TEST_DATABASE_URL is not set (scripts/with-postgres)")
    default = POSTGRES_SIZES if options.postgres else SQLITE_SIZES
    sizes = [int(n) for n in options.sizes.split(",")] if options.sizes else list(default)
    name = "postgresql" if options.postgres else "sqlite"
    by_size = {n: one_size(name, n, url) for n in sizes}
    met = goals(by_size) if name == "sqlite" else True
    note("goals of issue #15 " + ("met" if met else "not all met (figures above)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
