"""Structure of the accepted images, parsed as a whole so that nothing hides after or inside.

* **PNG**: signature, then a chunk sequence ``IHDR`` … ``IDAT`` … ``IEND`` with valid lengths
  and CRCs, no unknown *critical* chunk, and **not a single byte after IEND**;
* **JPEG**: ``FFD8FF``, then the marker segments are walked by their lengths (so an ``FFD9``
  inside an EXIF thumbnail is skipped correctly), entropy-coded data up to the next marker,
  until the structural EOI. A frame (SOF) and a scan (SOS) are required. After the EOI only
  **up to 16 zero bytes** of padding are tolerated (some encoders pad; zero bytes cannot carry
  a payload);
* images larger than :data:`MAX_PIXELS` are refused (decompression bombs).
"""

from __future__ import annotations

import struct
import zlib

from vae.storage.errors import MSG_INVALID, UploadRejected

MAX_PIXELS = 150_000_000
"""Largest accepted image (width × height): a 10 MB file must not expand to gigabytes."""
JPEG_MAX_PADDING = 16
"""Zero bytes tolerated after a JPEG's final EOI."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


# --------------------------------------------------------------------------- PNG


_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def check_png(data: bytes) -> None:
    """Refuse a PNG whose chunk sequence is not exactly IHDR … IDAT … IEND (module doc)."""
    pos = len(PNG_SIGNATURE)
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


def check_jpeg(data: bytes) -> None:
    """Refuse a JPEG whose segments do not lead to a frame, a scan and the EOI (module doc)."""
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
