"""The API's writes: a recevabilité decision and a proclamation through the screens' operations,
scoped to the token's certifier, each with an Idempotency-Key (replay, mismatch, concurrency)."""

from __future__ import annotations

import http.client
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.functional import live, test_review
from tests.functional.api_flow import bearer, make_token
from tests.functional.certifier_flow import COURTAGE, MUTUALITE, certifier_id, submitted_dossiers
from tests.functional.jury_flow import compose, member, signed, to_livret2_submitted
from tests.helpers import message_body, outbox_messages
from vae import audit, clock
from vae.api import idempotency
from vae.api.models import IdempotencyRecord, WebhookDelivery, WebhookEndpoint
from vae.certifiers.models import Certifier
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import Jury, MemberKind, Proclamation
from vae.review.models import Decision
from vae.roles import Role

submitted = test_review.submitted  # the submitted cqp-spp dossier of the review tests
RECEVABLE = {"kind": "recevable", "livret2_due": "2027-06-30", "comment": "Dossier complet."}


@pytest.fixture
def officer(app, make_user) -> Any:
    """A CPNEFP officer of the CPNEFP Mutualité (cqp-spp's certifier)."""
    return make_user(
        Role.STAFF, email="sophie.bernard@exemple.fr", first_name="Sophie", certifiers=(MUTUALITE,)
    )


def post(client: Any, path: str, secret: str, body: Any, key: str | None = "cle-1") -> Any:
    headers = bearer(secret)
    if key is not None:
        headers[idempotency.HEADER] = key
    return client.post("/api/v1" + path, headers=headers, json=body)


def decision_body(officer: Any, **extra: Any) -> dict[str, Any]:
    return {**RECEVABLE, "decided_by": officer.email, **extra}


def decisions_of(app: Any, dossier_id: Any) -> list[Decision]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Decision).where(Decision.dossier_id == uuid.UUID(str(dossier_id)))
            )
        )


def certifier_name(app: Any, code: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Certifier.name).where(Certifier.code == code))


def test_an_api_decision_writes_the_letter_email_and_audit_of_the_screens(
    app,
    client,
    submitted,
    officer,
) -> None:
    secret = make_token(app, scopes=("read", "decide"))
    before = len(outbox_messages(app))

    response = post(client, f"/dossiers/{submitted}/decisions", secret, decision_body(officer))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "recevable" and body["livret2_due"] == "2027-06-30"
    assert response.headers.get(idempotency.REPLAYED) is None
    [decision] = decisions_of(app, submitted)
    assert str(decision.id) == body["id"]
    assert decision.decided_by_id == officer.id and decision.letter_stored_name
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(submitted))
        assert dossier.status == DossierStatus.RECEVABLE
        entries = audit.history("dossier", dossier.id)
        decided = [e for e in entries if e.action == "decided"]
        assert [e.actor_label for e in decided] == [
            f"API : Système de test ({certifier_name(app, MUTUALITE)})"
        ]
        assert decided[0].api_token_id is not None and decided[0].actor_id is None
    mails = outbox_messages(app)[before:]
    assert len(mails) == 1
    assert "recevable" in mails[0]["Subject"]
    assert any(p.get_filename().endswith("-decision.pdf") for p in mails[0].iter_attachments())
    assert "livret 2" in message_body(mails[0])


def test_scopes_are_checked_before_anything(app, client, submitted, officer) -> None:
    reader = make_token(app, scopes=("read",))
    decider = make_token(app, scopes=("decide",))
    path = f"/dossiers/{submitted}/decisions"

    refused = post(client, path, reader, decision_body(officer))
    anonymous = client.post("/api/v1" + path, json=decision_body(officer))
    no_proclaim = post(client, f"/juries/{uuid.uuid4()}/proclamation", decider, {})

    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "«\u00a0decide\u00a0»" in refused.get_json()["detail"]
    assert anonymous.status_code == 401
    assert no_proclaim.status_code == 403
    assert decisions_of(app, submitted) == []


def test_another_certifiers_token_gets_a_404_and_changes_nothing(
    app,
    client,
    submitted,
    officer,
) -> None:
    theirs = make_token(app, code=COURTAGE, scopes=("decide",))

    response = post(client, f"/dossiers/{submitted}/decisions", theirs, decision_body(officer))
    unknown = post(client, f"/dossiers/{uuid.uuid4()}/decisions", theirs, decision_body(officer))

    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert unknown.status_code == 404
    assert decisions_of(app, submitted) == []


def test_the_idempotency_key_is_required(app, client, submitted, officer) -> None:
    secret = make_token(app, scopes=("decide",))

    response = post(
        client, f"/dossiers/{submitted}/decisions", secret, decision_body(officer), None
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["detail"]
    assert decisions_of(app, submitted) == []


def test_a_replay_gets_the_stored_answer_and_writes_nothing_more(
    app,
    client,
    submitted,
    officer,
) -> None:
    secret = make_token(app, scopes=("decide",))
    path = f"/dossiers/{submitted}/decisions"
    first = post(client, path, secret, decision_body(officer))
    mails = len(outbox_messages(app))

    again = post(client, path, secret, {"decided_by": officer.email, **RECEVABLE})  # keys reordered

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers[idempotency.REPLAYED] == "true"
    assert len(decisions_of(app, submitted)) == 1
    assert len(outbox_messages(app)) == mails


def test_the_same_key_with_another_request_is_a_422(app, client, submitted, officer) -> None:
    secret = make_token(app, scopes=("decide",))
    path = f"/dossiers/{submitted}/decisions"
    assert post(client, path, secret, decision_body(officer)).status_code == 201

    other = post(client, path, secret, decision_body(officer, comment="Autre texte."))

    assert other.status_code == 422
    assert "déjà servi pour une autre requête" in other.get_json()["detail"]
    assert len(decisions_of(app, submitted)) == 1


def test_bad_fields_get_a_422_with_a_french_message_per_field(
    app,
    client,
    submitted,
    officer,
) -> None:
    secret = make_token(app, scopes=("decide",))
    body = {"kind": "non_recevable", "decided_by": "inconnu@exemple.fr", "livret2_due": "31/06"}

    response = post(client, f"/dossiers/{submitted}/decisions", secret, body)

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = {e["field"]: e["detail"] for e in response.get_json()["errors"]}
    assert errors == {
        "decided_by": "Aucun compte actif de la CPNEFP n'a cette adresse électronique.",
        "comment": "Ce champ est obligatoire.",
        "reason_code": "Ce champ est obligatoire.",
        "livret2_due": "Date attendue au format AAAA-MM-JJ (par exemple 2027-05-31).",
    }
    assert decisions_of(app, submitted) == []
    # Refused, so not stored: the corrected request may reuse the key.
    assert (
        post(client, f"/dossiers/{submitted}/decisions", secret, decision_body(officer)).status_code
        == 201
    )


def test_an_officer_of_another_certifier_cannot_be_named(
    app,
    client,
    submitted,
    make_user,
) -> None:
    stranger = make_user(Role.STAFF, email="courtage@exemple.fr", certifiers=(COURTAGE,))
    secret = make_token(app, scopes=("decide",))

    response = post(client, f"/dossiers/{submitted}/decisions", secret, decision_body(stranger))

    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "field": "decided_by",
            "detail": "Ce compte ne travaille pas pour le certificateur de ce jeton.",
        }
    ]


def test_a_stale_version_is_a_409_and_a_decided_dossier_a_422(
    app,
    client,
    submitted,
    officer,
) -> None:
    secret = make_token(app, scopes=("decide",))
    path = f"/dossiers/{submitted}/decisions"
    with app.app_context():
        version = db.session.get(Dossier, uuid.UUID(submitted)).lock_version

    stale = post(client, path, secret, decision_body(officer, lock_version=version - 1), "a")
    done = post(client, path, secret, decision_body(officer, lock_version=version), "b")
    late = post(client, path, secret, decision_body(officer), "c")

    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    assert "modifié par quelqu'un d'autre" in stale.get_json()["detail"]
    assert done.status_code == 201
    assert late.status_code == 422
    assert "n'est pas en attente de décision" in late.get_json()["detail"]
    assert len(decisions_of(app, submitted)) == 1


def test_purge_deletes_the_records_older_than_a_day(app, client, submitted, officer) -> None:
    secret = make_token(app, scopes=("decide",))
    assert (
        post(client, f"/dossiers/{submitted}/decisions", secret, decision_body(officer)).status_code
        == 201
    )
    with app.app_context():
        [record] = db.session.scalars(select(IdempotencyRecord)).all()
        fresh = app.test_cli_runner().invoke(args=["api", "purge-idempotency"])
        record = db.session.merge(record)
        record.created_at = clock.now() - timedelta(hours=25)
        db.session.commit()
    old = app.test_cli_runner().invoke(args=["api", "purge-idempotency"])

    assert "effacées : 0" in fresh.output, fresh.output
    assert "effacées : 1" in old.output, old.output


def test_a_proclamation_through_the_api(
    app, client, candidate, make_user, logged_in, session_id
) -> None:
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    staff_client = logged_in(Role.STAFF, email="proclame@exemple.fr", certifiers=(MUTUALITE,))
    staff = staff_client.user
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff_client, dossier_id, session_id, certifier, professional).status_code == 302
    signed(app, (dossier_id, certifier_user, professional_user, staff_client), {"D1", "D2"})
    with app.app_context():
        jury_id = Jury.of_dossier(uuid.UUID(dossier_id)).id
        db.session.add(
            WebhookEndpoint(
                certifier_id=certifier_id(MUTUALITE),
                url="https://exemple.fr/vae",
                secret="s",
                events="jury.proclaimed",
            )
        )
        db.session.commit()
    secret = make_token(app, scopes=("proclaim",))
    body = {
        "proclaimed_by": staff.email,
        "proclaimed_on": "2026-11-20",
        "results": {"D3": True},
    }
    missing_reason = post(client, f"/juries/{jury_id}/proclamation", secret, body, "p1")

    body["reasons"] = {"D3": "Démonstration convaincante devant le jury plénier."}
    response = post(client, f"/juries/{jury_id}/proclamation", secret, body, "p2")

    assert missing_reason.status_code == 422
    assert "indiquez la raison de l'écart" in missing_reason.get_json()["detail"]
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "proclaimed" and answer["results"]["D3"] is True
    with app.app_context():
        proclamation = db.session.scalar(
            select(Proclamation).where(Proclamation.dossier_id == uuid.UUID(dossier_id))
        )
        assert proclamation.by_id == staff.id
        labels = [
            e.actor_label for e in audit.history("dossier", dossier_id) if e.action == "proclaimed"
        ]
        assert labels == [f"API : Système de test ({certifier_name(app, MUTUALITE)})"]
        [announced] = db.session.scalars(select(WebhookDelivery)).all()
        assert announced.event == "jury.proclaimed"
        assert json.loads(announced.payload)["results"]["D3"] is True
    assert "résultats du jury" in outbox_messages(app)[-1]["Subject"]


def test_the_openapi_document_describes_both_writes_and_their_key(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path in ("/dossiers/{dossier_id}/decisions", "/juries/{jury_id}/proclamation"):
        operation = paths[path]["post"]
        [header] = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and header["required"] is True
        assert {"201", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])


# --- simultaneous requests with the same key, against a real gunicorn -------------------------


@pytest.fixture(scope="module")
def server(app: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with live.serving(database_url, tmp_path_factory.mktemp("live-api")) as running:
        yield running


def raw_post(port: int, path: str, secret: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(live.HOST, port, timeout=live.TIMEOUT_S)
    try:
        connection.request(
            "POST",
            "/api/v1" + path,
            body=json.dumps(body),
            headers={**bearer(secret), idempotency.HEADER: key, "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    finally:
        connection.close()


def test_simultaneous_requests_with_one_key_make_one_decision(app, server, officer) -> None:
    with app.app_context():
        [dossier_id] = submitted_dossiers("cqp-spp", 1, last_name="Simultane")
    secret = make_token(app, scopes=("decide",))
    body = decision_body(officer)
    path = f"/dossiers/{dossier_id}/decisions"

    answers = live.together([lambda: raw_post(server.port, path, secret, body, "meme-cle")] * 4)

    statuses = sorted(status for status, _ in answers)
    assert all(s in (201, 409) for s in statuses), answers
    created = [b for s, b in answers if s == 201]
    assert created and all(b == created[0] for b in created)
    assert len(decisions_of(app, dossier_id)) == 1
    server.clear()
