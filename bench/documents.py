"""documents: a year-end decision with N awardees (default 500), signed and issued through
the engine's real code path since Decree 30's clerk step, two activities as the decision
workflow runs them:

1. the signer (``DocumentActivities.sign_decision`` with ``clerk_numbers``): the checks,
   the decision rendered from its template to PDF with WeasyPrint, its number and date
   left as blank form fields, signed by pyHanko (PAdES B-LT) with the chairman's PKCS#12
   identity, stored; the decision ``signed``, without a number;
2. the clerk, văn thư (``DocumentActivities.issue_signed_decision``): the number and the
   date allocated, the blank fields filled (each field's appearance typeset by
   WeasyPrint) and the organisation's signature with its seal (PAdES B-LT) applied in
   an incremental update; the decision issued and one award record per awardee.

Each repetition signs and issues a new decision of N awardees (an issued decision is
idempotent, so it cannot be issued twice). Each step is timed as one call, and its parts
inside that same call: the activity's own calls to ``render_template_places``,
``add_issue_fields`` and ``sign_pdf`` (the signer), ``sign_pdf``, ``fill_issue_fields``
and ``render_html_to_pdf`` (the clerk) are wrapped with a timer, so each breakdown adds
up to its step's total. The issued PDF is then checked the way the verification page
checks it (`api.services.verification.verify_pdf`: pyHanko's validator against the trust
roots, the document found by its hash) and with pyHanko's validator directly: two
signatures, both intact, valid and trusted; after the signer's, form filling (the
clerk's fill and signature), after the organisation's, only validation data (B-LT)."""

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


async def build_decisions(factory, awardees: int, count: int) -> tuple[list[int], int, int]:
    """``count`` decisions of the demo ward, each awaiting the chairman's signature with
    ``awardees`` people (distinct nominations, distinct people), inserted in bulk, and
    the ward's clerk (văn thư: a user with the clerk's role on the ward's unit), whom the
    demo seed does not have. Returns (decision ids, the chairman's user id, the clerk's)."""
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
        clerk = User(username="bench.vanthu", full_name=person_name(0), password_hash="x")
        session.add(clerk)
        await session.flush()
        session.add(
            RoleGrant(user_id=clerk.id, role=Role.CLERK, unit_id=ward.unit_id, level=Level.WARD)
        )
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
    return decision_ids, chairman_id, clerk.id


async def pyhanko_check(pdf: bytes, roots: list) -> list[dict[str, Any]]:
    """pyHanko's validator on each embedded signature in order (the signer's, then the
    organisation's), trusting ``roots`` (asn1crypto certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    checks = []
    for signature in reader.embedded_signatures:
        status = await async_validate_pdf_signature(signature, context)
        subject = status.signing_cert.subject.native if status.signing_cert else {}
        checks.append(
            {
                "field": str(signature.field_name or ""),
                "signer": str(subject.get("common_name", "")),
                "intact": bool(status.intact),
                "valid": bool(status.valid),
                "trusted": bool(status.trusted),
                "coverage": str(status.coverage.name) if status.coverage is not None else "",
                # What came after it: for the signer's signature, the clerk's fill and the
                # organisation's signature (FORM_FILLING); for the organisation's, only
                # the revocation data of B-LT (LTA_UPDATES).
                "modification_level": (
                    str(status.modification_level.name)
                    if status.modification_level is not None
                    else ""
                ),
                "bottom_line": bool(status.bottom_line),
            }
        )
    return checks


# What pyHanko must report after each signature of an issued decision, in order.
EXPECTED_MODIFICATIONS = ["FORM_FILLING", "LTA_UPDATES"]


def signatures_ok(run: dict[str, Any]) -> bool:
    """Both signatures intact, valid and trusted by the verification page's check and by
    pyHanko's, each followed only by the changes expected of it."""
    checks = run["pyhanko"]
    return (
        run["verification_status"] == "authentic"
        and all(view["ok"] for view in run["verification_signatures"])
        and len(run["verification_signatures"]) == len(EXPECTED_MODIFICATIONS)
        and [c["modification_level"] for c in checks] == EXPECTED_MODIFICATIONS
        and all(c["intact"] and c["valid"] and c["trusted"] and c["bottom_line"] for c in checks)
    )


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
    import activities.issue_fields as issue_fields
    from activities.documents.activities import DocumentActivities
    from activities.documents.types import IssueDecisionInput, IssueSignedInput
    from api.services.verification import _asn1_roots, verify_pdf
    from domain.vocabulary import SignerCapacity
    from models import AwardRecord, Decision, Document
    from thidua.catalogue_store import get_catalogue
    from thidua.files import FileStore
    from thidua.pki import ensure_dev_identities

    repeat = max(1, repeat)
    folder = work_dir("documents")
    env = environment()
    runs: list[dict[str, Any]] = []
    async with fresh_database(db, folder) as database:
        settings = bench_settings(database, folder)
        say(f"documents: building {repeat} decisions of {awardees:,} awardees ({db})", quiet=quiet)
        decision_ids, chairman_id, clerk_id = await build_decisions(
            database.factory, awardees, repeat
        )
        # The ward has a clerk now: its organisation's identity (the seal) from the
        # development CA, as `thidua up` gives it in development.
        await ensure_dev_identities(database.factory, settings)
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
            # 1. The signer: render with blank number and date, the chairman's signature.
            signer_calls: dict[str, list[float]] = {}
            with (
                timed_calls(decision_document, ["render_template_places"], signer_calls),
                timed_calls(issuing, ["add_issue_fields", "sign_pdf"], signer_calls),
            ):
                started = time.perf_counter()
                signed = await issuer.sign_decision(
                    IssueDecisionInput(
                        decision_id=decision_id,
                        signer_user_id=chairman_id,
                        capacity=SignerCapacity.CHAIRMAN,
                        signed_at=datetime.now(UTC),
                        clerk_numbers=True,
                    )
                )
                signer_total = time.perf_counter() - started
            async with database.factory() as session:
                after_sign = await session.get(Decision, decision_id)
                assert after_sign is not None
                status_after_sign = str(getattr(after_sign.status, "value", after_sign.status))
            # 2. The clerk: number and date, the fields filled, the organisation's seal.
            clerk_calls: dict[str, list[float]] = {}
            with (
                timed_calls(issuing, ["sign_pdf", "fill_issue_fields"], clerk_calls),
                timed_calls(issue_fields, ["render_html_to_pdf"], clerk_calls),
            ):
                started = time.perf_counter()
                issued = await issuer.issue_signed_decision(
                    IssueSignedInput(
                        decision_id=decision_id,
                        clerk_user_id=clerk_id,
                        issued_at=datetime.now(UTC),
                    )
                )
                clerk_total = time.perf_counter() - started
            async with database.factory() as session:
                document = await session.get(Document, issued.document_id)
                assert document is not None
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
            render = sum(signer_calls.get("render_template_places", []))
            blank_fields = sum(signer_calls.get("add_issue_fields", []))
            signer_sign = sum(signer_calls.get("sign_pdf", []))
            # The fill runs inside the clerk's sign_pdf (its incremental update, before
            # the signature), and the field appearances inside the fill.
            clerk_sign_pdf = sum(clerk_calls.get("sign_pdf", []))
            fill = sum(clerk_calls.get("fill_issue_fields", []))
            appearances = clerk_calls.get("render_html_to_pdf", [])
            run_figures = {
                "decision_id": decision_id,
                "number": issued.number_text,
                "status_after_sign": status_after_sign,
                "number_after_sign": signed.number_text,  # "": the clerk numbers it
                "total_seconds": signer_total + clerk_total,
                "signer_seconds": signer_total,
                "render_seconds": render,
                "blank_fields_seconds": blank_fields,
                "signer_sign_seconds": signer_sign,
                "signer_other_seconds": signer_total - render - blank_fields - signer_sign,
                "clerk_seconds": clerk_total,
                "fill_seconds": fill,
                "field_appearances": len(appearances),
                "field_appearance_seconds": sum(appearances),
                "organisation_sign_seconds": clerk_sign_pdf - fill,
                "clerk_other_seconds": clerk_total - clerk_sign_pdf,
                "verify_seconds": verify_seconds,
                "pages": pages,
                "pdf_bytes": len(pdf),
                "award_records": records,
                "verification_status": str(getattr(report.status, "value", report.status)),
                "verification_signatures": [
                    {"signer": view.signer_name, "modification": view.modification, "ok": view.ok}
                    for view in report.signatures
                ],
                "pyhanko": await pyhanko_check(pdf, roots),
            }
            runs.append(run_figures)
            progress.advance(
                note=f"{issued.number_text} {fmt_seconds(signer_total)} + {fmt_seconds(clerk_total)}"
            )
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
        **{
            name: summary([r[f"{name}_seconds"] for r in runs])
            for name in (
                "total",
                "signer",
                "render",
                "signer_sign",
                "clerk",
                "fill",
                "organisation_sign",
                "verify",
            )
        },
        "all_signatures_valid": all(signatures_ok(r) for r in runs),
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

    def signatures(run: dict[str, Any]) -> str:
        return "; ".join(
            f"{'/'.join('yes' if c[k] else 'NO' for k in ('intact', 'valid', 'trusted'))} "
            f"{c['modification_level']}"
            for c in run["pyhanko"]
        )

    lines = [
        f"### Documents: a decision of {payload['awardees']:,} awardees signed, then issued "
        f"by the clerk ({payload['database']}, {payload['repeat']} decisions)",
        "",
        environment_line(payload["environment"]),
        "",
        markdown_table(
            [
                "decision",
                "total (both steps)",
                "signer: sign_decision",
                "render (WeasyPrint)",
                "signer's signature (pyHanko)",
                "signer: rest (key and certificate checks, blank fields, store)",
                "clerk: issue_signed_decision",
                "fill (field appearances)",
                "organisation's signature (pyHanko)",
                "clerk: rest (key and certificate checks, number, store, award records)",
                "pages",
                "PDF size",
                "award records",
                "verification",
                "pyHanko per signature: intact/valid/trusted, then",
            ],
            [
                [
                    r["number"],
                    fmt_seconds(r["total_seconds"]),
                    fmt_seconds(r["signer_seconds"]),
                    fmt_seconds(r["render_seconds"]),
                    fmt_seconds(r["signer_sign_seconds"]),
                    fmt_seconds(r["signer_other_seconds"]),
                    fmt_seconds(r["clerk_seconds"]),
                    f"{fmt_seconds(r['fill_seconds'])} "
                    f"({r['field_appearances']}: {fmt_seconds(r['field_appearance_seconds'])})",
                    fmt_seconds(r["organisation_sign_seconds"]),
                    fmt_seconds(r["clerk_other_seconds"]),
                    r["pages"],
                    f"{r['pdf_bytes'] / 1024:.0f} KiB",
                    r["award_records"],
                    r["verification_status"],
                    signatures(r),
                ]
                for r in payload["runs"]
            ],
        ),
        "",
        f"Total (signer + clerk) p50 {fmt_seconds(payload['total']['p50'])}, max "
        f"{fmt_seconds(worst)} (target < {payload['target_seconds']:g} s: "
        f"{'met' if met else 'not met'}); signer p50 {fmt_seconds(payload['signer']['p50'])} "
        f"(render {fmt_seconds(payload['render']['p50'])}, signature "
        f"{fmt_seconds(payload['signer_sign']['p50'])}), clerk p50 "
        f"{fmt_seconds(payload['clerk']['p50'])} (fill {fmt_seconds(payload['fill']['p50'])}, "
        f"organisation's signature {fmt_seconds(payload['organisation_sign']['p50'])}). "
        f"Verifying the issued file (the verification page's path, both signatures) p50 "
        f"{fmt_seconds(payload['verify']['p50'])}. First render of the process (fonts, "
        f"templates; not counted): {fmt_seconds(payload['warmup_render_seconds'])}. "
        f"Signatures all valid (two each, {' then '.join(EXPECTED_MODIFICATIONS)}): "
        f"{'yes' if payload['all_signatures_valid'] else 'NO'}. "
        f"{first['pages']} pages, peak RSS {payload['peak_rss_bytes'] / 2**20:.0f} MiB.",
    ]
    return "\n".join(lines)
