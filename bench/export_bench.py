"""Benchmark: the streamed queue exports of 100,000 dossiers, memory and completeness.

In a fresh process (``--child``: nothing of the seeding in its memory), signed in as an
officer (test client), each export is read chunk by chunk as a browser would; the growth of
that process's peak resident memory (``VmHWM`` of ``/proc/self/status``, reset through
``/proc/self/clear_refs`` before each export) is the memory the export needs, and its CPU time
(``time.process_time``) what it costs. Every data row is then counted. Run alone, it seeds its
own temporary SQLite base; ``bench/scale.py`` calls :func:`measure` on its 100,000-dossier base.

Prints::

    BENCH export_csv_100k_mem_mb <mb> MB      (goal: under 50)
    BENCH export_xlsx_100k_mem_mb <mb> MB     (goal: under 50)
    BENCH export_csv_100k_s <s> s             (wall clock)
    BENCH export_xlsx_100k_s <s> s
    BENCH export_csv_100k_cpu_s <s> s         (the exporting process's CPU)
    BENCH export_xlsx_100k_cpu_s <s> s
    BENCH export_rows_ok <1|0> bool           (every dossier in both files)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from http_bench import build_database, note, prepare, signed_in

from vae import create_app

DOSSIERS = 100_000
EXPORTS = {"csv": "/cpnefp/dossiers/export.csv", "xlsx": "/cpnefp/dossiers/export.xlsx"}
_NUMBER = re.compile(rb"VAE-\d{4}-\d{6}")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    """Bring the peak resident memory back to the current one (Linux 4.0 and later)."""
    Path("/proc/self/clear_refs").write_text("5")


def _count_rows(kind: str, path: Path) -> int:
    """Data rows of the downloaded file: dossier numbers, read back in pieces."""
    if kind == "csv":
        with path.open("rb") as data:
            return sum(len(_NUMBER.findall(line)) for line in data)
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 20):
            block = tail + chunk
            cut = len(block) - 32  # a number (15 bytes) starting before ends inside the block
            count += sum(1 for m in _NUMBER.finditer(block) if m.start() < cut)
            tail = block[cut:]
    return count + len(_NUMBER.findall(tail))


def measure(expected: int, email: str, password: str, label: str = "100k") -> bool:
    """Both exports in a child process (the environment of :func:`prepare` already set);
    prints their figures; True when every row is there."""
    child = [sys.executable, __file__, "--child", str(expected), email, password, label]
    return subprocess.run(child, check=False).returncode == 0


def _child(expected: int, email: str, password: str, label: str) -> bool:
    """The measures themselves, in this fresh process."""
    os.environ["VAE_LOG_LEVEL"] = "WARNING"
    client = signed_in(create_app(), email, password)
    client.get("/cpnefp/dossiers")  # imports and caches of a first page: not the export's
    folder = Path(tempfile.mkdtemp(prefix="vae-export-bench-"))
    complete = True
    try:
        for kind, url in EXPORTS.items():
            target = folder / f"dossiers.{kind}"
            _reset_peak()
            before = _status_kb("VmRSS")
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, buffered=False)
            with target.open("wb") as out:
                for chunk in response.response:
                    out.write(chunk)
            response.close()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            growth_mb = max(0, _status_kb("VmHWM") - before) / 1024
            rows = _count_rows(kind, target)
            complete &= response.status_code == 200 and rows == expected
            note(f"export {kind}: {rows}/{expected} rows, {target.stat().st_size >> 10} KB")
            print(f"BENCH export_{kind}_{label}_mem_mb {growth_mb:.1f} MB")
            print(f"BENCH export_{kind}_{label}_s {seconds:.1f} s")
            print(f"BENCH export_{kind}_{label}_cpu_s {cpu:.1f} s", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return complete


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        expected, email, password, label = sys.argv[2:6]
        return 0 if _child(int(expected), email, password, label) else 1
    tmp = Path(tempfile.mkdtemp(prefix="vae-bench-"))
    try:
        prepare(tmp)
        app = create_app()
        seeded = build_database(app, DOSSIERS, activities=1)
        # the draft of the bench candidate is not listed
        complete = measure(DOSSIERS, seeded.staff_email, seeded.password)
        print(f"BENCH export_rows_ok {int(complete)} bool", flush=True)
    finally:
        if os.environ.get("VAE_BENCH_KEEP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
