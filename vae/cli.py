"""Command-line interface: ``flask --app vae <group> <command>``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from vae.referentials import files as referential_files

referentials_cli = AppGroup("referentials", help="Référentiels de certification.")
users_cli = AppGroup("users", help="Comptes utilisateurs.")
eligibility_cli = AppGroup("eligibility", help="Calcul d'éligibilité (sans base de données).")
jury_cli = AppGroup("jury", help="Règle des 80 % du jury (sans base de données).")
reminders_cli = AppGroup("reminders", help="Rappels avant l'expiration des blocs acquis.")
storage_cli = AppGroup("storage", help="Dossier des pièces jointes.")
deadlines_cli = AppGroup("deadlines", help="Délai légal de deux mois (décisions implicites).")
accompaniment_cli = AppGroup("accompaniment", help="Accompagnateurs des candidats.")


def init_app(app: Flask) -> None:
    for group in (
        referentials_cli,
        users_cli,
        eligibility_cli,
        jury_cli,
        reminders_cli,
        storage_cli,
        deadlines_cli,
        accompaniment_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)


@referentials_cli.command("load")
def referentials_load() -> None:
    """Load every data file into the database (idempotent: unchanged files add nothing)."""
    from vae.referentials.operations import load_all

    try:
        outcomes = load_all()
    except referential_files.ReferentialFileError as error:
        raise click.ClickException(str(error)) from error
    for outcome in outcomes:
        state = "nouvelle version" if outcome.created else "inchangé"
        click.echo(f"{outcome.code}: v{outcome.version} ({state})")


@referentials_cli.command("show", with_appcontext=False)
@click.argument("code")
def referentials_show(code: str) -> None:
    """Print a referential as JSON, straight from its data file (no database)."""
    try:
        referential = referential_files.read(code)
    except referential_files.ReferentialFileError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(referential.model_dump(mode="json"), ensure_ascii=False, indent=2))


@users_cli.command("create")
@click.option(
    "--role",
    type=click.Choice(["candidate", "staff", "jury", "admin"]),
    required=True,
    help="Rôle du compte.",
)
@click.option("--first-name", default="", help="Prénom.")
@click.option("--last-name", default="", help="Nom.")
@click.option(
    "--password",
    default=None,
    help="Mot de passe ; sans cette option, un lien pour le choisir est envoyé par courriel.",
)
@click.argument("email")
def users_create(
    role: str, first_name: str, last_name: str, password: str | None, email: str
) -> None:
    """Create an account (confirmed) for EMAIL with ROLE."""
    from vae.auth import operations
    from vae.roles import Role

    try:
        user = operations.create_account(
            email, first_name or email.split("@")[0], last_name, Role(role), password
        )
    except operations.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Compte créé : {user.email} ({user.role.label})")
    if password is None:
        click.echo("Un lien pour choisir le mot de passe a été envoyé par courriel.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo accounts and dossiers at every stage (once), print who sees what.

    Passwords are random, kept in ``instance/demo-accounts.json`` (never in the repository).
    """
    from vae import demo

    click.echo(f"Service disponible sur {current_app.config['PUBLIC_URL']}")
    for line in demo.run():
        click.echo(line)


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"(input): cannot read {source}: {error}")
    raise AssertionError("unreachable")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


@eligibility_cli.command("check", with_appcontext=False)
@click.argument("source", metavar="FILE")
def eligibility_check(source: str) -> None:
    """Assess eligibility from a JSON file (``-`` for standard input); prints JSON."""
    from vae.rules.eligibility import Rule
    from vae.rules.eligibility_json import EligibilityInputError, check

    def rule_for(code: str) -> Rule:
        try:
            referential = referential_files.read(code)
        except referential_files.ReferentialFileError as error:
            raise LookupError(str(error)) from error
        return Rule(
            required_years=referential.eligibility.required_years or 0,
            window_years=referential.eligibility.window_years,
        )

    text = _read_input(source)
    try:
        result: Any = check(text, rule_for_certification=rule_for, today=date.today())
    except EligibilityInputError as error:
        _fail(str(error))
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@jury_cli.command("evaluate", with_appcontext=False)
@click.argument("source", metavar="FILE")
def jury_evaluate(source: str) -> None:
    """Apply the 80 % rule to one block's grid from JSON (``-`` for standard input)."""
    from vae.rules.jury import JuryInputError, evaluate_json

    text = _read_input(source)
    try:
        result = evaluate_json(text)
    except JuryInputError as error:
        _fail(str(error))
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@reminders_cli.command("send")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date du jour (aaaa-mm-jj), pour rattraper un envoi ; par défaut aujourd'hui.",
)
def reminders_send(today: Any) -> None:
    """Email candidates 6 months and 1 month before a block expires, and about a draft idle for
    60 days or a livret 2 idle for 90 days (idempotent, cron-friendly)."""
    from vae import clock
    from vae.dossier.inactivity import send_draft_reminders
    from vae.jury.capitalisation import send_reminders
    from vae.livret2.inactivity import send_livret2_reminders

    day = today.date() if today else clock.today()
    sent = send_reminders(day)
    for block, threshold in sent:
        click.echo(
            # The account id, not the address: cron mails this output and keeps it in logs.
            f"compte {block.candidate_id} : {block.block_code} valable jusqu'au "
            f"{block.valid_until} (rappel {threshold})"
        )
    click.echo(f"{len(sent)} rappel(s) envoyé(s).")
    for label, idle in (
        ("brouillon inactif", send_draft_reminders(day)),
        ("livret 2 inactif", send_livret2_reminders(day)),
    ):
        for dossier in idle:
            click.echo(f"compte {dossier.candidate_id} : dossier {dossier.id}, {label}")
        click.echo(f"{len(idle)} rappel(s) de {label} envoyé(s).")


@storage_cli.command("check")
@click.option(
    "--fix", is_flag=True, help="Supprime les fichiers sans ligne et les fichiers temporaires."
)
@click.option(
    "--older-than",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    metavar="MINUTES",
    help="Ignore les fichiers plus récents (un envoi peut être en cours).",
)
def storage_check(fix: bool, older_than: int) -> None:
    """List files no row references and leftover temporary files (``--fix`` removes them),
    and rows whose file is missing; exit code 1 when something is left to deal with."""
    from vae.backup import check_storage

    if not check_storage(fix=fix, older_than_s=older_than * 60):
        sys.exit(1)


@storage_cli.command("migrate")
def storage_migrate() -> None:
    """Copy the local upload folder into the S3 bucket (S3_BUCKET…) and verify each file's
    SHA-256; safe to run again; exit code 1 when a file could not be copied."""
    from vae.backup.migrate import migrate_to_s3

    if not migrate_to_s3().ok:
        sys.exit(1)


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Back up the database and the uploaded files into DEST (new or empty directory)."""
    from vae.backup import create_backup

    create_backup(dest)


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Restore the backup in SRC into this instance, which must be empty; then verify it."""
    from vae.backup import restore_backup

    restore_backup(src)


@deadlines_cli.command("run")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date du jour (AAAA-MM-JJ) ; par défaut, aujourd'hui à Paris.",
)
def deadlines_run(today: Any) -> None:
    """Implicit decisions past the due date, staff digests; idempotent (daily by cron)."""
    from vae.dossier import lifecycle
    from vae.review.deadlines import run

    day = today.date() if today else None
    report = run(day)
    click.echo(f"Décisions implicites : {len(report.implicit)}")
    for number in report.implicit:
        click.echo(f"  {number}")
    click.echo(f"Récapitulatifs envoyés : {len(report.digests)}")
    close = getattr(lifecycle, "close_after_proclamation", None)
    if close is not None:
        from vae import clock

        click.echo(f"Dossiers clos : {close(day or clock.today())}")


@accompaniment_cli.command("digest")
def accompaniment_digest() -> None:
    """Email each candidate the day's changes of their accompagnateurs (idempotent per day)."""
    from vae.accompaniment.digest import send_digests

    told = send_digests()
    for dossier in told:
        # The account id, not the address: cron mails this output and keeps it in logs.
        click.echo(f"compte {dossier.candidate_id} : dossier {dossier.id}")
    click.echo(f"{len(told)} récapitulatif(s) envoyé(s).")


@click.command("worker")
@click.option("--once", is_flag=True, help="Un seul passage, puis s'arrêter.")
@click.option("--interval", default=5.0, show_default=True, help="Secondes entre deux passages.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Deliver the outbox's emails and the due webhooks, with retries, in a loop or once."""
    from vae import outbox

    emails, hooks = outbox.run(once, interval)
    click.echo(f"Courriels tentés : {emails} ; notifications tentées : {hooks}")
