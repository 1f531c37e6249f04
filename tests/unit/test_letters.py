"""The CPNEFP's decision letters (vae.review.letters), read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from vae.review.letters import decision_letter_pdf

CERT = "CQP Spécialiste prestations"
MISSING = [
    "Attestation d'employeur pour l'emploi n° 1 (Mutuelle Générale de l'Ouest)",
    "Attestation de l'association signée par deux responsables",
    "Bulletins de salaire 2024 illisibles",
]


def read(data: bytes) -> tuple[PdfReader, str]:
    """The parsed PDF and its text, whitespace (no-break spaces included) collapsed."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def letter(kind: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": kind,
        "dossier_number": "VAE-2026-00042",
        "version": 2,
        "decided_on": "2026-11-24",
        "submitted_on": "2026-10-02",
        "candidate": {
            "first_name": "Élise",
            "last_name": "Dupont",
            "address": "12 rue des Lilas\nBâtiment B",
            "postcode": "75011",
            "city": "Paris",
            "email": "elise@example.fr",
        },
        "certification": {"title": CERT, "option_label": "mention", "option_title": "Santé"},
        "officer_name": "Sophie Bernard",
        "comment": "",
    }
    data.update(overrides)
    return data


def common_checks(reader: PdfReader, text: str) -> None:
    assert "VAE-2026-00042" in text
    assert "version 2" in text
    assert CERT in text
    assert "mention Santé" in text
    assert "Élise DUPONT" in text
    assert "75011 PARIS" in text
    assert "À Paris, le 24 novembre 2026" in text
    assert "déposé le 2 octobre 2026" in text
    assert "Madame, Monsieur," in text
    assert "Pour la CPNEFP" in text
    assert "Sophie Bernard" in text
    assert f"Page 1 sur {len(reader.pages)}" in text
    meta = reader.metadata
    assert meta is not None
    assert "VAE-2026-00042" in (meta.title or "")
    assert "Décision" in (meta.title or "")
    assert CERT in (meta.subject or "")


def test_recevable_letter() -> None:
    reader, text = read(
        decision_letter_pdf(letter("recevable", livret2_due="2027-05-24", comment="Bon dossier."))
    )
    common_checks(reader, text)
    assert "déclaré recevable" in text
    assert "livret 2" in text
    assert "24 mai 2027" in text
    assert "jury" in text
    assert "uniquement sur la recevabilité" in text
    assert "Bon dossier." in text
    assert "recevable" in (reader.metadata.title or "")
    assert "non recevable" not in text


def test_recevable_letter_accepts_dates_and_no_due_date() -> None:
    _, text = read(decision_letter_pdf(letter("recevable", decided_on=date(2026, 12, 1))))
    assert "À Paris, le 1er décembre 2026" in text
    assert "dans le délai indiqué dans votre espace candidat" in text


def test_non_recevable_letter() -> None:
    reader, text = read(
        decision_letter_pdf(
            letter(
                "non_recevable",
                reason_label="Durée d'expérience insuffisante",
                comment="Il vous manque 11 mois d'expérience en équivalent temps plein.",
                resubmit_hint="Votre emploi actuel compte : réessayez en 2028.",
            )
        )
    )
    common_checks(reader, text)
    assert "déclaré non recevable" in text
    assert "Durée d'expérience insuffisante" in text
    assert "Il vous manque 11 mois" in text
    assert "réessayez en 2028" in text
    assert (
        "vous pouvez former un recours gracieux auprès de la CPNEFP dans un délai de deux mois "
        "à compter de la réception de ce courrier" in text.replace("Vous pouvez", "vous pouvez")
    )
    assert "R6412-3" in text
    assert "1er janvier 2027" in text  # the next calendar year after the submission
    assert "explications" in text


def test_incomplete_letter() -> None:
    reader, text = read(
        decision_letter_pdf(letter("incomplete", missing=MISSING, comment="Pièces illisibles."))
    )
    common_checks(reader, text)
    for item in MISSING:
        assert item in text
    assert text.count("•") >= len(MISSING)
    assert "incomplet" in text
    assert "espace candidat" in text
    assert "L6412-2" in text
    assert "deux mois" in text
    assert "considéré comme recevable" in text
    assert "Pièces illisibles." in text


def test_hostile_text_renders_as_text() -> None:
    hostile = "<b>gras</b> & <font color='red'>rouge</font> <para>x</para> &amp; \x00\x07\x1b]"
    data = letter(
        "incomplete",
        missing=[hostile, "<br/>", "", None, 42],
        comment=hostile + "\nligne 2\r\nligne 3",
        officer_name="<i>Agent</i>",
        candidate={"first_name": "<script>", "last_name": "O'Brien & fils", "city": "<b>"},
        certification={"title": "CQP <seq/> & co", "option_title": "</para>"},
        dossier_number="<a href='x'>VAE</a>",
    )
    reader, text = read(decision_letter_pdf(data))
    assert "<b>gras</b> & <font color='red'>rouge</font> <para>x</para> &amp;" in text
    assert "ligne 2 ligne 3" in text
    assert "<br/>" in text
    assert "<i>Agent</i>" in text
    assert "<script> O'BRIEN & FILS" in text
    assert "CQP <seq/> & co" in text
    assert "</para>" in text
    assert "<a href='x'>VAE</a>" in text
    assert "42" in text
    assert "\x00" not in text and "\x07" not in text
    assert "<a href='x'>VAE</a>" in (reader.metadata.title or "")


def test_minimal_letters_render() -> None:
    for kind in ("recevable", "non_recevable", "incomplete"):
        reader, text = read(decision_letter_pdf({"kind": kind}))
        assert "Madame, Monsieur," in text
        assert "Pour la CPNEFP" in text
        assert reader.metadata.title
    _, text = read(decision_letter_pdf({"kind": "non_recevable", "submitted_on": "n'importe"}))
    assert "recours gracieux" in text
    assert "l'année civile qui suit le dépôt" in text


def test_wrong_types_do_not_break_the_letter() -> None:
    data = letter(
        "incomplete",
        candidate="Élise",
        certification=["CQP"],
        missing="Une seule pièce manquante",
        version=None,
        decided_on=20261124,
    )
    _, text = read(decision_letter_pdf(data))
    assert "Une seule pièce manquante" in text
    assert "version" not in text.split("Objet")[1].split("—")[0]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        decision_letter_pdf({"kind": "accepted"})
    with pytest.raises(ValueError):
        decision_letter_pdf({})


def test_long_texts_flow_onto_more_pages() -> None:
    missing = [f"Pièce n° {i} : " + "justificatif manquant " * 12 for i in range(40)]
    reader, text = read(
        decision_letter_pdf(
            letter(
                "incomplete", missing=missing, candidate={"address": "x" * 5000}, comment="y" * 9000
            )
        )
    )
    assert len(reader.pages) > 1
    assert f"Page 2 sur {len(reader.pages)}" in text
    assert "Pièce n° 39" in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["recevable", "non_recevable", "incomplete"]),
    text=st.text(),
    items=st.lists(st.text(), max_size=5),
    other=st.none() | st.integers() | st.floats() | st.text(),
)
def test_random_text_never_raises(kind: str, text: str, items: list[str], other: Any) -> None:
    data = letter(
        kind,
        comment=text,
        missing=items,
        reason_label=text,
        resubmit_hint=text,
        officer_name=text,
        dossier_number=text,
        version=other,
        decided_on=other,
        submitted_on=text,
        livret2_due=other,
        candidate={"first_name": text, "last_name": text, "address": text, "city": other},
        certification={"title": text, "option_label": other, "option_title": text},
    )
    assert decision_letter_pdf(data).startswith(b"%PDF-")
