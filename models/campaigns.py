"""The emulation campaign (phong trào thi đua), its yearly registrations, and the
exemplary models (điển hình tiên tiến) it discovers, nurtures, summarizes and replicates;
with the few reads of them that the API and the worker's activities both need (the ward's
units, an exemplar's nominee and record). The campaign report's figures are in
``models/campaign_report.py``; the API's other reads in ``api/queries/``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain.vocabulary import ExemplarStage, ExemplarSubjectKind, Level

from .base import Base, TimestampMixin, enum_column, utcnow
from .organisation import Authority, Collective, Household, Person, Unit


class Campaign(Base, TimestampMixin):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    name: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(Text)  # chủ đề thi đua
    plan_reference: Mapped[str] = mapped_column(String(255), default="")  # số kế hoạch
    start_year: Mapped[int]
    end_year: Mapped[int]
    status: Mapped[str] = mapped_column(String(32), default="planned")  # planned|running|closed
    # Yearly cycle dates (month-day) that the campaign workflow waits for.
    registration_opens: Mapped[str] = mapped_column(String(5), default="01-15")
    registration_due: Mapped[str] = mapped_column(String(5), default="03-31")
    household_review_due: Mapped[str] = mapped_column(String(5), default="11-25")
    dossiers_due: Mapped[str] = mapped_column(String(5), default="12-10")
    launched_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    launched_at: Mapped[datetime | None]
    workflow_id: Mapped[str] = mapped_column(String(128), default="")


class ContentArea(Base):
    __tablename__ = "campaign_content_areas"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]


class CampaignStage(Base):
    """Chặng: stage 1 (2026–2028) and stage 2 (2029–2030) in the seed plan."""

    __tablename__ = "campaign_stages"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    motto: Mapped[str] = mapped_column(Text, default="")
    focus: Mapped[str] = mapped_column(Text, default="")
    start_year: Mapped[int]
    end_year: Mapped[int]


class Milestone(Base):
    """A dated step of the campaign: the mid-term review (sơ kết), the final review
    (tổng kết). Moving one is an audited command."""

    __tablename__ = "campaign_milestones"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # mid_term_review | final_review | ...
    title: Mapped[str] = mapped_column(String(255))
    stage_position: Mapped[int | None]
    due_on: Mapped[date]
    reached_at: Mapped[datetime | None]
    report_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", use_alter=True)
    )


class Registration(Base):
    """Emulation registration or pledge (đăng ký thi đua / ký giao ước) for one year."""

    __tablename__ = "campaign_registrations"
    __table_args__ = (UniqueConstraint("campaign_id", "year", "unit_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<campaign>:<year>:u<unit>:p<person or 0>": one registration per unit, or per person,
    # and year. The composite constraint above lets duplicate unit rows through on both
    # databases (person_id is NULL for a unit), this key does not.
    registration_key: Mapped[str] = mapped_column(String(160), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    target_awards: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_area_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    pledge: Mapped[str] = mapped_column(Text, default="")
    registered_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Exemplar(Base, TimestampMixin):
    __tablename__ = "exemplars"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    subject_kind: Mapped[ExemplarSubjectKind] = mapped_column(enum_column(ExemplarSubjectKind))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    collective_id: Mapped[int | None] = mapped_column(ForeignKey("collectives.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    content_area_code: Mapped[str | None] = mapped_column(String(64))
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    proposed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[ExemplarStage] = mapped_column(
        enum_column(ExemplarStage), default=ExemplarStage.DISCOVERED
    )
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    support_plan: Mapped[str] = mapped_column(Text, default="")
    follow_up_every_days: Mapped[int | None]
    next_follow_up_due: Mapped[datetime | None]
    dropped_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    workflow_id: Mapped[str] = mapped_column(String(128), default="")


class ExemplarFollowUp(Base):
    __tablename__ = "exemplar_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(160), unique=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"), index=True)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text)


class ExemplarAssessment(Base):
    __tablename__ = "exemplar_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(160), unique=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"), index=True)
    milestone_code: Mapped[str] = mapped_column(String(64))
    findings: Mapped[str] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(32), default="")
    assessed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime]


class ExemplarAdoption(Base):
    __tablename__ = "exemplar_adoptions"
    __table_args__ = (UniqueConstraint("exemplar_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    adopted_on: Mapped[date]
    report: Mapped[str] = mapped_column(Text, default="")
    reported_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


# ---- reads the API and the worker's activities share ------------------------------------


async def ward_units_of(session: AsyncSession, campaign: Campaign) -> list[Unit]:
    """Every unit of the ward the campaign runs in (its offices, organisations, schools and
    residential groups), in a stable order."""
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    return list(
        (
            await session.execute(
                select(Unit)
                .where(Unit.parent_id == authority.unit_id, Unit.level == Level.WARD)
                .order_by(Unit.id)
            )
        ).scalars()
    )


def household_nominee_name(head_name: str) -> str:
    """How a household an exemplar is about is named (pages, lists, exports)."""
    return f"Hộ gia đình ông/bà {head_name}"


async def nominee_of(session: AsyncSession, exemplar: Exemplar) -> tuple[str, int] | None:
    """The nominee's name and unit (the unit that may nominate), or None for a good
    practice, which has no nominee."""
    if exemplar.person_id is not None:
        person = await session.get(Person, exemplar.person_id)
        return (person.full_name, person.unit_id) if person else None
    if exemplar.household_id is not None:
        household = await session.get(Household, exemplar.household_id)
        if household is None:
            return None
        return household_nominee_name(household.head_name), household.residential_group_id
    if exemplar.collective_id is not None:
        collective = await session.get(Collective, exemplar.collective_id)
        return (collective.name, collective.unit_id) if collective else None
    return None


async def exemplar_record(
    session: AsyncSession, exemplar_id: int
) -> tuple[list[ExemplarFollowUp], list[ExemplarAssessment]]:
    """An exemplar's follow-ups and assessments, each in the order they happened (the
    page shows them, the evidence report prints them)."""
    follow_ups = await session.scalars(
        select(ExemplarFollowUp)
        .where(ExemplarFollowUp.exemplar_id == exemplar_id)
        .order_by(ExemplarFollowUp.recorded_at)
    )
    assessments = await session.scalars(
        select(ExemplarAssessment)
        .where(ExemplarAssessment.exemplar_id == exemplar_id)
        .order_by(ExemplarAssessment.assessed_at)
    )
    return list(follow_ups), list(assessments)
