"""The charts of the statistics page and the reports (domain/charts.py): valid SVG that
a parser reads, an accessible title, bars proportional to the numbers, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from domain.charts import bar_chart, horizontal_bar_chart

pytestmark = pytest.mark.fast

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if r.get("data-value")]


def test_column_heights_are_proportional_to_the_values():
    svg = bar_chart("Khen thưởng theo năm", [("2024", 2), ("2025", 4), ("2026", 0)])
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Khen thưởng theo năm"
    assert root.get("aria-labelledby") == title.get("id")
    heights = [float(r.get("height", "0")) for r in bars(svg)]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert heights[2] == 0
    # Each bar's tooltip names it with its value; the value is printed too.
    assert [r.find(f"{SVG}title").text for r in bars(svg)] == ["2024: 2", "2025: 4", "2026: 0"]


def test_horizontal_bars_are_proportional_and_labels_escaped():
    svg = horizontal_bar_chart(
        "Theo danh hiệu <&>", [("Lao động tiên tiến", 3), ("Giấy khen & <b>", 1)]
    )
    root = ET.fromstring(svg)  # parses: "<", "&" were escaped
    widths = [float(r.get("width", "0")) for r in bars(svg)]
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Giấy khen & <b>" in texts and "Lao động tiên tiến" in texts
    assert "script" not in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_an_empty_series_draws_an_axis_and_no_bars():
    for svg in (bar_chart("Trống", []), horizontal_bar_chart("Trống", [])):
        ET.fromstring(svg)
        assert bars(svg) == []
