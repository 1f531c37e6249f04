"""The ``/api/v1`` blueprint: JSON for certifiers' systems, authenticated by bearer tokens.

It is exempt from CSRF (no cookie authenticates it: see vae.api.auth). Its views live in the
modules of VIEW_MODULES, imported by :func:`api_blueprint` before the blueprint is registered
(they import ``bp`` from here; importing them by name keeps the import graph acyclic).
"""

from __future__ import annotations

import importlib

from flask import Blueprint, Response

from vae.api.problems import ApiProblem, from_exception
from vae.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Every module that adds routes to ``bp`` (reads, writes, the schema and its page).
VIEW_MODULES = (
    "vae.api.schema_views",
    "vae.api.read_views",
    "vae.api.write_views",
)


@bp.app_errorhandler(ApiProblem)
def _problem(error: ApiProblem) -> Response:
    return from_exception(error)


def api_blueprint() -> Blueprint:
    """The blueprint with every view module imported (once: later calls find them loaded)."""
    for name in VIEW_MODULES:
        importlib.import_module(name)
    return bp
