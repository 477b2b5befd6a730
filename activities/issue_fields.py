"""The number and the date that the clerk (văn thư) writes into a signed decision
(Decree 30/2020 Art. 15-16: the clerk numbers and dates a document when issuing it).

The signer signs a document whose number and date are blank: each blank is an empty,
read-only PDF text field laid where the template left room for it (``add_issue_fields``,
before the signer's signature). At issue the clerk's incremental update fills the fields
(``fill_issue_fields``: each field's value and its appearance, typeset by the same
renderer and font as the document) and applies the organisation's signature over it.
Filling form fields is a change a signed PDF permits: validators report the signer's
signature intact, with form filling after it (pyHanko: ``FORM_FILLING``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from markupsafe import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from domain.calendar import format_vn_date, format_vn_long_date

from .documents.renderer import SignatureBox, render_html_to_pdf

# The fields, by the id of the room the template leaves for them (``_macros.html``).
NUMBER_FIELD = "so-van-ban"  # "12" in "Số: 12/QĐ-UBND"
DATE_FIELD = "ngay-ban-hanh"  # "ngày 07 tháng 12 năm 2026" after the place name
ANNEX_NUMBER_FIELD = "so-van-ban-phu-luc"  # the attached list's "(Kèm theo … số 12/…"
ANNEX_DATE_FIELD = "ngay-ban-hanh-phu-luc"  # "… ngày 07/12/2026 …)"
ISSUE_FIELDS = (NUMBER_FIELD, DATE_FIELD, ANNEX_NUMBER_FIELD, ANNEX_DATE_FIELD)

_READ_ONLY = 1  # field flag: the reader's viewer does not let anyone type into it
_PRINT = 4  # annotation flag: printed with the page


@dataclass(frozen=True)
class FieldStyle:
    """How a field's text is typeset: as the text around it (``document.css``)."""

    font_size_pt: float
    italic: bool = False
    align: str = "left"


STYLES = {
    NUMBER_FIELD: FieldStyle(13, align="right"),
    DATE_FIELD: FieldStyle(14, italic=True),
    ANNEX_NUMBER_FIELD: FieldStyle(14, italic=True, align="right"),
    ANNEX_DATE_FIELD: FieldStyle(14, italic=True, align="center"),
}


def clerk_field_values(number_text: str, issued_on: date) -> dict[str, str]:
    """What the clerk writes: "12/QĐ-UBND" and 7 December 2026 → "12" (before the
    printed "/QĐ-UBND") twice, "ngày 07 tháng 12 năm 2026" and "07/12/2026"."""
    number = number_text.partition("/")[0]
    return {
        NUMBER_FIELD: number,
        DATE_FIELD: format_vn_long_date("", issued_on).removeprefix(", "),
        ANNEX_NUMBER_FIELD: number,
        ANNEX_DATE_FIELD: format_vn_date(issued_on),
    }


def add_issue_fields(pdf: bytes, places: Mapping[str, SignatureBox]) -> bytes:
    """``pdf`` with an empty read-only text field at each of ``places`` (field name →
    page and box), in an incremental update. Blocking (call through a thread)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    root = writer.root
    if "/AcroForm" in root:
        form = root["/AcroForm"]
        fields = form["/Fields"]
    else:
        fields = generic.ArrayObject()
        form = generic.DictionaryObject({generic.NameObject("/Fields"): fields})
        root[generic.NameObject("/AcroForm")] = writer.add_object(form)
        writer.update_root()
    # A text field names the font a viewer would type with; it never types here (read
    # only, with an appearance), so a standard font will do.
    form[generic.NameObject("/DA")] = generic.TextStringObject("/TiRo 12 Tf 0 g")
    form[generic.NameObject("/DR")] = generic.DictionaryObject(
        {
            generic.NameObject("/Font"): generic.DictionaryObject(
                {
                    generic.NameObject("/TiRo"): writer.add_object(
                        generic.DictionaryObject(
                            {
                                generic.NameObject("/Type"): generic.NameObject("/Font"),
                                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                                generic.NameObject("/BaseFont"): generic.NameObject("/Times-Roman"),
                                generic.NameObject("/Encoding"): generic.NameObject(
                                    "/WinAnsiEncoding"
                                ),
                            }
                        )
                    )
                }
            )
        }
    )
    for name, place in places.items():
        page_ref, _ = writer.find_page_for_modification(place.page)
        x1, y1, x2, y2 = place.box
        blank = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/XObject"),
                generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                generic.NameObject("/BBox"): _array((0, 0, x2 - x1, y2 - y1)),
            },
            stream_data=b"",
        )
        field = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
                generic.NameObject("/FT"): generic.NameObject("/Tx"),
                generic.NameObject("/T"): generic.TextStringObject(name),
                generic.NameObject("/Ff"): generic.NumberObject(_READ_ONLY),
                generic.NameObject("/F"): generic.NumberObject(_PRINT),
                generic.NameObject("/Rect"): _array(place.box),
                generic.NameObject("/P"): page_ref,
                generic.NameObject("/DA"): generic.TextStringObject("/TiRo 12 Tf 0 g"),
                generic.NameObject("/AP"): generic.DictionaryObject(
                    {generic.NameObject("/N"): writer.add_object(blank)}
                ),
            }
        )
        field_ref = writer.add_object(field)
        fields.append(field_ref)
        page = page_ref.get_object()
        if "/Annots" not in page:
            page[generic.NameObject("/Annots")] = generic.ArrayObject([field_ref])
        else:
            page["/Annots"].append(field_ref)
            if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
                writer.update_container(page["/Annots"])
        writer.update_container(page)
    writer.update_container(fields)
    writer.update_container(form)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def issue_field_values(pdf: bytes) -> dict[str, str]:
    """The clerk's fields of ``pdf`` and their values ("" while blank)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    values: dict[str, str] = {}
    if "/AcroForm" not in reader.root:
        return values
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = str(field["/T"]) if "/T" in field else ""
        if name in ISSUE_FIELDS:
            values[name] = str(field["/V"]) if "/V" in field else ""
    return values


def fill_issue_fields(writer: IncrementalPdfFileWriter, values: Mapping[str, str]) -> None:
    """Write ``values`` (field name → text) into the clerk's fields, each with its
    appearance typeset like the text around it, as changes of ``writer`` (the clerk's
    incremental update, signed by the organisation after this). Fields the document does
    not have are left out: a document signed with its number has none. Blocking."""
    if "/AcroForm" not in writer.root:
        return
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = str(field["/T"]) if "/T" in field else ""
        if name not in values or name not in STYLES:
            continue
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        appearance = _appearance(abs(x2 - x1), abs(y2 - y1), values[name], STYLES[name])
        reader = PdfFileReader(io.BytesIO(appearance))
        xobject = writer.import_page_as_xobject(reader, page_ix=0)
        field[generic.NameObject("/V")] = generic.TextStringObject(values[name])
        field[generic.NameObject("/AP")] = generic.DictionaryObject(
            {generic.NameObject("/N"): xobject}
        )
        writer.update_container(field)


def _appearance(width_pt: float, height_pt: float, text: str, style: FieldStyle) -> bytes:
    """``text`` on a page of the field's size, in the document's font at the size and
    style of the line it sits in; the line's height is the field's, so the baseline
    lands where the surrounding text's is."""
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
      html, body {{ margin: 0; padding: 0; }}
      p {{ margin: 0; font-family: "Times New Roman", "Liberation Serif", serif;
           font-size: {style.font_size_pt}pt; line-height: {height_pt:.2f}pt;
           font-style: {"italic" if style.italic else "normal"}; text-align: {style.align};
           white-space: nowrap; }}
    </style></head><body><p>{escape(text)}</p></body></html>"""
    return render_html_to_pdf(html)


def _array(numbers: tuple[float, ...]) -> generic.ArrayObject:
    return generic.ArrayObject(generic.FloatObject(round(n, 2)) for n in numbers)
