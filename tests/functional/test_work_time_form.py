"""The activity form accepts work time above full time (39 h a week is common) up to 48 h a week
or 208 h a month, tells the candidate it counts as full time, and refuses beyond."""

from __future__ import annotations

from tests.functional.dossier_flow import FULL_TIME_JOB, add_activity, start_dossier, url
from tests.helpers import text

NOTE = "au-delà de 35\u00a0h par semaine, l'activité compte comme un temps plein"


def test_39_hours_a_week_are_accepted_with_a_note(candidate) -> None:
    dossier_id = start_dossier(candidate)
    job = {**FULL_TIME_JOB, "work_time": "hours_per_week", "work_time_value": "39"}
    assert add_activity(candidate, dossier_id, job).status_code == 302
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "39 h par semaine" in html and NOTE in html
    assert "Temps partiel" not in html.split("Gestionnaire prestations", 1)[1].split("</p>")[0]


def test_169_hours_a_month_are_accepted_with_a_note(candidate) -> None:
    dossier_id = start_dossier(candidate)
    job = {**FULL_TIME_JOB, "work_time": "hours_per_month", "work_time_value": "169"}
    assert add_activity(candidate, dossier_id, job).status_code == 302
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "au-delà de 151,67\u00a0h par mois, l'activité compte comme un temps plein" in html


def test_implausible_hours_are_refused_beside_the_field(candidate) -> None:
    dossier_id = start_dossier(candidate)
    for mode, value, message in (
        ("hours_per_week", "49", "Plus de 48\u00a0h par semaine n'est pas plausible"),
        ("hours_per_month", "208,5", "Plus de 208\u00a0h par mois n'est pas plausible"),
        ("percent", "101", "Le pourcentage doit être compris entre 1 et 100."),
    ):
        job = {**FULL_TIME_JOB, "work_time": mode, "work_time_value": value}
        response = add_activity(candidate, dossier_id, job)
        assert response.status_code == 200, mode
        assert message in text(response), mode
    assert "Gestionnaire prestations" not in text(candidate.get(url(dossier_id, "experience")))
