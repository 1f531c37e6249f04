"""The login limiter shared by several app servers through Redis (VAE_RATELIMIT_STORAGE_URI).

Each app server is a process of its own (the limiter is one object per process): two
processes run failed logins against a throwaway ``redis-server`` on loopback.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_SERVER = """
import json, sys
from pathlib import Path
from tests.conftest import test_settings
from tests.helpers import login
from vae import create_app

instance, database_url, storage, count = sys.argv[1:5]
app = create_app({**test_settings(Path(instance), database_url), "RATELIMIT_STORAGE_URI": storage})
client = app.test_client()
codes = [login(client, "personne@exemple.fr", "pas le bon").status_code for _ in range(int(count))]
print("STATUSES " + json.dumps(codes))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway Redis on loopback, nothing written to disk; stopped after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is missing (Debian package redis-server, scripts/system-deps)")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _app_server(instance_dir: Path, database_url: str, storage: str, count: int) -> list[int]:
    """Run ``count`` failed logins in a new app server process; their HTTP statuses."""
    done = subprocess.run(
        [sys.executable, "-c", APP_SERVER, str(instance_dir), database_url, storage, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("STATUSES ")]
    return json.loads(line.removeprefix("STATUSES "))


def test_failed_logins_on_two_app_servers_share_one_limit(
    app, instance_dir, database_url, redis_url
):
    assert app.config["RATELIMIT_LOGIN"].startswith("10 per minute")
    first = _app_server(instance_dir, database_url, redis_url, 5)
    second = _app_server(instance_dir, database_url, redis_url, 6)
    assert first == [200] * 5
    assert second == [200] * 5 + [429]  # the 11th failure, counted across both servers
    alone = _app_server(instance_dir, database_url, "memory://", 6)
    assert alone == [200] * 6  # in each process's memory, the servers count apart
