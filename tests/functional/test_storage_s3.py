"""The S3 backend against a real S3-compatible server on loopback (tests/functional/s3.py).

No real object store is reachable from here: moto speaks the S3 protocol over HTTP on
127.0.0.1, and the app talks to it through boto3 exactly as it would to a provider.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.s3 import objects
from tests.helpers import make_pdf, submit
from vae import storage
from vae.dossier.models import Attachment
from vae.extensions import db


def local_files(app) -> set[str]:
    from pathlib import Path

    root = Path(app.config["UPLOAD_FOLDER"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_uploads_go_to_the_bucket_with_their_sha256_and_are_served_from_it(
    app, candidate, on_s3
) -> None:
    client, name = on_s3
    before = local_files(app)
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    stored = objects(client, name)
    assert len(stored) == 3  # two attestations and the submitted PDF
    assert local_files(app) == before  # nothing on the app server's disk
    with app.app_context():
        attachments = list(db.session.scalars(select(Attachment)))
    for attachment in attachments:
        key = f"{attachment.stored_name[:2]}/{attachment.stored_name}"
        assert hashlib.sha256(stored[key]).hexdigest() == attachment.sha256
        head = client.head_object(Bucket=name, Key=f"vae-test/uploads/{key}")
        assert head["Metadata"]["sha256"] == attachment.sha256
        response = candidate.get(url(dossier_id, f"pieces/{attachment.id}"))
        assert response.status_code == 200 and response.data == stored[key]
        assert response.headers["Content-Length"] == str(len(stored[key]))
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "no-store" in response.headers["Cache-Control"]


def test_a_removed_upload_leaves_the_bucket(app, candidate, on_s3) -> None:
    client, name = on_s3
    dossier_id = complete_dossier(candidate)
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
    assert len(objects(client, name)) == 2
    response = submit(
        candidate,
        url(dossier_id, f"pieces/{attachment.id}/supprimer"),
        {},
        page=url(dossier_id, "pieces"),
    )
    assert response.status_code == 302
    assert storage.key_of(attachment.stored_name) not in objects(client, name)
    assert len(objects(client, name)) == 1


def test_a_corrupted_object_is_refused_on_read_and_found_by_storage_check(
    app, candidate, on_s3
) -> None:
    client, name = on_s3
    dossier_id = complete_dossier(candidate)
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        key = storage.key_of(attachment.stored_name)
        backend = storage.uploads()
        assert backend.read(key) == objects(client, name)[key]
    assert app.test_cli_runner().invoke(args=["storage", "check"]).exit_code == 0
    head = client.head_object(Bucket=name, Key=f"vae-test/uploads/{key}")
    client.put_object(  # same metadata, other bytes: what bit rot or a bad copy would leave
        Bucket=name,
        Key=f"vae-test/uploads/{key}",
        Body=b"%PDF-1.7 autre",
        Metadata=head["Metadata"],
    )
    with app.app_context(), pytest.raises(storage.CorruptObject):
        storage.uploads().read(key)
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 1, result.output
    assert (
        f"fichier altéré (empreinte SHA-256 différente de la base) : {attachment.stored_name}"
        in (result.output)
    )
    assert candidate.get(url(dossier_id, f"pieces/{attachment.id}")).status_code == 200


def test_storage_check_lists_and_removes_orphans_in_the_bucket(app, candidate, on_s3) -> None:
    client, name = on_s3
    complete_dossier(candidate)
    with app.app_context():
        orphan = storage.store(io.BytesIO(make_pdf()), "perdu.pdf", storage.uploads())
    relative = storage.key_of(orphan.stored_name)
    result = app.test_cli_runner().invoke(args=["storage", "check", "--older-than", "0"])
    assert result.exit_code == 1, result.output
    assert f"fichier sans ligne dans la base : {relative}" in result.output
    assert "s3://" in result.output
    result = app.test_cli_runner().invoke(args=["storage", "check", "--older-than", "0", "--fix"])
    assert result.exit_code == 0 and "1 fichier(s) supprimé(s)." in result.output
    assert relative not in objects(client, name) and len(objects(client, name)) == 2


def test_migrate_copies_local_files_to_the_bucket_verified_and_can_run_again(
    app, candidate, bucket
) -> None:
    client, name = bucket
    dossier_id = complete_dossier(candidate)  # stored locally (STORAGE_BACKEND is local)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        orphan = storage.store(io.BytesIO(make_pdf()), "perdu.pdf", storage.uploads())
        local = storage.uploads()
        rows = {a.stored_name: a.sha256 for a in db.session.scalars(select(Attachment))}
        # Earlier tests of the session may have left files of their own in the shared folder:
        # every file but the 3 this dossier's rows name is one « que la base ne cite pas ».
        unreferenced = sum(1 for _ in local.iter_names()) - 3
    assert objects(client, name) == {} and unreferenced >= 1

    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 0, result.output
    assert "3 fichier(s) copié(s) et vérifié(s) (SHA-256)" in result.output
    assert f"{unreferenced} fichier(s) que la base ne cite pas, non copié(s)" in result.output
    copied = objects(client, name)
    assert storage.key_of(orphan.stored_name) not in copied and len(copied) == 3
    for stored_name, sha256 in rows.items():
        key = storage.key_of(stored_name)
        assert copied[key] == local.read(key) and hashlib.sha256(copied[key]).hexdigest() == sha256

    again = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert again.exit_code == 0, again.output
    assert "0 fichier(s) copié(s)" in again.output
    assert "3 fichier(s) déjà présent(s) avec la même empreinte" in again.output

    first = next(iter(rows))  # a local file altered meanwhile is refused, never copied
    client.delete_object(Bucket=name, Key=f"vae-test/uploads/{storage.key_of(first)}")
    storage.path_of(local.folder, first).write_bytes(make_pdf("Autre attestation"))
    broken = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert broken.exit_code == 1
    assert f"erreur : {first} : fichier local altéré (SHA-256 différent de la base)" in (
        broken.output
    )
    assert storage.key_of(first) not in objects(client, name)
    for stored_name in (first, orphan.stored_name):  # no altered file left for other tests
        storage.path_of(local.folder, stored_name).unlink()


def test_migrate_without_a_bucket_says_so(app, candidate) -> None:
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 1
    assert "S3_BUCKET" in result.output


def test_backup_reads_the_bucket(app, candidate, on_s3, tmp_path) -> None:
    client, name = on_s3
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    dest = tmp_path / "sauvegarde"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((dest / "manifest.json").read_text())
    stored = objects(client, name)
    assert manifest["uploads"]["files"] == {
        key: hashlib.sha256(data).hexdigest() for key, data in stored.items()
    }
    for key, data in stored.items():
        assert (dest / "uploads" / key).read_bytes() == data


def test_restore_writes_into_an_empty_bucket_and_verifies(app, on_s3, tmp_path) -> None:
    from vae.backup.files import load_uploads
    from vae.backup.restore import verify_restored

    client, name = on_s3
    source = tmp_path / "uploads"
    data = make_pdf()
    relative = storage.key_of(uuid.uuid4().hex + ".pdf")
    (source / relative).parent.mkdir(parents=True)
    (source / relative).write_bytes(data)
    manifest = {"uploads": {"files": {relative: hashlib.sha256(data).hexdigest()}}}
    with app.app_context():
        load_uploads(source, storage.uploads())
        problems = verify_restored(
            {**manifest, "row_counts": {}, "alembic_revision": None}, storage.uploads()
        )
    assert objects(client, name) == {relative: data}
    assert not any(relative in p for p in problems)


def test_certificates_cache_and_erasure_in_the_bucket(app, on_s3) -> None:
    from vae.storage import pdf_cache

    client, name = on_s3
    holder = uuid.uuid4()
    built: list[int] = []

    def build(data: dict[str, Any]) -> bytes:
        built.append(1)
        return make_pdf(data["name"])

    with app.app_context():
        first = pdf_cache.cached_pdf(holder, {"name": "Lucas Martin"}, build)
        assert pdf_cache.cached_pdf(holder, {"name": "Lucas Martin"}, build) == first
        assert len(built) == 1
        assert len(objects(client, name, "vae-test/pdf-cache/")) == 1
        pdf_cache.erase(holder)
    assert objects(client, name, "vae-test/pdf-cache/") == {}


def test_erasing_drafts_removes_their_objects(app, candidate, on_s3) -> None:
    client, name = on_s3
    complete_dossier(candidate)
    assert len(objects(client, name)) == 2
    response = submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte")
    assert response.status_code == 302
    assert objects(client, name) == {}
