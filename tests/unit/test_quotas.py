"""Quotas: one request per certification and three certifications per calendar year (R6412-3)."""

from __future__ import annotations

from datetime import date

from vae.rules.quotas import QuotaRule, SubmittedRequest, check_quota


def req(code: str, day: date, *, blocks_only: bool = False) -> SubmittedRequest:
    return SubmittedRequest(certification=code, submitted_on=day, blocks_only=blocks_only)


def test_first_request_is_fine() -> None:
    assert check_quota([], "cqp-spp", date(2026, 3, 1)) is None


def test_same_certification_twice_in_a_calendar_year_is_refused() -> None:
    breach = check_quota([req("cqp-spp", date(2026, 1, 15))], "cqp-spp", date(2026, 12, 31))
    assert breach is not None
    assert breach.rule is QuotaRule.SAME_CERTIFICATION_SAME_YEAR
    assert breach.year == 2026
    assert breach.conflicting == (req("cqp-spp", date(2026, 1, 15)),)
    assert "15 janvier 2026" in breach.message
    assert "une seule demande par certification" in breach.message
    assert "R6412-3" not in breach.message


def test_same_certification_in_different_years_is_fine() -> None:
    assert check_quota([req("cqp-spp", date(2025, 12, 31))], "cqp-spp", date(2026, 1, 1)) is None


def test_three_different_certifications_then_a_fourth_is_refused() -> None:
    earlier = [
        req("cqp-spp", date(2026, 1, 10)),
        req("cqp-dam", date(2026, 2, 10)),
        req("gpac", date(2026, 3, 10)),
    ]
    assert check_quota(earlier[:2], "gpac", date(2026, 3, 10)) is None
    breach = check_quota(earlier, "cmc", date(2026, 4, 1))
    assert breach is not None
    assert breach.rule is QuotaRule.TOO_MANY_CERTIFICATIONS_SAME_YEAR
    assert "3 certifications différentes (cqp-dam, cqp-spp, gpac)" in breach.message
    assert "trois au plus" in breach.message
    assert len(breach.conflicting) == 3


def test_same_certification_rule_is_checked_first() -> None:
    earlier = [req(code, date(2026, 1, 10)) for code in ("cqp-spp", "cqp-dam", "gpac")]
    breach = check_quota(earlier, "gpac", date(2026, 5, 1))
    assert breach is not None
    assert breach.rule is QuotaRule.SAME_CERTIFICATION_SAME_YEAR


def test_four_certifications_over_two_years_are_fine() -> None:
    earlier = [
        req("cqp-spp", date(2025, 11, 10)),
        req("cqp-dam", date(2025, 12, 10)),
        req("gpac", date(2026, 1, 10)),
    ]
    assert check_quota(earlier, "cmc", date(2026, 4, 1)) is None


def test_distinct_certifications_are_counted_not_requests() -> None:
    # The same certification in an earlier year does not inflate this year's count.
    earlier = [req("cqp-spp", date(2025, 1, 1)), req("cqp-dam", date(2026, 1, 1))]
    assert check_quota(earlier, "gpac", date(2026, 6, 1)) is None


def test_blocks_only_requests_are_not_counted_and_the_explanation_says_so() -> None:
    assert check_quota([req("cqp-spp", date(2026, 1, 15), blocks_only=True)], "cqp-spp",
                       date(2026, 6, 1)) is None  # fmt: skip
    earlier = [
        req("cqp-spp", date(2026, 1, 10)),
        req("cqp-dam", date(2026, 2, 10)),
        req("gpac", date(2026, 3, 10), blocks_only=True),
    ]
    assert check_quota(earlier, "cmc", date(2026, 4, 1)) is None
    breach = check_quota([*earlier, req("cqp-gap", date(2026, 3, 20))], "cmc", date(2026, 4, 1))
    assert breach is not None
    assert breach.rule is QuotaRule.TOO_MANY_CERTIFICATIONS_SAME_YEAR
    assert breach.ignored_blocks_only == (earlier[2],)
    assert "blocs de compétences n'est pas comptée" in breach.message
    assert "R6412-3" in breach.message


def test_several_blocks_only_requests_are_mentioned_in_the_plural() -> None:
    earlier = [
        req("cqp-spp", date(2026, 1, 10)),
        req("cqp-spp", date(2026, 2, 10), blocks_only=True),
        req("gpac", date(2026, 3, 10), blocks_only=True),
    ]
    breach = check_quota(earlier, "cqp-spp", date(2026, 4, 1))
    assert breach is not None
    assert "2 demandes de cette année portant uniquement sur des blocs" in breach.message
    assert "ne sont pas comptées" in breach.message


def test_result_does_not_depend_on_the_order_of_earlier_requests() -> None:
    earlier = [
        req("gpac", date(2026, 3, 10)),
        req("cqp-spp", date(2026, 1, 10)),
        req("cqp-dam", date(2026, 2, 10)),
    ]
    assert check_quota(earlier, "cmc", date(2026, 4, 1)) == check_quota(
        list(reversed(earlier)), "cmc", date(2026, 4, 1)
    )
