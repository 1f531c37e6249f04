"""Safe storage of uploaded evidence: type by content, size limit, polyglots, active PDFs."""

from __future__ import annotations

import io
import os
import stat
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from vae import storage
from vae.storage import (
    ACCEPTED,
    MAX_BYTES_DEFAULT,
    StoredFile,
    UploadRejected,
    check,
    delete,
    display_name,
    path_of,
    sniff,
    store,
)

MSG_TYPE = "Type de fichier non accepté : seuls les PDF, JPEG et PNG sont acceptés."
MSG_INVALID = "Ce fichier est invalide ou endommagé."
MSG_ACTIVE = (
    "Ce PDF contient du contenu actif (JavaScript ou fichier intégré) : "
    "enregistrez-le à nouveau en PDF simple."
)
ZIP = (
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    b"\x00\x00\x00\x00\x05\x00\x00\x00evil!"
    + b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00"
    + b"\x00" * 10
)


# --------------------------------------------------------------------------- real files


def make_pdf(text: str = "Attestation employeur", **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, **kwargs)
    pdf.drawString(72, 750, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(width: int = 2, height: int = 2, *, extra: bytes = b"", header: bytes = b"") -> bytes:
    """A real RGB PNG: one filter byte then three bytes per pixel on each row."""
    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = header or struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def make_jpeg(*, app1: bytes = b"", scan: bytes = b"\x00\x3f\x00") -> bytes:
    """A minimal baseline JPEG (8×8, one grey component), segment by segment.

    JFIF APP0, a flat quantisation table, SOF0, a one-code DC and AC Huffman table, SOS, a
    few bytes of entropy-coded data (with a stuffed ``FF00`` and a restart marker), EOI.
    """
    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
    dht_dc = segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
    dht_ac = segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    entropy = scan + b"\xff\x00\x12\xff\xd0\x34"
    app = segment(0xE1, app1) if app1 else b""
    return b"\xff\xd8" + jfif + app + dqt + sof + dht_dc + dht_ac + sos + entropy + b"\xff\xd9"


def pdf_with(extra_objects: bytes, catalog_extra: bytes = b"") -> bytes:
    """A small hand-written PDF (valid for pypdf) with extra objects and catalog entries."""
    body = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
        + extra_objects
    )
    return body + b"trailer\n<< /Root 1 0 R /Size 6 >>\nstartxref\n0\n%%EOF\n"


def rejected(data: bytes, **kwargs: int) -> str:
    with pytest.raises(UploadRejected) as info:
        check(data, **kwargs)
    assert info.value.message == str(info.value)
    return info.value.message


# --------------------------------------------------------------------------- accepted files


def test_real_pdf_png_jpeg_are_accepted() -> None:
    pdf, png, jpeg = make_pdf(), make_png(), make_jpeg()
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip() == "Attestation employeur"
    assert (sniff(pdf), sniff(png), sniff(jpeg)) == ("application/pdf", "image/png", "image/jpeg")
    assert check(pdf) == "application/pdf"
    assert check(png) == "image/png"
    assert check(jpeg) == "image/jpeg"


def test_accepted_map_and_default_limit() -> None:
    assert ACCEPTED == {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    assert MAX_BYTES_DEFAULT == 10 * 1024 * 1024


def test_pdf_20_and_incremental_update_are_accepted() -> None:
    pdf = make_pdf().replace(b"%PDF-1.3", b"%PDF-2.0", 1)
    assert check(pdf) == "application/pdf"
    update = b"9 0 obj\n<< /Producer (mise a jour) >>\nendobj\nstartxref\n0\n%%EOF\r\n"
    assert check(pdf + update) == "application/pdf"


def test_pdf_with_a_view_only_open_action_is_accepted() -> None:
    assert check(pdf_with(b"", b"/OpenAction [3 0 R /Fit]")) == "application/pdf"


def test_jpeg_with_exif_thumbnail_containing_eoi_is_accepted() -> None:
    # An FFD9 inside an APP1 segment is data, not the end of the image.
    thumbnail = b"Exif\x00\x00" + b"\xff\xd8\xff\xdb" + b"\x00" * 20 + b"\xff\xd9"
    assert check(make_jpeg(app1=thumbnail)) == "image/jpeg"


def test_jpeg_tolerates_a_few_padding_zero_bytes_only() -> None:
    assert check(make_jpeg() + b"\x00" * storage.JPEG_MAX_PADDING) == "image/jpeg"
    assert rejected(make_jpeg() + b"\x00" * (storage.JPEG_MAX_PADDING + 1)) == MSG_INVALID
    assert rejected(make_jpeg() + b"\x00\x01") == MSG_INVALID


def test_random_two_byte_mz_in_a_photo_is_not_an_executable() -> None:
    assert check(make_jpeg(scan=b"\x00MZ\x00\x01\x02")) == "image/jpeg"


# --------------------------------------------------------------------------- size and type


def test_empty_file() -> None:
    assert rejected(b"") == "Le fichier est vide."


def test_too_large_message_computed_from_the_limit() -> None:
    big = make_pdf()
    assert rejected(big, max_bytes=len(big) - 1).startswith("Le fichier dépasse ")
    assert rejected(b"%PDF-1.4" + b" " * 20, max_bytes=10) == "Le fichier dépasse 10\u00a0octets."
    assert storage._format_size(MAX_BYTES_DEFAULT) == "10\u00a0Mo"
    assert storage._format_size(3 * 1024 * 1024 // 2) == "1,5\u00a0Mo"
    assert storage._format_size(500 * 1024) == "500\u00a0Ko"
    data = make_png()
    assert check(data, max_bytes=len(data)) == "image/png"


def test_default_limit_message() -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES_DEFAULT
    assert rejected(data) == "Le fichier dépasse 10\u00a0Mo."


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,  # Windows .exe
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,  # Linux binary
        ZIP,
        b"GIF89a\x01\x00\x01\x00",
        b"<html><script>alert(1)</script></html>",
        b"Bonjour, ceci est un texte.",
        b" %PDF-1.4\n%%EOF",  # the signature must be at offset 0
        b"%PDF-3.0\n%%EOF",
    ],
    ids=["exe", "elf", "zip", "gif", "html", "text", "pdf-not-at-0", "pdf-3"],
)
def test_other_types_are_refused_by_content(data: bytes) -> None:
    assert sniff(data) is None
    assert rejected(data) == MSG_TYPE


# --------------------------------------------------------------------------- PDF


def test_pdf_with_javascript_made_by_pypdf() -> None:
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    writer.add_open_action(JavaScript("app.alert('bonjour');"))
    out = io.BytesIO()
    writer.write(out)
    assert rejected(out.getvalue()) == MSG_ACTIVE


def test_pdf_with_embedded_file_made_by_pypdf() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    writer.add_attachment("payload.exe", b"MZ...")
    out = io.BytesIO()
    writer.write(out)
    assert rejected(out.getvalue()) == MSG_ACTIVE


@pytest.mark.parametrize(
    "action",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /#4A#61#76#61#53cript /JS 5 0 R >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles 5 0 R >>",
        b"/AcroForm << /XFA 5 0 R >>",
        b"/Annots [<< /Subtype /RichMedia >>]",
        b"/AA << /O << /S /JavaScript /JS (x) >> >>",
    ],
    ids=["js", "hex-escaped", "fully-escaped", "launch", "embedded", "xfa", "richmedia", "aa"],
)
def test_pdf_active_content(action: bytes) -> None:
    assert rejected(pdf_with(b"", action)) == MSG_ACTIVE


def test_pdf_names_merely_starting_like_active_names_are_fine() -> None:
    assert check(pdf_with(b"", b"/JSON (x) /Launcher (y) /JBIG2Globals 3 0 R")) == (
        "application/pdf"
    )


def test_pdf_javascript_hidden_in_a_compressed_object_stream() -> None:
    """Since PDF 1.5 objects can sit in a deflated object stream: a raw scan sees nothing."""
    objects = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"4 0 "
    payload = zlib.compress(header + objects)
    objstm = (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First "
        + str(len(header)).encode()
        + b" /Filter /FlateDecode /Length "
        + str(len(payload)).encode()
        + b" >>\nstream\n"
        + payload
        + b"\nendstream\nendobj\n"
    )
    data = pdf_with(objstm, b"/OpenAction 4 0 R")
    assert b"JavaScript" not in data
    assert rejected(data) == MSG_ACTIVE
    # an escaped /Type and no /Type at all are still found (/First is required)
    assert rejected(data.replace(b"/Type /ObjStm", b"/Type /Obj#53tm")) == MSG_ACTIVE
    assert rejected(data.replace(b"/Type /ObjStm", b"")) == MSG_ACTIVE
    # a filter we cannot inspect is refused rather than trusted
    assert rejected(data.replace(b"/FlateDecode", b"/LZWDecode")) == MSG_INVALID
    harmless = data.replace(zlib.compress(header + objects), zlib.compress(b"4 0 << >>"))
    assert check(harmless.replace(b"/OpenAction 4 0 R", b"")) == "application/pdf"


def test_encrypted_pdf_made_by_reportlab() -> None:
    message = rejected(make_pdf(encrypt="secret"))
    assert "mot de passe" in message
    assert message.startswith("Ce PDF est protégé")


def test_encrypted_marker_with_escaped_name() -> None:
    assert "mot de passe" in rejected(pdf_with(b"", b"/Encr#79pt 9 0 R"))


def test_pdf_with_zip_appended_after_eof() -> None:
    assert rejected(make_pdf() + ZIP) == MSG_INVALID


def test_pdf_with_zip_between_two_revisions() -> None:
    # %%EOF is still in the last 1024 bytes, but a ZIP starts right after the first one
    assert rejected(make_pdf() + b"\n" + ZIP + b"\n%%EOF\n") == MSG_INVALID


def test_pdf_with_anything_after_the_last_eof() -> None:
    assert rejected(make_pdf() + b"garbage") == MSG_INVALID
    assert check(make_pdf() + b"\r\n \x00\n") == "application/pdf"


def test_pdf_without_eof_in_the_last_kilobyte() -> None:
    assert rejected(make_pdf().replace(b"%%EOF", b"%%EOG")) == MSG_INVALID
    assert rejected(make_pdf() + b"% comment\n" * 200) == MSG_INVALID


def test_pdf_with_executable_inside() -> None:
    pe = b"MZ" + b"\x00" * 0x3A + struct.pack("<I", 0x80) + b"\x00" * 0x40 + b"PE\x00\x00"
    data = pdf_with(b"4 0 obj\n(" + pe + b")\nendobj\n")
    assert rejected(data) == MSG_INVALID
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 60
    assert rejected(pdf_with(b"4 0 obj\n(" + elf + b")\nendobj\n")) == MSG_INVALID


# --------------------------------------------------------------------------- PNG


def test_png_with_data_after_iend() -> None:
    assert rejected(make_png() + b"x") == MSG_INVALID
    assert rejected(make_png() + b"\x00") == MSG_INVALID
    assert rejected(make_png() + ZIP) == MSG_INVALID


def test_png_with_bad_crc() -> None:
    data = bytearray(make_png())
    data[-20] ^= 0x01  # inside the IDAT chunk
    assert rejected(bytes(data)) == MSG_INVALID


def test_png_truncated_or_without_iend_or_idat() -> None:
    png = make_png()
    assert rejected(png[:-12]) == MSG_INVALID
    assert rejected(png[:-5]) == MSG_INVALID
    no_idat = png.replace(png[33:-12], b"")
    assert rejected(no_idat) == MSG_INVALID


def test_png_with_unknown_critical_chunk_or_pdf_inside_a_text_chunk() -> None:
    assert rejected(make_png(extra=png_chunk(b"EVIL", b"x"))) == MSG_INVALID
    assert check(make_png(extra=png_chunk(b"tEXt", b"Comment\x00ok"))) == "image/png"
    text = png_chunk(b"tEXt", b"Comment\x00%PDF-1.4 1 0 obj")
    assert rejected(make_png(extra=text)) == MSG_INVALID
    assert rejected(make_png(extra=png_chunk(b"zzZz", ZIP))) == MSG_INVALID


def test_png_decompression_bomb_dimensions() -> None:
    # only the header claims the size: building the pixels would take 30 GB
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    assert rejected(make_png(header=header)) == MSG_INVALID


# --------------------------------------------------------------------------- JPEG


def test_jpeg_with_zip_appended() -> None:
    assert rejected(make_jpeg() + ZIP) == MSG_INVALID


def test_jpeg_with_signatures_inside() -> None:
    assert rejected(make_jpeg(app1=b"xx%PDF-1.4 obj")) == MSG_INVALID
    assert rejected(make_jpeg(app1=ZIP)) == MSG_INVALID
    assert rejected(make_jpeg(app1=b"<SCRIPT>alert(1)</script>")) == MSG_INVALID
    pe = b"MZ" + b"\x00" * 0x3A + struct.pack("<I", 0x40) + b"PE\x00\x00"
    assert rejected(make_jpeg(app1=pe)) == MSG_INVALID


def test_jpeg_structure_errors() -> None:
    jpeg = make_jpeg()
    assert rejected(jpeg[:-2]) == MSG_INVALID  # no EOI
    assert rejected(b"\xff\xd8\xff\xd9") == MSG_INVALID  # no frame, no scan
    assert rejected(jpeg.replace(b"\xff\xc0\x00\x0b", b"\xff\xc0\xff\xff")) == MSG_INVALID
    assert rejected(jpeg + b"\xff\xd8\xff\xd9") == MSG_INVALID


# --------------------------------------------------------------------------- storing


class CountingStream(io.RawIOBase):
    """A large stream that counts the bytes handed out."""

    def __init__(self, size: int, head: bytes = b"%PDF-1.4\n") -> None:
        self.inner = io.BytesIO(head + b"\x00" * (size - len(head)))
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.inner.read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_store_writes_atomically_under_a_random_sharded_name(tmp_path: Path) -> None:
    data = make_pdf()
    stored = store(io.BytesIO(data), "Attestation Dupont.pdf", tmp_path)
    assert isinstance(stored, StoredFile)
    assert stored.mime_type == "application/pdf"
    assert stored.stored_name.endswith(".pdf") and len(stored.stored_name) == 36
    assert stored.display_name == "Attestation Dupont.pdf"
    assert stored.size == len(data)
    import hashlib

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    path = path_of(tmp_path, stored.stored_name)
    assert path == tmp_path / stored.stored_name[:2] / stored.stored_name
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in path.parent.iterdir()] == [stored.stored_name]  # no temp file left


def test_store_extension_comes_from_content_not_filename(tmp_path: Path) -> None:
    stored = store(io.BytesIO(make_png()), "photo.pdf", tmp_path)
    assert stored.stored_name.endswith(".png") and stored.mime_type == "image/png"
    assert stored.display_name == "photo.png"
    stored = store(io.BytesIO(make_jpeg()), None, tmp_path)
    assert stored.stored_name.endswith(".jpg") and stored.display_name == "document.jpg"


def test_a_pdf_html_polyglot_named_html_is_stored_as_pdf(tmp_path: Path) -> None:
    polyglot = pdf_with(b"% <html><script>alert(document.domain)</script></html>\n")
    assert check(polyglot) == "application/pdf"  # harmless inside a PDF viewer…
    stored = store(io.BytesIO(polyglot), "attestation.html", tmp_path)
    assert stored.display_name == "attestation.pdf"  # …and never opened as a web page
    stored = store(io.BytesIO(polyglot), "fact\u202eFDP.exe", tmp_path)
    assert stored.display_name == "factFDP.pdf"


def test_store_renamed_executable_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(UploadRejected) as info:
        store(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "bulletin.pdf", tmp_path)
    assert info.value.message == MSG_TYPE
    assert list(tmp_path.iterdir()) == []


def test_store_reads_at_most_max_plus_one_byte(tmp_path: Path) -> None:
    stream = CountingStream(50 * 1024 * 1024)
    with pytest.raises(UploadRejected, match="dépasse 10"):
        store(stream, "enorme.pdf", tmp_path)  # type: ignore[arg-type]
    assert stream.bytes_read <= MAX_BYTES_DEFAULT + 1
    small = CountingStream(50 * 1024)
    with pytest.raises(UploadRejected, match="dépasse 1\u00a0Ko"):
        store(small, "x.pdf", tmp_path, max_bytes=1024)  # type: ignore[arg-type]
    assert small.bytes_read == 1025


def test_store_path_traversal_filename(tmp_path: Path) -> None:
    stored = store(io.BytesIO(make_pdf()), "../../etc/passwd.pdf", tmp_path)
    assert stored.display_name == "passwd.pdf"
    assert "/" not in stored.stored_name and ".." not in stored.stored_name
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [path_of(tmp_path, stored.stored_name)]


def test_store_two_uploads_of_same_file_get_different_names(tmp_path: Path) -> None:
    first = store(io.BytesIO(make_png()), "a.png", tmp_path)
    second = store(io.BytesIO(make_png()), "a.png", tmp_path)
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256


def test_path_of_refuses_anything_but_stored_names(tmp_path: Path) -> None:
    for bad in [
        "../../etc/passwd",
        "0123456789abcdef0123456789abcdef.exe",
        "0123456789ABCDEF0123456789ABCDEF.pdf",
        "0123456789abcdef0123456789abcdef.pdf\n",
        "0123456789abcdef0123456789abcdef.pdf/../x",
        "/0123456789abcdef0123456789abcde.pdf",
        "",
    ]:
        with pytest.raises(ValueError):
            path_of(tmp_path, bad)
        with pytest.raises(ValueError):
            delete(tmp_path, bad)


def test_delete_is_idempotent(tmp_path: Path) -> None:
    stored = store(io.BytesIO(make_jpeg()), "photo.jpg", tmp_path)
    path = path_of(tmp_path, stored.stored_name)
    delete(tmp_path, stored.stored_name)
    assert not path.exists()
    delete(tmp_path, stored.stored_name)
    delete(tmp_path / "missing", "0123456789abcdef0123456789abcdef.pdf")


def test_store_cleans_its_temporary_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(src: str, dst: str) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store(io.BytesIO(make_pdf()), "a.pdf", tmp_path)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --------------------------------------------------------------------------- display names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Attestation.pdf", "Attestation.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\marie\\Bulletin de paie.pdf", "Bulletin de paie.pdf"),
        ("facture\u202egpj.exe", "facturegpj.exe"),  # right-to-left override removed
        ("a\x00b\x1fc\x7f\n.pdf", "abc.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("  trop   d'espaces\u00a0.pdf  ", "trop d'espaces .pdf"),
        ("..", "document"),
        ("/", "document"),
        ("\u202e", "document"),
        ("", "document"),
        (None, "document"),
    ],
)
def test_display_name(raw: str | None, expected: str) -> None:
    assert display_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "mime", "expected"),
    [
        ("attestation.html", "application/pdf", "attestation.pdf"),
        ("scan.PDF", "application/pdf", "scan.pdf"),
        ("photo.jpeg", "image/jpeg", "photo.jpg"),
        ("capture", "image/png", "capture.png"),
        ("fact\u202eFDP.exe", "application/pdf", "factFDP.pdf"),
        ("\u2067bulletin\u2069\u200e\u061c.svg", "image/png", "bulletin.png"),
        ("paie\x85\x9b janv. 2024", "application/pdf", "paie janv. 2024.pdf"),
        ("..html", "application/pdf", "html.pdf"),
        ("", "image/jpeg", "document.jpg"),
        (None, "application/pdf", "document.pdf"),
    ],
)
def test_display_name_takes_the_extension_of_the_detected_type(
    raw: str | None, mime: str, expected: str
) -> None:
    assert display_name(raw, mime) == expected


def test_display_name_is_capped_and_keeps_its_extension() -> None:
    name = display_name("x" * 400 + ".pdf")
    assert len(name) == 150 and name.endswith(".pdf")
    assert len(display_name("y" * 400)) == 150
    name = display_name("z" * 400 + ".html", "application/pdf")
    assert len(name) == 150 and name.endswith("z.pdf")


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_only_ever_raise_upload_rejected(data: bytes) -> None:
    try:
        assert check(data) in ACCEPTED
    except UploadRejected as exc:
        assert exc.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-1.7\n", b"%PDF-2.0\n"]),
    st.binary(max_size=2048),
    st.sampled_from([b"", b"%%EOF\n", b"\xff\xd9", b"\x00\x00\x00\x00IEND\xaeB`\x82"]),
)
def test_random_bodies_behind_real_signatures_only_raise_upload_rejected(
    head: bytes, body: bytes, tail: bytes
) -> None:
    try:
        check(head + body + tail)
    except UploadRejected as exc:
        assert exc.message


@given(st.binary(max_size=512))
def test_mutated_real_files_only_raise_upload_rejected(noise: bytes) -> None:
    for real in (make_png(), make_jpeg(), pdf_with(b"")):
        position = len(noise) % len(real)
        try:
            check(real[:position] + noise + real[position + len(noise) :])
        except UploadRejected as exc:
            assert exc.message


@given(st.one_of(st.none(), st.text(max_size=400)))
def test_display_name_is_always_safe(raw: str | None) -> None:
    import unicodedata

    name = display_name(raw)
    assert name
    assert len(name) <= 150
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    assert unicodedata.normalize("NFC", name) == name


def test_removed_on_failure_deletes_the_file_when_the_block_raises(tmp_path) -> None:
    from vae.storage import removed_on_failure, store

    stored = store(io.BytesIO(make_pdf()), "a.pdf", tmp_path)
    with removed_on_failure(tmp_path, stored.stored_name):
        pass
    assert path_of(tmp_path, stored.stored_name).exists()
    with pytest.raises(RuntimeError), removed_on_failure(tmp_path, stored.stored_name):
        raise RuntimeError("the commit lost a race")
    assert not path_of(tmp_path, stored.stored_name).exists()


@given(st.one_of(st.none(), st.text(max_size=400)), st.sampled_from(sorted(ACCEPTED)))
def test_served_name_ends_with_the_detected_type_and_has_no_invisible_character(
    raw: str | None, mime: str
) -> None:
    import unicodedata

    name = display_name(raw, mime)
    assert name.endswith(ACCEPTED[mime]) and len(name) > len(ACCEPTED[mime])
    assert len(name) <= 150
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    assert unicodedata.normalize("NFC", name) == name
    assert display_name(name, mime) == name  # serving a stored name again changes nothing


def test_a_document_the_app_made_is_stored_even_if_its_bytes_read_like_active_content(
    tmp_path,
) -> None:
    """Compressed streams may hold « /JS » by chance: an upload with it is refused, a letter
    the app built itself is stored, with its checksum."""
    import hashlib

    from tests.helpers import make_pdf
    from vae.storage import UploadRejected, store, store_document

    pdf = make_pdf().replace(b"%%EOF", b"% /JS \n%%EOF")
    with pytest.raises(UploadRejected):
        store(io.BytesIO(pdf), "lettre.pdf", tmp_path)
    stored = store_document(pdf, "lettre.pdf", tmp_path)
    assert (
        stored.sha256 == hashlib.sha256(pdf).hexdigest() and stored.mime_type == "application/pdf"
    )
    with pytest.raises(ValueError):
        store_document(b"GIF89a", "x.pdf", tmp_path)
