"""Nominations, their dossiers, objections and the append-only audit trail.

The ``nominations`` row is created by the API when a unit submits and is afterwards kept
up to date by the workflow's activities (a projection): lists and boards read it, never
the workflows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from domain.text import fold
from domain.vocabulary import Level, ObjectionStatus, Role, Stage

from .base import Base, TimestampMixin, enum_column, utcnow
from .history import SubjectRefMixin

# SQLite only autoincrements INTEGER PRIMARY KEY; BIGINT elsewhere.
BigIntId = BigInteger().with_variant(Integer, "sqlite")

# The list sort key of a nomination without a due moment (closed ones, drafts): after
# every real due moment. SQLite and PostgreSQL put NULLs at opposite ends of an index,
# so "soonest due first, none last" is served by an index only on a non-null key.
NO_DUE_MOMENT = datetime(9999, 12, 31, tzinfo=UTC)


def list_due_key(stage_due_at: datetime | None) -> datetime:
    """``Nomination.list_due_at`` for this due moment."""
    return stage_due_at or NO_DUE_MOMENT


def folded_name(name: str | None) -> str:
    """``Nomination.nominee_name_folded`` for this name (cut to the column's length: case
    folding may lengthen a text, "ß" → "ss")."""
    return fold(name or "")[:255]


def nominee_name_values(name: str) -> dict[str, str]:
    """The values of an UPDATE renaming a nominee: the name and its folded search form
    (an ORM write keeps the second in step by itself, a bulk UPDATE names both)."""
    return {"nominee_name": name, "nominee_name_folded": folded_name(name)}


def _folded_name_default(context: DefaultExecutionContext) -> str:
    """An INSERT naming only ``nominee_name`` (bulk inserts) folds it."""
    return folded_name(context.get_current_parameters().get("nominee_name"))


class Nomination(Base, SubjectRefMixin, TimestampMixin):
    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_code: Mapped[str] = mapped_column(ForeignKey("award_types.code"), index=True)
    rule_set_id: Mapped[str] = mapped_column(String(64))  # the rule set it started under
    year: Mapped[int] = mapped_column(index=True)  # the achievement year
    nominee_name: Mapped[str] = mapped_column(String(255))
    # ``folded_name(nominee_name)``: what the name searches match ("Nguyen Van A",
    # "NGUYỄN VĂN A" and "nguyễn văn a" all find "Nguyễn Văn A"), on both databases alike
    # and off an index (trigram on PostgreSQL). The ORM keeps it in step
    # (``_keep_folded_name_in_step``), an INSERT without it folds the name, a bulk UPDATE
    # of the name writes both (``nominee_name_values``). Should ``fold`` ever change, a
    # migration must fold the existing names again.
    nominee_name_folded: Mapped[str] = mapped_column(
        String(255), default=_folded_name_default, server_default=""
    )
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # The authority where the nomination started (the ward); it keeps one identifier
    # while it travels up to the city and central levels.
    origin_authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    # Set when the nomination reaches that level: who above the ward may see it.
    city_authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    central_authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    submitted_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    achievement_summary: Mapped[str] = mapped_column(Text, default="")
    # One achievement earns one award: nominations naming the same key compete.
    achievement_key: Mapped[str | None] = mapped_column(String(128))
    # Criteria the unit attests in its review minutes (codes of "attested" criteria).
    attestations: Mapped[list[str]] = mapped_column(JSON, default=list)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    content_area_code: Mapped[str | None] = mapped_column(String(64))
    exemplar_id: Mapped[int | None] = mapped_column(ForeignKey("exemplars.id", use_alter=True))
    workflow_id: Mapped[str] = mapped_column(String(128), default="")

    # ---- projection, written by the workflow's activities -----------------------------
    level: Mapped[Level] = mapped_column(enum_column(Level), default=Level.WARD)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.RECEPTION)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage_due_at: Mapped[datetime | None]
    # ``list_due_key(stage_due_at)``, the order of the lists; the ORM keeps it in step
    # (``_keep_list_due_at_in_step``), bulk writes name it with ``stage_due_at``.
    list_due_at: Mapped[datetime] = mapped_column(default=NO_DUE_MOMENT)
    level_due_at: Mapped[datetime | None]
    # Who must act now: a role at a unit (the standing body, the unit, the signer...).
    waiting_on_role: Mapped[Role | None] = mapped_column(enum_column(Role))
    waiting_on_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    escalated: Mapped[bool] = mapped_column(default=False)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    public_notice_until: Mapped[datetime | None]  # set while the nomination is publicly posted
    council_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_sessions.id", use_alter=True)
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", use_alter=True))
    decision_number: Mapped[str] = mapped_column(String(64), default="")
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    # Sequence number of the last transition written: a late retry of an older
    # transition never overwrites a newer state.
    projection_seq: Mapped[int] = mapped_column(default=0)


Index("ix_nominations_stage_due", Nomination.stage, Nomination.stage_due_at)
Index("ix_nominations_authority_stage", Nomination.authority_id, Nomination.stage)
Index("ix_nominations_unit_year", Nomination.proposing_unit_id, Nomination.year)
# "What is mine to do": nominations waiting on an office, earliest deadline first.
Index(
    "ix_nominations_waiting_on",
    Nomination.waiting_on_role,
    Nomination.waiting_on_unit_id,
    Nomination.stage_due_at,
)
# The lists, in their order (soonest due first, newest first among equal), one index per
# way of seeing a nomination (``api.services.access.visibility_paths``; the first for the
# administrators, who see all): a page is read off an index instead of sorting every
# visible nomination.
Index("ix_nominations_list", Nomination.list_due_at, Nomination.id.desc())
Index(
    "ix_nominations_unit_list",
    Nomination.proposing_unit_id,
    Nomination.list_due_at,
    Nomination.id.desc(),
)
Index(
    "ix_nominations_origin_authority_list",
    Nomination.origin_authority_id,
    Nomination.list_due_at,
    Nomination.id.desc(),
)
Index(
    "ix_nominations_city_authority_list",
    Nomination.city_authority_id,
    Nomination.list_due_at,
    Nomination.id.desc(),
)
Index(
    "ix_nominations_central_authority_list",
    Nomination.central_authority_id,
    Nomination.list_due_at,
    Nomination.id.desc(),
)
# Name searches (``api.queries.search.contains_words``, ``api.queries.nominations.named``):
# a trigram GIN index on PostgreSQL serves ``LIKE '%…%'``; on SQLite a plain index, which
# a substring LIKE cannot seek but scans instead of the table (a fraction of its size).
Index(
    "ix_nominations_nominee_name_folded",
    Nomination.nominee_name_folded,
    postgresql_using="gin",
    postgresql_ops={"nominee_name_folded": "gin_trgm_ops"},
)
# The trigram operators come with the pg_trgm extension (migration 0006 creates it too).
event.listen(
    Nomination.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


@event.listens_for(Nomination.nominee_name, "set")
def _keep_folded_name_in_step(nomination: Nomination, name, _old, _initiator) -> None:
    nomination.nominee_name_folded = folded_name(name)


@event.listens_for(Nomination.stage_due_at, "set")
def _keep_list_due_at_in_step(nomination: Nomination, stage_due_at, _old, _initiator) -> None:
    nomination.list_due_at = list_due_key(stage_due_at)


class DossierItem(Base):
    """One document of a dossier (hồ sơ): tờ trình, báo cáo thành tích, biên bản..."""

    __tablename__ = "dossier_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    item_code: Mapped[str] = mapped_column(String(64))  # as named by the rule set
    title: Mapped[str] = mapped_column(String(255))
    level: Mapped[Level] = mapped_column(enum_column(Level), default=Level.WARD)
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(128))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(255))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A file replaced while the dossier was returned stays as an earlier version: the
    # dossier is the items no later version replaced.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_items.id"))
    replaced_at: Mapped[datetime | None]


class Objection(Base):
    """A written objection lodged during a public notice (name and contact required)."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Generated by the workflow; makes the projection write idempotent.
    objection_key: Mapped[str] = mapped_column(String(64), unique=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level))
    objector_name: Mapped[str] = mapped_column(String(255))
    objector_contact: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime]
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_column(ObjectionStatus), default=ObjectionStatus.PENDING
    )
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    # How the objector was answered (the portal promises a reply): phone, email, letter,
    # in person; by whom and when. Seen, with the contact, by the standing body and auditors.
    reply_channel: Mapped[str | None] = mapped_column(String(32))
    reply_note: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
    replied_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEvent(Base):
    """Append-only: who did what, when, from which stage to which, and why.

    ``event_key`` is unique and chosen by the writer (workflow id + sequence), so an
    activity that retries writes the event once.

    Tamper-evident (issue 18): each event is number ``chain_seq`` of its subject's chain
    (``chain_key``), carries the ``hash`` of the one before (``prev_hash``) and its own
    ``hash``, computed by ``domain.audit_chain`` (which documents the canonical form)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(160), unique=True)
    subject_type: Mapped[str] = mapped_column(String(32))  # nomination | council_session | ...
    subject_id: Mapped[int]
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    actor_role: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    level: Mapped[Level | None] = mapped_column(enum_column(Level))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {"field": [before, after]}
    occurred_at: Mapped[datetime]  # workflow time of the change
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    chain_key: Mapped[str] = mapped_column(String(96))  # "<subject_type>:<subject_id>"
    chain_seq: Mapped[int]  # 1, 2, … within the chain
    prev_hash: Mapped[str] = mapped_column(String(64))  # "" for the chain's first event
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("chain_key", "chain_seq"),)


Index("ix_audit_events_subject", AuditEvent.subject_type, AuditEvent.subject_id)
Index("ix_audit_events_occurred_at", AuditEvent.occurred_at)
