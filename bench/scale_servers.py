"""``make scale``: two app servers behind haproxy, the load test through it, then the checks.

Everything on 127.0.0.1, started here and stopped in ``finally``: the throwaway PostgreSQL of
``scripts/with-postgres`` (``VAE_TEST_DATABASE_URL``), a ``redis-server`` without persistence
(the login limiter's storage), moto's S3 server (no real object store is in reach here) with
one bucket, the migrations and referentials once (``load_test.build``), two gunicorn app
servers (``VAE_STORAGE_BACKEND=s3``, ``VAE_RATELIMIT_STORAGE_URI=redis://…``,
``VAE_MAIL_WORKER=true``, ``VAE_TRUSTED_PROXIES=1``), ONE ``flask --app vae worker`` writing
the emails as ``.eml`` files, and Debian's haproxy in front (generated configuration:
roundrobin, health check on ``/sante``, ``X-Forwarded-For``).

The load of ``bench/load_test.py`` (50 candidates, 5 officers, races) runs through haproxy for
``--seconds``; then one ``SCALE <check> ok|FAIL <why>`` line per check: no 5xx, both servers
served, every accepted write in PostgreSQL (``load_test.verify`` on a copy of the bucket),
every upload read through each app server directly with its SHA-256, every email delivered
exactly once, the limiter's counters in Redis. Last, the same load for ``--ratio-seconds``
with haproxy's second server in maintenance, then with both: ``RATIO two_vs_one_app_servers``.
Exit code 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import load_test
from load_test import note
from server import HOST, free_port, serve_app, spawn, stop, wait_ready

DURATION_S = float(os.environ.get("VAE_LOAD_SECONDS", "60"))
RATIO_S = 30.0
BUCKET = "vae-scale"
BACKEND = "app"
SERVERS = ("s1", "s2")
UNLIMITED = "100000 per minute"  # the limiter runs (on Redis), the load is never refused

HAPROXY_CFG = """\
global
    maxconn 4000
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
    # a busy machine answers /sante slowly: a server is DOWN after 3 checks without 200 in 10 s
    timeout check 10s

frontend www
    bind {host}:{port}
    default_backend {backend}

backend {backend}
    balance roundrobin
    option httpchk
    http-check send meth GET uri /sante ver HTTP/1.1 hdr Host {host}
    http-check expect status 200
{servers}
"""


def wait_until(what: str, ready: Callable[[], bool], process: subprocess.Popen, log: Path) -> None:
    """Until ``ready()``; the log tail if the process dies or 60 s pass."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.2)
    raise SystemExit(f"{what} not ready after 60 s:\n{log.read_text(errors='replace')[-3000:]}")


def listening(port: int) -> Callable[[], bool]:
    def probe() -> bool:
        with socket.create_connection((HOST, port), timeout=2):
            return True

    return probe


# --- haproxy ------------------------------------------------------------------------------------


def haproxy_config(port: int, servers: dict[str, int], sock: Path) -> str:
    lines = "\n".join(
        f"    server {name} {HOST}:{p} check inter 2s fall 3 rise 2" for name, p in servers.items()
    )
    return HAPROXY_CFG.format(socket=sock, host=HOST, port=port, backend=BACKEND, servers=lines)


def haproxy_command(sock: Path, command: str) -> str:
    """One command of haproxy's runtime API (the stats socket)."""
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(5)
        client.connect(str(sock))
        client.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def server_stats(sock: Path) -> dict[str, dict[str, str]]:
    """``show stat`` of the app backend's servers: name -> columns (status, stot…)."""
    lines = haproxy_command(sock, "show stat").splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {r["svname"]: r for r in rows if r.get("pxname") == BACKEND and r["svname"] in SERVERS}


def set_state(sock: Path, name: str, state: str) -> None:
    """``maint`` drains ``name`` (no new request); ``ready`` puts it back (UP when healthy)."""
    haproxy_command(sock, f"set server {BACKEND}/{name} state {state}")
    wanted = "MAINT" if state == "maint" else "UP"
    deadline = time.monotonic() + 30
    while not server_stats(sock)[name]["status"].startswith(wanted):
        if time.monotonic() > deadline:
            raise SystemExit(f"haproxy: {name} not {wanted} after 30 s")
        time.sleep(0.2)


# --- the checks ---------------------------------------------------------------------------------


def fetch(port: int, jar: Any, path: str) -> tuple[int, bytes]:
    """GET ``path`` on one app server directly, with a signed-in client's cookies."""
    connection = http.client.HTTPConnection(HOST, port, timeout=load_test.TIMEOUT_S)
    try:
        connection.request("GET", path, headers=jar.header() | {"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def uploads_on_each_server(app: Any, ports: dict[str, int]) -> tuple[list[str], int]:
    """Every attachment of the load's dossiers downloaded from each server by its owner, its
    SHA-256 compared with the row's; (problems, files read)."""
    from sqlalchemy import select

    from vae.auth.models import User
    from vae.dossier.models import Attachment, Dossier
    from vae.extensions import db

    attachments, dossiers, users = Attachment.__table__, Dossier.__table__, User.__table__
    with app.app_context():
        rows = db.session.execute(
            select(attachments.c.dossier_id, attachments.c.id, attachments.c.sha256, users.c.email)
            .join(dossiers, dossiers.c.id == attachments.c.dossier_id)
            .join(users, users.c.id == dossiers.c.candidate_id)
        ).all()
        db.session.remove()
    by_owner: dict[str, list[Any]] = {}
    for row in rows:
        by_owner.setdefault(row.email, []).append(row)
    problems: list[str] = []
    read = 0
    record = load_test.Record()
    for name, port in ports.items():
        for email, owned in by_owner.items():
            client = load_test.Client(port, record, email)
            try:
                client.login(email)
            except RuntimeError as failure:
                problems.append(f"{name}: {failure}")
                continue
            for row in owned:
                status, body = fetch(
                    port, client.jar, f"/dossiers/{row.dossier_id}/pieces/{row.id}"
                )
                read += 1
                if status != 200 or hashlib.sha256(body).hexdigest() != row.sha256:
                    problems.append(f"{name}: attachment {row.id} -> {status}, SHA-256 differs")
    if not rows:
        problems.append("no attachment to read")
    return problems, read


def wait_delivered(app: Any, seconds: float = 90) -> None:
    """Until the worker has sent (or given up) every outbox row."""
    from sqlalchemy import func, select

    from vae.extensions import db
    from vae.outbox import OutboxMessage

    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            pending = db.session.scalar(
                select(func.count()).where(
                    OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
                )
            )
            db.session.rollback()
            if not pending:
                break
            time.sleep(0.5)
        db.session.remove()


def emails_once(app: Any, outbox: Path) -> tuple[list[str], int]:
    """Each outbox row sent, in one attempt, and found exactly once among the ``.eml`` files the
    worker wrote (compared by SHA-256 of the whole message); (problems, rows)."""
    from sqlalchemy import select

    from vae.extensions import db
    from vae.outbox import OutboxMessage

    with app.app_context():
        rows = db.session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.message,
                OutboxMessage.sent_at,
                OutboxMessage.attempts,
                OutboxMessage.failed_at,
            )
        ).all()
        db.session.remove()
    problems = []
    unsent = [r.id for r in rows if r.sent_at is None or r.failed_at is not None]
    if unsent:
        problems.append(f"{len(unsent)} rows not sent: {unsent[:5]}")
    retried = [r.id for r in rows if r.attempts != 1]
    if retried:
        problems.append(f"{len(retried)} rows claimed more than once: {retried[:5]}")
    queued = Counter(hashlib.sha256(r.message).hexdigest() for r in rows)
    files = list(outbox.glob("*.eml"))
    written = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in files)
    if written != queued:
        twice = sum((written - queued).values())
        missing = sum((queued - written).values())
        problems.append(
            f"{len(rows)} rows, {len(files)} .eml files ({twice} extra, {missing} missing)"
        )
    if not rows:
        problems.append("no email queued: nothing was tested")
    return problems, len(rows)


def copy_bucket(app: Any, folder: Path) -> int:
    """The bucket's uploads copied to ``folder`` in the local layout (``load_test.verify``
    reads files there); the objects' SHA-256 are checked on read."""
    from vae import storage

    with app.app_context():
        bucket, local = storage.uploads(), storage.LocalBackend(folder)
        count = 0
        for entry in bucket.iter_names():
            data = bucket.read(entry.key)
            local.put(entry.key, data, hashlib.sha256(data).hexdigest())
            count += 1
    return count


def no_5xx(record: load_test.Record, logs: list[Path]) -> list[str]:
    problems = []
    if record.server_errors:
        by_endpoint = Counter(
            load_test._UUID.sub("<id>", e.split(" (")[0]) for e in record.server_errors
        )
        problems.append(f"{len(record.server_errors)} 5xx or failed: {by_endpoint.most_common(3)}")
    for log in logs:
        problems += [f"{log.stem}: {line}" for line in load_test.server_log_errors(log)]
    return problems


def limiter_on_redis(port: int) -> list[str]:
    """The limiter's counters are in Redis (a shared limit), not in each process's memory."""
    import redis

    client = redis.Redis(host=HOST, port=port)
    try:
        keys = client.dbsize()
    finally:
        client.close()
    return [] if keys else ["no key in Redis: the limiter did not use it"]


def report(results: dict[str, list[str]]) -> bool:
    for check, problems in results.items():
        print(
            f"SCALE {check} ok"
            if not problems
            else f"SCALE {check} FAIL {'; '.join(problems)[:600]}"
        )
    return not any(results.values())


# --- the run ------------------------------------------------------------------------------------


def settings_for(tmp: Path, url: str, ports: dict[str, int]) -> dict[str, str]:
    """load_test's settings plus the shared services: S3 on moto, limits on Redis, the worker."""
    settings = load_test.environment(tmp, url, ports["haproxy"])
    extra = {
        "VAE_STORAGE_BACKEND": "s3",
        "VAE_S3_BUCKET": BUCKET,
        "VAE_S3_PREFIX": "vae",
        "VAE_S3_ENDPOINT_URL": f"http://{HOST}:{ports['moto']}",
        "VAE_S3_REGION": "eu-west-3",
        "VAE_S3_ACCESS_KEY_ID": "moto",
        "VAE_S3_SECRET_ACCESS_KEY": secrets.token_hex(16),
        "VAE_RATELIMIT_ENABLED": "true",
        "VAE_RATELIMIT_STORAGE_URI": f"redis://{HOST}:{ports['redis']}",
        "VAE_RATELIMIT_LOGIN": UNLIMITED,
        "VAE_RATELIMIT_LOGIN_ACCOUNT": UNLIMITED,
        "VAE_RATELIMIT_DRAFTS": UNLIMITED,
        "VAE_MAIL_WORKER": "true",
        "VAE_TRUSTED_PROXIES": "1",  # haproxy's X-Forwarded-For
    }
    os.environ.update(extra)
    return settings | extra


def rate(record: load_test.Record, elapsed: float) -> float:
    return record.requests / elapsed if elapsed else 0.0


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=DURATION_S, help="the checked run")
    parser.add_argument(
        "--ratio-seconds", type=float, default=RATIO_S, help="each run of the one/two comparison"
    )
    options = parser.parse_args()
    url = os.environ.get("VAE_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        raise SystemExit("VAE_TEST_DATABASE_URL must name PostgreSQL: scripts/with-postgres")
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    keep = os.environ.get("VAE_LOAD_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="vae-scale-"))
    processes: list[subprocess.Popen] = []
    try:
        ports = {name: free_port() for name in ("haproxy", "redis", "moto", *SERVERS)}
        redis = spawn(
            ["redis-server", "--bind", HOST, "--port", str(ports["redis"]), "--save", "",
             "--appendonly", "no", "--dir", str(tmp)],
            tmp / "redis.log",
        )  # fmt: skip
        moto = spawn(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(ports["moto"])],
            tmp / "moto.log",
        )
        processes += [redis, moto]
        wait_until("redis-server", listening(ports["redis"]), redis, tmp / "redis.log")
        wait_until("moto", listening(ports["moto"]), moto, tmp / "moto.log")

        settings = settings_for(tmp, url, ports)
        import boto3

        boto3.client(
            "s3",
            endpoint_url=settings["VAE_S3_ENDPOINT_URL"],
            region_name=settings["VAE_S3_REGION"],
            aws_access_key_id=settings["VAE_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=settings["VAE_S3_SECRET_ACCESS_KEY"],
        ).create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": settings["VAE_S3_REGION"]},
        )
        from vae import create_app

        app = create_app()
        began = time.perf_counter()
        setup = load_test.build(app)  # migrations and referentials, once, before the servers
        note(f"setup in {time.perf_counter() - began:.1f} s")

        env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")} | settings
        logs = [tmp / f"{name}.log" for name in SERVERS]
        for name, log in zip(SERVERS, logs, strict=True):
            process, _ = serve_app(env, log, load_test.WORKERS, load_test.THREADS, port=ports[name])
            processes.append(process)
            wait_ready(process, ports[name], "/sante", log)
        worker_log = tmp / "worker.log"
        worker = spawn(
            [sys.executable, "-m", "flask", "--app", "vae", "worker", "--interval", "0.5"],
            worker_log,
            env,
        )
        processes.append(worker)
        logs.append(worker_log)
        sock = tmp / "haproxy.sock"
        config = tmp / "haproxy.cfg"
        config.write_text(haproxy_config(ports["haproxy"], {n: ports[n] for n in SERVERS}, sock))
        proxy = spawn([haproxy, "-db", "-f", str(config)], tmp / "haproxy.log")
        processes.append(proxy)
        wait_until(
            "haproxy (both servers UP)",
            lambda: sock.exists() and all(s["status"] == "UP" for s in server_stats(sock).values()),
            proxy,
            tmp / "haproxy.log",
        )

        pdf = load_test.make_pdf("Attestation employeur – deux serveurs")
        note(f"load through haproxy for {options.seconds:g} s, two app servers")
        before = {n: int(s["stot"]) for n, s in server_stats(sock).items()}
        record, elapsed, outcomes = load_test.drive(ports["haproxy"], setup, pdf, options.seconds)
        served = {n: int(s["stot"]) - before[n] for n, s in server_stats(sock).items()}
        print(
            f"SCALE haproxy roundrobin over {len(SERVERS)} gunicorn servers "
            f"({load_test.WORKERS} workers x {load_test.THREADS} threads each), one worker; "
            "requests per server " + ", ".join(f"{n} {c}" for n, c in served.items())
        )
        load_test.summary(record, elapsed, outcomes)
        wait_delivered(app)
        copied = copy_bucket(app, tmp / "bucket-copy")
        writes = load_test.verify(
            app, setup, record, hashlib.sha256(pdf).hexdigest(), tmp / "bucket-copy"
        )
        writes += record.anomalies[:20]
        if not record.activities or not record.uploads or not record.decisions_won:
            writes.append("the run accepted no activity, upload or decision: nothing was tested")
        downloads, read = uploads_on_each_server(app, {n: ports[n] for n in SERVERS})
        mails, queued = emails_once(app, Path(settings["VAE_MAIL_OUTBOX"]))
        print(
            f"SCALE {copied} objects in the bucket, {read} downloads direct from the servers, "
            f"{queued} emails in the outbox"
        )
        results = {
            "no_5xx": no_5xx(record, logs),
            "both_servers_served": [f"{n} served nothing" for n, c in served.items() if not c],
            "writes_in_postgresql": writes,
            "uploads_readable_on_each_server": downloads,
            "emails_delivered_once": mails,
            "limiter_on_redis": limiter_on_redis(ports["redis"]),
        }

        rates = {}
        for count in (1, 2):
            set_state(sock, "s2", "maint" if count == 1 else "ready")
            note(f"throughput run, {count} app server(s), {options.ratio_seconds:g} s")
            run, run_elapsed, _ = load_test.drive(
                ports["haproxy"], setup, pdf, options.ratio_seconds
            )
            rates[count] = rate(run, run_elapsed)
            results["no_5xx"] += no_5xx(run, [])
            print(f"SCALE throughput {count} app server(s): {rates[count]:.1f} req/s")
        ok = report(results)
        print(f"RATIO two_vs_one_app_servers {rates[2] / rates[1]:.2f} (cores: {os.cpu_count()})")
        if not ok:
            note(f"logs in {tmp}" if keep else "VAE_LOAD_KEEP=1 keeps the logs")
        return 0 if ok else 1
    finally:
        for process in reversed(processes):
            stop(process)
        load_test.discard(tmp, keep)


if __name__ == "__main__":
    sys.exit(main())
