"""The floor of ``make bench``: the real app plus an empty signed-in page, served together.

``/banc/plancher`` is what every authenticated page pays at least: the login check (the
session, the user's row: one query), the security headers and ``base.html`` around an empty
``main``. It is added here, before gunicorn serves the app, never to the product; the same
process serves the candidate's pages and the queue, so every ratio comes from one run.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template

from vae import create_app
from vae.access import authenticated

FLOOR_PATH = "/banc/plancher"
FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% block title %}Page vide{% endblock %}'
    "{% block content %}{% endblock %}"
)


def add_floor(app: Flask) -> Flask:
    """Register the empty signed-in page on ``app`` (signed-in users only, any role)."""
    template = app.jinja_env.from_string(FLOOR_TEMPLATE)  # compiled once, like a file
    floor = Blueprint("bench_floor", __name__)

    @floor.route(FLOOR_PATH)
    @authenticated
    def empty_page() -> Any:
        return render_template(template)

    app.register_blueprint(floor)
    return app


def create_floor_app() -> Flask:
    """``gunicorn 'bench.floor_app:create_floor_app()'``."""
    return add_floor(create_app())
