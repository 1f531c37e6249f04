"""The livret 2 situation form as the candidate sees it: choices from the referential and the
livret 1, employer and period taken from a livret 1 activity, the jury's criteria as guidance."""

from __future__ import annotations

from typing import Any

from wtforms import SelectChoice

from forms.livret2 import SituationForm
from vae.dossier.models import Dossier
from vae.french import date_fr
from vae.livret2.models import Livret2, Situation


def build_situation_form(
    dossier: Dossier, livret: Livret2, formdata: Any = None, situation: Situation | None = None
) -> SituationForm:
    """The situation form, its choices drawn from the targeted blocks and the livret 1."""
    kwargs: dict[str, Any] = {}
    if formdata is not None:
        kwargs["formdata"] = formdata
    elif situation is not None:
        kwargs["obj"] = situation
    form = SituationForm(**kwargs)
    referential = dossier.referential
    points = []
    for block in referential.blocks:
        if block.code not in livret.target_blocks:
            continue
        label = f"{referential.block_label.capitalize()} {block.code} – {block.title or ''}"
        if referential.livret2.situations_per == "activity" and block.activities:
            points += [
                SelectChoice(f"{block.code}/{a.code}", f"{label} / {a.title}")
                for a in block.activities
            ]
        else:
            points.append(SelectChoice(block.code, label))
    form.attachment_point.choices = points
    form.source_activity.choices = [SelectChoice("", "— aucun —")] + [
        SelectChoice(str(a.id), a.label) for a in dossier.activities
    ]
    form.competencies.choices = [
        SelectChoice(c.code, f"{c.code} – {c.title}")
        for b in referential.blocks
        if b.code in livret.target_blocks
        for c in b.competencies
    ]
    if situation is not None and formdata is None:
        form.attachment_point.data = situation.block_code + (
            f"/{situation.activity_code}" if situation.activity_code else ""
        )
    return form


def fill_from_livret1(form: SituationForm, dossier: Dossier) -> None:
    """Employer, period and role from the chosen livret 1 activity, where left empty."""
    chosen = next((a for a in dossier.activities if str(a.id) == form.source_activity.data), None)
    if chosen is None:
        return
    form.employer.data = form.employer.data or chosen.employer_name
    end = date_fr(chosen.end_date) if chosen.end_date else "aujourd'hui"
    form.period.data = form.period.data or f"du {date_fr(chosen.start_date)} à {end}"[:100]
    form.role.data = form.role.data or chosen.title


def guidance(dossier: Dossier, livret: Livret2) -> list[tuple[str, list[str]]]:
    """The evaluation criteria of the targeted competencies: what the jury will look for."""
    rows = []
    for block in dossier.referential.blocks:
        if block.code not in livret.target_blocks:
            continue
        for competency in block.competencies:
            criteria = list(competency.criteria) + [
                c for s in competency.sub_competencies for c in s.criteria
            ]
            if criteria:
                rows.append((f"{competency.code} – {competency.title}", criteria))
    return rows
