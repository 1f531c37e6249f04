"""Errors of the API as RFC 9457 problem details (``application/problem+json``), in French.

Every answer of ``/api/v1`` that is not a success goes through :func:`problem`, whether it
comes from a view (:class:`ApiProblem`), from routing (404, 405) or from elsewhere (429,
an unexpected error): never an HTML page.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

from vae.french import typography

API_PREFIX = "/api/v1"
PROBLEM_MIMETYPE = "application/problem+json"
TITLES = {
    400: "Requête incorrecte",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Requête impossible à traiter",
    429: "Trop de requêtes",
    500: "Erreur interne",
}
DETAILS = {
    400: "La requête est incorrecte.",
    401: "Jeton d'API absent : ajoutez l'en-tête « Authorization: Bearer <jeton> ».",
    403: "Ce jeton n'a pas la permission nécessaire pour cette opération.",
    404: "Cette ressource n'existe pas ou n'est pas accessible avec ce jeton.",
    405: "Cette méthode n'est pas autorisée sur cette adresse.",
    409: "La ressource a été modifiée entre-temps : relisez-la et recommencez.",
    413: "La requête est trop volumineuse.",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    422: "La requête ne peut pas être traitée.",
    429: "Trop de requêtes pour ce jeton : réessayez dans un moment.",
    500: "Une erreur interne est survenue ; elle a été enregistrée.",
}


class ApiProblem(Exception):
    """Raised by an API view or check: answered as a problem by the blueprint's handler."""

    def __init__(self, status: int, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or DETAILS.get(status, ""))
        self.http_status = status
        self.detail = detail or DETAILS.get(status, TITLES.get(status, ""))
        self.extra = extra


def is_api_request() -> bool:
    """True for any path under ``/api/v1`` (matched to a route or not)."""
    path = request.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def problem(
    status: int, detail: str | None = None, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """A problem-details response; ``extra`` members (e.g. ``errors``) are added as they are."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": typography(detail or DETAILS.get(status, TITLES.get(status, "Erreur"))),
        "instance": request.path,
    }
    body.update(extra)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_exception(error: ApiProblem) -> Response:
    return problem(error.http_status, error.detail, **error.extra)


def allowed_methods(error: Exception) -> dict[str, str]:
    """The ``Allow`` header of a 405 (werkzeug's), to keep on the problem response."""
    headers = getattr(error, "get_headers", None)
    if not callable(headers):
        return {}
    return {key: value for key, value in headers() if key == "Allow"}
