"""Charts as SVG text from plain numbers: a column chart (awards by year, dossiers by
stage) and a horizontal bar chart (awards by title, overdue stages by body).

The SVG is self-contained: no script, no external font or stylesheet, a ``<title>`` and
``role="img"`` for screen readers. The same text goes inline into a page (the page's CSP
allows inline SVG, not inline scripts) and into a document, where WeasyPrint draws it
as vectors, so it prints sharp."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

BAR_FILL = "#2f5f8f"
AXIS = "#555555"
FONT = "font-family=\"'Liberation Sans', Arial, sans-serif\""
EMPTY = "Chưa có số liệu"  # drawn where a series has nothing to show


def _label(text: str, limit: int) -> str:
    """A label cut to ``limit`` characters (the whole text stays in the tooltip)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(width: int, height: int, title: str, chart_id: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title" '
        f'class="chart" {FONT} font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    chart_id: str = "chart",
    width: int = 560,
    height: int = 260,
) -> str:
    """Vertical bars, one per (label, value), heights proportional to the values; the
    value printed above each bar. An empty or all-zero series draws the axis only."""
    top, bottom, left, right = 44, 48, 36, 12
    plot_h = height - top - bottom
    plot_w = width - left - right
    peak = max((v for _, v in bars), default=0)
    parts = _open(width, height, title, chart_id)
    parts.append(
        f'<text x="{width / 2:.1f}" y="16" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>"
    )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{AXIS}"/>'
    )
    if not peak:
        parts.append(
            f'<text x="{width / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
            f'fill="{AXIS}">{EMPTY}</text>'
        )
    if bars:
        slot = plot_w / len(bars)
        bar_w = max(4.0, slot * 0.6)
        for index, (label, value) in enumerate(bars):
            h = (value / peak) * plot_h if peak else 0.0
            x = left + index * slot + (slot - bar_w) / 2
            y = base - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{BAR_FILL}" data-value="{value}"><title>{escape(label)}: {value}</title></rect>'
            )
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>'
            )
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{base + 16}" text-anchor="middle">'
                f"{escape(_label(label, max(4, int(slot / 7))))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    chart_id: str = "chart",
    width: int = 560,
    row_height: int = 24,
    label_width: int = 220,
) -> str:
    """Horizontal bars, one row per (label, value), lengths proportional to the values;
    long names (award titles, bodies) read better on the left than under a column."""
    top, bottom, right = 28, 8, 40
    height = top + bottom + row_height * max(1, len(bars))
    plot_w = width - label_width - right
    peak = max((v for _, v in bars), default=0)
    parts = _open(width, height, title, chart_id)
    parts.append(
        f'<text x="{width / 2:.1f}" y="16" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>"
    )
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - bottom}" '
        f'stroke="{AXIS}"/>'
    )
    if not peak:
        parts.append(
            f'<text x="{label_width + 8}" y="{top + row_height * 0.65:.1f}" '
            f'fill="{AXIS}">{EMPTY}</text>'
        )
    for index, (label, value) in enumerate(bars):
        y = top + index * row_height
        w = (value / peak) * plot_w if peak else 0.0
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row_height * 0.65:.1f}" text-anchor="end">'
            f"{escape(_label(label, label_width // 7))}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row_height - 8}" '
            f'fill="{BAR_FILL}" data-value="{value}"><title>{escape(label)}: {value}</title></rect>'
        )
        parts.append(
            f'<text x="{label_width + w + 4:.1f}" y="{y + row_height * 0.65:.1f}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
