"""PDFs built from frozen data (certificates), kept once built under the hash of that data.

The key is the SHA-256 of the builder's name and of the data it reads: the same data always
gives the same file, new data (a corrected name, an anonymised holder) a new one. Files sit in
one folder per holder (``PDF_CACHE_FOLDER``, by default ``instance/pdf-cache``; ``pdf-cache/``
in the bucket with S3), so erasing a person's data erases every copy with :func:`erase`. The
folder holds nothing else: it may be emptied at any time (after a change of the PDF layout).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vae.storage import configured


def cache_folder() -> Path:
    """Where cached PDFs are kept with the local backend."""
    return configured.pdf_cache_folder()


def cached_pdf(holder_id: uuid.UUID, data: dict[str, Any], build: Callable[[Any], bytes]) -> bytes:
    """``build(data)``, built once per content: later calls with equal data read the file."""
    name = f"{build.__module__}.{build.__qualname__}"
    payload = json.dumps([name, data], sort_keys=True, default=str, ensure_ascii=False)
    key = f"{holder_id.hex}/{hashlib.sha256(payload.encode()).hexdigest()}.pdf"
    backend = configured.pdf_cache()
    try:
        return backend.read(key)
    except FileNotFoundError:
        pass
    pdf = build(data)
    backend.put(key, pdf, hashlib.sha256(pdf).hexdigest())  # whole: never half a file
    return pdf


def erase(holder_id: uuid.UUID) -> None:
    """Every cached PDF of this holder (their personal data is being erased)."""
    backend = configured.pdf_cache()
    for entry in list(backend.iter_names(holder_id.hex)):
        backend.delete(entry.key)
