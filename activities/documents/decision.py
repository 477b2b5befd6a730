"""A decision (quyết định) or a submission (tờ trình) as its template reads it: the
awardees grouped by award, the amounts, the legal bases, the signer block. Read from the
database in one go, rendered afterwards (``DecisionJob``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import format_vn_date, format_vn_long_date, vietnam_date
from domain.numerals import vn_amount_in_words, vn_money, vn_multiple
from domain.rules import AwardRule, RuleSet
from domain.vocabulary import (
    AwardCategory,
    DecisionKind,
    NomineeKind,
    SessionStatus,
    SignerCapacity,
)
from models import (
    AgendaItem,
    Authority,
    AwardType,
    Council,
    CouncilSession,
    Decision,
    DecisionItem,
    Nomination,
    Unit,
    User,
)

from ..issue_fields import (
    ANNEX_DATE_FIELD,
    ANNEX_NUMBER_FIELD,
    DATE_FIELD,
    ISSUE_FIELDS,
    NUMBER_FIELD,
)
from .phrasing import (
    KIND_WORDS,
    abbreviation,
    count_phrase,
    decider_phrase,
    legal_basis_line,
    lower_first,
    signer_lines,
    with_prefix,
)
from .renderer import SignatureBox, render_template_pdf, render_template_places
from .types import DocumentError, DraftText, RuleSetLookup

SIGNATURE_ANCHOR = "signature-box"
# Room left in a draft for the number and the date, written in by hand or at issue.
BLANK = "\u00a0" * 7


@dataclass
class _DecisionBundle:
    decision: Decision
    authority: Authority
    standing_unit: Unit
    parent_authority: Authority | None
    parent_standing_unit: str
    items: list[tuple[DecisionItem, Nomination]]
    award_types: dict[str, AwardType]
    council_name: str
    council_date: date | None
    signer: User | None


async def _load_decision(session: AsyncSession, decision_id: int) -> _DecisionBundle:
    decision = await session.get(Decision, decision_id)
    if decision is None:
        raise DocumentError(
            "DecisionNotFound",
            f"Không có quyết định số hiệu nội bộ {decision_id}",
            f"No decision with id {decision_id}",
        )
    authority = await session.get(Authority, decision.authority_id)
    assert authority is not None
    standing_unit = await session.get(Unit, authority.standing_unit_id)
    assert standing_unit is not None
    parent = (
        await session.get(Authority, authority.parent_authority_id)
        if authority.parent_authority_id
        else None
    )
    parent_standing = await session.get(Unit, parent.standing_unit_id) if parent else None
    rows = (
        await session.execute(
            select(DecisionItem, Nomination)
            .join(Nomination, Nomination.id == DecisionItem.nomination_id)
            .where(DecisionItem.decision_id == decision_id)
            .order_by(DecisionItem.position, DecisionItem.id)
        )
    ).all()
    codes = {item.award_code for item, _ in rows}
    award_types = (
        {
            a.code: a
            for a in (
                await session.execute(select(AwardType).where(AwardType.code.in_(codes)))
            ).scalars()
        }
        if codes
        else {}
    )
    council_name, council_date = "", None
    nomination_ids = [n.id for _, n in rows]
    if nomination_ids:
        found = (
            await session.execute(
                select(CouncilSession, Council.name)
                .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
                .join(Council, Council.id == CouncilSession.council_id)
                .where(
                    AgendaItem.nomination_id.in_(nomination_ids),
                    CouncilSession.authority_id == decision.authority_id,
                    CouncilSession.status == SessionStatus.CLOSED,
                )
                .order_by(CouncilSession.closed_at.desc(), CouncilSession.id.desc())
                .limit(1)
            )
        ).first()
        if found is not None:
            council_session, council_name = found
            moment = council_session.opened_at or council_session.closed_at
            council_date = vietnam_date(moment) if moment else None
    signer = await session.get(User, decision.signer_user_id) if decision.signer_user_id else None
    return _DecisionBundle(
        decision=decision,
        authority=authority,
        standing_unit=standing_unit,
        parent_authority=parent,
        parent_standing_unit=parent_standing.name if parent_standing else "",
        items=list(rows),
        award_types=award_types,
        council_name=council_name,
        council_date=council_date,
        signer=signer,
    )


def _rule_sets(lookup: RuleSetLookup, rule_set_ids: Iterable[str]) -> dict[str, RuleSet]:
    found: dict[str, RuleSet] = {}
    for rule_set_id in sorted(set(rule_set_ids)):
        try:
            found[rule_set_id] = lookup(rule_set_id)
        except LookupError as exc:
            raise DocumentError(
                "UnknownRuleSet",
                f"Không tìm thấy bộ quy tắc {rule_set_id}",
                f"Unknown rule set {rule_set_id}: {exc}",
            ) from exc
    return found


@dataclass
class _Awardee:
    position: int
    name: str
    description: str
    kind: NomineeKind
    award_code: str
    award_name: str
    multiple: float
    amount: int


def _awardees(bundle: _DecisionBundle, rule_sets: dict[str, RuleSet]) -> list[_Awardee]:
    awardees = []
    for position, (item, nomination) in enumerate(bundle.items, start=1):
        rule_set = rule_sets[nomination.rule_set_id]
        rule: AwardRule | None = rule_set.awards.get(item.award_code)
        award_type = bundle.award_types.get(item.award_code)
        multiple = item.cash_multiple or (
            (rule.cash_multiples.get(nomination.subject_kind) or 0.0) if rule else 0.0
        )
        amount = item.cash_amount_vnd or round(multiple * rule_set.base_salary_vnd)
        awardees.append(
            _Awardee(
                position=position,
                name=item.nominee_name,
                description=item.nominee_description,
                kind=nomination.subject_kind,
                award_code=item.award_code,
                award_name=rule.name_vi
                if rule
                else (award_type.name_vi if award_type else item.award_code),
                multiple=multiple,
                amount=amount,
            )
        )
    return awardees


def _award_category(
    code: str, bundle: _DecisionBundle, rule_sets: dict[str, RuleSet]
) -> AwardCategory:
    for rule_set in rule_sets.values():
        if code in rule_set.awards:
            return rule_set.awards[code].category
    award_type = bundle.award_types.get(code)
    return award_type.category if award_type else AwardCategory.FORM


def _decision_context(
    bundle: _DecisionBundle,
    rule_sets: dict[str, RuleSet],
    *,
    draft: bool,
    issued_on: date | None,
    capacity: SignerCapacity | None,
    signer_name: str,
    today: date | None = None,
    draft_text: DraftText | None = None,
    clerk_fields: bool = False,
) -> dict[str, Any]:
    """The template's context. ``clerk_fields``: the number and the date are left as
    room for the fields the clerk fills at issue (``activities/issue_fields.py``). An unissued draft is dated in the year of ``today`` (the
    caller's clock: the preview is of a decision signed today). ``draft_text``: what the
    standing body edited (legal grounds, recipients, reason) in place of the generated."""
    decision, authority = bundle.decision, bundle.authority
    is_decision = decision.kind == DecisionKind.DECISION
    series = authority.decision_code if is_decision else authority.submission_code
    main_rule_set = rule_sets[bundle.items[0][1].rule_set_id] if bundle.items else None
    awardees = _awardees(bundle, rule_sets)

    groups: list[dict[str, Any]] = []
    for awardee in awardees:
        group = next((g for g in groups if g["code"] == awardee.award_code), None)
        if group is None:
            category = _award_category(awardee.award_code, bundle, rule_sets)
            group = {
                "code": awardee.award_code,
                "name": awardee.award_name,
                "is_title": category == AwardCategory.TITLE,
                "awardees": [],
                "counts": {},
                "multiples": {},
                "total": 0,
            }
            groups.append(group)
        group["awardees"].append(awardee)
        group["counts"][awardee.kind] = group["counts"].get(awardee.kind, 0) + 1
        if awardee.multiple:
            group["multiples"][awardee.kind] = (awardee.multiple, awardee.amount)
        group["total"] += awardee.amount
    for group in groups:
        group["count_phrase"] = count_phrase(group["counts"])
        group["cash_text"] = "; ".join(
            f"mỗi {KIND_WORDS[kind]} {vn_multiple(multiple)} lần mức lương cơ sở ({vn_money(amount)})"
            for kind, (multiple, amount) in group["multiples"].items()
        )
    total = sum(a.amount for a in awardees)
    counts: dict[NomineeKind, int] = {}
    for awardee in awardees:
        counts[awardee.kind] = counts.get(awardee.kind, 0) + 1

    bases = [
        legal_basis_line(text) for text in (main_rule_set.legal_bases if main_rule_set else ())
    ]
    if bundle.council_name:
        when = f" ngày {format_vn_date(bundle.council_date)}" if bundle.council_date else ""
        bases.append(f"Căn cứ Biên bản họp {bundle.council_name}{when};")
    proposer = decision.proposer_text.strip() or f"Trưởng {lower_first(bundle.standing_unit.name)}"
    proposer_line = with_prefix(proposer, "Theo đề nghị của", ".")

    number_text = decision.number_text if decision.number else ""
    if issued_on is not None:
        year = issued_on.year
    elif decision.year:
        year = decision.year
    elif today is not None:
        year = today.year
    else:
        raise ValueError("an unissued decision is rendered with today's date")
    number_shown = number_text or f"{BLANK}/{series}"
    title = decision.title.strip()
    if not title.lower().startswith("về việc"):
        title = f"Về việc {lower_first(title)}"
    archive = abbreviation(bundle.standing_unit.name)
    decider = decider_phrase(authority)
    recipients_to = None
    if not is_decision and bundle.parent_authority is not None:
        recipients_to = decider_phrase(bundle.parent_authority)
    if is_decision:
        recipient_lines = ["Như Điều 3;"]
        if bundle.council_name:
            recipient_lines.append(f"{bundle.council_name};")
        recipient_lines += ["Cổng thông tin điện tử (công khai);", f"Lưu: VT, {archive}."]
    else:
        recipient_lines = ["Như trên;"]
        if bundle.parent_standing_unit:
            recipient_lines.append(f"{bundle.parent_standing_unit};")
        recipient_lines.append(f"Lưu: VT, {archive}.")
    reason_text = ""
    if draft_text is not None:
        if draft_text.legal_grounds is not None:
            bases = list(draft_text.legal_grounds)
        if draft_text.recipients is not None:
            recipient_lines = list(draft_text.recipients)
        reason_text = draft_text.reason_text
    return {
        "draft": draft,
        "kind": decision.kind.value,
        "authority": authority,
        "header_lines": list(authority.header_lines or [authority.name.upper()]),
        "series": series,
        "number_text": number_shown,
        "number_line": f"Số: {number_shown}",
        "place_date": format_vn_long_date(authority.place_name, issued_on)
        if issued_on
        else f"{authority.place_name}, ngày{BLANK}tháng{BLANK}năm {year}",
        "year": year,
        "title": title,
        "head_title": authority.head_title,
        "legal_bases": bases,
        "proposer_line": proposer_line,
        "reason_text": reason_text,
        "recipient_lines": recipient_lines,
        "groups": groups,
        "awardees": awardees,
        "counts_phrase": count_phrase(counts),
        "total": total,
        "total_words": vn_amount_in_words(total) if total else "",
        "base_salary": main_rule_set.base_salary_vnd if main_rule_set else 0,
        "fund_owner": authority.name,
        "standing_unit_name": bundle.standing_unit.name,
        "standing_unit_head": f"Trưởng {lower_first(bundle.standing_unit.name)}",
        "date_short": format_vn_date(issued_on) if issued_on else f"{BLANK}/{BLANK}/{year}",
        "decider": decider,
        "signer_lines": signer_lines(authority.head_title, capacity),
        "signer_name": signer_name,
        "council_name": bundle.council_name,
        "archive_code": archive,
        "recipient_authority": recipients_to,
        "parent_standing_unit": bundle.parent_standing_unit,
        # A people's committee submits as a body: "TM. ỦY BAN NHÂN DÂN" above the signer.
        "collective_signature": authority.name.lower().startswith("ủy ban nhân dân"),
        "signature_anchor": SIGNATURE_ANCHOR,
        "place_name": authority.place_name,
        # The ids of the rooms left for the clerk's number and date, or None.
        "fields": {
            "number": NUMBER_FIELD,
            "date": DATE_FIELD,
            "annex_number": ANNEX_NUMBER_FIELD,
            "annex_date": ANNEX_DATE_FIELD,
        }
        if clerk_fields
        else None,
        "document_title": f"{'Quyết định' if is_decision else 'Tờ trình'} "
        f"{number_text or 'dự thảo'} {title}",
    }


@dataclass
class DecisionJob:
    """What rendering a decision needs, read from the database: the session can be closed
    (and SQLite's write lock released) before the seconds of rendering."""

    template: str
    context: dict[str, Any]
    authority_name: str
    place_name: str
    title: str
    signer_name: str

    async def render(self) -> tuple[bytes, SignatureBox | None]:
        return await asyncio.to_thread(
            render_template_pdf, self.template, self.context, anchor=SIGNATURE_ANCHOR
        )

    async def render_places(self) -> tuple[bytes, dict[str, SignatureBox]]:
        """The PDF, and where the signature and the clerk's fields (when the context
        leaves room for them) landed, by their ids."""
        return await asyncio.to_thread(
            render_template_places,
            self.template,
            self.context,
            (SIGNATURE_ANCHOR, *ISSUE_FIELDS),
        )


async def prepare_decision(
    session: AsyncSession,
    decision_id: int,
    *,
    get_rule_set: RuleSetLookup,
    draft: bool,
    issued_on: date | None = None,
    today: date | None = None,
    capacity: SignerCapacity | None = None,
    signer_user_id: int | None = None,
    draft_text: DraftText | None = None,
    clerk_fields: bool = False,
) -> DecisionJob:
    """Read what the decision's document says (raises ``DocumentError``); render later.
    ``clerk_fields``: with room for the number and date the clerk gives at issue."""
    bundle = await _load_decision(session, decision_id)
    if not bundle.items:
        raise DocumentError(
            "EmptyDecision",
            "Quyết định chưa có tập thể, cá nhân nào được khen thưởng",
            "The decision lists no awardee",
        )
    rule_sets = _rule_sets(get_rule_set, (n.rule_set_id for _, n in bundle.items))
    signer = bundle.signer
    if signer_user_id is not None and (signer is None or signer.id != signer_user_id):
        signer = await session.get(User, signer_user_id)
    decision = bundle.decision
    if issued_on is None and decision.issued_on is not None:
        issued_on = decision.issued_on
    context = _decision_context(
        bundle,
        rule_sets,
        draft=draft,
        issued_on=issued_on,
        capacity=capacity or decision.signer_capacity,
        signer_name=signer.full_name if signer else "",
        today=today,
        draft_text=draft_text,
        clerk_fields=clerk_fields,
    )
    return DecisionJob(
        template="decision.html" if decision.kind == DecisionKind.DECISION else "submission.html",
        context=context,
        authority_name=bundle.authority.name,
        place_name=bundle.authority.place_name,
        title=decision.title,
        signer_name=signer.full_name if signer else "",
    )


async def render_decision_pdf(
    session: AsyncSession,
    decision_id: int,
    *,
    draft: bool,
    get_rule_set: RuleSetLookup,
    today: date,
    draft_text: DraftText | None = None,
) -> bytes:
    """The decision (or submission) as PDF, unsigned, dated ``today`` unless issued.
    ``draft`` marks every page "DỰ THẢO" (the preview of the signing page). Raises
    ``DocumentError``."""
    job = await prepare_decision(
        session,
        decision_id,
        get_rule_set=get_rule_set,
        draft=draft,
        today=today,
        draft_text=draft_text,
    )
    pdf, _box = await job.render()
    return pdf
