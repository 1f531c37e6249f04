"""Read-only pages: the certifications and, for each, its blocks and competencies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user

from vae.access import public
from vae.referentials.operations import current_version, current_versions

bp = Blueprint("certifications", __name__, url_prefix="/certifications")


@bp.route("/")
@public
def index() -> Any:
    versions = current_versions()
    return render_template("certifications/index.html", versions=versions)


@bp.route("/<code>")
@public
def show(code: str) -> Any:
    version = current_version(code)
    if version is None:
        abort(404)
    return render_template(
        "certifications/show.html",
        version=version,
        referential=version.referential,
        staff_notes=staff_notes(),
    )


def staff_notes() -> bool:
    """Whether the reader sees the referential's notes to confirm (CPNEFP staff and admins):
    candidates and the public read the rules, not what the source document lacks."""
    return bool(current_user.is_authenticated and current_user.is_staff)
