"""The dossier PDF and the attestation models (vae.dossier.pdf, .attestations), read back."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from vae.documents import pdf
from vae.documents.text import clean_text
from vae.dossier.attestations import (
    ActivityInfo,
    PersonInfo,
    employer_attestation_pdf,
    volunteer_attestation_pdf,
)
from vae.dossier.pdf import dossier_pdf
from vae.french import long_date as french_long_date
from vae.french import number as french_number

CERT = "CQP Spécialiste prestations santé-prévoyance"
CANDIDATE = PersonInfo(
    last_name="Dupont",
    first_name="Élise",
    address="12 rue des Lilas",
    postcode="75011",
    city="Paris",
    phone="06 12 34 56 78",
    email="elise@example.fr",
)
JOB = ActivityInfo(
    title="Gestionnaire prestations santé",
    employer_name="Mutuelle Générale de l'Ouest",
    employer_address="3 place du Commerce, 44000 Nantes",
    sector="Mutualité",
    status="salarie",
    start=date(2020, 1, 1),
    end=None,
    work_time_label="Temps partiel : 50 %",
    main_activities="Traitement des réclamations complexes.\nContrôle qualité de la production.",
)
VOLUNTEERING = ActivityInfo(
    title="Trésorière",
    employer_name="Association Entraide Santé 44",
    employer_address="5 rue Jean Jaurès, 44000 Nantes",
    sector="Action sociale",
    status="benevole",
    start=date(2018, 9, 1),
    end=date(2023, 6, 30),
    work_time_label="4 h par semaine",
    main_activities="Tenue des comptes, accueil des adhérents.",
)
SWORN = [
    ("accurate", "J'atteste sur l'honneur que toutes les informations fournies sont exactes."),
    ("personal", "J'atteste avoir renseigné moi-même ce dossier."),
    ("single", "Je m'engage à ne déposer qu'une seule demande pour cette certification."),
    ("three", "Je m'engage à ne pas déposer plus de trois demandes de VAE cette année civile."),
]
SECTION_TITLES = (
    "Identité du candidat",
    "Certification visée",
    "Déclaration sur l'honneur",
    "Récapitulatif des emplois (ou activités bénévoles exercées)",
    "Durée de l'expérience et recevabilité",
    "Parcours professionnel (CV synthétique)",
    "Votre parcours de formation",
    "Formation initiale",
    "Formation professionnelle continue",
    "Pièces jointes",
)


def read(data: bytes) -> tuple[PdfReader, str]:
    """The parsed PDF and its text, whitespace (no-break spaces included) collapsed."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def activity(index: int = 0, **overrides: Any) -> dict[str, Any]:
    item = {
        "title": f"Gestionnaire prestations santé {index + 1}",
        "employer_name": "Mutuelle Générale de l'Ouest",
        "employer_address": "3 place du Commerce\n44000 Nantes",
        "sector": "Mutualité",
        "status": "salarie",
        "status_label": "Salarié",
        "start": "2020-01-01",
        "end": None,
        "work_time_label": "Temps partiel : 50 %",
        "main_activities": "Traitement des dossiers complexes de prestations santé.",
        "relevant": True,
        "counted": True,
        "reason": None,
        "fte_days_in_window": 1260.0,
        "fte_days_total": 1260.0,
        "attachments": [
            {
                "kind": "employer_attestation",
                "kind_label": "Attestation employeur",
                "filename": "attestation.pdf",
                "size": 123456,
                "sha256": "ab12cd34ef56" * 5 + "abcd",
            }
        ],
    }
    item.update(overrides)
    return item


def snapshot(activities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "number": "VAE-2026-00042",
        "version": 2,
        "submitted_at": "2026-11-24T10:15:00+00:00",
        "certification": {
            "code": "cqp-spp",
            "title": CERT,
            "option": {"code": "sante", "title": "Santé", "label": "mention"},
            "referential_version": 1,
        },
        "identity": {
            "last_name": "Dupont",
            "first_name": "Élise",
            "address": "12 rue des Lilas",
            "postcode": "75011",
            "city": "Paris",
            "phone": "06 12 34 56 78",
            "email": "elise@example.fr",
        },
        "activities": [activity()] if activities is None else activities,
        "eligibility": {
            "rule": {"required_years": 3, "window_years": 12},
            "reference_date": "2026-11-24",
            "window_start": "2014-11-25",
            "eligible": True,
            "relevant_fte_days": 1662.0,
            "relevant_fte_years": 4.55,
            "total_fte_days": 1800.0,
            "missing_fte_days": 0.0,
            "eligible_from": None,
            "warnings": ["Activités simultanées : un jour ne compte jamais plus d'un jour."],
        },
        "education": {
            "diplomas_prepared": "BTS Assurance",
            "diplomas_obtained": "Baccalauréat ES (2008)\nBTS Assurance (2010)",
        },
        "trainings": [
            {
                "title": "Réglementation des contrats collectifs",
                "year": 2019,
                "hours": 35,
                "organisation": "IFPASS",
                "content": "Contrats responsables, portabilité.",
                "attachments": [
                    {
                        "kind": "training_certificate",
                        "kind_label": "Attestation de formation",
                        "filename": "ifpass.pdf",
                        "size": 800,
                        "sha256": "ffee" * 16,
                    }
                ],
            }
        ],
        "cv": "2010-2019 : conseillère clientèle.\n2020 : gestionnaire prestations santé.",
        "sworn_statement": [
            {"key": key, "wording": wording, "accepted_at": "2026-11-24T10:14:00+00:00"}
            for key, wording in SWORN
        ],
    }


# --------------------------------------------------------------------------- helpers


def test_french_dates_and_numbers() -> None:
    assert french_long_date(date(2026, 11, 24)) == "24 novembre 2026"
    assert french_long_date(date(2020, 1, 1)) == "1er janvier 2020"
    assert french_long_date(date(2021, 8, 15)) == "15 août 2021"
    assert french_number(1662.0, 1) == "1\u00a0662,0"
    assert french_number(4.5541, 2) == "4,55"
    assert french_number(1234567.25, 2) == "1\u00a0234\u00a0567,25"
    assert french_number(float("nan"), 1) == "—"


def test_clean_text_drops_control_characters_but_keeps_newlines() -> None:
    assert clean_text("a\x00b\x07c\x1b[31m\r\nd\te\u2028f") == "abc[31m\nd e\nf"
    assert clean_text(None) == ""
    assert clean_text(42) == "42"


# --------------------------------------------------------------------------- attestations


def test_employer_attestation_is_prefilled_and_ready_to_sign() -> None:
    reader, text = read(employer_attestation_pdf(CANDIDATE, JOB, CERT))
    assert len(reader.pages) >= 1
    for expected in (
        "Attestation d'activités salariées",
        "(à remplir par l'employeur)",
        "Je soussigné(e) M. ou Mme",
        "Agissant en qualité de",
        "Nom de l'entreprise : Mutuelle Générale de l'Ouest",
        "3 place du Commerce, 44000 Nantes",
        "Certifie que Mme ou M. Élise DUPONT",
        "Est ou a été employé(e) depuis le 1er janvier 2020 jusqu'à ce jour",
        "Gestionnaire prestations santé",
        "Travail à temps complet : non",
        "Si temps partiel, indiquez le % par rapport au temps plein : 50 %",
        "Principales activités réalisées dans le cadre de cet emploi",
        "Contrôle qualité de la production.",
        "Signature et cachet de l'employeur",
        "Cachet de l'entreprise",
        "Nom et prénom",
        "Fonction",
        "Date",
        CERT,
        "Page 1 sur",
    ):
        assert expected in text, expected
    assert reader.metadata.title == "Attestation d'activités salariées — Élise DUPONT"
    assert reader.metadata.author
    assert CERT in reader.metadata.subject


def test_employer_attestation_closed_period_and_unknown_work_time() -> None:
    job = ActivityInfo("Gestionnaire", "ACME", end=date(2023, 12, 31), start=date(2019, 3, 4))
    _, text = read(employer_attestation_pdf(CANDIDATE, job, CERT))
    assert "depuis le 4 mars 2019 jusqu'au 31 décembre 2023" in text
    assert "Travail à temps complet : oui / non" in text
    _, text = read(
        employer_attestation_pdf(
            CANDIDATE, ActivityInfo("x", "y", work_time_label="Temps plein"), CERT
        )
    )
    assert "Travail à temps complet : oui" in text
    assert "depuis le ____" in text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Temps partiel : 50 %", "temps plein : 50 %"),
        ("Temps partiel : 80 % d'un temps plein", "temps plein : 80 %"),
        ("Temps partiel : 62,5 % d'un temps plein", "temps plein : 62,5 %"),
        (
            "Temps partiel : 100 h par mois",
            "% (déclaré par le candidat : Temps partiel : 100 h par mois)",
        ),
    ],
)
def test_employer_attestation_part_time(label: str, expected: str) -> None:
    job = ActivityInfo("Gestionnaire", "ACME", work_time_label=label)
    _, text = read(employer_attestation_pdf(CANDIDATE, job, CERT))
    assert "Travail à temps complet : non" in text
    assert expected in text


def test_volunteer_attestation_has_two_officer_signature_blocks() -> None:
    reader, text = read(volunteer_attestation_pdf(CANDIDATE, VOLUNTEERING, CERT))
    assert len(reader.pages) >= 1
    for expected in (
        "Attestation d'activités bénévoles",
        "(à remplir par l'association ou l'organisme d'accueil)",
        "Nous soussigné(e)s",
        "Agissant en qualité de",
        "Nom de l'association ou la structure : Association Entraide Santé 44",
        "5 rue Jean Jaurès, 44000 Nantes",
        "Déclarée le",
        "Certifions que Mme ou M. Élise DUPONT",
        "A exercé une activité bénévole depuis le 1er septembre 2018 jusqu'au 30 juin 2023",
        "Nombre d'heures par semaine : 4",
        "Détaillez les activités bénévoles assurées",
        "Nature des activités : Trésorière",
        "Ces activités bénévoles étaient-elles encadrées ? Si oui, par qui ?",
        "Signatures et cachet de deux responsables de l'association",
        "Premier responsable",
        "Second responsable",
        "Cachet de l'association",
        CERT,
    ):
        assert expected in text, expected
    assert text.count("Fonction dans l'association") == 2
    assert text.count("Signature :") == 2
    assert reader.metadata.title == "Attestation d'activités bénévoles — Élise DUPONT"


def test_volunteer_attestation_open_period() -> None:
    ongoing = ActivityInfo("Bénévole", "Restos", status="benevole", start=date(2024, 2, 29))
    _, text = read(volunteer_attestation_pdf(CANDIDATE, ongoing, CERT))
    assert "depuis le 29 février 2024 jusqu'à ce jour" in text
    hours = ActivityInfo(
        "Bénévole", "Restos", status="benevole", work_time_label="12,5 h par semaine"
    )
    _, text = read(volunteer_attestation_pdf(CANDIDATE, hours, CERT))
    assert "Nombre d'heures par semaine : 12,5" in text


def test_attestations_render_hostile_text_literally() -> None:
    hostile = "<script>alert('x')</script> Tom & Jerry <b>gras</b> \x00\x07\x1b[0m"
    person = PersonInfo(hostile, hostile, hostile)
    job = ActivityInfo(hostile, hostile, hostile, hostile, "salarie", None, None, hostile, hostile)
    for render in (employer_attestation_pdf, volunteer_attestation_pdf):
        _, text = read(render(person, job, hostile))
        assert "<script>alert('x')</script> Tom & Jerry <b>gras</b>" in text


def test_attestation_with_long_activities_spans_pages() -> None:
    long_job = ActivityInfo("Poste", "ACME", main_activities="Instruction des dossiers. " * 800)
    reader, _ = read(employer_attestation_pdf(CANDIDATE, long_job, CERT))
    assert len(reader.pages) > 2


def test_fonts_embed_dejavu_and_fall_back_to_helvetica(monkeypatch, tmp_path) -> None:
    assert b"DejaVuSans" in employer_attestation_pdf(CANDIDATE, JOB, CERT)
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    data = volunteer_attestation_pdf(CANDIDATE, VOLUNTEERING, CERT + " 中文 😀")
    assert b"DejaVuSans" not in data
    _, text = read(data)
    assert "Élise DUPONT" in text
    assert "Premier responsable" in text


person_texts = st.text()
dates = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    person=st.builds(
        PersonInfo, person_texts, person_texts, person_texts, person_texts, person_texts
    ),
    job=st.builds(
        ActivityInfo,
        title=st.text(),
        employer_name=st.text(),
        employer_address=st.text(),
        sector=st.text(),
        status=st.sampled_from(["salarie", "non_salarie", "benevole"]) | st.text(),
        start=dates,
        end=dates,
        work_time_label=st.text(),
        main_activities=st.text(),
    ),
    title=st.text(),
)
def test_random_text_never_breaks_the_attestations(
    person: PersonInfo, job: ActivityInfo, title: str
) -> None:
    for render in (employer_attestation_pdf, volunteer_attestation_pdf):
        reader, _ = read(render(person, job, title))
        assert len(reader.pages) >= 1


# --------------------------------------------------------------------------- the dossier


def test_dossier_lays_out_every_section() -> None:
    reader, text = read(dossier_pdf(snapshot()))
    assert len(reader.pages) >= 1
    for expected in (
        "Dossier de recevabilité VAE",
        "VAE-2026-00042",
        "version 2",
        "déposé le 24 novembre 2026 à 11 h 15",
        *SECTION_TITLES,
        CERT,
        "Mention Santé",
        "Élise",
        "DUPONT",
        "Gestionnaire prestations santé 1",
        "Mutuelle Générale de l'Ouest",
        "du 1er janvier 2020 à ce jour",
        "Temps partiel : 50 %",
        "1 260,0 jours (3,45 ans)",
        "1 662,0 jours (4,55 ans)",
        "1 800,0 jours (4,93 ans)",
        "3 ans d'expérience en rapport avec la certification, au cours des 12 dernières années",
        "du 25 novembre 2014 au 24 novembre 2026",
        "Condition de durée remplie Oui",
        "Activités simultanées",
        "Baccalauréat ES (2008)",
        "Réglementation des contrats collectifs",
        "IFPASS",
        "attestation.pdf",
        "120,6 Ko",
        "ab12cd34ef56ab12",
        "Accepté le 24 novembre 2026 à 11 h 14",
        "2010-2019 : conseillère clientèle.",
        "Page 1 sur",
    ):
        assert expected in text, expected
    for _, wording in SWORN:
        assert wording in text, wording
    assert "ab12cd34ef56ab12c" not in text  # only a prefix of the digest
    assert (
        reader.metadata.title
        == "Dossier de recevabilité VAE VAE-2026-00042 (version 2) — Élise DUPONT"
    )
    assert reader.metadata.author
    assert CERT in reader.metadata.subject


def test_dossier_shows_refused_and_unchecked_items() -> None:
    data = snapshot(
        [
            activity(
                status="benevole",
                relevant=False,
                counted=False,
                reason="Attestation manquante",
                attachments=[],
            )
        ]
    )
    data["sworn_statement"][3]["accepted_at"] = None
    data["eligibility"].update(eligible=False, missing_fte_days=300.0, eligible_from="2027-09-20")
    data["eligibility"]["rule"]["window_years"] = None
    _, text = read(dossier_pdf(data))
    assert "Activité bénévole n° 1" in text
    assert "Non — Attestation manquante" in text
    assert "Aucune pièce jointe" in text
    assert "Non accepté" in text
    assert "Condition de durée remplie Non" in text
    assert "300,0 jours" in text
    assert "20 septembre 2027" in text
    assert "sur l'ensemble du parcours" in text


def test_hostile_and_huge_snapshot_renders_on_many_pages() -> None:
    hostile = "<script>alert(1)</script> <b>gras</b> & &amp; </para> \x00\x01\x1b\x7f fin"
    activities = [
        activity(
            index,
            title=hostile if index % 2 else f"Poste {index}",
            employer_name=hostile,
            sector="x" * 3000 if index < 2 else "Mutualité",  # a word wider than its cell
            main_activities=("Ligne <i>sans</i> fin & suite. " * 700)[:20_000]
            if index == 0
            else hostile,
            start="pas une date",
            end="2023-02-31",
            fte_days_total="NaN",
            relevant=None,
        )
        for index in range(60)
    ]
    data = snapshot(activities)
    data["cv"] = hostile * 50
    data["number"] = hostile * 20
    data["trainings"][0]["title"] = "y" * 5000
    reader, text = read(dossier_pdf(data))
    assert len(reader.pages) > 10
    assert "<script>alert(1)</script> <b>gras</b> & &amp; </para>" in text
    assert "Ligne <i>sans</i> fin & suite." in text
    assert "\x00" not in text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"number": "VAE-2026-00001"},
        {"activities": None, "identity": "x", "eligibility": [], "trainings": [None, 3]},
        {"activities": [{}, None, "x"], "certification": {"option": {}}, "sworn_statement": [{}]},
        {"eligibility": {"rule": {}, "relevant_fte_days": "abc", "warnings": [None, 1]}},
    ],
)
def test_minimal_snapshots_still_render(data: dict[str, Any]) -> None:
    reader, text = read(dossier_pdf(data))
    assert len(reader.pages) >= 1
    assert "Dossier de recevabilité VAE" in text
    assert "Identité du candidat" in text
    assert reader.metadata.title


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), number=st.floats() | st.integers() | st.text() | st.none())
def test_random_text_never_breaks_the_dossier(text: str, number: Any) -> None:
    item = activity(title=text, employer_name=text, main_activities=text, start=text, end=text)
    item.update(work_time_label=text, fte_days_total=number, reason=text, status=text)
    data = snapshot([item])
    data.update(number=text, version=number, submitted_at=text, cv=text)
    data["identity"].update(last_name=text, first_name=text, address=text)
    data["eligibility"].update(relevant_fte_days=number, warnings=[text], reference_date=text)
    data["trainings"][0].update(title=text, hours=number, year=number)
    data["sworn_statement"][0].update(wording=text, accepted_at=text)
    reader, _ = read(dossier_pdf(data))
    assert len(reader.pages) >= 1


def test_attestations_with_nothing_known_are_blank_forms() -> None:
    nobody, nothing = PersonInfo("", ""), ActivityInfo("", "", status="")
    _, text = read(employer_attestation_pdf(nobody, nothing, ""))
    assert "Certifie que Mme ou M. ____" in text
    assert "Nom de l'entreprise : ____" in text
    assert "depuis le ____" in text and "jusqu'au ____" in text
    _, text = read(volunteer_attestation_pdf(nobody, nothing, ""))
    assert "Certifions que Mme ou M. ____" in text
    assert "Nombre d'heures par semaine : ____" in text
