"""The OpenAPI document (``/api/v1/openapi.json``) and its readable page (``/api/v1/docs``)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template

from vae.access import public
from vae.api import schema
from vae.api.blueprint import bp

METHODS = ("get", "post", "put", "patch", "delete")


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(schema.document())


@bp.route("/docs")
@public
def docs() -> str:
    document = schema.document()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    return render_template(
        "api/docs.html",
        info=document["info"],
        operations=operations,
        schemas=document["components"]["schemas"],
    )
