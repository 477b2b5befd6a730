"""PAdES signatures (pyHanko) with a visible stamp at the signer's place.

The signature is PAdES baseline B-LT (issue 18) when signing with ``settings``: a CAdES
detached CMS (subfilter ETSI.CAdES.detached) with the signing-certificate-v2 attribute,
an RFC 3161 signature timestamp from the timestamp authority (``settings.tsa_url``; the
development CA's own TSA, in-process, when none is set outside production), and the
certificates' revocation data (CRLs/OCSP) in the document security store, so that the
signature can be checked at its timestamped time long after the certificate expired.
Without ``settings`` it is B-B (no timestamp, no revocation data).
The visible stamp ("Ký số bởi …, thời gian ký …") is drawn by the same HTML renderer as
the documents, so Vietnamese text is typeset with the document's own font; pyHanko
places it as the appearance of the signature field.
"""

from __future__ import annotations

import binascii
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from thidua.settings import Settings

from .documents.renderer import render_html_to_pdf  # the shared renderer (fonts loaded once)
from .signers import Pkcs12Key, SigningError, SigningKey

__all__ = ["SigningError", "SigningKey", "sign_pdf"]

log = logging.getLogger(__name__)


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


def sign_pdf(
    pdf: bytes,
    key: SigningKey | bytes,
    passphrase: str = "",
    *,
    field_name: str,
    box: tuple[float, float, float, float],
    page: int,
    signer_label: str,
    organisation_label: str = "",
    reason: str = "",
    location: str = "",
    settings: Settings | None = None,
    timestamp_time: datetime | None = None,
) -> bytes:
    """Sign ``pdf`` with ``key`` (a PKCS#11 token or HSM, or a PKCS#12 identity: its
    bytes and ``passphrase``); a visible stamp with ``signer_label`` and the signing time
    fills ``box`` on ``page`` (0-based). With ``settings``: PAdES B-LT, timestamped by
    the configured timestamp authority (``timestamp_time`` fixes the development TSA's
    time, for tests; it must not precede the development CRL, minutes before signing);
    without: PAdES B-B. Raises ``SigningError`` when the timestamp or the revocation
    data cannot be obtained.

    Blocking (CPU, the token, the TSA): call it through ``asyncio.to_thread``."""
    signing_key = Pkcs12Key(key, passphrase) if isinstance(key, bytes) else key
    ltv = _long_term(settings, timestamp_time) if settings is not None else None
    with signing_key.open() as signer:
        return _sign_with(
            pdf,
            signer,
            field_name=field_name,
            box=box,
            page=page,
            signer_label=signer_label,
            organisation_label=organisation_label,
            reason=reason,
            location=location,
            ltv=ltv,
        )


@dataclass(frozen=True)
class _LongTerm:
    """What B-LT adds to a signature: who timestamps it, and where the revocation data
    of its certificates comes from."""

    timestamper: Any
    validation_context: Any


def _long_term(settings: Settings, timestamp_time: datetime | None) -> _LongTerm:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from thidua.pki import DEV_CA_FOLDER, dev_ca_crl, ensure_dev_ca, ensure_dev_tsa, trust_roots

    der = serialization.Encoding.DER
    roots = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in trust_roots(settings)]
    # The development CA publishes no CRL anywhere: where it is a trust root, its CRL is
    # made here and embedded.
    crls = (
        [asn1_crl.CertificateList.load(dev_ca_crl(settings).public_bytes(der))]
        if (settings.pki_dir / DEV_CA_FOLDER / "ca.pem").exists()
        else []
    )
    if settings.tsa_url:
        return _LongTerm(
            timestamper=HTTPTimeStamper(settings.tsa_url, timeout=30),
            # Fetches from the certificates' CRL distribution points and OCSP responders.
            validation_context=ValidationContext(trust_roots=roots, crls=crls, allow_fetching=True),
        )
    if settings.environment == "production" and not settings.allow_development_tsa:
        raise SigningError(
            "production signs with a timestamp authority: set THIDUA_TSA_URL to the "
            "RFC 3161 service of the certification provider (or, for a demonstration on "
            "the development CA, THIDUA_ALLOW_DEVELOPMENT_TSA=true)",
            "Môi trường vận hành cần dịch vụ cấp dấu thời gian (TSA): quản trị viên đặt "
            "THIDUA_TSA_URL",
        )
    ca_cert, _ca_key = ensure_dev_ca(settings)
    tsa_cert, tsa_key = ensure_dev_tsa(settings)
    key_der = tsa_key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ca = asn1_x509.Certificate.load(ca_cert.public_bytes(der))
    return _LongTerm(
        timestamper=DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=SimpleCertificateStore.from_certs([ca]),
            fixed_dt=timestamp_time,
        ),
        validation_context=ValidationContext(
            trust_roots=roots,
            crls=crls or [asn1_crl.CertificateList.load(dev_ca_crl(settings).public_bytes(der))],
            allow_fetching=False,
        ),
    )


def _sign_with(
    pdf: bytes,
    signer: signers.Signer,
    *,
    field_name: str,
    box: tuple[float, float, float, float],
    page: int,
    signer_label: str,
    organisation_label: str,
    reason: str,
    location: str,
    ltv: _LongTerm | None = None,
) -> bytes:
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
        embed_validation_info=ltv is not None,
        validation_context=ltv.validation_context if ltv is not None else None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=ltv.timestamper if ltv is not None else None,
        stamp_style=style,
        # pyHanko annotates the box as ints; PDF coordinates are reals and it writes them as given.
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box),  # type: ignore[arg-type]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output)
    except SigningError:
        raise
    except Exception as exc:
        if ltv is None:
            raise
        # The TSA unreachable or refusing, the certificate's revocation data missing or
        # the certificate revoked: no B-LT signature can be made.
        log.warning("long-term signature failed: %s", exc)
        raise SigningError(
            f"cannot make a long-term (PAdES B-LT) signature: {exc}",
            "Không tạo được chữ ký số dài hạn: không lấy được dấu thời gian hoặc thông tin "
            "thu hồi của chứng thư số",
        ) from exc
    return output.getvalue()
