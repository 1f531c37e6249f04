"""The SVG frise of a candidate's activities: well-formed, accessible, CSP-safe, truthful."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vae.dossier import timeline as tl
from vae.dossier.timeline import (
    Timeline,
    TimelineActivity,
    format_date_long_fr,
    render_timeline,
)
from vae.french import typography

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
REFERENCE = date(2026, 11, 24)
WINDOW = date(2014, 11, 25)
TRAINING = (
    "Les stages et périodes de formation préparant un diplôme ne comptent pas (décret 2002-615)."
)


def act(
    label: str = "Gestionnaire",
    start: date = date(2020, 1, 1),
    end: date | None = None,
    fraction: float = 1.0,
    *,
    counted: bool = True,
    relevant: bool = True,
    reason: str | None = None,
) -> TimelineActivity:
    return TimelineActivity(label, start, end, fraction, counted, relevant, reason)


def render(activities: list[TimelineActivity], **kwargs: object) -> Timeline:
    options: dict[str, object] = {
        "reference_date": REFERENCE,
        "window_start": WINDOW,
        "required_fte_days": 1095.0,
        "relevant_fte_days": 1662.0,
    }
    options.update(kwargs)
    return render_timeline(activities, **options)  # type: ignore[arg-type]


def parse(timeline: Timeline) -> ET.Element:
    return ET.fromstring(timeline.svg)


def groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == "tl-activity"]


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


def bar(group: ET.Element) -> ET.Element:
    (rect,) = [e for e in group if e.get("class") == "tl-bar"]
    return rect


def right_edge(rect: ET.Element) -> float:
    return float(rect.get("x", "0")) + float(rect.get("width", "0"))


def all_text(element: ET.Element) -> str:
    return "".join(element.itertext())


WORKED_EXAMPLE = [
    act("Gestionnaire sinistres", date(2014, 1, 1), date(2015, 12, 31)),
    act("Gestionnaire", date(2020, 1, 1), None, 0.5),
    act("Stage BTS", date(2012, 9, 1), date(2013, 2, 28), counted=False, reason=TRAINING),
    act("Serveur", date(2009, 6, 1), date(2013, 8, 31), 0.75, relevant=False),
    act("Conseiller", date(2001, 3, 1), date(2004, 6, 30)),
]


# --------------------------------------------------------------------------- structure


def test_standalone_svg_with_role_title_and_desc() -> None:
    timeline = render(WORKED_EXAMPLE)
    root = parse(timeline)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 800 ")
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{NS}title",
        title_id,
        "Frise de vos activités",
    )
    assert (desc.tag, desc.get("id")) == (f"{NS}desc", desc_id)
    assert desc.text == typography(" ".join(timeline.description))


def test_id_prefix_keeps_ids_unique_and_is_validated() -> None:
    first, second = parse(render(WORKED_EXAMPLE)), parse(render(WORKED_EXAMPLE, id_prefix="tl-2"))
    ids_first = {e.get("id") for e in first.iter() if e.get("id")}
    ids_second = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_first and ids_second and not ids_first & ids_second
    assert second.get("aria-labelledby") == "tl-2-title tl-2-desc"
    for bad in ["", "1abc", 'x" onload="alert(1)', "a b"]:
        with pytest.raises(ValueError):
            render([], id_prefix=bad)


def test_one_bar_per_activity_with_its_full_label_in_a_title() -> None:
    root = parse(render(WORKED_EXAMPLE))
    found = groups(root)
    assert len(found) == len(WORKED_EXAMPLE)
    for group, activity in zip(found, WORKED_EXAMPLE, strict=True):
        bar(group)
        title = group.find(f"{NS}title")
        assert title is not None and title.text is not None
        assert title.text.startswith(activity.label + " — ")


def test_no_inline_style_no_style_element_no_script_no_event_handler() -> None:
    for timeline in (render(WORKED_EXAMPLE), render([], window_start=None)):
        root = parse(timeline)
        assert "style" not in timeline.svg.lower().replace("font-style", "")
        for element in root.iter():
            assert element.tag not in (f"{NS}style", f"{NS}script", f"{NS}foreignObject")
            assert "style" not in element.attrib
            assert not [name for name in element.attrib if name.lower().startswith("on")]


def test_hostile_labels_are_escaped() -> None:
    hostile = [
        "<script>alert(1)</script>",
        "Dupont & Fils",
        'L\'« agence » "centrale"',
        "]]><!ENTITY x 'y'>",
        "\x00nul\x1b[31m\ufffe bad chars",
    ]
    timeline = render([act(label) for label in hostile])
    assert "<script" not in timeline.svg
    assert "<!ENTITY" not in timeline.svg
    root = parse(timeline)  # well-formed despite everything
    titles = [g.find(f"{NS}title") for g in groups(root)]
    texts = [t.text for t in titles if t is not None]
    assert texts[0] is not None and texts[0].startswith("<script>alert(1)</script> — ")
    assert texts[1] is not None and texts[1].startswith("Dupont & Fils — ")
    assert texts[2] is not None and texts[2].startswith('L\'«\u00a0agence\u00a0» "centrale" — ')
    assert texts[4] is not None and texts[4].startswith("nul[31m bad chars — ")
    assert "« <script>alert(1)</script> »" in timeline.description[1]


def test_long_labels_are_truncated_with_full_text_in_title() -> None:
    label = "Gestionnaire de sinistres santé et prévoyance chez Mutuelle des Alpes"
    root = parse(render([act(label)]))
    (group,) = groups(root)
    text = all_text(group.find(f"{NS}text"))  # type: ignore[arg-type]
    shown = text.split(" · ")[0]
    assert len(shown) == 40 and shown.endswith("…") and label.startswith(shown[:-1])
    assert group.find(f"{NS}title").text.startswith(label)  # type: ignore[union-attr]


# --------------------------------------------------------------------------- geometry


def tick_x(root: ET.Element, year: int) -> float:
    for text in root.iter(f"{NS}text"):
        if text.text == str(year):
            return float(text.get("x", "nan"))
    raise AssertionError(f"no tick for {year}")


def test_bars_span_their_dates_on_the_year_axis() -> None:
    root = parse(
        render(
            [act("Année 2020", date(2020, 1, 1), date(2020, 12, 31))],
            reference_date=date(2021, 6, 1),
            window_start=None,
        )
    )
    rect = bar(groups(root)[0])
    assert float(rect.get("x", "nan")) == pytest.approx(tick_x(root, 2020), abs=0.01)
    assert right_edge(rect) == pytest.approx(tick_x(root, 2021), abs=0.01)


def test_open_ended_activity_reaches_the_reference_date_with_an_arrow() -> None:
    root = parse(render([act(end=None), act("Terminé", date(2016, 1, 1), date(2019, 6, 30))]))
    (reference,) = by_class(root, "tl-reference")
    open_group, closed_group = groups(root)
    assert right_edge(bar(open_group)) == pytest.approx(float(reference.get("x1", "nan")), abs=0.01)
    assert [e for e in open_group if e.get("class") == "tl-open"]
    assert right_edge(bar(closed_group)) < float(reference.get("x1", "nan")) - 50
    assert not [e for e in closed_group if e.get("class") == "tl-open"]


def test_part_time_is_visible_as_fill_height() -> None:
    root = parse(render([act(fraction=1.0), act(fraction=0.5), act(fraction=0.25)]))
    heights = [
        float(next(e for e in g if e.get("class") == "tl-fill").get("height", "nan"))
        for g in groups(root)
    ]
    assert heights == [16, 8, 4]
    assert [float(bar(g).get("height", "nan")) for g in groups(root)] == [16, 16, 16]


def test_states_differ_by_colour_and_by_pattern_and_words() -> None:
    root = parse(render(WORKED_EXAMPLE))
    found = groups(root)
    fills = [next(e for e in g if e.get("class") == "tl-fill").get("fill") for g in found]
    assert fills[1] == tl.COUNTED
    assert fills[3] == tl.NOT_RELEVANT
    assert fills[2] == "url(#timeline-hatch)"
    assert bar(found[2]).get("stroke-dasharray")
    assert [p.get("id") for p in root.iter(f"{NS}pattern")] == ["timeline-hatch"]
    words = [all_text(g.find(f"{NS}text")).split(" · ")[-1] for g in found]  # type: ignore[arg-type]
    assert words == [
        "compte en partie",
        "compte",
        "ne compte pas",
        "non pertinente",
        "hors fenêtre",
    ]


def test_part_outside_the_window_is_faded() -> None:
    root = parse(render([WORKED_EXAMPLE[0]]))
    fills = [e for e in groups(root)[0] if e.get("class") == "tl-fill"]
    assert [f.get("opacity") for f in fills] == [tl.OUTSIDE_OPACITY, None]
    (band,) = by_class(root, "tl-window")
    assert right_edge(fills[0]) == pytest.approx(float(band.get("x", "nan")), abs=0.01)


def test_window_band_from_its_start_to_the_reference_date() -> None:
    root = parse(render(WORKED_EXAMPLE))
    (band,) = by_class(root, "tl-window")
    (reference,) = by_class(root, "tl-reference")
    assert right_edge(band) == pytest.approx(float(reference.get("x1", "nan")), abs=0.01)
    simple = parse(render([act()]))  # axis 2014 → 2027, labels every 2 years
    (simple_band,) = by_class(simple, "tl-window")
    x2014, x2016 = tick_x(simple, 2014), tick_x(simple, 2016)
    share = (WINDOW - date(2014, 1, 1)).days / (date(2016, 1, 1) - date(2014, 1, 1)).days
    expected = x2014 + share * (x2016 - x2014)
    assert float(simple_band.get("x", "nan")) == pytest.approx(expected, abs=0.01)
    assert "Fenêtre de 12 ans" in [t.text for t in root.iter(f"{NS}text")]


def test_window_none_draws_no_band() -> None:
    timeline = render(WORKED_EXAMPLE, window_start=None)
    root = parse(timeline)
    assert by_class(root, "tl-window") == []
    assert "Fenêtre de" not in timeline.svg
    assert timeline.description[0] == (
        "Toute la carrière est prise en compte, sans limite de durée, jusqu'au 24 novembre 2026."
    )
    assert "sur toute la carrière" in timeline.description[-1]


def test_empty_activity_list_renders() -> None:
    timeline = render([], relevant_fte_days=0.0)
    root = parse(timeline)
    assert groups(root) == []
    assert "Aucune activité déclarée pour l'instant." in timeline.description
    assert timeline.description[-1].endswith(f"il manque 1{NBSP}095 jours.")
    assert by_class(root, "tl-gauge-value") == []
    render([], window_start=None, required_fte_days=0.0, relevant_fte_days=0.0)


def test_year_labels_thin_out_on_long_spans() -> None:
    long = parse(render([act(start=date(1980, 1, 1), end=date(1981, 1, 1))]))
    labels = [t.text for t in long.iter(f"{NS}text") if (t.text or "").isdigit()]
    assert labels == [str(y) for y in range(1980, 2028, 5)]
    short = parse(render([act(start=date(2020, 1, 1))], window_start=date(2023, 11, 25)))
    labels = [t.text for t in short.iter(f"{NS}text") if (t.text or "").isdigit()]
    assert labels == [str(y) for y in range(2020, 2028)]
    assert [tl.year_step(n) for n in (1, 12, 13, 24, 25, 60, 61, 120, 121, 9000)] == [
        1,
        1,
        2,
        2,
        5,
        5,
        10,
        10,
        20,
        1000,
    ]


# --------------------------------------------------------------------------- gauge


def test_gauge_shows_relevant_days_against_required_with_a_threshold() -> None:
    root = parse(render(WORKED_EXAMPLE))
    texts = [all_text(t) for t in root.iter(f"{NS}text")]
    assert f"1{NBSP}662 jours sur 1{NBSP}095 requis — condition remplie" in texts
    assert f"seuil{NBSP}: 1{NBSP}095 jours" in texts
    assert len(by_class(root, "tl-threshold")) == 1
    (value,) = by_class(root, "tl-gauge-value")
    assert value.get("fill") == tl.GAUGE_OK


def test_gauge_short_of_the_requirement() -> None:
    timeline = render(WORKED_EXAMPLE, relevant_fte_days=662.4)
    root = parse(timeline)
    texts = [all_text(t) for t in root.iter(f"{NS}text")]
    assert f"662 jours sur 1{NBSP}095 requis — condition non remplie" in texts
    (value,) = by_class(root, "tl-gauge-value")
    (threshold,) = by_class(root, "tl-threshold")
    assert value.get("fill") == tl.GAUGE_SHORT
    assert right_edge(value) < float(threshold.get("x1", "nan"))
    assert timeline.description[-1] == (
        f"Expérience pertinente dans la fenêtre : 662 jours en équivalent temps plein "
        f"sur 1{NBSP}095 requis : il manque 433 jours."
    )


def test_days_are_never_rounded_up_to_the_threshold() -> None:
    line = render([], relevant_fte_days=1094.7).description[-1]
    assert f"1{NBSP}094 jours" in line and "il manque 1 jour." in line
    line = render([], relevant_fte_days=1095 - 1e-9).description[-1]
    assert "condition remplie" in line  # float noise from the engine


def test_no_minimum_duration() -> None:
    timeline = render(WORKED_EXAMPLE, required_fte_days=0.0)
    assert timeline.description[-1] == (
        f"Expérience pertinente dans la fenêtre : 1{NBSP}662 jours en équivalent temps plein ; "
        "aucune durée minimale n'est requise : condition remplie."
    )
    assert by_class(parse(timeline), "tl-threshold") == []


# --------------------------------------------------------------------------- description


def test_description_of_the_worked_example() -> None:
    assert render(WORKED_EXAMPLE).description == [
        "Fenêtre de 12 ans : du 25 novembre 2014 au 24 novembre 2026.",
        "« Gestionnaire sinistres » : du 1er janvier 2014 au 31 décembre 2015, à temps plein, "
        "compte pour l'éligibilité pour sa partie comprise dans la fenêtre, "
        "du 25 novembre 2014 au 31 décembre 2015.",
        f"« Gestionnaire » : du 1er janvier 2020 à aujourd'hui, 50{NBSP}% d'un temps plein, "
        "compte pour l'éligibilité.",
        "« Stage BTS » : du 1er septembre 2012 au 28 février 2013, à temps plein, ne compte pas : "
        "les stages et périodes de formation préparant un diplôme ne comptent pas "
        "(décret 2002-615).",
        f"« Serveur » : du 1er juin 2009 au 31 août 2013, 75{NBSP}% d'un temps plein, compte dans "
        "l'expérience tous secteurs mais pas pour l'éligibilité "
        "(activité non pertinente pour cette certification).",
        "« Conseiller » : du 1er mars 2001 au 30 juin 2004, à temps plein, "
        "en dehors de la fenêtre.",
        f"Expérience pertinente dans la fenêtre : 1{NBSP}662 jours en équivalent temps plein "
        f"sur 1{NBSP}095 requis : condition remplie.",
    ]


def test_description_odd_cases() -> None:
    lines = render(
        [
            act("Un jour", date(2020, 2, 29), date(2020, 2, 29), 1 / 3),
            act("Sans motif", counted=False),
            act("À l'envers", date(2021, 5, 1), date(2021, 4, 1)),
            act("", date(2021, 5, 1), date(2021, 6, 1)),
        ]
    ).description
    assert lines[1] == (
        f"« Un jour » : le 29 février 2020, 33,3{NBSP}% d'un temps plein, "
        "compte pour l'éligibilité."
    )
    assert lines[2].endswith("à temps plein, ne compte pas.")
    assert lines[3].startswith("« À l'envers » : le 1er mai 2021,")
    assert lines[4].startswith("« Activité sans intitulé » :")


def test_window_that_is_not_whole_years() -> None:
    assert render([], window_start=date(2020, 3, 15)).description[0] == (
        "Fenêtre : du 15 mars 2020 au 24 novembre 2026."
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 1, 1), "1er janvier 2020"),
        (date(2014, 11, 25), "25 novembre 2014"),
        (date(2026, 2, 2), "2 février 2026"),
        (date(2025, 8, 1), "1er août 2025"),
        (date(2024, 12, 31), "31 décembre 2024"),
    ],
)
def test_format_date_long_fr(day: date, expected: str) -> None:
    assert format_date_long_fr(day) == expected


# --------------------------------------------------------------------------- colours


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_wcag_aa() -> None:
    for text in (tl.TEXT, tl.MUTED_TEXT):
        assert contrast(text, "#ffffff") >= 4.5
        assert contrast(text, tl.BAND) >= 4.5
    assert contrast(tl.BAND_TEXT, tl.BAND) >= 4.5
    for graphic in (tl.COUNTED, tl.NOT_RELEVANT, tl.NOT_COUNTED, tl.GAUGE_OK, tl.GAUGE_SHORT):
        assert contrast(graphic, "#ffffff") >= 3


# --------------------------------------------------------------------------- properties

dates = st.dates(min_value=date(1980, 1, 1), max_value=date(2030, 12, 31))
activities = st.builds(
    lambda label, start, length, open_end, fraction, counted, relevant, reason: TimelineActivity(
        label,
        start,
        None if open_end else start + timedelta(days=length),
        fraction,
        counted,
        relevant,
        reason,
    ),
    st.text(max_size=80),
    dates,
    st.integers(min_value=0, max_value=9000),
    st.booleans(),
    st.floats(min_value=0.0, max_value=1.0, exclude_min=True),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.text(max_size=60)),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(activities, max_size=8),
    dates,
    st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
    st.floats(min_value=0, max_value=20_000),
    st.floats(min_value=0, max_value=20_000),
)
def test_random_activities_always_give_well_formed_csp_safe_svg(
    items: list[TimelineActivity],
    reference: date,
    window_years: int | None,
    required: float,
    relevant: float,
) -> None:
    window = None
    if window_years is not None:
        try:
            window = reference.replace(year=reference.year - window_years) + timedelta(days=1)
        except ValueError:  # 29 February
            window = date(reference.year - window_years, 3, 1)
    timeline = render_timeline(
        items,
        reference_date=reference,
        window_start=window,
        required_fte_days=required,
        relevant_fte_days=relevant,
    )
    root = ET.fromstring(timeline.svg)
    assert len(groups(root)) == len(items)
    assert all("style" not in e.attrib for e in root.iter())
    assert len(timeline.description) == len(items) + 2 + (0 if items else 1)
    (reference_line,) = by_class(root, "tl-reference")
    for group, item in zip(groups(root), items, strict=True):
        rect = bar(group)
        assert float(rect.get("x", "nan")) >= tl.X0 - 0.01
        assert right_edge(rect) <= tl.X1 + 1.6
        if item.end is None and item.start <= reference:  # bars are at least 1.5 wide
            x_reference = float(reference_line.get("x1", "nan"))
            expected = max(x_reference, float(rect.get("x", "nan")) + 1.5)
            assert right_edge(rect) == pytest.approx(expected, abs=0.02)
