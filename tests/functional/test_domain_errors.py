"""One DomainError, handled once: a feature's refusal that escapes its view is never a 500."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import text
from vae.auth.operations import AccountError
from vae.dossier.operations import DossierError
from vae.errors import DomainError
from vae.jury.operations import GridChanged, JuryError
from vae.livret2.operations import Livret2Error
from vae.privacy.operations import PrivacyError
from vae.review.operations import ReviewError

REFUSALS = [
    *(AccountError, DossierError, Livret2Error, ReviewError),
    *(JuryError, GridChanged, PrivacyError),
]
MESSAGE = "Ce dossier vient d'être modifié ailleurs\u00a0: rechargez la page."


def _refusing_app(fresh_app, error: type[DomainError], user_id: uuid.UUID):
    """An app with one view that renames the user, then refuses with ``error``."""
    from vae.access import public
    from vae.auth.models import User
    from vae.extensions import csrf, db

    application = fresh_app()

    @application.route("/refus", methods=["GET", "POST"])
    @public
    @csrf.exempt
    def refuse() -> str:
        db.session.get(User, user_id).first_name = "Écrasé"
        db.session.flush()
        raise error(MESSAGE)

    return application


@pytest.mark.parametrize("error", REFUSALS, ids=lambda e: e.__name__)
def test_a_refusal_escaping_its_view_is_shown_and_changes_nothing(
    fresh_app, make_user, error
) -> None:
    from vae.auth.models import User
    from vae.extensions import db

    user = make_user()
    application = _refusing_app(fresh_app, error, user.id)
    client = application.test_client()

    response = client.post("/refus")

    assert response.status_code == 302
    assert response.headers["Location"] == "/refus"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", MESSAGE)]
    with application.app_context():
        assert db.session.get(User, user.id).first_name == "Léa"


def test_a_page_that_refuses_to_show_says_why_without_looping(fresh_app, make_user) -> None:
    user = make_user()
    client = _refusing_app(fresh_app, Livret2Error, user.id).test_client()

    response = client.get("/refus")

    assert response.status_code == 409
    assert "Opération impossible" in text(response)
    assert MESSAGE in text(response)


def test_every_feature_refusal_is_a_domain_error() -> None:
    """The handler in vae.web catches DomainError: each feature's error must derive from it."""
    assert all(issubclass(error, DomainError) for error in REFUSALS)
