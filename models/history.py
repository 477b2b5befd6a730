"""What a person, collective or household already has: award records, yearly
evaluations, initiatives, discipline and pending matters. Eligibility reads these."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from domain.vocabulary import (
    AwardCategory,
    AwardKind,
    DisciplineLevel,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
)

from .base import Base, TimestampMixin, enum_column


class SubjectRefMixin:
    """Points at exactly one of a person, a collective or a household."""

    subject_kind: Mapped[NomineeKind] = mapped_column(enum_column(NomineeKind))

    @declared_attr
    def person_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("people.id"), index=True)

    @declared_attr
    def collective_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("collectives.id"), index=True)

    @declared_attr
    def household_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("households.id"), index=True)


class AwardType(Base, TimestampMixin):
    """The catalogue's award types, mirrored from the rule-set files so that records and
    nominations can refer to them and lists can show their names."""

    __tablename__ = "award_types"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    category: Mapped[AwardCategory] = mapped_column(enum_column(AwardCategory))
    kind: Mapped[AwardKind] = mapped_column(enum_column(AwardKind))
    deciding_level: Mapped[Level] = mapped_column(enum_column(Level))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)


class AwardRecord(Base, SubjectRefMixin, TimestampMixin):
    """A title or award someone holds, with the decision that granted it. Imported for
    the past, written by the engine when a decision is issued; revoking keeps the row
    (with revoked_at) so history stays auditable but it no longer grounds awards."""

    __tablename__ = "award_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_code: Mapped[str] = mapped_column(ForeignKey("award_types.code"))
    kind: Mapped[AwardKind] = mapped_column(enum_column(AwardKind))
    year: Mapped[int]  # the achievement year the award recognises
    decision_number: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None]
    deciding_authority: Mapped[str] = mapped_column(String(255), default="")
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # The achievement this award recognises; one achievement earns one award.
    achievement_key: Mapped[str | None] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str] = mapped_column(Text, default="")
    revocation_basis: Mapped[str] = mapped_column(String(255), default="")


class EvaluationResult(Base, SubjectRefMixin):
    """Yearly evaluation (xếp loại), e.g. hoàn thành xuất sắc nhiệm vụ in 2026."""

    __tablename__ = "evaluation_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    rating: Mapped[Rating] = mapped_column(enum_column(Rating))
    # For collectives: how many members, how many women, how many reached LĐTT.
    member_count: Mapped[int | None]
    women_count: Mapped[int | None]
    members_with_title: Mapped[int | None]


class Initiative(Base, TimestampMixin):
    """A recognised initiative (sáng kiến) or research project. It grounds one award only."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    year: Mapped[int]
    scope: Mapped[InitiativeScope] = mapped_column(enum_column(InitiativeScope))
    is_research: Mapped[bool] = mapped_column(default=False)
    recognised_by: Mapped[str] = mapped_column(String(255), default="")
    # The recognition decision (its natural key in imports: number + issuer).
    decision_number: Mapped[str] = mapped_column(String(64), default="", server_default="")
    decision_date: Mapped[date | None] = mapped_column(default=None)
    # Set when an award record was granted on this initiative.
    grounded_award_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_records.id", use_alter=True)
    )


class DisciplineRecord(Base, SubjectRefMixin):
    __tablename__ = "discipline_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    level: Mapped[DisciplineLevel] = mapped_column(enum_column(DisciplineLevel))
    note: Mapped[str] = mapped_column(Text, default="")


class PendingMatter(Base, SubjectRefMixin):
    """A complaint, denunciation, inspection or disciplinary review under way: no award
    while one is open (Decree 152 Art. 4)."""

    __tablename__ = "pending_matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # complaint | discipline | inspection
    description: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]


Index("ix_award_records_subject_year", AwardRecord.subject_kind, AwardRecord.year)
Index("ix_evaluation_results_subject_year", EvaluationResult.subject_kind, EvaluationResult.year)
