"""Logs: one JSON line per request on stderr, errors with their traceback, security events,
the request id in a header and on the 500 page, and nothing personal."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import login, text
from vae.access import public
from vae.roles import Role


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """The JSON log lines written to stderr so far (anything else on stderr is not a log)."""
    lines = []
    for raw in capsys.readouterr().err.splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def _requests(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "vae.request"]


def _events(lines: list[dict], name: str) -> list[dict]:
    return [line for line in lines if line.get("event") == name]


def test_one_line_per_request_with_ids_only(candidate, capsys) -> None:
    capsys.readouterr()
    response = candidate.get("/dossiers/")
    (line,) = _requests(_lines(capsys))
    assert line["method"] == "GET"
    assert line["endpoint"] == "dossier.dashboard"
    assert line["route"] == "/dossiers/"
    assert line["path"] == "/dossiers/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert line["user_id"] == str(candidate.user.id)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    raw = json.dumps(line, ensure_ascii=False)
    assert candidate.user.email not in raw and "Camille" not in raw and "Martin" not in raw


def test_route_and_path_but_no_query_string_nor_secret(app, client, logged_in, capsys) -> None:
    staff = logged_in(Role.STAFF)
    capsys.readouterr()
    staff.get("/cpnefp/dossiers?q=Dupont")
    client.get("/mot-de-passe/jeton-secret-42")
    client.get("/certifications/cqp-dam")
    queue, reset, certification = _requests(_lines(capsys))
    assert queue["path"] == "/cpnefp/dossiers" and "Dupont" not in json.dumps(queue)
    assert reset["path"] == reset["route"] == "/mot-de-passe/<token>"
    assert "jeton-secret-42" not in json.dumps(reset)
    assert certification["route"] == "/certifications/<code>"


def test_refused_access_and_csrf_are_logged(client, logged_in, capsys) -> None:
    candidate = logged_in(Role.CANDIDATE)
    capsys.readouterr()
    assert candidate.get("/cpnefp/dossiers").status_code == 403
    assert client.post("/connexion", data={"email": "a@exemple.fr"}).status_code == 400
    lines = _lines(capsys)
    (refused,) = _events(lines, "access_refused")
    assert refused["level"] == "WARNING"
    assert refused["user_id"] == str(candidate.user.id)
    assert refused["endpoint"] == "review.index"
    (csrf,) = _events(lines, "csrf_refused")
    assert csrf["path"] == "/connexion" and "a@exemple.fr" not in json.dumps(csrf)


def test_failed_logins_are_logged_without_what_was_typed(client, make_user, capsys) -> None:
    user = make_user(email="lea.dupont@exemple.fr")
    capsys.readouterr()
    login(client, user.email, "mauvais mot de passe")
    login(client, "personne@exemple.fr", "autre secret")
    output = capsys.readouterr().err
    assert "lea.dupont" not in output and "personne@" not in output
    assert "mauvais mot de passe" not in output and "autre secret" not in output
    lines = [json.loads(raw) for raw in output.splitlines() if raw.startswith("{")]
    known, unknown = _events(lines, "login_failed")
    assert known["user_id"] == str(user.id) and known["reason"] == "wrong_password"
    assert unknown["user_id"] is None and unknown["reason"] == "unknown_account"


def test_an_error_is_logged_with_its_traceback_and_reference(fresh_app, capsys) -> None:
    production = fresh_app(TESTING=False)

    @production.route("/test/panne")
    @public
    def broken() -> str:
        raise RuntimeError("panne de test")

    capsys.readouterr()
    response = production.test_client().get("/test/panne")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert f"Référence de l'erreur\u00a0: <code>{reference}</code>" in text(response)
    lines = _lines(capsys)
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == reference
    assert "Traceback" in error["traceback"]
    assert "RuntimeError: panne de test" in error["traceback"]
    (line,) = _requests(lines)
    assert line["status"] == 500 and line["request_id"] == reference


def test_request_id_from_a_trusted_proxy_only(fresh_app) -> None:
    given = {"X-Request-ID": "3f2a9c1e0b7d4e6f8a5b2c1d0e9f8a7b"}
    direct = fresh_app(TESTING=False).test_client()
    assert direct.get("/", headers=given).headers["X-Request-ID"] != given["X-Request-ID"]
    proxied = fresh_app(TESTING=False, TRUSTED_PROXIES=1).test_client()
    assert proxied.get("/", headers=given).headers["X-Request-ID"] == given["X-Request-ID"]
    for bad in ('x" "level": "ERROR', "a" * 65):
        forged = proxied.get("/", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])


def test_log_level_is_configurable(fresh_app, capsys) -> None:
    quiet = fresh_app(LOG_LEVEL="warning").test_client()
    capsys.readouterr()
    quiet.get("/")
    assert _requests(_lines(capsys)) == []
    with pytest.raises(RuntimeError, match="LOG_LEVEL"):
        fresh_app(LOG_LEVEL="bavard")
