"""The jury's documents (vae.jury.documents, vae.jury.certificates), read back with pypdf."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from vae.documents.pdf import PDF_AUTHOR
from vae.jury.documents import (
    block_certificate_pdf,
    calendar_data,
    calendar_ics,
    certification_pdf,
    convocation_pdf,
    minutes_pdf,
)

CERT = "CQP Délégué de l'Assurance Maladie"
CODE = "ABCD-EFGH-JKLM"
URL = f"https://vae.example.fr/verifier/{CODE}"
RECOMMENDATION = "Conduire trois réunions pluriprofessionnelles en co-animation avec un référent"
B1 = [
    ("C1", "Gérer son agenda en planifiant ses rendez-vous", True, 4, 4),
    ("C2", "Répondre et argumenter aux objections des professionnels de santé", True, 3, 3),
    ("C3", "Adapter l'argumentaire type aux caractéristiques de chaque professionnel", True, 4, 4),
    ("C4", "Partager son retour d'expérience avec ses collègues", False, 2, 4),
    ("C5", "Rédiger des comptes rendus et des synthèses des visites réalisées", True, 3, 3),
    ("C6", "Alimenter les tableaux de bords de suivi de l'activité", True, 4, 4),
]
B3 = [
    ("C12", "Préparer l'animation en fonction du contexte", True, 3, 3),
    ("C13", "Animer une réunion pluridisciplinaire", False, 1, 3),
    ("C14", "Répondre aux besoins des professionnels de santé", True, 3, 3),
    ("C15", "Synthétiser les éléments importants de la réunion", True, 3, 3),
]


def read(data: bytes) -> tuple[PdfReader, str]:
    """The parsed PDF and its text, whitespace (no-break spaces included) collapsed."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def convocation(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dossier_number": "VAE-2026-00042",
        "candidate": {
            "first_name": "Élise",
            "last_name": "Dupont",
            "address": "12 rue des Lilas",
            "postcode": "75011",
            "city": "Paris",
        },
        "certification": {"title": CERT, "option_title": ""},
        "session": {
            "starts_at": "2027-01-12T13:30:00+00:00",
            "duration_minutes": 45,
            "place": "Ucanss, 33 avenue du Maine, 75015 Paris, salle 4",
            "video_link": "",
        },
        "issued_on": "2026-12-01",
        "documents_to_bring": ["Votre carte nationale d'identité", "Votre livret 2 imprimé"],
        "contact": {"email": "vae@cpnefp.example.fr", "phone": "01 23 45 67 89"},
    }
    data.update(overrides)
    return data


def competencies(rows: list[tuple[str, str, bool, int, int]]) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "title": title,
            "validated": ok,
            "criteria_met": met,
            "criteria_required": needed,
            "comment": "" if ok else f"{code} : démonstration insuffisante",
        }
        for code, title, ok, met, needed in rows
    ]


def minutes(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dossier_number": "VAE-2026-00042",
        "candidate": {"first_name": "Élise", "last_name": "Dupont"},
        "certification": {"title": CERT, "option_title": "", "block_label": "bloc"},
        "session": {"starts_at": "2027-01-12T13:30:00Z", "place": "Ucanss, Paris"},
        "members": [
            {
                "name": "Claire Martin",
                "kind_label": "Représentante de l'organisme certificateur",
                "signed_at": "2027-01-12T14:40:00+00:00",
            },
            {
                "name": "Paul Leroy",
                "kind_label": "Professionnel expérimenté de la branche",
                "signed_at": None,
            },
        ],
        "blocks": [
            {
                "code": "B1",
                "title": "Gestion de la relation Assurance Maladie - Professionnels de Santé",
                "validated": True,
                "validated_count": 5,
                "required_count": 5,
                "key_missing": [],
                "competencies": competencies(B1),
                "comment": "Visites bien préparées, argumentaire solide.",
                "recommendation": "",
            },
            {
                "code": "B3",
                "title": "Facilitation de projets de santé par l'Assurance Maladie",
                "validated": False,
                "validated_count": 3,
                "required_count": 4,
                "key_missing": ["C13"],
                "competencies": competencies(B3),
                "comment": "La co-animation n'a pas été démontrée.",
                "recommendation": RECOMMENDATION,
            },
        ],
        "threshold_percent": 80,
    }
    data.update(overrides)
    return data


def ccp(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "holder": {"first_name": "Élise", "last_name": "Dupont"},
        "certification": {"title": CERT, "rncp": "RNCP34567"},
        "block": {
            "code": "B1",
            "title": "Gestion de la relation Assurance Maladie - Professionnels de Santé",
            "competencies": [{"code": c, "title": t} for c, t, *_ in B1],
        },
        "proclaimed_on": "2027-02-12",
        "expires_on": None,
        "verification_code": CODE,
        "verify_url": URL,
        "issuer": "CPNEFP",
    }
    data.update(overrides)
    return data


def cqp(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "holder": {"first_name": "Élise", "last_name": "Dupont"},
        "certification": {"title": CERT, "rncp": "34567", "option_title": ""},
        "blocks": [
            {
                "code": "B1",
                "title": "Gestion de la relation AM - PS",
                "proclaimed_on": "2027-02-12",
            },
            {"code": "B2", "title": "Gestion du risque", "proclaimed_on": "2027-02-12"},
            {"code": "B3", "title": "Facilitation de projets", "proclaimed_on": "2028-03-01"},
        ],
        "awarded_on": "2028-03-01",
        "verification_code": CODE,
        "verify_url": URL,
        "issuer": "CPNEFP",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- convocation


def test_convocation_says_when_where_what_to_bring_and_how_it_goes() -> None:
    reader, text = read(convocation_pdf(convocation()))
    assert "Madame, Monsieur," in text
    assert "À Paris, le 1er décembre 2026" in text
    assert "le mardi 12 janvier 2027 à 14 h 30 (heure de Paris)" in text  # UTC+1 in winter
    assert "fin prévue vers 15 h 15" in text
    assert "45 minutes" in text
    assert "Ucanss, 33 avenue du Maine" in text
    assert "Élise DUPONT" in text and "75011 PARIS" in text
    assert CERT in text and "VAE-2026-00042" in text
    assert "Votre carte nationale d'identité" in text
    assert "pièce d'identité en cours de validité" not in text  # the list already holds one
    assert "livret 2" in text and "deux membres du jury" in text
    assert "empêchement" in text and "vae@cpnefp.example.fr" in text
    assert reader.metadata.title == "Convocation à l'entretien avec le jury VAE — Élise DUPONT"
    assert reader.metadata.author == PDF_AUTHOR
    assert CERT in reader.metadata.subject


def test_convocation_by_video_in_summer_time_adds_the_id_card() -> None:
    session = {
        "starts_at": "2027-07-06T07:00:00+00:00",
        "duration_minutes": 45,
        "place": "",
        "video_link": "https://visio.example.fr/jury/abc?x=1&y=2",
    }
    _, text = read(convocation_pdf(convocation(session=session, documents_to_bring=[])))
    assert "le mardi 6 juillet 2027 à 9 h 00" in text  # UTC+2 in summer
    assert "https://visio.example.fr/jury/abc?x=1&y=2" in text
    assert "à distance" in text and "caméra" in text
    assert "pièce d'identité en cours de validité" in text


def test_convocation_without_a_slot_or_anything_else_still_renders() -> None:
    _, text = read(convocation_pdf({}))
    assert "Madame, Monsieur," in text
    assert "confirmées prochainement" in text
    _, text = read(convocation_pdf(convocation(session={"starts_at": "demain"})))
    assert "À confirmer" in text


# --------------------------------------------------------------------------- calendar


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    return data[:-2].split(b"\r\n")


def unfold(data: bytes) -> dict[str, str]:
    """The properties by name, the first of each (the event's before its alarm's)."""
    text = data.decode("utf-8").replace("\r\n ", "")
    props: dict[str, str] = {}
    for line in text[:-2].split("\r\n"):
        if ":" in line:
            name, value = line.split(":", 1)
            props.setdefault(name, value)
    return props


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def event(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uid": "jury-slot-42@vae.example.fr",
        "starts_at": "2027-01-12T13:30:00+00:00",
        "duration_minutes": 45,
        "summary": f"Entretien avec le jury VAE – {CERT}",
        "location": "Ucanss, 33 avenue du Maine; salle 4",
        "description": "Présentation du livret 2, puis échange.\nApportez : CNI, livret 2\\copie",
        "stamp": "2026-12-01T09:15:00+00:00",
    }
    data.update(overrides)
    return data


def test_calendar_is_an_rfc5545_event_in_utc() -> None:
    data = calendar_ics(event())
    lines = physical_lines(data)
    assert lines[:5] == [
        b"BEGIN:VCALENDAR",
        b"PRODID:-//Plateforme VAE des certifications de branche//Jury VAE//FR",
        b"VERSION:2.0",
        b"CALSCALE:GREGORIAN",
        b"METHOD:REQUEST",
    ]
    assert lines[-2:] == [b"END:VEVENT", b"END:VCALENDAR"]
    props = unfold(data)
    assert props["UID"] == "jury-slot-42@vae.example.fr"
    assert props["DTSTAMP"] == "20261201T091500Z"
    assert props["DTSTART"] == "20270112T133000Z"
    assert props["DTEND"] == "20270112T141500Z"
    assert props["SUMMARY"] == f"Entretien avec le jury VAE – {CERT}"
    assert props["LOCATION"] == "Ucanss\\, 33 avenue du Maine\\; salle 4"
    assert props["DESCRIPTION"] == (
        "Présentation du livret 2\\, puis échange.\\nApportez : CNI\\, livret 2\\\\copie"
    )
    assert unescape(props["DESCRIPTION"]) == event()["description"]


def test_calendar_reads_back_with_icalendar() -> None:
    from datetime import UTC, datetime

    import icalendar

    calendar = icalendar.Calendar.from_ical(calendar_ics(event()))
    (slot,) = calendar.walk("VEVENT")
    assert str(slot["SUMMARY"]) == f"Entretien avec le jury VAE – {CERT}"
    assert str(slot["LOCATION"]) == "Ucanss, 33 avenue du Maine; salle 4"
    assert str(slot["UID"]) == "jury-slot-42@vae.example.fr"
    assert slot.decoded("DTSTART") == datetime(2027, 1, 12, 13, 30, tzinfo=UTC)
    assert slot.decoded("DTEND") == datetime(2027, 1, 12, 14, 15, tzinfo=UTC)
    assert slot.decoded("DTSTAMP") == datetime(2026, 12, 1, 9, 15, tzinfo=UTC)
    assert str(slot["DESCRIPTION"]) == event()["description"]


def test_calendar_is_an_invitation_from_the_certifier_with_an_alarm_the_day_before() -> None:
    import icalendar

    calendar = icalendar.Calendar.from_ical(calendar_ics(event(attendee="elise@exemple.fr")))
    assert calendar["METHOD"] == "REQUEST"
    (slot,) = calendar.walk("VEVENT")
    assert str(slot["ORGANIZER"]) == "mailto:cpnefp@vae.invalid"  # the default CPNEFP_EMAIL
    assert slot["ORGANIZER"].params["CN"] == "CPNEFP"
    assert str(slot["ATTENDEE"]) == "mailto:elise@exemple.fr"
    (alarm,) = slot.walk("VALARM")
    assert alarm.decoded("TRIGGER").days == -1 and alarm["ACTION"] == "DISPLAY"


def test_calendar_converts_other_offsets_to_utc() -> None:
    props = unfold(calendar_ics(event(starts_at="2027-07-06T09:00:00+02:00", duration_minutes=90)))
    assert props["DTSTART"] == "20270706T070000Z"
    assert props["DTEND"] == "20270706T083000Z"


def test_calendar_folds_long_utf8_lines_at_75_octets() -> None:
    description = "Entretien « été » – 🎓 déjà vu, à préparer; " * 12
    data = calendar_ics(event(description=description))
    lines = physical_lines(data)
    assert all(len(line) <= 75 for line in lines)
    assert sum(line.startswith(b" ") for line in lines) >= 8
    for line in lines:
        line.decode("utf-8")  # no character cut between two physical lines
    assert unescape(unfold(data)["DESCRIPTION"]) == description.strip()


def test_calendar_needs_a_start_time() -> None:
    with pytest.raises(ValueError):
        calendar_ics(event(starts_at=None))
    with pytest.raises(ValueError):
        calendar_ics({})


def test_calendar_data_comes_from_the_convocation() -> None:
    data = calendar_data(convocation(), uid="u-1@vae", stamp="2026-12-01T09:00:00+00:00")
    assert data["summary"] == f"Entretien avec le jury VAE – {CERT}"
    assert data["location"].startswith("Ucanss, 33 avenue du Maine")
    assert "VAE-2026-00042" in data["description"]
    props = unfold(calendar_ics(data))
    assert props["DTSTART"] == "20270112T133000Z" and props["UID"] == "u-1@vae"


# --------------------------------------------------------------------------- minutes


def test_minutes_show_results_rule_signatures_and_recommendations() -> None:
    reader, text = read(minutes_pdf(minutes()))
    assert "Procès-verbal du jury VAE" in text
    assert "Élise DUPONT" in text and "VAE-2026-00042" in text and CERT in text
    assert "le mardi 12 janvier 2027 à 14 h 30" in text
    assert "Claire Martin" in text and "Paul Leroy" in text
    assert "Représentante de l'organisme certificateur" in text
    assert "Validé en ligne le 12 janvier 2027 à 15 h 40 par Claire Martin" in text
    assert "Pas encore validé en ligne" in text and "électroniquement" not in text
    assert "Proposition non définitive" in text
    assert "Bloc B1 — Gestion de la relation" in text
    assert "au moins 5 compétences sur 6 et toutes les compétences clés" in text
    assert "au moins 4 compétences sur 4 et toutes les compétences clés" in text
    assert "Résultat : Validé" in text and "Résultat : Non validé" in text
    assert "Compétences clés non validées : C13" in text
    assert "2 / 4" in text and "C4 : démonstration insuffisante" in text
    assert "Préconisations pour la suite du parcours" in text
    assert RECOMMENDATION in text
    assert text.count("Préconisations pour la suite du parcours") == 1  # B1 is validated
    assert "Blocs validés (1)" in text and "Blocs non validés (1)" in text
    assert "jury paritaire national de la CPNEFP" in text
    assert "Page 1 sur" in text
    assert reader.metadata.title.startswith("Procès-verbal du jury VAE — Élise DUPONT")
    assert reader.metadata.author == PDF_AUTHOR


def test_minutes_signed_by_both_are_final_and_domains_are_named_so() -> None:
    data = minutes(certification={"title": "CQP SPP", "block_label": "domaine"})
    data["members"][1]["signed_at"] = "2027-01-12T15:05:00+00:00"
    _, text = read(minutes_pdf(data))
    assert "Pas encore validé en ligne" not in text
    assert "Validé en ligne le 12 janvier 2027 à 16 h 05 par Paul Leroy" in text
    assert "elle est définitive" in text
    assert "Domaine B3" in text and "Domaines non validés (1)" in text


def test_minutes_without_data_still_render() -> None:
    _, text = read(minutes_pdf({}))
    assert "Aucun membre désigné" in text and "Blocs validés (0)" in text


# --------------------------------------------------------------------------- certificates


def test_block_certificate() -> None:
    reader, text = read(block_certificate_pdf(ccp()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    assert "Certificat de compétences professionnelles" in text
    assert "Élise DUPONT" in text
    assert "B1 — Gestion de la relation Assurance Maladie" in text
    assert "C6" in text and "Alimenter les tableaux de bords" in text
    assert "RNCP34567" in text and CERT in text
    assert "Proclamé le 12 février 2027" in text
    assert "sans limitation de durée" in text
    assert f"Code de vérification : {CODE}" in text and URL in text
    assert "CPNEFP" in text and "jury paritaire national" in text
    assert reader.metadata.title.startswith("Certificat de compétences professionnelles — B1")
    assert reader.metadata.author == PDF_AUTHOR


def test_block_certificate_with_an_expiry_date() -> None:
    # expires_on is the first day it no longer counts: the certificate shows the last valid day.
    _, text = read(block_certificate_pdf(ccp(expires_on="2032-02-01")))
    assert "Bloc acquis jusqu'au 31 janvier 2032" in text
    assert "sans limitation" not in text


def test_certification() -> None:
    reader, text = read(certification_pdf(cqp()))
    assert len(reader.pages) == 1
    assert "Certificat de qualification professionnelle" in text
    assert "Élise DUPONT" in text and CERT in text and "RNCP 34567" in text
    assert "Gestion du risque" in text and "1er mars 2028" in text and "12 février 2027" in text
    assert "Délivré le 1er mars 2028" in text
    assert CODE in text and URL in text
    assert reader.metadata.author == PDF_AUTHOR


def test_certification_heading_and_participle_agree() -> None:
    rncp = cqp(certification={"title": "Gestionnaire de parcours adhérents/clients"})
    _, text = read(certification_pdf(rncp))
    assert "Certification professionnelle obtenue par la validation des acquis" in text
    spelled = cqp(certification={"title": "Certificat de Qualification Professionnelle DAM"})
    _, text = read(certification_pdf(spelled))
    assert "Certificat de qualification professionnelle obtenu par la validation" in text


def test_certificates_fit_one_page_with_huge_or_missing_content() -> None:
    long_block = ccp()
    long_block["block"]["competencies"] *= 12
    for data in (long_block, {}, ccp(holder={"first_name": "A" * 400})):
        reader, _ = read(block_certificate_pdf(data))
        assert len(reader.pages) == 1
    reader, text = read(certification_pdf({}))
    assert len(reader.pages) == 1 and "Certification professionnelle" in text


# --------------------------------------------------------------------------- random text

TEXT = st.text(max_size=120)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=TEXT, last=TEXT, comment=TEXT, place=TEXT)
def test_random_text_never_breaks_the_pdfs(first: str, last: str, comment: str, place: str) -> None:
    who = {"first_name": first, "last_name": last, "address": comment, "city": place}
    session = {"starts_at": "2027-01-12T13:30:00Z", "place": place, "video_link": comment}
    data = minutes(candidate=who, session=session)
    data["members"][0]["name"] = first
    data["blocks"][1]["comment"] = comment
    data["blocks"][1]["recommendation"] = comment
    data["blocks"][1]["competencies"][0]["title"] = last
    outputs = [
        convocation_pdf(convocation(candidate=who, session=session, documents_to_bring=[comment])),
        minutes_pdf(data),
        block_certificate_pdf(ccp(holder=who, verification_code=comment, verify_url=place)),
        certification_pdf(cqp(holder=who, certification={"title": comment, "rncp": last})),
    ]
    assert all(output.startswith(b"%PDF-") for output in outputs)


@settings(max_examples=60, deadline=None)
@given(summary=TEXT, location=TEXT, description=st.text(max_size=400))
def test_random_text_in_the_calendar_folds_and_round_trips(
    summary: str, location: str, description: str
) -> None:
    data = calendar_ics(event(summary=summary, location=location, description=description))
    lines = physical_lines(data)
    assert all(len(line) <= 75 for line in lines)
    props = unfold(data)
    if props.get("DESCRIPTION"):
        assert "\n" not in props["DESCRIPTION"]
        assert re.search(r"(?<!\\)(\\\\)*[,;]", props["DESCRIPTION"]) is None


def test_markup_in_user_text_is_printed_not_interpreted() -> None:
    name = {"first_name": "Zoé <b>&amp;", "last_name": "O'Brien & Cie </para>"}
    data = minutes(candidate=name)
    data["blocks"][1]["recommendation"] = "Relire <i>le guide</i> & refaire\nun essai"
    for pdf in (minutes_pdf(data), block_certificate_pdf(ccp(holder=name))):
        _, text = read(pdf)
        assert "Zoé <b>&amp; O'BRIEN & CIE </PARA>" in text
    assert "Relire <i>le guide</i> & refaire un essai" in read(minutes_pdf(data))[1]
