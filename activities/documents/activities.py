"""``DocumentActivities``: the Temporal activities that issue documents (number, render,
sign, store, record). Their inputs and outputs are in ``types`` (light, for the
workflows)."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.calendar import vietnam_date
from domain.vocabulary import DecisionKind, DecisionStatus, DocumentKind, Role, SignerCapacity
from models import Authority, CouncilSession, Decision, DecisionItem, Document, RoleGrant, User
from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore, sha256_hex
from thidua.pki import (
    SigningIdentityError,
    active_identity,
    certificate_sha256,
    check_usable,
    common_name,
    organisation_identity,
    organisation_signer_name,
    subject_text,
)
from thidua.settings import Settings

from ..external_signing import (
    ExternalSignatureRejected,
    PreparedSignature,
    finish_external_signature,
    prepare_external_signature,
)
from ..issue_fields import ISSUE_FIELDS, add_issue_fields, clerk_field_values, fill_issue_fields
from ..numbering import allocate_number, format_number
from ..signature_images import SEAL_CAPTION_PT, SEAL_DIAMETER_PT, seal_pdf
from ..signers import (
    ExternalKey,
    ServerHeldKeyRefused,
    SignerConfigurationError,
    SigningError,
    SigningKey,
    signing_certificates,
    signing_key_for,
)
from ..signing import check_signing_certificate, sign_pdf, signature_place
from .award_registry import record_awards
from .decision import SIGNATURE_ANCHOR, prepare_decision
from .minutes import minutes_context
from .public_notice import notice_render_input, public_notice_context
from .renderer import render_template_pdf
from .types import (
    DocumentError,
    DocumentRef,
    FinishDecisionSignatureInput,
    IssuedDecision,
    IssueDecisionInput,
    IssueMinutesInput,
    IssueSignedInput,
    PreparedDecisionSignature,
    PublicNoticeInput,
    RuleSetLookup,
)

SIGNATURE_FIELD = "ChuKySo"
ORGANISATION_SIGNATURE_FIELD = "ChuKySoCoQuan"  # the organisation's, applied by the clerk


class TransientDocumentError(DocumentError):
    """A service the signature needs did not answer (the timestamp authority, the remote
    signing service, a CRL/OCSP responder): retried within the activity's retry policy
    (``DOCUMENT_RETRY``: a bounded number of attempts), then reported."""

    def to_application_error(self) -> ApplicationError:
        return ApplicationError(
            f"{self.message_vi} / {self.message_en}", type=self.code, non_retryable=False
        )


def signing_failure(exc: SigningError, whose: str, *, before_number: bool = False) -> DocumentError:
    """A ``SigningError`` as the activity reports it, with its Vietnamese message:
    ``SigningServiceUnavailable`` (retried, bounded) when a service did not answer,
    else ``SigningIdentityUnusable`` (not retried: a revoked certificate, a refused PIN
    or credential). ``whose``: "người ký" or the organisation's name."""
    if exc.transient:
        return TransientDocumentError(
            "SigningServiceUnavailable",
            f"Chưa ký được (dịch vụ ký số, cấp dấu thời gian hoặc kiểm tra thu hồi chưa trả "
            f"lời, sẽ thử lại): {exc.message_vi}",
            f"a signing service did not answer (will retry): {exc.message_en}",
        )
    prefix_vi = f"Chứng thư số của {whose} không dùng được: " if before_number else ""
    return DocumentError(
        "SigningIdentityUnusable",
        f"{prefix_vi}{exc.message_vi}",
        f"{'the certificate cannot be used: ' if before_number else ''}{exc.message_en}",
    )


def configuration_failure(exc: SignerConfigurationError) -> DocumentError:
    """A signers file that cannot be used, naming the setting that points at it."""
    return DocumentError(
        "SigningIdentityUnusable",
        f"Tệp cấu hình người ký ({exc.variable}) không dùng được: {exc}",
        f"{exc.variable}: {exc}",
    )


@dataclass(frozen=True)
class _Numbered:
    """What the numbering transaction leaves for signing."""

    issued_on: date | None  # None: the clerk numbers and dates it at issue
    number_text: str
    certificate: x509.Certificate
    chain: list[x509.Certificate]
    key: SigningKey | None  # None: the signer signs on their own computer


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class DocumentActivities:
    """Issues documents. Built once in the worker; every activity is idempotent by its
    document key (``decision-<id>``, ``minutes-<session id>``, ``public-notice-<key>``).

    Failures that retrying cannot cure are non-retryable ``ApplicationError``s whose type
    names the cause: ``NoSigningIdentity``, ``SigningIdentityUnusable``,
    ``ServerHeldKeyRefused``, ``SignerNotEntitled``, ``DecisionNotFound``, ``DecisionCancelled``,
    ``EmptyDecision``, ``UnknownRuleSet``, ``CouncilSessionNotFound``,
    ``CouncilSessionOpen``, ``AuthorityNotFound``, ``NominationNotFound``,
    ``EmptyPublicNotice``, ``ExternalSignatureRequired`` (the signer signs on their own
    computer), ``NotAnExternalSigner``, ``ExternalSignatureRejected`` (the agent's answer
    does not verify), ``DecisionAlreadySigned``. One is retried (``DOCUMENT_RETRY``,
    bounded): ``SigningServiceUnavailable``, a timestamp authority, remote signing
    service or CRL/OCSP responder that did not answer; the number stays reserved."""

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        get_rule_set: RuleSetLookup,
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.get_rule_set = get_rule_set
        self.clock = clock
        self.files = FileStore(settings.files_dir)

    # ---- decisions and submissions -----------------------------------------------------

    @activity.defn
    async def issue_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        """Number, render, sign, store and record a decision (or submission). A retry
        reuses the number; an issued decision returns its stored result.

        Decisions signed before the clerk's step ("clerk-issue") only: since then the
        signer signs (``sign_decision``) and the clerk issues (``issue_signed_decision``)."""
        try:
            return await self._issue_decision(data)
        except DocumentError as exc:
            raise exc.to_application_error() from exc

    @activity.defn
    async def sign_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        """Number, render and sign (the competent person's signature) a decision or
        submission, and store it: status ``signed``, waiting for the clerk (văn thư) to
        apply the organisation's signature and issue it. A retry reuses the number; a
        signed (or issued) decision returns its stored result."""
        try:
            return await self._issue_decision(data, awaiting_clerk=True)
        except DocumentError as exc:
            raise exc.to_application_error() from exc

    async def _issue_decision(
        self, data: IssueDecisionInput, *, awaiting_clerk: bool = False
    ) -> IssuedDecision:
        numbered = await self._number_decision(data)
        if isinstance(numbered, IssuedDecision):
            return numbered
        assert numbered.key is not None
        # Render and sign outside any transaction (seconds for a long list).
        job, pdf, box = await self._render_signed(data, numbered.issued_on)
        try:
            signed = await asyncio.to_thread(
                sign_pdf,
                pdf,
                numbered.key,
                field_name=SIGNATURE_FIELD,
                box=box.box,
                page=box.page,
                signer_label=job.signer_name,
                organisation_label=job.authority_name,
                reason=job.title,
                location=job.place_name,
                settings=self.settings,  # PAdES B-LT: timestamp and revocation data
            )
        except SigningError as exc:
            # The number stays on the decision: the next attempt (this activity's retry,
            # or the signer signing again) reuses it.
            raise signing_failure(exc, "người ký") from exc
        return await self._record_signed(
            data,
            signed,
            certificate=numbered.certificate,
            signer_name=job.signer_name,
            issued_on=numbered.issued_on,
            awaiting_clerk=awaiting_clerk,
        )

    async def _number_decision(
        self, data: IssueDecisionInput, *, external: bool = False
    ) -> _Numbered | IssuedDecision:
        """The checks (the decision, the signer's office, their key and certificate:
        usable, not revoked), then, in one short transaction, the number (unless the clerk
        gives it at issue, ``clerk_numbers``), committed: a retry reuses it. A decision
        signed already returns its stored result. ``external``: the signer signs on their
        own computer (``ExternalKey``), anyone else is refused.

        The certificate checks may fetch the CA's revocation list or ask its OCSP
        responder (seconds): they run before the transaction, which holds the decision's
        row (and, on SQLite, the database's write lock) only to number it."""
        issued_on = vietnam_date(data.signed_at)
        async with self.session_factory() as session:
            decision = await self._decision_to_sign(session, data.decision_id)
            if isinstance(decision, IssuedDecision):
                return decision
            authority = await session.get(Authority, decision.authority_id)
            assert authority is not None
            await self._check_signer(session, authority, data)
            identity = await active_identity(
                session, user_id=data.signer_user_id, authority_id=authority.id
            )
            signer = await session.get(User, data.signer_user_id)
            name = signer.full_name if signer else f"#{data.signer_user_id}"
            signing_key = self._signer_key(
                authority, name, signer.username if signer else "", identity, external=external
            )
        try:
            # Opening the key proves it usable, and its certificate must chain to a
            # trusted root and not be revoked, before a number is spent.
            if isinstance(signing_key, ExternalKey):
                certificate, chain = signing_key.certificate, list(signing_key.chain)
            else:
                certificate, chain = await asyncio.to_thread(signing_certificates, signing_key)
            check_usable(certificate)
            await asyncio.to_thread(check_signing_certificate, self.settings, certificate, chain)
        except SigningError as exc:
            raise signing_failure(exc, "người ký", before_number=True) from exc
        except SigningIdentityError as exc:
            raise DocumentError(
                "SigningIdentityUnusable",
                f"Chứng thư số của người ký không dùng được: {exc.message_vi}",
                f"The signer's certificate cannot be used: {exc}",
            ) from exc
        async with transaction(self.session_factory) as session:
            decision = await self._decision_to_sign(session, data.decision_id, lock=True)
            if isinstance(decision, IssuedDecision):
                return decision  # a concurrent attempt signed it meanwhile
            item_count = len(
                (
                    await session.execute(
                        select(DecisionItem.id).where(DecisionItem.decision_id == decision.id)
                    )
                ).all()
            )
            if item_count == 0:
                raise DocumentError(
                    "EmptyDecision",
                    "Quyết định chưa có tập thể, cá nhân nào được khen thưởng",
                    "The decision lists no awardee",
                )
            key = None if isinstance(signing_key, ExternalKey) else signing_key
            if data.clerk_numbers:
                # The clerk gives the number and the date at issue (``_number_at_issue``).
                return _Numbered(
                    issued_on=None, number_text="", certificate=certificate, chain=chain, key=key
                )
            if decision.number is None:
                authority = await session.get(Authority, decision.authority_id)
                assert authority is not None
                await _allocate(session, decision, authority, issued_on)
            return _Numbered(
                issued_on=issued_on,
                number_text=decision.number_text,
                certificate=certificate,
                chain=chain,
                key=key,
            )

    async def _decision_to_sign(
        self, session: AsyncSession, decision_id: int, *, lock: bool = False
    ) -> Decision | IssuedDecision:
        """The decision, waiting for its signature; its stored result when it is signed
        already. Raises when it does not exist or was cancelled."""
        decision = await session.get(Decision, decision_id, with_for_update=lock)
        if decision is None:
            raise DocumentError(
                "DecisionNotFound",
                f"Không có quyết định số hiệu nội bộ {decision_id}",
                f"No decision with id {decision_id}",
            )
        if decision.status in (DecisionStatus.SIGNED, DecisionStatus.ISSUED):
            return await self._issued_result(session, decision)
        if decision.status == DecisionStatus.CANCELLED:
            raise DocumentError(
                "DecisionCancelled", "Quyết định đã bị hủy", "The decision was cancelled"
            )
        return decision

    def _signer_key(
        self,
        authority: Authority,
        name: str,
        username: str,
        identity: Any,
        *,
        external: bool,
    ) -> SigningKey | ExternalKey:
        """The signer's key: their token or HSM (PKCS#11), remote signing service (CSC)
        or own computer when a signers file names them, else the server-held PKCS#12
        where that is allowed. ``external``: it must be (or must not be) their own
        computer."""
        try:
            signing_key = signing_key_for(
                self.settings,
                username=username,
                identity_p12=identity.pkcs12 if identity else None,
            )
        except ServerHeldKeyRefused as exc:
            raise DocumentError(
                "ServerHeldKeyRefused",
                f"{name}: {exc.message_vi}",
                f"{name}: {exc.message_en}",
            ) from exc
        except SignerConfigurationError as exc:
            raise configuration_failure(exc) from exc
        if signing_key is None:
            raise DocumentError(
                "NoSigningIdentity",
                f"{name} chưa có chứng thư số để ký văn bản của {authority.name}: "
                "quản trị viên cần khai báo thiết bị ký số (USB token, HSM) hoặc nhập "
                "chứng thư số (tệp PKCS#12) cho người ký",
                f"{name} has no signing certificate for {authority.name}: an "
                "administrator must map a PKCS#11 token or HSM (THIDUA_PKCS11_SIGNERS) "
                "or import a PKCS#12 file",
            )
        if isinstance(signing_key, ExternalKey) != external:
            raise DocumentError(
                "ExternalSignatureRequired" if not external else "NotAnExternalSigner",
                f"{name} ký bằng thiết bị ký số trên máy của mình: chọn «Ký bằng thiết bị "
                "ký số trên máy của bạn»"
                if not external
                else f"{name} không được khai báo ký trên máy của mình (THIDUA_EXTERNAL_SIGNERS)",
                f"{name} signs on their own computer: start the external signing"
                if not external
                else f"{name} is not an external signer (THIDUA_EXTERNAL_SIGNERS)",
            )
        return signing_key

    async def _render_signed(
        self, data: IssueDecisionInput, issued_on: date | None
    ) -> tuple[Any, bytes, Any]:
        """The decision as it is signed: (the job, the PDF, where the signature goes).
        Without ``issued_on`` (``clerk_numbers``) the number and the date are blank
        fields that the clerk fills at issue."""
        async with self.session_factory() as session:
            job = await prepare_decision(
                session,
                data.decision_id,
                get_rule_set=self.get_rule_set,
                draft=False,
                issued_on=issued_on,
                today=vietnam_date(data.signed_at),
                capacity=data.capacity,
                signer_user_id=data.signer_user_id,
                draft_text=data.draft_text,
                clerk_fields=issued_on is None,
            )
        pdf, places = await job.render_places()
        box = places.pop(SIGNATURE_ANCHOR, None)
        if box is None:  # pragma: no cover - the templates always carry the anchor
            raise RuntimeError("the signature place was not found in the rendered decision")
        if issued_on is None:
            if set(places) != set(ISSUE_FIELDS):  # pragma: no cover - the templates have them
                raise RuntimeError(f"the clerk's fields were not all laid out: {sorted(places)}")
            pdf = await asyncio.to_thread(add_issue_fields, pdf, places)
        return job, pdf, box

    async def _record_signed(
        self,
        data: IssueDecisionInput | FinishDecisionSignatureInput,
        signed: bytes,
        *,
        certificate: x509.Certificate,
        signer_name: str,
        issued_on: date | None,
        awaiting_clerk: bool,
    ) -> IssuedDecision:
        """Transaction 2: store the signed PDF, its document row, the decision signed (or
        issued, before the clerk's step) and, when issued, the award records."""
        digest = sha256_hex(signed)
        storage_key = await asyncio.to_thread(self.files.put, signed)
        async with transaction(self.session_factory) as session:
            decision = await session.get(Decision, data.decision_id, with_for_update=True)
            assert decision is not None
            if decision.status in (DecisionStatus.SIGNED, DecisionStatus.ISSUED):
                return await self._issued_result(session, decision)  # a concurrent attempt won
            key = f"decision-{decision.id}"
            document = (
                await session.execute(select(Document).where(Document.document_key == key))
            ).scalar_one_or_none()
            if document is None:
                document = Document(document_key=key, created_at=self.clock.now())
                session.add(document)
            is_decision = decision.kind == DecisionKind.DECISION
            document.kind = DocumentKind.DECISION if is_decision else DocumentKind.SUBMISSION
            document.title = _document_title(decision)
            document.sha256 = digest
            document.size_bytes = len(signed)
            document.content_type = "application/pdf"
            document.storage_key = storage_key
            document.authority_id = decision.authority_id
            document.decision_id = decision.id
            document.number_text = decision.number_text
            document.signed = True
            document.signer_name = common_name(certificate) or signer_name
            document.signer_subject = subject_text(certificate)
            document.signer_certificate_sha256 = certificate_sha256(certificate)
            document.signed_at = data.signed_at
            await session.flush()
            decision.status = DecisionStatus.SIGNED if awaiting_clerk else DecisionStatus.ISSUED
            decision.document_id = document.id
            decision.signed_at = data.signed_at
            decision.issued_on = issued_on  # None: the clerk dates it at issue
            decision.signer_user_id = data.signer_user_id
            decision.signer_capacity = data.capacity
            if is_decision and not awaiting_clerk:
                await record_awards(session, decision, get_rule_set=self.get_rule_set)
            return IssuedDecision(
                decision_id=decision.id,
                number_text=decision.number_text,
                document_id=document.id,
                sha256=digest,
                issued_on=issued_on,
            )

    # ---- signing on the official's own computer ----------------------------------------

    @activity.defn
    async def prepare_decision_signature(
        self, data: IssueDecisionInput
    ) -> PreparedDecisionSignature:
        """The signer signs on their own computer (``THIDUA_EXTERNAL_SIGNERS``): the same
        checks and number as ``sign_decision``, then the decision rendered with its
        signature field and an empty placeholder, stored; out comes what their signing
        agent signs (no PDF: the workflow keeps this). A retry reuses the number."""
        try:
            numbered = await self._number_decision(data, external=True)
            if isinstance(numbered, IssuedDecision):
                raise DocumentError(
                    "DecisionAlreadySigned",
                    "Văn bản đã được ký",
                    "The document is already signed",
                )
            job, pdf, box = await self._render_signed(data, numbered.issued_on)
            try:
                prepared = await asyncio.to_thread(
                    prepare_external_signature,
                    pdf,
                    numbered.certificate,
                    numbered.chain,
                    field_name=SIGNATURE_FIELD,
                    box=box.box,
                    page=box.page,
                    signer_label=job.signer_name,
                    reason=job.title,
                    location=job.place_name,
                    settings=self.settings,
                )
            except SigningError as exc:
                raise signing_failure(exc, "người ký") from exc
        except DocumentError as exc:
            raise exc.to_application_error() from exc
        storage_key = await asyncio.to_thread(self.files.put, prepared.pdf)
        return PreparedDecisionSignature(
            decision_id=data.decision_id,
            storage_key=storage_key,
            document_digest=prepared.document_digest.hex(),
            reserved_region_start=prepared.reserved_region_start,
            reserved_region_end=prepared.reserved_region_end,
            signed_attributes_b64=_b64(prepared.to_sign),
            digest_to_sign_b64=_b64(prepared.digest_to_sign),
            certificate_b64=_b64(prepared.signer_certificate),
            chain_b64=[_b64(c) for c in prepared.chain],
            certificate_sha256=certificate_sha256(numbered.certificate),
            number_text=numbered.number_text,
            issued_on=numbered.issued_on,
            field_name=prepared.field_name,
        )

    @activity.defn
    async def finish_decision_signature(self, data: FinishDecisionSignatureInput) -> IssuedDecision:
        """The signer's agent answered: its signature is checked against the prepared
        certificate (``ExternalSignatureRejected``, non-retryable, when it is not a
        signature of what was prepared: the prepared state stays usable), embedded,
        timestamped with the revocation data (B-LT) and recorded as ``sign_decision``
        records it: status ``signed``, waiting for the clerk."""
        prepared = data.prepared
        try:
            try:
                signature = base64.b64decode(data.signature_b64, validate=True)
            except ValueError as exc:
                raise DocumentError(
                    "ExternalSignatureRejected",
                    "Chữ ký gửi về không phải dữ liệu base64",
                    "the signature is not base64",
                ) from exc
            pdf = await asyncio.to_thread(self.files.get, prepared.storage_key)
            state = PreparedSignature(
                pdf=pdf,
                document_digest=bytes.fromhex(prepared.document_digest),
                reserved_region_start=prepared.reserved_region_start,
                reserved_region_end=prepared.reserved_region_end,
                signed_attributes=base64.b64decode(prepared.signed_attributes_b64),
                signer_certificate=base64.b64decode(prepared.certificate_b64),
                chain=tuple(base64.b64decode(c) for c in prepared.chain_b64),
                field_name=prepared.field_name,
            )
            try:
                signed = await asyncio.to_thread(
                    finish_external_signature, state, signature, settings=self.settings
                )
            except ExternalSignatureRejected as exc:
                raise DocumentError(
                    "ExternalSignatureRejected", exc.message_vi, exc.message_en
                ) from exc
            except SigningError as exc:
                raise signing_failure(exc, "người ký") from exc
            certificate = x509.load_der_x509_certificate(state.signer_certificate)
            async with self.session_factory() as session:
                signer = await session.get(User, data.signer_user_id)
                signer_name = signer.full_name if signer else ""
            return await self._record_signed(
                data,
                signed,
                certificate=certificate,
                signer_name=signer_name,
                issued_on=prepared.issued_on,
                awaiting_clerk=True,
            )
        except DocumentError as exc:
            raise exc.to_application_error() from exc

    @activity.defn
    async def issue_signed_decision(self, data: IssueSignedInput) -> IssuedDecision:
        """The clerk (văn thư) issues a signed decision or submission (Decree 30/2020): the
        organisation's digital signature (PAdES B-LT, its seal, name and the signing time
        in ISO 8601) is added to the signed PDF in an incremental update, so that the
        signer's signature stays valid beside it; the document is then issued and, for a
        decision, its awards recorded. An issued decision returns its stored result."""
        try:
            return await self._issue_signed(data)
        except DocumentError as exc:
            raise exc.to_application_error() from exc

    async def _issue_signed(self, data: IssueSignedInput) -> IssuedDecision:
        async with self.session_factory() as session:
            decision = await session.get(Decision, data.decision_id)
            if decision is None:
                raise DocumentError(
                    "DecisionNotFound",
                    f"Không có quyết định số hiệu nội bộ {data.decision_id}",
                    f"No decision with id {data.decision_id}",
                )
            if decision.status == DecisionStatus.ISSUED:
                return await self._issued_result(session, decision)
            _require_signed(decision)
            authority = await session.get(Authority, decision.authority_id)
            document = await session.get(Document, decision.document_id)
            assert authority is not None and document is not None
            await self._check_clerk(session, authority, data.clerk_user_id)
            identity = await organisation_identity(session, authority_id=authority.id)
            authority_name, signed_key = authority.name, document.storage_key
            signing_key = self._organisation_key(authority, identity.pkcs12 if identity else None)
        try:
            certificate, chain = await asyncio.to_thread(signing_certificates, signing_key)
            check_usable(certificate)
            # Chains to a trusted root, not revoked: found before a number is spent.
            await asyncio.to_thread(check_signing_certificate, self.settings, certificate, chain)
        except SigningError as exc:
            raise signing_failure(exc, authority_name, before_number=True) from exc
        except SigningIdentityError as exc:
            raise DocumentError(
                "SigningIdentityUnusable",
                f"Chứng thư số của {authority_name} không dùng được: {exc.message_vi}",
                f"The certificate of {authority_name} cannot be used: {exc}",
            ) from exc
        number_text, issued_on = await self._number_at_issue(data)
        signed = await asyncio.to_thread(self.files.get, signed_key)
        page, place = signature_place(signed, SIGNATURE_FIELD)
        # A document signed with blank number and date (``clerk_numbers``): the clerk's
        # update fills them, under the organisation's signature.
        values = clerk_field_values(number_text, issued_on)
        try:
            sealed = await asyncio.to_thread(
                sign_pdf,
                signed,
                signing_key,
                field_name=ORGANISATION_SIGNATURE_FIELD,
                box=seal_box(place),
                page=page,
                signer_label=authority_name,
                organisation_label=authority_name,
                reason=f"Phát hành văn bản số {number_text}",
                location=authority_name,
                settings=self.settings,
                appearance=lambda width, _height, moment: seal_pdf(width, authority_name, moment),
                before_signing=lambda writer: fill_issue_fields(writer, values),
            )
        except SigningError as exc:
            raise signing_failure(exc, authority_name) from exc
        digest = sha256_hex(sealed)
        storage_key = await asyncio.to_thread(self.files.put, sealed)
        async with transaction(self.session_factory) as session:
            decision = await session.get(Decision, data.decision_id, with_for_update=True)
            assert decision is not None and decision.document_id is not None
            if decision.status == DecisionStatus.ISSUED:  # a concurrent attempt won
                return await self._issued_result(session, decision)
            document = await session.get(Document, decision.document_id)
            assert document is not None
            document.sha256 = digest
            document.size_bytes = len(sealed)
            document.storage_key = storage_key
            document.number_text = decision.number_text
            document.title = _document_title(decision)
            decision.status = DecisionStatus.ISSUED
            if decision.kind == DecisionKind.DECISION:
                await record_awards(session, decision, get_rule_set=self.get_rule_set)
            return IssuedDecision(
                decision_id=decision.id,
                number_text=decision.number_text,
                document_id=document.id,
                sha256=digest,
                issued_on=decision.issued_on,
            )

    async def _number_at_issue(self, data: IssueSignedInput) -> tuple[str, date]:
        """The number and the date of issue: given now (the day of ``issued_at``, the next
        number of that year) when the signer signed without them, and committed, so that
        a retry reuses them; a document numbered at its signature keeps its own."""
        async with transaction(self.session_factory) as session:
            decision = await session.get(Decision, data.decision_id, with_for_update=True)
            assert decision is not None
            if decision.status != DecisionStatus.ISSUED:  # else an earlier attempt finished
                _require_signed(decision)
            if decision.number is None:
                authority = await session.get(Authority, decision.authority_id)
                assert authority is not None
                issued_on = vietnam_date(data.issued_at)
                await _allocate(session, decision, authority, issued_on)
                decision.issued_on = issued_on
            assert decision.issued_on is not None
            return decision.number_text, decision.issued_on

    def _organisation_key(self, authority: Authority, identity_p12: bytes | None) -> SigningKey:
        """The organisation's key: its token or HSM when the signers file names it
        (``org:<authority id>``), else its server-held PKCS#12 where that is allowed."""
        try:
            key = signing_key_for(
                self.settings,
                username=organisation_signer_name(authority.id),
                identity_p12=identity_p12,
            )
        except ServerHeldKeyRefused as exc:
            raise DocumentError(
                "ServerHeldKeyRefused",
                f"{authority.name}: {exc.message_vi}",
                f"{authority.name}: {exc.message_en}",
            ) from exc
        except SignerConfigurationError as exc:
            raise configuration_failure(exc) from exc
        if key is None or isinstance(key, ExternalKey):
            raise DocumentError(
                "NoSigningIdentity",
                f"{authority.name} chưa có chứng thư số của cơ quan để văn thư ký phát hành: "
                "quản trị viên cần khai báo thiết bị ký số của cơ quan "
                f'(THIDUA_PKCS11_SIGNERS, mục "{organisation_signer_name(authority.id)}") '
                "hoặc nhập chứng thư số (tệp PKCS#12) của cơ quan",
                f"{authority.name} has no organisation certificate for its clerk to apply: "
                "an administrator must map its token or HSM (THIDUA_PKCS11_SIGNERS entry "
                f'"{organisation_signer_name(authority.id)}") or import its PKCS#12 file',
            )
        return key

    async def _check_clerk(self, session: AsyncSession, authority: Authority, user_id: int) -> None:
        grant = (
            await session.execute(
                select(RoleGrant.id).where(
                    RoleGrant.user_id == user_id,
                    RoleGrant.unit_id == authority.unit_id,
                    RoleGrant.role == Role.CLERK,
                )
            )
        ).first()
        if grant is None:
            raise DocumentError(
                "ClerkNotEntitled",
                f"Người phát hành không phải văn thư của {authority.name}",
                f"The issuer is not a clerk of {authority.name}",
            )

    async def _check_signer(
        self, session: AsyncSession, authority: Authority, data: IssueDecisionInput
    ) -> None:
        role = Role.CHAIRMAN if data.capacity == SignerCapacity.CHAIRMAN else Role.VICE_CHAIRMAN
        grant = (
            await session.execute(
                select(RoleGrant.id).where(
                    RoleGrant.user_id == data.signer_user_id,
                    RoleGrant.unit_id == authority.unit_id,
                    RoleGrant.role == role,
                )
            )
        ).first()
        if grant is None:
            raise DocumentError(
                "SignerNotEntitled",
                f"Người ký không giữ chức vụ {'Chủ tịch' if role == Role.CHAIRMAN else 'Phó Chủ tịch'} "
                f"của {authority.name}",
                f"The signer is not {role.value} of {authority.name}",
            )

    async def _issued_result(self, session: AsyncSession, decision: Decision) -> IssuedDecision:
        document = await session.get(Document, decision.document_id)
        assert document is not None
        return IssuedDecision(
            decision_id=decision.id,
            number_text=decision.number_text,
            document_id=document.id,
            sha256=document.sha256,
            issued_on=decision.issued_on,
        )

    # ---- minutes and public notices ------------------------------------------------------

    @activity.defn
    async def issue_minutes(self, data: IssueMinutesInput) -> DocumentRef:
        """The minutes of a closed council session: the tallies (the ballot is secret) and
        the absent members' written opinions, each under the member's name."""
        key = f"minutes-{data.session_id}"
        try:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                context, council_session = await minutes_context(
                    session, data.session_id, data.written_opinions
                )
                authority_id = council_session.authority_id
        except DocumentError as exc:
            raise exc.to_application_error() from exc
        pdf, _ = await asyncio.to_thread(render_template_pdf, "minutes.html", context)
        ref = await self._store(
            key=key,
            kind=DocumentKind.MINUTES,
            title=context["document_title"],
            pdf=pdf,
            authority_id=authority_id,
            session_id=data.session_id,
        )
        async with transaction(self.session_factory) as session:
            minuted = await session.get(CouncilSession, data.session_id)
            if minuted is not None and minuted.minutes_document_id is None:
                minuted.minutes_document_id = ref.document_id
        return ref

    @activity.defn
    async def issue_public_notice(self, data: PublicNoticeInput) -> DocumentRef:
        """The public notice (thông báo công khai) of nominations, with the period and
        how to object. Its document row keeps the input (``render_input``): the Word copy
        is rendered from it again."""
        key = f"public-notice-{data.key}"
        try:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                context = await public_notice_context(
                    session, data, self.settings.resolved_public_base_url
                )
        except DocumentError as exc:
            raise exc.to_application_error() from exc
        pdf, _ = await asyncio.to_thread(render_template_pdf, "public_notice.html", context)
        return await self._store(
            key=key,
            kind=DocumentKind.PUBLIC_NOTICE,
            title=context["document_title"],
            pdf=pdf,
            authority_id=data.authority_id,
            nomination_id=data.nomination_ids[0] if len(data.nomination_ids) == 1 else None,
            render_input=notice_render_input(data),
        )

    async def _store(
        self, *, key: str, kind: DocumentKind, title: str, pdf: bytes, **links: Any
    ) -> DocumentRef:
        """Store the file and insert its row once per key (a concurrent twin's row wins)."""
        storage_key = await asyncio.to_thread(self.files.put, pdf)
        try:
            async with transaction(self.session_factory) as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                document = Document(
                    kind=kind,
                    title=title[:500],
                    document_key=key,
                    sha256=sha256_hex(pdf),
                    size_bytes=len(pdf),
                    content_type="application/pdf",
                    storage_key=storage_key,
                    created_at=self.clock.now(),
                    **links,
                )
                session.add(document)
                await session.flush()
                return DocumentRef(document_id=document.id, sha256=document.sha256)
        except IntegrityError:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is None:
                    raise
                return DocumentRef(document_id=existing.id, sha256=existing.sha256)


def seal_box(
    signature: tuple[float, float, float, float],
) -> tuple[float, float, float, float]:
    """Where the organisation's seal goes (Decree 30, Phụ lục I): at its real size, over
    about a third of the person's signature, on its left, its centre level with the
    signature's; the caption (name, time) under it."""
    x1, y1, x2, y2 = signature
    right = x1 + (x2 - x1) * 0.4
    left = max(8.0, right - SEAL_DIAMETER_PT)
    bottom = (y1 + y2) / 2 - SEAL_DIAMETER_PT / 2 - SEAL_CAPTION_PT
    return (left, bottom, left + SEAL_DIAMETER_PT, bottom + SEAL_DIAMETER_PT + SEAL_CAPTION_PT)


async def _document_by_key(session: AsyncSession, key: str) -> Document | None:
    return (
        await session.execute(select(Document).where(Document.document_key == key))
    ).scalar_one_or_none()


def _require_signed(decision: Decision) -> None:
    if decision.status != DecisionStatus.SIGNED or decision.document_id is None:
        raise DocumentError(
            "DecisionNotSigned",
            "Văn bản chưa được người có thẩm quyền ký số",
            "The document is not signed by its signer yet",
        )


async def _allocate(
    session: AsyncSession, decision: Decision, authority: Authority, issued_on: date
) -> None:
    """The decision's number: the next of its series in the year of ``issued_on``."""
    series = (
        authority.decision_code
        if decision.kind == DecisionKind.DECISION
        else authority.submission_code
    )
    number = await allocate_number(
        session, authority_id=authority.id, series=series, year=issued_on.year
    )
    decision.number = number
    decision.year = issued_on.year
    decision.number_text = format_number(number, series)


def _document_title(decision: Decision) -> str:
    """ "Quyết định số 12/QĐ-UBND Về việc …" ("Quyết định Về việc …" until numbered)."""
    kind = "Quyết định" if decision.kind == DecisionKind.DECISION else "Tờ trình"
    number = f" số {decision.number_text}" if decision.number_text else ""
    return f"{kind}{number} {decision.title}"[:500]
