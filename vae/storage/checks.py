"""The type of an upload, always from its **content**, and the checks of each accepted type.

The type comes from the signature at offset 0 (:func:`sniff`); anything else — a renamed
``.exe`` (``MZ``), an ELF binary, a ZIP, a text file — is refused. In all three types no
embedded foreign file is allowed: a ZIP local-file header or end-of-central-directory record,
a PE executable (``MZ`` whose ``e_lfanew`` points at ``PE\\0\\0``: a bare ``MZ`` occurs by
chance in almost every photo, so it alone is not evidence), an ELF header, and in images a
``%PDF-`` header or an HTML ``<script``/``<html`` tag. The ZIP and ELF signatures are matched
with their next header fields (version, method, class…) so that compressed data does not trip
them by chance.

Why no sniffing library (``filetype``, ``puremagic``): they match shorter signatures (4 bytes
of PNG, any ``%PDF``, so ``%PDF-3.0`` would pass) and ``filetype`` has had no release since
2022; the three signatures below are exact and the real work is the structural checks.
"""

from __future__ import annotations

import re
import struct
import zlib

from vae.storage.errors import MSG_EMPTY, MSG_INVALID, MSG_TYPE, UploadRejected
from vae.storage.images import JPEG_SIGNATURE, PNG_SIGNATURE, check_jpeg, check_png
from vae.storage.pdf import check_pdf_content, check_pdf_structure

MAX_BYTES_DEFAULT = 10 * 1024 * 1024
ACCEPTED: dict[str, str] = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff(data: bytes) -> str | None:
    """The MIME type told by the signature at offset 0 (PDF, JPEG, PNG), else ``None``."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(JPEG_SIGNATURE):
        return "image/jpeg"
    if re.match(rb"%PDF-[12]\.\d", data):
        return "application/pdf"
    return None


def check(data: bytes, max_bytes: int = MAX_BYTES_DEFAULT) -> str:
    """Return the MIME type of ``data`` or raise :class:`UploadRejected` (see the module doc)."""
    if not data:
        raise UploadRejected(MSG_EMPTY)
    if len(data) > max_bytes:
        raise UploadRejected(f"Le fichier dépasse {format_size(max_bytes)}.")
    mime = sniff(data)
    if mime is None:
        raise UploadRejected(MSG_TYPE)
    try:
        if mime == "image/png":
            check_png(data)
        elif mime == "image/jpeg":
            check_jpeg(data)
        else:
            check_pdf_structure(data)
        check_no_embedded_file(data, image=mime != "application/pdf")
        if mime == "application/pdf":
            check_pdf_content(data)
    except UploadRejected:
        raise
    except (IndexError, struct.error, ValueError, zlib.error, MemoryError) as exc:
        # Fail closed: a parser surprise is a refusal, never a stored file.
        raise UploadRejected(MSG_INVALID) from exc
    return mime


def format_size(n: int) -> str:
    """``10 * 1024 * 1024`` → ``10 Mo``; ``1.5 MiB`` → ``1,5 Mo``; ``500 KiB`` → ``500 Ko``."""
    for unit, size in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if n >= size:
            value = n / size
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text}\u00a0{unit}"
    return f"{n}\u00a0octet" + ("s" if n > 1 else "")


_ZIP_METHODS = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99}
_EMBEDDED = re.compile(rb"PK\x03\x04|PK\x05\x06|MZ|\x7fELF|%PDF-|(?i:<script|<html)")


def check_no_embedded_file(data: bytes, *, image: bool) -> None:
    """Refuse another file format's header inside the file (see the module doc)."""
    for match in _EMBEDDED.finditer(data):
        sig = match.group()
        i = match.start()
        if sig == b"PK\x03\x04":
            hdr = data[i + 4 : i + 30]
            if len(hdr) == 26:
                version, _flags, method = struct.unpack_from("<HHH", hdr)
                if version <= 63 and method in _ZIP_METHODS:
                    raise UploadRejected(MSG_INVALID)
        elif sig == b"PK\x05\x06":
            if data[i + 4 : i + 8] == b"\x00\x00\x00\x00":  # this disk, central directory disk
                raise UploadRejected(MSG_INVALID)
        elif sig == b"MZ":
            if i + 64 <= len(data):
                (e_lfanew,) = struct.unpack_from("<I", data, i + 0x3C)
                pe = i + e_lfanew
                if 0x40 <= e_lfanew <= 4096 and data[pe : pe + 4] == b"PE\x00\x00":
                    raise UploadRejected(MSG_INVALID)
        elif sig == b"\x7fELF":
            if data[i + 4 : i + 5] in (b"\x01", b"\x02") and data[i + 5 : i + 7] in (
                b"\x01\x01",
                b"\x02\x01",
            ):
                raise UploadRejected(MSG_INVALID)
        elif image:  # %PDF-, <script, <html: meaningless (and harmless) inside a PDF
            raise UploadRejected(MSG_INVALID)
