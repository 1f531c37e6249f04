"""Complement requests item by item: the officer's checklist, the candidate's corrections and
answers, the resubmission check, the email, and the changes shown on the next version."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from tests.functional import test_review
from tests.functional.dossier_flow import (
    IDENTITY,
    SWORN,
    complete_dossier,
    upload,
    url,
)
from tests.helpers import csrf_token, make_pdf, message_body, outbox_messages, submit, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.french import NBSP
from vae.review.complements import ComplementItem
from vae.review.models import Decision
from vae.roles import Role

# The submitted dossier and the officer of the review tests.
submitted = test_review.submitted
officer = test_review.officer
review_url = test_review.review_url


def decide(officer, dossier_id: str, data: dict):
    page = officer.get(review_url(dossier_id))
    lock = re.search(r'name="decision-lock_version" type="hidden" value="(\d+)"', text(page))
    payload = {
        "decision-csrf_token": csrf_token(page.data),
        "decision-lock_version": lock.group(1),
        "decision-kind": "incomplete",
        **data,
    }
    return officer.post(review_url(dossier_id) + "/decision", data=payload)


def item_key(ref: str) -> str:
    return uuid.UUID(ref).hex


def answer(client, dossier_id: str, item_id: int, words: str):
    page = client.get(url(dossier_id, "recapitulatif"))
    return client.post(
        url(dossier_id, f"complements/{item_id}/reponse"),
        data={f"item-{item_id}-csrf_token": csrf_token(page.data), f"item-{item_id}-answer": words},
    )


def items(app) -> list[ComplementItem]:
    with app.app_context():
        return list(db.session.scalars(select(ComplementItem).order_by(ComplementItem.position)))


def test_incomplete_needs_an_item_a_problem_and_the_free_comment(app, submitted, officer):
    html = text(decide(officer, submitted, {}))
    assert "Cochez au moins une pièce manquante ou à corriger." in html
    refs = test_review.activity_refs(app, submitted)
    html = text(
        decide(
            officer,
            submitted,
            {
                f"decision-item_activity_{item_key(refs[0])}-selected": "y",
                "decision-item_free-selected": "y",
            },
        )
    )
    assert "Choisissez ce qui ne va pas." in html
    assert "Décrivez ce que vous demandez." in html
    assert "attestation manquante" in html and "ne correspond pas à la période déclarée" in html
    with app.app_context():
        assert db.session.scalars(select(Decision)).all() == []
        assert db.session.get(Dossier, uuid.UUID(submitted)).status == DossierStatus.SUBMITTED


def test_items_are_listed_linked_corrected_answered_then_resubmitted(
    app, candidate, submitted, officer
):
    refs = test_review.activity_refs(app, submitted)
    response = decide(
        officer,
        submitted,
        {
            f"decision-item_activity_{item_key(refs[0])}-selected": "y",
            f"decision-item_activity_{item_key(refs[0])}-problem": "attestation_missing",
            f"decision-item_activity_{item_key(refs[0])}-comment": "Attestation signée.",
            "decision-item_identity-selected": "y",
            "decision-item_identity-comment": "Numéro de téléphone incomplet.",
            "decision-item_free-selected": "y",
            "decision-item_free-comment": "Fiche de poste de 2015.",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    activity_label = (
        f"Activité «{NBSP}Gestionnaire prestations – Mutuelle du Midi{NBSP}»"
        f"{NBSP}: attestation manquante"
    )
    assert [i.label for i in items(app)] == [activity_label, "Identité", "Autre demande"]

    # The email lists the items with their links.
    message = next(m for m in outbox_messages(app) if "incomplet" in m["Subject"].lower())
    body = message_body(message)
    assert activity_label in body and "Attestation signée." in body
    assert f"http://localhost/dossiers/{submitted}/experience/{refs[0]}" in body
    assert f"http://localhost/dossiers/{submitted}/identite" in body
    assert f"http://localhost/dossiers/{submitted}/recapitulatif" in body

    # The summary shows the whole checklist, linked; each step its own items.
    summary = text(candidate.get(url(submitted, "recapitulatif")))
    read = re.sub(r"<[^>]+>", "", summary)  # CPNEFP may be explained in an <abbr> here
    assert "Compléments demandés par la CPNEFP" in read and "Encore 3 points à traiter." in read
    assert f'href="/dossiers/{submitted}/experience/{refs[0]}"' in summary
    assert f'href="/dossiers/{submitted}/identite"' in summary
    experience = text(candidate.get(url(submitted, "experience")))
    assert activity_label in experience and "Fiche de poste" not in experience
    assert "Numéro de téléphone incomplet." in text(candidate.get(url(submitted, "identite")))
    assert "3 points à traiter sur 3" in text(candidate.get("/dossiers/"))

    # Resubmission is refused while items are open, and says which.
    refused = text(submit(candidate, url(submitted, "recapitulatif"), SWORN))
    assert "corrigez chaque point demandé par la CPNEFP ou répondez-y" in refused
    assert activity_label in refused and "Identité" in refused and "Autre demande" in refused
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(submitted)).submission_count == 1

    # Changing the place marks the item « corrigé »: a new proof, a changed identity.
    new_proof = upload(
        candidate, submitted, f"a-{refs[0]}", "employer_attestation", make_pdf("Signée")
    )
    assert new_proof.status_code == 302
    saved = submit(candidate, url(submitted, "identite"), {**IDENTITY, "phone": "06 12 34 56 79"})
    assert saved.status_code == 302
    summary = text(candidate.get(url(submitted, "recapitulatif")))
    assert (
        summary.count("– <strong>corrigé</strong>") == 2 and "Encore 1 point à traiter." in summary
    )
    refused = text(submit(candidate, url(submitted, "recapitulatif"), SWORN))
    assert "Autre demande" in refused and "Identité" not in refused.split("répondez-y")[1][:200]

    # The free item is answered by hand.
    free = items(app)[2]
    assert answer(candidate, submitted, free.id, "Jointe à l'attestation.").status_code == 302
    summary = text(candidate.get(url(submitted, "recapitulatif")))
    assert (
        "– <strong>répondu</strong>" in summary
        and f"«{NBSP}Jointe à l'attestation.{NBSP}»" in summary
    )
    assert "Chaque point est traité" in summary

    assert submit(candidate, url(submitted, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(submitted))
        assert dossier.submission_count == 2 and dossier.status == DossierStatus.SUBMITTED
    stamped = items(app)
    assert [i.corrected_at is not None for i in stamped] == [True, True, False]
    assert stamped[2].answer == "Jointe à l'attestation."

    # The officer sees the changes since version 1, the items and the answers.
    review = text(officer.get(review_url(submitted)))
    section = review.split("Modifications depuis la version 1")[1].split("dossier-complet")[0]
    assert "fichier attestation.pdf (Attestation employeur) ajouté" in section
    assert (
        "Téléphone modifié" in section
        and "06 12 34 56 78" in section
        and "06 12 34 56 79" in section
    )
    assert "Jointe à l'attestation." in section and "corrigé" in section
    assert "Mutuelle de l'Ouest" not in section  # unchanged activity not repeated
    assert 'href="#dossier-complet"' in review and "Expérience déclarée et constats" in review


def test_answer_errors_and_someone_elses_item(app, candidate, submitted, officer, logged_in):
    assert decide(officer, submitted, {"decision-item_cv-selected": "y"}).status_code == 302
    item = items(app)[0]
    assert answer(candidate, submitted, item.id, "").status_code == 302
    summary = text(candidate.get(url(submitted, "recapitulatif")))
    assert f"Réponse non enregistrée{NBSP}: Écrivez votre réponse." in summary
    other = logged_in(Role.CANDIDATE, email="autre@exemple.fr")
    other_dossier = complete_dossier(other)
    token = csrf_token(other.get(url(other_dossier, "recapitulatif")).data)
    data = {f"item-{item.id}-csrf_token": token, f"item-{item.id}-answer": "Pirate"}
    assert (
        other.post(url(submitted, f"complements/{item.id}/reponse"), data=data).status_code == 404
    )
    assert (
        other.post(url(other_dossier, f"complements/{item.id}/reponse"), data=data).status_code
        == 404
    )
    assert items(app)[0].answer == ""
    assert answer(candidate, submitted, item.id + 999, "Rien").status_code == 404
