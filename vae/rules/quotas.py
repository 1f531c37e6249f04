"""Quotas on recevabilité requests (Code de l'éducation R335-7, now Code du travail R6412-3).

Within one calendar year a candidate may submit at most one request for the same certification
and at most three requests for different certifications. A submitted request counts whatever its
outcome; a draft does not — **the caller passes only submitted requests** (every submitted
request once, not each of its resubmitted versions, and not the request being checked itself).
R6412-3 lifts the limits when the earlier requests aimed only at competency blocks: such requests
(``blocks_only=True``) are not counted, and the explanation says so.

Certification codes are compared exactly (they are normalised slugs such as ``cqp-spp``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vae.french import long_date

MAX_DISTINCT_CERTIFICATIONS_PER_YEAR = 3
LEGAL_BASIS = "article R6412-3 du Code du travail"


@dataclass(frozen=True)
class SubmittedRequest:
    """An earlier request that was submitted (whatever its outcome)."""

    certification: str
    submitted_on: date
    blocks_only: bool = False


class QuotaRule(StrEnum):
    """Which limit a new submission would break."""

    SAME_CERTIFICATION_SAME_YEAR = "same_certification_same_year"
    TOO_MANY_CERTIFICATIONS_SAME_YEAR = "too_many_certifications_same_year"


@dataclass(frozen=True)
class QuotaBreach:
    """A broken limit, with a French explanation and the earlier requests it is based on."""

    rule: QuotaRule
    message: str
    year: int
    conflicting: tuple[SubmittedRequest, ...]
    ignored_blocks_only: tuple[SubmittedRequest, ...]


def _fr(day: date) -> str:
    """« 1er décembre 2026 », as every page writes dates."""
    return long_date(day)


def _blocks_only_note(ignored: tuple[SubmittedRequest, ...]) -> str:
    if not ignored:
        return ""
    if len(ignored) == 1:
        return (
            " Une demande de cette année portant uniquement sur des blocs de compétences "
            f"n'est pas comptée ({LEGAL_BASIS})."
        )
    return (
        f" {len(ignored)} demandes de cette année portant uniquement sur des blocs de compétences "
        f"ne sont pas comptées ({LEGAL_BASIS})."
    )


def check_quota(
    earlier: Iterable[SubmittedRequest],
    certification: str,
    submitted_on: date,
    *,
    blocks_only: bool = False,
) -> QuotaBreach | None:
    """Return the limit that submitting ``certification`` on ``submitted_on`` would break, if any.

    ``earlier`` holds the candidate's other *submitted* requests (drafts excluded by the caller).
    Only those of the same calendar year as ``submitted_on`` count, and not those aimed only at
    competency blocks (R6412-3). The same-certification limit is checked first. A request that is
    itself aimed only at some blocks (``blocks_only``) breaks no limit.
    """
    if blocks_only:
        return None
    year = submitted_on.year
    same_year = sorted(
        (r for r in earlier if r.submitted_on.year == year),
        key=lambda r: (r.submitted_on, r.certification),
    )
    ignored = tuple(r for r in same_year if r.blocks_only)
    counted = [r for r in same_year if not r.blocks_only]
    note = _blocks_only_note(ignored)

    same = tuple(r for r in counted if r.certification == certification)
    if same:
        return QuotaBreach(
            rule=QuotaRule.SAME_CERTIFICATION_SAME_YEAR,
            message=(
                f"Une demande de recevabilité pour la certification {certification} a déjà été "
                f"déposée le {_fr(same[0].submitted_on)} : une seule demande par certification "
                f"est possible par année civile ({year}).{note}"
            ),
            year=year,
            conflicting=same,
            ignored_blocks_only=ignored,
        )

    first_by_certification: dict[str, SubmittedRequest] = {}
    for request in counted:
        first_by_certification.setdefault(request.certification, request)
    if len(first_by_certification) >= MAX_DISTINCT_CERTIFICATIONS_PER_YEAR:
        codes = ", ".join(sorted(first_by_certification))
        return QuotaBreach(
            rule=QuotaRule.TOO_MANY_CERTIFICATIONS_SAME_YEAR,
            message=(
                f"Des demandes de recevabilité pour {len(first_by_certification)} certifications "
                f"différentes ({codes}) ont déjà été déposées en {year} : trois au plus sont "
                f"possibles par année civile.{note}"
            ),
            year=year,
            conflicting=tuple(counted),
            ignored_blocks_only=ignored,
        )
    return None
