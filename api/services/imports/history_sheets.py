"""Sheet kinds of what people already hold: yearly ratings, the award history from before
the engine, initiatives. Eligibility rests on them (three consecutive CSTĐCS ground a
CSTĐ thành phố), so a row that could name two records is a problem, never a guess.

Natural keys: a rating by subject + year; an award by subject + award + year + decision
number + issuer; an initiative by its recognition decision (number + issuer). A blank
optional cell keeps what is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.vocabulary import InitiativeScope, NomineeKind, Rating
from models import AwardRecord, AwardType, EvaluationResult, Initiative, Person

from ...queries import import_history as queries
from ..admin_scope import in_scope
from . import cells
from .changes import assign, audit, claim, created
from .kinds import Column, ImportContext, Outcome, Row, SheetKind
from .references import find_person
from .subjects import (
    BIRTH_DATE,
    CITIZEN_ID,
    FULL_NAME,
    SUBJECT,
    SUBJECT_LABELS,
    SUBJECT_VI,
    UNIT,
    count,
    find_subject,
)

RATING_LABELS: Mapping[Rating, tuple[str, ...]] = {
    Rating.EXCELLENT: ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV", "Xuất sắc"),
    Rating.GOOD: ("Hoàn thành tốt nhiệm vụ", "HTTNV", "Tốt"),
    Rating.COMPLETED: ("Hoàn thành nhiệm vụ", "HTNV"),
    Rating.NOT_COMPLETED: ("Không hoàn thành nhiệm vụ", "KHTNV"),
}

SCOPE_LABELS: Mapping[InitiativeScope, tuple[str, ...]] = {
    InitiativeScope.BASE: ("Cơ sở", "Cấp cơ sở"),
    InitiativeScope.CITY: ("Thành phố", "Cấp thành phố", "Tỉnh", "Cấp tỉnh"),
    InitiativeScope.NATIONAL: ("Toàn quốc", "Cấp toàn quốc"),
}

RATED_SUBJECTS: Mapping[NomineeKind, tuple[str, ...]] = {
    kind: SUBJECT_LABELS[kind] for kind in (NomineeKind.INDIVIDUAL, NomineeKind.COLLECTIVE)
}

# The example rows name the person of the people sheet's example, in its residential group.
_EXAMPLE_UNIT = "TDP-01"
_EXAMPLE_PERSON = "Nguyễn Thị Hoa"
_EXAMPLE_ISSUER = "Ủy ban nhân dân phường Thạch Khôi"


def _subject_columns(subjects: Mapping[NomineeKind, tuple[str, ...]]) -> tuple[Column, ...]:
    allowed = ", ".join(names[0] for names in subjects.values())
    household = NomineeKind.HOUSEHOLD in subjects
    return (
        Column(
            SUBJECT,
            "Đối tượng",
            required=True,
            example="Cá nhân",
            help_vi=f"Một trong: {allowed}.",
        ),
        Column(
            CITIZEN_ID,
            "Số định danh cá nhân",
            example="",
            help_vi="Cá nhân: 12 chữ số (CCCD); nếu có thì dùng để nhận diện. "
            "Để trống với tập thể" + (", hộ gia đình." if household else "."),
        ),
        Column(
            FULL_NAME,
            "Họ và tên",
            example=_EXAMPLE_PERSON,
            help_vi="Cá nhân: họ và tên (bắt buộc khi không có số định danh)"
            + ("; hộ gia đình: họ và tên chủ hộ" if household else "")
            + ". Để trống với tập thể.",
        ),
        Column(
            BIRTH_DATE,
            "Ngày sinh",
            example=date(1985, 3, 15),
            help_vi="Cá nhân: ngày/tháng/năm, để phân biệt người trùng tên trong đơn vị.",
        ),
        Column(
            UNIT,
            "Đơn vị",
            example=_EXAMPLE_UNIT,
            help_vi="Mã hoặc tên đầy đủ: đơn vị của cá nhân; đơn vị của tập thể"
            + ("; tổ dân phố của hộ gia đình" if household else "")
            + ".",
        ),
    )


async def _created(
    context: ImportContext,
    record: EvaluationResult | AwardRecord | Initiative,
    subject_type: str,
    values: dict[str, object],
) -> Outcome:
    context.session.add(record)
    await context.session.flush()
    audit(
        context,
        subject_type=subject_type,
        subject_id=record.id,
        action=f"{subject_type}_created",
        changes=created(values),
    )
    return Outcome.CREATED


async def _updated(
    context: ImportContext,
    record: EvaluationResult | AwardRecord | Initiative,
    subject_type: str,
    values: dict[str, object],
) -> Outcome:
    changes = assign(record, values)
    if not changes:
        return Outcome.UNCHANGED
    await context.session.flush()
    audit(
        context,
        subject_type=subject_type,
        subject_id=record.id,
        action=f"{subject_type}_updated",
        changes=changes,
    )
    return Outcome.UPDATED


# ---------------------------------------------------------------------------------------
# Ratings

_FIGURES = ("member_count", "women_count", "members_with_title")


async def apply_rating(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    year = cells.year(context, kind, row, "year", required=True)
    rating = cells.choice(context, kind, row, "rating", RATING_LABELS, required=True)
    figures = {key: count(context, kind, row, key) for key in _FIGURES}
    subject = await find_subject(context, kind, row, RATED_SUBJECTS)
    if subject is not None and subject.kind == NomineeKind.INDIVIDUAL:
        for key in _FIGURES:
            if row.values.get(key) is not None:
                context.problem(row, kind, key, "Chỉ nhập cho tập thể", "Only for a collective")
    members = figures["member_count"]
    for key in ("women_count", "members_with_title"):
        part = figures[key]
        if members is not None and part is not None and part > members:
            context.problem(
                row,
                kind,
                key,
                f"Lớn hơn số thành viên ({members})",
                f"More than the members ({members})",
            )
    if len(context.problems) > before or subject is None or year is None or rating is None:
        return None
    if not claim(context, kind, row, (subject.kind, subject.id, year), "year"):
        return None
    stored = await queries.evaluations_of(
        context.session, kind=subject.kind, subject_id=subject.id, year=year
    )
    if len(stored) > 1:
        context.problem(
            row,
            kind,
            "year",
            f"{subject.name} đã có {len(stored)} kết quả xếp loại năm {year}: "
            "hãy sửa trong hệ thống trước khi nhập",
            f"{subject.name} has {len(stored)} ratings for {year}",
        )
        return None
    values: dict[str, object] = {"rating": rating}
    values.update({key: value for key, value in figures.items() if value is not None})
    if not stored:
        record = EvaluationResult(subject_kind=subject.kind, year=year, **subject.ref, **values)
        return await _created(context, record, "evaluation_result", {"year": year, **values})
    return await _updated(context, stored[0], "evaluation_result", values)


RATINGS = SheetKind(
    kind="ratings",
    title="Xếp loại",
    natural_key_vi="Đối tượng (cá nhân hoặc tập thể) + năm: mỗi đối tượng một kết quả "
    "xếp loại mỗi năm; nhập lại thì cập nhật kết quả đã có.",
    columns=(
        *_subject_columns(RATED_SUBJECTS),
        Column("year", "Năm", required=True, example=2025, help_vi="Năm được xếp loại."),
        Column(
            "rating",
            "Xếp loại",
            required=True,
            example="Hoàn thành xuất sắc nhiệm vụ",
            help_vi="Một trong: " + ", ".join(names[0] for names in RATING_LABELS.values()) + ".",
        ),
        Column(
            "member_count",
            "Số thành viên",
            example="",
            help_vi="Chỉ với tập thể: số thành viên trong năm.",
        ),
        Column("women_count", "Số nữ", example="", help_vi="Chỉ với tập thể: số thành viên nữ."),
        Column(
            "members_with_title",
            "Số đạt Lao động tiên tiến",
            example="",
            help_vi="Chỉ với tập thể: số thành viên đạt danh hiệu Lao động tiên tiến.",
        ),
    ),
    apply_row=apply_rating,
    order=50,
)


# ---------------------------------------------------------------------------------------
# Award history

_AWARD_TYPES = "history.award_types"


async def _award_type(context: ImportContext, kind: SheetKind, row: Row) -> AwardType | None:
    """The award a cell names by its code or its Vietnamese name."""
    reference = cells.text(context, kind, row, "award", required=True)
    if reference is None:
        return None
    types: list[AwardType] | None = context.cache.get(_AWARD_TYPES)
    if types is None:
        types = await queries.award_types(context.session)
        context.cache[_AWARD_TYPES] = types
    wanted = cells.folded(reference)
    found = [t for t in types if t.code.casefold() == reference.casefold()] or [
        t for t in types if cells.folded(t.name_vi) == wanted
    ]
    if len(found) != 1:
        context.problem(
            row,
            kind,
            "award",
            "Không có danh hiệu/hình thức này",
            "No such award",
        )
        return None
    return found[0]


async def apply_award(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    award = await _award_type(context, kind, row)
    year = cells.year(context, kind, row, "year", required=True)
    number = cells.text(context, kind, row, "decision_number", required=True, max_length=64)
    decided_on = cells.day(context, kind, row, "decision_date")
    issuer = cells.text(context, kind, row, "deciding_authority", required=True)
    subject = await find_subject(context, kind, row)
    if award is not None and subject is not None and subject.kind.value not in award.recipients:
        context.problem(
            row,
            kind,
            "award",
            f"{award.name_vi} không dành cho {SUBJECT_VI[subject.kind]}",
            f"{award.name_en} is not given to a {subject.kind.value}",
        )
    if (
        len(context.problems) > before
        or award is None
        or subject is None
        or year is None
        or number is None
        or issuer is None
    ):
        return None
    key = (
        subject.kind,
        subject.id,
        award.code,
        year,
        cells.folded(number),
        cells.folded(issuer),
    )
    if not claim(context, kind, row, key, "decision_number"):
        return None
    stored = [
        record
        for record in await queries.award_records_of(
            context.session,
            kind=subject.kind,
            subject_id=subject.id,
            award_code=award.code,
            year=year,
        )
        if cells.same_name(record.decision_number, number)
        and cells.same_name(record.deciding_authority, issuer)
    ]
    if len(stored) > 1:
        context.problem(
            row,
            kind,
            "decision_number",
            f"Khớp với {len(stored)} bản ghi khen thưởng đã có của {subject.name}: "
            "hãy sửa trong hệ thống trước khi nhập",
            f"Matches {len(stored)} stored award records",
        )
        return None
    values: dict[str, object] = {}
    if decided_on is not None:
        values["decision_date"] = decided_on
    if not stored:
        record = AwardRecord(
            subject_kind=subject.kind,
            **subject.ref,
            award_code=award.code,
            kind=award.kind,
            year=year,
            decision_number=number,
            deciding_authority=issuer,
            decision_date=decided_on,
        )
        return await _created(
            context,
            record,
            "award_record",
            {
                "subject_kind": subject.kind,
                "subject_id": subject.id,
                "award_code": award.code,
                "kind": award.kind,
                "year": year,
                "decision_number": number,
                "decision_date": decided_on,
                "deciding_authority": issuer,
            },
        )
    return await _updated(context, stored[0], "award_record", values)


AWARDS = SheetKind(
    kind="awards",
    title="Khen thưởng đã có",
    natural_key_vi="Đối tượng + danh hiệu/hình thức + năm + số quyết định + cơ quan ban hành: "
    "nhập lại cùng dòng không tạo bản ghi mới.",
    columns=(
        *_subject_columns(SUBJECT_LABELS),
        Column(
            "award",
            "Danh hiệu, hình thức khen thưởng",
            required=True,
            example="Chiến sĩ thi đua cơ sở",
            help_vi="Tên đầy đủ theo danh mục (ví dụ Lao động tiên tiến, Chiến sĩ thi đua cơ "
            "sở, Giấy khen của Chủ tịch Ủy ban nhân dân phường) hoặc mã của danh mục "
            "(ví dụ cstdcs).",
        ),
        Column(
            "year",
            "Năm",
            required=True,
            example=2025,
            help_vi="Năm của thành tích được khen thưởng.",
        ),
        Column(
            "decision_number",
            "Số quyết định",
            required=True,
            example="125/QĐ-UBND",
            help_vi="Số, ký hiệu của quyết định khen thưởng.",
        ),
        Column(
            "decision_date",
            "Ngày quyết định",
            example=date(2025, 12, 20),
            help_vi="Ngày ký quyết định (ngày/tháng/năm).",
        ),
        Column(
            "deciding_authority",
            "Cơ quan ban hành",
            required=True,
            example=_EXAMPLE_ISSUER,
            help_vi="Cơ quan ban hành quyết định, ghi đầy đủ và thống nhất giữa các dòng.",
        ),
    ),
    apply_row=apply_award,
    order=60,
)


# ---------------------------------------------------------------------------------------
# Initiatives


_RECOGNISED = "history.recognised_initiatives"


async def _recognised(
    context: ImportContext,
) -> dict[tuple[str, str, str], list[Initiative]]:
    """The stored initiatives by their recognition decision (number, issuer) and their
    title within it (one decision often recognises a ward's whole list), compared ignoring
    case, accents and extra spaces; read once per import."""
    found: dict[tuple[str, str, str], list[Initiative]] | None = context.cache.get(_RECOGNISED)
    if found is None:
        found = {}
        for item in await queries.recognised_initiatives(context.session):
            key = (
                cells.folded(item.decision_number),
                cells.folded(item.recognised_by),
                cells.folded(item.title),
            )
            found.setdefault(key, []).append(item)
        context.cache[_RECOGNISED] = found
    return found


async def _other_author(context: ImportContext, item: Initiative) -> str:
    """How a problem names the author a decision already recognised (by name only when
    within the importer's units)."""
    author = await context.session.get(Person, item.person_id)
    if author is not None and in_scope(context.scope, author.unit_id):
        return author.full_name
    return "người khác"


async def apply_initiative(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    title = cells.text(context, kind, row, "title", required=True, max_length=500)
    year = cells.year(context, kind, row, "year", required=True)
    scope = cells.choice(context, kind, row, "scope", SCOPE_LABELS, required=True)
    research = cells.yes_no(context, kind, row, "is_research")
    issuer = cells.text(context, kind, row, "recognised_by", required=True)
    number = cells.text(context, kind, row, "decision_number", required=True, max_length=64)
    decided_on = cells.day(context, kind, row, "decision_date")
    person = await find_person(
        context,
        kind,
        row,
        citizen_id_key=CITIZEN_ID,
        name_key=FULL_NAME,
        birth_date_key=BIRTH_DATE,
        unit_key=UNIT,
    )
    if (
        len(context.problems) > before
        or person is None
        or title is None
        or year is None
        or scope is None
        or issuer is None
        or number is None
    ):
        return None
    decision = (cells.folded(number), cells.folded(issuer), cells.folded(title))
    if not claim(context, kind, row, decision, "title"):
        return None
    stored = (await _recognised(context)).setdefault(decision, [])
    if len(stored) > 1:
        context.problem(
            row,
            kind,
            "decision_number",
            f"Quyết định {number} đã công nhận {len(stored)} sáng kiến cùng tên trong hệ "
            "thống: hãy sửa trong hệ thống trước khi nhập",
            f"Decision {number} already recognised {len(stored)} initiatives",
        )
        return None
    if stored and stored[0].person_id != person.id:
        context.problem(
            row,
            kind,
            "decision_number",
            f"Quyết định {number} của {issuer} đã công nhận sáng kiến này cho "
            f"{await _other_author(context, stored[0])}",
            f"Decision {number} already recognised this initiative for someone else",
        )
        return None
    values: dict[str, object] = {"year": year, "scope": scope}
    if research is not None:
        values["is_research"] = research
    if decided_on is not None:
        values["decision_date"] = decided_on
    if not stored:
        record = Initiative(
            person_id=person.id,
            title=title,
            recognised_by=issuer,
            decision_number=number,
            year=year,
            scope=scope,
            is_research=bool(research),
            decision_date=decided_on,
        )
        stored.append(record)  # the decision now names it (the list is the cache's)
        return await _created(
            context,
            record,
            "initiative",
            {
                "person_id": person.id,
                "title": title,
                "year": year,
                "scope": scope,
                "is_research": bool(research),
                "recognised_by": issuer,
                "decision_number": number,
                "decision_date": decided_on,
            },
        )
    return await _updated(context, stored[0], "initiative", values)


INITIATIVES = SheetKind(
    kind="initiatives",
    title="Sáng kiến",
    natural_key_vi="Quyết định công nhận (số quyết định + cơ quan công nhận) và tên sáng kiến "
    "trong quyết định đó: một quyết định có thể công nhận nhiều sáng kiến, mỗi sáng kiến một "
    "dòng; cùng sáng kiến của cùng quyết định cho người khác là lỗi.",
    columns=(
        Column(
            CITIZEN_ID,
            "Số định danh cá nhân",
            example="",
            help_vi="12 chữ số (CCCD) của tác giả; nếu có thì dùng để nhận diện.",
        ),
        Column(
            FULL_NAME,
            "Họ và tên",
            example=_EXAMPLE_PERSON,
            help_vi="Tác giả (bắt buộc khi không có số định danh).",
        ),
        Column(
            BIRTH_DATE,
            "Ngày sinh",
            example=date(1985, 3, 15),
            help_vi="Ngày/tháng/năm, để phân biệt người trùng tên trong đơn vị.",
        ),
        Column(UNIT, "Đơn vị", example=_EXAMPLE_UNIT, help_vi="Mã hoặc tên đơn vị của tác giả."),
        Column(
            "title",
            "Tên sáng kiến, đề tài",
            required=True,
            example="Số hóa hồ sơ một cửa của phường",
            help_vi="Như ghi trong quyết định công nhận.",
        ),
        Column("year", "Năm công nhận", required=True, example=2025, help_vi="Năm được công nhận."),
        Column(
            "scope",
            "Phạm vi ảnh hưởng",
            required=True,
            example="Cơ sở",
            help_vi="Một trong: " + ", ".join(names[0] for names in SCOPE_LABELS.values()) + ".",
        ),
        Column(
            "is_research",
            "Đề tài nghiên cứu khoa học",
            example="Không",
            help_vi="Có hoặc Không (để trống: Không).",
        ),
        Column(
            "recognised_by",
            "Cơ quan công nhận",
            required=True,
            example=_EXAMPLE_ISSUER,
            help_vi="Cơ quan ban hành quyết định công nhận.",
        ),
        Column(
            "decision_number",
            "Số quyết định công nhận",
            required=True,
            example="88/QĐ-UBND",
            help_vi="Số, ký hiệu của quyết định công nhận.",
        ),
        Column(
            "decision_date",
            "Ngày quyết định",
            example=date(2025, 11, 10),
            help_vi="Ngày ký quyết định công nhận (ngày/tháng/năm).",
        ),
    ),
    apply_row=apply_initiative,
    order=70,
)

HISTORY_SHEETS: tuple[SheetKind, ...] = (RATINGS, AWARDS, INITIATIVES)
