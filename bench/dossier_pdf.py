"""Benchmark: render the PDF of a submitted dossier with 10 activities.

Prints ``BENCH dossier_pdf_ms <median ms> ms`` (median of 15 runs, after one warm-up).
"""

from __future__ import annotations

import statistics
import time

from vae.dossier.pdf import dossier_pdf

RUNS = 15


def snapshot() -> dict:
    activity = {
        "title": "Gestionnaire prestations santé",
        "employer_name": "Mutuelle du Midi",
        "employer_address": "1 place du Capitole, 31000 Toulouse",
        "sector": "Mutuelle santé",
        "status": "salarie",
        "status_label": "Salarié",
        "start": "2016-01-01",
        "end": "2018-12-31",
        "work_time_label": "Temps partiel : 80 % d'un temps plein",
        "main_activities": "Traitement des demandes de remboursement, accueil des adhérents. " * 6,
        "relevant": True,
        "counted": True,
        "reason": None,
        "fte_days_in_window": 876.8,
        "fte_days_total": 876.8,
        "attachments": [
            {
                "kind": "employer_attestation",
                "kind_label": "Attestation employeur",
                "filename": "attestation.pdf",
                "size": 120_000,
                "sha256": "ab" * 32,
            }
        ],
    }
    return {
        "number": "VAE-2026-000042",
        "version": 1,
        "submitted_at": "2026-11-24T10:15:00+00:00",
        "certification": {
            "code": "cqp-spp",
            "title": "CQP Spécialiste prestations",
            "option": {"code": "sante", "title": "Santé", "label": "mention"},
            "referential_version": 1,
        },
        "identity": {
            "last_name": "Martin",
            "first_name": "Camille",
            "address": "12 rue des Lilas",
            "postcode": "75011",
            "city": "Paris",
            "phone": "06 12 34 56 78",
            "email": "camille.martin@exemple.fr",
        },
        "activities": [activity] * 10,
        "eligibility": {
            "rule": {"required_years": 3, "window_years": 12},
            "reference_date": "2026-11-24",
            "window_start": "2014-11-25",
            "eligible": True,
            "relevant_fte_days": 1662.0,
            "relevant_fte_years": 4.55,
            "total_fte_days": 1990.0,
            "missing_fte_days": 0.0,
            "eligible_from": None,
            "warnings": [],
        },
        "education": {"diplomas_prepared": "BTS Assurance", "diplomas_obtained": "Baccalauréat"},
        "trainings": [
            {
                "title": "Législation santé",
                "year": 2019,
                "hours": 14,
                "organisation": "IFPASS",
                "content": "Réforme 100 % santé",
                "attachments": [],
            }
        ],
        "cv": "Dix ans dans les mutuelles.",
        "sworn_statement": [
            {
                "key": "exact",
                "wording": "J'atteste sur l'honneur…",
                "accepted_at": "2026-11-24T10:14:00+00:00",
            }
        ],
    }


def main() -> None:
    data = snapshot()
    dossier_pdf(data)  # warm-up: fonts
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        dossier_pdf(data)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"BENCH dossier_pdf_ms {statistics.median(timings):.1f} ms")


if __name__ == "__main__":
    main()
