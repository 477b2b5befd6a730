"""The campaign report's figures: registrations, nominations and awards per content area
and per unit, and the exemplary models with their adoptions.

Read by the API (``GET /api/v1/campaigns/{id}/report`` and the report page) and by the
worker, which renders them into the report document (``activities/campaign_report.py``:
a milestone's report, or one the standing body asks for). Only reads: no activity, no
rendering, so the API never imports an activity module to show the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import ExemplarStage, Stage

from .campaigns import (
    Campaign,
    ContentArea,
    Exemplar,
    ExemplarAdoption,
    Registration,
    ward_units_of,
)
from .history import AwardRecord
from .nominations import Nomination
from .organisation import Unit

UNASSIGNED = "unassigned"  # nominations and registrations naming no content area


@dataclass
class FigureRow:
    """Registrations, nominations and awards of one content area or one unit."""

    key: str  # the content area code, or the unit id
    name: str
    registrations: int = 0
    nominations: int = 0
    awards: int = 0


@dataclass
class ExemplarFigure:
    exemplar_id: int
    title: str
    unit_name: str
    content_area_code: str | None
    stage: ExemplarStage
    adoptions: int


@dataclass
class CampaignReport:
    campaign_id: int
    code: str
    name: str
    theme: str
    start_year: int
    through_year: int
    registrations: int
    nominations: int
    awards: int
    by_content_area: list[FigureRow]
    by_unit: list[FigureRow]
    exemplars_by_stage: dict[str, int]
    adoptions: int
    exemplars: list[ExemplarFigure] = field(default_factory=list)


async def gather_campaign_report(
    session: AsyncSession, campaign_id: int, *, through_year: int | None = None
) -> CampaignReport:
    """The campaign's figures from its start to the end of ``through_year`` (default:
    the whole campaign): registrations, nominations (submitted, of achievement years up to
    then) and awards (not revoked) per content area and per unit; the exemplary models at
    their current step, and their adoptions."""
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise LookupError(f"no campaign {campaign_id}")
    last = through_year or campaign.end_year
    areas = (
        (
            await session.execute(
                select(ContentArea)
                .where(ContentArea.campaign_id == campaign_id)
                .order_by(ContentArea.position)
            )
        )
        .scalars()
        .all()
    )
    by_area = {a.code: FigureRow(key=a.code, name=a.title) for a in areas}
    units = {u.id: u for u in await ward_units_of(session, campaign)}
    by_unit: dict[int, FigureRow] = {
        u.id: FigureRow(key=str(u.id), name=u.name) for u in units.values()
    }

    def area_row(code: str | None) -> FigureRow:
        key = code or UNASSIGNED
        if key not in by_area:
            by_area[key] = FigureRow(
                key=key, name="Chưa xác định nội dung" if key == UNASSIGNED else key
            )
        return by_area[key]

    async def unit_row(unit_id: int) -> FigureRow:
        if unit_id not in by_unit:
            unit = await session.get(Unit, unit_id)
            by_unit[unit_id] = FigureRow(key=str(unit_id), name=unit.name if unit else str(unit_id))
        return by_unit[unit_id]

    registrations = (
        (
            await session.execute(
                select(Registration).where(
                    Registration.campaign_id == campaign_id, Registration.year <= last
                )
            )
        )
        .scalars()
        .all()
    )
    for registration in registrations:
        (await unit_row(registration.unit_id)).registrations += 1
        for area_code in registration.content_area_codes or [UNASSIGNED]:
            area_row(area_code).registrations += 1

    nominations = (
        await session.execute(
            select(Nomination.content_area_code, Nomination.proposing_unit_id).where(
                Nomination.campaign_id == campaign_id,
                Nomination.stage != Stage.DRAFT,
                Nomination.year <= last,
            )
        )
    ).all()
    for nominated_code, unit_id in nominations:
        area_row(nominated_code).nominations += 1
        (await unit_row(unit_id)).nominations += 1

    awards = (
        await session.execute(
            select(Nomination.content_area_code, Nomination.proposing_unit_id)
            .join(AwardRecord, AwardRecord.nomination_id == Nomination.id)
            .where(
                Nomination.campaign_id == campaign_id,
                AwardRecord.revoked_at.is_(None),
                AwardRecord.year <= last,
            )
        )
    ).all()
    for awarded_code, unit_id in awards:
        area_row(awarded_code).awards += 1
        (await unit_row(unit_id)).awards += 1

    adoption_counts: dict[int, int] = dict(
        (
            await session.execute(
                select(ExemplarAdoption.exemplar_id, func.count())
                .join(Exemplar, Exemplar.id == ExemplarAdoption.exemplar_id)
                .where(Exemplar.campaign_id == campaign_id)
                .group_by(ExemplarAdoption.exemplar_id)
            )
        ).all()
    )
    exemplar_rows = (
        await session.execute(
            select(Exemplar, Unit.name)
            .join(Unit, Unit.id == Exemplar.proposing_unit_id)
            .where(Exemplar.campaign_id == campaign_id)
            .order_by(Exemplar.id)
        )
    ).all()
    exemplars = [
        ExemplarFigure(
            exemplar_id=e.id,
            title=e.title,
            unit_name=unit_name,
            content_area_code=e.content_area_code,
            stage=e.stage,
            adoptions=adoption_counts.get(e.id, 0),
        )
        for e, unit_name in exemplar_rows
    ]
    by_stage = Counter(e.stage.value for e in exemplars)
    return CampaignReport(
        campaign_id=campaign.id,
        code=campaign.code,
        name=campaign.name,
        theme=campaign.theme,
        start_year=campaign.start_year,
        through_year=last,
        registrations=len(registrations),
        nominations=len(nominations),
        awards=len(awards),
        by_content_area=list(by_area.values()),
        by_unit=list(by_unit.values()),
        exemplars_by_stage={stage.value: by_stage.get(stage.value, 0) for stage in ExemplarStage},
        adoptions=sum(e.adoptions for e in exemplars),
        exemplars=exemplars,
    )
