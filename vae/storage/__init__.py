"""Safe storage of uploaded evidence (attestations, payslips): PDF, JPEG and PNG only.

No database here: the caller passes the storage (:func:`uploads`, the configured backend of
:mod:`vae.storage.backends`: a folder outside ``static/`` or an S3 bucket) and the limit,
and records the returned :class:`StoredFile` (random stored name, sanitised display name, type,
size, SHA-256).

What is checked, always on the **content** (never the client's file name or MIME type):

* empty file → refused; more than ``max_bytes`` → refused (:func:`store` reads at most
  ``max_bytes + 1`` bytes, never the whole stream);
* the type comes from the signature at offset 0 (:mod:`vae.storage.checks`); anything else is
  refused;
* each accepted type is then parsed as a whole, so that a second file cannot hide after or
  inside it (polyglots): :mod:`vae.storage.images` (PNG, JPEG, decompression bombs) and
  :mod:`vae.storage.pdf` (trailing data, revisions, active content, encryption);
* no embedded foreign file (ZIP, PE, ELF; in images a PDF or HTML) in any of them.

Files are written atomically (:mod:`vae.storage.files`) under a random name; their display
name is sanitised (:mod:`vae.storage.names`); :func:`survey` (:mod:`vae.storage.orphans`)
compares a folder with the stored names the database references.
"""

from __future__ import annotations

from vae.storage.backends import Backend, CorruptObject, Entry, LocalBackend, S3Backend
from vae.storage.checks import ACCEPTED, MAX_BYTES_DEFAULT, check, format_size, sniff
from vae.storage.configured import pdf_cache_folder, upload_folder, uploads
from vae.storage.errors import (
    MSG_ACTIVE,
    MSG_EMPTY,
    MSG_ENCRYPTED,
    MSG_INVALID,
    MSG_TYPE,
    UploadRejected,
)
from vae.storage.files import (
    STORED_NAME,
    TEMPORARY_NAME,
    StoredFile,
    as_backend,
    delete,
    key_of,
    path_of,
    read,
    removed_on_failure,
    store,
    store_document,
)
from vae.storage.images import JPEG_MAX_PADDING, MAX_PIXELS
from vae.storage.names import DISPLAY_NAME_FALLBACK, DISPLAY_NAME_MAX, display_name
from vae.storage.orphans import ORPHAN_AGE_S, Survey, survey
from vae.storage.serve import stored_response

_format_size = format_size  # the name the unit tests know

__all__ = [
    "ACCEPTED",
    "DISPLAY_NAME_FALLBACK",
    "DISPLAY_NAME_MAX",
    "JPEG_MAX_PADDING",
    "MAX_BYTES_DEFAULT",
    "MAX_PIXELS",
    "MSG_ACTIVE",
    "MSG_EMPTY",
    "MSG_ENCRYPTED",
    "MSG_INVALID",
    "MSG_TYPE",
    "ORPHAN_AGE_S",
    "STORED_NAME",
    "TEMPORARY_NAME",
    "Backend",
    "CorruptObject",
    "Entry",
    "LocalBackend",
    "S3Backend",
    "StoredFile",
    "Survey",
    "UploadRejected",
    "as_backend",
    "check",
    "delete",
    "display_name",
    "format_size",
    "key_of",
    "path_of",
    "pdf_cache_folder",
    "read",
    "removed_on_failure",
    "sniff",
    "store",
    "store_document",
    "stored_response",
    "survey",
    "upload_folder",
    "uploads",
]
