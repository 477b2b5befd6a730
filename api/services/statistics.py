"""Year-end statistics and the chairman's overview (issue 17).

Who reads them: the standing body, the chairman and vice-chairmen, the auditors and the
administrators of an authority (a ward's read their ward, the city's the city's territory;
the deployment's administrators everything). Anyone else is answered as if the page did
not exist (404).

What is counted: award records not revoked, by the achievement year they recognise, held
by the people, collectives and households of the units under the reader's authorities;
nominations (by stage, overdue, time to decision) as the nominations list shows them;
campaigns launched by the reader's authorities. The forms of Circular 02/2023/TT-BNV
(Mẫu 0601–0603) are filled as far as this data goes: see ``docs/law-notes.md``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession

from domain.charts import bar_chart, horizontal_bar_chart
from domain.vocabulary import (
    STAGE_LABELS,
    AwardKind,
    Gender,
    Level,
    NomineeKind,
    Role,
)

from ..errors import NotFound
from ..principal import Principal
from ..queries import decisions as decision_queries
from ..queries import nominations as nomination_queries
from ..queries import statistics as queries
from ..queries import units as unit_queries
from .access import visible_nominations

AUDIENCE = (Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR)
YEARS_SHOWN = 5  # the chart of awards by year: the year asked and the four before

LEVEL_VI = {
    Level.WARD: "Cấp phường",
    Level.DISTRICT: "Cấp huyện (cũ)",
    Level.CITY: "Cấp thành phố",
    Level.CENTRAL: "Cấp Nhà nước",
}
KIND_VI = {
    AwardKind.MERIT: "Công trạng (thường xuyên)",
    AwardKind.SUDDEN: "Đột xuất",
    AwardKind.CAMPAIGN: "Theo phong trào, chuyên đề",
    AwardKind.SERVICE: "Quá trình cống hiến",
    AwardKind.SENIORITY: "Niên hạn",
    AwardKind.FOREIGN: "Đối ngoại",
}
SUBJECT_VI = {
    NomineeKind.INDIVIDUAL: "Cá nhân",
    NomineeKind.COLLECTIVE: "Tập thể",
    NomineeKind.HOUSEHOLD: "Hộ gia đình",
}
NOT_AVAILABLE = None  # a cell of a form the engine's data cannot fill


@dataclass(frozen=True)
class Scope:
    """What a reader's statistics cover: None for the whole deployment."""

    authority_ids: frozenset[int] | None
    unit_ids: frozenset[int] | None
    name: str


async def scope_of(session: AsyncSession, principal: Principal) -> Scope:
    """The reader's scope; 404 (as a page that does not exist) outside the audience."""
    if principal.deployment_admin:
        return Scope(None, None, "Toàn hệ thống")
    authorities = principal.authority_ids(*AUDIENCE) | set(principal.admin_authority_ids)
    if not authorities:
        raise NotFound("Không tìm thấy trang", "No such page")
    roots = await queries.authority_units(session, authority_ids=authorities)
    units = await unit_queries.units_under(session, root_ids=roots)
    names = await queries.authority_names(session, authority_ids=authorities)
    return Scope(frozenset(authorities), frozenset(units), "; ".join(names))


@dataclass
class TitleRow:
    code: str
    name: str
    level: Level
    individuals: int = 0
    collectives: int = 0
    households: int = 0

    @property
    def total(self) -> int:
        return self.individuals + self.collectives + self.households


@dataclass
class FormTable:
    """One of the forms of Circular 02/2023/TT-BNV: rows (label, code, cells), a cell
    None where the engine's data cannot fill it."""

    code: str
    title: str
    columns: list[str]
    rows: list[tuple[str, str, list[int | None]]]
    note: str


@dataclass
class Statistics:
    year: int
    scope_name: str
    total: int
    by_title: list[TitleRow]
    by_level: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_subject: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_year: list[tuple[int, int]]
    individuals: int
    women: int
    stages: list[tuple[str, str, int]]  # (stage, name, count)
    overdue: list[tuple[int, str, int]]  # (authority id, name, count)
    decision_days: list[tuple[str, int]]
    decision_median_days: float | None
    forms: list[FormTable]
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def women_share(self) -> str:
        """ "62,5%" of the individual awards, or "—" when there are none."""
        if not self.individuals:
            return "—"
        return f"{100 * self.women / self.individuals:.1f}".replace(".", ",") + "%"


def _stage_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [
        (stage.value, STAGE_LABELS[stage][0], counts.get(stage.value, 0))
        for stage in nomination_queries.OPEN_STAGES
    ]


DAY_BUCKETS = ((30, "≤ 30 ngày"), (60, "31–60 ngày"), (90, "61–90 ngày"), (None, "> 90 ngày"))


def _day_buckets(spans: Sequence[tuple[datetime, datetime]]) -> list[tuple[str, int]]:
    counts = Counter[str]()
    for start, end in spans:
        days = (end - start).days
        for bound, label in DAY_BUCKETS:
            if bound is None or days <= bound:
                counts[label] += 1
                break
    return [(label, counts[label]) for _, label in DAY_BUCKETS]


def _form_0601(campaigns: list[queries.CampaignRow], year: int) -> FormTable:
    """Số phong trào thi đua: columns by the level that launched the campaign."""

    def cells(rows: list[queries.CampaignRow]) -> list[int | None]:
        central = sum(1 for c in rows if c.level is Level.CENTRAL)
        city = sum(1 for c in rows if c.level is Level.CITY)
        ward = sum(1 for c in rows if c.level in (Level.WARD, Level.DISTRICT))
        return [central + city + ward, central, city, ward]

    def lasting(low: int, high: int | None) -> list[queries.CampaignRow]:
        return [
            c
            for c in campaigns
            if low <= c.end_year - c.start_year + 1
            and (high is None or c.end_year - c.start_year + 1 < high)
        ]

    blank: list[int | None] = [NOT_AVAILABLE] * 4
    by_level = {lv: [c for c in campaigns if c.level is lv] for lv in Level}
    return FormTable(
        code="0601.N/BNV-TĐKT",
        title=f"Số phong trào thi đua năm {year}",
        columns=[
            "Tổng số",
            "Cấp Trung ương",
            "Cấp bộ, ngành, tỉnh, thành phố",
            "Cơ quan, tổ chức, đơn vị",
        ],
        rows=[
            ("Tổng số", "01", cells(campaigns)),
            ("Phạm vi: toàn quốc", "02", cells(by_level[Level.CENTRAL])),
            ("Phạm vi: bộ, ngành, địa phương", "03", cells(by_level[Level.CITY])),
            ("Phạm vi: cụm, khối thi đua", "04", blank),
            (
                "Phạm vi: cơ quan, tổ chức, đơn vị",
                "05",
                cells(by_level[Level.WARD] + by_level[Level.DISTRICT]),
            ),
            ("Thời hạn: dưới 1 năm", "06", blank),
            ("Thời hạn: 1 năm", "07", cells(lasting(1, 2))),
            ("Thời hạn: từ 1 năm đến dưới 3 năm", "08", cells(lasting(2, 3))),
            ("Thời hạn: từ 3 năm đến dưới 5 năm", "09", cells(lasting(3, 5))),
            ("Thời hạn: từ 5 năm trở lên", "10", cells(lasting(5, None))),
            ("Phương thức: theo chuyên đề", "11", blank),
            ("Phương thức: thường xuyên hằng năm", "12", blank),
        ],
        note=(
            "Từ dữ liệu của hệ thống: các phong trào đang diễn ra trong năm do các cơ quan "
            "trong phạm vi phát động, chia theo cấp phát động và thời hạn tính theo năm. "
            "Không có trong dữ liệu (ô để trống): cụm, khối thi đua; phong trào dưới 1 năm; "
            "phương thức chuyên đề hay thường xuyên."
        ),
    )


def _award_form(
    *,
    code: str,
    title: str,
    columns: list[tuple[str, tuple[str, ...]]],
    rows: list[queries.AwardRow],
    extra_rows: list[tuple[str, str, AwardKind | NomineeKind | str | None]],
    note: str,
) -> FormTable:
    """A form counting awards: a total column, then one column per group of award codes
    (by prefix), one row per subject kind or award kind (None: not in the data)."""

    def cells(selected: list[queries.AwardRow]) -> list[int | None]:
        per_column = [
            sum(1 for r in selected if r.award_code.startswith(prefixes)) for _, prefixes in columns
        ]
        return [sum(per_column), *per_column]

    blank: list[int | None] = [NOT_AVAILABLE] * (len(columns) + 1)
    table_rows: list[tuple[str, str, list[int | None]]] = []
    for label, number, key in extra_rows:
        if key is None:
            table_rows.append((label, number, blank))
        elif key == "total":
            table_rows.append((label, number, cells(rows)))
        elif isinstance(key, NomineeKind):
            table_rows.append((label, number, cells([r for r in rows if r.subject_kind is key])))
        else:
            table_rows.append((label, number, cells([r for r in rows if r.kind is key])))
    return FormTable(
        code=code,
        title=title,
        columns=["Tổng số", *[name for name, _ in columns]],
        rows=table_rows,
        note=note,
    )


def _form_0602(rows: list[queries.AwardRow], year: int) -> FormTable:
    state_level = [r for r in rows if r.year == year and r.deciding_level is Level.CENTRAL]
    return _award_form(
        code="0602.N/BNV-TĐKT",
        title=f"Số lượng khen thưởng cấp Nhà nước năm {year}",
        columns=[
            ("Huân chương", ("huan_chuong",)),
            ("Huy chương", ("huy_chuong",)),
            ("Cờ thi đua của Chính phủ", ("co_thi_dua_chinh_phu",)),
            ("Bằng khen của Thủ tướng Chính phủ", ("bang_khen_thu_tuong",)),
            ("Chiến sĩ thi đua toàn quốc", ("cstd_toan_quoc",)),
        ],
        rows=state_level,
        extra_rows=[
            ("Tổng số", "1", "total"),
            ("Đơn vị trình: bộ, ban, ngành, đoàn thể Trung ương", "2", None),
            ("Đơn vị trình: tỉnh, thành phố trực thuộc Trung ương", "3", "total"),
            ("Tập thể", "6", NomineeKind.COLLECTIVE),
            ("Trong đó: doanh nghiệp", "7", None),
            ("Hộ gia đình", "8", NomineeKind.HOUSEHOLD),
            ("Cá nhân", "9", NomineeKind.INDIVIDUAL),
            ("Cá nhân theo chức vụ (mã 10–14)", "10–14", None),
            ("Thường xuyên", "15", AwardKind.MERIT),
            ("Chuyên đề", "16", AwardKind.CAMPAIGN),
            ("Đột xuất", "17", AwardKind.SUDDEN),
            ("Đối ngoại", "18", AwardKind.FOREIGN),
            ("Cống hiến", "19", AwardKind.SERVICE),
            ("Niên hạn", "20", AwardKind.SENIORITY),
            ("Kháng chiến", "21", None),
        ],
        note=(
            "Từ dữ liệu của hệ thống: khen thưởng cấp Nhà nước (do Trung ương quyết định) đã ghi "
            "vào lịch sử khen thưởng của cá nhân, tập thể, hộ gia đình trong phạm vi; với triển "
            "khai cấp thành phố, mọi khen thưởng này do thành phố trình (mã 3). Không có trong dữ "
            "liệu: Giải thưởng Hồ Chí Minh, Giải thưởng Nhà nước, danh hiệu vinh dự Nhà nước "
            "(không có trong danh mục), doanh nghiệp, chức vụ lãnh đạo của cá nhân, tách tập "
            "thể/cá nhân trong từng cột hình thức (xem các dòng 6, 8, 9), khen thưởng kháng chiến."
        ),
    )


def _form_0603(rows: list[queries.AwardRow], year: int) -> FormTable:
    city_level = [r for r in rows if r.year == year and r.deciding_level is Level.CITY]
    return _award_form(
        code="0603.N/BNV-TĐKT",
        title=f"Số lượng khen thưởng cấp bộ, ngành, tỉnh, thành phố năm {year}",
        columns=[
            ("Bằng khen", ("bang_khen",)),
            ("Chiến sĩ thi đua cấp tỉnh", ("cstd_",)),
            ("Cờ thi đua cấp tỉnh", ("co_thi_dua",)),
            ("Huy hiệu, kỷ niệm chương", ("ky_niem_chuong", "huy_hieu")),
        ],
        rows=city_level,
        extra_rows=[
            ("Tổng số", "01", "total"),
            ("Tập thể", "02", NomineeKind.COLLECTIVE),
            ("Trong đó: doanh nghiệp", "03", None),
            ("Hộ gia đình", "04", NomineeKind.HOUSEHOLD),
            ("Cá nhân", "05", NomineeKind.INDIVIDUAL),
            ("Cá nhân theo chức vụ (mã 06–10)", "06–10", None),
            ("Thường xuyên", "11", AwardKind.MERIT),
            ("Chuyên đề", "12", AwardKind.CAMPAIGN),
            ("Đột xuất", "13", AwardKind.SUDDEN),
            ("Đối ngoại", "14", AwardKind.FOREIGN),
            ("Cống hiến", "15", AwardKind.SERVICE),
            ("Niên hạn", "16", AwardKind.SENIORITY),
            ("Kháng chiến", "17", None),
        ],
        note=(
            "Từ dữ liệu của hệ thống: khen thưởng do thành phố quyết định, đã ghi vào lịch sử "
            "khen thưởng trong phạm vi. Danh hiệu “Tập thể lao động xuất sắc” không thuộc bốn "
            "cột của biểu nên không được đếm ở đây (xem bảng theo danh hiệu). Không có trong "
            "dữ liệu: doanh nghiệp, chức vụ lãnh đạo của cá nhân, khen thưởng kháng chiến."
        ),
    )


def _charts(stats: Statistics) -> dict[str, str]:
    return {
        "by_year": bar_chart(
            "Số khen thưởng theo năm",
            [(str(y), n) for y, n in stats.by_year],
            chart_id="chart-by-year",
        ),
        "by_title": horizontal_bar_chart(
            f"Khen thưởng năm {stats.year} theo danh hiệu, hình thức",
            [(r.name, r.total) for r in stats.by_title],
            chart_id="chart-by-title",
            width=640,
            label_width=300,
        ),
        "stages": horizontal_bar_chart(
            "Hồ sơ đang xử lý theo bước",
            [(name, n) for _, name, n in stats.stages],
            chart_id="chart-stages",
            width=640,
            label_width=300,
        ),
        "decision_days": bar_chart(
            f"Thời gian từ khi nộp đến khi có kết quả (hồ sơ năm {stats.year})",
            stats.decision_days,
            chart_id="chart-decision-days",
        ),
        "overdue": horizontal_bar_chart(
            "Bước quá hạn theo cơ quan",
            [(name, n) for _, name, n in stats.overdue],
            chart_id="chart-overdue",
            width=640,
            label_width=300,
        ),
    }


async def year_statistics(
    session: AsyncSession, *, principal: Principal, year: int, now: datetime
) -> Statistics:
    """The year-end statistics of ``year`` for the reader (404 outside the audience)."""
    scope = await scope_of(session, principal)
    rows = await queries.award_rows(
        session, year_from=year - YEARS_SHOWN + 1, year_to=year, unit_ids=scope.unit_ids
    )
    of_year = [r for r in rows if r.year == year]
    titles: dict[str, TitleRow] = {}
    for r in of_year:
        row = titles.setdefault(
            r.award_code, TitleRow(r.award_code, r.award_name, r.deciding_level)
        )
        if r.subject_kind is NomineeKind.INDIVIDUAL:
            row.individuals += 1
        elif r.subject_kind is NomineeKind.COLLECTIVE:
            row.collectives += 1
        else:
            row.households += 1
    by_title = sorted(titles.values(), key=lambda t: (t.level.rank, -t.total, t.name))
    levels = Counter(r.deciding_level for r in of_year)
    kinds = Counter(r.kind for r in of_year)
    subjects = Counter(r.subject_kind for r in of_year)
    units = Counter(r.unit_name or "—" for r in of_year)
    years = Counter(r.year for r in rows)
    individuals = [r for r in of_year if r.subject_kind is NomineeKind.INDIVIDUAL]
    visible = visible_nominations(principal)
    spans = await queries.decided_spans(session, condition=visible, year=year)
    campaigns = await queries.campaigns_of_year(
        session, year=year, authority_ids=scope.authority_ids
    )
    stats = Statistics(
        year=year,
        scope_name=scope.name,
        total=len(of_year),
        by_title=by_title,
        by_level=[(LEVEL_VI[lv], levels[lv]) for lv in Level if levels[lv]],
        by_kind=[(KIND_VI[k], kinds[k]) for k in AwardKind if kinds[k]],
        by_subject=[(SUBJECT_VI[k], subjects[k]) for k in NomineeKind],
        by_unit=sorted(units.items(), key=lambda item: (-item[1], item[0])),
        by_year=[(y, years[y]) for y in range(year - YEARS_SHOWN + 1, year + 1)],
        individuals=len(individuals),
        women=sum(1 for r in individuals if r.gender is Gender.FEMALE),
        stages=_stage_rows(await nomination_queries.stage_counts(session, condition=visible)),
        overdue=await queries.overdue_by_body(session, condition=visible, now=now),
        decision_days=_day_buckets(spans),
        decision_median_days=median([(e - s).days for s, e in spans]) if spans else None,
        forms=[],
    )
    stats.forms = [_form_0601(campaigns, year), _form_0602(rows, year), _form_0603(rows, year)]
    stats.charts = _charts(stats)
    return stats


@dataclass
class Overview:
    """The chairman's overview: where the dossiers are, what is late, what waits for
    his signature, what was awarded this year."""

    year: int
    stages: list[tuple[str, str, int]]
    overdue: list[tuple[int, str, int]]
    overdue_total: int
    to_sign: int
    awards_by_title: list[tuple[str, int]]
    charts: dict[str, str]


async def overview(
    session: AsyncSession, *, principal: Principal, year: int, now: datetime
) -> Overview:
    """The overview for a chairman or vice-chairman (others of the audience too); 404
    outside the audience."""
    scope = await scope_of(session, principal)
    visible = visible_nominations(principal)
    stages = _stage_rows(await nomination_queries.stage_counts(session, condition=visible))
    overdue = await queries.overdue_by_body(session, condition=visible, now=now)
    rows = await queries.award_rows(session, year_from=year, year_to=year, unit_ids=scope.unit_ids)
    titles = Counter(r.award_name for r in rows)
    by_title = sorted(titles.items(), key=lambda item: (-item[1], item[0]))
    to_sign = await queries.count_decisions(session, condition=decision_queries.to_sign(principal))
    return Overview(
        year=year,
        stages=stages,
        overdue=overdue,
        overdue_total=sum(n for _, _, n in overdue),
        to_sign=to_sign,
        awards_by_title=by_title,
        charts={
            "stages": horizontal_bar_chart(
                "Hồ sơ đang xử lý theo bước",
                [(name, n) for _, name, n in stages],
                chart_id="chart-stages",
                width=640,
                label_width=300,
            ),
            "overdue": horizontal_bar_chart(
                "Bước quá hạn theo cơ quan",
                [(name, n) for _, name, n in overdue],
                chart_id="chart-overdue",
                width=640,
                label_width=300,
            ),
            "by_title": horizontal_bar_chart(
                f"Khen thưởng năm {year} theo danh hiệu, hình thức",
                by_title,
                chart_id="chart-by-title",
                width=640,
                label_width=300,
            ),
        },
    )
