"""Text posted after the session expired: kept only for the dossier's owner, bounded, limited."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from tests.functional.test_livret2 import l2, recevable, situation
from tests.helpers import DEFAULT_PASSWORD, csrf_token, login, text
from vae.drafts import PendingDraft
from vae.extensions import db
from vae.roles import Role

NEW = "situations/nouvelle"


@pytest.fixture
def dam(app, candidate, make_user) -> str:
    return recevable(app, candidate, make_user)


@pytest.fixture
def session_expires(monkeypatch: pytest.MonkeyPatch):
    """``session_expires()``: from now on, the clock of signed cookies is nine hours later,
    past the eight-hour session lifetime (the browser still sends the old cookie)."""

    def later() -> None:
        real = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 9 * 3600)

    return later


def kept(app) -> list[PendingDraft]:
    with app.app_context():
        return list(db.session.scalars(select(PendingDraft)))


def stored_bytes(app) -> int:
    with app.app_context():
        rows = db.session.scalars(select(PendingDraft.form)).all()
        return sum(len(str(form)) for form in rows)


def form_token(client, dossier_id: str) -> str:
    return csrf_token(client.get(l2(dossier_id) + NEW).data)


def test_anonymous_big_posts_store_nothing(app, client, dam) -> None:
    huge = "x" * (5 * 1024 * 1024)
    for target in (dam, str(uuid.uuid4())):
        response = client.post(
            l2(target) + NEW, data={**situation("B1/A1", "Pirate", ["C1"]), "context": huge}
        )
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert kept(app) == [] and stored_bytes(app) == 0
    page = text(client.get("/connexion"))
    assert "Votre session a expiré\u00a0: reconnectez-vous." in page
    assert "Votre texte est conservé" not in page


def test_owner_expired_session_keeps_text_and_gets_it_back(
    app, candidate, dam, session_expires
) -> None:
    token = form_token(candidate, dam)
    session_expires()
    data = {**situation("B1/A1", "Mon texte précieux", ["C1"]), "csrf_token": token}
    response = candidate.post(l2(dam) + NEW, data=data)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert "Votre texte est conservé" in text(candidate.get("/connexion"))
    [draft] = kept(app)
    assert draft.owner_id == candidate.user.id and "csrf_token" not in draft.form
    # An autosave a moment later, from the session handed out with the kept text: replaces it.
    data["title"] = "Mon texte précieux, suite"
    assert candidate.post(l2(dam) + NEW, data=data).status_code == 302
    [draft] = kept(app)
    assert draft.form["title"] == ["Mon texte précieux, suite"]
    login(candidate, candidate.user.email)
    html = text(candidate.get(l2(dam) + NEW))
    assert "Votre texte a été récupéré" in html
    assert 'value="Mon texte précieux, suite"' in html and "J'ai analysé la demande" in html
    assert kept(app) == []  # given back once


def test_another_users_expired_session_stores_nothing(
    app, candidate, dam, logged_in, session_expires
) -> None:
    intruder = logged_in(Role.CANDIDATE, email="autre@exemple.fr")
    intruder.get("/dossiers/")
    session_expires()
    response = intruder.post(l2(dam) + NEW, data=situation("B1/A1", "Intrus", ["C1"]))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert kept(app) == []


def test_a_session_ended_by_logout_everywhere_proves_nothing(
    app, candidate, dam, session_expires
) -> None:
    from vae.auth.models import User

    token = form_token(candidate, dam)
    with app.app_context():
        user = db.session.get(User, candidate.user.id)
        user.end_sessions()  # password reset, « log out everywhere »…
        db.session.commit()
    session_expires()
    data = {**situation("B1/A1", "Texte", ["C1"]), "csrf_token": token}
    assert candidate.post(l2(dam) + NEW, data=data).status_code == 302
    assert kept(app) == []


def test_fields_are_cut_to_their_own_maximum_and_unknown_fields_dropped(
    app, candidate, dam, session_expires
) -> None:
    from forms.livret2 import TEXT_MAX

    session_expires()
    data = {
        **situation("B1/A1", "T" * 5000, ["C1"] * 500, words="y" * (TEXT_MAX + 5000)),
        **{f"junk{i}": "z" * 1000 for i in range(300)},
    }
    assert candidate.post(l2(dam) + NEW, data=data).status_code == 302
    assert "ont été raccourcis à leur longueur maximale" in text(candidate.get("/connexion"))
    [draft] = kept(app)
    assert draft.form["context"] == ["y" * TEXT_MAX]
    assert draft.form["title"] == ["T" * 200]
    assert len(draft.form["competencies"]) == 100
    assert not any(key.startswith("junk") for key in draft.form)


def test_the_stash_is_rate_limited_per_account(
    app, candidate, dam, session_expires, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_DRAFTS", "3 per hour")
    session_expires()
    for n in range(5):
        candidate.post(l2(dam) + NEW, data=situation("B1/A1", f"Version {n}", ["C1"]))
    [draft] = kept(app)
    assert draft.form["title"] == ["Version 2"]  # the 4th and 5th were refused
    assert "Votre session a expiré\u00a0: reconnectez-vous." in text(candidate.get("/connexion"))


def test_drafts_older_than_seven_days_are_purged(app, candidate, dam, fixed_clock) -> None:
    with app.app_context():
        for age in (8, 1):
            db.session.add(
                PendingDraft(
                    token=f"old-{age}",
                    owner_id=candidate.user.id,
                    endpoint="livret2.situation_form",
                    view_args={"dossier_id": dam},
                    form={"title": [f"{age} jours"]},
                    created_at=fixed_clock - timedelta(days=age),
                )
            )
        db.session.commit()
    html = text(candidate.get(l2(dam) + NEW))
    assert 'value="1 jours"' in html and "8 jours" not in html  # too old: never given back
    # Reading a page writes nothing; the purge runs at the next sign-in (and at every stash).
    login(app.test_client(), candidate.user.email, DEFAULT_PASSWORD)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingDraft)) == 0


def test_an_account_keeps_five_pages_at_most(app, candidate, dam, session_expires) -> None:
    session_expires()
    for n in range(7):
        page = l2(dam) + f"situations/{uuid.uuid4()}"
        assert candidate.post(page, data=situation("B1/A1", f"Page {n}", ["C1"])).status_code == 302
    assert len(kept(app)) == 5
