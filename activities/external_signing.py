"""Signing on the official's own machine (issue 18): pyHanko's interrupted signing.

The official's key never leaves their USB token, and the token is plugged into their own
computer, not the server: the government CA's local signing agent (the program that
talks to the token, asks for the PIN and signs) is the only thing that can sign. The
engine cannot call it; it waits for it. So a signature is made in two steps, with the
engine's state persisted in between:

1. ``prepare_external_signature``: the rendered decision and the signer's certificate
   in; out comes a ``PreparedSignature``: the PDF with its signature field, visible
   stamp and an empty signature placeholder, the digest of the signed byte ranges, and
   the CMS signed attributes (signing-certificate-v2, content type, message digest) the
   agent must sign. ``to_sign`` is those attributes (DER): an agent that signs data
   hashes and signs it; ``digest_to_sign`` is their SHA-256, for an agent that signs a
   hash. The certificate is checked (chain, validity, revocation) before anything is
   handed out.
2. ``finish_external_signature``: the ``PreparedSignature`` and the agent's answer in
   (the raw signature value, PKCS#1 v1.5 or ECDSA over ``to_sign``); the answer is
   checked against the certificate, wrapped in a CAdES detached CMS, timestamped by
   the timestamp authority, embedded in the placeholder, and the certificates'
   revocation data is added: out comes the signed PDF, PAdES B-LT (B-B without
   ``settings``) like ``signing.sign_pdf``'s.

Both steps are pure functions over bytes (blocking: call them in a thread).
``PreparedSignature.to_json``/``from_json`` is the state to persist between them (a few
hundred kB, mostly the PDF).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from thidua.clock import SYSTEM_CLOCK
from thidua.settings import Settings

from .signature_images import person_signature_pdf
from .signers import SigningError
from .signing import Appearance, _ImportedPdfBytes, _long_term, _LongTerm, long_term_failure

__all__ = [
    "ExternalSignatureRejected",
    "PreparedSignature",
    "finish_external_signature",
    "prepare_external_signature",
]

log = logging.getLogger(__name__)

DIGEST_ALGORITHM = "sha256"


class ExternalSignatureRejected(SigningError):
    """The agent's answer is not a signature of ``to_sign`` by the prepared certificate:
    nothing is embedded, the prepared state stays usable for another answer."""


@dataclass(frozen=True)
class PreparedSignature:
    """What the engine keeps between handing the digest out and receiving the signature."""

    pdf: bytes  # the document with its field, stamp and empty placeholder
    document_digest: bytes  # SHA-256 of the signed byte ranges
    reserved_region_start: int  # where the placeholder is (pyHanko's PreparedByteRangeDigest)
    reserved_region_end: int
    signed_attributes: bytes  # DER of the CMS SignedAttributes the agent signs
    signer_certificate: bytes  # DER
    chain: tuple[bytes, ...] = ()  # DER: the issuers the CMS carries
    field_name: str = ""

    @property
    def to_sign(self) -> bytes:
        """The data the agent signs (it hashes it with SHA-256 first)."""
        return self.signed_attributes

    @property
    def digest_to_sign(self) -> bytes:
        """SHA-256 of ``to_sign``, for an agent that signs a hash."""
        return hashlib.sha256(self.signed_attributes).digest()

    def to_json(self) -> str:
        return json.dumps(
            {
                "pdf": base64.b64encode(self.pdf).decode("ascii"),
                "document_digest": self.document_digest.hex(),
                "reserved_region_start": self.reserved_region_start,
                "reserved_region_end": self.reserved_region_end,
                "signed_attributes": base64.b64encode(self.signed_attributes).decode("ascii"),
                "signer_certificate": base64.b64encode(self.signer_certificate).decode("ascii"),
                "chain": [base64.b64encode(c).decode("ascii") for c in self.chain],
                "field_name": self.field_name,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PreparedSignature:
        raw = json.loads(text)
        return cls(
            pdf=base64.b64decode(raw["pdf"]),
            document_digest=bytes.fromhex(raw["document_digest"]),
            reserved_region_start=int(raw["reserved_region_start"]),
            reserved_region_end=int(raw["reserved_region_end"]),
            signed_attributes=base64.b64decode(raw["signed_attributes"]),
            signer_certificate=base64.b64decode(raw["signer_certificate"]),
            chain=tuple(base64.b64decode(c) for c in raw.get("chain", [])),
            field_name=str(raw.get("field_name", "")),
        )


def _asn1(cert: x509.Certificate | bytes) -> asn1_x509.Certificate:
    der = cert if isinstance(cert, bytes) else cert.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _placeholder_size(cert: x509.Certificate) -> int:
    """Bytes of a raw signature by the certificate's key (pyHanko sizes the CMS with it)."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return (key.key_size + 7) // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * ((key.key_size + 7) // 8) + 9  # DER of (r, s)
    raise SigningError(
        f"unsupported key type of the signer's certificate: {type(key).__name__}",
        "Khóa của chứng thư số người ký không được hỗ trợ (cần RSA hoặc ECDSA)",
    )


def _external_signer(
    prepared_cert: x509.Certificate, chain: list[x509.Certificate], value: Any
) -> Any:
    from pyhanko.sign.signers import ExternalSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return ExternalSigner(
        signing_cert=_asn1(prepared_cert),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]),
        signature_value=value,
    )


def prepare_external_signature(
    pdf: bytes,
    certificate: x509.Certificate,
    chain: list[x509.Certificate] | None = None,
    *,
    field_name: str,
    box: tuple[float, float, float, float],
    page: int,
    signer_label: str,
    reason: str = "",
    location: str = "",
    settings: Settings | None = None,
    appearance: Appearance | None = None,
) -> PreparedSignature:
    """Make ``pdf`` ready for the official's agent to sign (step 1 of the module).

    With ``settings`` the certificate must chain to a trust root and have its revocation
    data at hand (the B-LT signature embeds it): a revoked, expired or unknown
    certificate raises ``SigningError`` here, before anything reaches the agent.
    Blocking."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    ltv = _long_term(settings, None) if settings is not None else None
    now = SYSTEM_CLOCK.now()  # the machine's: the time pyHanko states in the signature
    x1, y1, x2, y2 = box
    stamp = (
        appearance(x2 - x1, y2 - y1, now)
        if appearance is not None
        else person_signature_pdf(x2 - x1, y2 - y1, signer_label, now)
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
    issuers = list(chain or [])
    signer = _external_signer(certificate, issuers, _placeholder_size(certificate))
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=DIGEST_ALGORITHM,
            subfilter=fields.SigSeedSubFilter.PADES,
            name=signer_label,
            reason=reason or None,
            location=location or None,
            # Checks the certificate now (chain, validity, revocation): a certificate
            # that cannot make a B-LT signature is refused before the agent signs.
            embed_validation_info=ltv is not None,
            validation_context=ltv.validation_context if ltv is not None else None,
        ),
        signer=signer,
        timestamper=ltv.timestamper if ltv is not None else None,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box),  # type: ignore[arg-type]
    )

    async def prepare() -> tuple[Any, bytes, bytes]:
        try:
            prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
                IncrementalPdfFileWriter(io.BytesIO(pdf))
            )
        finally:
            if ltv is not None:  # the HTTP session of the CRL/OCSP fetchers
                await ltv.validation_context.aclose()
        attributes = await signer.signed_attrs(
            prepared.document_digest, DIGEST_ALGORITHM, use_pades=True
        )
        output.seek(0)
        return prepared, output.read(), attributes.dump()

    try:
        prepared, prepared_pdf, attributes = asyncio.run(prepare())
    except SigningError:
        raise
    except Exception as exc:
        log.warning("cannot prepare an external signature: %s", exc)
        raise long_term_failure(exc) from exc
    return PreparedSignature(
        pdf=prepared_pdf,
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_region_start,
        reserved_region_end=prepared.reserved_region_end,
        signed_attributes=attributes,
        signer_certificate=certificate.public_bytes(serialization.Encoding.DER),
        chain=tuple(c.public_bytes(serialization.Encoding.DER) for c in issuers),
        field_name=field_name,
    )


def _check_answer(prepared: PreparedSignature, signature: bytes) -> None:
    """The agent's answer must be a signature of ``to_sign`` by the prepared key."""
    key = x509.load_der_x509_certificate(prepared.signer_certificate).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, prepared.to_sign, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, prepared.to_sign, ec.ECDSA(hashes.SHA256()))
        else:  # pragma: no cover - refused when prepared
            raise InvalidSignature
    except InvalidSignature:
        raise ExternalSignatureRejected(
            "the signature returned by the signing agent is not a signature of the prepared "
            "data by the signer's certificate (another token or key, or another document)",
            "Chữ ký do phần mềm ký số gửi về không khớp với văn bản đã chuẩn bị hoặc với "
            "chứng thư số của người ký (sai thiết bị ký số hoặc sai văn bản)",
        ) from None


def finish_external_signature(
    prepared: PreparedSignature,
    signature: bytes,
    *,
    settings: Settings | None = None,
    timestamp_time: datetime | None = None,
) -> bytes:
    """Embed the agent's raw ``signature`` (step 2 of the module) and return the signed
    PDF: timestamped and with its revocation data (B-LT) with ``settings``, B-B without.
    Raises ``ExternalSignatureRejected`` for an answer that does not verify, and
    ``SigningError`` when the timestamp or the revocation data cannot be had. Blocking."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
    from pyhanko.sign.validation import async_add_validation_info

    _check_answer(prepared, signature)
    ltv: _LongTerm | None = _long_term(settings, timestamp_time) if settings else None
    certificate = x509.load_der_x509_certificate(prepared.signer_certificate)
    chain = [x509.load_der_x509_certificate(c) for c in prepared.chain]
    signer = _external_signer(certificate, chain, signature)

    async def finish() -> bytes:
        try:
            return await finish_signing()
        finally:
            if ltv is not None:  # the HTTP session of the CRL/OCSP fetchers
                await ltv.validation_context.aclose()

    async def finish_signing() -> bytes:
        signed_attrs = cms.CMSAttributes.load(prepared.signed_attributes)
        contents = await signer.async_sign_prescribed_attributes(
            DIGEST_ALGORITHM,
            signed_attrs=signed_attrs,
            timestamper=ltv.timestamper if ltv is not None else None,
        )
        output = io.BytesIO(prepared.pdf)
        await PdfTBSDocument.async_finish_signing(
            output,
            prepared_digest=PreparedByteRangeDigest(
                document_digest=prepared.document_digest,
                reserved_region_start=prepared.reserved_region_start,
                reserved_region_end=prepared.reserved_region_end,
            ),
            signature_cms=contents,
        )
        signed = output.getvalue()
        if ltv is None:
            return signed
        # B-LT: the certificates' revocation data in the document security store, in an
        # incremental update after the signed revision (as sign_pdf does).
        reader = PdfFileReader(io.BytesIO(signed))
        embedded = reader.embedded_signatures[-1]
        with_dss = await async_add_validation_info(
            embedded, ltv.validation_context, output=io.BytesIO()
        )
        with_dss.seek(0)
        return bytes(with_dss.read())

    try:
        return asyncio.run(finish())
    except SigningError:
        raise
    except Exception as exc:
        log.warning("cannot finish an external signature: %s", exc)
        if ltv is None:
            raise
        raise long_term_failure(exc) from exc
