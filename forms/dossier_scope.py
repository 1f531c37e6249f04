"""The certification step's form: the option, then the whole certification or some blocks."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectChoice
from wtforms.validators import Optional, ValidationError

from forms.common import MultiCheckboxField
from forms.dossier import OptionForm, known_scope
from vae.dossier import scope


class ScopeOptionForm(OptionForm):
    """Option (or mention), then « toute la certification » or « certains blocs seulement »."""

    scope = RadioField(
        "Votre demande porte sur",
        default=scope.WHOLE,
        validators=[Optional(), known_scope],  # not sent: the whole certification
        validate_choice=False,
    )
    # Checked by validate_blocks, even when empty; an unknown code is named there, in French.
    blocks = MultiCheckboxField("Blocs demandés", validate_choice=False)

    def __init__(self, referential: Any, **kwargs: Any) -> None:
        """The referential's own word for its units (« domaines » for cqp-spp, « blocs »…)."""
        super().__init__(referential, **kwargs)
        self._referential = referential
        label = referential.block_label
        self.scope.choices = [
            SelectChoice(scope.WHOLE, "Toute la certification"),
            SelectChoice(scope.BLOCKS, f"Certains {label}s seulement"),
        ]
        self.blocks.label.text = f"{label.capitalize()}s demandés"
        self.blocks.choices = [SelectChoice(b.code, b.code) for b in referential.blocks]

    @property
    def blocks_only(self) -> bool:
        return self.scope.data == scope.BLOCKS

    def validate_blocks(self, field: MultiCheckboxField) -> None:
        """At least one block, and only blocks of the chosen option (checked beside the field)."""
        if not self.blocks_only:
            return
        option = self.option.data if self._referential.options else None
        if self._referential.options and not option:
            return
        problems = scope.scope_errors(self._referential, option, field.data or [])
        if problems:
            raise ValidationError(problems[0])
