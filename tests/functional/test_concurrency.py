"""Simultaneous requests against a real gunicorn: nobody gets a 500, nothing is left behind.

Each race goes through real HTTP to 2 workers × 4 threads (tests/functional/live.py), every
request released at the same instant; the database and the upload folder are then read
directly: one winner, the others told in French, and no file that no row names.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from tests.functional import live
from tests.functional.conftest import FIXED_NOW
from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.functional.jury_flow import livret2_ready
from tests.helpers import csrf_token, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Attachment, Dossier
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.livret2.models import Livret2, Livret2Version
from vae.review.models import Decision
from vae.roles import Role

ALREADY_SUBMITTED = "Ce dossier est déposé\u00a0: il ne peut plus être modifié."
OPEN_ELSEWHERE = "déjà un dossier en cours"


@pytest.fixture(scope="module")
def server(app: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with live.serving(database_url, tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture
def site(app: Any, server: live.Live, monkeypatch: pytest.MonkeyPatch) -> Iterator[live.Live]:
    """The server, with dossiers prepared by the test client storing their files where the
    server reads them; its files and mails removed after the test (the rows are emptied by
    the autouse clean-up)."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(server.upload_folder))
    yield server
    server.clear()


def named_files(app: Any) -> set[str]:
    """Every stored file name a row refers to."""
    with app.app_context():
        names = set(db.session.scalars(select(Attachment.stored_name)))
        names |= set(db.session.scalars(select(Submission.pdf_stored_name)))
        names |= set(db.session.scalars(select(Livret2Version.pdf_stored_name)))
        names |= set(db.session.scalars(select(Decision.letter_stored_name)))
    return names


def assert_no_server_error(answers: list[live.Answer]) -> None:
    statuses = [a.status for a in answers]
    assert all(s in (200, 302) for s in statuses), statuses


def ready_candidates(logged_in: Any, count: int) -> list[tuple[str, str]]:
    """``count`` candidates, each with a complete dossier: (email, dossier id)."""
    prepared = []
    for index in range(count):
        client = logged_in(Role.CANDIDATE, email=f"course{index}-{uuid.uuid4().hex[:6]}@exemple.fr")
        prepared.append((client.user.email, complete_dossier(client)))
    return prepared


def press_submit(browser: live.Browser, dossier_id: str, token: str) -> live.Answer:
    """« Déposer » on the summary page, and the page shown afterwards."""
    return browser.follow(
        browser.post(url(dossier_id, "recapitulatif"), {"csrf_token": token, **SWORN})
    )


def test_four_candidates_submitting_at_once_get_distinct_numbers(app, site, logged_in) -> None:
    prepared = ready_candidates(logged_in, 4)
    browsers = [site.browser().login(email) for email, _ in prepared]
    tokens = [
        b.get(url(d, "recapitulatif")).token() for b, (_, d) in zip(browsers, prepared, strict=True)
    ]

    answers = live.together(
        [
            lambda b=b, d=d, t=t: press_submit(b, d, t)
            for b, (_, d), t in zip(browsers, prepared, tokens, strict=True)
        ]
    )

    assert_no_server_error(answers)
    assert all("est déposé (version 1)" in a.text for a in answers), [a.text[:300] for a in answers]
    with app.app_context():
        dossiers = [db.session.get(Dossier, uuid.UUID(d)) for _, d in prepared]
        numbers = [d.number for d in dossiers]
        assert all(d.status == DossierStatus.SUBMITTED for d in dossiers)
        assert all(re.fullmatch(rf"VAE-{date.today().year}-\d{{6}}", n) for n in numbers), numbers
        assert len(set(numbers)) == 4
        assert len(db.session.scalars(select(Submission)).all()) == 4
    assert site.files() == named_files(app)


def test_six_presses_of_deposer_make_one_submission(app, site, logged_in) -> None:
    [(email, dossier_id)] = ready_candidates(logged_in, 1)
    browser = site.browser().login(email)
    token = browser.get(url(dossier_id, "recapitulatif")).token()
    tabs = [browser.tab() for _ in range(6)]

    answers = live.together([lambda tab=tab: press_submit(tab, dossier_id, token) for tab in tabs])

    assert_no_server_error(answers)
    won = [a for a in answers if "est déposé (version 1)" in a.text]
    assert len(won) == 1, [a.text[:300] for a in answers]
    assert all(ALREADY_SUBMITTED in a.text for a in answers if a not in won)
    with app.app_context():
        submissions = db.session.scalars(select(Submission)).all()
        assert [s.version for s in submissions] == [1]
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).submission_count == 1
    assert site.files() == named_files(app)


def test_six_presses_of_deposer_on_the_livret2_make_one_version(app, site, logged_in, make_user):
    client = logged_in(Role.CANDIDATE, email=f"livret-{uuid.uuid4().hex[:6]}@exemple.fr")
    dossier_id, _officer = livret2_ready(
        app, client, make_user, due=date.today() + timedelta(days=365)
    )
    browser = site.browser().login(client.user.email)
    overview = f"/dossiers/{dossier_id}/livret2/"
    token = browser.get(overview).token()
    tabs = [browser.tab() for _ in range(6)]

    answers = live.together(
        [
            lambda tab=tab: tab.follow(tab.post(overview + "deposer", {"csrf_token": token}))
            for tab in tabs
        ]
    )

    assert_no_server_error(answers)
    won = [a for a in answers if "Votre livret 2 est déposé (version 1)" in a.text]
    assert len(won) == 1, [a.text[:300] for a in answers]
    assert all("Le livret 2 est déposé" in a.text for a in answers if a not in won)
    with app.app_context():
        versions = db.session.scalars(select(Livret2Version)).all()
        assert [v.version for v in versions] == [1]
        assert db.session.scalar(select(Livret2)).submission_count == 1
    assert site.files() == named_files(app)


def test_eight_new_dossiers_at_once_leave_one_open(app, site, logged_in) -> None:
    client = logged_in(Role.CANDIDATE, email=f"nouveau-{uuid.uuid4().hex[:6]}@exemple.fr")
    browser = site.browser().login(client.user.email)
    token = browser.get("/dossiers/nouveau").token()
    tabs = [browser.tab() for _ in range(8)]
    form = {"csrf_token": token, "certification": "cqp-spp"}

    answers = live.together([lambda tab=tab: tab.post("/dossiers/nouveau", form) for tab in tabs])

    assert_no_server_error(answers)
    with app.app_context():
        dossiers = db.session.scalars(
            select(Dossier).where(Dossier.candidate_id == client.user.id)
        ).all()
    assert len(dossiers) == 1
    only = str(dossiers[0].id)
    for tab, answer in zip(tabs, answers, strict=True):
        if answer.status == 302:  # the winner, and the losers sent to the same dossier
            assert only in answer.location, answer.location
            assert tab.follow(answer).status == 200
        else:  # arrived after the winner's commit: the form says why
            assert OPEN_ELSEWHERE in answer.text


def test_the_database_refuses_a_second_open_dossier(app, candidate) -> None:
    first = uuid.UUID(start_dossier(candidate))
    with app.app_context():
        dossier = db.session.get(Dossier, first)
        twin = Dossier(
            candidate_id=dossier.candidate_id,
            certification_id=dossier.certification_id,
            referential_version_id=dossier.referential_version_id,
        )
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # A closed request does not count: once withdrawn, a new dossier may start.
        dossier = db.session.get(Dossier, first)
        dossier.number, dossier.submitted_at = "VAE-2026-999999", FIXED_NOW
        dossier.status = DossierStatus.WITHDRAWN
        db.session.commit()
    assert start_dossier(candidate) != str(first)


def test_a_lost_race_for_a_new_dossier_leads_to_the_existing_one(
    app, candidate, monkeypatch
) -> None:
    """Both requests passed the check « already one open? » before either committed: the
    database refuses the second one, which is sent to the first one's dossier."""
    from vae.dossier import operations

    first = start_dossier(candidate)
    check = operations._open_dossier
    calls: list[Any] = []

    def raced(*args: Any) -> Any:
        calls.append(args)
        return None if len(calls) == 1 else check(*args)

    monkeypatch.setattr(operations, "_open_dossier", raced)
    page = candidate.get("/dossiers/nouveau")
    response = candidate.post(
        "/dossiers/nouveau", data={"csrf_token": csrf_token(page.data), "certification": "cqp-spp"}
    )
    assert response.status_code == 302
    assert first in response.headers["Location"]
    assert OPEN_ELSEWHERE in text(candidate.get(response.headers["Location"]))
    with app.app_context():
        assert len(db.session.scalars(select(Dossier)).all()) == 1


def test_a_huge_number_in_an_address_is_not_found(app, logged_in, make_user) -> None:
    client = logged_in(Role.CANDIDATE, email=f"grand-{uuid.uuid4().hex[:6]}@exemple.fr")
    dossier_id, _officer = livret2_ready(app, client, make_user)
    for number in ("99999999999999999999", str(2**63), str(2**31)):
        assert client.get(url(dossier_id, f"versions/{number}.pdf")).status_code == 404
        livret2 = f"/dossiers/{dossier_id}/livret2/versions/{number}.pdf"
        assert client.get(livret2).status_code == 404
    assert client.get(url(dossier_id, "versions/1.pdf"), buffered=True).status_code == 200


def test_every_int_route_refuses_numbers_the_database_cannot_hold(app) -> None:
    adapter = app.url_map.bind("localhost")
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert rules
    for rule in rules:
        kinds = {
            name: kind for kind, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)
        }

        def path(number: int, rule: Any = rule, kinds: dict[str, str] = kinds) -> str:
            values = {
                n: number if k == "int" else uuid.uuid4() if k == "uuid" else "x"
                for n, k in kinds.items()
            }
            return adapter.build(rule.endpoint, values)

        method = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})[0]
        with pytest.raises(NotFound):
            adapter.match(path(2**31), method=method)
        assert adapter.match(path(2**31 - 1), method=method)[0] == rule.endpoint


def test_six_officers_deciding_at_once_make_one_decision_and_one_webhook(
    app, site, logged_in
) -> None:
    """A certifier with a webhook endpoint: the decision, its letter and its announcement are
    one transaction, and the officers who lost the race get the French conflict message."""
    from tests.functional.certifier_flow import MUTUALITE, certifier_id
    from vae.api.models import WebhookDelivery, WebhookEndpoint

    [(email, dossier_id)] = ready_candidates(logged_in, 1)
    candidate = site.browser().login(email)
    press_submit(candidate, dossier_id, candidate.get(url(dossier_id, "recapitulatif")).token())
    with app.app_context():
        db.session.add(
            WebhookEndpoint(
                certifier_id=certifier_id(MUTUALITE),
                url="http://127.0.0.1:9/recepteur",  # nobody listens: the delivery only waits
                secret="s" * 32,
                events="dossier.decided",
            )
        )
        db.session.commit()
    officer = logged_in(Role.STAFF, email=f"agent-{uuid.uuid4().hex[:6]}@exemple.fr")
    browser = site.browser().login(officer.user.email)
    page = browser.get(f"/cpnefp/dossiers/{dossier_id}")
    lock = re.search(r'name="decision-lock_version" type="hidden" value="(\d+)"', page.text)
    form = {
        "decision-csrf_token": page.token(),
        "decision-lock_version": lock.group(1),
        "decision-kind": "recevable",
        "decision-livret2_due": (date.today() + timedelta(days=180)).isoformat(),
    }
    tabs = [browser.tab() for _ in range(6)]

    answers = live.together(
        [
            lambda tab=tab: tab.follow(tab.post(f"/cpnefp/dossiers/{dossier_id}/decision", form))
            for tab in tabs
        ]
    )

    assert_no_server_error(answers)
    with app.app_context():
        assert len(db.session.scalars(select(Decision)).all()) == 1
        assert len(db.session.scalars(select(WebhookDelivery)).all()) == 1
    lost = [a for a in answers if "modifié par quelqu" in a.text or "plus en attente" in a.text]
    assert len(lost) >= 1, [a.text[:300] for a in answers]
    assert site.files() == named_files(app)  # no letter of a lost race left behind
