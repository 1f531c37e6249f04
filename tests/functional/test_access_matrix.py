"""Every GET route × every kind of visitor, on real objects: the owner, another candidate,
staff, an admin, the dossier's jury member, another jury member, and an anonymous visitor.

A route missing here fails the suite (see test_the_matrix_covers_every_get_route).
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.functional.jury_flow import compose, declare, jury_client, member, signed
from tests.functional.test_access import EXPECTED
from tests.helpers import submit
from vae.access import Role
from vae.extensions import db
from vae.jury.models import AcquiredBlock, MemberKind
from vae.livret2.models import Livret2
from vae.review.models import Decision

# endpoint -> (URL with placeholders, scope of the object it shows)
#   "dossier": the candidate's dossier (owner, staff, and for files its jury);  "jury": a jury's
#   dossier (its two members only);  "none": no object of anyone's.
URLS = {
    "main.home": ("/", "none"),
    "main.accessibility": ("/accessibilite", "none"),
    "certifications.index": ("/certifications/", "none"),
    "certifications.show": ("/certifications/cqp-spp", "none"),
    "auth.signup": ("/inscription", "none"),
    "auth.login": ("/connexion", "none"),
    "auth.confirm_email": ("/confirmation/faux", "none"),
    "auth.reset_request": ("/mot-de-passe-oublie", "none"),
    "auth.reset_password": ("/mot-de-passe/faux", "none"),
    "admin.users": ("/admin/comptes", "none"),
    "admin.user_new": ("/admin/comptes/nouveau", "none"),
    "admin.user": ("/admin/comptes/{owner_id}", "none"),
    "dossier.dashboard": ("/dossiers/", "none"),
    "dossier.start": ("/dossiers/nouveau", "none"),
    "dossier.show": ("/dossiers/{dossier}/", "dossier"),
    "dossier.step_certification": ("/dossiers/{dossier}/certification", "dossier"),
    "dossier.step_identity": ("/dossiers/{dossier}/identite", "dossier"),
    "dossier.step_experience": ("/dossiers/{dossier}/experience", "dossier"),
    "dossier.activity_form": ("/dossiers/{dossier}/experience/{activity}", "dossier"),
    "dossier.attestation_model": (
        "/dossiers/{dossier}/experience/{activity}/attestation.pdf",
        "dossier",
    ),
    "dossier.step_training": ("/dossiers/{dossier}/formation", "dossier"),
    "dossier.training_form": ("/dossiers/{dossier}/formation/nouvelle", "dossier"),
    "dossier.step_cv": ("/dossiers/{dossier}/cv", "dossier"),
    "dossier.step_attachments": ("/dossiers/{dossier}/pieces", "dossier"),
    "dossier.attachment": ("/dossiers/{dossier}/pieces/{attachment}", "dossier"),
    "dossier.step_summary": ("/dossiers/{dossier}/recapitulatif", "dossier"),
    "dossier.submission_pdf": ("/dossiers/{dossier}/versions/1.pdf", "dossier"),
    "dossier.decision_letter": ("/dossiers/{dossier}/decisions/{decision}.pdf", "dossier"),
    "dossier.history": ("/dossiers/{dossier}/historique", "dossier"),
    "review.index": ("/cpnefp/dossiers", "none"),
    "review.export_csv": ("/cpnefp/dossiers/export.csv", "none"),
    "review.export_xlsx": ("/cpnefp/dossiers/export.xlsx", "none"),
    "review.show": ("/cpnefp/dossiers/{dossier}", "none"),
    "review.dashboard": ("/cpnefp/tableau-de-bord", "none"),
    "livret2.overview": ("/dossiers/{dossier}/livret2/", "dossier"),
    "livret2.situation_form": ("/dossiers/{dossier}/livret2/situations/{situation}", "dossier"),
    "livret2.preview": ("/dossiers/{dossier}/livret2/apercu.pdf", "dossier"),
    "livret2.version_pdf": ("/dossiers/{dossier}/livret2/versions/1.pdf", "dossier"),
    "jury.members": ("/cpnefp/jury/membres", "none"),
    "jury.sessions": ("/cpnefp/jury/sessions", "none"),
    "jury.compose": ("/cpnefp/dossiers/{dossier}/jury", "none"),
    "jury.proclaim": ("/cpnefp/dossiers/{dossier}/proclamation", "none"),
    "jury.my_dossiers": ("/jury/", "none"),
    "jury.dossier": ("/jury/dossiers/{dossier}", "jury"),
    "jury.grid": ("/jury/dossiers/{dossier}/grille", "jury"),
    "jury.minutes": ("/jury/dossiers/{dossier}/proces-verbal.pdf", "jury"),
    "jury.results": ("/dossiers/{dossier}/resultats", "dossier"),
    "jury.block_certificate": ("/certificats/bloc/{block}.pdf", "dossier"),
    "jury.certification_certificate": ("/certificats/certification/{award}.pdf", "missing"),
    "jury.verify": ("/verifier", "none"),
    "privacy.account": ("/mon-compte", "none"),
    "privacy.export": ("/mon-compte/donnees.zip", "none"),
}
WHO = ["anonymous", "owner", "other_candidate", "staff", "admin", "jury", "other_jury"]
ROLE_OF = {
    "owner": Role.CANDIDATE,
    "other_candidate": Role.CANDIDATE,
    "staff": Role.STAFF,
    "admin": Role.ADMIN,
    "jury": Role.JURY,
    "other_jury": Role.JURY,
}


def test_the_matrix_covers_every_get_route() -> None:
    get_routes = {endpoint for endpoint, (_rule, sample) in EXPECTED.items() if sample}
    assert get_routes == set(URLS), sorted(get_routes ^ set(URLS))


def expected(endpoint: str, who: str) -> set[int]:
    rule = EXPECTED[endpoint][0]
    scope = URLS[endpoint][1]
    if rule[0] == "public":
        return {200, 302}
    if rule[0] == "anonymous":
        return {302} if who != "anonymous" else {200}
    if who == "anonymous":
        return {302}
    if rule[0] == "roles" and ROLE_OF[who] not in rule[1]:
        return {403}
    if scope == "missing":
        return {404}
    if scope == "dossier" and who in ("other_candidate", "other_jury"):
        return {404}
    if scope == "jury" and who != "jury" and ROLE_OF[who] == Role.JURY:
        return {404}
    return {200, 302}


@pytest.fixture
def world(app, candidate, make_user, logged_in, session_id):
    """A cqp-spp dossier taken all the way to proclamation, and one client per kind of visitor."""
    from tests.functional.jury_flow import to_livret2_submitted

    dossier_id = to_livret2_submitted(app, candidate, make_user)
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    signed(app, (dossier_id, certifier_user, professional_user, staff), {"D1", "D2", "D3"})
    submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2026-11-20",
            **{f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)},
        },
    )
    _other_jury_id, other_jury_user = member(app, make_user, MemberKind.PROFESSIONAL)
    with app.app_context():
        livret = db.session.scalar(select(Livret2))
        from vae.dossier.models import Dossier

        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        ids = {
            "dossier": dossier_id,
            "owner_id": str(candidate.user.id),
            "activity": str(dossier.activities[0].id),
            "attachment": str(dossier.attachments[0].id),
            "decision": str(db.session.scalar(select(Decision.id))),
            "situation": str(livret.situations[0].id),
            "block": str(db.session.scalar(select(AcquiredBlock.id))),
            "award": str(uuid.uuid4()),
        }
    other_jury = jury_client(app, other_jury_user)
    declare(other_jury, dossier_id)  # refused (not on this jury): nothing opens
    clients = {
        "anonymous": app.test_client(),
        "owner": candidate,
        "other_candidate": logged_in(Role.CANDIDATE),
        "staff": staff,
        "admin": logged_in(Role.ADMIN),
        "jury": jury_client(app, certifier_user),
        "other_jury": other_jury,
    }
    return ids, clients


def test_every_route_for_every_visitor(world) -> None:
    ids, clients = world
    failures = []
    for endpoint, (template, _scope) in URLS.items():
        path = template.format(**ids)
        for who in WHO:
            status = clients[who].get(path, buffered=True).status_code
            if status not in expected(endpoint, who):
                failures.append(
                    f"{endpoint} {path} as {who}: {status}, "
                    f"expected {sorted(expected(endpoint, who))}"
                )
    assert not failures, "\n".join(failures)


def test_object_ids_are_not_guessable(world) -> None:
    ids, _clients = world
    for key in ("dossier", "activity", "attachment", "decision", "situation", "block"):
        assert uuid.UUID(ids[key]).version == 4, key
