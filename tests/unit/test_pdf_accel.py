"""ReportLab runs its C accelerator (rl-accel), not its pure-Python fallback."""

from __future__ import annotations

from reportlab.lib import rl_accel


def test_reportlab_uses_the_c_accelerator() -> None:
    assert rl_accel.fp_str.__module__ == "_rl_accel"
    assert rl_accel.fp_str(1.5, 2) == "1.5 2"
