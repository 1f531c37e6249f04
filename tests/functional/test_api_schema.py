"""Property-based tests generated from the OpenAPI document (Schemathesis), against the app:
no 5xx, every response conforms to the document, and every operation refuses a missing,
expired, revoked or out-of-scope token (401 or 403, as application/problem+json)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.functional.api_flow import bearer, make_token
from tests.functional.certifier_flow import submitted_dossiers
from vae.api.models import SCOPES

# A few examples per operation: the suite stays short (derandomized under CI, see conftest).
EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROBLEM = "application/problem+json"


def operations(app: Any) -> Iterator[Any]:
    """Every operation of the document the app serves."""
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for result in loaded.get_all_operations():
        yield result.ok()


def for_each_operation(app: Any, check: Callable[[Any], None], examples: settings) -> None:
    """Run ``check(case)`` on generated cases of every operation."""
    count = 0
    for operation in operations(app):
        count += 1

        def run(case: Any) -> None:
            check(case)

        given(case=operation.as_strategy())(examples(run))()
    assert count >= 10  # the document lists the read operations at least


def test_every_response_conforms_to_the_document(app) -> None:
    with app.app_context():
        submitted_dossiers("cqp-spp", 3, last_name="Généré")
    secret = make_token(app, scopes=SCOPES)

    def check(case: Any) -> None:
        # An opaque cursor drawn from its schema is refused by design (400, « Curseur
        # invalide »): the acceptance of schema-valid data is not asked of those lists.
        paged = any(p.name == "cursor" for p in case.operation.query)
        excluded = [schemathesis.checks.positive_data_acceptance] if paged else []
        case.call_and_validate(headers=bearer(secret), excluded_checks=excluded)

    for_each_operation(app, check, EXAMPLES)


def test_every_operation_refuses_a_bad_token(app) -> None:
    expired = make_token(app, scopes=SCOPES, expired=True)
    revoked = make_token(app, scopes=SCOPES, revoked=True)
    others = {
        scope: make_token(app, scopes=tuple(s for s in SCOPES if s != scope)) for scope in SCOPES
    }

    def check(case: Any) -> None:
        scope = case.operation.definition.raw["x-scope"]
        for headers, status in (
            ({}, 401),
            (bearer("vae_inconnu"), 401),
            (bearer(expired), 401),
            (bearer(revoked), 401),
            (bearer(others[scope]), 403),
        ):
            response = case.call(headers=headers)
            label = f"{case.operation.label} {headers and headers['Authorization'][:12]}"
            assert response.status_code == status, label
            headers_of = {key.lower(): value for key, value in response.headers.items()}
            assert headers_of["content-type"][0].startswith(PROBLEM), label
            assert response.json()["detail"], label

    for_each_operation(app, check, settings(EXAMPLES, max_examples=2))


def test_the_document_and_its_page(app, client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", html)  # no script from elsewhere
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "Permission nécessaire" in operation["description"], path
            assert f"{method.upper()} /api/v1{path}" in html, path
            assert "401" in operation["responses"] and "403" in operation["responses"], path
