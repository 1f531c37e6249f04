"""The shapes and operations of the read endpoints, in the OpenAPI document (vae.api.schema)."""

from __future__ import annotations

from vae.api.schema import (
    STATUS_VALUES,
    add_component,
    add_operation,
    array,
    boolean,
    file_response,
    integer,
    json_response,
    nullable,
    number,
    obj,
    path_parameter,
    query_parameter,
    ref,
    string,
)
from vae.livret2.models import Livret2Status
from vae.review.models import DecisionKind

UUID = {"type": "string", "format": "uuid"}
DATE = string("Date (AAAA-MM-JJ).", "date")
MOMENT = string("Date et heure (ISO 8601, UTC).", "date-time")
DOSSIER_ID = path_parameter("dossier_id", "Identifiant du dossier.", UUID)
LIMIT = query_parameter(
    "limit",
    "Nombre d'éléments par page (1 à 100, 50 par défaut).",
    {"type": "integer", "minimum": 1, "maximum": 100},
)
CURSOR = query_parameter(
    "cursor", "Valeur next_cursor de la page précédente.", {"type": "string", "maxLength": 200}
)


def page_of(item: str, description: str) -> dict:
    return obj(
        description,
        {
            "items": array(ref(item), "Éléments de la page."),
            "next_cursor": nullable(
                string("Curseur de la page suivante ; null à la dernière page.")
            ),
        },
    )


add_component(
    "DossierSummary",
    obj(
        "Un dossier déposé, en résumé.",
        {
            "id": string("Identifiant du dossier.", "uuid"),
            "number": nullable(string("Numéro du dossier (attribué au dépôt).")),
            "status": string("Statut du dossier.", enum=STATUS_VALUES),
            "status_label": string("Statut en toutes lettres."),
            "certification_code": string("Code de la certification visée."),
            "candidate_id": string("Identifiant du candidat.", "uuid"),
            "submitted_at": nullable(string("Premier dépôt.", "date-time")),
            "decided_at": nullable(string("Dernière décision de recevabilité.", "date-time")),
            "decision_due": nullable(string("Échéance de la décision de recevabilité.", "date")),
            "updated_at": string("Dernière modification.", "date-time"),
        },
    ),
)
add_component("DossierPage", page_of("DossierSummary", "Une page de dossiers."))
add_component(
    "Activity",
    obj(
        "Une activité déclarée, avec son équivalent temps plein.",
        {
            "id": string("Identifiant de l'activité."),
            "title": string("Intitulé de l'emploi ou de la fonction."),
            "employer_name": string("Employeur ou structure."),
            "sector": string("Secteur."),
            "status": string("Statut (salarié, bénévole…)."),
            "start": nullable(DATE),
            "end": nullable(DATE),
            "work_time": string("Temps de travail (forme)."),
            "work_time_value": nullable(number("Valeur du temps de travail.")),
            "relevant": boolean("Le candidat la présente comme en rapport avec la certification."),
            "counted": boolean("Comptée dans la durée requise."),
            "fte_days_in_window": number("Jours équivalent temps plein dans la période retenue."),
            "fte_days_total": number("Jours équivalent temps plein au total."),
        },
    ),
)
add_component(
    "Eligibility",
    obj(
        "L'évaluation de la durée d'expérience au dépôt.",
        {
            "eligible": boolean("La durée requise est atteinte."),
            "required_years": number("Années requises."),
            "window_years": integer("Période retenue, en années."),
            "reference_date": nullable(DATE),
            "window_start": nullable(DATE),
            "required_fte_days": number("Jours équivalent temps plein requis."),
            "relevant_fte_days": number("Jours équivalent temps plein retenus."),
            "total_fte_days": number("Jours équivalent temps plein déclarés."),
            "missing_fte_days": number("Jours équivalent temps plein manquants."),
            "eligible_from": nullable(DATE),
            "warnings": array(string("Avertissement."), "Avertissements."),
        },
    ),
)
add_component(
    "Attachment",
    obj(
        "Une pièce jointe déposée (métadonnées).",
        {
            "id": string("Identifiant de la pièce.", "uuid"),
            "kind": string("Nature de la pièce."),
            "filename": string("Nom du fichier."),
            "mime_type": string("Type du fichier."),
            "size": integer("Taille en octets."),
            "sha256": string("Empreinte SHA-256 du fichier."),
            "download_url": string("Adresse de téléchargement (avec le même jeton)."),
        },
    ),
)
IDENTITY_FIELDS = ("last_name", "first_name", "address", "postcode", "city", "phone", "email")
add_component(
    "Identity",
    obj("L'identité du candidat au dépôt.", {name: string(name) for name in IDENTITY_FIELDS}),
)
add_component(
    "Dossier",
    {
        **obj(
            "Un dossier et sa dernière version déposée.",
            {
                "dossier": ref("DossierSummary"),
                "version": integer("Numéro de la dernière version déposée."),
                "version_submitted_at": string("Dépôt de cette version.", "date-time"),
                "identity": ref("Identity"),
                "activities": array(ref("Activity"), "Activités déclarées."),
                "eligibility": ref("Eligibility"),
                "attachments": array(ref("Attachment"), "Pièces jointes déposées."),
            },
        ),
    },
)
add_component(
    "Decision",
    obj(
        "Une décision de recevabilité.",
        {
            "id": string("Identifiant de la décision.", "uuid"),
            "version": integer("Version du dossier examinée."),
            "kind": string("Nature de la décision.", enum=[k.value for k in DecisionKind]),
            "kind_label": string("Nature en toutes lettres."),
            "reason_code": nullable(string("Motif (refus).")),
            "comment": string("Commentaire."),
            "missing": array(string("Pièce ou information."), "Éléments manquants."),
            "livret2_due": nullable(string("Échéance du livret 2.", "date")),
            "decided_at": string("Date de la décision.", "date-time"),
        },
    ),
)
add_component(
    "Livret2",
    obj(
        "Le livret 2 (description de l'expérience) et ses versions déposées.",
        {
            "status": string("Statut du livret 2.", enum=[s.value for s in Livret2Status]),
            "target_blocks": array(string("Code de bloc."), "Blocs visés."),
            "due_on": string("Échéance de dépôt.", "date"),
            "submitted_at": nullable(string("Dernier dépôt.", "date-time")),
            "versions": array(
                obj(
                    "Une version déposée.",
                    {
                        "version": integer("Numéro de version."),
                        "submitted_at": string("Dépôt.", "date-time"),
                        "pdf_url": string("Adresse du PDF (avec le même jeton)."),
                    },
                ),
                "Versions déposées.",
            ),
        },
    ),
)
add_component(
    "Jury",
    obj(
        "Un jury : un dossier, un horaire, deux membres.",
        {
            "id": string("Identifiant du jury.", "uuid"),
            "dossier_id": string("Dossier examiné.", "uuid"),
            "dossier_number": nullable(string("Numéro du dossier.")),
            "slot_at": string("Horaire de passage.", "date-time"),
            "convoked_at": nullable(string("Envoi de la convocation.", "date-time")),
            "certifier_member_id": string("Membre représentant le certificateur.", "uuid"),
            "professional_member_id": string("Membre professionnel.", "uuid"),
            "signed": boolean("La proposition est signée par les deux membres."),
        },
    ),
)
add_component(
    "JurySession",
    obj(
        "Une session de jury et ses jurys (de ce certificateur).",
        {
            "id": string("Identifiant de la session.", "uuid"),
            "starts_at": string("Début de la session.", "date-time"),
            "place": string("Lieu."),
            "slot_minutes": integer("Durée d'un passage, en minutes."),
            "juries": array(ref("Jury"), "Jurys de la session."),
        },
    ),
)
add_component("JurySessionPage", page_of("JurySession", "Une page de sessions de jury."))
BLOCK = obj(
    "Un bloc acquis.",
    {
        "block_code": string("Code du bloc."),
        "block_title": string("Intitulé du bloc."),
        "certification_code": string("Code de la certification."),
        "dossier_id": string("Dossier qui l'a fait acquérir.", "uuid"),
        "proclaimed_on": string("Date de la proclamation.", "date"),
        "expires_on": nullable(string("Fin de validité (exclue) ; null : sans limite.", "date")),
        "valid_until": nullable(string("Dernier jour de validité.", "date")),
        "verification_code": string("Code de vérification du certificat."),
    },
)
add_component("AcquiredBlock", BLOCK)
add_component(
    "Results",
    obj(
        "Les résultats proclamés, bloc par bloc.",
        {
            "proclaimed_on": string("Date de la proclamation.", "date"),
            "blocks": array(
                obj(
                    "Le résultat d'un bloc.",
                    {
                        "block_code": string("Code du bloc."),
                        "acquired": boolean("Bloc acquis."),
                        "expires_on": nullable(string("Fin de validité (exclue).", "date")),
                        "valid_until": nullable(string("Dernier jour de validité.", "date")),
                    },
                ),
                "Résultat de chaque bloc.",
            ),
        },
    ),
)
add_component(
    "Certificates",
    obj(
        "Les certificats d'un dossier et leurs codes de vérification.",
        {
            "blocks": array(ref("AcquiredBlock"), "Certificats de blocs."),
            "certification": nullable(
                {
                    **obj(
                        "Le certificat de la certification complète.",
                        {
                            "awarded_on": string("Date d'obtention.", "date"),
                            "blocks": array(string("Code de bloc."), "Blocs réunis."),
                            "verification_code": string("Code de vérification."),
                        },
                    )
                }
            ),
        },
    ),
)
add_component(
    "AcquiredBlockList",
    obj("Blocs acquis.", {"items": array(ref("AcquiredBlock"), "Blocs acquis.")}),
)

DOSSIER_FILTERS = [
    query_parameter("status", "Statut du dossier.", {"type": "string", "enum": STATUS_VALUES}),
    query_parameter(
        "certification", "Code de la certification.", {"type": "string", "maxLength": 40}
    ),
    query_parameter(
        "submitted_from", "Déposés ce jour ou après.", {"type": "string", "format": "date"}
    ),
    query_parameter(
        "submitted_to", "Déposés ce jour ou avant.", {"type": "string", "format": "date"}
    ),
    query_parameter(
        "updated_since",
        "Modifiés à cet instant ou après (ISO 8601 avec fuseau).",
        {"type": "string", "format": "date-time"},
    ),
    CURSOR,
    LIMIT,
]
READS = [
    (
        "/dossiers",
        "listDossiers",
        "Liste des dossiers déposés, du plus anciennement modifié au plus récent.",
        "DossierPage",
        DOSSIER_FILTERS,
    ),
    (
        "/dossiers/{dossier_id}",
        "getDossier",
        "Un dossier et sa dernière version déposée.",
        "Dossier",
        [DOSSIER_ID],
    ),
    (
        "/dossiers/{dossier_id}/decisions",
        "listDecisions",
        "Les décisions de recevabilité d'un dossier.",
        None,
        [DOSSIER_ID],
    ),
    (
        "/dossiers/{dossier_id}/livret2",
        "getLivret2",
        "Le livret 2 d'un dossier.",
        "Livret2",
        [DOSSIER_ID],
    ),
    (
        "/dossiers/{dossier_id}/results",
        "getResults",
        "Les résultats proclamés d'un dossier.",
        "Results",
        [DOSSIER_ID],
    ),
    (
        "/dossiers/{dossier_id}/certificates",
        "getCertificates",
        "Les certificats d'un dossier.",
        "Certificates",
        [DOSSIER_ID],
    ),
    (
        "/jury-sessions",
        "listJurySessions",
        "Les sessions de jury et leurs jurys, par date.",
        "JurySessionPage",
        [CURSOR, LIMIT],
    ),
    (
        "/candidates/{candidate_id}/acquired-blocks",
        "listAcquiredBlocks",
        "Les blocs acquis d'un candidat dans les certifications de ce certificateur.",
        "AcquiredBlockList",
        [path_parameter("candidate_id", "Identifiant du candidat.", UUID)],
    ),
]
for path, operation_id, summary, component, parameters in READS:
    shape = ref(component) if component else array(ref("Decision"), "Décisions.")
    add_operation(
        path,
        "get",
        operation_id=operation_id,
        summary=summary,
        scope="read",
        parameters=parameters,
        responses={"200": json_response(summary, shape)},
    )
add_operation(
    "/dossiers/{dossier_id}/attachments/{attachment_id}",
    "get",
    operation_id="downloadAttachment",
    summary="Le fichier d'une pièce jointe déposée.",
    scope="read",
    parameters=[DOSSIER_ID, path_parameter("attachment_id", "Identifiant de la pièce.", UUID)],
    responses={"200": file_response("Le fichier.")},
)
add_operation(
    "/dossiers/{dossier_id}/livret2/versions/{version}.pdf",
    "get",
    operation_id="downloadLivret2",
    summary="Le PDF d'une version déposée du livret 2.",
    scope="read",
    parameters=[
        DOSSIER_ID,
        path_parameter(
            "version",
            "Numéro de version.",
            {"type": "integer", "minimum": 1, "maximum": 2147483647},
        ),
    ],
    responses={"200": file_response("Le PDF.", "application/pdf")},
)
