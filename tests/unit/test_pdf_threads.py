"""PDFs built at the same moment in several threads (gunicorn's gthread workers).

ReportLab's embedded TrueType font keeps the glyph subsets of the documents being written in
shared state: two letters written at once by two threads of one process mixed them up
(``KeyError`` in ``makeSubset``: a 500 for one of six officers deciding at once, seen in CI).
"""

from __future__ import annotations

import io
import sys
import threading

from pypdf import PdfReader

from vae.documents.pdf import Paragraph, build_pdf, pdf_styles

TEXTS = [
    "Décision de recevabilité : le dossier est recevable. Œuvre, cœur, « guillemets » ; bientôt !",
    "Pièces justificatives : bulletins de salaire, attestation d'employeur — 42 ÉTP, 1 662,5 h.",
    "Ça, c'est l'été à Besançon, Angoulême et Saint-Étienne : ïle, ûne, ÿ, æ, ß, ø, å.",
    "Madame, Monsieur, nous accusons réception de votre demande n° VAE-2026-000123.",
]


def _letter(text: str, copies: int) -> bytes:
    story = [Paragraph(f"{text} {n}", pdf_styles().body) for n in range(copies)]
    return build_pdf(story, title="Lettre", subject="Essai", creator="tests")


def test_letters_built_at_once_in_threads_are_all_whole() -> None:
    # Threads switch every microsecond instead of every 5 ms: a race shows at once.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _build_at_once()
    finally:
        sys.setswitchinterval(previous)


def _build_at_once() -> None:
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    for _round in range(20):
        barrier = threading.Barrier(8)

        def write(n: int, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait(timeout=30)
                results[n] = _letter(TEXTS[n % len(TEXTS)], 30 + n)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        for n, pdf in results.items():
            text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
            assert TEXTS[n % len(TEXTS)].split()[0] in text
