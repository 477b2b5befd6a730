"""The campaign's and the exemplars' database work: audit trail and projection writes,
the ward's units and who has not registered, the campaign report (gathered, rendered to
PDF, stored), and the draft nomination a summarized exemplar leads to.

``CampaignActivities(session_factory, settings)`` is built once by the worker. Short
reads and writes run as local activities; rendering a document is a regular activity.
The report functions (``gather_campaign_report``, ``store_campaign_report``) also serve
the API, and ``load_campaign_input`` builds the campaign workflow's input for the API and
for ``thidua up``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from domain.rules import UnknownRuleSet
from domain.vocabulary import (
    CouncilRole,
    DocumentKind,
    ExemplarStage,
    ExemplarSubjectKind,
    Level,
    NomineeKind,
    Stage,
    UnitKind,
)
from models import (
    Authority,
    AwardRecord,
    Campaign,
    Collective,
    ContentArea,
    Council,
    CouncilMember,
    Document,
    DossierItem,
    Exemplar,
    ExemplarAdoption,
    ExemplarAssessment,
    ExemplarFollowUp,
    Household,
    Milestone,
    Nomination,
    Person,
    Registration,
    Unit,
    User,
)
from models.campaigns import exemplar_record
from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore, sha256_hex
from thidua.settings import Settings
from workflows.campaign_types import (
    ActiveExemplars,
    ActiveExemplarsInput,
    CampaignChange,
    CampaignInput,
    ContentAreaPlan,
    CycleDates,
    DraftNominationInput,
    DraftNominationResult,
    ExemplarChange,
    MilestonePlan,
    MilestoneReportInput,
    MilestoneReportResult,
    UnitList,
    UnitRef,
    UnregisteredInput,
    WardUnitsInput,
)
from workflows.contracts import Actor

from .documents import ReportSection, ReportTable, render_report_pdf
from .projection import insert_ignoring_conflict, write_audit_event

log = logging.getLogger(__name__)

UNASSIGNED = "unassigned"  # nominations and registrations naming no content area
STAGE_NAMES_VI = {
    ExemplarStage.DISCOVERED: "Phát hiện",
    ExemplarStage.NURTURING: "Bồi dưỡng",
    ExemplarStage.SUMMARIZED: "Tổng kết",
    ExemplarStage.REPLICATING: "Nhân rộng",
    ExemplarStage.DROPPED: "Dừng theo dõi",
}
RATING_NAMES_VI = {"excellent": "Xuất sắc", "good": "Tốt", "fair": "Khá", "weak": "Chưa đạt"}
NOMINEE_KIND = {
    ExemplarSubjectKind.INDIVIDUAL: NomineeKind.INDIVIDUAL,
    ExemplarSubjectKind.COLLECTIVE: NomineeKind.COLLECTIVE,
    ExemplarSubjectKind.RESIDENTIAL_GROUP: NomineeKind.COLLECTIVE,
    ExemplarSubjectKind.HOUSEHOLD: NomineeKind.HOUSEHOLD,
}
EVIDENCE_ITEM = "bao_cao_thanh_tich"  # the achievement report: the summarized model


# ---------------------------------------------------------------------------------------
# The report


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
        code = code or UNASSIGNED
        if code not in by_area:
            by_area[code] = FigureRow(
                key=code, name="Chưa xác định nội dung" if code == UNASSIGNED else code
            )
        return by_area[code]

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
        for code in registration.content_area_codes or [UNASSIGNED]:
            area_row(code).registrations += 1

    nominations = (
        await session.execute(
            select(Nomination.content_area_code, Nomination.proposing_unit_id).where(
                Nomination.campaign_id == campaign_id,
                Nomination.stage != Stage.DRAFT,
                Nomination.year <= last,
            )
        )
    ).all()
    for code, unit_id in nominations:
        area_row(code).nominations += 1
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
    for code, unit_id in awards:
        area_row(code).awards += 1
        (await unit_row(unit_id)).awards += 1

    adoption_counts = dict(
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


def report_sections(report: CampaignReport) -> list[ReportSection]:
    def figures(rows: list[FigureRow], first_column: str, caption: str) -> ReportTable:
        return ReportTable(
            columns=[
                "STT",
                first_column,
                "Đăng ký thi đua",
                "Đề nghị khen thưởng",
                "Được khen thưởng",
            ],
            rows=[
                [str(i), r.name, str(r.registrations), str(r.nominations), str(r.awards)]
                for i, r in enumerate(rows, start=1)
            ]
            + [
                [
                    "",
                    "Tổng cộng",
                    str(report.registrations),
                    str(report.nominations),
                    str(report.awards),
                ]
            ],
            caption=caption,
            numeric_columns=[2, 3, 4],
        )

    stages = ", ".join(
        f"{STAGE_NAMES_VI[ExemplarStage(stage)].lower()}: {count}"
        for stage, count in report.exemplars_by_stage.items()
    )
    return [
        ReportSection(
            heading="I. Thông tin chung",
            paragraphs=[
                f"Phong trào: {report.name}.",
                f"Chủ đề: “{report.theme}”.",
                f"Thời gian tổng hợp: từ năm {report.start_year} đến hết năm {report.through_year}.",
                f"Tổng số lượt đăng ký thi đua: {report.registrations}; số đề nghị khen thưởng: "
                f"{report.nominations}; số được khen thưởng: {report.awards}.",
            ],
        ),
        ReportSection(
            heading="II. Kết quả theo nội dung thi đua",
            paragraphs=[
                "Một bản đăng ký có thể nêu nhiều nội dung thi đua; dòng tổng cộng đếm "
                "mỗi bản đăng ký một lần."
            ],
            tables=[
                figures(report.by_content_area, "Nội dung thi đua", "Bảng 1. Theo nội dung thi đua")
            ],
        ),
        ReportSection(
            heading="III. Kết quả theo đơn vị",
            tables=[figures(report.by_unit, "Đơn vị", "Bảng 2. Theo đơn vị")],
        ),
        ReportSection(
            heading="IV. Phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến",
            paragraphs=[
                f"Tổng số điển hình: {len(report.exemplars)} ({stages}).",
                f"Số lượt đơn vị nhân rộng mô hình: {report.adoptions}.",
            ],
            tables=[
                ReportTable(
                    columns=[
                        "STT",
                        "Điển hình tiên tiến",
                        "Đơn vị phát hiện",
                        "Bước",
                        "Đơn vị nhân rộng",
                    ],
                    rows=[
                        [str(i), e.title, e.unit_name, STAGE_NAMES_VI[e.stage], str(e.adoptions)]
                        for i, e in enumerate(report.exemplars, start=1)
                    ],
                    caption="Bảng 3. Điển hình tiên tiến",
                    numeric_columns=[4],
                )
            ]
            if report.exemplars
            else [],
        ),
    ]


@dataclass
class StoredReport:
    document_id: int
    sha256: str
    report: CampaignReport


async def store_campaign_report(
    factory: SessionFactory,
    files: FileStore,
    campaign_id: int,
    *,
    key: str,
    title: str,
    through_year: int | None,
    dated: datetime,
) -> StoredReport:
    """Gather, render and store the report as a REPORT document, once per ``key``."""
    async with factory() as session:
        existing = (
            await session.execute(select(Document).where(Document.document_key == key))
        ).scalar_one_or_none()
        report = await gather_campaign_report(session, campaign_id, through_year=through_year)
        if existing is not None:
            return StoredReport(existing.id, existing.sha256, report)
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        authority = await session.get(Authority, campaign.authority_id)
        assert authority is not None
    pdf = await render_report_pdf(
        f"Báo cáo {title[:1].lower()}{title[1:]}",
        report_sections(report),
        subtitle=f"{campaign.name} (giai đoạn {campaign.start_year} - {campaign.end_year})",
        header_lines=list(authority.header_lines),
        place_date=format_vn_long_date(authority.place_name, dated.astimezone(VIETNAM_TZ).date()),
    )
    storage_key = await asyncio.to_thread(files.put, pdf)
    try:
        async with transaction(factory) as session:
            document = Document(
                kind=DocumentKind.REPORT,
                title=f"Báo cáo {title}"[:500],
                document_key=key,
                sha256=sha256_hex(pdf),
                size_bytes=len(pdf),
                content_type="application/pdf",
                storage_key=storage_key,
                authority_id=authority.id,
                campaign_id=campaign_id,
                created_at=dated,
            )
            session.add(document)
            await session.flush()
            return StoredReport(document.id, document.sha256, report)
    except IntegrityError:  # a concurrent attempt stored it first
        async with factory() as session:
            existing = (
                await session.execute(select(Document).where(Document.document_key == key))
            ).scalar_one()
            return StoredReport(existing.id, existing.sha256, report)


# ---------------------------------------------------------------------------------------
# Launching


async def head_of_standing_body(session: AsyncSession, authority: Authority) -> int | None:
    """The user who heads the authority's standing body: the standing unit's head, else
    the council's standing member (ủy viên thường trực, the council's secretary)."""
    standing = await session.get(Unit, authority.standing_unit_id)
    if standing is not None and standing.head_person_id is not None:
        user_id = (
            (
                await session.execute(
                    select(User.id).where(
                        User.person_id == standing.head_person_id, User.is_active.is_(True)
                    )
                )
            )
            .scalars()
            .first()
        )
        if user_id is not None:
            return user_id
    return (
        (
            await session.execute(
                select(CouncilMember.user_id)
                .join(Council, Council.id == CouncilMember.council_id)
                .where(
                    Council.authority_id == authority.id,
                    CouncilMember.active.is_(True),
                    CouncilMember.council_role == CouncilRole.SECRETARY,
                )
            )
        )
        .scalars()
        .first()
    )


async def load_campaign_input(
    session: AsyncSession, campaign: Campaign, launched_by: Actor
) -> CampaignInput:
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    areas = (
        (
            await session.execute(
                select(ContentArea)
                .where(ContentArea.campaign_id == campaign.id)
                .order_by(ContentArea.position)
            )
        )
        .scalars()
        .all()
    )
    milestones = (
        (
            await session.execute(
                select(Milestone)
                .where(Milestone.campaign_id == campaign.id)
                .order_by(Milestone.due_on)
            )
        )
        .scalars()
        .all()
    )
    return CampaignInput(
        campaign_id=campaign.id,
        code=campaign.code,
        name=campaign.name,
        authority_id=authority.id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        start_year=campaign.start_year,
        end_year=campaign.end_year,
        cycle=CycleDates(
            registration_opens=campaign.registration_opens,
            registration_due=campaign.registration_due,
            household_review_due=campaign.household_review_due,
            dossiers_due=campaign.dossiers_due,
        ),
        content_areas=[ContentAreaPlan(a.code, a.title, a.description) for a in areas],
        milestones=[
            MilestonePlan(
                code=m.code,
                title=m.title,
                due_on=m.due_on,
                stage_position=m.stage_position,
                reached_at=m.reached_at,
            )
            for m in milestones
        ],
        launched_by=launched_by,
    )


# ---------------------------------------------------------------------------------------
# Projection


async def apply_campaign_change(session: AsyncSession, change: CampaignChange) -> bool:
    added = await write_audit_event(
        session,
        event_key=f"{change.workflow_id}:{change.seq}",
        subject_type="campaign",
        subject_id=change.campaign_id,
        action=change.action,
        occurred_at=change.occurred_at,
        actor_user_id=change.actor_user_id,
        actor_name=change.actor_name,
        actor_role=change.actor_role,
        to_stage=change.status,
        reason=change.reason,
        changes=change.changes,
    )
    if not added:
        return False
    if change.status is not None:
        values: dict = {"status": change.status}
        if change.action == "launched":
            values["workflow_id"] = change.workflow_id
            campaign = await session.get(Campaign, change.campaign_id)
            if campaign is not None and campaign.launched_at is None:
                values["launched_at"] = change.occurred_at
        await session.execute(
            update(Campaign).where(Campaign.id == change.campaign_id).values(**values)
        )
    if change.added_content_area is not None:
        area = change.added_content_area
        position = (
            await session.execute(
                select(func.coalesce(func.max(ContentArea.position), 0)).where(
                    ContentArea.campaign_id == change.campaign_id
                )
            )
        ).scalar_one()
        await insert_ignoring_conflict(
            session,
            ContentArea,
            dict(
                campaign_id=change.campaign_id,
                code=area.code,
                title=area.title,
                description=area.description,
                position=position + 1,
            ),
            ["campaign_id", "code"],
        )
    if change.moved_milestone is not None:
        await session.execute(
            update(Milestone)
            .where(
                Milestone.campaign_id == change.campaign_id,
                Milestone.code == change.moved_milestone.code,
            )
            .values(due_on=change.moved_milestone.due_on)
        )
    return True


async def apply_exemplar_change(session: AsyncSession, change: ExemplarChange) -> bool:
    event_key = f"{change.workflow_id}:{change.seq}"
    added = await write_audit_event(
        session,
        event_key=event_key,
        subject_type="exemplar",
        subject_id=change.exemplar_id,
        action=change.action,
        occurred_at=change.occurred_at,
        actor_user_id=change.actor_user_id,
        actor_name=change.actor_name,
        actor_role=change.actor_role,
        from_stage=change.from_stage.value if change.from_stage else None,
        to_stage=change.to_stage.value,
        reason=change.reason,
        changes=change.changes,
    )
    if not added:
        return False
    values: dict = dict(
        stage=change.to_stage,
        responsible_user_id=change.responsible_user_id,
        support_plan=change.support_plan,
        follow_up_every_days=change.follow_up_every_days,
        next_follow_up_due=change.next_follow_up_due,
        dropped_reason=change.dropped_reason,
        published_at=change.published_at,
    )
    if change.nomination_id is not None:
        values["nomination_id"] = change.nomination_id
    await session.execute(
        update(Exemplar).where(Exemplar.id == change.exemplar_id).values(**values)
    )
    actor = change.actor_user_id if change.actor_user_id and change.actor_user_id > 0 else None
    if change.follow_up is not None and actor is not None:
        session.add(
            ExemplarFollowUp(
                event_key=event_key,
                exemplar_id=change.exemplar_id,
                recorded_by_user_id=actor,
                recorded_at=change.follow_up.recorded_at,
                note=change.follow_up.note,
            )
        )
    if change.assessment is not None and actor is not None:
        record = change.assessment
        session.add(
            ExemplarAssessment(
                event_key=event_key,
                exemplar_id=change.exemplar_id,
                milestone_code=record.milestone_code,
                findings=record.findings,
                rating=record.rating,
                assessed_by_user_id=actor,
                assessed_at=record.assessed_at,
            )
        )
    if change.adoption is not None and actor is not None:
        record = change.adoption
        await insert_ignoring_conflict(
            session,
            ExemplarAdoption,
            dict(
                exemplar_id=change.exemplar_id,
                unit_id=record.unit_id,
                adopted_on=record.adopted_on,
                report=record.report,
                reported_by_user_id=actor,
                recorded_at=record.recorded_at,
            ),
            ["exemplar_id", "unit_id"],
        )
    return True


# ---------------------------------------------------------------------------------------
# The nomination a summarized exemplar leads to


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
        return f"Hộ gia đình ông/bà {household.head_name}", household.residential_group_id
    if exemplar.collective_id is not None:
        collective = await session.get(Collective, exemplar.collective_id)
        return (collective.name, collective.unit_id) if collective else None
    return None


async def _evidence_pdf(session: AsyncSession, exemplar: Exemplar, unit: Unit) -> bytes:
    follow_ups, assessments = await exemplar_record(session, exemplar.id)
    sections = [
        ReportSection(
            heading="I. Điển hình tiên tiến",
            paragraphs=[p for p in (exemplar.title, exemplar.description) if p],
        ),
        ReportSection(heading="II. Thành tích, minh chứng", paragraphs=[exemplar.evidence]),
        ReportSection(
            heading="III. Bồi dưỡng, theo dõi",
            paragraphs=[
                exemplar.support_plan or "Chưa có kế hoạch bồi dưỡng.",
                f"Số lần theo dõi đã ghi nhận: {len(follow_ups)}.",
            ]
            + [f"{format_vn_date(f.recorded_at)}: {f.note}" for f in follow_ups[-5:]],
        ),
        ReportSection(
            heading="IV. Kết quả tổng kết, đánh giá",
            tables=[
                ReportTable(
                    columns=["Ngày", "Mốc", "Xếp loại", "Nhận xét"],
                    rows=[
                        [
                            format_vn_date(a.assessed_at),
                            a.milestone_code,
                            RATING_NAMES_VI.get(a.rating, a.rating),
                            a.findings,
                        ]
                        for a in assessments
                    ],
                )
            ],
        ),
    ]
    return await render_report_pdf(
        "Báo cáo thành tích điển hình tiên tiến",
        sections,
        subtitle=exemplar.title,
        header_lines=[unit.name.upper()],
    )


# ---------------------------------------------------------------------------------------
# The activities


class CampaignActivities:
    """Activities of the campaign and exemplar workflows.

    Local: ``record_campaign_change``, ``record_exemplar_change`` (audit + projection,
    idempotent by workflow id + sequence), ``ward_units``, ``unregistered_units``,
    ``active_exemplars``. Regular: ``milestone_report`` (one REPORT document per key),
    ``draft_nomination_from_exemplar`` (one draft per exemplar).
    """

    def __init__(
        self, session_factory: SessionFactory, settings: Settings, *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._clock = clock
        self._factory = session_factory
        self._settings = settings
        self._files = FileStore(settings.files_dir)

    def _dossier_item_names(self, rule_set_id: str) -> dict[str, str]:
        from thidua.catalogue_store import get_catalogue

        catalogue = get_catalogue(
            str(self._settings.catalogue_dir), self._settings.city_override or ""
        )
        try:
            items = catalogue.get(rule_set_id).dossier_items
        except UnknownRuleSet:
            return {}
        return {code: item.name_vi for code, item in items.items()}

    @activity.defn
    async def record_campaign_change(self, change: CampaignChange) -> bool:
        async with transaction(self._factory) as session:
            return await apply_campaign_change(session, change)

    @activity.defn
    async def record_exemplar_change(self, change: ExemplarChange) -> bool:
        async with transaction(self._factory) as session:
            return await apply_exemplar_change(session, change)

    @activity.defn
    async def ward_units(self, request: WardUnitsInput) -> UnitList:
        async with self._factory() as session:
            campaign = await session.get(Campaign, request.campaign_id)
            if campaign is None:
                return UnitList()
            units = await ward_units_of(session, campaign)
        if request.residential_groups_only:
            units = [u for u in units if u.kind == UnitKind.RESIDENTIAL_GROUP]
        return UnitList([UnitRef(u.id, u.name, u.kind.value) for u in units])

    @activity.defn
    async def unregistered_units(self, request: UnregisteredInput) -> UnitList:
        """The ward's units without a unit registration (not a person's) for the year."""
        async with self._factory() as session:
            campaign = await session.get(Campaign, request.campaign_id)
            if campaign is None:
                return UnitList()
            registered = set(
                (
                    await session.execute(
                        select(Registration.unit_id).where(
                            Registration.campaign_id == request.campaign_id,
                            Registration.year == request.year,
                            Registration.person_id.is_(None),
                        )
                    )
                ).scalars()
            )
            units = await ward_units_of(session, campaign)
        return UnitList(
            [UnitRef(u.id, u.name, u.kind.value) for u in units if u.id not in registered]
        )

    @activity.defn
    async def active_exemplars(self, request: ActiveExemplarsInput) -> ActiveExemplars:
        async with self._factory() as session:
            ids = (
                (
                    await session.execute(
                        select(Exemplar.workflow_id)
                        .where(
                            Exemplar.campaign_id == request.campaign_id,
                            Exemplar.stage != ExemplarStage.DROPPED,
                            Exemplar.workflow_id != "",
                        )
                        .order_by(Exemplar.id)
                    )
                )
                .scalars()
                .all()
            )
        return ActiveExemplars(list(ids))

    @activity.defn
    async def milestone_report(self, request: MilestoneReportInput) -> MilestoneReportResult:
        """Gather the results up to the milestone, render and store the report, and mark
        the milestone reached with its report."""
        stored = await store_campaign_report(
            self._factory,
            self._files,
            request.campaign_id,
            key=request.key,
            title=request.title,
            through_year=request.through_year,
            dated=request.reached_at,
        )
        async with transaction(self._factory) as session:
            await session.execute(
                update(Milestone)
                .where(
                    Milestone.campaign_id == request.campaign_id,
                    Milestone.code == request.milestone_code,
                )
                .values(reached_at=request.reached_at, report_document_id=stored.document_id)
            )
        report = stored.report
        return MilestoneReportResult(
            document_id=stored.document_id,
            registrations=report.registrations,
            nominations=report.nominations,
            awards=report.awards,
            exemplars=len(report.exemplars),
            adoptions=report.adoptions,
        )

    @activity.defn
    async def draft_nomination_from_exemplar(
        self, request: DraftNominationInput
    ) -> DraftNominationResult:
        """A DRAFT nomination of the exemplar's nominee, its achievement summary and
        evidence (the achievement report, as a PDF dossier item) taken from the summarized
        model; the unit reviews it and submits it through the nominations API."""
        async with self._factory() as session:
            exemplar = await session.get(Exemplar, request.exemplar_id)
            if exemplar is None:
                raise ApplicationError(
                    "no such exemplar", type="ExemplarNotFound", non_retryable=True
                )
            if exemplar.nomination_id is not None:
                return DraftNominationResult(exemplar.nomination_id)
            nominee = await nominee_of(session, exemplar)
            kind = NOMINEE_KIND.get(exemplar.subject_kind)
            if nominee is None or kind is None:
                raise ApplicationError(
                    "Điển hình không có đối tượng để đề nghị khen thưởng / the model has no nominee",
                    type="NoNominee",
                    non_retryable=True,
                )
            name, unit_id = nominee
            unit = await session.get(Unit, unit_id)
            campaign = await session.get(Campaign, exemplar.campaign_id)
            assert unit is not None and campaign is not None
            latest = (
                (
                    await session.execute(
                        select(ExemplarAssessment)
                        .where(ExemplarAssessment.exemplar_id == exemplar.id)
                        .order_by(ExemplarAssessment.assessed_at.desc())
                    )
                )
                .scalars()
                .first()
            )
            pdf = await _evidence_pdf(session, exemplar, unit)
        summary = f"Điển hình tiên tiến “{exemplar.title}”. {exemplar.evidence}"
        if latest is not None:
            summary += (
                f" Kết quả tổng kết ({format_vn_date(latest.assessed_at)}, "
                f"{RATING_NAMES_VI.get(latest.rating, latest.rating)}): {latest.findings}"
            )
        storage_key = await asyncio.to_thread(self._files.put, pdf)
        async with transaction(self._factory) as session:
            exemplar = await session.get(Exemplar, request.exemplar_id, with_for_update=True)
            assert exemplar is not None
            if exemplar.nomination_id is not None:  # a concurrent attempt drafted it
                return DraftNominationResult(exemplar.nomination_id)
            now = self._clock.now()
            nomination = Nomination(
                stage_entered_at=now,
                award_code=request.award_code,
                rule_set_id=request.rule_set_id,
                year=request.year,
                subject_kind=kind,
                person_id=exemplar.person_id,
                collective_id=exemplar.collective_id,
                household_id=exemplar.household_id,
                nominee_name=name,
                proposing_unit_id=unit_id,
                origin_authority_id=campaign.authority_id,
                authority_id=campaign.authority_id,
                level=Level.WARD,
                stage=Stage.DRAFT,
                submitted_by_user_id=request.drafted_by_user_id,
                achievement_summary=summary[:20000],
                campaign_id=campaign.id,
                content_area_code=exemplar.content_area_code,
                exemplar_id=exemplar.id,
                attestations=list(request.attestations),
            )
            session.add(nomination)
            await session.flush()
            session.add(
                DossierItem(
                    nomination_id=nomination.id,
                    item_code=EVIDENCE_ITEM,
                    title=f"Báo cáo thành tích: điển hình tiên tiến “{exemplar.title}”"[:255],
                    level=Level.WARD,
                    file_name=f"bao-cao-dien-hinh-{exemplar.id}.pdf",
                    content_type="application/pdf",
                    size_bytes=len(pdf),
                    sha256=sha256_hex(pdf),
                    storage_key=storage_key,
                    uploaded_by_user_id=request.drafted_by_user_id,
                    uploaded_at=now,
                )
            )
            names = self._dossier_item_names(request.rule_set_id)
            for code in dict.fromkeys(request.dossier_items):
                if code != EVIDENCE_ITEM:
                    session.add(
                        DossierItem(
                            nomination_id=nomination.id,
                            item_code=code,
                            title=names.get(code, code)[:255],
                            level=Level.WARD,
                            uploaded_by_user_id=request.drafted_by_user_id,
                            uploaded_at=now,
                        )
                    )
            exemplar.nomination_id = nomination.id
            await session.flush()
            log.info("exemplar %s drafted nomination %s", exemplar.id, nomination.id)
            return DraftNominationResult(nomination.id)
