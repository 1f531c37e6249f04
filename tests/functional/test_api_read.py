"""The read side of /api/v1: tokens (scopes, expiry, revocation, another certifier), cursor
pagination, filters and the content of every endpoint."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.functional.api_flow import api_get, bearer, make_token
from tests.functional.certifier_flow import COURTAGE, MUTUALITE, submitted_dossiers
from tests.functional.jury_flow import proclaimed_journey
from vae.api.models import ApiToken
from vae.audit import AuditEntry
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.roles import Role

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, words: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert words in body["detail"], body["detail"]


def test_a_call_needs_a_live_token_with_the_scope(app, client) -> None:
    assert_problem(client.get("/api/v1/dossiers"), 401, "Jeton d'API absent")
    assert client.get("/api/v1/dossiers").headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(
        client.get("/api/v1/dossiers", headers={"Authorization": "Basic abc"}), 401, "Bearer"
    )
    assert_problem(api_get(client, "/dossiers", "vae_inconnu"), 401, "inconnu")
    assert_problem(api_get(client, "/dossiers", make_token(app, expired=True)), 401, "expiré")
    assert_problem(api_get(client, "/dossiers", make_token(app, revoked=True)), 401, "révoqué")
    writer = make_token(app, scopes=("decide",))
    assert_problem(api_get(client, "/dossiers", writer), 403, "«\u00a0read\u00a0»")
    ok = api_get(client, "/dossiers", make_token(app))
    assert ok.status_code == 200 and ok.get_json() == {"items": [], "next_cursor": None}


def test_a_browser_session_never_authenticates_the_api(app, logged_in) -> None:
    for role in (Role.STAFF, Role.ADMIN):
        assert_problem(logged_in(role).get("/api/v1/dossiers"), 401, "Jeton d'API absent")


def test_unknown_routes_and_methods_answer_problems(app, client) -> None:
    assert_problem(client.get("/api/v1/rien"), 404, "n'existe pas")
    response = client.delete("/api/v1/dossiers")
    assert_problem(response, 405, "méthode")
    assert "GET" in response.headers["Allow"]
    secret = make_token(app)
    assert_problem(api_get(client, f"/dossiers/{uuid.uuid4()}", secret), 404, "introuvable")


def test_every_call_is_audited_and_last_use_kept(app, client) -> None:
    secret = make_token(app)
    for _ in range(2):
        assert api_get(client, "/dossiers?limit=5", secret).status_code == 200
    assert_problem(api_get(client, "/dossiers?limit=0", secret), 400, "limit")
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.last_used_at is not None
        calls = list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "api_call", AuditEntry.subject_id == str(token.id))
                .order_by(AuditEntry.id)
            )
        )
        assert [c.comment for c in calls] == [
            "GET /api/v1/dossiers 200",
            "GET /api/v1/dossiers 200",
            "GET /api/v1/dossiers 400",
        ]
        assert {c.actor_role for c in calls} == {"api_token"}
        assert {c.api_token_id for c in calls} == {token.id}
        assert calls[0].actor_label.endswith("Système de test (CPNEFP Mutualité)")


def test_calls_are_rate_limited_per_token(app, client) -> None:
    first, second = make_token(app), make_token(app)
    app.config["RATELIMIT_API"] = "2 per minute"
    try:
        for _ in range(2):
            assert api_get(client, "/dossiers", first).status_code == 200
        assert_problem(api_get(client, "/dossiers", first), 429, "Trop de requêtes")
        assert api_get(client, "/dossiers", second).status_code == 200
    finally:
        app.config["RATELIMIT_API"] = "300 per minute"


def test_a_token_sees_only_its_certifiers_dossiers(app, client) -> None:
    with app.app_context():
        mine = submitted_dossiers("cqp-spp", 2, last_name="Mutualiste")
        theirs = submitted_dossiers("cqp-gap", 1, last_name="Courtier", start=10)
    mutualite, courtage = make_token(app, MUTUALITE), make_token(app, COURTAGE)
    listed = api_get(client, "/dossiers", mutualite).get_json()["items"]
    assert {item["id"] for item in listed} == {str(i) for i in mine}
    assert {item["certification_code"] for item in listed} == {"cqp-spp"}
    path = f"/dossiers/{theirs[0]}/decisions"
    assert_problem(api_get(client, path, mutualite), 404, "introuvable")
    assert api_get(client, path, courtage).status_code == 200


def test_the_cursor_is_stable_while_dossiers_are_added(app, client) -> None:
    with app.app_context():
        first = submitted_dossiers("cqp-spp", 5, last_name="Avant")
    secret = make_token(app)
    seen: list[str] = []
    page = api_get(client, "/dossiers?limit=2", secret).get_json()
    seen += [item["id"] for item in page["items"]]
    with app.app_context():
        later = submitted_dossiers("gpac", 2, last_name="Pendant", start=20)
    while page["next_cursor"]:
        page = api_get(client, f"/dossiers?limit=2&cursor={page['next_cursor']}", secret)
        page = page.get_json()
        seen += [item["id"] for item in page["items"]]
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(i) for i in first + later}
    assert seen[-2:] == [str(i) for i in sorted(later, key=str)] or set(seen[-2:]) == {
        str(i) for i in later
    }
    assert_problem(api_get(client, "/dossiers?cursor=pas-un-curseur", secret), 400, "Curseur")


def test_the_list_filters(app, client) -> None:
    with app.app_context():
        spp = submitted_dossiers("cqp-spp", 2, last_name="Santé")
        gpac = submitted_dossiers("gpac", 1, last_name="Gestion", start=30)
        moved = db.session.get(Dossier, spp[0])
        moved.status = "incomplete"
        db.session.commit()
    secret = make_token(app)

    def ids(query: str) -> set[str]:
        response = api_get(client, "/dossiers?" + query, secret)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["id"] for item in response.get_json()["items"]}

    assert ids("status=incomplete") == {str(spp[0])}
    assert ids("certification=gpac") == {str(gpac[0])}
    assert ids("submitted_from=2026-11-02&submitted_to=2026-11-02") == {str(i) for i in spp + gpac}
    assert ids("submitted_from=2026-11-03") == set()
    assert ids("updated_since=2000-01-01T00:00:00%2B00:00") == {str(i) for i in spp + gpac}
    assert ids("updated_since=2999-01-01T00:00:00Z") == set()
    for query, words in (
        ("status=draft", "Statut inconnu"),
        ("submitted_from=hier", "AAAA-MM-JJ"),
        ("updated_since=2026-01-01T00:00:00", "fuseau"),
        ("submitted_to=9999-12-31", "entre 1900 et 2999"),
        ("updated_since=0001-01-01T00:00:00%2B01:00", "entre 1900 et 2999"),
    ):
        assert_problem(api_get(client, "/dossiers?" + query, secret), 400, words)


def test_every_read_endpoint_on_a_proclaimed_dossier(
    app, candidate, make_user, logged_in, session_id
) -> None:
    journey = proclaimed_journey(app, candidate, make_user, logged_in, session_id)
    dossier_id = journey["dossier_id"]
    secret = make_token(app)

    def get(path: str):
        response = api_get(candidate.application.test_client(), path, secret)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
        return response

    body = get(f"/dossiers/{dossier_id}").get_json()
    assert body["dossier"]["status"] == "proclaimed"
    assert body["identity"]["last_name"] == "Martin"
    assert len(body["activities"]) == 2
    assert all(a["fte_days_total"] > 0 for a in body["activities"])
    assert body["eligibility"]["eligible"] is True
    assert body["attachments"], body
    download = get(body["attachments"][0]["download_url"].removeprefix("/api/v1"))
    assert download.data.startswith(b"%PDF")
    decisions = get(f"/dossiers/{dossier_id}/decisions").get_json()
    assert [d["kind"] for d in decisions] == ["recevable"]
    livret = get(f"/dossiers/{dossier_id}/livret2").get_json()
    assert livret["status"] == "submitted" and len(livret["versions"]) == 1
    pdf = get(livret["versions"][0]["pdf_url"].removeprefix("/api/v1"))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    sessions = get("/jury-sessions").get_json()
    assert [j["dossier_id"] for s in sessions["items"] for j in s["juries"]] == [dossier_id]
    assert sessions["items"][0]["juries"][0]["signed"] is True
    results = get(f"/dossiers/{dossier_id}/results").get_json()
    assert results["proclaimed_on"] == "2026-11-20"
    acquired = {b["block_code"]: b for b in results["blocks"] if b["acquired"]}
    assert set(acquired) == {"D1", "D2", "D3"}
    certificates = get(f"/dossiers/{dossier_id}/certificates").get_json()
    codes = {b["block_code"]: b["verification_code"] for b in certificates["blocks"]}
    assert set(codes) == {"D1", "D2", "D3"} and all(codes.values())
    assert certificates["certification"] is None
    candidate_id = body["dossier"]["candidate_id"]
    held = get(f"/candidates/{candidate_id}/acquired-blocks").get_json()["items"]
    assert {b["block_code"] for b in held} == {"D1", "D2", "D3"}
    other = make_token(app, COURTAGE)
    client = candidate.application.test_client()
    for path in (
        f"/dossiers/{dossier_id}",
        f"/dossiers/{dossier_id}/results",
        f"/candidates/{candidate_id}/acquired-blocks",
        body["attachments"][0]["download_url"].removeprefix("/api/v1"),
    ):
        assert_problem(api_get(client, path, other), 404, "introuvable")
    assert api_get(client, "/jury-sessions", other).get_json()["items"] == []
    assert date.fromisoformat(results["proclaimed_on"]) == date(2026, 11, 20)
    assert bearer(secret)["Authorization"].startswith("Bearer vae_")


def test_a_page_runs_a_bounded_number_of_queries(app, client) -> None:
    from sqlalchemy import event

    secret = make_token(app)
    with app.app_context():
        engine = db.engine

    def queries(path: str) -> int:
        statements: list[str] = []

        def count(*args) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert api_get(client, path, secret).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    with app.app_context():
        submitted_dossiers("cqp-spp", 2, last_name="Peu")
    queries("/dossiers")  # the first call also writes last_used_at (then once a minute)
    few = queries("/dossiers"), queries("/jury-sessions")
    with app.app_context():
        submitted_dossiers("gpac", 30, last_name="Beaucoup", start=100)
    assert (queries("/dossiers"), queries("/jury-sessions")) == few


def test_a_forged_cursor_is_a_400_not_a_500(app, client) -> None:
    from vae.api import cursor

    secret = make_token(app)
    overflowing = json.dumps(["0001-01-01T00:00:00+14:00", str(uuid.uuid4())])
    for raw in (overflowing, '{"a": 1}', "[1, 2]"):
        forged = base64.urlsafe_b64encode(raw.encode()).decode()
        response = api_get(client, f"/dossiers?cursor={forged}", secret)
        assert_problem(response, 400, "Curseur")
    good = cursor.encode(datetime(2026, 11, 2, tzinfo=UTC), uuid.uuid4())
    assert api_get(client, f"/dossiers?cursor={good}", secret).status_code == 200
