"""Both jury members press « Signer » at the same instant, on a real gunicorn: both signatures
count and the proposal becomes final (neither signature hides the other), nobody gets a 500."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.functional import live
from tests.functional.jury_flow import (
    SIGN_VERSION,
    compose,
    declare,
    grid_data,
    grid_url,
    jury_client,
    member,
    to_livret2_submitted,
)
from tests.helpers import DEFAULT_PASSWORD, submit
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import Jury, MemberKind
from vae.roles import Role


@pytest.fixture(scope="module")
def server(app: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with live.serving(database_url, tmp_path_factory.mktemp("live-jury")) as running:
        yield running


def _sign_form(browser: live.Browser, dossier_id: str) -> dict[str, str]:
    page = browser.get(grid_url(dossier_id))
    version = SIGN_VERSION.search(page.text)
    assert version, page.text[:500]
    return {"csrf_token": page.token(), "sign-confirm": "y", "sign-grid_version": version[1]}


def test_two_simultaneous_signatures_both_count(
    app, server, candidate, logged_in, make_user, session_id
) -> None:
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    for user in (certifier_user, professional_user):
        declare(jury_client(app, user), dossier_id)
    submit(
        jury_client(app, certifier_user),
        grid_url(dossier_id),
        grid_data(app, dossier_id, {"D1", "D2", "D3"}),
    )
    browsers = [
        server.browser().login(user.email, DEFAULT_PASSWORD)
        for user in (certifier_user, professional_user)
    ]
    forms = [_sign_form(b, dossier_id) for b in browsers]
    answers = live.together(
        [
            lambda b=b, f=f: b.follow(b.post(f"/jury/dossiers/{dossier_id}/signer", f))
            for b, f in zip(browsers, forms, strict=True)
        ]
    )
    assert [a.status for a in answers] == [200, 200]
    assert all("Vous avez signé la proposition." in a.text for a in answers)
    with app.app_context():
        jury = db.session.scalar(select(Jury).where(Jury.dossier_id == uuid.UUID(dossier_id)))
        assert {s.member_id for s in jury.current_signatures()} == {certifier, professional}
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status == DossierStatus.JURY_SIGNED
