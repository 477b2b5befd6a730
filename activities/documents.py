"""Documents: decisions, submissions, council minutes, public notices, certificates and
reports, rendered from Jinja2 templates to PDF (WeasyPrint), signed (PAdES) and stored
content-addressed with their SHA-256.

Layout follows Decree 30/2020 (national title and motto, issuing body, number, place and
date, type and summary, legal bases, articles, signer block, recipients) on A4 with
Times New Roman metrics (Liberation Serif). ``DocumentActivities`` holds the Temporal
activities; the ``render_*`` functions serve the API (previews and certificates).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from domain.rules import AwardRule, RuleSet
from domain.vocabulary import (
    AwardCategory,
    BallotMode,
    CouncilRole,
    DecisionKind,
    DecisionStatus,
    DocumentKind,
    ItemResult,
    NomineeKind,
    Role,
    SessionStatus,
    SignerCapacity,
    VoteRule,
)
from models import (
    AgendaItem,
    Authority,
    AwardRecord,
    AwardType,
    BallotReceipt,
    Council,
    CouncilMember,
    CouncilSession,
    Decision,
    DecisionItem,
    Document,
    Initiative,
    Nomination,
    RoleGrant,
    Unit,
    User,
)
from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore, sha256_hex
from thidua.pki import SigningIdentityError, active_identity, check_usable, common_name
from thidua.settings import PROJECT_ROOT, Settings

from .numbering import allocate_number, format_number
from .signing import SignatureBox, SigningError, load_signer, sign_pdf

log = logging.getLogger(__name__)

TEMPLATES_DIR = PROJECT_ROOT / "templates"
DOCUMENTS_DIR = TEMPLATES_DIR / "documents"
SIGNATURE_ANCHOR = "signature-box"
SIGNATURE_FIELD = "ChuKySo"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF points are 1/72 in

RuleSetLookup = Callable[[str], RuleSet]
# Room left in a draft for the number and the date, written in by hand or at issue.
BLANK = "\u00a0" * 7


class DocumentError(Exception):
    """A document cannot be produced; ``code`` is stable (it becomes the Temporal error
    type and the API error), the messages are for people."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def to_application_error(self) -> ApplicationError:
        return ApplicationError(
            f"{self.message_vi} / {self.message_en}", type=self.code, non_retryable=True
        )


# ---------------------------------------------------------------------------------------
# Activity inputs and outputs


@dataclass
class IssueDecisionInput:
    decision_id: int
    signer_user_id: int
    capacity: SignerCapacity
    signed_at: datetime  # when the signer signed (the Update); the date of the decision


@dataclass
class IssuedDecision:
    decision_id: int
    number_text: str
    document_id: int
    sha256: str
    issued_on: date


@dataclass
class WrittenOpinion:
    """An absent member's written opinion (ý kiến bằng văn bản): the text only, never the
    member's choices."""

    member_id: int  # council_members.id
    text: str


@dataclass
class IssueMinutesInput:
    session_id: int
    # Carried by the council session workflow, the only place that holds them: no table
    # keeps a member's words beside their ballot.
    written_opinions: list[WrittenOpinion] = field(default_factory=list)


@dataclass
class PublicNoticeInput:
    authority_id: int
    nomination_ids: list[int]
    starts_at: datetime
    ends_at: datetime
    key: str  # names the notice: one document per key


@dataclass
class DocumentRef:
    document_id: int
    sha256: str


# Report (issue 6): generic headings, paragraphs and tables.


@dataclass
class ReportTable:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    # Indexes of columns holding numbers (right-aligned).
    numeric_columns: list[int] = field(default_factory=list)


@dataclass
class ReportSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# The renderer: one font configuration and one stylesheet per process


class _Renderer:
    """WeasyPrint with its fonts and stylesheet loaded once. Rendering is serialised by
    a lock: WeasyPrint (Pango, fontconfig) is not meant to be driven from several
    threads at once, and it is CPU-bound anyway."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fonts: Any = None
        self._stylesheet: Any = None
        self.jinja = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.jinja.filters["money"] = vn_money
        self.jinja.filters["number"] = vn_number
        self.jinja.filters["vn_date"] = format_vn_date

    def _load(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            problem = document_font_problem()
            if problem:
                log.warning("%s", problem)
            self._fonts = FontConfiguration()
            self._stylesheet = CSS(
                filename=str(DOCUMENTS_DIR / "document.css"), font_config=self._fonts
            )

    def html_to_pdf(
        self, html: str, *, anchor: str | None = None, stylesheet: bool = True
    ) -> tuple[bytes, SignatureBox | None]:
        from weasyprint import HTML

        with self._lock:
            self._load()
            document = HTML(string=html, base_url=str(DOCUMENTS_DIR)).render(
                font_config=self._fonts, stylesheets=[self._stylesheet] if stylesheet else []
            )
            box = None
            if anchor is not None:
                for index, page in enumerate(document.pages):
                    if anchor in page.anchors:
                        x1, y1, x2, y2 = page.anchors[anchor]
                        height_pt = page.height * CSS_PX_TO_PT
                        box = SignatureBox(
                            page=index,
                            box=(
                                round(x1 * CSS_PX_TO_PT, 2),
                                round(height_pt - y2 * CSS_PX_TO_PT, 2),
                                round(x2 * CSS_PX_TO_PT, 2),
                                round(height_pt - y1 * CSS_PX_TO_PT, 2),
                            ),
                        )
                        break
            return document.write_pdf(), box

    def render(
        self, template: str, context: dict[str, Any], *, anchor: str | None = None
    ) -> tuple[bytes, SignatureBox | None]:
        html = self.jinja.get_template(f"documents/{template}").render(**context)
        return self.html_to_pdf(html, anchor=anchor)


def document_font_problem() -> str | None:
    """Why documents would not be typeset in Liberation Serif with every Vietnamese
    letter, or None. Debian's ``fonts-liberation`` (1.07) lacks the Vietnamese letters
    (ạ, ễ, ị…), which then come from another font; ``fonts-liberation2`` has them."""
    if shutil.which("fc-match") is None:
        return None  # no fontconfig tools: cannot tell
    found = subprocess.run(
        ["fc-match", "--format=%{file}", "Liberation Serif"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not found or "Liberation" not in found:
        return f"Liberation Serif is not installed (fontconfig offers {found or 'nothing'}): install fonts-liberation2"
    from fontTools.ttLib import TTFont

    with TTFont(found, lazy=True) as font:
        cmap = font.getBestCmap()
    missing = [ch for ch in "ạễịởựđ" if ord(ch) not in cmap]
    if missing:
        return (
            f"{found} lacks Vietnamese letters ({''.join(missing)}): install fonts-liberation2 "
            "so that documents are typeset in Liberation Serif throughout"
        )
    return None


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = _Renderer()
    return _renderer


def render_html_to_pdf(html: str) -> bytes:
    """A standalone HTML page (its own CSS) to PDF with the shared fonts."""
    return _get_renderer().html_to_pdf(html, stylesheet=False)[0]


def render_template_pdf(
    template: str, context: dict[str, Any], *, anchor: str | None = None
) -> tuple[bytes, SignatureBox | None]:
    """A template of ``templates/documents`` to PDF (blocking); with ``anchor``, also
    where the element of that id landed (for the visible signature)."""
    return _get_renderer().render(template, context, anchor=anchor)


# ---------------------------------------------------------------------------------------
# Vietnamese formats


def vn_number(value: float | int, decimals: int = 0) -> str:
    """1170000 → "1.170.000"; 0.3 → "0,3" (decimals=1)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_money(value: int | None) -> str:
    return "" if value is None else f"{vn_number(value)} đồng"


def vn_multiple(value: float) -> str:
    """0.3 → "0,3"; 1.0 → "1,0"; 0.15 → "0,15"."""
    text = f"{value:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",")


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _read_hundreds(number: int, *, full: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (full or hundreds):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def vn_amount_in_words(amount: int) -> str:
    """1170000 → "Một triệu một trăm bảy mươi nghìn đồng" (for "Bằng chữ: …")."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _read_hundreds(value, full=index != len(groups) - 1)
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng"


def _with_prefix(text: str, prefix: str, end: str) -> str:
    text = text.strip().rstrip(";.").strip()
    if not text.lower().startswith(prefix.lower()):
        text = f"{prefix} {text}"
    return f"{text}{end}"


def legal_basis_line(text: str) -> str:
    """ "Luật Thi đua, khen thưởng …" → "Căn cứ Luật Thi đua, khen thưởng …;"."""
    return _with_prefix(text, "Căn cứ", ";")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _abbreviation(name: str) -> str:
    """ "Phòng Văn hóa - Xã hội" → "VHXH" (the archive code in "Lưu: VT, VHXH.")."""
    words = [w for w in name.replace("-", " ").split() if w]
    if words and words[0].lower() in {"phòng", "ban", "sở"} and len(words) > 1:
        words = words[1:]
    return "".join(w[0].upper() for w in words)


def _head_word(head_title: str) -> str:
    """The head's title in the signer block: "CHỦ TỊCH", "THỦ TƯỚNG"…"""
    for word in ("CHỦ TỊCH", "THỦ TƯỚNG", "BỘ TRƯỞNG", "GIÁM ĐỐC"):
        if head_title.upper().startswith(word):
            return word
    return "CHỦ TỊCH"


def signer_lines(head_title: str, capacity: SignerCapacity | None) -> list[str]:
    """ "CHỦ TỊCH", or "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" when a deputy signs."""
    head = _head_word(head_title)
    if capacity == SignerCapacity.DEPUTY:
        return [f"KT. {head}", f"PHÓ {head}"]
    return [head]


def _decider_phrase(authority: Authority) -> str:
    """Who decides, after "của": "Chủ tịch Ủy ban nhân dân phường Thạch Khôi"."""
    if authority.name.lower().startswith("ủy ban nhân dân"):
        return f"Chủ tịch {authority.name}"
    return authority.name


def _local_date(moment: datetime) -> date:
    return moment.astimezone(VIETNAM_TZ).date()


_KIND_WORDS = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}


def _count_phrase(counts: dict[NomineeKind, int]) -> str:
    parts = [f"{counts[kind]:02d} {_KIND_WORDS[kind]}" for kind in NomineeKind if counts.get(kind)]
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------
# Loading what a decision needs


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
            council_date = _local_date(moment) if moment else None
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
) -> dict[str, Any]:
    """The template's context. An unissued draft is dated in the year of ``today`` (the
    caller's clock: the preview is of a decision signed today)."""
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
        group["count_phrase"] = _count_phrase(group["counts"])
        group["cash_text"] = "; ".join(
            f"mỗi {_KIND_WORDS[kind]} {vn_multiple(multiple)} lần mức lương cơ sở ({vn_money(amount)})"
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
    proposer = decision.proposer_text.strip() or f"Trưởng {_lower_first(bundle.standing_unit.name)}"
    proposer_line = _with_prefix(proposer, "Theo đề nghị của", ".")

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
        title = f"Về việc {_lower_first(title)}"
    archive = _abbreviation(bundle.standing_unit.name)
    decider = _decider_phrase(authority)
    recipients_to = None
    if not is_decision and bundle.parent_authority is not None:
        recipients_to = _decider_phrase(bundle.parent_authority)
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
        "groups": groups,
        "awardees": awardees,
        "counts_phrase": _count_phrase(counts),
        "total": total,
        "total_words": vn_amount_in_words(total) if total else "",
        "base_salary": main_rule_set.base_salary_vnd if main_rule_set else 0,
        "fund_owner": authority.name,
        "standing_unit_name": bundle.standing_unit.name,
        "standing_unit_head": f"Trưởng {_lower_first(bundle.standing_unit.name)}",
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
        "document_title": f"{'Quyết định' if is_decision else 'Tờ trình'} "
        f"{number_text or 'dự thảo'} {title}",
    }


@dataclass
class _DecisionJob:
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


async def _prepare_decision(
    session: AsyncSession,
    decision_id: int,
    *,
    get_rule_set: RuleSetLookup,
    draft: bool,
    issued_on: date | None = None,
    today: date | None = None,
    capacity: SignerCapacity | None = None,
    signer_user_id: int | None = None,
) -> _DecisionJob:
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
    )
    return _DecisionJob(
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
) -> bytes:
    """The decision (or submission) as PDF, unsigned, dated ``today`` unless issued.
    ``draft`` marks every page "DỰ THẢO" (the preview of the signing page). Raises
    ``DocumentError``."""
    job = await _prepare_decision(
        session, decision_id, get_rule_set=get_rule_set, draft=draft, today=today
    )
    pdf, _box = await job.render()
    return pdf


# ---------------------------------------------------------------------------------------
# Certificate (Giấy khen)


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


# ---------------------------------------------------------------------------------------
# Report (generic)


async def render_report_pdf(
    title: str,
    sections: list[ReportSection],
    *,
    subtitle: str = "",
    header_lines: list[str] | None = None,
    place_date: str = "",
) -> bytes:
    """A report (báo cáo sơ kết / tổng kết …): headings, paragraphs and tables, A4 with
    the document layout. ``header_lines`` are the issuing body's lines (optional)."""
    context = {
        "title": title,
        "subtitle": subtitle,
        "sections": sections,
        "header_lines": header_lines or [],
        "place_date": place_date,
        "document_title": title,
    }
    pdf, _ = await asyncio.to_thread(render_template_pdf, "report.html", context)
    return pdf


# ---------------------------------------------------------------------------------------
# Minutes and public notice contexts

_COUNCIL_ROLE_NAMES = {
    CouncilRole.CHAIR: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilRole.SECRETARY: "Ủy viên thường trực (Thư ký)",
    CouncilRole.MEMBER: "Ủy viên",
}
_RESULT_NAMES = {
    ItemResult.PASSED: "Đạt",
    ItemResult.FAILED: "Không đạt",
    ItemResult.NOT_DECIDED: "Chưa xem xét",
    ItemResult.PENDING: "Chưa có kết quả",
}


def _threshold_text(rule: VoteRule, threshold: float) -> str:
    """The share of ALL members that must agree (the minutes say so once, above)."""
    if rule == VoteRule.MAJORITY:
        return "Trên 50%"
    if rule == VoteRule.NONE:
        return "Không biểu quyết"
    percent = threshold * 100
    return f"Từ {vn_number(percent, 0 if percent % 1 == 0 else 1)}% trở lên"


async def _minutes_context(
    session: AsyncSession, session_id: int, written_opinions: list[WrittenOpinion] | None = None
) -> tuple[dict[str, Any], CouncilSession]:
    council_session = await session.get(CouncilSession, session_id)
    if council_session is None:
        raise DocumentError(
            "CouncilSessionNotFound",
            f"Không có phiên họp Hội đồng số {session_id}",
            f"No council session {session_id}",
        )
    if council_session.status == SessionStatus.OPEN:
        raise DocumentError(
            "CouncilSessionOpen",
            "Phiên họp chưa kết thúc: chưa lập được biên bản",
            "The session is still open: no minutes yet",
        )
    council = await session.get(Council, council_session.council_id)
    authority = await session.get(Authority, council_session.authority_id)
    assert council is not None and authority is not None
    members = (
        await session.execute(
            select(CouncilMember, User.full_name)
            .join(User, User.id == CouncilMember.user_id)
            .where(CouncilMember.council_id == council.id, CouncilMember.active.is_(True))
            .order_by(CouncilMember.id)
        )
    ).all()
    role_order = [
        CouncilRole.CHAIR,
        CouncilRole.VICE_CHAIR,
        CouncilRole.SECRETARY,
        CouncilRole.MEMBER,
    ]
    members = sorted(members, key=lambda row: (role_order.index(row[0].council_role), row[0].id))
    receipts = {
        r.member_id: r.mode
        for r in (
            await session.execute(
                select(BallotReceipt).where(BallotReceipt.session_id == session_id)
            )
        ).scalars()
    }
    items = (
        await session.execute(
            select(AgendaItem, Nomination, AwardType.name_vi)
            .join(Nomination, Nomination.id == AgendaItem.nomination_id)
            .join(AwardType, AwardType.code == Nomination.award_code)
            .where(AgendaItem.session_id == session_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    ).all()
    member_count = council_session.member_count or len(members)
    present = council_session.present_count or sum(
        1 for mode in receipts.values() if mode == BallotMode.IN_PERSON
    )
    written = council_session.written_count or sum(
        1 for mode in receipts.values() if mode == BallotMode.WRITTEN
    )
    attendance = {BallotMode.IN_PERSON: "Có mặt", BallotMode.WRITTEN: "Ý kiến bằng văn bản"}
    member_rows = [
        {
            "name": name,
            "role": _COUNCIL_ROLE_NAMES[member.council_role],
            "title": member.title,
            "attendance": attendance[receipts[member.id]] if member.id in receipts else "Vắng mặt",
        }
        for member, name in members
    ]
    # In the order of the members' list; a section of its own, apart from the tallies.
    opinions = {o.member_id: o.text for o in written_opinions or ()}
    opinion_rows = [
        {"name": name, "text": opinions[member.id]}
        for member, name in members
        if member.id in opinions
    ]
    agenda = []
    for item, nomination, award_name in items:
        share = item.agree / member_count * 100 if member_count else 0
        agenda.append(
            {
                "position": item.position,
                "nominee": nomination.nominee_name,
                "award": award_name,
                "agree": item.agree,
                "disagree": item.disagree,
                "abstain": item.abstain,
                "share": vn_number(share, 1),
                "threshold": _threshold_text(item.vote_rule, item.threshold),
                "secret": item.vote_rule == VoteRule.SECRET_BALLOT,
                "result": _RESULT_NAMES[item.result],
                "passed": item.result == ItemResult.PASSED,
            }
        )
    chair = next((r for m, r in members if m.council_role == CouncilRole.CHAIR), "")
    secretary = next((r for m, r in members if m.council_role == CouncilRole.SECRETARY), "")
    held = council_session.opened_at or council_session.closed_at or council_session.closes_at
    closed = council_session.closed_at or council_session.closes_at
    held_local = held.astimezone(VIETNAM_TZ)
    context = {
        # The council speaks under its committee: "ỦY BAN NHÂN DÂN / PHƯỜNG … / HỘI ĐỒNG …"
        "header_lines": [
            *(authority.header_lines or [authority.name.upper()]),
            "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        ],
        "council_name": council.name,
        "session_title": council_session.title,
        "place_date": format_vn_long_date(authority.place_name, _local_date(closed)),
        "held_at": f"{held_local:%H} giờ {held_local:%M} ngày {format_vn_date(held_local)}",
        "closed_at": format_vn_date(closed),
        "authority_name": authority.name,
        "member_count": member_count,
        "present": present,
        "written": written,
        "absent": max(member_count - present - written, 0),
        "quorate": council_session.status == SessionStatus.CLOSED,
        "quorum": vn_number(council_session.quorum_fraction * 100, 0),
        "members": member_rows,
        "written_opinions": opinion_rows,
        "agenda": agenda,
        "passed_count": sum(1 for a in agenda if a["passed"]),
        "chair": chair,
        "secretary": secretary,
        "document_title": f"Biên bản họp {council.name} - {council_session.title}",
    }
    return context, council_session


async def _public_notice_context(
    session: AsyncSession, data: PublicNoticeInput, public_base_url: str
) -> dict[str, Any]:
    authority = await session.get(Authority, data.authority_id)
    if authority is None:
        raise DocumentError(
            "AuthorityNotFound",
            f"Không có cơ quan ban hành số {data.authority_id}",
            f"No authority {data.authority_id}",
        )
    if not data.nomination_ids:
        raise DocumentError(
            "EmptyPublicNotice",
            "Thông báo công khai phải có ít nhất một đề nghị khen thưởng",
            "A public notice lists at least one nomination",
        )
    standing_unit = await session.get(Unit, authority.standing_unit_id)
    rows = (
        await session.execute(
            select(Nomination, AwardType.name_vi, Unit.name)
            .join(AwardType, AwardType.code == Nomination.award_code)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .where(Nomination.id.in_(data.nomination_ids))
        )
    ).all()
    found = {n.id for n, _, _ in rows}
    missing = [i for i in data.nomination_ids if i not in found]
    if missing:
        raise DocumentError(
            "NominationNotFound",
            f"Không có đề nghị khen thưởng số {', '.join(map(str, missing))}",
            f"No nomination {missing}",
        )
    order = {nomination_id: index for index, nomination_id in enumerate(data.nomination_ids)}
    rows = sorted(rows, key=lambda row: order[row[0].id])
    starts, ends = data.starts_at.astimezone(VIETNAM_TZ), data.ends_at.astimezone(VIETNAM_TZ)
    return {
        "header_lines": list(authority.header_lines or [authority.name.upper()]),
        "authority_name": authority.name,
        "place_date": format_vn_long_date(authority.place_name, starts.date()),
        "nominees": [
            {
                "position": index,
                "name": nomination.nominee_name,
                "kind": _KIND_WORDS[nomination.subject_kind],
                "unit": unit_name,
                "award": award_name,
                "year": nomination.year,
            }
            for index, (nomination, award_name, unit_name) in enumerate(rows, start=1)
        ],
        "starts": f"{starts:%H} giờ {starts:%M} ngày {format_vn_date(starts)}",
        "ends": f"{ends:%H} giờ {ends:%M} ngày {format_vn_date(ends)}",
        "standing_unit_name": standing_unit.name if standing_unit else "",
        "portal_url": f"{public_base_url.rstrip('/')}/cong-khai",
        "archive_code": _abbreviation(standing_unit.name) if standing_unit else "",
        "document_title": f"Thông báo công khai - {authority.name}",
    }


# ---------------------------------------------------------------------------------------
# Activities


class DocumentActivities:
    """Issues documents. Built once in the worker; every activity is idempotent by its
    document key (``decision-<id>``, ``minutes-<session id>``, ``public-notice-<key>``).

    Failures that retrying cannot cure are non-retryable ``ApplicationError``s whose type
    names the cause: ``NoSigningIdentity``, ``SigningIdentityUnusable``,
    ``SignerNotEntitled``, ``DecisionNotFound``, ``DecisionCancelled``,
    ``EmptyDecision``, ``UnknownRuleSet``, ``CouncilSessionNotFound``,
    ``CouncilSessionOpen``, ``AuthorityNotFound``, ``NominationNotFound``,
    ``EmptyPublicNotice``."""

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        get_rule_set: RuleSetLookup,
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.get_rule_set = get_rule_set
        self.clock = clock
        self.files = FileStore(settings.files_dir)

    # ---- decisions and submissions -----------------------------------------------------

    @activity.defn
    async def issue_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        """Number, render, sign, store and record a decision (or submission). A retry
        reuses the number; an issued decision returns its stored result."""
        try:
            return await self._issue_decision(data)
        except DocumentError as exc:
            raise exc.to_application_error() from exc

    async def _issue_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        issued_on = _local_date(data.signed_at)
        # Transaction 1: checks, then the number (committed: a retry reuses it).
        async with transaction(self.session_factory) as session:
            decision = await session.get(Decision, data.decision_id, with_for_update=True)
            if decision is None:
                raise DocumentError(
                    "DecisionNotFound",
                    f"Không có quyết định số hiệu nội bộ {data.decision_id}",
                    f"No decision with id {data.decision_id}",
                )
            if decision.status == DecisionStatus.ISSUED:
                return await self._issued_result(session, decision)
            if decision.status == DecisionStatus.CANCELLED:
                raise DocumentError(
                    "DecisionCancelled", "Quyết định đã bị hủy", "The decision was cancelled"
                )
            authority = await session.get(Authority, decision.authority_id)
            assert authority is not None
            await self._check_signer(session, authority, data)
            identity = await active_identity(
                session, user_id=data.signer_user_id, authority_id=authority.id
            )
            if identity is None:
                signer = await session.get(User, data.signer_user_id)
                name = signer.full_name if signer else f"#{data.signer_user_id}"
                raise DocumentError(
                    "NoSigningIdentity",
                    f"{name} chưa có chứng thư số để ký văn bản của {authority.name}: "
                    "quản trị viên cần nhập chứng thư số (tệp PKCS#12) cho người ký",
                    f"{name} has no signing certificate for {authority.name}: an "
                    "administrator must import one (PKCS#12)",
                )
            try:
                check_usable(x509_certificate(identity.certificate_pem))
                await asyncio.to_thread(
                    load_signer, identity.pkcs12, self.settings.signing_key_passphrase
                )
            except (SigningIdentityError, SigningError) as exc:
                raise DocumentError(
                    "SigningIdentityUnusable",
                    f"Chứng thư số của người ký không dùng được: {getattr(exc, 'message_vi', exc)}",
                    f"The signer's certificate cannot be used: {exc}",
                ) from exc
            item_count = len(
                (
                    await session.execute(
                        select(DecisionItem.id).where(DecisionItem.decision_id == decision.id)
                    )
                ).all()
            )
            if item_count == 0:
                raise DocumentError(
                    "EmptyDecision",
                    "Quyết định chưa có tập thể, cá nhân nào được khen thưởng",
                    "The decision lists no awardee",
                )
            if decision.number is None:
                series = (
                    authority.decision_code
                    if decision.kind == DecisionKind.DECISION
                    else authority.submission_code
                )
                number = await allocate_number(
                    session, authority_id=authority.id, series=series, year=issued_on.year
                )
                decision.number = number
                decision.year = issued_on.year
                decision.number_text = format_number(number, series)
            identity_p12, identity_cert_sha = identity.pkcs12, identity.certificate_sha256
            identity_cert_pem, identity_subject = identity.certificate_pem, identity.subject

        # Render and sign outside any transaction (seconds for a long list).
        async with self.session_factory() as session:
            job = await _prepare_decision(
                session,
                data.decision_id,
                get_rule_set=self.get_rule_set,
                draft=False,
                issued_on=issued_on,
                capacity=data.capacity,
                signer_user_id=data.signer_user_id,
            )
        pdf, box = await job.render()
        if box is None:  # pragma: no cover - the templates always carry the anchor
            raise RuntimeError("the signature place was not found in the rendered decision")
        signed = await asyncio.to_thread(
            sign_pdf,
            pdf,
            identity_p12,
            self.settings.signing_key_passphrase,
            field_name=SIGNATURE_FIELD,
            box=box.box,
            page=box.page,
            signer_label=job.signer_name,
            organisation_label=job.authority_name,
            reason=job.title,
            location=job.place_name,
        )
        digest = sha256_hex(signed)
        storage_key = await asyncio.to_thread(self.files.put, signed)
        certificate = x509_certificate(identity_cert_pem)

        # Transaction 2: the document, the decision issued, the award records.
        async with transaction(self.session_factory) as session:
            decision = await session.get(Decision, data.decision_id, with_for_update=True)
            assert decision is not None
            if decision.status == DecisionStatus.ISSUED:  # a concurrent attempt won
                return await self._issued_result(session, decision)
            key = f"decision-{decision.id}"
            document = (
                await session.execute(select(Document).where(Document.document_key == key))
            ).scalar_one_or_none()
            if document is None:
                document = Document(document_key=key, created_at=self.clock.now())
                session.add(document)
            is_decision = decision.kind == DecisionKind.DECISION
            document.kind = DocumentKind.DECISION if is_decision else DocumentKind.SUBMISSION
            document.title = f"{'Quyết định' if is_decision else 'Tờ trình'} số {decision.number_text} {decision.title}"[
                :500
            ]
            document.sha256 = digest
            document.size_bytes = len(signed)
            document.content_type = "application/pdf"
            document.storage_key = storage_key
            document.authority_id = decision.authority_id
            document.decision_id = decision.id
            document.number_text = decision.number_text
            document.signed = True
            document.signer_name = common_name(certificate) or job.signer_name
            document.signer_subject = identity_subject
            document.signer_certificate_sha256 = identity_cert_sha
            document.signed_at = data.signed_at
            await session.flush()
            decision.status = DecisionStatus.ISSUED
            decision.document_id = document.id
            decision.signed_at = data.signed_at
            decision.issued_on = issued_on
            decision.signer_user_id = data.signer_user_id
            decision.signer_capacity = data.capacity
            if is_decision:
                await self._record_awards(session, decision)
            return IssuedDecision(
                decision_id=decision.id,
                number_text=decision.number_text,
                document_id=document.id,
                sha256=digest,
                issued_on=issued_on,
            )

    async def _check_signer(
        self, session: AsyncSession, authority: Authority, data: IssueDecisionInput
    ) -> None:
        role = Role.CHAIRMAN if data.capacity == SignerCapacity.CHAIRMAN else Role.VICE_CHAIRMAN
        grant = (
            await session.execute(
                select(RoleGrant.id).where(
                    RoleGrant.user_id == data.signer_user_id,
                    RoleGrant.unit_id == authority.unit_id,
                    RoleGrant.role == role,
                )
            )
        ).first()
        if grant is None:
            raise DocumentError(
                "SignerNotEntitled",
                f"Người ký không giữ chức vụ {'Chủ tịch' if role == Role.CHAIRMAN else 'Phó Chủ tịch'} "
                f"của {authority.name}",
                f"The signer is not {role.value} of {authority.name}",
            )

    async def _issued_result(self, session: AsyncSession, decision: Decision) -> IssuedDecision:
        document = await session.get(Document, decision.document_id)
        assert document is not None and decision.issued_on is not None
        return IssuedDecision(
            decision_id=decision.id,
            number_text=decision.number_text,
            document_id=document.id,
            sha256=document.sha256,
            issued_on=decision.issued_on,
        )

    async def _record_awards(self, session: AsyncSession, decision: Decision) -> None:
        """One award record per awardee (idempotent), and the initiative each grounds."""
        authority = await session.get(Authority, decision.authority_id)
        assert authority is not None
        rows = (
            await session.execute(
                select(DecisionItem, Nomination)
                .join(Nomination, Nomination.id == DecisionItem.nomination_id)
                .where(DecisionItem.decision_id == decision.id)
                .order_by(DecisionItem.position, DecisionItem.id)
            )
        ).all()
        recorded = set(
            (
                await session.execute(
                    select(AwardRecord.nomination_id).where(AwardRecord.decision_id == decision.id)
                )
            ).scalars()
        )
        award_kinds = {
            a.code: a.kind
            for a in (
                await session.execute(
                    select(AwardType).where(AwardType.code.in_({i.award_code for i, _ in rows}))
                )
            ).scalars()
        }
        for item, nomination in rows:
            if nomination.id in recorded:
                continue
            kind = award_kinds.get(item.award_code)
            try:
                rule = self.get_rule_set(nomination.rule_set_id).awards.get(item.award_code)
            except LookupError:
                rule = None
            if rule is not None:
                kind = rule.kind
            if kind is None:
                raise DocumentError(
                    "UnknownAward",
                    f"Không rõ loại hình khen thưởng của {item.award_code}",
                    f"Unknown award {item.award_code}",
                )
            record = AwardRecord(
                subject_kind=nomination.subject_kind,
                person_id=nomination.person_id,
                collective_id=nomination.collective_id,
                household_id=nomination.household_id,
                award_code=item.award_code,
                kind=kind,
                year=nomination.year,
                decision_number=decision.number_text,
                decision_date=decision.issued_on,
                deciding_authority=authority.name,
                nomination_id=nomination.id,
                decision_id=decision.id,
                achievement_key=nomination.achievement_key,
            )
            session.add(record)
            await session.flush()
            if nomination.initiative_id is not None:
                initiative = await session.get(Initiative, nomination.initiative_id)
                if initiative is not None and initiative.grounded_award_id is None:
                    initiative.grounded_award_id = record.id

    # ---- minutes and public notices ------------------------------------------------------

    @activity.defn
    async def issue_minutes(self, data: IssueMinutesInput) -> DocumentRef:
        """The minutes of a closed council session: the tallies (the ballot is secret) and
        the absent members' written opinions, each under the member's name."""
        key = f"minutes-{data.session_id}"
        try:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                context, council_session = await _minutes_context(
                    session, data.session_id, data.written_opinions
                )
                authority_id = council_session.authority_id
        except DocumentError as exc:
            raise exc.to_application_error() from exc
        pdf, _ = await asyncio.to_thread(render_template_pdf, "minutes.html", context)
        ref = await self._store(
            key=key,
            kind=DocumentKind.MINUTES,
            title=context["document_title"],
            pdf=pdf,
            authority_id=authority_id,
            session_id=data.session_id,
        )
        async with transaction(self.session_factory) as session:
            council_session = await session.get(CouncilSession, data.session_id)
            if council_session is not None and council_session.minutes_document_id is None:
                council_session.minutes_document_id = ref.document_id
        return ref

    @activity.defn
    async def issue_public_notice(self, data: PublicNoticeInput) -> DocumentRef:
        """The public notice (thông báo công khai) of nominations, with the period and
        how to object."""
        key = f"public-notice-{data.key}"
        try:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                context = await _public_notice_context(
                    session, data, self.settings.resolved_public_base_url
                )
        except DocumentError as exc:
            raise exc.to_application_error() from exc
        pdf, _ = await asyncio.to_thread(render_template_pdf, "public_notice.html", context)
        return await self._store(
            key=key,
            kind=DocumentKind.PUBLIC_NOTICE,
            title=context["document_title"],
            pdf=pdf,
            authority_id=data.authority_id,
            nomination_id=data.nomination_ids[0] if len(data.nomination_ids) == 1 else None,
        )

    async def _store(
        self, *, key: str, kind: DocumentKind, title: str, pdf: bytes, **links: Any
    ) -> DocumentRef:
        """Store the file and insert its row once per key (a concurrent twin's row wins)."""
        storage_key = await asyncio.to_thread(self.files.put, pdf)
        try:
            async with transaction(self.session_factory) as session:
                existing = await _document_by_key(session, key)
                if existing is not None:
                    return DocumentRef(document_id=existing.id, sha256=existing.sha256)
                document = Document(
                    kind=kind,
                    title=title[:500],
                    document_key=key,
                    sha256=sha256_hex(pdf),
                    size_bytes=len(pdf),
                    content_type="application/pdf",
                    storage_key=storage_key,
                    created_at=self.clock.now(),
                    **links,
                )
                session.add(document)
                await session.flush()
                return DocumentRef(document_id=document.id, sha256=document.sha256)
        except IntegrityError:
            async with self.session_factory() as session:
                existing = await _document_by_key(session, key)
                if existing is None:
                    raise
                return DocumentRef(document_id=existing.id, sha256=existing.sha256)


async def _document_by_key(session: AsyncSession, key: str) -> Document | None:
    return (
        await session.execute(select(Document).where(Document.document_key == key))
    ).scalar_one_or_none()


def x509_certificate(pem: str):
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode("ascii"))
