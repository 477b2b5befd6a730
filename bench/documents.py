"""documents: a year-end decision with N awardees (default 500), issued through the real
code path: `DocumentActivities.issue_decision`, the activity the decision workflow runs
when the chairman signs (checks and the number in one transaction; the decision rendered
from its template to PDF with WeasyPrint; signed with the chairman's PKCS#12 identity by
pyHanko; stored; then the decision marked issued and one award record per awardee).

Each repetition issues a new decision of N awardees (an issued decision is idempotent, so
it cannot be issued twice). Rendering and signing are timed inside that same call (the
activity's own calls to ``render_template_places`` and ``sign_pdf`` are wrapped with a
timer), so the breakdown adds up to the measured total. The signed PDF is then checked the
way the verification page checks it (`api.services.verification.verify_pdf`: pyHanko's
validator against the trust roots, the document found by its hash) and with pyHanko's
validator directly: the signature must be intact, valid and trusted, and cover the
whole file."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from thidua.clock import SYSTEM_CLOCK

from .common import (
    Progress,
    bench_settings,
    environment,
    environment_line,
    fmt_seconds,
    fresh_database,
    markdown_table,
    peak_rss_self,
    say,
    summary,
    work_dir,
    write_results,
)
from .world import person_name

TARGET_SECONDS = 5.0
AWARD = "giay_khen"
RULE_SET = "nd152-2025"


@contextlib.contextmanager
def timed_calls(module: Any, names: list[str], into: dict[str, list[float]]) -> Iterator[None]:
    """Wrap ``module.<name>`` (a function the module calls through its globals) with a
    timer that appends each call's seconds to ``into[name]``; restored on exit."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                into.setdefault(name, []).append(time.perf_counter() - started)

        return timed

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


async def build_decisions(factory, awardees: int, count: int) -> tuple[list[int], int]:
    """``count`` decisions of the demo ward, each awaiting the chairman's signature with
    ``awardees`` people (distinct nominations, distinct people), inserted in bulk.
    Returns (decision ids, the chairman's user id)."""
    from domain.vocabulary import (
        DecisionKind,
        DecisionStatus,
        Gender,
        Level,
        NomineeKind,
        Role,
        Stage,
    )
    from models import Authority, Decision, DecisionItem, Nomination, Person, RoleGrant, Unit, User

    now = datetime.now(UTC)
    async with factory() as session, session.begin():
        ward = (
            (await session.execute(select(Authority).where(Authority.level == Level.WARD)))
            .scalars()
            .first()
        )
        assert ward is not None, "the demo seed (with its ward) must be loaded"
        chairman_id = (
            (
                await session.execute(
                    select(RoleGrant.user_id).where(
                        RoleGrant.role == Role.CHAIRMAN, RoleGrant.unit_id == ward.unit_id
                    )
                )
            )
            .scalars()
            .first()
        )
        officer_id = (
            await session.execute(select(User.id).where(User.username == "thuongtruc"))
        ).scalar_one()
        units = list(
            (
                await session.execute(
                    select(Unit.id, Unit.name)
                    .where(Unit.parent_id == ward.unit_id)
                    .order_by(Unit.id)
                )
            ).all()
        )
        people = [
            dict(
                full_name=person_name(i),
                gender=Gender.FEMALE if i % 2 else Gender.MALE,
                birth_year=1970 + i % 30,
                position="Chuyên viên",
                unit_id=units[i % len(units)][0],
                is_official=True,
            )
            for i in range(awardees * count)
        ]
        person_ids: list[int] = []
        for start in range(0, len(people), 1000):
            person_ids += list(
                (
                    await session.execute(
                        insert(Person).returning(Person.id), people[start : start + 1000]
                    )
                ).scalars()
            )
        year = now.year
        nominations = [
            dict(
                award_code=AWARD,
                rule_set_id=RULE_SET,
                year=year,
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=person_id,
                nominee_name=people[i]["full_name"],
                proposing_unit_id=people[i]["unit_id"],
                origin_authority_id=ward.id,
                submitted_by_user_id=officer_id,
                achievement_summary="Hoàn thành xuất sắc nhiệm vụ được giao",
                attestations=[],
                achievement_key=f"{AWARD}:{year}:bench-{person_id}",
                level=Level.WARD,
                authority_id=ward.id,
                stage=Stage.SIGNING,
                stage_entered_at=now,
                workflow_id=f"nomination-bench-documents-{i}",
            )
            for i, person_id in enumerate(person_ids)
        ]
        nomination_ids: list[int] = []
        for start in range(0, len(nominations), 1000):
            nomination_ids += list(
                (
                    await session.execute(
                        insert(Nomination).returning(Nomination.id),
                        nominations[start : start + 1000],
                    )
                ).scalars()
            )
        unit_names = dict(units)
        decision_ids = []
        for number in range(count):
            decision = Decision(
                authority_id=ward.id,
                kind=DecisionKind.DECISION,
                status=DecisionStatus.AWAITING_SIGNATURE,
                title=f"Về việc tặng Giấy khen cho các cá nhân có thành tích xuất sắc năm {year}",
                drafted_by_user_id=officer_id,
                signer_user_id=chairman_id,
                proposer_text="Trưởng phòng Văn hóa - Xã hội phường",
                due_at=now + timedelta(days=3),
                workflow_id=f"decision-bench-documents-{number}",
            )
            session.add(decision)
            await session.flush()
            decision_ids.append(decision.id)
            chunk = range(number * awardees, (number + 1) * awardees)
            await session.execute(
                insert(DecisionItem),
                [
                    dict(
                        decision_id=decision.id,
                        nomination_id=nomination_ids[i],
                        position=p,
                        nominee_name=people[i]["full_name"],
                        nominee_description=f"Chuyên viên, {unit_names[people[i]['unit_id']]}",
                        award_code=AWARD,
                    )
                    for p, i in enumerate(chunk, start=1)
                ],
            )
    return decision_ids, chairman_id


async def pyhanko_check(pdf: bytes, roots: list) -> dict[str, Any]:
    """pyHanko's validator on the first embedded signature, trusting ``roots``
    (asn1crypto certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    signatures = reader.embedded_signatures
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    status = await async_validate_pdf_signature(signatures[0], context)
    return {
        "signatures": len(signatures),
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": bool(status.trusted),
        "coverage": str(status.coverage.name) if status.coverage is not None else "",
        # B-LT: the revocation data is added after the signature (LTA_UPDATES), so the
        # signature covers its revision and only validation data follows it.
        "modification_level": (
            str(status.modification_level.name) if status.modification_level is not None else ""
        ),
        "bottom_line": bool(status.bottom_line),
    }


async def run(
    awardees: int = 500,
    *,
    repeat: int = 3,
    db: str = "sqlite",
    quiet: bool = False,
    results_dir: Path | None = None,
) -> dict[str, Any]:
    from pypdf import PdfReader

    import activities.documents.activities as issuing
    import activities.documents.decision as decision_document
    from activities.documents.activities import DocumentActivities
    from activities.documents.types import IssueDecisionInput
    from api.services.verification import _asn1_roots, verify_pdf
    from domain.vocabulary import SignerCapacity
    from models import AwardRecord, Document
    from thidua.catalogue_store import get_catalogue
    from thidua.files import FileStore

    repeat = max(1, repeat)
    folder = work_dir("documents")
    env = environment()
    runs: list[dict[str, Any]] = []
    async with fresh_database(db, folder) as database:
        settings = bench_settings(database, folder)
        say(f"documents: building {repeat} decisions of {awardees:,} awardees ({db})", quiet=quiet)
        decision_ids, chairman_id = await build_decisions(database.factory, awardees, repeat)
        catalogue = get_catalogue(str(settings.catalogue_dir), settings.city_override or "")
        issuer = DocumentActivities(database.factory, settings, catalogue.get)
        files = FileStore(settings.files_dir)
        roots = _asn1_roots(settings)
        # Warm-up: fonts, templates and the renderer load once per worker process; a
        # small decision would load them too. Render once, outside the figures.
        say("documents: warm-up (renderer, fonts, templates)", quiet=quiet)
        async with database.factory() as session:
            warm_started = time.perf_counter()
            await decision_document.render_decision_pdf(
                session,
                decision_ids[0],
                draft=True,
                get_rule_set=catalogue.get,
                today=SYSTEM_CLOCK.today(),
            )
            warm_seconds = time.perf_counter() - warm_started
        progress = Progress("documents", repeat, enabled=not quiet)
        for decision_id in decision_ids:
            calls: dict[str, list[float]] = {}
            with (
                timed_calls(decision_document, ["render_template_places"], calls),
                timed_calls(issuing, ["sign_pdf"], calls),
            ):
                started = time.perf_counter()
                issued = await issuer.issue_decision(
                    IssueDecisionInput(
                        decision_id=decision_id,
                        signer_user_id=chairman_id,
                        capacity=SignerCapacity.CHAIRMAN,
                        signed_at=datetime.now(UTC),
                    )
                )
                total = time.perf_counter() - started
            async with database.factory() as session:
                document = await session.get(Document, issued.document_id)
                pdf = files.get(document.storage_key)
                records = await session.scalar(
                    select(func.count())
                    .select_from(AwardRecord)
                    .where(AwardRecord.decision_id == decision_id)
                )
                verified_started = time.perf_counter()
                # A benchmark runs at the machine's time, as the certificates it signs with.
                report = await verify_pdf(session, pdf, settings, now=datetime.now(UTC))
                verify_seconds = time.perf_counter() - verified_started
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            render = sum(calls.get("render_template_places", []))
            sign = sum(calls.get("sign_pdf", []))
            runs.append(
                {
                    "decision_id": decision_id,
                    "number": issued.number_text,
                    "total_seconds": total,
                    "render_seconds": render,
                    "sign_seconds": sign,
                    "other_seconds": total - render - sign,
                    "verify_seconds": verify_seconds,
                    "pages": pages,
                    "pdf_bytes": len(pdf),
                    "award_records": records,
                    "verification_status": str(getattr(report.status, "value", report.status)),
                    "pyhanko": await pyhanko_check(pdf, roots),
                }
            )
            progress.advance(note=f"{issued.number_text} {fmt_seconds(total)}")
        progress.close()
        async with database.factory() as session:
            database_rows = (
                await session.execute(text("SELECT COUNT(*) FROM decision_items"))
            ).scalar_one()

    payload: dict[str, Any] = {
        "benchmark": "documents",
        "environment": env,
        "database": db,
        "awardees": awardees,
        "repeat": repeat,
        "target_seconds": TARGET_SECONDS,
        "warmup_render_seconds": warm_seconds,
        "runs": runs,
        "decision_items": database_rows,
        "total": summary([r["total_seconds"] for r in runs]),
        "render": summary([r["render_seconds"] for r in runs]),
        "sign": summary([r["sign_seconds"] for r in runs]),
        "other": summary([r["other_seconds"] for r in runs]),
        "verify": summary([r["verify_seconds"] for r in runs]),
        "all_signatures_valid": all(
            r["verification_status"] == "authentic"
            and r["pyhanko"]["bottom_line"]
            and r["pyhanko"]["intact"]
            and r["pyhanko"]["valid"]
            and r["pyhanko"]["trusted"]
            for r in runs
        ),
        "peak_rss_bytes": peak_rss_self(),
    }
    payload["markdown"] = report_markdown(payload)
    payload["files"] = [
        str(p) for p in write_results("documents", payload, payload["markdown"], results_dir)
    ]
    return payload


def report_markdown(payload: dict[str, Any]) -> str:
    worst = payload["total"]["max"]
    met = worst < payload["target_seconds"]
    first = payload["runs"][0]
    lines = [
        f"### Documents: a decision of {payload['awardees']:,} awardees rendered and signed "
        f"({payload['database']}, {payload['repeat']} decisions)",
        "",
        environment_line(payload["environment"]),
        "",
        markdown_table(
            [
                "decision",
                "total (issue_decision)",
                "render (WeasyPrint)",
                "sign (pyHanko)",
                "rest (DB, number, store, award records)",
                "pages",
                "PDF size",
                "award records",
                "verification",
                "pyHanko: intact / valid / trusted / coverage",
            ],
            [
                [
                    r["number"],
                    fmt_seconds(r["total_seconds"]),
                    fmt_seconds(r["render_seconds"]),
                    fmt_seconds(r["sign_seconds"]),
                    fmt_seconds(r["other_seconds"]),
                    r["pages"],
                    f"{r['pdf_bytes'] / 1024:.0f} KiB",
                    r["award_records"],
                    r["verification_status"],
                    f"{r['pyhanko']['intact']} / {r['pyhanko']['valid']} / "
                    f"{r['pyhanko']['trusted']} / {r['pyhanko']['coverage']}",
                ]
                for r in payload["runs"]
            ],
        ),
        "",
        f"Total p50 {fmt_seconds(payload['total']['p50'])}, max {fmt_seconds(worst)} "
        f"(target < {payload['target_seconds']:g} s: {'met' if met else 'not met'}); "
        f"render p50 {fmt_seconds(payload['render']['p50'])}, sign p50 "
        f"{fmt_seconds(payload['sign']['p50'])}. Verifying the signed file (the verification "
        f"page's path) p50 {fmt_seconds(payload['verify']['p50'])}. First render of the process "
        f"(fonts, templates; not counted): {fmt_seconds(payload['warmup_render_seconds'])}. "
        f"Signatures all valid: {'yes' if payload['all_signatures_valid'] else 'NO'}. "
        f"{first['pages']} pages, peak RSS {payload['peak_rss_bytes'] / 2**20:.0f} MiB.",
    ]
    return "\n".join(lines)
