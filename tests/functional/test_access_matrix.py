"""Every GET route × every kind of visitor, on real objects: the owner, another candidate,
staff, an admin, the dossier's jury member, another jury member, and an anonymous visitor; the
dossier's jury member who has not declared the absence of conflict (on a second dossier);
everybody but the owner on the owner's draft; staff of another certifier (Ucanss: the dossiers
are the CPNEFP Mutualité's), who get 404 on every URL of a dossier and see none in a list; and a
jury member of another certifier's directory.

A route missing here fails the suite (see test_the_matrix_covers_every_get_route).
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.functional.accompaniment_flow import accompagnateur, invitation_link, invite
from tests.functional.certifier_flow import UCANSS
from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    activity_ids,
    add_activity,
    start_dossier,
    upload,
)
from tests.functional.jury_flow import (
    compose,
    declare,
    grid_data,
    grid_url,
    jury_client,
    member,
)
from tests.functional.test_access import EXPECTED
from tests.helpers import make_pdf, submit
from vae.accompaniment.models import Accompaniment
from vae.extensions import db, limiter
from vae.jury.models import AcquiredBlock, MemberKind
from vae.livret2.models import Livret2
from vae.review.models import Decision
from vae.roles import Role

# endpoint -> (URL with placeholders, scope of the object it shows)
#   "dossier": the candidate's dossier (owner, staff, and for files its jury);  "jury": a jury's
#   dossier (its two members only);  "none": no object of anyone's.
URLS = {
    "main.home": ("/", "none"),
    "main.accessibility": ("/accessibilite", "none"),
    "main.glossary": ("/lexique", "none"),
    "main.legal_notices": ("/mentions-legales", "none"),
    "main.privacy_notice": ("/donnees-personnelles", "none"),
    "main.health": ("/sante", "none"),
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
    "certifiers.index": ("/admin/certificateurs/", "none"),
    "certifiers.edit": ("/admin/certificateurs/ucanss", "none"),
    "dossier.dashboard": ("/dossiers/", "none"),
    "dossier.start": ("/dossiers/nouveau", "none"),
    "dossier.show": ("/dossiers/{dossier}/", "dossier"),
    "dossier.step": ("/dossiers/{dossier}/identite", "dossier"),  # every form step (one view)
    "dossier.step_experience": ("/dossiers/{dossier}/experience", "dossier"),
    "dossier.activity_form": ("/dossiers/{dossier}/experience/{activity}", "dossier"),
    "dossier.attestation_model": (
        "/dossiers/{dossier}/experience/{activity}/attestation.pdf",
        "dossier",
    ),
    "dossier.training_form": ("/dossiers/{dossier}/formation/nouvelle", "dossier"),
    "dossier.step_attachments": ("/dossiers/{dossier}/pieces", "dossier"),
    "dossier.attachment": ("/dossiers/{dossier}/pieces/{attachment}", "dossier"),
    "dossier.step_summary": ("/dossiers/{dossier}/recapitulatif", "dossier"),
    "dossier.submission_pdf": ("/dossiers/{dossier}/versions/1.pdf", "dossier"),
    "dossier.decision_letter": ("/dossiers/{dossier}/decisions/{decision}.pdf", "dossier"),
    "dossier.submission_html": ("/dossiers/{dossier}/versions/1.html", "dossier"),
    "dossier.decision_letter_html": ("/dossiers/{dossier}/decisions/{decision}.html", "dossier"),
    "dossier.history": ("/dossiers/{dossier}/historique", "dossier"),
    "dossier.withdraw": ("/dossiers/{dossier}/retirer", "dossier"),
    "review.index": ("/cpnefp/dossiers", "none"),
    "review.export_csv": ("/cpnefp/dossiers/export.csv", "none"),
    "review.export_xlsx": ("/cpnefp/dossiers/export.xlsx", "none"),
    "review.show": ("/cpnefp/dossiers/{dossier}", "none"),
    "review.dashboard": ("/cpnefp/tableau-de-bord", "none"),
    "livret2.overview": ("/dossiers/{dossier}/livret2/", "dossier"),
    "livret2.situation_form": ("/dossiers/{dossier}/livret2/situations/{situation}", "dossier"),
    "livret2.preview": ("/dossiers/{dossier}/livret2/apercu.pdf", "dossier"),
    "livret2.version_pdf": ("/dossiers/{dossier}/livret2/versions/1.pdf", "dossier"),
    "livret2.version_html": ("/dossiers/{dossier}/livret2/versions/1.html", "dossier"),
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
    "jury.minutes_html": ("/jury/dossiers/{dossier}/proces-verbal.html", "jury"),
    "jury.block_certificate_html": ("/certificats/bloc/{block}.html", "dossier"),
    "jury.certification_certificate_html": ("/certificats/certification/{award}.html", "missing"),
    "jury.convocation_html": ("/dossiers/{dossier}/convocation", "dossier"),
    "jury.verify": ("/verifier", "none"),
    "privacy.account": ("/mon-compte", "none"),
    "privacy.export": ("/mon-compte/donnees.zip", "none"),
    "accompaniment.index": ("/dossiers/{dossier}/accompagnateurs", "dossier"),
    "accompaniment.revoke": (
        "/dossiers/{dossier}/accompagnateurs/{accompaniment}/retirer",
        "dossier",
    ),
    "accompaniment.invitation": ("/invitation/faux", "none"),
    "api_tokens.index": ("/admin/certificateurs/ucanss/jetons-api/", "none"),
    "webhooks.index": ("/admin/certificateurs/ucanss/webhooks/", "none"),
    "api.openapi": ("/api/v1/openapi.json", "none"),
    "api.docs": ("/api/v1/docs", "none"),
    "api.dossiers": ("/api/v1/dossiers", "none"),
    "api.dossier": ("/api/v1/dossiers/{dossier}", "none"),
    "api.attachment": ("/api/v1/dossiers/{dossier}/attachments/{attachment}", "none"),
    "api.decisions": ("/api/v1/dossiers/{dossier}/decisions", "none"),
    "api.livret2": ("/api/v1/dossiers/{dossier}/livret2", "none"),
    "api.livret2_pdf": ("/api/v1/dossiers/{dossier}/livret2/versions/1.pdf", "none"),
    "api.results": ("/api/v1/dossiers/{dossier}/results", "none"),
    "api.certificates": ("/api/v1/dossiers/{dossier}/certificates", "none"),
    "api.jury_sessions": ("/api/v1/jury-sessions", "none"),
    "api.acquired_blocks": ("/api/v1/candidates/{owner_id}/acquired-blocks", "none"),
}
WHO = ["anonymous", "owner", "other_candidate", "staff", "admin", "jury", "other_jury"]
# « accompagnateur »: invited by the owner on the proclaimed dossier and on the draft, accepted;
# « revoked_accompagnateur »: accepted on the proclaimed dossier, then revoked; never invited on
# the draft. The first sees what the owner sees wherever their role is allowed; the second, 404.
WHO += ["accompagnateur", "revoked_accompagnateur"]
WHO += ["other_certifier_staff", "other_certifier_jury"]
ROLE_OF = {
    "owner": Role.CANDIDATE,
    "other_candidate": Role.CANDIDATE,
    "staff": Role.STAFF,
    "admin": Role.ADMIN,
    "jury": Role.JURY,
    "other_jury": Role.JURY,
    "accompagnateur": Role.ACCOMPAGNATEUR,
    "revoked_accompagnateur": Role.ACCOMPAGNATEUR,
    "other_certifier_staff": Role.STAFF,
    "other_certifier_jury": Role.JURY,
}
OBJECT_KEYS = ("{dossier}", "{block}", "{award}")  # a URL naming one dossier or its certificate
# Who visits which object, beyond every visitor on the proclaimed dossier:
#   "undeclared": a second dossier whose jury has the same two members; "jury" (the certifier,
#   who declared on the first dossier) has not declared on this one, "declared_jury" (the
#   professional) has.  "draft": a second dossier of the owner, never submitted.
VISITS = (
    [(who, "proclaimed") for who in WHO]
    + [("jury", "undeclared"), ("declared_jury", "undeclared")]
    + [(who, "draft") for who in WHO if who != "owner"]
)
ROLE_OF["declared_jury"] = Role.JURY
UNDECLARED_REDIRECTS = {("undeclared", "jury", scope, 302) for scope in ("dossier", "jury")}


def test_the_matrix_covers_every_get_route() -> None:
    get_routes = {endpoint for endpoint, (_rule, sample) in EXPECTED.items() if sample}
    assert get_routes == set(URLS), sorted(get_routes ^ set(URLS))


def expected(endpoint: str, who: str, state: str = "proclaimed") -> set[int] | None:
    """The status codes ``who`` may get; None: the very one the owner gets on the same URL."""
    rule = EXPECTED[endpoint][0]
    template, scope = URLS[endpoint]
    if rule[0] == "public":
        return {200, 302}
    if rule[0] == "anonymous":
        return {302} if who != "anonymous" else {200}
    if rule[0] == "api_token":
        return {401}  # whoever is signed in: the API takes a bearer token, never a session
    if who == "anonymous":
        return {302}
    if rule[0] == "roles" and ROLE_OF[who] not in rule[1]:
        return {403}
    if scope == "missing":
        return {404}
    if who == "other_certifier_staff" and any(key in template for key in OBJECT_KEYS):
        return {404}  # another certifier's dossier: as if it did not exist
    if who == "accompagnateur" and scope == "dossier":
        return None
    if who == "revoked_accompagnateur" and scope == "dossier":
        return {404}
    if state == "draft" and "{dossier}" in template:
        return {404}  # a draft is its candidate's alone
    if state == "undeclared" and who == "jury" and scope in ("dossier", "jury"):
        # Only the declaration page opens; everything else leads to it or is not found.
        return {200} if endpoint == "jury.dossier" else {302, 404}
    if scope == "dossier" and who in ("other_candidate", "other_jury", "other_certifier_jury"):
        return {404}
    if scope == "jury" and who not in ("jury", "declared_jury") and ROLE_OF[who] == Role.JURY:
        return {404}
    return {200, 302}


def _ids(app, dossier_id: str) -> dict[str, str]:
    """The objects of a dossier the URLs need (its first activity, attachment, decision…)."""
    from vae.dossier.models import Dossier

    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        decision = db.session.scalar(select(Decision.id).where(Decision.dossier_id == dossier.id))
        accompaniment = db.session.scalar(
            select(Accompaniment.id).where(Accompaniment.dossier_id == dossier.id)
        )
        return {
            "dossier": dossier_id,
            "activity": str(dossier.activities[0].id),
            "attachment": str(dossier.attachments[0].id),
            "decision": str(decision or uuid.uuid4()),
            "situation": str(livret.situations[0].id if livret else uuid.uuid4()),
            "accompaniment": str(accompaniment or uuid.uuid4()),
        }


def _draft(client) -> str:
    """A dossier started, with an activity and its attestation, never submitted."""
    dossier_id = start_dossier(client, "cqp-dam")
    assert add_activity(client, dossier_id, FULL_TIME_JOB).status_code == 302
    (activity_id,) = activity_ids(client, dossier_id)
    response = upload(client, dossier_id, f"a-{activity_id}", "employer_attestation", make_pdf())
    assert response.status_code == 302
    return dossier_id


@pytest.fixture
def world(app, candidate, make_user, logged_in, session_id):
    """A cqp-spp dossier taken all the way to proclamation, a second one before its jury, a
    draft, and one client per kind of visitor; returns (ids by state, clients)."""
    from tests.functional.jury_flow import proclaimed_journey, to_livret2_submitted

    journey = proclaimed_journey(app, candidate, make_user, logged_in, session_id)
    dossier_id, staff = journey["dossier_id"], journey["staff"]
    certifier, certifier_user = journey["certifier"], journey["certifier_user"]
    professional, professional_user = journey["professional"], journey["professional_user"]
    _other_jury_id, other_jury_user = member(app, make_user, MemberKind.PROFESSIONAL)
    other_candidate = logged_in(Role.CANDIDATE)
    second_id = to_livret2_submitted(app, other_candidate, make_user)
    assert compose(staff, second_id, session_id, certifier, professional).status_code == 302
    declared = jury_client(app, professional_user)
    declare(declared, second_id)
    submit(declared, grid_url(second_id), grid_data(app, second_id, {"D1"}))
    with app.app_context():
        block = str(db.session.scalar(select(AcquiredBlock.id)))
    common = {"owner_id": str(candidate.user.id), "block": block, "award": str(uuid.uuid4())}
    draft_id = _draft(candidate)
    helper, revoked = _accompagnateurs(app, candidate, dossier_id, draft_id)
    ids = {
        "proclaimed": {**common, **_ids(app, dossier_id)},
        "undeclared": {**common, **_ids(app, second_id)},
        "draft": {**common, **_ids(app, draft_id)},
    }
    other_jury = jury_client(app, other_jury_user)
    declare(other_jury, dossier_id)  # refused (not on this jury): nothing opens
    _ucanss_id, ucanss_jury_user = member(app, make_user, MemberKind.CERTIFIER, certifier=UCANSS)
    with app.app_context():
        limiter.reset()  # a dozen logins from one address: over the login rate limit
    clients = {
        "anonymous": app.test_client(),
        "owner": candidate,
        "other_candidate": other_candidate,
        "staff": staff,
        "admin": logged_in(Role.ADMIN),
        "jury": jury_client(app, certifier_user),
        "declared_jury": declared,
        "other_jury": other_jury,
        "accompagnateur": helper,
        "revoked_accompagnateur": revoked,
        "other_certifier_staff": logged_in(Role.STAFF, certifiers=(UCANSS,)),
        "other_certifier_jury": jury_client(app, ucanss_jury_user),
    }
    return ids, clients


def _accompagnateurs(app, candidate, dossier_id: str, draft_id: str) -> tuple:
    """The owner's accompagnateur on both dossiers, and one revoked on the proclaimed one."""
    helper = accompagnateur(app, candidate, dossier_id, "conseil@relais.fr")
    assert invite(candidate, draft_id, "conseil@relais.fr").status_code == 302
    assert submit(helper, invitation_link(app, "conseil@relais.fr"), {}).status_code == 302
    revoked = accompagnateur(app, candidate, dossier_id, "ancien@relais.fr")
    with app.app_context():
        gone = db.session.scalar(
            select(Accompaniment.id).where(Accompaniment.email == "ancien@relais.fr")
        )
    revoke = f"/dossiers/{dossier_id}/accompagnateurs/{gone}/retirer"
    assert submit(candidate, revoke, {}).status_code == 302
    return helper, revoked


def test_every_route_for_every_visitor(world) -> None:
    ids, clients = world
    failures = []
    for endpoint, (template, scope) in URLS.items():
        for who, state in VISITS:
            path = template.format(**ids[state])
            response = clients[who].get(path, buffered=True)
            allowed = expected(endpoint, who, state)
            if allowed is None:
                allowed = {clients["owner"].get(path, buffered=True).status_code}
            if response.status_code not in allowed:
                failures.append(
                    f"{endpoint} {path} as {who} ({state}): {response.status_code}, "
                    f"expected {sorted(allowed)}"
                )
            elif (state, who, scope, response.status_code) in UNDECLARED_REDIRECTS:
                declaration = f"/jury/dossiers/{ids[state]['dossier']}"
                if response.headers["Location"] != declaration:
                    failures.append(f"{endpoint} as {who} ({state}): not sent to the declaration")
    assert not failures, "\n".join(failures)


def test_what_the_status_codes_do_not_show(world) -> None:
    """The undeclared member's refusals are not for want of documents: the member who declared
    opens them; the owner reads the draft that staff and admin cannot."""
    ids, clients = world
    second = ids["undeclared"]
    for path in (
        grid_url(second["dossier"]),
        f"/jury/dossiers/{second['dossier']}/proces-verbal.pdf",
        f"/jury/dossiers/{second['dossier']}/proces-verbal.html",
        f"/dossiers/{second['dossier']}/versions/1.pdf",
        f"/dossiers/{second['dossier']}/versions/1.html",
        f"/dossiers/{second['dossier']}/livret2/versions/1.pdf",
        f"/dossiers/{second['dossier']}/livret2/versions/1.html",
        f"/dossiers/{second['dossier']}/pieces/{second['attachment']}",
    ):
        assert clients["declared_jury"].get(path, buffered=True).status_code == 200, path
        assert clients["jury"].get(path, buffered=True).status_code in (302, 404), path
    page = clients["jury"].get(f"/jury/dossiers/{second['dossier']}").get_data(as_text=True)
    assert "Avant d'ouvrir le dossier" in page
    draft = ids["draft"]
    for path in ("recapitulatif", "historique", f"pieces/{draft['attachment']}"):
        url = f"/dossiers/{draft['dossier']}/{path}"
        assert clients["owner"].get(url, buffered=True).status_code == 200, url
        for who in ("staff", "admin"):
            assert clients[who].get(url, buffered=True).status_code == 404, (who, url)


def test_object_ids_are_not_guessable(world) -> None:
    ids, _clients = world
    for key in ("dossier", "activity", "attachment", "decision", "situation", "block"):
        assert uuid.UUID(ids["proclaimed"][key]).version == 4, key


def test_staff_of_another_certifier_sees_none_of_its_dossiers_in_lists(world) -> None:
    """The queue, its counts and search, exports, the dashboard and the jury sessions of an
    Ucanss officer hold none of the CPNEFP Mutualité's dossiers; its own officer sees them."""
    from vae.dossier.models import Dossier
    from vae.referentials.models import Certification

    ids, clients = world
    with clients["staff"].application.app_context():
        numbers = [
            db.session.get(Dossier, uuid.UUID(ids[state]["dossier"])).number
            for state in ("proclaimed", "undeclared")
        ]
        title = db.session.scalar(
            select(Certification.title).where(Certification.code == "cqp-spp")
        )
    lists = (
        "/cpnefp/dossiers",
        "/cpnefp/dossiers?q=Martin",
        "/cpnefp/dossiers/export.csv",
        "/cpnefp/jury/sessions",
    )
    mine, theirs = clients["staff"], clients["other_certifier_staff"]
    for path in lists:
        assert all(n in mine.get(path, buffered=True).get_data(as_text=True) for n in numbers)
        seen = theirs.get(path, buffered=True).get_data(as_text=True)
        assert not any(n in seen for n in numbers), path
    assert "Tous\u00a0: 0" in theirs.get("/cpnefp/dossiers").get_data(as_text=True)
    assert title in mine.get("/cpnefp/tableau-de-bord").get_data(as_text=True)
    assert title not in theirs.get("/cpnefp/tableau-de-bord").get_data(as_text=True)
