"""The visible parts of the two signatures of a document issued under Decree 30/2020
(Nghị định 30/2020/NĐ-CP, Phụ lục I): what the reader of the PDF sees where each
digital signature sits. Drawn by the engine (no image files, no downloads) as one-page
PDFs that pyHanko places as the signature fields' appearances (``activities/signing.py``).

* The competent person's: their signature image, blue, centred in the space between the
  title line (CHỦ TỊCH, KT. CHỦ TỊCH / PHÓ CHỦ TỊCH) and their name. An official who
  has no scanned signature gets one drawn from their name: the name in a slanted hand with
  a flourish under it, then a small line "Ký số: <name>, <time>".
* The organisation's, applied by the clerk (văn thư): the round red seal at its real
  size (36 mm), with the organisation's name around the rim and a star at its centre,
  placed over about a third of the person's signature, on its left; under it the
  organisation's name and the signing time in ISO 8601, Vietnam time (+07:00).
"""

from __future__ import annotations

import math
from datetime import datetime

from markupsafe import escape

from domain.calendar import VIETNAM_TZ

from .documents.renderer import render_html_to_pdf

SIGNATURE_BLUE = "#1d3f9a"
SEAL_RED = "#d0161b"
MM = 72 / 25.4  # points per millimetre
SEAL_DIAMETER_PT = 36 * MM  # the seal's real size
# Under the seal: the organisation's name and the signing time, below the signer's name
# line (the seal, centred on the signature's space, reaches into that line): a gap, then
# up to three lines of caption, so that a long name is never written over.
SEAL_CAPTION_GAP_PT = 16.0
SEAL_CAPTION_PT = SEAL_CAPTION_GAP_PT + 21.0


def iso_vietnam(moment: datetime) -> str:
    """``2026-12-07T14:05:31+07:00``: ISO 8601 in Vietnam time, to the second."""
    return moment.astimezone(VIETNAM_TZ).replace(microsecond=0).isoformat()


def _page(width_pt: float, height_pt: float, body: str, style: str = "") -> bytes:
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
      html, body {{ margin: 0; padding: 0; }}
      body {{ font-family: "Times New Roman", "Liberation Serif", serif; }}
      svg {{ display: block; }}
      {style}
    </style></head><body>{body}</body></html>"""
    return render_html_to_pdf(html)


def person_signature_pdf(
    width_pt: float, height_pt: float, name: str, signed_at: datetime
) -> bytes:
    """The person's signature image (drawn from ``name``), blue, centred in the box, with
    a small line naming the signer and the time under it."""
    words = name.split()
    # The given name is what most officials write; the whole name when it is short.
    hand = name if len(name) <= 18 else (words[-1] if words else name)
    font_pt = min(26.0, max(14.0, (width_pt * 0.8) / max(6, len(hand)) * 1.9))
    caption = f"Ký số: {name}, {iso_vietnam(signed_at)}"
    image_h = max(10.0, height_pt - 11)
    cx = width_pt / 2
    baseline = image_h * 0.62
    flourish = (
        f"M {cx - width_pt * 0.32:.1f} {baseline + 6:.1f} "
        f"C {cx - width_pt * 0.1:.1f} {baseline + 14:.1f}, {cx + width_pt * 0.12:.1f} "
        f"{baseline - 2:.1f}, {cx + width_pt * 0.34:.1f} {baseline + 3:.1f}"
    )
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width_pt:.2f}pt"
      height="{image_h:.2f}pt" viewBox="0 0 {width_pt:.2f} {image_h:.2f}">
      <text x="{cx:.2f}" y="{baseline:.2f}" text-anchor="middle" fill="{SIGNATURE_BLUE}"
        font-family="DejaVu Serif, Liberation Serif, serif" font-style="italic"
        font-size="{font_pt:.1f}" transform="rotate(-4 {cx:.2f} {baseline:.2f})"
        >{escape(hand)}</text>
      <path d="{flourish}" stroke="{SIGNATURE_BLUE}" stroke-width="1.1" fill="none"
        stroke-linecap="round"/>
    </svg>"""
    body = f'{svg}<p class="caption">{escape(caption)}</p>'
    style = (
        f"p.caption {{ margin: 0; text-align: center; font-size: 6.5pt; line-height: 1.1; "
        f"color: {SIGNATURE_BLUE}; }}"
    )
    return _page(width_pt, height_pt, body, style)


def seal_pdf(width_pt: float, organisation: str, signed_at: datetime) -> bytes:
    """The organisation's red round seal, ``SEAL_DIAMETER_PT`` across, its name around the
    rim and a star at the centre; under it the name and the signing time (ISO 8601, Vietnam
    time). The page is ``width_pt`` wide (at least the seal) and
    ``SEAL_DIAMETER_PT + SEAL_CAPTION_PT`` high."""
    d = SEAL_DIAMETER_PT
    r = d / 2
    cx = cy = r
    rim_text = organisation.upper()
    # The letters around the top of the rim, each turned to follow the circle.
    text_r = r - 9.5
    span = min(300.0, 10.5 * len(rim_text))  # degrees the name covers
    letters = []
    for i, ch in enumerate(rim_text):
        angle = -90 - span / 2 + span * (i + 0.5) / max(1, len(rim_text))
        rad = math.radians(angle)
        x = cx + text_r * math.cos(rad)
        y = cy + text_r * math.sin(rad)
        letters.append(
            f'<text x="{x:.2f}" y="{y:.2f}" transform="rotate({angle + 90:.1f} {x:.2f} {y:.2f})" '
            f'text-anchor="middle" dominant-baseline="middle">{escape(ch)}</text>'
        )
    star = []
    for k in range(10):
        radius = 11.0 if k % 2 == 0 else 4.4
        a = math.radians(-90 + 36 * k)
        star.append(f"{cx + radius * math.cos(a):.2f},{cy + radius * math.sin(a):.2f}")
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{d:.2f}pt" height="{d:.2f}pt"
      viewBox="0 0 {d:.2f} {d:.2f}">
      <g fill="none" stroke="{SEAL_RED}">
        <circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r - 1.2:.2f}" stroke-width="2.2"/>
        <circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r - 4.2:.2f}" stroke-width="0.6"/>
        <circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r - 16:.2f}" stroke-width="0.8"/>
      </g>
      <g fill="{SEAL_RED}" font-family="DejaVu Sans, Liberation Sans, sans-serif"
        font-weight="bold" font-size="6.4">{"".join(letters)}</g>
      <polygon points="{" ".join(star)}" fill="{SEAL_RED}"/>
    </svg>"""
    caption = f"{escape(organisation)}<br>{iso_vietnam(signed_at)}"
    body = f'<div class="seal">{svg}</div><p class="caption">{caption}</p>'
    style = (
        f".seal {{ width: {d:.2f}pt; margin: 0 auto; opacity: 0.92; }}"
        # Left-aligned and narrow: it must not run into the signer's name on its right.
        f"p.caption {{ margin: {SEAL_CAPTION_GAP_PT:.1f}pt 0 0 0; width: 68%; text-align: left; "
        f"font-size: 6pt; "
        f"line-height: 1.1; color: {SEAL_RED}; }}"
    )
    return _page(max(width_pt, d), d + SEAL_CAPTION_PT, body, style)
