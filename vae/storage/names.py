"""The name shown for an upload: sanitised, with the extension of the detected type."""

from __future__ import annotations

import re
import unicodedata

from vae.storage.checks import ACCEPTED

DISPLAY_NAME_MAX = 150
DISPLAY_NAME_FALLBACK = "document"


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
