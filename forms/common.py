"""Validators and field helpers shared by the forms."""

from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import Field, Form
from wtforms.validators import ValidationError

PASSWORD_MIN = 12


def no_control_characters(_form: Form, field: Field) -> None:
    """Refuse invisible control characters (keeps tabs and line breaks of free text)."""
    value: Any = field.data
    if isinstance(value, str) and any(
        unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in value
    ):
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value
