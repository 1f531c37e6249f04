"""`make bench`: run every benchmark and print one line per figure.

Lines read ``BENCH <name> <value> <unit>`` or ``RATIO <name> <value>``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = ["eligibility.py", "dossier_pdf.py", "http_bench.py"]


def main() -> int:
    failed = 0
    for name in BENCHES:
        result = subprocess.run([sys.executable, str(HERE / name)], check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
