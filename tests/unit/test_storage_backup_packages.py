"""vae.storage and vae.backup are packages of short modules; callers keep their names."""

from __future__ import annotations

from pathlib import Path

import pytest

import vae

ROOT = Path(vae.__file__).parent


@pytest.mark.parametrize("package", ["storage", "backup"])
def test_package_modules_are_at_most_400_lines(package: str) -> None:
    folder = ROOT / package
    assert (folder / "__init__.py").is_file() and not (ROOT / f"{package}.py").exists()
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert len(sizes) >= 4
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_public_names_are_still_reached_through_the_package() -> None:
    from vae import backup, storage

    for name in storage.__all__:
        assert getattr(storage, name) is not None
    for name in ("store", "check", "survey", "Survey", "path_of", "removed_on_failure"):
        assert name in storage.__all__
    for name in backup.__all__:
        assert callable(getattr(backup, name))
