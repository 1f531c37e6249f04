"""``flask storage check``: what the upload storage holds that no row explains, what rows name
that it lacks, and every stored file whose bytes differ from the SHA-256 its row recorded."""

from __future__ import annotations

import click

from vae import storage
from vae.backup.database import stored_hashes, stored_references
from vae.backup.files import Echo
from vae.extensions import db
from vae.storage.backends import Backend, sha256_of


def check_storage(*, fix: bool, older_than_s: float, echo: Echo = click.echo) -> bool:
    """Report (and with ``fix`` remove) what the upload folder holds that no row explains.

    Returns whether the instance is consistent afterwards: nothing left to remove, no
    unexpected file and no row whose file is missing (those are reported, never fixed).
    """
    backend = storage.uploads()
    references: dict[str, str] = {}

    def referenced() -> set[str]:
        with db.engine.connect() as connection:
            references.update(stored_references(connection))
        return set(references)

    found = storage.survey(backend, referenced, older_than_s=older_than_s)
    minutes = f"{older_than_s / 60:g}".replace(".", ",")
    echo(f"Dossier des pièces jointes : {backend.describe()} (fichiers de plus de {minutes} min)")
    report(found, echo, references)
    altered = altered_files(backend, set(references) - set(found.missing))
    for name in altered:
        echo(f"  fichier altéré (empreinte SHA-256 différente de la base) : {name}")
    removed = 0
    if fix:
        for relative in found.removable:
            backend.delete(relative)
            removed += 1
        echo(f"{removed} fichier(s) supprimé(s).")
    consistent = not (found.unexpected or found.missing or altered) and (fix or not found.removable)
    if found.clean and not altered:
        echo("Rien à signaler.")
    elif not consistent:
        echo("Des écarts restent à traiter (code de sortie 1).")
    return consistent


def report(found: storage.Survey, echo: Echo, references: dict[str, str] | None = None) -> None:
    """One line per file no row explains and per row whose file is missing."""
    for relative in found.orphans:
        echo(f"  fichier sans ligne dans la base : {relative}")
    for relative in found.leftovers:
        echo(f"  fichier temporaire abandonné : {relative}")
    for relative in found.unexpected:
        echo(f"  fichier inattendu (jamais supprimé) : {relative}")
    for name in found.missing:
        where = f" (cité par {references[name]})" if references and name in references else ""
        echo(f"  fichier introuvable{where} : {name}")


def altered_files(backend: Backend, names: set[str]) -> list[str]:
    """The stored files among ``names`` whose bytes (or, in S3, recorded SHA-256) differ from
    the SHA-256 of their row; each file is read whole."""
    with db.engine.connect() as connection:
        expected = stored_hashes(connection)
    altered = []
    for name in sorted(names):
        want = expected.get(name)
        if want is None or not storage.STORED_NAME.fullmatch(name):
            continue
        key = storage.key_of(name)
        try:
            recorded = backend.recorded_sha256(key)
            actual = sha256_of(backend, key)
        except FileNotFoundError:  # removed meanwhile
            continue
        if actual != want or recorded not in {None, want}:
            altered.append(name)
    return altered
