"""The renderer: HTML to PDF with WeasyPrint, one font configuration and one stylesheet
per process, and where an element (the signature's place) landed on the page."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.calendar import format_vn_date
from domain.numerals import vn_money, vn_number
from thidua.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

# fontTools (used by WeasyPrint to subset fonts) reports every table it drops.
logging.getLogger("fontTools").setLevel(logging.ERROR)

TEMPLATES_DIR = PROJECT_ROOT / "templates"
DOCUMENTS_DIR = TEMPLATES_DIR / "documents"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF points are 1/72 in


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a page (0-based) and a box in PDF points,
    origin at the bottom-left corner of the page."""

    page: int
    box: tuple[float, float, float, float]


class _Renderer:
    """WeasyPrint with its fonts and stylesheet loaded once. Rendering is serialised by
    a lock: WeasyPrint (Pango, fontconfig) is not meant to be driven from several
    threads at once, and it is CPU-bound anyway."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fonts: Any = None
        self._stylesheet: Any = None
        self.jinja = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.jinja.filters["money"] = vn_money
        self.jinja.filters["number"] = vn_number
        self.jinja.filters["vn_date"] = format_vn_date

    def _load(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            problem = document_font_problem()
            if problem:
                log.warning("%s", problem)
            self._fonts = FontConfiguration()
            self._stylesheet = CSS(
                filename=str(DOCUMENTS_DIR / "document.css"), font_config=self._fonts
            )

    def html_to_pdf(
        self, html: str, *, anchors: tuple[str, ...] = (), stylesheet: bool = True
    ) -> tuple[bytes, dict[str, SignatureBox]]:
        """The PDF, and where the elements of ids ``anchors`` landed (the first page each
        is on; an id the page does not have is left out)."""
        from weasyprint import HTML

        with self._lock:
            self._load()
            document = HTML(string=html, base_url=str(DOCUMENTS_DIR)).render(
                font_config=self._fonts, stylesheets=[self._stylesheet] if stylesheet else []
            )
            places: dict[str, SignatureBox] = {}
            for index, page in enumerate(document.pages):
                height_pt = page.height * CSS_PX_TO_PT
                for anchor in anchors:
                    if anchor in places or anchor not in page.anchors:
                        continue
                    x1, y1, x2, y2 = page.anchors[anchor]
                    places[anchor] = SignatureBox(
                        page=index,
                        box=(
                            round(x1 * CSS_PX_TO_PT, 2),
                            round(height_pt - y2 * CSS_PX_TO_PT, 2),
                            round(x2 * CSS_PX_TO_PT, 2),
                            round(height_pt - y1 * CSS_PX_TO_PT, 2),
                        ),
                    )
            return document.write_pdf(), places

    def render(
        self, template: str, context: dict[str, Any], *, anchors: tuple[str, ...] = ()
    ) -> tuple[bytes, dict[str, SignatureBox]]:
        html = self.jinja.get_template(f"documents/{template}").render(**context)
        return self.html_to_pdf(html, anchors=anchors)


def document_font_problem() -> str | None:
    """Why documents would not be typeset in Liberation Serif with every Vietnamese
    letter, or None. Debian's ``fonts-liberation`` (1.07) lacks the Vietnamese letters
    (ạ, ễ, ị…), which then come from another font; ``fonts-liberation2`` has them."""
    if shutil.which("fc-match") is None:
        return None  # no fontconfig tools: cannot tell
    found = subprocess.run(
        ["fc-match", "--format=%{file}", "Liberation Serif"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not found or "Liberation" not in found:
        return f"Liberation Serif is not installed (fontconfig offers {found or 'nothing'}): install fonts-liberation2"
    from fontTools.ttLib import TTFont

    with TTFont(found, lazy=True) as font:
        cmap = font.getBestCmap()
    missing = [ch for ch in "ạễịởựđ" if ord(ch) not in cmap]
    if missing:
        return (
            f"{found} lacks Vietnamese letters ({''.join(missing)}): install fonts-liberation2 "
            "so that documents are typeset in Liberation Serif throughout"
        )
    return None


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = _Renderer()
    return _renderer


def render_html_to_pdf(html: str) -> bytes:
    """A standalone HTML page (its own CSS) to PDF with the shared fonts."""
    return _get_renderer().html_to_pdf(html, stylesheet=False)[0]


def render_template_pdf(
    template: str, context: dict[str, Any], *, anchor: str | None = None
) -> tuple[bytes, SignatureBox | None]:
    """A template of ``templates/documents`` to PDF (blocking); with ``anchor``, also
    where the element of that id landed (for the visible signature)."""
    pdf, places = _get_renderer().render(template, context, anchors=(anchor,) if anchor else ())
    return pdf, places.get(anchor) if anchor else None


def render_template_places(
    template: str, context: dict[str, Any], anchors: tuple[str, ...]
) -> tuple[bytes, dict[str, SignatureBox]]:
    """A template to PDF (blocking), and where each element of ``anchors`` landed: the
    signature's place and the blanks the clerk fills (``activities/issue_fields.py``)."""
    return _get_renderer().render(template, context, anchors=anchors)
