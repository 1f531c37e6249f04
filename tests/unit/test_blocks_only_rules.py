"""Requests aimed at some blocks only (R6412-3): the quota exemption and the choice's rules."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from vae.dossier.scope import held_note, ordered, scope_errors, scope_text
from vae.referentials.files import read
from vae.rules.quotas import QuotaRule, SubmittedRequest, check_quota

GAP = read("cqp-gap")  # options « production » (BC1–BC5) and « sinistre » (BC1–BC3, BC6)
SPP = read("cqp-spp")  # its units are « domaines »

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
codes = st.sampled_from(["cqp-spp", "cqp-dam", "gpac", "cmc", "cqp-gap"])
requests = st.lists(
    st.builds(SubmittedRequest, certification=codes, submitted_on=days, blocks_only=st.booleans()),
    max_size=8,
)


@given(requests, codes, days)
def test_a_block_only_request_breaks_no_limit(earlier, certification, on) -> None:
    assert check_quota(earlier, certification, on, blocks_only=True) is None


@given(requests, codes, days)
def test_earlier_block_only_requests_never_count(earlier, certification, on) -> None:
    whole = [r for r in earlier if not r.blocks_only]
    breach = check_quota(earlier, certification, on)
    assert (breach is None) == (check_quota(whole, certification, on) is None)


def test_a_second_whole_request_the_same_year_is_refused() -> None:
    earlier = [SubmittedRequest("cqp-dam", date(2026, 3, 2))]
    breach = check_quota(earlier, "cqp-dam", date(2026, 11, 24))
    assert breach is not None and breach.rule == QuotaRule.SAME_CERTIFICATION_SAME_YEAR
    assert check_quota(earlier, "cqp-dam", date(2026, 11, 24), blocks_only=True) is None


def test_at_least_one_block_only_of_the_chosen_option() -> None:
    assert scope_errors(GAP, "sinistre", []) == ["Cochez au moins un bloc."]
    assert scope_errors(SPP, "sante", []) == ["Cochez au moins un domaine."]
    assert scope_errors(GAP, "sinistre", ["BC1", "BC5"]) == [
        "BC5 : ne cochez que des blocs de l’option choisie."
    ]
    assert scope_errors(GAP, "sinistre", ["BC1", "BC6"]) == []
    assert scope_errors(GAP, None, ["BC1"]) == []  # no option yet: the option field says so


@given(st.lists(st.sampled_from([b.code for b in GAP.blocks])))
def test_ordered_follows_the_referential(chosen) -> None:
    result = ordered(GAP, chosen)
    assert result == sorted(set(chosen), key=[b.code for b in GAP.blocks].index)


def test_wording_uses_the_referentials_own_word() -> None:
    assert scope_text(SPP, ["D1", "D3"]) == "demande portant sur les domaines D1, D3"
    assert scope_text(GAP, ["BC2"]) == "demande portant sur le bloc BC2"
    assert scope_text(GAP, None) == ""


def test_held_note_shows_the_last_valid_day() -> None:
    # Stored expiry is the first day the block no longer counts (DOMAIN.md).
    assert held_note(date(2029, 3, 15)) == "acquis, valable jusqu'au 14 mars 2029"
    assert held_note(None) == "acquis, sans limite de durée"
