"""Reading referential data files from disk: no database, no Flask."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError

from vae.referentials.schema import Referential

DATA_DIR = Path(__file__).parent / "data"


class ReferentialFileError(Exception):
    """A data file that cannot be read or does not match the schema; names file and field."""


def available_codes(data_dir: Path = DATA_DIR) -> list[str]:
    return sorted(p.stem for p in data_dir.glob("*.yaml"))


def path_for(code: str, data_dir: Path = DATA_DIR) -> Path:
    path = data_dir / f"{code}.yaml"
    if not path.is_file():
        known = ", ".join(available_codes(data_dir)) or "aucun"
        raise ReferentialFileError(f"référentiel inconnu : {code} (disponibles : {known})")
    return path


def read_file(path: Path) -> tuple[Referential, str]:
    """Parse and validate one data file; return it with the SHA-256 of its bytes."""
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ReferentialFileError(f"{path.name}: illisible ({exc})") from exc
    if not isinstance(data, dict):
        raise ReferentialFileError(f"{path.name}: le fichier doit décrire un objet")
    try:
        referential = Referential.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(racine)"
        raise ReferentialFileError(f"{path.name}: {where}: {first['msg']}") from exc
    if referential.certifier is None:
        raise ReferentialFileError(
            f"{path.name}: certifier: indiquez le certificateur (code et nom)"
        )
    if referential.code != path.stem:
        raise ReferentialFileError(
            f"{path.name}: code: « {referential.code} » ne correspond pas au nom du fichier"
        )
    return referential, hashlib.sha256(raw).hexdigest()


def read(code: str, data_dir: Path = DATA_DIR) -> Referential:
    return read_file(path_for(code, data_dir))[0]
