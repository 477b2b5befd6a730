"""The campaign's and the exemplars' database work for their workflows: the audit trail
and projection writes, the ward's units and who has not registered, the exemplars a
milestone asks, a milestone's report (``activities/campaign_report.py`` renders and
stores it), and the draft nomination a summarized exemplar leads to.

``CampaignActivities(session_factory, settings)`` is built once by the worker. Short
reads and writes run as local activities; rendering a document is a regular activity.
What the API alone needs lives in ``api/`` (the campaign's workflow input in
``api/services/plans.py``); the reads both need are in ``models/campaigns.py`` and
``models/campaign_report.py``.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.calendar import format_vn_date
from domain.rules import UnknownRuleSet
from domain.vocabulary import NOMINEE_KIND, ExemplarStage, Level, Stage, UnitKind
from models import (
    Campaign,
    ContentArea,
    DossierItem,
    Exemplar,
    ExemplarAdoption,
    ExemplarAssessment,
    ExemplarFollowUp,
    Milestone,
    Nomination,
    Registration,
    Unit,
)
from models.audit import insert_ignoring_conflict, write_audit_event
from models.campaigns import exemplar_record, nominee_of, ward_units_of
from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore, sha256_hex
from thidua.settings import Settings
from workflows.campaign_types import (
    ActiveExemplars,
    ActiveExemplarsInput,
    CampaignChange,
    DraftNominationInput,
    DraftNominationResult,
    ExemplarChange,
    MilestoneReportInput,
    MilestoneReportResult,
    UnitList,
    UnitRef,
    UnregisteredInput,
    WardUnitsInput,
)

from .campaign_report import store_campaign_report
from .documents.report import ReportSection, ReportTable, render_report_pdf

log = logging.getLogger(__name__)

RATING_NAMES_VI = {"excellent": "Xuất sắc", "good": "Tốt", "fair": "Khá", "weak": "Chưa đạt"}
EVIDENCE_ITEM = "bao_cao_thanh_tich"  # the achievement report: the summarized model


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
        adoption = change.adoption
        await insert_ignoring_conflict(
            session,
            ExemplarAdoption,
            dict(
                exemplar_id=change.exemplar_id,
                unit_id=adoption.unit_id,
                adopted_on=adoption.adopted_on,
                report=adoption.report,
                reported_by_user_id=actor,
                recorded_at=adoption.recorded_at,
            ),
            ["exemplar_id", "unit_id"],
        )
    return True


# ---------------------------------------------------------------------------------------
# The nomination a summarized exemplar leads to


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
