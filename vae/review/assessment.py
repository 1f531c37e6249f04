"""The eligibility of a submitted version, recomputed at its submission date with the findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vae.dossier.assessment import rule_of
from vae.dossier.snapshot import ActivitySnapshot, DossierSnapshot
from vae.review.models import Finding
from vae.rules.eligibility import Activity, Assessment, assess


@dataclass(frozen=True)
class ReviewedActivity:
    """One declared activity, what the candidate said and what the officer found."""

    data: ActivitySnapshot
    declared_relevant: bool
    relevant: bool
    has_proof: bool
    proof_valid: bool | None
    finding: Finding | None

    @property
    def finding_summary(self) -> str:
        """The officer's finding in one French line (empty without a finding)."""
        if self.finding is None:
            return ""
        words = {True: "oui", False: "non"}
        parts = []
        if self.finding.relevant is not None:
            parts.append(f"en rapport : {words[self.finding.relevant]}")
        if self.finding.attestation_valid is not None:
            parts.append(f"justificatif valable : {words[self.finding.attestation_valid]}")
        if self.finding.comment:
            parts.append(self.finding.comment)
        return "Constat : " + (" ; ".join(parts) if parts else "non examiné")


def reviewed_activities(
    snapshot: DossierSnapshot, findings: dict[str, Finding]
) -> list[ReviewedActivity]:
    rows = []
    for data in snapshot.get("activities", []):
        finding = findings.get(data.get("id", ""))
        declared = bool(data.get("relevant", True))
        relevant = finding.relevant if finding and finding.relevant is not None else declared
        rows.append(
            ReviewedActivity(
                data=data,
                declared_relevant=declared,
                relevant=relevant,
                has_proof=bool(data.get("attachments")),
                proof_valid=finding.attestation_valid if finding else None,
                finding=finding,
            )
        )
    return rows


def _rule_activity(row: ReviewedActivity) -> Activity:
    data = row.data
    mode = data.get("work_time")
    value = data.get("work_time_value")
    return Activity(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]) if data.get("end") else None,
        status=data["status"],
        full_time=mode == "full_time",
        part_time_percent=value if mode == "percent" else None,
        hours_per_month=value if mode == "hours_per_month" else None,
        hours_per_week=value if mode == "hours_per_week" else None,
        relevant=row.relevant,
        # Evidence counts when it was attached and the officer has not found it invalid.
        attested=row.has_proof and row.proof_valid is not False,
        label=data.get("title", ""),
    )


def assess_reviewed(
    snapshot: DossierSnapshot, rows: list[ReviewedActivity], referential: Any
) -> Assessment:
    reference = date.fromisoformat(snapshot["eligibility"]["reference_date"])
    return assess([_rule_activity(r) for r in rows], rule_of(referential), reference)
