"""PDF checks on the raw bytes: structure (trailing data, polyglots) and active content.

* ``%%EOF`` in the last 1024 bytes; after the last ``%%EOF`` only PDF white space (space, tab,
  CR, LF, FF, NUL) is tolerated; after any earlier ``%%EOF`` (incremental updates) the next part
  must not start with another format's header (ZIP, PE, ELF, PNG, JPEG, gzip, RAR, 7z, PDF);
* active content: the raw bytes are scanned for the names ``/JavaScript``, ``/JS``,
  ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia`` and ``/XFA`` (``#xx`` escapes decoded
  first), compressed object streams inflated (bounded) and scanned too; ``/Encrypt`` refused.

Why not pypdf: it repairs broken files and reads only the objects reachable from the trailer,
so it would accept trailing data and miss names in unreferenced objects that a viewer's own
repair may still pick up; a scan of every byte refuses more, which is what an upload needs.
"""

from __future__ import annotations

import re
import typing
import zlib

from vae.storage.errors import MSG_ACTIVE, MSG_ENCRYPTED, MSG_INVALID, UploadRejected
from vae.storage.images import JPEG_SIGNATURE, PNG_SIGNATURE

_PDF_WHITESPACE = b" \t\r\n\x0c\x00"
_PDF_EOF = re.compile(rb"%%EOF[ \t\r\n\x0c\x00]*")
_FOREIGN_HEADERS = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"MZ",
    b"\x7fELF",
    PNG_SIGNATURE,
    JPEG_SIGNATURE,
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"%PDF-",
)


def check_pdf_structure(data: bytes) -> None:
    """Refuse data after the last ``%%EOF`` and a foreign file between two revisions."""
    last = data.rfind(b"%%EOF")
    if last < 0 or last < len(data) - 1024:
        raise UploadRejected(MSG_INVALID)
    if data[last + 5 :].strip(_PDF_WHITESPACE):
        raise UploadRejected(MSG_INVALID)  # something appended after the final %%EOF
    for match in _PDF_EOF.finditer(data, 0, last):
        if data.startswith(_FOREIGN_HEADERS, match.end()):
            raise UploadRejected(MSG_INVALID)  # another file between two revisions


_DELIM = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_PDF_ESCAPED_NAME = re.compile(rb"/[^" + _DELIM + rb"#]*#[^" + _DELIM + rb"]*")
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![^" + _DELIM + rb"])"
)
_PDF_ENCRYPT = re.compile(rb"/Encrypt(?![^" + _DELIM + rb"])")
_PDF_STREAM = re.compile(rb"\bstream\r?\n")
_PDF_OBJSTM = re.compile(rb"/(?:ObjStm|First)(?![^" + _DELIM + rb"])")
_PDF_OBJ = re.compile(rb"(?<!\d)\d{1,10}\s+\d{1,5}\s+obj\b")
_PDF_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^" + _DELIM + rb"]*)")
_OBJSTM_INFLATE_LIMIT = 32 * 1024 * 1024
"""Total inflated size of the object streams scanned for one file (bomb guard)."""
_OBJSTM_MAX_COUNT = 2_000
"""Most object streams in one file (each holds up to a few hundred objects; CPU guard)."""


def _normalise_names(data: bytes) -> bytes:
    """Decode ``#xx`` escapes inside PDF names, so ``/J#61vaScript`` reads ``/JavaScript``."""

    def decode(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group())

    return _PDF_ESCAPED_NAME.sub(decode, data)


def check_pdf_content(data: bytes) -> None:
    """Refuse an encrypted PDF and one with active content, object streams included."""
    plain = _normalise_names(data)
    if _PDF_ENCRYPT.search(plain):
        raise UploadRejected(MSG_ENCRYPTED)
    if _PDF_ACTIVE.search(plain):
        raise UploadRejected(MSG_ACTIVE)
    for content in _compressed_object_streams(data, _OBJSTM_INFLATE_LIMIT):
        if _PDF_ACTIVE.search(_normalise_names(content)):
            raise UploadRejected(MSG_ACTIVE)


def _compressed_object_streams(data: bytes, limit: int) -> typing.Iterator[bytes]:
    """Yield the inflated content of each compressed object stream (``/Type /ObjStm``).

    This is a scan, not a PDF parser. A stream's dictionary is taken as the text between the
    last ``N G obj`` (or the previous ``stream`` keyword) and its ``stream`` keyword, so the
    heads are disjoint and the work stays linear. A head naming ``/ObjStm`` or ``/First`` (which
    an object stream needs even when ``/Type`` is left out) marks a candidate. Its zlib data is
    inflated from the ``stream`` keyword until the deflate stream ends by itself (``/Length``
    may be indirect, and ``endstream`` may occur inside compressed bytes). An uncompressed object
    stream is already covered by the raw scan. Any filter other than a single ``/FlateDecode``,
    or a predictor, is refused as invalid: we could not inspect the content; so are more than
    :data:`_OBJSTM_MAX_COUNT` object streams or more than :data:`_OBJSTM_INFLATE_LIMIT` bytes
    of inflated objects.
    """
    view = memoryview(data)
    boundary = 0
    obj_ends = [m.end() for m in _PDF_OBJ.finditer(data)]
    next_obj = 0
    candidates = 0
    for stream in _PDF_STREAM.finditer(data):
        while next_obj < len(obj_ends) and obj_ends[next_obj] <= stream.start():
            boundary = max(boundary, obj_ends[next_obj])
            next_obj += 1
        head = data[boundary : stream.start()]
        boundary = stream.end()
        if b"#" in head:
            head = _normalise_names(head)
        if not _PDF_OBJSTM.search(head):
            continue
        candidates += 1
        if candidates > _OBJSTM_MAX_COUNT:
            raise UploadRejected(MSG_INVALID)
        filters = _PDF_FILTER.search(head)
        if filters is None:
            continue
        names = re.findall(rb"/([^" + _DELIM + rb"]*)", filters.group(1))
        if names != [b"FlateDecode"] or re.search(rb"/Predictor\s*(?!1\b)\d", head):
            raise UploadRejected(MSG_INVALID)
        out = zlib.decompressobj().decompress(view[stream.end() :], limit + 1)
        limit -= len(out)
        if limit < 0:  # the budget is for all the object streams of the file together
            raise UploadRejected(MSG_INVALID)
        yield out
