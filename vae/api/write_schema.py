"""The OpenAPI operations of the writes (vae.api.write_views): decisions and proclamations."""

from __future__ import annotations

from vae.api.idempotency import HEADER, MAX_KEY_LENGTH, REPLAYED
from vae.api.schema import (
    PROBLEM_RESPONSE_MEDIA,
    Schema,
    add_component,
    add_operation,
    array,
    boolean,
    integer,
    json_response,
    obj,
    path_parameter,
    ref,
    string,
)
from vae.dossier.enums import DossierStatus
from vae.review.models import EXPLICIT_KINDS, NON_RECEVABLE_REASONS

IDEMPOTENCY_KEY: Schema = {
    "name": HEADER,
    "in": "header",
    "required": True,
    "description": (
        "Clé unique de cette écriture (par exemple un UUID). Renvoyée avec la même requête, "
        "la réponse enregistrée est rejouée (en-tête « Idempotent-Replayed: true ») sans "
        "nouvelle écriture ; avec une autre requête : 422. Conservée 24 heures."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
WRITE_ERRORS = {
    "409": "Le dossier a été modifié entre-temps (version lue périmée) : relisez-le.",
    "422": (
        "Champs incorrects (liste « errors » : champ et message), clé déjà utilisée pour une "
        "autre requête, ou opération refusée dans l'état du dossier (message en français)."
    ),
}


def created(description: str, component: str) -> Schema:
    answer = json_response(description, ref(component))
    answer["headers"] = {
        REPLAYED: {
            "description": "« true » quand la réponse est celle, enregistrée, d'une requête "
            "précédente avec la même clé.",
            "schema": {"type": "string", "enum": ["true"]},
        }
    }
    return answer


def problems() -> dict[str, Schema]:
    return {
        code: {"description": description, "content": PROBLEM_RESPONSE_MEDIA}
        for code, description in WRITE_ERRORS.items()
    }


STAFF_EMAIL = (
    "Adresse électronique d'un compte actif de la CPNEFP travaillant pour ce certificateur"
)

add_component(
    "DecisionRequest",
    {
        **obj(
            "Une décision de recevabilité sur la version déposée du dossier.",
            {
                "kind": string("Nature de la décision.", enum=[k.value for k in EXPLICIT_KINDS]),
                "decided_by": string(f"{STAFF_EMAIL} : il signe la décision.", "email"),
                "comment": string("Message au candidat (obligatoire pour un refus)."),
                "reason_code": string(
                    "Motif de non-recevabilité (obligatoire pour un refus).",
                    enum=list(NON_RECEVABLE_REASONS),
                ),
                "livret2_due": string(
                    "Date limite de dépôt du livret 2 (obligatoire si recevable), après "
                    "aujourd'hui.",
                    "date",
                ),
                "missing": array(
                    string("Une pièce ou information."),
                    "Pièces manquantes ou à corriger (au moins une si incomplet).",
                ),
                "lock_version": integer(
                    "Version du dossier lue (facultative) : si elle a changé, 409."
                ),
            },
            optional=("comment", "reason_code", "livret2_due", "missing", "lock_version"),
        ),
        "additionalProperties": True,
    },
)
# Maps from block codes: the result of each block, the reason of each departure.
RESULTS: Schema = {
    "type": "object",
    "description": "Résultat par code de bloc.",
    "additionalProperties": boolean("Bloc validé."),
}
DEPARTURES: Schema = {
    "type": "object",
    "description": "Raison de chaque écart avec la proposition du jury, par code de bloc.",
    "additionalProperties": string("Raison de l'écart."),
}
add_component(
    "ProclamationRequest",
    {
        **obj(
            "La proclamation du jury paritaire national, bloc par bloc.",
            {
                "proclaimed_by": string(f"{STAFF_EMAIL}.", "email"),
                "proclaimed_on": string("Date de la proclamation (pas dans le futur).", "date"),
                "results": RESULTS
                | {
                    "description": "Résultat par code de bloc (true : validé) ; un bloc absent "
                    "suit la proposition signée du jury."
                },
                "reasons": DEPARTURES,
            },
            optional=("results", "reasons"),
        ),
        "additionalProperties": True,
    },
)
add_component(
    "Proclamation",
    obj(
        "Une proclamation enregistrée.",
        {
            "id": string("Identifiant de la proclamation.", "uuid"),
            "dossier_id": string("Identifiant du dossier.", "uuid"),
            "status": string(
                "Statut du dossier après la proclamation.", enum=[s.value for s in DossierStatus]
            ),
            "proclaimed_on": string("Date de la proclamation.", "date"),
            "results": RESULTS,
            "departures": DEPARTURES,
        },
    ),
)


def json_body(component: str) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": ref(component)}}}


add_operation(
    "/dossiers/{dossier_id}/decisions",
    "post",
    operation_id="recordDecision",
    summary=(
        "Enregistre une décision de recevabilité (mêmes règles, courrier, courriel et "
        "historique que l'écran du chargé de mission)."
    ),
    scope="decide",
    parameters=[
        path_parameter("dossier_id", "Identifiant du dossier.", string("UUID.", "uuid")),
        IDEMPOTENCY_KEY,
    ],
    request_body=json_body("DecisionRequest"),
    responses={"201": created("La décision enregistrée.", "Decision"), **problems()},
)
add_operation(
    "/juries/{jury_id}/proclamation",
    "post",
    operation_id="recordProclamation",
    summary=(
        "Enregistre la proclamation des résultats d'un jury dont la proposition est signée "
        "(mêmes règles, blocs acquis, courriel et historique que l'écran)."
    ),
    scope="proclaim",
    parameters=[
        path_parameter("jury_id", "Identifiant du jury.", string("UUID.", "uuid")),
        IDEMPOTENCY_KEY,
    ],
    request_body=json_body("ProclamationRequest"),
    responses={"201": created("La proclamation enregistrée.", "Proclamation"), **problems()},
)
