"""PAdES signatures (pyHanko) with a visible stamp at the signer's place.

The signature is PAdES baseline B-B: a CAdES detached CMS (subfilter
ETSI.CAdES.detached) with the signing-certificate-v2 attribute, covering the whole file.
The visible stamp ("Ký số bởi …, thời gian ký …") is drawn by the same HTML renderer as
the documents, so Vietnamese text is typeset with the document's own font; pyHanko
places it as the appearance of the signature field.
"""

from __future__ import annotations

import binascii
import io
import logging
import uuid

from markupsafe import escape
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from domain.calendar import VIETNAM_TZ
from thidua.clock import SYSTEM_CLOCK

from .documents.renderer import render_html_to_pdf  # the shared renderer (fonts loaded once)

log = logging.getLogger(__name__)


class SigningError(Exception):
    """The identity cannot sign: unreadable PKCS#12 (wrong passphrase) or no key."""


class _ImportedPdfBytes(ImportedPdfPage):
    """pyHanko imports a stamp background from a file name; ours is in memory."""

    def __init__(self, data: bytes) -> None:
        super().__init__(file_name="<memory>", page_ix=0)
        self.data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self.data))
        xobject = writer.import_page_as_xobject(reader, page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


def _stamp_pdf(width_pt: float, height_pt: float, lines: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<p class="{css}">{escape(text)}</p>' for css, text in lines if text)
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
      html, body {{ margin: 0; height: 100%; }}
      body {{ font-family: "Times New Roman", "Liberation Serif", serif; color: #1d3f9a; }}
      .frame {{ box-sizing: border-box; height: {height_pt - 1:.2f}pt; margin: 0.5pt;
                border: 1.2pt solid #1d3f9a; border-radius: 4pt; padding: 3pt 5pt;
                display: flex; flex-direction: column; justify-content: center; }}
      p {{ margin: 0; text-align: center; font-size: 8.5pt; line-height: 1.2; }}
      p.title {{ font-weight: bold; font-size: 8pt; text-transform: uppercase; }}
      p.name {{ font-weight: bold; font-size: 10pt; }}
    </style></head><body><div class="frame">{body}</div></body></html>"""
    return render_html_to_pdf(html)


def load_signer(identity_p12: bytes, passphrase: str) -> signers.SimpleSigner:
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            identity_p12, other_certs=[], passphrase=passphrase.encode("utf-8")
        )
    except (ValueError, TypeError) as exc:
        raise SigningError(f"cannot open the signing identity: {exc}") from exc
    if signer is None or signer.signing_cert is None:
        raise SigningError("the signing identity holds no certificate and key")
    return signer


def sign_pdf(
    pdf: bytes,
    identity_p12: bytes,
    passphrase: str,
    *,
    field_name: str,
    box: tuple[float, float, float, float],
    page: int,
    signer_label: str,
    organisation_label: str = "",
    reason: str = "",
    location: str = "",
) -> bytes:
    """Sign ``pdf`` (PAdES B-B, whole file) with the PKCS#12 identity; a visible stamp
    with ``signer_label`` and the signing time fills ``box`` on ``page`` (0-based).

    Blocking (CPU): call it through ``asyncio.to_thread`` from async code."""
    signer = load_signer(identity_p12, passphrase)
    # Always the machine's clock, whatever clock the application runs on: the visible time
    # is the one pyHanko writes into the signature (it reads the machine's), which
    # validators compare with the certificate's validity.
    now = SYSTEM_CLOCK.now()
    x1, y1, x2, y2 = box
    stamp = _stamp_pdf(
        x2 - x1,
        y2 - y1,
        [
            ("title", "Ký số bởi"),
            ("name", signer_label),
            ("org", organisation_label),
            ("time", f"Thời gian ký: {now.astimezone(VIETNAM_TZ):%H:%M:%S %d/%m/%Y}"),
        ],
    )
    style = StaticStampStyle(
        background=_ImportedPdfBytes(stamp),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_label,
        reason=reason or None,
        location=location or None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=style,
        # pyHanko annotates the box as ints; PDF coordinates are reals and it writes them as given.
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box),  # type: ignore[arg-type]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    return output.getvalue()
