"""Verifying a document anyone holds: is this PDF an authentic, unmodified decision of
this engine, who signed it and when? And looking a decision up by its number. The public
verification route (``/api/v1/verify``) and page (``/xac-minh``) both call this module.

A PDF is ``authentic`` when its signature is cryptographically valid, chains to one of
our trust roots, covers the whole file, and the file's SHA-256 is that of a document
this engine issued. Anything else is reported for what it is: ``tampered`` (the signed
bytes changed, or something was added after signing), ``untrusted`` (a valid signature
by a certificate we do not trust), ``unregistered`` (a valid, trusted signature over a
file this engine never issued), ``expired`` (a signature without a trusted timestamp
whose certificate is expired or revoked at the time of checking: nobody can tell whether
it was valid when made), ``unsigned`` or ``not_a_pdf``.

Long-term signatures (PAdES B-LT, issue 18) carry an RFC 3161 timestamp and their
certificates' revocation data: they are checked at the timestamped time with that data,
so a decision signed while the certificate was valid stays authentic after it expired.
The report names the signature's PAdES level and its timestamped time.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from fastapi import UploadFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ, format_vn_date
from domain.text import fold
from domain.vocabulary import DecisionKind, DocumentKind
from models import Document
from thidua.db import SessionFactory
from thidua.pki import dev_ca_crl, dev_revocations, trust_roots
from thidua.ratelimit import consume
from thidua.settings import Settings

from ..errors import InvalidInput, TooManyRequests
from ..queries import verification as queries
from .public import verify_url

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# Checking a signature costs real CPU: a client gets this many per minute.
VERIFY_PER_MINUTE = 30
UPLOAD_CHUNK = 256 * 1024


class VerificationStatus(StrEnum):
    AUTHENTIC = "authentic"
    TAMPERED = "tampered"
    UNTRUSTED = "untrusted"
    UNREGISTERED = "unregistered"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNSIGNED = "unsigned"
    NOT_A_PDF = "not_a_pdf"


_MESSAGES: dict[VerificationStatus, tuple[str, str]] = {
    VerificationStatus.AUTHENTIC: (
        "Văn bản xác thực: chữ ký số hợp lệ, do cơ quan có thẩm quyền ký, nội dung không bị thay đổi "
        "và trùng khớp với văn bản đã ban hành trên hệ thống.",
        "Authentic: the digital signature is valid and trusted, the content is unchanged and "
        "matches a document issued by this system.",
    ),
    VerificationStatus.TAMPERED: (
        "Văn bản đã bị sửa đổi sau khi ký: nội dung không còn khớp với chữ ký số. Không sử dụng văn bản này.",
        "Tampered: the document was changed after it was signed. Do not rely on it.",
    ),
    VerificationStatus.UNTRUSTED: (
        "Chữ ký số không thuộc chứng thư số được hệ thống tin cậy: không xác nhận được người ký.",
        "Untrusted: the signature does not chain to a certificate this system trusts.",
    ),
    VerificationStatus.UNREGISTERED: (
        "Chữ ký số hợp lệ nhưng văn bản này không có trong sổ văn bản đã ban hành của hệ thống.",
        "The signature is valid and trusted, but this file is not a document issued by this system.",
    ),
    VerificationStatus.EXPIRED: (
        "Không xác minh được chữ ký số: chứng thư số của người ký đã hết hạn hoặc bị thu hồi và "
        "chữ ký không có dấu thời gian, nên không thể biết chữ ký có hợp lệ tại thời điểm ký hay không.",
        "Cannot be verified: the signer's certificate has expired or was revoked, and the signature "
        "carries no timestamp proving it was made while the certificate was valid.",
    ),
    VerificationStatus.REVOKED: (
        "Chữ ký số không có giá trị: chứng thư số của người ký đã bị thu hồi trước thời điểm ký "
        "(theo dấu thời gian). Không sử dụng văn bản này.",
        "Revoked: the signer's certificate was revoked before the signature's timestamped "
        "time. Do not rely on it.",
    ),
    VerificationStatus.UNSIGNED: (
        "Văn bản không có chữ ký số.",
        "The document carries no digital signature.",
    ),
    VerificationStatus.NOT_A_PDF: (
        "Tệp không phải là tệp PDF hợp lệ.",
        "The file is not a valid PDF.",
    ),
}


@dataclass
class SignatureView:
    """One signature of the file, validated on its own: a document issued under Decree 30
    carries two, the competent person's and then the organisation's, applied by its clerk
    (văn thư) in a later revision."""

    field_name: str
    signer_name: str  # the certificate's common name: the person, or the organisation
    organisation: str  # the certificate's organisation
    signer_subject: str
    level: str  # PAdES baseline level: B-B, B-T, B-LT, B-LTA
    signing_time: datetime | None  # the timestamped time, else the one the signer stated
    timestamp_time: datetime | None
    intact: bool  # the bytes it signed are unchanged
    valid: bool  # its value is valid for them
    trusted: bool  # its certificate chains to a trust root, valid at the signing time
    # What was changed after it: none, lta_updates (validation data), form_filling (a
    # later signature), annotations, other (content: not allowed).
    modification: str
    ok: bool  # all of the above, and nothing but permitted changes after it


@dataclass
class VerificationReport:
    status: VerificationStatus
    message_vi: str
    message_en: str
    sha256: str
    signed: bool = False
    intact: bool | None = None  # the signed bytes hash to the signed digest
    trusted: bool | None = None  # the certificate chains to a trust root
    covers_whole_file: bool | None = None
    signer_name: str = ""
    signer_subject: str = ""
    # The timestamped time (B-T and above), else the time the signer's machine stated.
    signing_time: datetime | None = None
    # PAdES baseline level: B-B (no timestamp), B-T (timestamped), B-LT (with the
    # revocation data), B-LTA (and a document timestamp); "" when unsigned.
    level: str = ""
    timestamp_time: datetime | None = None  # from the RFC 3161 signature timestamp
    signer_reported_time: datetime | None = None
    validated_at: datetime | None = None  # the moment the certificates were checked at
    # The registered document this file is (or, for a modified copy, was signed as).
    document_id: int | None = None
    document_title: str = ""
    document_url: str = ""
    decision_id: int | None = None
    number_text: str = ""
    issued_on: date | None = None
    authority_name: str = ""
    problems: list[str] = field(default_factory=list)
    # Every signature of the file in order (the report's own fields describe the last).
    signatures: list[SignatureView] = field(default_factory=list)


def _report(status: VerificationStatus, sha256: str, **values: Any) -> VerificationReport:
    vi, en = _MESSAGES[status]
    return VerificationReport(status=status, message_vi=vi, message_en=en, sha256=sha256, **values)


def document_url(document_id: int) -> str:
    return f"/api/v1/documents/{document_id}/pdf"


# ---------------------------------------------------------------------------------------
# Who may ask, and what they send


async def limit_verifications(writer: SessionFactory, *, client: str, now: datetime) -> None:
    """Count a request of ``client`` against its budget (``VERIFY_PER_MINUTE``), in its
    own short transaction (the verification itself only reads); ``TooManyRequests``
    past it."""
    async with writer() as session, session.begin():
        wait = await consume(
            session, f"verify:{client[:64]}", limit=VERIFY_PER_MINUTE, window_seconds=60, now=now
        )
    if wait is not None:
        raise TooManyRequests(wait)


async def read_pdf_upload(upload: UploadFile, settings: Settings, field: str = "file") -> bytes:
    """The uploaded bytes, refusing with a 422 naming ``field`` what is no PDF, empty or
    larger than ``settings.upload_max_bytes``."""
    limit = settings.upload_max_bytes
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(UPLOAD_CHUNK):
        size += len(chunk)
        if size > limit:
            megabytes = limit / (1024 * 1024)
            raise InvalidInput(
                field,
                f"Tệp vượt quá dung lượng cho phép ({megabytes:g} MB)",
                f"The file is larger than the {megabytes:g} MB allowed",
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InvalidInput(field, "Chưa chọn tệp, hoặc tệp rỗng", "No file, or an empty file")
    if PDF_MAGIC not in data[:1024]:
        raise InvalidInput(
            field, "Tệp tải lên không phải là tệp PDF", "The uploaded file is not a PDF"
        )
    return data


# ---------------------------------------------------------------------------------------
# Verifying a PDF


async def _describe(session: AsyncSession, document: Document) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_id": document.id,
        "document_title": document.title,
        "number_text": document.number_text,
    }
    if document.kind == DocumentKind.DECISION:  # published; the rest is not everyone's
        values["document_url"] = document_url(document.id)
    origin = await queries.origin_of(session, document=document)
    if origin.authority_name is not None:
        values["authority_name"] = origin.authority_name
    if origin.decision is not None:
        values["decision_id"] = origin.decision.id
        values["issued_on"] = origin.decision.issued_on
    return values


def _asn1_roots(settings: Settings) -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        for cert in trust_roots(settings)
    ]


def _common_name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly


def _timestamp_time(signature: Any) -> datetime | None:
    """The time of the signature's RFC 3161 timestamp token, unverified (validation
    checks the token); None without one."""
    try:
        attrs = signature.signer_info["unsigned_attrs"]
        if not attrs or attrs.native is None:
            return None
        for attr in attrs:
            if attr["type"].native == "signature_time_stamp_token":
                token = attr["values"][0]
                tst_info = token["content"]["encap_content_info"]["content"].parsed
                moment = tst_info["gen_time"].native
                return moment if isinstance(moment, datetime) else None
    except Exception:  # a malformed token is reported by the validation
        return None
    return None


def _revision_ends(pdf: bytes, signed_end: int, limit: int = 8) -> list[int]:
    """Where the signed revision and the revisions after it end (after ``%%EOF`` and its
    line end), at most ``limit`` of them."""
    ends = [signed_end]
    at = pdf.find(b"%%EOF", signed_end)
    while at != -1 and len(ends) < limit:
        end = at + 5
        if pdf[end : end + 2] == b"\r\n":
            end += 2
        elif pdf[end : end + 1] in (b"\n", b"\r"):
            end += 1
        ends.append(end)
        at = pdf.find(b"%%EOF", end)
    return ends


def _level(timestamped: bool, revocation_data: bool, document_timestamp: bool) -> str:
    if not timestamped:
        return "B-B"
    if not revocation_data:
        return "B-T"
    return "B-LTA" if document_timestamp else "B-LT"


async def _validate(
    signature: Any,
    settings: Settings,
    dss: DocumentSecurityStore | None,
    moment: datetime,
    *,
    hard_fail: bool,
) -> Any:
    kwargs: dict[str, Any] = {
        "trust_roots": _asn1_roots(settings),
        "allow_fetching": False,
        "moment": moment,
        "best_signature_time": moment,
    }
    if hard_fail:  # B-LT: the embedded revocation data must cover every certificate
        # "require", not "hard-fail": pyHanko checks a certificate that names no CRL or
        # OCSP address (the development CA's) only when revocation data is required.
        kwargs["revocation_mode"] = "require"
    known = _known_revocations(settings, moment)
    if known:
        kwargs["crls"] = known
    signer_context = dss.as_validation_context(kwargs) if dss else ValidationContext(**kwargs)
    ts_context = dss.as_validation_context(kwargs) if dss else ValidationContext(**kwargs)
    return await async_validate_pdf_signature(
        signature,
        signer_context,
        ts_validation_context=ts_context,
        key_usage_settings=KeyUsageConstraints(
            key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
        ),
    )


# What may change in a file after a signature without breaking it (ISO 32000, pyHanko's
# difference analysis): validation data, document timestamps, and new signatures.
_PERMITTED_AFTER = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}


def _certificate_name(cert: asn1_x509.Certificate | None) -> tuple[str, str, str]:
    if cert is None:
        return "", "", ""
    native = cert.subject.native
    return (
        _common_name(cert),
        str(native.get("organization_name", "")),
        cert.subject.human_friendly,
    )


async def _signature_views(
    signatures: list[Any],
    settings: Settings,
    dss: DocumentSecurityStore | None,
    *,
    now: datetime,
) -> list[SignatureView]:
    """Each signature validated on its own, as of its timestamp (else ``now``)."""
    revocation_data = dss is not None and bool(dss.crls or dss.ocsps)
    views: list[SignatureView] = []
    for signature in signatures:
        stamped_at = _timestamp_time(signature)
        name = str(signature.field_name or "")
        try:
            status = await _validate(
                signature,
                settings,
                dss,
                stamped_at or now,
                hard_fail=stamped_at is not None and revocation_data,
            )
        except Exception as exc:
            log.info("signature %s cannot be validated: %s", name, exc)
            views.append(
                SignatureView(
                    field_name=name,
                    signer_name="",
                    organisation="",
                    signer_subject="",
                    level="",
                    signing_time=None,
                    timestamp_time=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    modification="other",
                    ok=False,
                )
            )
            continue
        timestamped = stamped_at is not None and _timestamp_ok(status)
        level_of_change = status.modification_level
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        permitted = whole or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and level_of_change in _PERMITTED_AFTER
        )
        signer_name, organisation, subject = _certificate_name(status.signing_cert)
        views.append(
            SignatureView(
                field_name=name,
                signer_name=signer_name,
                organisation=organisation,
                signer_subject=subject,
                level=_level(timestamped, revocation_data, False),
                signing_time=(stamped_at if timestamped else None) or status.signer_reported_dt,
                timestamp_time=stamped_at if timestamped else None,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                modification=(
                    "none"
                    if whole
                    else (level_of_change.name.lower() if level_of_change else "other")
                ),
                ok=bool(status.intact and status.valid and status.trusted and permitted),
            )
        )
    return views


def _known_revocations(settings: Settings, moment: datetime) -> list[Any]:
    """What this ward knows was revoked, besides what a file carries: the development
    CA's CRL, when it revoked anything (``thidua.pki.revoke_dev_certificate``). Made as of
    ``moment`` and listing every revocation with its date, so that a certificate revoked
    before a signature's timestamped time (a key compromised before, found out after)
    shows as revoked, and one revoked after it does not."""
    if not dev_revocations(settings):
        return []
    try:
        crl = dev_ca_crl(settings, now=moment)
    except Exception as exc:  # the CA's key unreadable here: verify with the file's data
        log.warning("cannot make the development CA's CRL for verification: %s", exc)
        return []
    return [asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))]


def _timestamp_ok(status: Any) -> bool:
    validity = getattr(status, "timestamp_validity", None)
    return bool(validity is not None and validity.intact and validity.valid and validity.trusted)


async def verify_pdf(
    session: AsyncSession, pdf: bytes, settings: Settings, *, now: datetime
) -> VerificationReport:
    """Tell whether ``pdf`` is an authentic document of this engine (see the module).
    ``now`` is the application clock's moment: a signature without a trusted timestamp
    is checked as of then."""
    digest = hashlib.sha256(pdf).hexdigest()
    if PDF_MAGIC not in pdf[:1024]:
        return _report(VerificationStatus.NOT_A_PDF, digest)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
        dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    except Exception as exc:  # any parse failure means: not a PDF we can read
        log.info("unreadable PDF %s: %s", digest, exc)
        return _report(VerificationStatus.NOT_A_PDF, digest, problems=[str(exc)[:300]])

    signatures = [s for s in embedded if s.sig_object_type == "/Sig"]
    registered = await queries.document_by_sha256(session, sha256=digest)
    described = await _describe(session, registered) if registered is not None else {}
    if not signatures:
        return _report(VerificationStatus.UNSIGNED, digest, **described)

    signature = signatures[-1]  # the last signature covers the most of the file
    values: dict[str, Any] = {
        "signed": True,
        "signatures": await _signature_views(signatures, settings, dss, now=now),
    }
    # The signed revision: the bytes up to the end of the signature's byte range, or of a
    # later revision (B-LT files are issued with their revocation data appended). For a
    # copy with changes appended after signing, this is what was originally issued.
    signed_revision = None
    try:
        start2, length2 = int(signature.byte_range[2]), int(signature.byte_range[3])
        for end in _revision_ends(pdf, start2 + length2):
            signed_revision = await queries.document_by_sha256(
                session, sha256=hashlib.sha256(pdf[:end]).hexdigest()
            )
            if signed_revision is not None:
                break
    except Exception:
        signed_revision = None
    claimed = registered or signed_revision
    if claimed is not None and not described:
        described = await _describe(session, claimed)

    try:
        reported = signature.self_reported_timestamp
    except Exception:
        reported = None
    stamped_at = _timestamp_time(signature)
    revocation_data = dss is not None and bool(dss.crls or dss.ocsps)
    document_timestamp = any(
        s.sig_object_type == "/DocTimeStamp" for s in embedded[embedded.index(signature) + 1 :]
    )
    notes: list[str] = []  # reported, not disqualifying
    try:
        # A timestamped signature is checked as of its timestamp, with the revocation
        # data it carries; one without, as of now.
        moment = stamped_at or now
        status = await _validate(
            signature, settings, dss, moment, hard_fail=stamped_at is not None and revocation_data
        )
        if stamped_at is not None and not _timestamp_ok(status):
            notes.append("the signature timestamp is not valid or not trusted: ignored")
            stamped_at, moment = None, now
            status = await _validate(signature, settings, dss, moment, hard_fail=False)
    except Exception as exc:
        log.info("signature of %s cannot be validated: %s", digest, exc)
        return _report(
            VerificationStatus.TAMPERED,
            digest,
            intact=False,
            problems=[str(exc)[:300]],
            **values,
            **described,
        )

    cert = status.signing_cert
    # Only validation data (the DSS, document timestamps) added after signing: the
    # signed content is the whole document.
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES
    )
    values.update(
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        covers_whole_file=whole,
        signer_name=_common_name(cert) if cert is not None else "",
        signer_subject=cert.subject.human_friendly if cert is not None else "",
        signing_time=stamped_at or status.signer_reported_dt or reported,
        level=_level(stamped_at is not None, revocation_data, document_timestamp),
        timestamp_time=stamped_at,
        signer_reported_time=status.signer_reported_dt or reported,
        validated_at=moment,
    )
    problems: list[str] = []
    if not status.intact:
        problems.append("the signed bytes do not match the signature's digest")
    if not status.valid:
        problems.append("the signature value is not valid for the signed bytes")
    if not whole:
        problems.append("the file was changed after it was signed (content appended)")
    for earlier in values["signatures"][:-1]:
        if not (earlier.intact and earlier.valid) or earlier.modification in (
            "other",
            "annotations",
        ):
            problems.append(
                f"the earlier signature {earlier.field_name} ({earlier.signer_name or '?'}) no "
                "longer matches the document"
            )
    if problems:
        return _report(
            VerificationStatus.TAMPERED, digest, problems=notes + problems, **values, **described
        )
    problems = notes
    if not status.trusted:
        indication = getattr(status.trust_problem_indic, "name", "")
        if stamped_at is not None and (status.revoked or indication.startswith("REVOKED")):
            problems.append(
                "the signer's certificate was revoked before the signature's timestamped "
                f"time ({stamped_at:%Y-%m-%d %H:%M} UTC)"
            )
            return _report(
                VerificationStatus.REVOKED, digest, problems=problems, **values, **described
            )
        if stamped_at is None and (
            status.revoked or indication in {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "REVOKED_NO_POE"}
        ):
            problems.append(
                f"the signer's certificate is not valid at {moment:%Y-%m-%d %H:%M} UTC "
                f"({indication.lower() or 'revoked'}) and no timestamp proves an earlier signing"
            )
            return _report(
                VerificationStatus.EXPIRED, digest, problems=problems, **values, **described
            )
        problems.append(
            "the signer's certificate does not chain to a trusted root"
            if not indication or indication == "NO_CERTIFICATE_CHAIN_FOUND"
            else f"the signer's certificate is not valid at the signing time ({indication.lower()})"
        )
        return _report(
            VerificationStatus.UNTRUSTED, digest, problems=problems, **values, **described
        )
    if registered is not None and registered.signed:
        return _report(
            VerificationStatus.AUTHENTIC, digest, problems=problems, **values, **described
        )
    return _report(VerificationStatus.UNREGISTERED, digest, problems=problems, **values)


# ---------------------------------------------------------------------------------------
# Looking a decision up by its number


@dataclass
class AwardeeView:
    name: str
    description: str
    award_name: str


@dataclass
class DecisionLookup:
    decision_id: int
    kind: DecisionKind
    number_text: str
    year: int
    issued_on: date | None
    authority_id: int  # the issuer: with the number and year, what names one decision
    authority_name: str
    title: str
    signer_name: str
    signed_at: datetime | None
    awardees: list[AwardeeView]
    document_id: int | None
    document_url: str
    sha256: str
    verify_url: str  # this decision alone: its number, year and issuer


_NUMBER = re.compile(r"^(?:số\s*:?\s*)?0*(\d{1,6})\s*/\s*([^\s/][^\s]*)$", re.IGNORECASE)


def _series_key(series: str) -> str:
    """Compare series the way people type them: "QĐ-UBND", "qd-ubnd", "QD–UBND"."""
    return re.sub(r"[\s\u2010-\u2015-]+", "-", fold(series)).upper()


def parse_number(number_text: str) -> tuple[int, str] | None:
    """ "12/QĐ-UBND", "Số: 012/qd-ubnd" → (12, "QD-UBND"); None when it is no number."""
    match = _NUMBER.match(unicodedata.normalize("NFC", number_text.strip()))
    if not match:
        return None
    return int(match.group(1)), _series_key(match.group(2))


async def lookup_decisions(
    session: AsyncSession,
    number_text: str,
    year: int | None = None,
    authority_id: int | None = None,
) -> list[DecisionLookup]:
    """Every issued decision with this number, newest first, each with its issuer: the
    same number recurs each year, and two bodies share a series (the ward's and the
    city's first decisions of a year are both "01/QĐ-UBND"), so a number names one
    decision only with its ``year`` and issuer (``authority_id``). Submissions (tờ trình)
    are internal correspondence and are not looked up."""
    parsed = parse_number(number_text)
    if parsed is None:
        return []
    number, series = parsed
    decisions = [
        d
        for d in await queries.issued_decisions_numbered(
            session, number=number, year=year, authority_id=authority_id
        )
        if _series_key(d.number_text.split("/", 1)[-1]) == series
    ]
    found = []
    for decision in decisions:
        record = await queries.issued_decision_record(session, decision=decision)
        document = record.document
        found.append(
            DecisionLookup(
                decision_id=decision.id,
                kind=decision.kind,
                number_text=decision.number_text,
                year=decision.year or (decision.issued_on.year if decision.issued_on else 0),
                issued_on=decision.issued_on,
                authority_id=decision.authority_id,
                authority_name=record.authority_name,
                title=decision.title,
                signer_name=document.signer_name if document else "",
                signed_at=decision.signed_at,
                awardees=[
                    AwardeeView(
                        name=item.nominee_name,
                        description=item.nominee_description,
                        award_name=award_name,
                    )
                    for item, award_name in record.awardees
                ],
                document_id=document.id if document else None,
                document_url=document_url(document.id) if document else "",
                sha256=document.sha256 if document else "",
                verify_url=verify_url(
                    number_text=decision.number_text,
                    year=decision.year,
                    authority_id=decision.authority_id,
                ),
            )
        )
    return found


async def lookup_decision(
    session: AsyncSession,
    number_text: str,
    year: int | None = None,
    authority_id: int | None = None,
) -> DecisionLookup | None:
    """The newest issued decision with this number (see ``lookup_decisions``)."""
    found = await lookup_decisions(session, number_text, year, authority_id)
    return found[0] if found else None


def issuers_of(found: list[DecisionLookup]) -> list[tuple[int, str]]:
    """(authority id, name) of the issuers among the decisions found, in their order:
    more than one, and the number alone does not say which decision is meant."""
    seen: dict[int, str] = {}
    for decision in found:
        seen.setdefault(decision.authority_id, decision.authority_name)
    return list(seen.items())


async def issuing_authorities(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) of the authorities whose decisions can be looked up."""
    return await queries.issuing_authorities(session)


def describe_time(moment: datetime | None) -> str:
    """ "10:15 ngày 05/01/2027" in Vietnam time, for people."""
    if moment is None:
        return ""
    local = moment.astimezone(VIETNAM_TZ)
    return f"{local:%H:%M} ngày {format_vn_date(local)}"
