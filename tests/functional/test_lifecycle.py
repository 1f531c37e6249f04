"""The end of a dossier's life: withdrawal, « Reprendre », closing, the livret 2's opening, and
the life-cycle table walked move by move."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.test_livret2 import recevable
from tests.functional.test_review import ask_complements
from tests.helpers import csrf_token, outbox_messages, submit, text
from vae.audit import AuditEntry
from vae.dossier import lifecycle
from vae.dossier.enums import NEXT_STATUSES, DossierStatus
from vae.dossier.models import Dossier
from vae.dossier.quotas import earlier_requests
from vae.extensions import db
from vae.livret2.models import Livret2
from vae.roles import Role


def submitted(candidate, certification: str = "cqp-spp", option: str = "sante") -> str:
    dossier_id = complete_dossier(candidate, certification, option)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


def get(app, dossier_id: str) -> Dossier:
    return db.session.get(Dossier, uuid.UUID(dossier_id))


def entries(dossier_id: str, action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_id == str(dossier_id), AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
    )


def test_withdrawal_page_then_post_with_reason_tells_staff(app, candidate, make_user) -> None:
    officer = make_user(Role.STAFF, email="agent-retrait@exemple.fr")
    dossier_id = submitted(candidate)
    page = text(candidate.get(url(dossier_id, "retirer")))
    assert "compte toujours dans vos demandes de l'année" in page
    response = submit(candidate, url(dossier_id, "retirer"), {"reason": "Je change de métier."})
    assert response.status_code == 302
    assert "La CPNEFP en est informée" in text(candidate.get(response.location))
    with app.app_context():
        dossier = get(app, dossier_id)
        assert dossier.status == DossierStatus.WITHDRAWN
        (entry,) = entries(dossier_id, "withdrawn")
        assert (entry.from_state, entry.to_state, entry.comment) == (
            "submitted",
            "withdrawn",
            "Je change de métier.",
        )
        # The request still counts in the quotas.
        assert [r.certification for r in earlier_requests(dossier.candidate_id, None)] == [
            "cqp-spp"
        ]
    mails = [m for m in outbox_messages(app) if "retiré" in m["Subject"]]
    assert [m["To"] for m in mails] == [officer.email]
    # Read-only, still readable by the candidate and by staff.
    summary = text(candidate.get(url(dossier_id, "recapitulatif")))
    assert "Retiré" in summary and "Modifier" not in summary and "Reprendre" in summary
    staff = app.test_client()
    from tests.helpers import login

    login(staff, officer.email)
    assert "lecture seule" in text(staff.get(f"/cpnefp/dossiers/{dossier_id}"))


def test_double_post_withdraws_once(app, candidate) -> None:
    dossier_id = submitted(candidate)
    token = csrf_token(candidate.get(url(dossier_id, "retirer")).data)
    for _ in range(2):
        candidate.post(url(dossier_id, "retirer"), data={"csrf_token": token})
    assert "déjà retiré" in text(candidate.get(url(dossier_id, "recapitulatif")))
    with app.app_context():
        assert len(entries(dossier_id, "withdrawn")) == 1


def test_withdrawal_from_a_stale_page_is_refused(app, candidate) -> None:
    """The page showed an older version (a decision made meanwhile): nothing is withdrawn."""
    dossier_id = submitted(candidate)
    page = candidate.get(url(dossier_id, "retirer")).data
    with app.app_context():
        seen = get(app, dossier_id).lock_version
    response = candidate.post(
        url(dossier_id, "retirer"), data={"csrf_token": csrf_token(page), "lock_version": seen - 1}
    )
    assert response.status_code == 302
    assert "a changé entre-temps" in text(candidate.get(response.location))
    with app.app_context():
        assert get(app, dossier_id).status == DossierStatus.SUBMITTED


def test_draft_is_discarded_and_counts_for_nothing(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    assert "ne compte pas dans vos demandes" in text(candidate.get(url(dossier_id, "retirer")))
    submit(candidate, url(dossier_id, "retirer"), {})
    with app.app_context():
        assert get(app, dossier_id) is None
        assert len(entries(dossier_id, "draft_discarded")) == 1
    assert not [m for m in outbox_messages(app) if "retiré" in m["Subject"]]


def test_withdrawal_refused_once_the_jury_is_scheduled(app, candidate) -> None:
    dossier_id = submitted(candidate)
    with app.app_context():
        db.session.execute(
            Dossier.__table__.update()
            .where(Dossier.id == uuid.UUID(dossier_id))
            .values(status=DossierStatus.JURY_SCHEDULED)
        )
        db.session.commit()
    assert "ne peut plus être retiré" in text(candidate.get(url(dossier_id, "retirer")))
    response = submit(candidate, url(dossier_id, "retirer"), {})
    assert response.status_code == 302
    with app.app_context():
        assert get(app, dossier_id).status == DossierStatus.JURY_SCHEDULED


def test_other_people_cannot_withdraw(app, candidate, logged_in) -> None:
    dossier_id = submitted(candidate)
    other = logged_in(Role.CANDIDATE, email="autre@exemple.fr")
    assert other.get(url(dossier_id, "retirer")).status_code == 404
    jury = logged_in(Role.JURY, email="jure@exemple.fr")
    assert jury.get(url(dossier_id, "retirer")).status_code == 403


def test_resume_copies_data_and_files_into_a_new_draft(app, candidate) -> None:
    dossier_id = submitted(candidate)
    submit(candidate, url(dossier_id, "retirer"), {})
    with app.app_context():  # filed last year: this year's quota is free
        from vae.dossier.submissions import Submission

        db.session.execute(
            Submission.__table__.update().values(submitted_at=datetime(2025, 6, 2, tzinfo=UTC))
        )
        db.session.commit()
    response = submit(
        candidate, url(dossier_id, "reprendre"), {}, page=url(dossier_id, "recapitulatif")
    )
    assert response.status_code == 302
    with app.app_context():
        old = get(app, dossier_id)
        new = db.session.scalar(select(Dossier).where(Dossier.status == DossierStatus.DRAFT))
        assert new.id != old.id and new.number is None
        assert (new.last_name, new.cv, new.option_code) == (old.last_name, old.cv, old.option_code)
        assert [a.title for a in new.activities] == [a.title for a in old.activities]
        assert [t.title for t in new.trainings] == [t.title for t in old.trainings]
        old_files = {a.sha256 for a in old.live_attachments()}
        assert {a.sha256 for a in new.live_attachments()} == old_files and old_files
        assert not {a.stored_name for a in new.attachments} & {
            a.stored_name for a in old.attachments
        }
        proof = new.activities[0].proofs()
        assert proof, "the attestation follows its activity"
        assert len(entries(str(new.id), "resumed")) == 1
    # A second « Reprendre » finds the open draft and leads to it.
    again = submit(
        candidate, url(dossier_id, "reprendre"), {}, page=url(dossier_id, "recapitulatif")
    )
    assert str(new.id) in again.location


def test_resume_the_same_year_is_offered_for_some_blocks_only(app, candidate) -> None:
    """The withdrawn whole request still counts this year: the page says so before the button,
    which resumes it as a block-only request (R6412-3); a block-only one stays block-only."""
    dossier_id = submitted(candidate)
    submit(candidate, url(dossier_id, "retirer"), {})
    page = text(candidate.get(url(dossier_id, "recapitulatif")))
    assert "une seule demande par certification" in page
    assert "Reprendre pour certains domaines" in page
    whole = submit(
        candidate, url(dossier_id, "reprendre"), {}, page=url(dossier_id, "recapitulatif")
    )
    assert whole.location.endswith("/recapitulatif")  # refused: the yearly limit
    response = submit(
        candidate,
        url(dossier_id, "reprendre"),
        {"blocks_only": "y"},
        page=url(dossier_id, "recapitulatif"),
    )
    assert response.status_code == 302 and "recapitulatif" not in response.location
    with app.app_context():
        new = db.session.scalar(select(Dossier).where(Dossier.status == DossierStatus.DRAFT))
        assert new.blocks_only and new.requested_blocks == []
        new.requested_blocks = ["D1", "D2"]
        db.session.commit()
        new_id = str(new.id)
    # Submitted, withdrawn and resumed again, the block-only request keeps its blocks.
    with app.app_context():
        db.session.execute(
            Dossier.__table__.update()
            .where(Dossier.id == new.id)
            .values(status=DossierStatus.WITHDRAWN, number="VAE-TEST-1", submitted_at=clock_now())
        )
        db.session.commit()
    assert "Reprendre pour certains" not in text(candidate.get(url(new_id, "recapitulatif")))
    again = submit(candidate, url(new_id, "reprendre"), {}, page=url(new_id, "recapitulatif"))
    assert again.status_code == 302 and "recapitulatif" not in again.location
    with app.app_context():
        newest = db.session.scalar(select(Dossier).where(Dossier.status == DossierStatus.DRAFT))
        assert newest.requested_blocks == ["D1", "D2"]


def clock_now() -> datetime:
    return datetime.now(UTC)


def test_resume_not_offered_for_a_dossier_under_review(app, candidate) -> None:
    dossier_id = submitted(candidate)
    assert "Reprendre" not in text(candidate.get(url(dossier_id, "recapitulatif")))
    submit(candidate, url(dossier_id, "reprendre"), {}, page=url(dossier_id, "recapitulatif"))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Dossier)) == 1


def test_livret2_overview_get_changes_nothing_the_button_opens_it(
    app, candidate, make_user
) -> None:
    dossier_id = recevable(app, candidate, make_user, opened=False)
    page = text(candidate.get(f"/dossiers/{dossier_id}/livret2/"))
    assert "Commencer mon livret 2" in page
    with app.app_context():
        assert get(app, dossier_id).status == DossierStatus.RECEVABLE
        assert db.session.scalar(select(Livret2)) is None
    submit(
        candidate,
        f"/dossiers/{dossier_id}/livret2/commencer",
        {},
        page=f"/dossiers/{dossier_id}/livret2/",
    )
    with app.app_context():
        assert get(app, dossier_id).status == DossierStatus.LIVRET2_IN_PROGRESS
        assert len(entries(dossier_id, "livret2_opened")) == 1


def proclaimed(app, candidate, on: date) -> str:
    """A submitted dossier put straight into « proclaimed » with its proclamation row."""
    from vae.jury.models import Proclamation

    dossier_id = submitted(candidate)
    with app.app_context():
        dossier = get(app, dossier_id)
        db.session.execute(
            Dossier.__table__.update()
            .where(Dossier.id == dossier.id)
            .values(status=DossierStatus.PROCLAIMED)
        )
        db.session.add(
            Proclamation(
                dossier_id=dossier.id, proclaimed_on=on, results={}, by_id=dossier.candidate_id
            )
        )
        db.session.commit()
    return dossier_id


def test_staff_close_a_proclaimed_dossier(app, candidate, logged_in) -> None:
    dossier_id = proclaimed(app, candidate, date(2026, 11, 1))
    staff = logged_in(Role.STAFF, email="agent-clot@exemple.fr")
    assert "Clore le dossier" in text(staff.get(f"/cpnefp/dossiers/{dossier_id}"))
    # The candidate may not close it.
    assert submit(candidate, url(dossier_id, "clore"), {}, page="/").status_code == 403
    response = submit(staff, url(dossier_id, "clore"), {}, page=f"/cpnefp/dossiers/{dossier_id}")
    assert response.status_code == 302
    with app.app_context():
        assert get(app, dossier_id).status == DossierStatus.CLOSED
        assert len(entries(dossier_id, "closed")) == 1
    assert "Ce dossier est clos" in text(candidate.get(url(dossier_id, "recapitulatif")))


def test_closing_itself_after_n_days_is_idempotent(app, candidate) -> None:
    dossier_id = proclaimed(app, candidate, date(2026, 8, 1))
    with app.test_request_context():
        assert lifecycle.close_after_proclamation(date(2026, 10, 29)) == 0  # 89 days
        assert lifecycle.close_after_proclamation(date(2026, 10, 30)) == 1  # 90 days
        assert lifecycle.close_after_proclamation(date(2026, 10, 31)) == 0
        (entry,) = entries(dossier_id, "closed_automatically")
        assert entry.actor_role is None  # the system
        assert get(app, dossier_id).status == DossierStatus.CLOSED


# --- the life-cycle table -------------------------------------------------------------------

# Each allowed move and the audit actions of the operations that make it.
_S = DossierStatus
OPERATIONS: dict[tuple[DossierStatus, DossierStatus], frozenset[str]] = {
    (_S.DRAFT, _S.SUBMITTED): frozenset({"submitted"}),
    (_S.SUBMITTED, _S.INCOMPLETE): frozenset({"decided"}),
    (_S.SUBMITTED, _S.RECEVABLE): frozenset({"decided", "decided_implicitly"}),
    (_S.SUBMITTED, _S.NON_RECEVABLE): frozenset({"decided"}),
    (_S.INCOMPLETE, _S.SUBMITTED): frozenset({"submitted"}),
    (_S.RECEVABLE, _S.LIVRET2_IN_PROGRESS): frozenset({"livret2_opened"}),
    (_S.RECEVABLE, _S.SUBMITTED): frozenset({"implicit_withdrawn"}),
    (_S.LIVRET2_IN_PROGRESS, _S.LIVRET2_SUBMITTED): frozenset({"livret2_submitted"}),
    (_S.LIVRET2_IN_PROGRESS, _S.SUBMITTED): frozenset({"implicit_withdrawn"}),
    (_S.LIVRET2_SUBMITTED, _S.LIVRET2_IN_PROGRESS): frozenset({"livret2_returned"}),
    (_S.LIVRET2_SUBMITTED, _S.JURY_SCHEDULED): frozenset({"jury_composed"}),
    (_S.JURY_SCHEDULED, _S.JURY_SIGNED): frozenset({"jury_signed"}),
    (_S.JURY_SIGNED, _S.PROCLAIMED): frozenset({"proclaimed"}),
    (_S.PROCLAIMED, _S.CLOSED): frozenset({"closed", "closed_automatically"}),
    (_S.SUBMITTED, _S.WITHDRAWN): frozenset({"withdrawn"}),
    (_S.INCOMPLETE, _S.WITHDRAWN): frozenset({"withdrawn"}),
    (_S.RECEVABLE, _S.WITHDRAWN): frozenset({"withdrawn"}),
    (_S.LIVRET2_IN_PROGRESS, _S.WITHDRAWN): frozenset({"withdrawn"}),
    (_S.LIVRET2_SUBMITTED, _S.WITHDRAWN): frozenset({"withdrawn"}),
}


def test_every_other_move_is_refused_by_move_to() -> None:
    for source in DossierStatus:
        for target in DossierStatus:
            dossier = Dossier(status=source)
            if target in NEXT_STATUSES[source]:
                continue
            with pytest.raises(ValueError):
                dossier.move_to(target, "test")


def test_every_withdrawable_status_is_withdrawn_by_the_operation(app, candidate) -> None:
    dossier_id = submitted(candidate)
    sources = sorted(
        (s for s, nexts in NEXT_STATUSES.items() if DossierStatus.WITHDRAWN in nexts), key=str
    )
    for source in sources:
        if source == DossierStatus.DRAFT:
            continue  # test_draft_is_discarded_and_counts_for_nothing
        with app.test_request_context():
            db.session.execute(
                Dossier.__table__.update()
                .where(Dossier.id == uuid.UUID(dossier_id))
                .values(status=source)
            )
            db.session.commit()
            lifecycle.withdraw(get(app, dossier_id), "", candidate.user, None)
            entry = entries(dossier_id, "withdrawn")[-1]
            assert (entry.from_state, entry.to_state) == (source.value, "withdrawn")


def _decide(officer, dossier_id: str, data: dict) -> None:
    """The officer's decision, through the review page's form."""
    from tests.functional.test_review import post

    response = post(
        officer, dossier_id, "decision", {"decision-lock_version": "{lock}", **data}, "decision-"
    )
    assert response.status_code == 302, text(response)[:2000]


def _withdraw(client, dossier_id: str) -> None:
    """The candidate withdraws from the confirmation page."""
    response = submit(client, url(dossier_id, "retirer"), {"reason": "Je change de projet."})
    assert response.status_code == 302
    assert "La CPNEFP en est informée" in text(client.get(response.location))


def _open_livret2(client, dossier_id: str) -> None:
    """The candidate presses « Commencer mon livret 2 »."""
    page = f"/dossiers/{dossier_id}/livret2/"
    assert submit(client, page + "commencer", {}, page=page).status_code == 302


def _candidate(app, logged_in, n: int):
    """One more candidate (each dossier its own, for the quotas), the login limit reset."""
    from vae.extensions import limiter

    with app.app_context():
        limiter.reset()
    return logged_in(Role.CANDIDATE, email=f"candidat{n}@exemple.fr")


def _status(app, dossier_id: str) -> DossierStatus:
    with app.app_context():
        return get(app, dossier_id).status


def _full_path(app, candidate, staff, make_user, session_id) -> str:
    """Draft to closed by the staff, through an incomplete round and a livret 2 returned."""
    from tests.functional import jury_flow
    from tests.functional.test_deadlines import answer_every_item
    from vae.jury.models import MemberKind

    dossier_id = submitted(candidate)
    ask_complements(staff, dossier_id, "CV détaillé")
    answer_every_item(app, candidate, dossier_id)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    recevable_data = {"decision-kind": "recevable", "decision-livret2_due": "2027-05-24"}
    _decide(staff, dossier_id, recevable_data)
    _open_livret2(candidate, dossier_id)
    livret2 = f"/dossiers/{dossier_id}/livret2/"
    with app.test_request_context():
        dossier = get(app, dossier_id)
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        jury_flow.write_situations(dossier, livret, [b.code for b in dossier.referential.blocks])
    for turn in ("first", "second"):
        assert submit(candidate, livret2 + "deposer", {}, page=livret2).status_code == 302
        if turn == "first":
            comment = {"return-comment": "Détaillez vos résultats."}
            kwargs = {"page": livret2, "token_field": "return-csrf_token"}
            assert submit(staff, livret2 + "renvoyer", comment, **kwargs).status_code == 302
    certifier, certifier_user = jury_flow.member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = jury_flow.member(app, make_user, MemberKind.PROFESSIONAL)
    composed = jury_flow.compose(staff, dossier_id, session_id, certifier, professional)
    assert composed.status_code == 302, text(composed)[:2000]
    blocks = {"D1", "D2", "D3", "D4", "D5"}
    jury_flow.signed(app, (dossier_id, certifier_user, professional_user, staff), blocks)
    results = {f"{code}__result": "1" for code in blocks}
    page = f"/cpnefp/dossiers/{dossier_id}/proclamation"
    proclaimed_now = submit(staff, page, {"proclaimed_on": "2026-11-24", **results})
    assert proclaimed_now.status_code == 302, text(proclaimed_now)[:2000]
    page = f"/cpnefp/dossiers/{dossier_id}"
    assert submit(staff, url(dossier_id, "clore"), {}, page=page).status_code == 302
    return dossier_id


def test_every_allowed_move_has_its_operation_and_audit_entry(
    app, candidate, logged_in, make_user, session_id, monkeypatch
) -> None:
    """Real dossiers driven through the real operations make, between them, every move of
    NEXT_STATUSES; each move is audited under the action of its operation."""
    from tests.functional.jury_flow import livret2_ready, to_livret2_submitted
    from tests.functional.test_deadlines import move_clock, run, withdraw
    from tests.functional.test_livret2 import recevable as recevable_dossier

    staff = logged_in(Role.STAFF, first_name="Sophie", last_name="Bernard")
    people = (_candidate(app, logged_in, n) for n in range(9))
    walked = {"full": _full_path(app, candidate, staff, make_user, session_id)}
    assert _status(app, walked["full"]) == DossierStatus.CLOSED
    # Withdrawn from each withdrawable status but « incomplete » (below).
    client = next(people)
    walked["from submitted"] = submitted(client)
    _withdraw(client, walked["from submitted"])
    client = next(people)
    walked["from recevable"] = recevable_dossier(app, client, make_user, opened=False)
    _withdraw(client, walked["from recevable"])
    client = next(people)
    walked["from livret 2 in progress"] = livret2_ready(app, client, make_user)[0]
    _withdraw(client, walked["from livret 2 in progress"])
    client = next(people)
    walked["from livret 2 submitted"] = to_livret2_submitted(app, client, make_user)
    _withdraw(client, walked["from livret 2 submitted"])
    # Closed by itself N days after the proclamation.
    walked["closed by itself"] = proclaimed(app, next(people), date(2026, 8, 1))
    with app.test_request_context():
        assert lifecycle.close_after_proclamation(date(2026, 11, 24)) == 1
    # Accepted implicitly (nothing else under review by then), then the acceptance withdrawn
    # by an admin: from « recevable », then incomplete and withdrawn; from « livret 2 en
    # cours », then non recevable.
    implicit, opened = next(people), next(people)
    walked["implicit"], walked["implicit, opened"] = submitted(implicit), submitted(opened)
    assert "Décisions implicites : 2" in run(app, "2027-01-25")
    move_clock(monkeypatch, date(2027, 1, 26))
    _open_livret2(opened, walked["implicit, opened"])
    admin = logged_in(Role.ADMIN, first_name="Alex", last_name="Durand")
    for key in ("implicit", "implicit, opened"):
        assert withdraw(admin, walked[key], "Attestation falsifiée.").status_code == 302
    ask_complements(staff, walked["implicit"], "Attestation originale")
    _withdraw(implicit, walked["implicit"])
    _decide(
        staff,
        walked["implicit, opened"],
        {
            "decision-kind": "non_recevable",
            "decision-reason": "experience_duration",
            "decision-comment": "Vos activités en rapport totalisent moins de trois ans.",
        },
    )
    with app.app_context():
        moves = db.session.execute(
            select(AuditEntry.from_state, AuditEntry.to_state, AuditEntry.action).where(
                AuditEntry.subject_type == "dossier",
                AuditEntry.subject_id.in_(walked.values()),
                AuditEntry.to_state.is_not(None),
            )
        ).all()
    seen: dict[tuple[DossierStatus, DossierStatus], set[str]] = {}
    for source, target, action in moves:
        if source is not None:
            seen.setdefault((DossierStatus(source), DossierStatus(target)), set()).add(action)
    allowed = {(s, t) for s, nexts in NEXT_STATUSES.items() for t in nexts}
    assert set(seen) == allowed == set(OPERATIONS)
    assert {pair: frozenset(actions) for pair, actions in seen.items()} == OPERATIONS
