"""The storage backends of the configuration: ``STORAGE_BACKEND = local | s3``.

``local`` (the default): uploads in ``UPLOAD_FOLDER`` (``instance/uploads``), cached
certificates in ``PDF_CACHE_FOLDER`` (``instance/pdf-cache``). ``s3``: one bucket
(``S3_BUCKET``), under ``S3_PREFIX`` then ``uploads/`` and ``pdf-cache/``; endpoint, region and
credentials from ``S3_ENDPOINT_URL``, ``S3_REGION``, ``S3_ACCESS_KEY_ID`` and
``S3_SECRET_ACCESS_KEY`` (unset: boto3's own chain, an instance role for instance).
"""

from __future__ import annotations

import typing
from pathlib import Path

from flask import current_app

from vae.storage.backends import Backend, LocalBackend, S3Backend

UPLOADS_PREFIX = "uploads"
PDF_CACHE_PREFIX = "pdf-cache"
_S3_KEYS = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")


def upload_folder() -> Path:
    """The local upload folder (the ``local`` backend's, and ``storage migrate``'s source)."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def pdf_cache_folder() -> Path:
    """The local folder of cached certificates."""
    configured = current_app.config.get("PDF_CACHE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "pdf-cache"


def uses_s3() -> bool:
    return str(current_app.config.get("STORAGE_BACKEND") or "local").lower() == "s3"


def uploads() -> Backend:
    """Where uploads and the app's own documents (submissions, letters) are stored."""
    return s3(UPLOADS_PREFIX) if uses_s3() else LocalBackend(upload_folder())


def pdf_cache() -> Backend:
    """Where cached certificates are kept."""
    return s3(PDF_CACHE_PREFIX) if uses_s3() else LocalBackend(pdf_cache_folder())


def s3(sub_prefix: str) -> S3Backend:
    """The configured bucket, under ``S3_PREFIX/sub_prefix`` (one client per app and setting)."""
    config = current_app.config
    bucket = config.get("S3_BUCKET")
    if not bucket:
        raise RuntimeError("STORAGE_BACKEND = s3 demande S3_BUCKET (VAE_S3_BUCKET).")
    settings = tuple(str(config[key]) if config.get(key) else None for key in _S3_KEYS)
    clients: dict[tuple[typing.Any, ...], typing.Any] = current_app.extensions.setdefault(
        "vae_s3_clients", {}
    )
    if settings not in clients:
        import boto3

        endpoint, region, key_id, secret = settings
        clients[settings] = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
        )
    prefix = "/".join(p for p in (str(config.get("S3_PREFIX") or "").strip("/"), sub_prefix) if p)
    return S3Backend(clients[settings], str(bucket), prefix)
