"""The home page: a welcome for visitors, each role's starting point once signed in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from vae.access import public

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home() -> Any:
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    return render_template("main/home.html")


@bp.route("/accessibilite")
@public
def accessibility() -> Any:
    return render_template("main/accessibility.html")
