"""A comment of the candidate or an accompagnateur on a step of the dossier or a situation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from forms.common import long_text_field

COMMENT_MAX = 2000


class CommentForm(FlaskForm):
    target = HiddenField()
    body = long_text_field(
        "Votre commentaire",
        "Écrivez votre commentaire avant de l'envoyer.",
        COMMENT_MAX,
        description=(
            f"{COMMENT_MAX} caractères au plus. Seuls le candidat et ses accompagnateurs le "
            "lisent : ni la CPNEFP ni le jury ne le voient."
        ),
    )
