"""#16's loose ends: the queue marks accompanied dossiers, certificates stay the candidate's, the
accompagnateur's own account (privacy page, export, erasure; text kept after the session
expired), the history's title, and staff lists scoped to the certifiers they share."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

from sqlalchemy import event, select

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.certifier_flow import COURTAGE, MUTUALITE, certifier_id
from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.functional.jury_flow import proclaimed_journey
from tests.functional.test_accompaniment_comments import REMARK, comment
from tests.functional.test_drafts import kept, session_expires  # noqa: F401 (a fixture)
from tests.functional.test_livret2 import l2, recevable, situation
from tests.helpers import csrf_token, login, submit, text
from vae.accompaniment.models import Accompaniment, AccompanimentComment
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, JuryMember, MemberKind
from vae.privacy.erasure import ANONYMOUS
from vae.roles import Role

MARKER = '<span class="visually-hidden">Dossier </span>accompagné'


def _submitted(candidate) -> str:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


def _statements(app, client, path: str) -> tuple[str, int]:
    """The page at ``path`` and how many SQL statements it took."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = text(client.get(path))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return page, len(seen)


# --- 2. the queue says which dossiers are accompanied, in the same query ----------------------


def test_the_queue_marks_accompanied_dossiers_without_another_query(
    app, candidate, logged_in
) -> None:
    dossier_id = _submitted(candidate)
    officer = logged_in(Role.STAFF, certifiers=(MUTUALITE,))
    page, before = _statements(app, officer, "/cpnefp/dossiers")
    assert f"/cpnefp/dossiers/{dossier_id}" in page and MARKER not in page
    accompagnateur(app, candidate, dossier_id)
    page, after = _statements(app, officer, "/cpnefp/dossiers")
    assert MARKER in page
    assert "par un accompagnateur</span>" in page
    assert after == before and after <= 6


# --- 3. certificates are the candidate's --------------------------------------------------------


def test_the_accompagnateur_reads_results_without_certificate_links(
    app, candidate, make_user, logged_in, session_id
) -> None:
    dossier_id = proclaimed_journey(app, candidate, make_user, logged_in, session_id)["dossier_id"]
    helper = accompagnateur(app, candidate, dossier_id)
    with app.app_context():
        block = db.session.scalar(select(AcquiredBlock.id))
    results = f"/dossiers/{dossier_id}/resultats"
    own = text(candidate.get(results))
    assert f"/certificats/bloc/{block}.pdf" in own and "code de vérification" in own
    response = helper.get(results)
    seen = text(response)
    assert response.status_code == 200 and "Résultats du jury" in seen
    assert "/certificats/" not in seen and "code de vérification" not in seen
    assert "Les certificats sont remis au candidat" in seen
    for path in (f"/certificats/bloc/{block}.pdf", f"/certificats/bloc/{block}.html"):
        assert helper.get(path).status_code == 403
        assert candidate.get(path).status_code == 200
    other = logged_in(Role.CANDIDATE)
    assert other.get(f"/certificats/bloc/{block}.pdf").status_code == 404


# --- 5. the history's title -----------------------------------------------------------------------


def test_the_history_title_names_the_candidate_for_their_accompagnateur(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id)
    history = f"/dossiers/{dossier_id}/historique"
    seen = text(helper.get(history))
    assert "<h1>Historique du dossier de Camille Martin</h1>" in seen
    assert "<title>Historique du dossier de Camille Martin" in seen
    assert "Historique de votre dossier" not in seen
    assert "<h1>Historique de votre dossier</h1>" in text(candidate.get(history))


# --- 4. the accompagnateur's own account --------------------------------------------------------


def test_the_accompagnateur_exports_their_own_data(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    page = url(dossier_id, "identite")
    assert comment(helper, dossier_id, "etape:identite", REMARK, page).status_code == 302
    account = text(helper.get("/mon-compte"))
    assert "votre compte d'accompagnateur" in account
    assert "Supprimer mon compte d'accompagnateur" in account
    response = helper.get("/mon-compte/donnees.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("donnees.json"))
    assert data["compte"]["email"] == "conseil@relais.fr"
    assert "password_hash" not in data["compte"]
    [helping] = data["accompagnements"]
    assert helping["dossier_id"] == dossier_id and "token_sha256" not in helping
    assert [c["body"] for c in data["commentaires"]] == [REMARK]
    assert "dossiers" not in data  # the candidate's dossier is the candidate's data


def test_the_accompagnateur_erases_their_account(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    page = url(dossier_id, "identite")
    assert comment(helper, dossier_id, "etape:identite", REMARK, page).status_code == 302
    with app.app_context():
        helper_id = db.session.scalar(select(User.id).where(User.email == "conseil@relais.fr"))
    response = submit(helper, "/mon-compte/suppression", {}, page="/mon-compte")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert "Votre compte d'accompagnateur est effacé" in text(helper.get("/connexion"))
    assert helper.get(f"/dossiers/{dossier_id}/").status_code == 302  # signed out
    with app.app_context():
        user = db.session.get(User, helper_id)
        assert (user.first_name, user.last_name, user.active) == (ANONYMOUS, ANONYMOUS, False)
        assert user.email.endswith("@vae.invalid") and user.anonymised_at is not None
        [invitation] = db.session.scalars(select(Accompaniment))
        assert invitation.revoked_at is not None
        assert (invitation.email, invitation.structure) == ("", "")
        [remark] = db.session.scalars(select(AccompanimentComment))
        assert remark.author_id is None and remark.body == REMARK
        labels = {
            e.actor_label
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == helper_id))
        }
        assert labels == {"Accompagnateur (compte anonymisé)"}
    assert login(helper, "conseil@relais.fr").status_code == 200  # no account any more
    candidate.get("/dossiers/")  # shows the invitation's pending « envoyée à … » message
    seen = text(candidate.get(f"/dossiers/{dossier_id}/accompagnateurs"))
    assert "Samia" not in seen and "conseil@relais.fr" not in seen and "Retirée le" in seen
    assert "Compte supprimé" in text(candidate.get(page))


def _expired_post(app, candidate, make_user, expire, title: str, *, revoked: bool):
    """An accompagnateur opens a new situation of a recevable dossier (revoked by the candidate
    meanwhile when ``revoked``), their session expires, they post ``title``: (client, URL,
    response)."""
    dossier_id = recevable(app, candidate, make_user)
    helper = accompagnateur(app, candidate, dossier_id)
    new = l2(dossier_id) + "situations/nouvelle"
    token = csrf_token(helper.get(new).data)
    if revoked:
        with app.app_context():
            invitation = db.session.scalar(select(Accompaniment))
            gone = f"/dossiers/{dossier_id}/accompagnateurs/{invitation.id}/retirer"
        assert submit(candidate, gone, {}).status_code == 302
    expire()
    data = {**situation("B1/A1", title, ["C1"]), "csrf_token": token}
    return helper, new, helper.post(new, data=data)


def test_the_accompagnateurs_text_is_kept_when_their_session_expired(
    app,
    candidate,
    make_user,
    session_expires,  # noqa: F811 (the fixture imported above)
) -> None:
    helper, new, response = _expired_post(
        app, candidate, make_user, session_expires, "Texte du conseiller", revoked=False
    )
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    [draft] = kept(app)
    assert draft.form["title"] == ["Texte du conseiller"]
    login(helper, "conseil@relais.fr")
    assert 'value="Texte du conseiller"' in text(helper.get(new))


def test_a_revoked_accompagnateurs_expired_session_keeps_nothing(
    app,
    candidate,
    make_user,
    session_expires,  # noqa: F811 (the fixture imported above)
) -> None:
    _helper, _new, response = _expired_post(
        app, candidate, make_user, session_expires, "Après le retrait", revoked=True
    )
    assert response.status_code == 302 and kept(app) == []


# --- 6. staff lists: only those who share a certifier ---------------------------------------------


def _options(page: str, name: str) -> bool:
    return f">{name}</option>" in page


def test_officer_filter_and_assign_form_list_staff_sharing_a_certifier(
    app, candidate, logged_in, make_user
) -> None:
    dossier_id = _submitted(candidate)  # cqp-spp: the Mutualité's
    make_user(Role.STAFF, first_name="Zoé", last_name="Courtier", certifiers=(COURTAGE,))
    colleague = make_user(Role.STAFF, first_name="Inès", last_name="Mutualiste")
    officer = logged_in(
        Role.STAFF, first_name="Paul", last_name="Girard", certifiers=(MUTUALITE, COURTAGE)
    )
    mutualite = logged_in(Role.STAFF, first_name="Rose", last_name="Seule", certifiers=(MUTUALITE,))
    admin = logged_in(Role.ADMIN, first_name="Alice", last_name="Admin")
    queue = text(mutualite.get("/cpnefp/dossiers"))
    assert _options(queue, "Paul Girard") and _options(queue, "Alice Admin")
    assert not _options(queue, "Zoé Courtier")
    assert _options(text(officer.get("/cpnefp/dossiers")), "Zoé Courtier")
    assert _options(text(admin.get("/cpnefp/dossiers")), "Zoé Courtier")
    review = f"/cpnefp/dossiers/{dossier_id}"
    for viewer in (officer, admin):  # the dossier's certifier decides, not the viewer's
        page = text(viewer.get(review))
        assert _options(page, "Rose Seule") and _options(page, colleague.full_name)
        assert not _options(page, "Zoé Courtier")
    with app.app_context():
        courtier = db.session.scalar(select(User.id).where(User.last_name == "Courtier"))
        lock = db.session.get(Dossier, uuid.UUID(dossier_id)).lock_version
    response = submit(
        admin,
        f"{review}/attribution",
        {"assign-officer": str(courtier), "assign-lock_version": str(lock)},
        page=review,
    )
    assert response.status_code == 200  # the form again: not one of the choices
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).assigned_officer_id is None


def test_admins_attach_a_jury_member_created_before_directories(app, logged_in, make_user) -> None:
    juror = make_user(Role.JURY, first_name="Hélène", last_name="Ancienne")
    with app.app_context():
        member = JuryMember(user_id=juror.id, kind=MemberKind.PROFESSIONAL, branch="Mutualité")
        db.session.add(member)
        db.session.commit()
        member_id, mutualite = member.id, certifier_id(MUTUALITE)
    admin = logged_in(Role.ADMIN)
    officer = logged_in(Role.STAFF, certifiers=(MUTUALITE,))
    page = text(admin.get("/cpnefp/jury/membres"))
    assert "<td>Hélène Ancienne</td>" in page and "à rattacher à un annuaire" in page
    assert "<td>Hélène Ancienne</td>" not in text(officer.get("/cpnefp/jury/membres"))
    attach = f"/cpnefp/jury/membres/{member_id}/annuaire"
    token = csrf_token(officer.get("/cpnefp/jury/membres").data)
    assert officer.post(attach, data={"annuaire-csrf_token": token}).status_code == 403
    response = submit(
        admin,
        attach,
        {"annuaire-certifier": str(mutualite)},
        page="/cpnefp/jury/membres",
        token_field="annuaire-csrf_token",
    )
    assert response.status_code == 302
    with app.app_context():
        attached = db.session.get(JuryMember, member_id)
        assert (attached.certifier_id, attached.branch) == (mutualite, "Mutualité")
    page = text(admin.get("/cpnefp/jury/membres"))
    assert "à rattacher à un annuaire" not in page
    assert "<td>Hélène Ancienne</td>" in text(officer.get("/cpnefp/jury/membres"))
