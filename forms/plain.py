"""Plain data for the fields of pages with many rows (review, evidence step, jury grid).

One WTForms instance per action gives labels, hints, choices and, after a refused POST, the
values and errors; every row is then rendered from these plain values by
``templates/macros/plain.html`` instead of binding and rendering one form per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import Form


@dataclass(frozen=True, slots=True)
class PlainField:
    """One field as a template prints it: ``name`` is also its HTML id."""

    name: str
    label: str
    kind: str
    value: Any = None
    errors: tuple[str, ...] = ()
    hint: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = field(default=())

    @property
    def error(self) -> str:
        return self.errors[0] if self.errors else ""


def plain_fields(
    form: Form, values: dict[str, Any] | None = None, prefix: str | None = None
) -> dict[str, PlainField]:
    """The form's fields by short name. With ``values``, the fields of another row named
    ``prefix + short name`` holding these values (no errors); without, the form's own data and
    errors (a refused POST)."""
    fields: dict[str, PlainField] = {}
    for bound in form:
        if bound.type == "CSRFTokenField":
            continue
        short = bound.short_name
        own = values is None
        fields[short] = PlainField(
            name=bound.name if prefix is None else prefix + short,
            label=bound.label.text,
            kind=bound.type,
            value=bound.data if own else values.get(short),
            errors=tuple(bound.errors) if own else (),
            hint=bound.description or "",
            required=bool(bound.flags.required),
            choices=tuple((str(c[0]), str(c[1])) for c in _choices(bound)),
        )
    return fields


def _choices(bound: Any) -> list[Any]:
    choices = getattr(bound, "choices", None) or []
    return [(c.value, c.label) if hasattr(c, "value") else c for c in choices]


def csrf_field(prefix: str = "") -> Markup:
    """This session's CSRF token as the hidden field WTForms writes: ``csrf_token`` (no id:
    a page may hold several forms), or, for a form with a ``prefix``, ``prefix-csrf_token``
    with that id too."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not prefix:
        return Markup('<input name="{}" type="hidden" value="{}">').format(name, generate_csrf())
    name = f"{prefix}-{name}"
    return Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(
        name, generate_csrf()
    )
