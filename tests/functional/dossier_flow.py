"""Steps of the candidate journey through HTTP, reused by the dossier tests."""

from __future__ import annotations

import io
import re
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import csrf_token, make_pdf, submit

IDENTITY = {
    "last_name": "Martin",
    "first_name": "Camille",
    "address": "12 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
    "phone": "06 12 34 56 78",
    "email": "camille.martin@exemple.fr",
}
FULL_TIME_JOB = {
    "title": "Gestionnaire prestations",
    "employer_name": "Mutuelle du Midi",
    "employer_address": "1 place du Capitole, 31000 Toulouse",
    "sector": "Mutuelle santé",
    "status": "salarie",
    "start_date": "2014-01-01",
    "end_date": "2015-12-31",
    "work_time": "full_time",
    "work_time_value": "",
    "main_activities": "Traitement des demandes de remboursement.",
    "relevant": "oui",
}
HALF_TIME_JOB = {
    **FULL_TIME_JOB,
    "title": "Conseillère prestations",
    "employer_name": "Mutuelle de l'Ouest",
    "start_date": "2020-01-01",
    "end_date": "",
    "ongoing": "y",
    "work_time": "percent",
    "work_time_value": "50",
}


def start_dossier(client: Any, certification: str = "cqp-spp") -> str:
    response = submit(client, "/dossiers/nouveau", {"certification": certification})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/dossiers/([0-9a-f-]{36})/", response.headers["Location"])
    assert match
    return match.group(1)


def url(dossier_id: str, path: str = "") -> str:
    return f"/dossiers/{dossier_id}/{path}"


def add_activity(client: Any, dossier_id: str, data: dict[str, Any]) -> Any:
    return submit(client, url(dossier_id, "experience/nouvelle"), data)


def activity_ids(client: Any, dossier_id: str) -> list[str]:
    html = client.get(url(dossier_id, "experience")).get_data(as_text=True)
    return list(dict.fromkeys(re.findall(r'id="activite-([0-9a-f-]{36})"', html)))


def upload(
    client: Any,
    dossier_id: str,
    target: str,
    kind: str,
    content: bytes,
    filename: str = "attestation.pdf",
) -> Any:
    value = csrf_token(client.get(url(dossier_id, "pieces")).data)
    data = {
        "target": target,
        f"{target}-csrf_token": value,
        f"{target}-target": target,
        f"{target}-kind": kind,
        f"{target}-file": FileStorage(
            io.BytesIO(content), filename=filename, content_type="application/octet-stream"
        ),
    }
    # Encoded in memory: werkzeug would spool a large body to a temporary file that stays
    # open when the app refuses the request before reading it (413).
    boundary, body = encode_multipart(data)
    return client.post(
        url(dossier_id, "pieces"),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def complete_dossier(client: Any, certification: str = "cqp-spp", option: str = "sante") -> str:
    """A dossier ready to submit: the worked example of DOMAIN.md, with evidence."""
    dossier_id = start_dossier(client, certification)
    if option:
        submit(client, url(dossier_id, "certification"), {"option": option})
    else:
        submit(client, url(dossier_id, "certification"), {})
    submit(client, url(dossier_id, "identite"), IDENTITY)
    assert add_activity(client, dossier_id, FULL_TIME_JOB).status_code == 302
    assert add_activity(client, dossier_id, HALF_TIME_JOB).status_code == 302
    submit(
        client,
        url(dossier_id, "formation"),
        {"diplomas_prepared": "BTS Assurance", "diplomas_obtained": "Baccalauréat"},
    )
    submit(client, url(dossier_id, "cv"), {"cv": "Dix ans dans les mutuelles."})
    for activity_id in activity_ids(client, dossier_id):
        response = upload(
            client, dossier_id, f"a-{activity_id}", "employer_attestation", make_pdf()
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return dossier_id


SWORN = {"exact": "y", "personal": "y", "single_request": "y", "three_requests": "y"}
