"""PAdES signatures (pyHanko) with a visible stamp at the signer's place.

The signature is PAdES baseline B-LT (issue 18) when signing with ``settings``: a CAdES
detached CMS (subfilter ETSI.CAdES.detached) with the signing-certificate-v2 attribute,
an RFC 3161 signature timestamp from the timestamp authority (``settings.tsa_url``; the
development CA's own TSA, in-process, when none is set outside production), and the
certificates' revocation data (CRLs/OCSP) in the document security store, so that the
signature can be checked at its timestamped time long after the certificate expired.
Without ``settings`` it is B-B (no timestamp, no revocation data).
The visible stamp is drawn by the same HTML renderer as the documents, so Vietnamese text
is typeset with the document's own font; pyHanko places it as the appearance of the
signature field. By default it is the person's signature image (blue, with their name and
the signing time: ``signature_images.person_signature_pdf``); the organisation's signature
that the clerk applies shows its seal instead (``appearance``, ``seal_pdf``).
"""

from __future__ import annotations

import asyncio
import binascii
import io
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from thidua.clock import SYSTEM_CLOCK
from thidua.settings import Settings

from .signature_images import person_signature_pdf
from .signers import Pkcs12Key, SigningError, SigningKey, unreachable

__all__ = ["Appearance", "SigningError", "SigningKey", "sign_pdf", "signature_place"]

# What a signature looks like: (width, height in points, the signing time) -> a one-page
# PDF of that size.
Appearance = Callable[[float, float, datetime], bytes]

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
    appearance: Appearance | None = None,
    before_signing: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """Sign ``pdf`` with ``key`` (a PKCS#11 token or HSM, or a PKCS#12 identity: its
    bytes and ``passphrase``); a visible stamp with ``signer_label`` and the signing time
    fills ``box`` on ``page`` (0-based). With ``settings``: PAdES B-LT, timestamped by
    the configured timestamp authority (``timestamp_time`` fixes the development TSA's
    time, for tests; it must not precede the development CRL, minutes before signing);
    without: PAdES B-B. Raises ``SigningError`` when the timestamp or the revocation
    data cannot be obtained.

    ``appearance`` draws the stamp (default: the signer's signature image). A ``pdf``
    that is already signed keeps its signatures intact: this one is added in an
    incremental update. ``before_signing`` makes changes of that update that this
    signature covers (the clerk fills the number and the date: form filling).

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
            appearance=appearance,
            before_signing=before_signing,
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
            validation_context=ValidationContext(
                trust_roots=roots, crls=crls, allow_fetching=True, revocation_mode="require"
            ),
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
            # The development CA's certificates name no CRL or OCSP address: nothing is
            # fetched for them. A certificate from another CA (a remote signing service's,
            # a token's) names its own, which B-LT embeds.
            allow_fetching=True,
            # Revocation data for every certificate, whether it names where to find it or
            # not (the development CA's do not): a revoked certificate cannot sign, and
            # verification requires the same (api/services/verification.py).
            revocation_mode="require",
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
    appearance: Appearance | None = None,
    before_signing: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    # Always the machine's clock, whatever clock the application runs on: the visible time
    # is the one pyHanko writes into the signature (it reads the machine's), which
    # validators compare with the certificate's validity.
    now = SYSTEM_CLOCK.now()
    x1, y1, x2, y2 = box
    if appearance is not None:
        stamp = appearance(x2 - x1, y2 - y1, now)
    else:
        stamp = person_signature_pdf(x2 - x1, y2 - y1, signer_label, now)
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
    if before_signing is not None:
        before_signing(writer)
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
        raise long_term_failure(exc) from exc
    return output.getvalue()


def long_term_failure(exc: BaseException) -> SigningError:
    """Why no B-LT signature could be made, for the people waiting: a revoked
    certificate said as such, anything else (the TSA, missing revocation data) as one."""
    text = str(exc) or exc.__class__.__name__
    causes: list[str] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 8:  # pyHanko wraps the validator's error
        causes.append(f"{cause.__class__.__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    revoked = next((c for c in causes if "revoked" in c.lower()), None)
    if revoked is not None:
        return SigningError(
            f"the signer's certificate is revoked: {revoked}",
            "Chứng thư số của người ký đã bị thu hồi: không thể ký bằng chứng thư này, người "
            "ký cần chứng thư số mới",
        )
    # The timestamp authority or a CRL/OCSP responder unreachable: a later attempt may
    # succeed. A certificate that does not chain to a trusted root will not.
    trusted_path_missing = any(
        "PathBuildingError" in c or "could not be validated" in c.lower() for c in causes
    )
    return SigningError(
        f"cannot make a long-term (PAdES B-LT) signature: {text}",
        "Không tạo được chữ ký số dài hạn: không lấy được dấu thời gian hoặc thông tin "
        "thu hồi của chứng thư số",
        transient=not trusted_path_missing and unreachable(exc),
    )


def signature_place(pdf: bytes, field_name: str) -> tuple[int, tuple[float, float, float, float]]:
    """Where the signature field ``field_name`` of ``pdf`` sits: its page (0-based) and
    its box (x1, y1, x2, y2 in points). Raises ``LookupError`` when there is none."""
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf))
    for name, _value, ref in enumerate_sig_fields(reader):
        if name != field_name:
            continue
        field = ref.get_object()
        widget_ref = ref if "/Rect" in field else field["/Kids"][0]
        x1, y1, x2, y2 = (float(v) for v in widget_ref.get_object()["/Rect"])
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        for page_ix in range(int(reader.root["/Pages"]["/Count"])):
            page_ref, _ = reader.find_page_for_modification(page_ix)
            annots = page_ref.get_object().get("/Annots", [])
            if any(getattr(a, "idnum", None) == widget_ref.idnum for a in annots):
                return page_ix, box
        return 0, box
    raise LookupError(f"no signature field {field_name}")


def check_signing_certificate(
    settings: Settings, certificate: Any, chain: list[Any] | None = None
) -> None:
    """What B-LT signing will find about ``certificate`` (a ``cryptography``
    certificate), found before anything is spent on it: it chains to a trust root and
    its revocation data is at hand and does not list it. Raises ``SigningError`` (a
    revoked certificate said as such). Blocking (it may fetch the CA's CRL or OCSP)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator import CertificateValidator

    def asn1(cert: Any) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    context = _long_term(settings, None).validation_context
    validator = CertificateValidator(
        asn1(certificate),
        intermediate_certs=[asn1(c) for c in chain or []],
        validation_context=context,
    )

    async def validate() -> None:
        try:
            await validator.async_validate_path()
        finally:
            await context.aclose()  # the HTTP session of the CRL/OCSP fetchers

    try:
        asyncio.run(validate())
    except Exception as exc:
        raise long_term_failure(exc) from exc
