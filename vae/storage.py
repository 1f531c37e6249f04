"""Safe storage of uploaded evidence (attestations, payslips): PDF, JPEG and PNG only.

No Flask and no database here: the caller passes the folder (outside ``static/``) and the limit,
and records the returned :class:`StoredFile` (random stored name, sanitised display name, type,
size, SHA-256).

What is checked, always on the **content** (never the client's file name or MIME type):

* empty file → refused; more than ``max_bytes`` → refused (:func:`store` reads at most
  ``max_bytes + 1`` bytes, never the whole stream);
* the type comes from the signature at offset 0 (:func:`sniff`); anything else — a renamed
  ``.exe`` (``MZ``), an ELF binary, a ZIP, a text file — is refused;
* each accepted type is then parsed as a whole, so that a second file cannot hide after or
  inside it (polyglots):

  - **PNG**: signature, then a chunk sequence ``IHDR`` … ``IDAT`` … ``IEND`` with valid lengths
    and CRCs, no unknown *critical* chunk, and **not a single byte after IEND**;
  - **JPEG**: ``FFD8FF``, then the marker segments are walked by their lengths (so an ``FFD9``
    inside an EXIF thumbnail is skipped correctly), entropy-coded data up to the next marker,
    until the structural EOI. A frame (SOF) and a scan (SOS) are required. After the EOI only
    **up to 16 zero bytes** of padding are tolerated (some encoders pad; zero bytes cannot carry
    a payload); anything else after the EOI is refused. The file must start with ``FFD8FF``, and
    apart from those zero bytes it ends with ``FFD9``;
  - **PDF**: ``%PDF-1.x`` or ``%PDF-2.x`` at offset 0 and ``%%EOF`` in the last 1024 bytes;
    after the last ``%%EOF`` only PDF white space (space, tab, CR, LF, FF, NUL) is tolerated;
    after any earlier ``%%EOF`` (incremental updates) the next part must not start with another
    format's header (ZIP, PE, ELF, PNG, JPEG, gzip, RAR, 7z, a second PDF);
  - in all three, no embedded foreign file: a ZIP local-file header or end-of-central-directory
    record, a PE executable (``MZ`` whose ``e_lfanew`` points at ``PE\\0\\0``: a bare ``MZ``
    occurs by chance in almost every photo, so it alone is not evidence), an ELF header, and in
    images a ``%PDF-`` header or an HTML ``<script``/``<html`` tag. The ZIP and ELF signatures are
    matched with their next header fields (version, method, class…) so that compressed data does
    not trip them by chance;
  - images larger than :data:`MAX_PIXELS` are refused (decompression bombs).

* PDF active content: the raw bytes are scanned for the names ``/JavaScript``, ``/JS``,
  ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia`` and ``/XFA`` (an ``/OpenAction`` or ``/AA``
  that runs JavaScript or launches a program necessarily names one of them; a plain
  ``/OpenAction`` that only sets the initial view is fine). ``#xx`` escapes inside names are
  decoded first (``/J#61vaScript`` is ``/JavaScript``). Since PDF 1.5, objects may sit in
  compressed *object streams* where a raw scan sees nothing: those (``/Type /ObjStm``) are
  inflated (bounded) and scanned too; an object stream we cannot inspect (another filter, a
  predictor, an inflate bomb) is refused as invalid. An encrypted PDF (``/Encrypt``) is refused
  with a request for a copy without password (it could not be inspected nor read by the jury).

Files are written atomically (temporary file in the target folder, ``fsync``, ``os.replace``)
with mode ``0o640`` under ``folder/<first 2 hex chars>/<32 hex chars>.<pdf|jpg|png>``.
:func:`survey` compares such a folder with the stored names the database references (orphans,
temporary files left by an interrupted upload, missing files).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import struct
import tempfile
import time
import typing
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ACCEPTED",
    "MAX_BYTES_DEFAULT",
    "MAX_PIXELS",
    "StoredFile",
    "UploadRejected",
    "check",
    "delete",
    "display_name",
    "path_of",
    "sniff",
    "store",
    "survey",
]

MAX_BYTES_DEFAULT = 10 * 1024 * 1024
ACCEPTED: dict[str, str] = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_PIXELS = 150_000_000
"""Largest accepted image (width × height): a 10 MB file must not expand to gigabytes."""
JPEG_MAX_PADDING = 16
"""Zero bytes tolerated after a JPEG's final EOI."""
DISPLAY_NAME_MAX = 150
DISPLAY_NAME_FALLBACK = "document"

MSG_EMPTY = "Le fichier est vide."
MSG_TYPE = "Type de fichier non accepté : seuls les PDF, JPEG et PNG sont acceptés."
MSG_INVALID = "Ce fichier est invalide ou endommagé."
MSG_ACTIVE = (
    "Ce PDF contient du contenu actif (JavaScript ou fichier intégré) : "
    "enregistrez-le à nouveau en PDF simple."
)
MSG_ENCRYPTED = (
    "Ce PDF est protégé par un mot de passe ou chiffré : "
    "enregistrez-le sans mot de passe, puis déposez-le à nouveau."
)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png)")
_TEMPORARY = re.compile(r"\.upload-.*\.tmp")
ORPHAN_AGE_S = 3600
"""Files younger than this are left alone by :func:`survey`: an upload may still be under way."""
_CHUNK = 64 * 1024


class UploadRejected(ValueError):
    """An upload refused for a reason the candidate can act on; ``message`` is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    display_name: str
    mime_type: str
    size: int
    sha256: str


# --------------------------------------------------------------------------- type detection


def sniff(data: bytes) -> str | None:
    """The MIME type told by the signature at offset 0 (PDF, JPEG, PNG), else ``None``."""
    if data.startswith(_PNG_SIGNATURE):
        return "image/png"
    if data.startswith(_JPEG_SIGNATURE):
        return "image/jpeg"
    if re.match(rb"%PDF-[12]\.\d", data):
        return "application/pdf"
    return None


def check(data: bytes, max_bytes: int = MAX_BYTES_DEFAULT) -> str:
    """Return the MIME type of ``data`` or raise :class:`UploadRejected` (see the module doc)."""
    if not data:
        raise UploadRejected(MSG_EMPTY)
    if len(data) > max_bytes:
        raise UploadRejected(f"Le fichier dépasse {_format_size(max_bytes)}.")
    mime = sniff(data)
    if mime is None:
        raise UploadRejected(MSG_TYPE)
    try:
        if mime == "image/png":
            _check_png(data)
        elif mime == "image/jpeg":
            _check_jpeg(data)
        else:
            _check_pdf(data)
        _check_no_embedded_file(data, image=mime != "application/pdf")
        if mime == "application/pdf":
            _check_pdf_content(data)
    except UploadRejected:
        raise
    except (IndexError, struct.error, ValueError, zlib.error, MemoryError) as exc:
        # Fail closed: a parser surprise is a refusal, never a stored file.
        raise UploadRejected(MSG_INVALID) from exc
    return mime


def _format_size(n: int) -> str:
    """``10 * 1024 * 1024`` → ``10 Mo``; ``1.5 MiB`` → ``1,5 Mo``; ``500 KiB`` → ``500 Ko``."""
    for unit, size in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if n >= size:
            value = n / size
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text}\u00a0{unit}"
    return f"{n}\u00a0octet" + ("s" if n > 1 else "")


# --------------------------------------------------------------------------- PNG


_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def _check_png(data: bytes) -> None:
    pos = len(_PNG_SIGNATURE)
    end = len(data)
    first = True
    seen_idat = False
    while True:
        if pos + 12 > end:
            raise UploadRejected(MSG_INVALID)  # truncated: no IEND
        (length,) = struct.unpack_from(">I", data, pos)
        ctype = data[pos + 4 : pos + 8]
        if length > 0x7FFFFFFF or not ctype.isalpha() or not ctype.isascii():
            raise UploadRejected(MSG_INVALID)
        body_end = pos + 8 + length
        if body_end + 4 > end:
            raise UploadRejected(MSG_INVALID)
        (crc,) = struct.unpack_from(">I", data, body_end)
        if zlib.crc32(data[pos + 4 : body_end]) != crc:
            raise UploadRejected(MSG_INVALID)
        if first:
            if ctype != b"IHDR" or length != 13:
                raise UploadRejected(MSG_INVALID)
            width, height = struct.unpack_from(">II", data, pos + 8)
            if not (0 < width <= 0x7FFFFFFF and 0 < height <= 0x7FFFFFFF):
                raise UploadRejected(MSG_INVALID)
            if width * height > MAX_PIXELS:
                raise UploadRejected(MSG_INVALID)
            first = False
        elif ctype == b"IHDR":
            raise UploadRejected(MSG_INVALID)
        if ctype[0:1].isupper() and ctype not in _PNG_CRITICAL:
            raise UploadRejected(MSG_INVALID)  # unknown critical chunk: no decoder accepts it
        pos = body_end + 4
        if ctype == b"IDAT":
            seen_idat = True
        elif ctype == b"IEND":
            # Nothing, not even a zero byte, may follow IEND.
            if length != 0 or not seen_idat or pos != end:
                raise UploadRejected(MSG_INVALID)
            return


# --------------------------------------------------------------------------- JPEG


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _check_jpeg(data: bytes) -> None:
    end = len(data)
    pos = 2  # after SOI (FFD8)
    seen_sof = seen_sos = False
    while True:
        if pos >= end or data[pos] != 0xFF:
            raise UploadRejected(MSG_INVALID)
        while pos < end and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= end:
            raise UploadRejected(MSG_INVALID)
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            break
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0x00, 0xD8):
            raise UploadRejected(MSG_INVALID)
        if pos + 2 > end:
            raise UploadRejected(MSG_INVALID)
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2 or pos + length > end:
            raise UploadRejected(MSG_INVALID)
        if marker in _JPEG_SOF:
            if length < 8:
                raise UploadRejected(MSG_INVALID)
            height, width = struct.unpack_from(">HH", data, pos + 3)
            if width == 0 or width * max(height, 1) > MAX_PIXELS:
                raise UploadRejected(MSG_INVALID)
            seen_sof = True
        pos += length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            if not seen_sof:
                raise UploadRejected(MSG_INVALID)
            seen_sos = True
            pos = _jpeg_scan_end(data, pos)
    if not (seen_sof and seen_sos):
        raise UploadRejected(MSG_INVALID)
    trailing = data[pos:]
    if len(trailing) > JPEG_MAX_PADDING or trailing.strip(b"\x00"):
        raise UploadRejected(MSG_INVALID)


def _jpeg_scan_end(data: bytes, pos: int) -> int:
    """Offset of the marker (its ``FF``) that ends the entropy-coded segment starting at ``pos``."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise UploadRejected(MSG_INVALID)
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7:  # stuffed byte or restart marker: still data
            pos += 2
        elif nxt == 0xFF:  # fill byte: look again from the next one
            pos += 1
        else:
            return pos


# --------------------------------------------------------------------------- PDF structure


_PDF_WHITESPACE = b" \t\r\n\x0c\x00"
_PDF_EOF = re.compile(rb"%%EOF[ \t\r\n\x0c\x00]*")
_FOREIGN_HEADERS = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"MZ",
    b"\x7fELF",
    _PNG_SIGNATURE,
    _JPEG_SIGNATURE,
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"%PDF-",
)


def _check_pdf(data: bytes) -> None:
    last = data.rfind(b"%%EOF")
    if last < 0 or last < len(data) - 1024:
        raise UploadRejected(MSG_INVALID)
    if data[last + 5 :].strip(_PDF_WHITESPACE):
        raise UploadRejected(MSG_INVALID)  # something appended after the final %%EOF
    for match in _PDF_EOF.finditer(data, 0, last):
        if data.startswith(_FOREIGN_HEADERS, match.end()):
            raise UploadRejected(MSG_INVALID)  # another file between two revisions


# --------------------------------------------------------------------------- embedded files


_ZIP_METHODS = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99}
_EMBEDDED = re.compile(rb"PK\x03\x04|PK\x05\x06|MZ|\x7fELF|%PDF-|(?i:<script|<html)")


def _check_no_embedded_file(data: bytes, *, image: bool) -> None:
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


# --------------------------------------------------------------------------- PDF content


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


def _check_pdf_content(data: bytes) -> None:
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


# --------------------------------------------------------------------------- storage


def display_name(filename: str | None, mime: str | None = None) -> str:
    """A name safe to show: basename only, no control/format characters, NFC, ≤ 150 characters.

    Path separators (``/`` and ``\\``), control characters, invisible format characters (the
    right-to-left override U+202E, zero-width spaces…), line separators, surrogates and private
    or unassigned code points are removed; other spaces become a plain space and runs collapse;
    leading dots and surrounding spaces are stripped. Long names keep their extension.
    Falls back to ``"document"``.

    With ``mime`` (the type detected from the content), the extension is that type's
    (:data:`ACCEPTED`), never the user's: ``attestation.html`` holding a PDF is
    ``attestation.pdf``, so that no program opens it as a web page.
    """
    name = _clean(re.split(r"[/\\]", unicodedata.normalize("NFC", filename or ""))[-1])
    name = _clean(unicodedata.normalize("NFC", name))  # a removed character may free a merge
    ext = ACCEPTED.get(mime or "", "")
    if ext:
        name = _EXTENSION.sub("", name).rstrip(" .")
    elif len(name) > DISPLAY_NAME_MAX:
        stem, dot, tail = name.rpartition(".")
        if dot and 0 < len(tail) <= 10 and stem:  # a long name keeps the user's extension
            name, ext = stem, "." + tail
    name = _fit(name, DISPLAY_NAME_MAX - len(ext))
    return (name or DISPLAY_NAME_FALLBACK) + ext


def _fit(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, still clean and NFC (normalising may lengthen)."""
    cut = limit
    while len(name) > limit and cut >= 0:
        name = _clean(unicodedata.normalize("NFC", name[:cut].rstrip()))
        cut -= 1
    return name


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def _clean(name: str) -> str:
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if char in "/\\" or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        kept.append(" " if category == "Zs" else char)
    text = re.sub(" +", " ", "".join(kept)).strip().lstrip(".").strip()
    # a name cut inside a combining sequence must not start with a lone combining mark
    while text and unicodedata.combining(text[0]):
        text = text[1:]
    return text


def _read_limited(stream: typing.BinaryIO, limit: int) -> bytes:
    """Read at most ``limit`` bytes, in chunks, without asking the stream for more."""
    parts: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def store(
    stream: typing.BinaryIO,
    filename: str | None,
    folder: Path,
    max_bytes: int = MAX_BYTES_DEFAULT,
) -> StoredFile:
    """Check and store an upload; raise :class:`UploadRejected` when it is refused.

    Reads at most ``max_bytes + 1`` bytes (one more than allowed, to detect "too large"),
    writes ``folder/<shard>/<random>.<ext>`` atomically with mode ``0o640``.
    """
    data = _read_limited(stream, max_bytes + 1)
    mime = check(data, max_bytes)
    ext = ACCEPTED[mime]
    folder = Path(folder)
    while True:
        stored_name = secrets.token_hex(16) + ext
        target = path_of(folder, stored_name)
        if not target.exists():
            break
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o640)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StoredFile(
        stored_name=stored_name,
        display_name=display_name(filename, mime),
        mime_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def path_of(folder: Path, stored_name: str) -> Path:
    """Where a stored file lives; refuses anything but ``<32 hex>.<pdf|jpg|png>`` (ValueError)."""
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"invalid stored file name: {stored_name!r}")
    return Path(folder) / stored_name[:2] / stored_name


def delete(folder: Path, stored_name: str) -> None:
    """Remove a stored file; nothing happens when it is already gone."""
    path_of(folder, stored_name).unlink(missing_ok=True)


class removed_on_failure:
    """``with removed_on_failure(folder, stored):`` deletes the stored file when the block
    raises, typically a commit that lost a race: no file is left that no row names."""

    def __init__(self, folder: Path, stored_name: str) -> None:
        self.folder = folder
        self.stored_name = stored_name

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type is not None:
            delete(self.folder, self.stored_name)
        return False


# --------------------------------------------------------------------------- consistency


@dataclass(frozen=True)
class Survey:
    """What in an upload folder no row explains, and what rows name that the folder lacks.

    ``orphans``: stored files no row references; ``leftovers``: temporary files of uploads that
    never finished (``.upload-*.tmp``); ``unexpected``: any other file, never ours to remove;
    ``missing``: referenced stored names without their file. Paths are relative to the folder.
    """

    orphans: tuple[str, ...]
    leftovers: tuple[str, ...]
    unexpected: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def removable(self) -> tuple[str, ...]:
        return self.orphans + self.leftovers

    @property
    def clean(self) -> bool:
        return not (self.orphans or self.leftovers or self.unexpected or self.missing)


def survey(
    folder: Path,
    referenced: typing.Callable[[], typing.Collection[str]],
    *,
    older_than_s: float = ORPHAN_AGE_S,
    now: float | None = None,
) -> Survey:
    """Compare ``folder`` with the stored names the database references.

    The folder is listed **before** ``referenced()`` is called, so a file stored and committed
    meanwhile is seen as referenced; files modified less than ``older_than_s`` seconds ago are
    skipped (an upload between its file and its row). A referenced name is missing when its file
    does not exist once the rows are read.
    """
    folder = Path(folder)
    now = time.time() if now is None else now
    listed = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    names = set(referenced())
    known = {f"{n[:2]}/{n}" for n in names if _STORED_NAME.fullmatch(n)}
    orphans, leftovers, unexpected = [], [], []
    for path in listed:
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile (a retraction, a finished upload)
            continue
        relative = path.relative_to(folder).as_posix()
        if relative in known or age < older_than_s:
            continue
        if _TEMPORARY.fullmatch(path.name):
            leftovers.append(relative)
        elif _STORED_NAME.fullmatch(path.name) and relative == f"{path.name[:2]}/{path.name}":
            orphans.append(relative)
        else:
            unexpected.append(relative)
    missing = sorted(
        n for n in names if not (_STORED_NAME.fullmatch(n) and path_of(folder, n).is_file())
    )
    return Survey(tuple(orphans), tuple(leftovers), tuple(unexpected), tuple(missing))
