"""``flask storage migrate``: copy the local upload folder into the S3 bucket, verified.

Only the files the database refers to are copied (an orphan stays behind, as in a backup).
Each file's bytes must match the SHA-256 of its row before it is sent; an object already in the
bucket with that SHA-256 is skipped (the command can be run again after an interruption), and
every copied object is read back and checked. The local folder is never modified.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import click

from vae import storage
from vae.backup.database import stored_hashes, stored_references
from vae.backup.files import Echo
from vae.extensions import db
from vae.storage.configured import UPLOADS_PREFIX, s3


@dataclass
class Migration:
    """What ``storage migrate`` did, name by name."""

    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def migrate_to_s3(echo: Echo = click.echo) -> Migration:
    """Copy every referenced local file into the configured bucket and verify it."""
    source = storage.LocalBackend(storage.upload_folder())
    try:
        target = s3(UPLOADS_PREFIX)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    with db.engine.connect() as connection:
        references = stored_references(connection)
        expected = stored_hashes(connection)
    done = Migration()
    for name in sorted(references):
        key = storage.key_of(name)
        want = expected.get(name)
        try:
            data = source.read(key)
        except FileNotFoundError:
            done.problems.append(f"{name} : fichier local introuvable")
            continue
        if hashlib.sha256(data).hexdigest() != want:
            done.problems.append(f"{name} : fichier local altéré (SHA-256 différent de la base)")
            continue
        if target.recorded_sha256(key) == want:
            done.present.append(name)
            continue
        target.put(key, data, want)
        try:
            copied = target.read(key)  # checked against the metadata: CorruptObject otherwise
        except (FileNotFoundError, storage.CorruptObject):
            copied = b""
        if hashlib.sha256(copied).hexdigest() != want:
            done.problems.append(f"{name} : la copie dans le compartiment ne correspond pas")
            continue
        done.copied.append(name)
    left = sum(1 for e in source.iter_names() if e.key.rsplit("/", 1)[-1] not in references)
    echo(f"Copie de {source.describe()} vers {target.describe()}")
    echo(f"  {len(done.copied)} fichier(s) copié(s) et vérifié(s) (SHA-256)")
    echo(f"  {len(done.present)} fichier(s) déjà présent(s) avec la même empreinte")
    if left:
        echo(f"  {left} fichier(s) que la base ne cite pas, non copié(s)")
    for problem in done.problems:
        echo(f"  erreur : {problem}")
    if done.ok:
        echo(
            "Migration terminée : réglez VAE_STORAGE_BACKEND=s3 puis redémarrez les serveurs "
            "d'application."
        )
    else:
        echo(
            f"{len(done.problems)} fichier(s) en erreur (code de sortie 1) : "
            "relancez après correction."
        )
    return done
