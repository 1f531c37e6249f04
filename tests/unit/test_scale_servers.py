"""``make scale``'s generated haproxy configuration (bench/scale_servers.py): haproxy accepts it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def scale_servers():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import scale_servers

        yield scale_servers
    finally:
        sys.path.remove(str(BENCH))


def test_haproxy_config_balances_both_servers_with_health_checks(scale_servers, tmp_path):  # type: ignore[no-untyped-def]
    config = scale_servers.haproxy_config(8080, {"s1": 8001, "s2": 8002}, tmp_path / "h.sock")
    assert "balance roundrobin" in config
    assert "option forwardfor" in config
    assert "http-check send meth GET uri /sante ver HTTP/1.1 hdr Host 127.0.0.1" in config
    assert "server s1 127.0.0.1:8001 check" in config
    assert "server s2 127.0.0.1:8002 check" in config
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.skip("haproxy is not installed (scripts/system-deps)")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
