"""The frozen livret 2: the data the jury reads, and its PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vae.dossier import scope
from vae.dossier.models import Dossier
from vae.livret2.blocks import acquired_block_codes
from vae.livret2.models import TEXT_FIELDS, Livret2
from vae.rules.coverage import CoverageResult


def requirement_text(referential: Any) -> str:
    rule = referential.livret2
    label = referential.block_label
    if rule.situations_per == "activity":
        return "Une situation significative par activité de chaque " + label + " visé."
    count = rule.min_situations_per_unit
    plural = "s" if count > 1 else ""
    return f"Au moins {count} situation{plural} significative{plural} par {label} visé."


def build(
    dossier: Dossier,
    livret: Livret2,
    coverage: CoverageResult | None,
    version: int | None,
    moment: datetime | None,
) -> dict[str, Any]:
    referential = dossier.referential
    option = dossier.option
    blocks = {b.code: b for b in referential.blocks}
    titles = {c.code: c.title for b in referential.blocks for c in b.competencies}
    activities = {a.code: a.title for b in referential.blocks for a in b.activities}
    annexes: dict[str, list[dict[str, Any]]] = {}
    for attachment in dossier.live_attachments():
        if attachment.situation_id is not None:
            annexes.setdefault(str(attachment.situation_id), []).append(
                {
                    "filename": attachment.display_name,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                }
            )
    return {
        "number": dossier.number,
        "version": version,
        "submitted_at": moment.isoformat() if moment else None,
        "due_on": livret.due_on.isoformat(),
        "candidate": {"first_name": dossier.first_name, "last_name": dossier.last_name},
        "certification": {
            "title": referential.title,
            "option_label": referential.option_label,
            "option_title": option.title if option else None,
            "block_label": referential.block_label,
            "scope": scope.dossier_scope_text(dossier),
        },
        "requirement": requirement_text(referential),
        "target_blocks": [
            {
                "code": code,
                "title": blocks[code].title or code,
                "activities": [{"code": a.code, "title": a.title} for a in blocks[code].activities],
                "competencies": [
                    {"code": c.code, "title": c.title, "key": c.key}
                    for c in blocks[code].competencies
                ],
            }
            for code in livret.target_blocks
            if code in blocks
        ],
        "acquired_blocks": [
            {
                "code": code,
                "title": blocks[code].title if code in blocks else code,
                "expires_on": expires.isoformat() if expires else None,
            }
            for code, expires in acquired_block_codes(dossier).items()
        ],
        "situations": [
            {
                "id": str(s.id),
                "title": s.title,
                "block_code": s.block_code,
                "activity_code": s.activity_code,
                "activity_title": activities.get(s.activity_code or ""),
                "employer": s.employer,
                "period": s.period,
                "role": s.role,
                **{name: getattr(s, name) for name in TEXT_FIELDS},
                "competencies": [{"code": c, "title": titles.get(c, c)} for c in s.competencies],
                "annexes": annexes.get(str(s.id), []),
            }
            for s in livret.situations
        ],
        "coverage": [
            {
                "block_code": b.code,
                "block_title": b.title,
                "covered": list(b.covered),
                "uncovered": list(b.uncovered),
                "unmet": list(b.unmet),
            }
            for b in (coverage.blocks if coverage else ())
        ],
    }


def render_pdf(data: dict[str, Any], *, draft: bool = False) -> bytes:
    from vae.livret2.pdf import livret2_pdf

    return livret2_pdf(data, draft=draft)
