"""Withdrawing a dossier: an optional reason, and the version the candidate saw."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from forms.common import long_text_field


class WithdrawForm(FlaskForm):
    reason = long_text_field(
        "Raison du retrait (facultatif)",
        None,
        1000,
        description="Elle est transmise à la CPNEFP avec l'avis de retrait.",
    )
    lock_version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ResumeForm(FlaskForm):
    """« Reprendre »: the whole certification again, or only some blocks (R6412-3: a block-only
    request is not bound by the yearly limits)."""

    blocks_only = BooleanField()
