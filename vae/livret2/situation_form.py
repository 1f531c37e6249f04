"""The livret 2 situation form as the candidate sees it: choices from the referential and the
livret 1, employer and period taken from a livret 1 activity, the jury's criteria as guidance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wtforms import SelectChoice

from forms.livret2 import SituationForm
from vae.dossier.models import Dossier
from vae.french import date_fr
from vae.livret2.models import Livret2, Situation


def _block_label(referential: Any, block: Any) -> str:
    """« Bloc B1 – Titre » in the referential's own word for its units."""
    return f"{referential.block_label.capitalize()} {block.code} – {block.title or ''}"


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
        label = _block_label(referential, block)
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


@dataclass(frozen=True)
class CompetencyGroup:
    """The competencies of one targeted block (or domain), as checkboxes of the form."""

    block: str
    label: str
    choices: tuple[tuple[str, str, bool], ...]  # code, label, checked

    @property
    def any_checked(self) -> bool:
        return any(checked for _code, _label, checked in self.choices)


@dataclass(frozen=True)
class CompetencyChoice:
    """The competencies split: the chosen block's first, the others behind « afficher tout »."""

    shown: tuple[CompetencyGroup, ...]
    others: tuple[CompetencyGroup, ...]

    @property
    def others_open(self) -> bool:
        """Open « afficher tout » when a competency of another block is already checked."""
        return any(g.any_checked for g in self.others)


def competency_choice(dossier: Dossier, livret: Livret2, form: SituationForm) -> CompetencyChoice:
    """The competencies of the block the situation is attached to, then all the others."""
    referential = dossier.referential
    point = form.attachment_point.data or next(
        (c.value for c in form.attachment_point.choices or []), ""
    )
    chosen = str(point).partition("/")[0]
    checked = set(form.competencies.data or [])
    groups = [
        CompetencyGroup(
            block.code,
            _block_label(referential, block),
            tuple((c.code, f"{c.code} – {c.title}", c.code in checked) for c in block.competencies),
        )
        for block in referential.blocks
        if block.code in livret.target_blocks and block.competencies
    ]
    return CompetencyChoice(
        tuple(g for g in groups if g.block == chosen),
        tuple(g for g in groups if g.block != chosen),
    )
