"""The eligibility of a dossier: its activities handed to the pure engine of vae.rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from vae import clock
from vae.dossier.enums import WorkTime
from vae.dossier.models import Dossier
from vae.rules.eligibility import Activity as RuleActivity
from vae.rules.eligibility import Assessment, Rule, assess


def rule_of(referential: Any) -> Rule:
    return Rule.from_referential(
        referential.eligibility.required_years, referential.eligibility.window_years
    )


def reference_date(dossier: Dossier) -> date:
    """Submission date once submitted; today for a draft (or a dossier being completed)."""
    if dossier.submitted_at is not None and not dossier.editable:
        return clock.paris_date(dossier.submitted_at)
    return clock.today()


def rule_activity(activity: Any, attested: bool) -> RuleActivity:
    value = activity.work_time_value  # a Decimal: the engine reads it exactly
    return RuleActivity(
        start=activity.start_date,
        end=activity.end_date,
        status=activity.status.value,
        full_time=activity.work_time == WorkTime.FULL_TIME,
        part_time_percent=value if activity.work_time == WorkTime.PERCENT else None,
        hours_per_month=value if activity.work_time == WorkTime.HOURS_PER_MONTH else None,
        hours_per_week=value if activity.work_time == WorkTime.HOURS_PER_WEEK else None,
        relevant=activity.relevant,
        attested=attested,
        label=activity.title,
    )


def assess_dossier(dossier: Dossier, on: date | None = None) -> Assessment:
    """Assess the dossier's declared activities; a volunteer activity counts once attested."""
    rule_activities = [rule_activity(a, attested=bool(a.proofs())) for a in dossier.activities]
    return assess(rule_activities, rule_of(dossier.referential), on or reference_date(dossier))
