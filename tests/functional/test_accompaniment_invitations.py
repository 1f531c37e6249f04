"""A candidate invites accompagnateurs by email: the link works once, expires, can be revoked,
and only an accompagnateur account (new or existing) may accept it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.functional.accompaniment_flow import (
    accompagnateur,
    invitation_link,
    invite,
    sign_up,
)
from tests.functional.dossier_flow import start_dossier
from tests.helpers import DEFAULT_PASSWORD, login, outbox_messages, submit, text
from vae.accompaniment.access import accompanies
from vae.accompaniment.models import Accompaniment
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.roles import Role

EMAIL = "conseil@relais.fr"


@pytest.fixture
def dossier_id(candidate) -> str:
    return start_dossier(candidate, "cqp-dam")


def _invitation(app, email: str = EMAIL) -> Accompaniment:
    with app.app_context():
        found = db.session.scalar(select(Accompaniment).where(Accompaniment.email == email))
        db.session.expunge(found)
        return found


def _actions(app, subject_id) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.subject_id == str(subject_id))
                .order_by(AuditEntry.id)
            )
        )


def test_the_candidate_invites_by_email_and_only_the_token_hash_is_kept(
    app, candidate, dossier_id
) -> None:
    summary = text(candidate.get(f"/dossiers/{dossier_id}/recapitulatif"))
    assert f"/dossiers/{dossier_id}/accompagnateurs" in summary
    response = invite(candidate, dossier_id, "Conseil@Relais.fr", "Mission locale de Lyon")
    assert response.status_code == 302
    (message,) = [m for m in outbox_messages(app) if m["To"] == EMAIL]
    assert "Camille Martin vous invite" in message["Subject"]
    link = invitation_link(app, EMAIL)
    token = link.rsplit("/", 1)[1]
    invitation = _invitation(app)
    assert invitation.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_sha256
    assert invitation.structure == "Mission locale de Lyon"
    assert invitation.expires_at - invitation.invited_at == timedelta(days=14)
    assert _actions(app, invitation.id) == ["accompagnateur_invited"]
    page = text(candidate.get(f"/dossiers/{dossier_id}/accompagnateurs"))
    assert EMAIL in page and "Mission locale de Lyon" in page
    assert "En attente (lien valable jusqu'au 8 décembre 2026)" in page


def test_the_expiry_comes_from_the_configuration(app, candidate, dossier_id, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "ACCOMPANIMENT_INVITATION_DAYS", 3)
    invite(candidate, dossier_id, EMAIL)
    invitation = _invitation(app)
    assert invitation.expires_at - invitation.invited_at == timedelta(days=3)


def test_a_new_visitor_signs_up_through_the_link_and_accompanies_the_dossier(
    app, candidate, dossier_id
) -> None:
    invite(candidate, dossier_id, EMAIL, "Point relais conseil")
    link = invitation_link(app, EMAIL)
    visitor = app.test_client()
    page = text(visitor.get(link))
    assert "Camille Martin vous invite à l'accompagner" in page
    assert EMAIL in page and 'name="email"' not in page  # the invited address is the account's
    weak = submit(
        visitor,
        link,
        {"first_name": "Samia", "last_name": "Benali", "password": "court"},
    )
    assert weak.status_code == 200
    assert "12\u00a0caractères" in text(weak) or "12 caractères" in text(weak)
    response = submit(
        visitor,
        link,
        {
            "first_name": "Samia",
            "last_name": "Benali",
            "password": DEFAULT_PASSWORD,
            "password_confirm": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dossiers/{dossier_id}/")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user.role == Role.ACCOMPAGNATEUR and user.email_confirmed
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert accompanies(user, dossier)
        user_id = user.id
    assert _actions(app, user_id) == ["accompagnateur_signed_up"]
    invitation = _invitation(app)
    assert _actions(app, invitation.id) == ["accompagnateur_invited", "accompagnateur_accepted"]
    assert "Bonjour Samia" in text(visitor.get("/"))
    assert "Acceptée le 24 novembre 2026" in text(
        candidate.get(f"/dossiers/{dossier_id}/accompagnateurs")
    )
    # The new account signs in again like any other.
    again = app.test_client()
    assert login(again, EMAIL).status_code == 302


def test_a_used_link_is_refused(app, candidate, dossier_id) -> None:
    accompagnateur(app, candidate, dossier_id, EMAIL)
    link = invitation_link(app, EMAIL)
    stranger = app.test_client()
    page = text(stranger.get(link))
    assert "Ce lien d'invitation a déjà servi" in page
    assert 'name="password"' not in page
    response = submit(
        stranger,
        link,
        {"first_name": "X", "last_name": "Y", "password": DEFAULT_PASSWORD},
        page="/connexion",  # the refusal shows no form: a token from another page
    )
    assert "Ce lien d'invitation a déjà servi" in text(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id)).where(User.email == EMAIL)) == 1


def test_an_expired_link_is_refused(app, candidate, dossier_id, monkeypatch) -> None:
    import vae.clock

    invite(candidate, dossier_id, EMAIL)
    link = invitation_link(app, EMAIL)
    later = vae.clock.now() + timedelta(days=15)
    monkeypatch.setattr(vae.clock, "now", lambda: later)
    page = text(app.test_client().get(link))
    assert "Ce lien d'invitation a expiré le 8\u00a0décembre 2026" in page or (
        "Ce lien d'invitation a expiré le 8 décembre 2026" in page
    )
    assert "Expirée le" in text(candidate.get(f"/dossiers/{dossier_id}/accompagnateurs"))


def test_a_revoked_invitation_no_longer_opens(app, candidate, dossier_id) -> None:
    invite(candidate, dossier_id, EMAIL)
    link = invitation_link(app, EMAIL)
    invitation = _invitation(app)
    revoke_url = f"/dossiers/{dossier_id}/accompagnateurs/{invitation.id}/retirer"
    confirm = text(candidate.get(revoke_url))
    assert "Le lien de l'invitation ne fonctionnera plus" in confirm
    assert submit(candidate, revoke_url, {}).status_code == 302
    assert "Cette invitation a été retirée par le candidat" in text(app.test_client().get(link))
    assert _actions(app, invitation.id) == ["accompagnateur_invited", "accompagnateur_revoked"]
    assert "Retirée le 24 novembre 2026" in text(
        candidate.get(f"/dossiers/{dossier_id}/accompagnateurs")
    )


def test_an_unknown_token_says_so_and_nothing_else(app, candidate, dossier_id) -> None:
    invite(candidate, dossier_id, EMAIL)
    page = text(app.test_client().get("/invitation/" + "x" * 43))
    assert "Ce lien d'invitation n'est pas valide" in page
    assert EMAIL not in page and "Camille" not in page


def test_revoking_an_accepted_accompaniment_ends_the_access(app, candidate, dossier_id) -> None:
    helper = accompagnateur(app, candidate, dossier_id, EMAIL)
    assert helper.get(f"/dossiers/{dossier_id}/identite").status_code == 200
    invitation = _invitation(app)
    revoke_url = f"/dossiers/{dossier_id}/accompagnateurs/{invitation.id}/retirer"
    assert "ne pourra plus ouvrir ni modifier" in text(candidate.get(revoke_url))
    assert submit(candidate, revoke_url, {}).status_code == 302
    assert helper.get(f"/dossiers/{dossier_id}/identite").status_code == 404
    assert helper.get(f"/dossiers/{dossier_id}/recapitulatif").status_code == 404
    assert "Aucun dossier pour l'instant" in text(helper.get("/"))
    # Revoking again tells so, and changes nothing.
    again = submit(candidate, revoke_url, {}, follow_redirects=True)
    assert "Cette invitation était déjà retirée." in text(again)
    assert _actions(app, invitation.id).count("accompagnateur_revoked") == 1


def test_an_existing_accompagnateur_accepts_after_confirming(
    app, candidate, dossier_id, logged_in
) -> None:
    helper = logged_in(Role.ACCOMPAGNATEUR, email="autre@relais.fr")
    invite(candidate, dossier_id, EMAIL)  # sent to one address, opened by another account
    link = invitation_link(app, EMAIL)
    page = text(helper.get(link))
    assert "Accepter l'invitation" in page
    assert _invitation(app).accepted_at is None  # a GET accepts nothing
    assert submit(helper, link, {}).status_code == 302
    assert _invitation(app).accompagnateur_id == helper.user.id
    assert helper.get(f"/dossiers/{dossier_id}/identite").status_code == 200


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.STAFF, Role.JURY, Role.ADMIN])
def test_other_kinds_of_accounts_may_not_accompany(
    app, candidate, dossier_id, logged_in, role
) -> None:
    other = logged_in(role)
    invite(candidate, dossier_id, EMAIL)
    link = invitation_link(app, EMAIL)
    page = text(other.get(link))
    assert "ne peut pas accompagner le dossier d'un candidat" in page
    assert "Accepter l'invitation" not in page
    response = submit(other, link, {}, page="/")  # no form to accept: a token from another page
    assert response.status_code == 403
    assert "ne peut pas accompagner" in text(response)
    assert _invitation(app).accepted_at is None


def test_the_candidate_may_not_accompany_their_own_dossier(app, candidate, dossier_id) -> None:
    invite(candidate, dossier_id, EMAIL)
    link = invitation_link(app, EMAIL)
    page = text(candidate.get(link))
    assert "Vous ne pouvez pas accompagner votre propre dossier" in page
    assert submit(candidate, link, {}, page="/").status_code == 403
    assert _invitation(app).accepted_at is None


def test_an_address_with_an_account_cannot_sign_up_again(
    app, candidate, dossier_id, make_user
) -> None:
    make_user(Role.CANDIDATE, email=EMAIL)
    invite(candidate, dossier_id, EMAIL)
    response = submit(
        app.test_client(),
        invitation_link(app, EMAIL),
        {
            "first_name": "Samia",
            "last_name": "Benali",
            "password": DEFAULT_PASSWORD,
            "password_confirm": DEFAULT_PASSWORD,
        },
    )
    assert f"Un compte existe déjà avec l'adresse {EMAIL}" in text(response)
    assert _invitation(app).accepted_at is None


def test_invitation_form_errors_are_french_and_beside_the_field(app, candidate, dossier_id) -> None:
    bad = invite(candidate, dossier_id, "pas-une-adresse")
    assert bad.status_code == 200
    assert "Saisissez une adresse électronique valide" in text(bad)
    own = invite(candidate, dossier_id, candidate.user.email)
    assert "Cette adresse est la vôtre" in text(own)
    assert invite(candidate, dossier_id, EMAIL).status_code == 302
    twice = invite(candidate, dossier_id, EMAIL)
    assert "Cette adresse est déjà invitée sur ce dossier" in text(twice)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Accompaniment.id))) == 1


def test_several_accompagnateurs_may_be_invited(app, candidate, dossier_id) -> None:
    first = accompagnateur(app, candidate, dossier_id, "un@relais.fr")
    second = accompagnateur(app, candidate, dossier_id, "deux@relais.fr", first_name="Yanis")
    for helper in (first, second):
        assert helper.get(f"/dossiers/{dossier_id}/identite").status_code == 200


def test_the_invitation_post_is_rate_limited(app, candidate, dossier_id, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_INVITATIONS", "2 per hour")
    assert invite(candidate, dossier_id, "a@relais.fr").status_code == 302
    assert invite(candidate, dossier_id, "b@relais.fr").status_code == 302
    refused = invite(candidate, dossier_id, "c@relais.fr")
    assert refused.status_code == 429
    assert "Trop de tentatives" in text(refused)


def test_someone_elses_dossier_has_no_invitation_page(
    app, candidate, dossier_id, logged_in
) -> None:
    other = logged_in(Role.CANDIDATE)
    assert other.get(f"/dossiers/{dossier_id}/accompagnateurs").status_code == 404
    invite(candidate, dossier_id, EMAIL)
    invitation = _invitation(app)
    revoke_url = f"/dossiers/{dossier_id}/accompagnateurs/{invitation.id}/retirer"
    assert other.get(revoke_url).status_code == 404
    assert other.post(revoke_url, data={}).status_code in (400, 404)
    helper = sign_up(app, invitation_link(app, EMAIL))
    assert helper.get(f"/dossiers/{dossier_id}/accompagnateurs").status_code == 403
    assert helper.post(revoke_url, data={}).status_code == 403
