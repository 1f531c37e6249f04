"""Dashboard charts: well-formed, accessible, CSP-safe SVG with a French text alternative."""

from __future__ import annotations

import dataclasses
import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vae.french import typography
from vae.review import charts
from vae.review.charts import Chart, bar_chart, column_chart, month_label

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
ChartFunction = Callable[..., Chart]
BOTH = pytest.mark.parametrize("draw", [bar_chart, column_chart], ids=["bar", "column"])
SHAPE = {bar_chart: "chart-bar", column_chart: "chart-column"}

STATUSES = [
    ("Déposé", 312.0),
    ("En cours d'instruction", 1234.0),
    ("Recevable", 5678.0),
    ("Non recevable", 0.0),
]
MONTHS = [(month_label(2026, month), float(month * 17)) for month in range(1, 13)]
HOSTILE = [
    ("<script>alert(1)</script>", 3.0),
    ("Tom & Jerry", 2.0),
    ('Il a dit "oui"', 1.0),
    ("L'école d'été", 4.0),
    ("]]> <!-- --> <![CDATA[", 5.0),
]


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


def shapes(root: ET.Element, draw: ChartFunction) -> list[ET.Element]:
    return by_class(root, SHAPE[draw])


def all_text(element: ET.Element) -> str:
    return "".join(element.itertext())


def shown_text(element: ET.Element) -> str:
    """The text drawn, without the tooltip of a ``<title>`` child."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{NS}title":
            parts.append(all_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def values_shown(root: ET.Element) -> list[str]:
    return [all_text(e) for e in by_class(root, "chart-value")]


def check_well_formed_and_safe(chart: Chart, draw: ChartFunction, count: int) -> ET.Element:
    root = parse(chart)
    assert root.tag == f"{NS}svg"
    for element in root.iter():
        assert element.tag != f"{NS}style"
        assert not element.tag.endswith("script")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert len(shapes(root, draw)) == count
    assert len(by_class(root, "chart-item")) == count
    return root


# --------------------------------------------------------------------------- month labels


def test_month_label_for_every_month() -> None:
    assert [month_label(2026, month) for month in range(1, 13)] == [
        "janv. 2026",
        "févr. 2026",
        "mars 2026",
        "avr. 2026",
        "mai 2026",
        "juin 2026",
        "juil. 2026",
        "août 2026",
        "sept. 2026",
        "oct. 2026",
        "nov. 2026",
        "déc. 2026",
    ]
    assert month_label(1999, 12) == "déc. 1999"


@pytest.mark.parametrize("month", [0, 13, -1])
def test_month_label_rejects_invalid_months(month: int) -> None:
    with pytest.raises(ValueError):
        month_label(2026, month)


# --------------------------------------------------------------------------- accessibility


@BOTH
def test_svg_is_an_image_labelled_by_its_title_and_description(draw: ChartFunction) -> None:
    chart = draw("Dossiers par statut", STATUSES, id_prefix="status")
    root = check_well_formed_and_safe(chart, draw, len(STATUSES))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "status-title status-desc"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 800 ")
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{NS}title",
        "status-title",
        "Dossiers par statut",
    )
    assert (desc.tag, desc.get("id")) == (f"{NS}desc", "status-desc")
    assert desc.text == typography(" ".join(chart.description))


def test_ids_are_unique_when_a_page_shows_several_charts() -> None:
    page = (
        "<div>"
        + bar_chart("A", STATUSES, id_prefix="by-status").svg
        + column_chart("B", MONTHS, id_prefix="by-month").svg
        + bar_chart("C", [], id_prefix="empty").svg
        + "</div>"
    )
    ids = [e.get("id") for e in ET.fromstring(page).iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 6
    assert set(ids) == {
        f"{prefix}-{part}"
        for prefix in ("by-status", "by-month", "empty")
        for part in ("title", "desc")
    }


@BOTH
@pytest.mark.parametrize("prefix", ["", "1abc", "a b", 'x"y', "a<b"])
def test_invalid_id_prefix_is_refused(draw: ChartFunction, prefix: str) -> None:
    with pytest.raises(ValueError):
        draw("T", STATUSES, id_prefix=prefix)


@BOTH
def test_text_uses_the_accessible_palette(draw: ChartFunction) -> None:
    root = parse(draw("T", STATUSES))
    fills = {e.get("fill") for e in root.iter(f"{NS}text")}
    assert fills <= {"#1f2937", "#374151"}  # ≥ 7:1 on white


# --------------------------------------------------------------------------- text alternative


def test_description_is_a_total_then_one_sentence_per_item() -> None:
    chart = bar_chart("Dossiers par statut", STATUSES)
    assert chart.description == [
        f"Total : 7{NBSP}224 dossiers.",
        "Déposé : 312 dossiers.",
        f"En cours d'instruction : 1{NBSP}234 dossiers.",
        f"Recevable : 5{NBSP}678 dossiers.",
        "Non recevable : 0 dossier.",
    ]
    assert column_chart("Dossiers par statut", STATUSES).description == chart.description


def test_description_french_number_and_unit_rules() -> None:
    items = [("Un", 1.0), ("Demi", 0.5), ("Deux", 2.0), ("Décimal", 2.25), ("Rond", 3.96)]
    assert bar_chart("T", items).description[1:] == [
        "Un : 1 dossier.",
        "Demi : 0,5 dossier.",
        "Deux : 2 dossiers.",
        "Décimal : 2,2 dossiers.",
        "Rond : 4 dossiers.",
    ]
    assert bar_chart("T", [("A", 1.0)], unit="mois").description[1] == "A : 1 mois."
    assert bar_chart("T", [("A", 1.0)], unit="jours").description[1] == "A : 1 jour."
    assert bar_chart("T", [("A", 1.0)], unit="dossiers reçus").description[1] == (
        "A : 1 dossiers reçus."  # a unit of several words is left as given
    )
    assert bar_chart("T", [("A", 12.0)], unit="").description == ["Total : 12.", "A : 12."]


@BOTH
def test_large_numbers_use_no_break_spaces(draw: ChartFunction) -> None:
    chart = draw("T", [("Beaucoup", 1234567.0), ("Peu", 1000.0)])
    assert chart.description[0] == f"Total : 1{NBSP}235{NBSP}567 dossiers."
    assert chart.description[1] == f"Beaucoup : 1{NBSP}234{NBSP}567 dossiers."
    root = parse(chart)
    assert values_shown(root) == [f"1{NBSP}234{NBSP}567", f"1{NBSP}000"]
    assert f"Total{NBSP}: 1{NBSP}235{NBSP}567 dossiers" in all_text(root)


def test_chart_is_frozen() -> None:
    chart = bar_chart("T", STATUSES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.svg = ""  # type: ignore[misc]


# --------------------------------------------------------------------------- hostile text


@BOTH
def test_hostile_labels_title_and_unit_are_escaped(draw: ChartFunction) -> None:
    title = '<script>alert("x")</script> & co'
    chart = draw(title, HOSTILE, unit="<b>dossiers</b>", id_prefix="hostile")
    assert "<script" not in chart.svg
    assert "<b>" not in chart.svg
    root = check_well_formed_and_safe(chart, draw, len(HOSTILE))
    assert root[0].text == title
    text = all_text(root)
    for label, _ in HOSTILE:
        assert label in text  # escaped in the markup, the same text once parsed
        assert any(line.startswith(f"{label} : ") for line in chart.description)


@BOTH
def test_characters_xml_forbids_are_dropped_and_blank_labels_named(draw: ChartFunction) -> None:
    chart = draw("Ti\x00tre\x1b", [("A\x00B\ufffe", 1.0), (" \t\n", 2.0), ("\x0b", 3.0)])
    root = check_well_formed_and_safe(chart, draw, 3)
    assert root[0].text == "Titre"
    assert chart.description[1:] == [
        "AB : 1 dossier.",
        "Sans libellé : 2 dossiers.",
        "Sans libellé : 3 dossiers.",
    ]


# --------------------------------------------------------------------------- bar chart


def test_bars_are_as_long_as_their_values() -> None:
    root = check_well_formed_and_safe(bar_chart("T", STATUSES), bar_chart, len(STATUSES))
    widths = [float(rect.get("width", "nan")) for rect in shapes(root, bar_chart)]
    assert widths[3] == 0
    assert widths[2] == max(widths)
    for (_, value), width in zip(STATUSES, widths, strict=True):
        assert width == pytest.approx(widths[2] * value / 5678, abs=0.02)
    lefts = {rect.get("x") for rect in shapes(root, bar_chart)}
    assert len(lefts) == 1  # all from the same zero line
    assert values_shown(root) == ["312", f"1{NBSP}234", f"5{NBSP}678", "0"]
    # Each value is written just after the end of its bar.
    for rect, value in zip(shapes(root, bar_chart), by_class(root, "chart-value"), strict=True):
        end = float(rect.get("x", "0")) + float(rect.get("width", "0"))
        assert end < float(value.get("x", "0")) < end + 10


def test_bars_stay_inside_the_picture() -> None:
    long = "Une certification au libellé vraiment très très long, " * 3
    root = parse(bar_chart("T", [(long, 1e7), ("Court", 1.0)]))
    for rect in shapes(root, bar_chart):
        assert float(rect.get("x", "0")) + float(rect.get("width", "0")) <= 800 - 24


def test_long_labels_are_truncated_with_the_full_label_in_a_title() -> None:
    long = "Certificat de qualification professionnelle « Agent de maintenance » & co"
    root = parse(bar_chart("T", [(long, 1.0), ("Court", 2.0)]))
    truncated, short = by_class(root, "chart-label")
    title = truncated.find(f"{NS}title")
    assert title is not None and title.text == typography(long)
    shown = shown_text(truncated)
    assert shown.endswith("…") and len(shown) <= 36
    assert long.startswith(shown[:-1])
    assert short.find(f"{NS}title") is None and all_text(short) == "Court"


def test_each_item_has_a_tooltip_sentence() -> None:
    root = parse(bar_chart("T", STATUSES))
    tooltips = [item.find(f"{NS}title") for item in by_class(root, "chart-item")]
    assert [t.text for t in tooltips if t is not None] == [
        typography(d) for d in bar_chart("T", STATUSES).description[1:]
    ]


# --------------------------------------------------------------------------- column chart


def test_columns_stand_on_the_baseline_with_values_above() -> None:
    chart = column_chart("Dossiers reçus par mois", MONTHS)
    root = check_well_formed_and_safe(chart, column_chart, 12)
    columns = shapes(root, column_chart)
    bottoms = {float(c.get("y", "0")) + float(c.get("height", "0")) for c in columns}
    assert len({round(b, 1) for b in bottoms}) == 1
    heights = [float(c.get("height", "0")) for c in columns]
    assert heights == sorted(heights)  # the values grow month after month
    xs = [float(c.get("x", "0")) for c in columns]
    assert xs == sorted(xs)  # in the given order, left to right
    for column, value in zip(columns, by_class(root, "chart-value"), strict=True):
        assert float(value.get("y", "0")) < float(column.get("y", "0"))
    assert values_shown(root) == [str(month * 17) for month in range(1, 13)]


def test_month_labels_are_split_with_the_year_written_once() -> None:
    root = parse(column_chart("T", MONTHS))
    labels = [all_text(label) for label in by_class(root, "chart-label")]
    assert labels[0] == "janv.2026"  # « janv. » over « 2026 »
    assert labels[1:] == [month_label(2026, m).split(" ")[0] for m in range(2, 13)]
    items = [(month_label(2025 + m // 12, m % 12 + 1), 1.0) for m in range(10, 22)]
    labels = [all_text(label) for label in by_class(parse(column_chart("T", items)), "chart-label")]
    assert labels[:5] == ["nov.2025", "déc.", "janv.2026", "févr.", "mars"]


def test_few_month_labels_fit_on_one_line() -> None:
    items = [(month_label(2026, m), 1.0) for m in range(1, 4)]
    labels = by_class(parse(column_chart("T", items)), "chart-label")
    assert [all_text(label) for label in labels] == ["janv. 2026", "févr. 2026", "mars 2026"]


def grid(root: ET.Element) -> list[float]:
    lines = by_class(root, "chart-grid")
    bottom = float(lines[0].get("y1", "0"))
    return [bottom - float(line.get("y1", "0")) for line in lines]


def tick_labels(root: ET.Element) -> list[str]:
    grid_lines = {round(float(line.get("y1", "0")) + 4, 2) for line in by_class(root, "chart-grid")}
    return [
        all_text(t)
        for t in root.iter(f"{NS}text")
        if t.get("text-anchor") == "end"
        and t.get("class") is None
        and round(float(t.get("y", "0")), 2) in grid_lines
    ]


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([12, 30, 45, 8], ["0", "10", "20", "30", "40", "50"]),
        ([1234, 980, 75], ["0", "500", f"1{NBSP}000", f"1{NBSP}500"]),
        ([3, 1, 2], ["0", "1", "2", "3"]),
        ([1], ["0", "1"]),
        ([0.3, 0.1], ["0", "0,1", "0,2", "0,3"]),
        (
            [1e7],
            [
                "0",
                f"2{NBSP}000{NBSP}000",
                f"4{NBSP}000{NBSP}000",
                f"6{NBSP}000{NBSP}000",
                f"8{NBSP}000{NBSP}000",
                f"10{NBSP}000{NBSP}000",
            ],
        ),
    ],
)
def test_y_axis_has_round_ticks_with_gridlines(values: list[float], ticks: list[str]) -> None:
    root = parse(column_chart("T", [(str(i), float(v)) for i, v in enumerate(values)]))
    assert tick_labels(root) == ticks
    heights = grid(root)
    assert heights[0] == 0 and heights == sorted(heights)
    steps = [b - a for a, b in itertools.pairwise(heights)]
    assert all(step == pytest.approx(steps[0], abs=0.02) for step in steps)  # evenly spaced
    # The tallest column reaches at most the top gridline.
    tallest = max(float(c.get("height", "0")) for c in shapes(root, column_chart))
    assert tallest <= heights[-1] + 0.01


def test_crowded_columns_slant_labels_and_stand_values_up() -> None:
    items = [(month_label(2025 + m // 12, m % 12 + 1), 10972.0 - m) for m in range(36)]
    chart = column_chart("Trois ans", items)
    root = check_well_formed_and_safe(chart, column_chart, 36)
    labels = by_class(root, "chart-label")
    assert all(label.get("transform", "").startswith("rotate(-45 ") for label in labels)
    assert [all_text(label) for label in labels] == [label for label, _ in items]
    values = by_class(root, "chart-value")
    assert all(value.get("transform", "").startswith("rotate(-90 ") for value in values)


def test_slanted_labels_do_not_run_off_the_left_edge() -> None:
    items = [(f"Certificat de qualification professionnelle {i}", float(i)) for i in range(12)]
    root = parse(column_chart("T", items))
    for label in by_class(root, "chart-label"):
        assert label.get("transform", "").startswith("rotate(-45 ")
        reach = charts.text_width(shown_text(label), 12) * math.sqrt(0.5)
        assert float(label.get("x", "0")) - reach >= 0


# --------------------------------------------------------------------------- edge cases


@BOTH
def test_no_items(draw: ChartFunction) -> None:
    chart = draw("Rien", [], id_prefix="none")
    assert chart.description == ["Aucune donnée."]
    root = check_well_formed_and_safe(chart, draw, 0)
    assert "Aucune donnée." in all_text(root)
    assert root.get("aria-labelledby") == "none-title none-desc"


@BOTH
def test_all_zero_values(draw: ChartFunction) -> None:
    items = [(month_label(2026, m), 0.0) for m in range(1, 5)]
    chart = draw("Zéro", items)
    root = check_well_formed_and_safe(chart, draw, 4)
    assert chart.description[0] == "Total : 0 dossier."
    assert all(
        float(s.get("width", "0")) * float(s.get("height", "0")) == 0 for s in shapes(root, draw)
    )
    assert values_shown(root) == ["0"] * 4
    assert "nan" not in chart.svg.lower() and "inf" not in chart.svg.lower()


def test_all_zero_columns_say_so_and_draw_the_baseline_alone() -> None:
    root = parse(column_chart("Zéro", [("A", 0.0), ("B", 0.0)]))
    assert "Toutes les valeurs sont nulles." in all_text(root)
    assert len(by_class(root, "chart-grid")) == 1


@BOTH
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, -math.inf])
def test_invalid_values_are_refused(draw: ChartFunction, bad: float) -> None:
    with pytest.raises(ValueError):
        draw("T", [("A", 1.0), ("B", bad)])


@BOTH
def test_integer_values_and_negative_zero(draw: ChartFunction) -> None:
    chart = draw("T", [("A", 3), ("B", -0.0)])  # ints are fine; -0.0 is shown as 0
    assert chart.description == ["Total : 3 dossiers.", "A : 3 dossiers.", "B : 0 dossier."]
    assert "-0" not in all_text(parse(chart))


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=80),
    items=st.lists(
        st.tuples(st.text(max_size=60), st.floats(min_value=0, max_value=1e7)), max_size=40
    ),
    unit=st.text(max_size=12),
    kind=st.sampled_from(["bar", "column"]),
)
def test_any_items_give_well_formed_svg(
    title: str, items: Sequence[tuple[str, float]], unit: str, kind: str
) -> None:
    draw = bar_chart if kind == "bar" else column_chart
    chart = draw(title, items, unit=unit, id_prefix="p")
    root = check_well_formed_and_safe(chart, draw, len(items))
    assert root.get("aria-labelledby") == "p-title p-desc"
    assert len(chart.description) == (len(items) + 1 if items else 1)
    for element in list(root.iter())[1:]:
        for name in ("x", "y", "width", "height"):
            if name in element.attrib:
                assert math.isfinite(float(element.attrib[name]))
        if "width" in element.attrib and element.tag != f"{NS}svg":
            assert float(element.attrib["width"]) >= 0
    view_box = [float(part) for part in root.get("viewBox", "").split()]
    assert view_box[:3] == [0, 0, 800] and view_box[3] > 0


@BOTH
@pytest.mark.parametrize("tiny", [5e-324, 1e-300, 1e-7, 0.04])
def test_tiny_values_draw_on_a_scale_of_at_least_one_tenth(
    draw: ChartFunction, tiny: float
) -> None:
    chart = draw("T", [("A", tiny), ("B", 0.0)])
    root = check_well_formed_and_safe(chart, draw, 2)
    assert chart.description[1] == "A : 0 dossier."
    if draw is column_chart:
        assert tick_labels(root)[-1] == "0,10"  # the same decimals on the whole axis
