"""Serving an app with gunicorn on loopback for the benchmarks and the load test."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"  # the only host the benchmarks ever talk to
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def serve(
    target: str, env: dict[str, str], log: Path, *options: str, port: int | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``gunicorn OPTIONS TARGET`` on ``port`` (default: a free one) of 127.0.0.1, in its own
    process group (master and workers are stopped together by :func:`stop`)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *options,
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        target,
    ]
    return spawn(command, log, env), port


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``command`` from the repository's root, output to ``log``, in its own process group
    (stopped with everything it started by :func:`stop`)."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def serve_app(
    env: dict[str, str], log: Path, workers: int, threads: int, *, port: int | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """The VAE app under gunicorn, ``workers`` processes × ``threads`` threads (gthread), as the
    README deploys it: for the load test and the concurrency tests."""
    return serve(
        "vae:create_app()",
        env,
        log,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        "120",
        port=port,
    )


def wait_ready(process: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    """Until ``GET path`` answers 200; the server's log tail if it dies or takes over 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited:\n{log.read_text()[-3000:]}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} not ready after 60 s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one server: its process group (master and workers), TERM then KILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
