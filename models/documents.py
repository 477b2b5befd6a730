"""Decisions and submissions (one document granting or forwarding many nominations),
stored documents with their hashes, yearly number counters and signing identities."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.vocabulary import DecisionKind, DecisionStatus, DocumentKind, SignerCapacity

from .base import Base, TimestampMixin, enum_column


class Decision(Base, TimestampMixin):
    """A decision (quyết định) granting awards, or a submission (tờ trình) forwarding
    nominations to the next level. One document, many nominations."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column(DecisionStatus), default=DecisionStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(500))  # trích yếu: "Về việc tặng Giấy khen ..."
    drafted_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Who is asked to sign; a vice-chairman signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_capacity: Mapped[SignerCapacity | None] = mapped_column(enum_column(SignerCapacity))
    due_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    # Numbered from 01 each calendar year per authority and series, at issue time.
    year: Mapped[int | None]
    number: Mapped[int | None]
    number_text: Mapped[str] = mapped_column(String(64), default="", index=True)
    issued_on: Mapped[date | None]
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", use_alter=True))
    workflow_id: Mapped[str] = mapped_column(String(128), default="")
    proposer_text: Mapped[str] = mapped_column(Text, default="")  # "Theo đề nghị của ..."
    projection_seq: Mapped[int] = mapped_column(default=0)  # see CouncilSession.projection_seq


class DecisionItem(Base):
    __tablename__ = "decision_items"
    __table_args__ = (UniqueConstraint("decision_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    position: Mapped[int]
    nominee_name: Mapped[str] = mapped_column(String(255))
    nominee_description: Mapped[str] = mapped_column(String(500), default="")
    award_code: Mapped[str] = mapped_column(ForeignKey("award_types.code"))
    cash_multiple: Mapped[float] = mapped_column(default=0.0)
    cash_amount_vnd: Mapped[int] = mapped_column(default=0)


class Document(Base):
    """A generated or uploaded file, content-addressed by SHA-256."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    title: Mapped[str] = mapped_column(String(500))
    # Idempotency: the activity that generates a document names it once.
    document_key: Mapped[str] = mapped_column(String(160), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(128), default="application/pdf")
    storage_key: Mapped[str] = mapped_column(String(255))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("council_sessions.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    number_text: Mapped[str] = mapped_column(String(64), default="")
    signed: Mapped[bool] = mapped_column(default=False)
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    signer_subject: Mapped[str] = mapped_column(Text, default="")
    signer_certificate_sha256: Mapped[str] = mapped_column(String(64), default="")
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # What the document was rendered from, where another format is rendered from it again
    # (a public notice: ``public_notice.notice_render_input``); None for the others and
    # for the notices issued before migration 0010.
    render_input: Mapped[dict | None] = mapped_column(JSON, default=None)


class DocumentCounter(Base):
    """The last number issued per authority, series (QĐ-UBND, TTr-UBND) and year.

    Incremented inside the transaction that assigns the number, so two decisions issued
    at the same moment get consecutive numbers and a failed issue leaves no gap."""

    __tablename__ = "document_counters"

    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class SigningIdentity(Base, TimestampMixin):
    """An X.509 certificate and its private key (PKCS#12, encrypted with the signing
    passphrase) for a person who signs for an authority; without a person (``user_id``
    NULL), the authority's own, which its clerks (văn thư) apply when they issue a signed
    document."""

    __tablename__ = "signing_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    subject: Mapped[str] = mapped_column(Text)
    certificate_pem: Mapped[str] = mapped_column(Text)
    certificate_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(16))  # dev_ca | imported
    not_after: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)
