"""Hostile input and session hardening: random and malicious values never break a form or leak
unescaped markup; session cookies are Secure, HttpOnly, SameSite=Lax."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional.dossier_flow import FULL_TIME_JOB, IDENTITY, start_dossier, url
from tests.helpers import csrf_token, text
from vae import create_app
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.roles import Role

MARKUP = "<script>alert('x')</script>"
NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            MARKUP,
            "<img src=x onerror=alert(1)>",
            "\"'><svg/onload=alert(1)>",
            "'; DROP TABLE dossiers; --",
            "1 OR 1=1",
            "0000-00-00",
            "2026-02-30",
            "9999999999999",
            "-1",
            "NaN",
            "Infinity",
            "1e999",
            "\x00\x01\x02",
            "\u202e\u200b",
            "%s%s%n",
            "${7*7}",
            "{{7*7}}",
            "../../etc/passwd",
            "a" * 20_000,
            "oui\nnon",
            "１２３",
        ]
    ),
)


def test_session_cookie_flags_outside_debug(app, make_user, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    production = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PUBLIC_URL": "https://localhost",  # outside testing, only the public host is served
        }
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    client = production.test_client()
    response = client.get("/connexion", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from tests.conftest import dispose_engines

    dispose_engines()


FORMS = {
    "identite": list(IDENTITY),
    "experience/nouvelle": [*FULL_TIME_JOB, "ongoing"],
    "formation": ["diplomas_prepared", "diplomas_obtained"],
    "formation/nouvelle": ["title", "year", "hours", "organisation", "content"],
    "cv": ["cv"],
}


@pytest.fixture
def fuzz_target(candidate):
    return candidate, start_dossier(candidate)


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    page=st.sampled_from(sorted(FORMS)),
    values=st.lists(NASTY, min_size=12, max_size=12),
    repeat=st.booleans(),
)
def test_forms_survive_hostile_values(fuzz_target, page, values, repeat) -> None:
    client, dossier_id = fuzz_target
    token = csrf_token(client.get(url(dossier_id, page)).data)
    fields = FORMS[page]
    data: dict = {"csrf_token": token}
    for name, value in zip(fields, values, strict=False):
        data[name] = [value, value] if repeat else value
    response = client.post(url(dossier_id, page), data=data)
    assert response.status_code < 500
    for shown in (
        response,
        client.get(url(dossier_id, page)),
        client.get(url(dossier_id, "recapitulatif")),
    ):
        html = shown.get_data(as_text=True)
        assert "<script>alert(" not in html and "<img src=x onerror" not in html
        assert "<svg/onload" not in html


@pytest.fixture
def staff(logged_in):
    return logged_in(Role.STAFF)


@settings(
    max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["q", "statut", "certification", "agent", "du", "au", "retard", "tri", "page"]
        ),
        NASTY,
        max_size=6,
    )
)
def test_staff_queue_survives_hostile_filters(staff, query) -> None:
    response = staff.get("/cpnefp/dossiers", query_string=query)
    assert response.status_code == 200
    assert "<script>alert(" not in response.get_data(as_text=True)


def test_a_nul_character_never_reaches_the_database(staff, candidate, app) -> None:
    """PostgreSQL refuses NUL in text (a 500 before): it is dropped from queries and forms."""
    assert staff.get("/cpnefp/dossiers", query_string={"q": "Ma\x00rtin"}).status_code == 200
    dossier_id = start_dossier(candidate)
    token = csrf_token(candidate.get(url(dossier_id, "cv")).data)
    response = candidate.post(url(dossier_id, "cv"), data={"csrf_token": token, "cv": "Ma\x00rtin"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).cv == "Martin"


def test_markup_typed_by_a_candidate_is_shown_as_text(candidate, logged_in) -> None:
    dossier_id = start_dossier(candidate)
    response = candidate.post(
        url(dossier_id, "cv"),
        data={"csrf_token": csrf_token(candidate.get(url(dossier_id, "cv")).data), "cv": MARKUP},
    )
    assert response.status_code == 302
    html = candidate.get(url(dossier_id, "recapitulatif")).get_data(as_text=True)
    assert MARKUP not in html and "&lt;script&gt;alert(" in html
    assert re.search(r"alert\(&#39;x&#39;\)", html) or "alert('x')" in text(
        candidate.get(url(dossier_id, "recapitulatif"))
    )


def test_many_files_at_once_are_refused_without_losing_anything(candidate) -> None:
    import io

    from tests.functional.dossier_flow import activity_ids, add_activity

    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    (activity,) = activity_ids(candidate, dossier_id)
    target = f"a-{activity}"
    token = csrf_token(candidate.get(url(dossier_id, "pieces")).data)
    files = [(io.BytesIO(b"%PDF-1.4 junk"), f"f{i}.pdf") for i in range(100)]
    response = candidate.post(
        url(dossier_id, "pieces"),
        data={
            "target": target,
            f"{target}-csrf_token": token,
            f"{target}-target": target,
            f"{target}-kind": "employer_attestation",
            f"{target}-file": files,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302, 413)
    assert activity_ids(candidate, dossier_id) == [activity]


@settings(
    max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    values=st.lists(NASTY, min_size=5, max_size=5),
    page=st.sampled_from(["/inscription", "/connexion", "/mot-de-passe-oublie"]),
)
def test_account_forms_survive_hostile_values(app, values, page) -> None:
    from vae.extensions import limiter

    client = app.test_client()
    token = csrf_token(client.get(page).data)
    names = ["first_name", "last_name", "email", "password", "password_confirm"]
    response = client.post(
        page, data={"csrf_token": token, **dict(zip(names, values, strict=True))}
    )
    assert response.status_code in (200, 302, 429)
    assert "<script>alert(" not in response.get_data(as_text=True)
    with app.app_context():
        limiter.reset()


@pytest.fixture
def livret(app, candidate, make_user):
    from tests.functional.test_livret2 import recevable

    return recevable(app, candidate, make_user)


@settings(
    max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(values=st.lists(NASTY, min_size=12, max_size=12))
def test_situation_form_survives_hostile_values(candidate, livret, values) -> None:
    page = f"/dossiers/{livret}/livret2/situations/nouvelle"
    names = [
        "attachment_point",
        "title",
        "source_activity",
        "employer",
        "period",
        "role",
        "context",
        "actions",
        "partners",
        "tools",
        "results",
        "competencies",
    ]
    data = {
        "csrf_token": csrf_token(candidate.get(page).data),
        **dict(zip(names, values, strict=True)),
    }
    response = candidate.post(page, data=data)
    assert response.status_code < 500
    html = candidate.get(f"/dossiers/{livret}/livret2/").get_data(as_text=True)
    assert "<script>alert(" not in html


@settings(
    max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(values=st.lists(NASTY, min_size=6, max_size=6))
def test_decision_form_survives_hostile_values(staff, submitted_dossier, values) -> None:
    page = f"/cpnefp/dossiers/{submitted_dossier}"
    names = [
        "decision-kind",
        "decision-reason",
        "decision-missing",
        "decision-livret2_due",
        "decision-comment",
        "decision-lock_version",
    ]
    data = {
        "decision-csrf_token": csrf_token(staff.get(page).data),
        **dict(zip(names, values, strict=True)),
    }
    response = staff.post(f"{page}/decision", data=data)
    assert response.status_code < 500
    assert "<script>alert(" not in staff.get(page).get_data(as_text=True)


@pytest.fixture
def submitted_dossier(candidate):
    from tests.functional.dossier_flow import SWORN, complete_dossier
    from tests.helpers import submit

    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    return dossier_id
