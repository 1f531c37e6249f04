"""The OpenAPI 3.1 document of ``/api/v1``, built as data (served by vae.api.schema_views).

French descriptions, English snake_case field names. Operations of other modules (the writes)
add themselves with :func:`add_operation` and :func:`add_component` at import.
"""

from __future__ import annotations

import copy
from typing import Any

from vae.api.models import SCOPES
from vae.dossier.enums import DossierStatus

Schema = dict[str, Any]


def nullable(schema: Schema) -> Schema:
    """``schema`` or null (OpenAPI 3.1: a list of types)."""
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def string(description: str, fmt: str | None = None, **more: Any) -> Schema:
    schema: Schema = {"type": "string", "description": description, **more}
    if fmt:
        schema["format"] = fmt
    return schema


def integer(description: str, **more: Any) -> Schema:
    return {"type": "integer", "description": description, **more}


def number(description: str) -> Schema:
    return {"type": "number", "description": description}


def boolean(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def array(items: Schema, description: str) -> Schema:
    return {"type": "array", "items": items, "description": description}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(description: str, properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    """An object whose properties are all required but ``optional``; no other property."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


PROBLEM = {
    "type": "object",
    "description": "Erreur au format RFC 9457 (application/problem+json), en français.",
    "properties": {
        "type": string("Type d'erreur (about:blank)."),
        "title": string("Intitulé court de l'erreur."),
        "status": integer("Code HTTP de la réponse."),
        "detail": string("Explication en français."),
        "instance": string("Adresse de la requête."),
    },
    "required": ["type", "title", "status", "detail"],
}
ERROR_CODES = {
    "400": "Paramètre incorrect.",
    "401": "Jeton absent, inconnu, expiré ou révoqué.",
    "403": "Le jeton n'a pas la permission nécessaire.",
    "404": "Ressource introuvable pour ce jeton.",
    "429": "Trop de requêtes pour ce jeton.",
}
PROBLEM_RESPONSE_MEDIA = {"application/problem+json": {"schema": ref("Problem")}}

_DOCUMENT: Schema = {
    "openapi": "3.1.0",
    "info": {
        "title": "API d'interopérabilité VAE",
        "version": "1.0.0",
        "description": (
            "API des systèmes des certificateurs : lecture des dossiers de leurs "
            "certifications, décisions de recevabilité et proclamations. Chaque appel porte "
            "l'en-tête « Authorization: Bearer <jeton> » ; un jeton appartient à un "
            "certificateur et ne voit que ses certifications (404 sinon)."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {},
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Jeton d'API créé par un administrateur, montré une seule fois.",
            }
        },
        "schemas": {"Problem": PROBLEM},
    },
}


def add_component(name: str, schema: Schema) -> None:
    _DOCUMENT["components"]["schemas"][name] = schema


def add_operation(
    path: str,
    method: str,
    *,
    operation_id: str,
    summary: str,
    scope: str,
    responses: dict[str, Schema],
    parameters: list[Schema] | None = None,
    request_body: Schema | None = None,
) -> None:
    """One operation (``path`` relative to ``/api/v1``); the error answers are added here."""
    if scope not in SCOPES:
        raise ValueError(scope)
    answers = dict(responses)
    for code, description in ERROR_CODES.items():
        answers.setdefault(code, {"description": description, "content": PROBLEM_RESPONSE_MEDIA})
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "description": f"{summary} Permission nécessaire : « {scope} ».",
        "x-scope": scope,
        "responses": answers,
    }
    if parameters:
        operation["parameters"] = parameters
    if request_body is not None:
        operation["requestBody"] = request_body
    _DOCUMENT["paths"].setdefault(path, {})[method.lower()] = operation


def json_response(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def file_response(description: str, mimetype: str = "application/octet-stream") -> Schema:
    return {
        "description": description,
        "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}},
    }


def parameter(where: str, name: str, description: str, schema: Schema) -> Schema:
    """A ``path`` parameter (required) or a ``query`` one (optional)."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def path_parameter(name: str, description: str, schema: Schema) -> Schema:
    return parameter("path", name, description, schema)


def query_parameter(name: str, description: str, schema: Schema) -> Schema:
    return parameter("query", name, description, schema)


def document() -> Schema:
    """A copy of the whole document (callers may change it)."""
    return copy.deepcopy(_DOCUMENT)


STATUS_VALUES = [status.value for status in DossierStatus if status is not DossierStatus.DRAFT]
