"""An import: the uploaded workbook read, every sheet applied in its kind's order inside
one savepoint, and the report. A dry run, or a file with any problem, rolls the savepoint
back: the dry run tells exactly what applying would do, and applying is all or nothing.
Only an administrator imports, into the units they administer."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models.audit import write_audit_events
from models.schemas.imports import (
    ImportColumnRead,
    ImportReport,
    ProblemRead,
    SheetKindRead,
    SheetReportRead,
)
from thidua.settings import Settings

from ...errors import ImportProblems, NotFound
from ...principal import Principal
from ..admin_scope import administered_unit_ids, require_administrator
from .kinds import ImportContext, Outcome, SheetKind
from .reader import read_workbook
from .sheet_kinds import SHEET_KINDS, sheet_kind
from .template import template_workbook
from .user_sheets import mail_setup_links

TEMPLATES_PATH = "/api/v1/imports/templates"


def _example(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def kind_read(kind: SheetKind) -> SheetKindRead:
    return SheetKindRead(
        kind=kind.kind,
        title=kind.title,
        natural_key=kind.natural_key_vi,
        template_url=f"{TEMPLATES_PATH}/{kind.kind}.xlsx",
        columns=[
            ImportColumnRead(
                key=column.key,
                header=column.header,
                required=column.required,
                help=column.help_vi,
                example=_example(column.example),
            )
            for column in kind.columns
        ],
    )


def sheet_kinds(principal: Principal) -> list[SheetKindRead]:
    """The kinds of sheet an import takes, with their columns and natural keys."""
    require_administrator(principal)
    return [kind_read(kind) for kind in SHEET_KINDS]


def template(principal: Principal, kind_name: str) -> tuple[str, bytes]:
    """The template workbook of one kind ("units") or of every kind ("all"): its file name
    and bytes; 404 for an unknown kind."""
    require_administrator(principal)
    if kind_name == "all":
        return "mau-nhap-du-lieu.xlsx", template_workbook(SHEET_KINDS)
    kind = sheet_kind(kind_name)
    if kind is None:
        raise NotFound("Không có mẫu nhập này", "No such template")
    return f"mau-nhap-{kind.kind}.xlsx", template_workbook([kind])


async def run_import(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    *,
    data: bytes,
    filename: str,
    apply: bool,
    now: datetime,
) -> ImportReport:
    """Read and apply an uploaded workbook. A dry run (``apply`` False) reports what
    applying would do and writes nothing. Applying a file with problems raises
    ``ImportProblems`` (422, the problems in the body) and writes nothing; applying a good
    file writes every row, one audit event per changed record and one for the import,
    then mails the setup links of the new accounts that have an address."""
    scope = await administered_unit_ids(session, principal)
    workbook = read_workbook(data, SHEET_KINDS)
    digest = hashlib.sha256(data).hexdigest()
    context = ImportContext(
        session=session,
        principal=principal,
        scope=scope,
        now=now,
        import_key=f"import:{digest}",
        problems=list(workbook.problems),
    )
    counts: dict[str, Counter[Outcome]] = {}
    savepoint = await session.begin_nested()
    try:
        for sheet in workbook.sheets:
            tally = counts.setdefault(sheet.kind.kind, Counter())
            for row in sheet.rows:
                outcome = await sheet.kind.apply_row(context, sheet.kind, row)
                if outcome is not None:
                    tally[outcome] += 1
        total = sum(counts.values(), Counter())
        keep = apply and not context.problems
        if keep and (total[Outcome.CREATED] or total[Outcome.UPDATED]):
            context.events.append(
                dict(
                    event_key=f"{context.import_key}:import:{uuid.uuid4().hex}",
                    subject_type="import",
                    subject_id=principal.user_id,
                    action="import_applied",
                    occurred_at=now,
                    actor_user_id=principal.user_id,
                    actor_name=principal.full_name,
                    actor_role=Role.ADMIN.value,
                    changes={
                        "file_name": [None, filename],
                        "sha256": [None, digest],
                        **{
                            f"{kind}.{outcome.value}": [None, tally[outcome]]
                            for kind, tally in counts.items()
                            for outcome in Outcome
                            if tally[outcome]
                        },
                    },
                )
            )
        if keep:
            # Every record's event and the import's own, each chain's lock taken first.
            await write_audit_events(session, context.events)
            await savepoint.commit()
        else:
            await savepoint.rollback()
    except BaseException:
        if savepoint.is_active:
            await savepoint.rollback()
        raise
    report = ImportReport(
        file_name=filename,
        sha256=digest,
        applied=keep,
        sheets=[
            SheetReportRead(
                kind=sheet.kind.kind,
                title=sheet.kind.title,
                sheet=sheet.name,
                rows=len(sheet.rows),
                created=counts[sheet.kind.kind][Outcome.CREATED],
                updated=counts[sheet.kind.kind][Outcome.UPDATED],
                unchanged=counts[sheet.kind.kind][Outcome.UNCHANGED],
            )
            for sheet in workbook.sheets
        ],
        problems=[
            ProblemRead(
                sheet=problem.sheet,
                row=problem.row,
                column=problem.column,
                message=problem.message_vi,
                message_en=problem.message_en,
            )
            for problem in context.problems
        ],
        created=total[Outcome.CREATED],
        updated=total[Outcome.UPDATED],
        unchanged=total[Outcome.UNCHANGED],
    )
    if apply and context.problems:
        raise ImportProblems(report.model_dump(mode="json"), report)
    if keep:
        report.setup_links_mailed_to = await mail_setup_links(context, settings, principal, now=now)
    return report
