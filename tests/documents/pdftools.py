"""Reading PDFs back in tests: text, page size, fonts (pypdf)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

A4_POINTS = (595.28, 841.89)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (words split across lines by the
    layout still read in order)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    ]


def font_names(pdf: bytes) -> set[str]:
    """Base font names of every font used on any page ("ABCDEF+Liberation-Serif" → the
    name after the subset tag)."""
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            base = str(font.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def is_a4(size: tuple[float, float], *, landscape: bool = False) -> bool:
    width, height = size
    expected = A4_POINTS[::-1] if landscape else A4_POINTS
    return abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1


def field_values(pdf: bytes) -> dict[str, str]:
    """Every text field of ``pdf`` and its value ("" when empty): the clerk's number and
    date, read as any PDF reader reads a filled form."""
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return {
        name: str(field.get("/V") or "")
        for name, field in fields.items()
        if field.get("/FT") == "/Tx"
    }


def field_appearance_fonts(pdf: bytes, name: str) -> set[str]:
    """The base fonts the appearance of field ``name`` draws with (through the form
    XObjects it nests), as ``font_names`` gives them."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()

    def walk(xobject) -> None:
        resources = xobject.get_object().get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            base = str(font.get_object().get("/BaseFont", ""))
            fonts.add(base.lstrip("/").split("+", 1)[-1])
        for inner in resources.get("/XObject", {}).values():
            walk(inner)

    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            widget = annot.get_object()
            if str(widget.get("/T", "")) == name and "/AP" in widget:
                walk(widget["/AP"]["/N"])
    return fonts
