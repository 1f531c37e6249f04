"""``flask storage check``: what the upload folder holds that no row explains."""

from __future__ import annotations

import click

from vae import storage
from vae.backup.database import stored_references
from vae.backup.files import Echo
from vae.dossier.operations import upload_folder
from vae.extensions import db


def check_storage(*, fix: bool, older_than_s: float, echo: Echo = click.echo) -> bool:
    """Report (and with ``fix`` remove) what the upload folder holds that no row explains.

    Returns whether the instance is consistent afterwards: nothing left to remove, no
    unexpected file and no row whose file is missing (those are reported, never fixed).
    """
    folder = upload_folder()
    references: dict[str, str] = {}

    def referenced() -> set[str]:
        with db.engine.connect() as connection:
            references.update(stored_references(connection))
        return set(references)

    found = storage.survey(folder, referenced, older_than_s=older_than_s)
    minutes = f"{older_than_s / 60:g}".replace(".", ",")
    echo(f"Dossier des pièces jointes : {folder} (fichiers de plus de {minutes} min)")
    report(found, echo, references)
    removed = 0
    if fix:
        for relative in found.removable:
            (folder / relative).unlink(missing_ok=True)
            removed += 1
        echo(f"{removed} fichier(s) supprimé(s).")
    consistent = not (found.unexpected or found.missing) and (fix or not found.removable)
    if found.clean:
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
