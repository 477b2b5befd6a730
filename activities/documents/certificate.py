"""The certificate (Giấy khen, or the certificate of a title) of one awardee of an
issued decision, A4 landscape."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import format_vn_date, format_vn_long_date
from domain.vocabulary import AwardCategory, DecisionKind, DecisionStatus
from models import Authority, AwardType, Decision, DecisionItem, Nomination, User

from .phrasing import signer_lines
from .renderer import render_template_pdf
from .types import DocumentError, RuleSetLookup


async def render_certificate_pdf(
    session: AsyncSession, decision_item_id: int, *, get_rule_set: RuleSetLookup | None = None
) -> bytes:
    """The Giấy khen (or title certificate) of one awardee of an ISSUED decision, A4
    landscape. Raises ``DocumentError`` when the decision is not issued."""
    item = await session.get(DecisionItem, decision_item_id)
    if item is None:
        raise DocumentError(
            "DecisionItemNotFound",
            "Không tìm thấy người được khen thưởng này",
            f"No decision item {decision_item_id}",
        )
    decision = await session.get(Decision, item.decision_id)
    assert decision is not None
    if decision.status != DecisionStatus.ISSUED or decision.kind != DecisionKind.DECISION:
        raise DocumentError(
            "DecisionNotIssued",
            "Quyết định chưa được ban hành: chưa thể in Giấy khen",
            "The decision is not issued yet: no certificate",
        )
    authority = await session.get(Authority, decision.authority_id)
    nomination = await session.get(Nomination, item.nomination_id)
    award_type = await session.get(AwardType, item.award_code)
    signer = await session.get(User, decision.signer_user_id) if decision.signer_user_id else None
    assert authority is not None and nomination is not None and decision.issued_on is not None
    category = award_type.category if award_type else AwardCategory.FORM
    award_name = award_type.name_vi if award_type else item.award_code
    if get_rule_set is not None:
        try:
            rule = get_rule_set(nomination.rule_set_id).awards.get(item.award_code)
        except LookupError:
            rule = None
        if rule is not None:
            category, award_name = rule.category, rule.name_vi
    context = {
        "header_title": authority.head_title,
        "give_word": "TẶNG DANH HIỆU" if category == AwardCategory.TITLE else "TẶNG",
        # "Giấy khen của Chủ tịch …" prints as "GIẤY KHEN": the issuer line above names
        # whose; a title prints whole ("CHIẾN SĨ THI ĐUA CƠ SỞ").
        "award_title": award_name.split(" của ", 1)[0].upper(),
        "recipient": item.nominee_name,
        "description": item.nominee_description,
        "achievement": nomination.achievement_summary.strip(),
        "year": nomination.year,
        "number_text": decision.number_text,
        "decision_date": format_vn_date(decision.issued_on),
        "golden_book": f"{decision.number or 0:02d}.{item.position:03d}/{decision.year or decision.issued_on.year}",
        "place_date": format_vn_long_date(authority.place_name, decision.issued_on),
        "signer_lines": signer_lines(authority.head_title, decision.signer_capacity),
        "signer_name": signer.full_name if signer else "",
        "document_title": f"Giấy khen - {item.nominee_name}",
    }
    pdf, _ = await asyncio.to_thread(render_template_pdf, "certificate.html", context)
    return pdf
