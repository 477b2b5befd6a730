"""The eligibility engine: is a candidate eligible for an award, and why (or why not)?

Pure functions over plain frozen dataclasses: no I/O, no clock, no SQLAlchemy, so that
workflows, activities and the API all apply the rules the same way. The rules are data:
an award's criteria come from the catalogue (``domain.catalogue``) as ``Criterion``
trees whose predicates are defined here, in ``PREDICATES``; the catalogue loader checks
every criterion against these specs, so a malformed file never reaches this module.

Every criterion and every principle yields a ``Reason`` (met or not) with the facts, in
Vietnamese and English, and the article it encodes. The principles, applied to every
award (Law 06/2022 Art. 5, Decree 152/2025 Art. 4):
- the award is for this kind of recipient, and for this award type (loại hình);
- a yearly title once a year;
- one achievement earns one award (an achievement key already rewarded fails);
- an initiative grounds only one award;
- sudden and campaign awards never ground merit awards: history predicates count only
  merit awards (and never revoked ones);
- no award while a complaint, discipline or inspection is pending;
- a quota where the rule set defines one; ties for a capped quota go to women and to
  collectives with ≥ 70% women alike (one tier), then to the earlier submission
  (``rank_for_quota``, ``explain_quota_ranking``).

Dates never appear in these dataclasses (ISO strings instead), so every input and
output travels through Temporal's default payload converter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .calendar import VIETNAM_TZ
from .rules import AwardRule, Criterion, RuleSet
from .thresholds import Threshold
from .vocabulary import (
    AwardKind,
    DisciplineLevel,
    Gender,
    InitiativeScope,
    NomineeKind,
    Rating,
)

# ---------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True)
class HeldAward:
    """A title or award the candidate already holds (from the award history)."""

    award_code: str
    year: int  # the achievement year it recognises
    kind: AwardKind = AwardKind.MERIT
    achievement_key: str | None = None
    decision_ref: str = ""  # "12/QĐ-UBND ngày 05/01/2027 của Chủ tịch UBND phường …"
    revoked: bool = False  # revoked awards never count (kept for the record only)

    @property
    def counts_toward_merit(self) -> bool:
        return not self.revoked and self.kind not in (AwardKind.SUDDEN, AwardKind.CAMPAIGN)


@dataclass(frozen=True)
class YearRating:
    """The yearly evaluation (xếp loại chất lượng) of a person or collective."""

    year: int
    rating: Rating


@dataclass(frozen=True)
class InitiativeFact:
    """A recognised initiative (sáng kiến) or research project (đề tài)."""

    id: int
    year: int
    scope: InitiativeScope
    is_research: bool = False
    title: str = ""
    used: bool = False  # already grounded an award
    # The award it grounded, when known: its code, achievement year and decision
    # ("QĐ số 09/QĐ-UBND ngày 09/01/2026 của ..."), so that a refusal can name it.
    grounded_award: str = ""
    grounded_year: int | None = None
    grounded_ref: str = ""

    @property
    def label(self) -> str:
        return f"“{self.title}” ({self.year})" if self.title else f"#{self.id} ({self.year})"


@dataclass(frozen=True)
class DisciplineFact:
    year: int
    level: DisciplineLevel


@dataclass(frozen=True)
class PendingMatterFact:
    """A complaint, disciplinary review or inspection still open."""

    kind: str  # complaint | discipline | inspection
    description: str = ""
    opened_on: str = ""  # ISO date


@dataclass(frozen=True)
class CollectiveYear:
    """What a collective's members achieved in one year."""

    year: int
    members: int
    women: int = 0
    member_titles: Mapping[str, int] = field(default_factory=dict)  # award code → members
    members_completed_duties: int | None = None  # rated "completed" or better; None: unknown
    worst_member_discipline: DisciplineLevel | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    residential_group: str = ""  # the tổ dân phố
    address: str = ""


@dataclass(frozen=True)
class Candidate:
    kind: NomineeKind
    name: str
    gender: Gender | None = None  # individuals
    subject_id: int | None = None  # person, collective or household id, when in the database
    awards: tuple[HeldAward, ...] = ()
    evaluations: tuple[YearRating, ...] = ()
    initiatives: tuple[InitiativeFact, ...] = ()
    discipline: tuple[DisciplineFact, ...] = ()
    pending_matters: tuple[PendingMatterFact, ...] = ()
    collective_years: tuple[CollectiveYear, ...] = ()  # collectives
    household: HouseholdFacts | None = None  # households

    def rating_in(self, year: int) -> Rating | None:
        for evaluation in self.evaluations:
            if evaluation.year == year:
                return evaluation.rating
        return None

    def collective_year(self, year: int) -> CollectiveYear | None:
        for facts in self.collective_years:
            if facts.year == year:
                return facts
        return None


@dataclass(frozen=True)
class QuotaContext:
    """The numbers a capped award needs: how many hold the base title in the unit that
    year (e.g. LĐTT holders), and how many seats are already taken."""

    pool: int
    already_granted: int = 0


@dataclass(frozen=True)
class EligibilityRequest:
    candidate: Candidate
    award_code: str
    year: int  # the achievement year
    kind: AwardKind | None = None  # the award type, when the form allows several
    initiative_id: int | None = None  # the initiative grounding the nomination
    achievement_key: str | None = None
    # Titles proposed for the same candidate and year in the same batch (e.g. LĐTT with
    # CSTĐCS): they count as held for that year.
    batch_titles: tuple[str, ...] = ()
    # Codes of ``attested`` criteria the unit confirms (recorded in its review minutes).
    attestations: tuple[str, ...] = ()
    quota: QuotaContext | None = None


# ---------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True)
class Reason:
    code: str  # stable: the criterion's code or the principle's name
    met: bool
    message_vi: str
    message_en: str
    article: str
    details: tuple[Reason, ...] = ()  # the alternatives of an any_of / all_of


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: tuple[Reason, ...]
    award_code: str
    rule_set_id: str
    year: int = 0

    @property
    def unmet(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if not reason.met)

    def reason(self, code: str) -> Reason:
        for reason in _walk(self.reasons):
            if reason.code == code:
                return reason
        raise KeyError(code)


def _walk(reasons: Iterable[Reason]) -> Iterable[Reason]:
    for reason in reasons:
        yield reason
        yield from _walk(reason.details)


# ---------------------------------------------------------------------------------------
# Words

RATING_VI = {
    Rating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.GOOD: "Hoàn thành tốt nhiệm vụ",
    Rating.COMPLETED: "Hoàn thành nhiệm vụ",
    Rating.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}
RATING_EN = {
    Rating.EXCELLENT: "excellent completion of duties",
    Rating.GOOD: "good completion of duties",
    Rating.COMPLETED: "completion of duties",
    Rating.NOT_COMPLETED: "non-completion of duties",
}
DISCIPLINE_VI = {
    DisciplineLevel.REPRIMAND: "khiển trách",
    DisciplineLevel.WARNING: "cảnh cáo",
    DisciplineLevel.DEMOTION: "hạ bậc lương/giáng chức",
    DisciplineLevel.DISMISSAL: "cách chức/buộc thôi việc",
}
DISCIPLINE_EN = {
    DisciplineLevel.REPRIMAND: "reprimand",
    DisciplineLevel.WARNING: "warning",
    DisciplineLevel.DEMOTION: "demotion",
    DisciplineLevel.DISMISSAL: "dismissal",
}
SCOPE_VI = {
    InitiativeScope.BASE: "cấp cơ sở",
    InitiativeScope.CITY: "cấp thành phố",
    InitiativeScope.NATIONAL: "toàn quốc",
}
SCOPE_EN = {
    InitiativeScope.BASE: "base-level",
    InitiativeScope.CITY: "city-level",
    InitiativeScope.NATIONAL: "national",
}
AWARD_KIND_VI = {
    AwardKind.MERIT: "công trạng",
    AwardKind.SUDDEN: "đột xuất",
    AwardKind.CAMPAIGN: "phong trào thi đua/chuyên đề",
    AwardKind.SERVICE: "quá trình cống hiến",
    AwardKind.SENIORITY: "niên hạn",
    AwardKind.FOREIGN: "đối ngoại",
}
AWARD_KIND_EN = {
    AwardKind.MERIT: "merit",
    AwardKind.SUDDEN: "sudden achievement",
    AwardKind.CAMPAIGN: "campaign",
    AwardKind.SERVICE: "long service",
    AwardKind.SENIORITY: "seniority",
    AwardKind.FOREIGN: "foreign relations",
}
NOMINEE_VI = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}
NOMINEE_EN = {
    NomineeKind.INDIVIDUAL: "individuals",
    NomineeKind.COLLECTIVE: "collectives",
    NomineeKind.HOUSEHOLD: "households",
}
PENDING_VI = {
    "complaint": "khiếu nại, tố cáo",
    "discipline": "xem xét kỷ luật",
    "inspection": "thanh tra, kiểm tra",
}
PENDING_EN = {
    "complaint": "complaint",
    "discipline": "disciplinary review",
    "inspection": "inspection",
}


def _years_vi(years: Sequence[int]) -> str:
    ordered = sorted(years)
    if len(ordered) == 1:
        return f"năm {ordered[0]}"
    return "năm " + ", ".join(str(y) for y in ordered[:-1]) + f" và {ordered[-1]}"


def _years_en(years: Sequence[int]) -> str:
    ordered = [str(y) for y in sorted(years)]
    if len(ordered) == 1:
        return ordered[0]
    return ", ".join(ordered[:-1]) + f" and {ordered[-1]}"


def _share(count: int, total: int) -> str:
    value = 100 * count / total
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def _or_better_vi(rating: Rating) -> str:
    return RATING_VI[rating] + ("" if rating == Rating.EXCELLENT else " trở lên")


def _or_better_en(rating: Rating) -> str:
    return RATING_EN[rating] + ("" if rating == Rating.EXCELLENT else " or better")


# ---------------------------------------------------------------------------------------
# Evaluation context


@dataclass(frozen=True)
class _Facts:
    request: EligibilityRequest
    rule_set: RuleSet
    award: AwardRule

    @property
    def candidate(self) -> Candidate:
        return self.request.candidate

    @property
    def year(self) -> int:
        return self.request.year

    def name_vi(self, code: str) -> str:
        award = self.rule_set.awards.get(code)
        return award.label_vi if award else code

    def name_en(self, code: str) -> str:
        award = self.rule_set.awards.get(code)
        return award.label_en if award else code

    def merit_years(self, code: str) -> dict[int, str]:
        """Years in which the candidate holds ``code`` as a merit award → "held", or has
        it proposed in the same batch for the achievement year → "batch"."""
        years = {
            held.year: "held"
            for held in self.candidate.awards
            if held.award_code == code and held.counts_toward_merit
        }
        if code in self.request.batch_titles and self.year not in years:
            years[self.year] = "batch"
        return years

    def not_counted(self, code: str, up_to: int) -> list[HeldAward]:
        """Records of ``code`` that history predicates ignore: revoked, sudden, campaign."""
        return sorted(
            (
                held
                for held in self.candidate.awards
                if held.award_code == code and not held.counts_toward_merit and held.year <= up_to
            ),
            key=lambda held: held.year,
        )


def _not_counted_note(facts: _Facts, code: str, up_to: int) -> tuple[str, str]:
    ignored = facts.not_counted(code, up_to)
    if not ignored:
        return "", ""
    vi = "; ".join(
        f"{held.year}: {'đã bị hủy bỏ' if held.revoked else 'khen thưởng ' + AWARD_KIND_VI[held.kind]}"
        for held in ignored
    )
    en = "; ".join(
        f"{held.year}: {'revoked' if held.revoked else AWARD_KIND_EN[held.kind] + ' award'}"
        for held in ignored
    )
    return f" (không tính — {vi})", f" (not counted — {en})"


def _reason(
    criterion: Criterion, met: bool, vi: str, en: str, details: tuple[Reason, ...] = ()
) -> Reason:
    return Reason(
        code=criterion.code,
        met=met,
        message_vi=vi,
        message_en=en,
        article=criterion.article,
        details=details,
    )


def _end_year(facts: _Facts, ending: str) -> int:
    return facts.year if ending == "achievement_year" else facts.year - 1


def _award_floor(facts: _Facts) -> int | None:
    """One achievement earns one award (Law 06/2022 Art. 5(2)(c)): the last year before
    the achievement year for which the candidate already holds this award (merit only);
    the years up to it grounded that award and do not count again."""
    previous = [y for y in facts.merit_years(facts.award.code) if y < facts.year]
    return max(previous) if previous else None


def _used_years_note(facts: _Facts, used: Sequence[int], floor_year: int | None) -> tuple[str, str]:
    if not used:
        return "", ""
    listed = ", ".join(map(str, sorted(used)))
    return (
        f"; các năm {listed} đã dùng để xét {facts.award.label_vi} năm {floor_year}, không tính lại",
        f"; {listed} already grounded {facts.award.label_en} for {floor_year} and do not count again",
    )


def _grounded_vi(facts: _Facts, item: InitiativeFact) -> str:
    """The award an initiative already grounded, as a reader needs it named."""
    if not item.grounded_award:
        return "một khen thưởng khác"
    year = f" năm {item.grounded_year}" if item.grounded_year else ""
    ref = f" ({item.grounded_ref})" if item.grounded_ref else ""
    return f"{facts.name_vi(item.grounded_award)}{year}{ref}"


def _grounded_en(facts: _Facts, item: InitiativeFact) -> str:
    if not item.grounded_award:
        return "another award"
    year = f" {item.grounded_year}" if item.grounded_year else ""
    ref = f" ({item.grounded_ref})" if item.grounded_ref else ""
    return f"{facts.name_en(item.grounded_award)}{year}{ref}"


def _used_initiatives_note(facts: _Facts, used: Sequence[InitiativeFact]) -> tuple[str, str]:
    if not used:
        return "", ""
    return (
        " (đã dùng làm căn cứ khen thưởng: "
        + "; ".join(f"{item.label} cho {_grounded_vi(facts, item)}" for item in used)
        + ")",
        " (already used: "
        + "; ".join(f"{item.label} for {_grounded_en(facts, item)}" for item in used)
        + ")",
    )


# ---------------------------------------------------------------------------------------
# Predicates


def _rating(criterion: Criterion, facts: _Facts) -> Reason:
    need = Rating(criterion.params["at_least"])
    got = facts.candidate.rating_in(facts.year)
    met = got is not None and got.rank >= need.rank
    if met:
        assert got is not None
        return _reason(
            criterion,
            True,
            f"Năm {facts.year} đạt {RATING_VI[got]} (yêu cầu: {_or_better_vi(need)})",
            f"rated {RATING_EN[got]} in {facts.year} (needs {_or_better_en(need)})",
        )
    has_vi = (
        f"chưa có kết quả đánh giá năm {facts.year}"
        if got is None
        else f"năm {facts.year} chỉ đạt {RATING_VI[got]}"
    )
    has_en = (
        f"no evaluation for {facts.year}"
        if got is None
        else f"rated {RATING_EN[got]} in {facts.year}"
    )
    return _reason(
        criterion,
        False,
        f"Cần đạt {_or_better_vi(need)} năm {facts.year}; {has_vi}",
        f"needs {_or_better_en(need)} in {facts.year}; {has_en}",
    )


def _title_in_year(criterion: Criterion, facts: _Facts) -> Reason:
    code = criterion.params["award"]
    years = facts.merit_years(code)
    source = years.get(facts.year)
    name_vi, name_en = facts.name_vi(code), facts.name_en(code)
    if source is not None:
        batch_vi = " (đề nghị cùng đợt)" if source == "batch" else ""
        batch_en = " (proposed in the same batch)" if source == "batch" else ""
        return _reason(
            criterion,
            True,
            f"Đạt {name_vi} năm {facts.year}{batch_vi}",
            f"holds {name_en} for {facts.year}{batch_en}",
        )
    note_vi, note_en = _not_counted_note(facts, code, facts.year)
    return _reason(
        criterion,
        False,
        f"Cần đạt {name_vi} năm {facts.year} (hoặc được đề nghị cùng đợt); chưa có{note_vi}",
        f"needs {name_en} for {facts.year} (or proposed in the same batch); has none{note_en}",
    )


def _consecutive_titles(criterion: Criterion, facts: _Facts) -> Reason:
    params = criterion.params
    code, count, step = params["award"], params["count"], params["step"]
    end = _end_year(facts, params["ending"])
    years = facts.merit_years(code)
    # One achievement earns one award: years that already grounded this award (up to the
    # last time the candidate received it) do not count again.
    floor_year = _award_floor(facts) if params["after_last_award"] else None
    run: list[int] = []
    year = end
    while len(run) < count and year in years and (floor_year is None or year > floor_year):
        run.append(year)
        year -= step
    met = len(run) >= count
    name_vi, name_en = facts.name_vi(code), facts.name_en(code)
    unit_vi = "năm" if step == 1 else "lần"
    unit_en = "years" if step == 1 else "times"
    gap_vi = "" if step == 1 else f", mỗi lần cách nhau {step} năm"
    gap_en = "" if step == 1 else f", {step} years apart"
    batch_vi = f" (năm {end} đề nghị cùng đợt)" if years.get(end) == "batch" and end in run else ""
    batch_en = f" ({end} proposed in the same batch)" if batch_vi else ""
    if met:
        return _reason(
            criterion,
            True,
            f"Đạt {name_vi} {count} {unit_vi} liên tục: {_years_vi(run)}{batch_vi}",
            f"holds {name_en} {count} consecutive {unit_en}: {_years_en(run)}{batch_en}",
        )
    used = sorted(y for y in years if floor_year is not None and y <= min(floor_year, end))
    others = sorted(y for y in years if y <= end and y not in run and y not in used)
    if run:
        has_vi, has_en = f"mới có {_years_vi(run)}", f"has {_years_en(run)} only"
    else:
        has_vi, has_en = f"chưa đạt năm {end}", f"none for {end}"
    if others:
        has_vi += f"; các năm không liền mạch: {', '.join(map(str, others))}"
        has_en += f"; other, non-consecutive years: {', '.join(map(str, others))}"
    used_vi, used_en = _used_years_note(facts, used, floor_year)
    has_vi += used_vi
    has_en += used_en
    note_vi, note_en = _not_counted_note(facts, code, end)
    return _reason(
        criterion,
        False,
        f"Cần {count} {unit_vi} liên tục đạt {name_vi}{gap_vi} (đến năm {end}); {has_vi}{note_vi}",
        f"needs {count} consecutive {unit_en} of {name_en}{gap_en} (up to {end}); {has_en}{note_en}",
    )


def _rated(facts: _Facts, year: int, need: Rating) -> bool:
    got = facts.candidate.rating_in(year)
    return got is not None and got.rank >= need.rank


def _rating_run(
    facts: _Facts, need: Rating, end: int, floor_year: int | None, limit: int | None = None
) -> tuple[list[int], list[int]]:
    """The consecutive years rated ``need`` or better back from ``end`` (newest first, at
    most ``limit``), and the rated years just before it that the run may not use because
    they already grounded this award (up to ``floor_year``)."""
    run: list[int] = []
    year = end
    while (limit is None or len(run) < limit) and (floor_year is None or year > floor_year):
        if not _rated(facts, year, need):
            break
        run.append(year)
        year -= 1
    used: list[int] = []
    if floor_year is not None and year <= floor_year and (limit is None or len(run) < limit):
        while _rated(facts, year, need):
            used.append(year)
            year -= 1
    return run, used


def _consecutive_ratings(criterion: Criterion, facts: _Facts) -> Reason:
    params = criterion.params
    need, count = Rating(params["at_least"]), params["count"]
    end = _end_year(facts, params["ending"])
    floor_year = _award_floor(facts) if params["after_last_award"] else None
    run, used = _rating_run(facts, need, end, floor_year, limit=count)
    met = len(run) >= count
    if met:
        return _reason(
            criterion,
            True,
            f"Đạt {_or_better_vi(need)} {count} năm liên tục: {_years_vi(run)}",
            f"rated {_or_better_en(need)} {count} consecutive years: {_years_en(run)}",
        )
    has_vi = f"mới có {_years_vi(run)}" if run else f"chưa đạt năm {end}"
    has_en = f"has {_years_en(run)} only" if run else f"not in {end}"
    used_vi, used_en = _used_years_note(facts, used, floor_year)
    return _reason(
        criterion,
        False,
        f"Cần {count} năm liên tục đạt {_or_better_vi(need)} (đến năm {end}); {has_vi}{used_vi}",
        f"needs {count} consecutive years rated {_or_better_en(need)} (up to {end}); {has_en}{used_en}",
    )


_INITIATIVE_KIND_VI = {
    "any": "sáng kiến hoặc đề tài",
    "initiative": "sáng kiến",
    "research": "đề tài nghiên cứu",
}
_INITIATIVE_KIND_EN = {
    "any": ("initiative or research project", "initiatives or research projects"),
    "initiative": ("initiative", "initiatives"),
    "research": ("research project", "research projects"),
}
_WIDEST_SCOPE = max(InitiativeScope, key=lambda scope: scope.rank)


def _initiative(criterion: Criterion, facts: _Facts) -> Reason:
    params = criterion.params
    scope, count, within, sort = (
        InitiativeScope(params["scope"]),
        params["count"],
        params["within_years"],
        params["kind"],
    )
    first_year = facts.year - within + 1 if within else None

    def qualifies(item: InitiativeFact) -> bool:
        in_window = item.year <= facts.year and (first_year is None or item.year >= first_year)
        right_sort = sort == "any" or (item.is_research == (sort == "research"))
        return in_window and right_sort and item.scope.rank >= scope.rank

    qualifying = [item for item in facts.candidate.initiatives if qualifies(item)]
    unused = [item for item in qualifying if not item.used]
    used = [item for item in qualifying if item.used]
    thing_vi = _INITIATIVE_KIND_VI[sort]
    thing_en = _INITIATIVE_KIND_EN[sort][0 if count == 1 else 1]
    if first_year is None:
        window_vi = window_en = ""
    elif first_year == facts.year:
        window_vi, window_en = f" trong năm {facts.year}", f" in {facts.year}"
    else:
        window_vi, window_en = (
            f" trong các năm {first_year}–{facts.year}",
            f" in {first_year}–{facts.year}",
        )
    wider_vi = "" if scope == _WIDEST_SCOPE else " trở lên"
    wider_en = "" if scope == _WIDEST_SCOPE else " or wider"
    need_vi = f"{count} {thing_vi} {SCOPE_VI[scope]}{wider_vi}{window_vi}"
    need_en = f"{count} {SCOPE_EN[scope]}{wider_en} {thing_en}{window_en}"
    if len(unused) >= count:
        listed = ", ".join(item.label for item in unused[:count])
        return _reason(
            criterion,
            True,
            f"Có {need_vi} chưa dùng làm căn cứ khen thưởng: {listed}",
            f"has {need_en} not yet used to ground an award: {listed}",
        )
    has_vi = f"mới có {len(unused)}" if unused else "chưa có"
    has_en = f"has {len(unused)}" if unused else "has none"
    used_vi, used_en = _used_initiatives_note(facts, used)
    return _reason(
        criterion,
        False,
        f"Cần {need_vi} chưa dùng làm căn cứ khen thưởng; {has_vi}{used_vi}",
        f"needs {need_en} not yet used to ground an award; {has_en}{used_en}",
    )


def _rating_run_with_initiatives(criterion: Criterion, facts: _Facts) -> Reason:
    """N or more consecutive years rated at least R, with K initiatives "in that period"
    (Law 06/2022 Art. 74(1)(d): "từ 02 năm trở lên liên tục hoàn thành xuất sắc nhiệm vụ,
    trong thời gian đó có 02 sáng kiến"): the period is the whole run, however long."""
    params = criterion.params
    need, least = Rating(params["at_least"]), params["min_years"]
    count, scope, sort = params["initiatives"], InitiativeScope(params["scope"]), params["kind"]
    end = _end_year(facts, params["ending"])
    floor_year = _award_floor(facts) if params["after_last_award"] else None
    run, used_years = _rating_run(facts, need, end, floor_year)
    rating_vi, rating_en = _or_better_vi(need), _or_better_en(need)
    thing_vi = _INITIATIVE_KIND_VI[sort]
    thing_en = _INITIATIVE_KIND_EN[sort][0 if count == 1 else 1]
    wider_vi = "" if scope == _WIDEST_SCOPE else " trở lên"
    wider_en = "" if scope == _WIDEST_SCOPE else " or wider"
    things_vi = f"{count} {thing_vi} {SCOPE_VI[scope]}{wider_vi}"
    things_en = f"{count} {SCOPE_EN[scope]}{wider_en} {thing_en}"
    if len(run) < least:
        has_vi = f"mới có {_years_vi(run)}" if run else f"chưa đạt năm {end}"
        has_en = f"has {_years_en(run)} only" if run else f"not in {end}"
        used_vi, used_en = _used_years_note(facts, used_years, floor_year)
        return _reason(
            criterion,
            False,
            f"Cần từ {least} năm liên tục trở lên đạt {rating_vi} (đến năm {end}), trong thời gian đó có "
            f"{things_vi}; {has_vi}{used_vi}",
            f"needs {least} or more consecutive years rated {rating_en} (up to {end}) with {things_en} "
            f"in that period; {has_en}{used_en}",
        )
    first = min(run)

    def qualifies(item: InitiativeFact) -> bool:
        right_sort = sort == "any" or (item.is_research == (sort == "research"))
        return first <= item.year <= end and right_sort and item.scope.rank >= scope.rank

    qualifying = [item for item in facts.candidate.initiatives if qualifies(item)]
    unused = [item for item in qualifying if not item.used]
    used = [item for item in qualifying if item.used]
    run_vi = f"{len(run)} năm liên tục ({_years_vi(run)})"
    run_en = f"{len(run)} consecutive years ({_years_en(run)})"
    if len(unused) >= count:
        listed = ", ".join(item.label for item in unused[:count])
        return _reason(
            criterion,
            True,
            f"Đạt {rating_vi} {run_vi}, trong thời gian đó có {things_vi} chưa dùng làm căn cứ khen thưởng: "
            f"{listed}",
            f"rated {rating_en} {run_en}, with {things_en} in that period not yet used to ground an award: "
            f"{listed}",
        )
    has_vi = f"mới có {len(unused)}" if unused else "chưa có"
    has_en = f"has {len(unused)}" if unused else "has none"
    used_vi, used_en = _used_initiatives_note(facts, used)
    return _reason(
        criterion,
        False,
        f"Đạt {rating_vi} {run_vi}; cần {things_vi} trong thời gian đó (các năm {first}–{end}) chưa dùng làm "
        f"căn cứ khen thưởng; {has_vi}{used_vi}",
        f"rated {rating_en} {run_en}; needs {things_en} in that period ({first}–{end}) not yet used to "
        f"ground an award; {has_en}{used_en}",
    )


def _no_member_data(criterion: Criterion, facts: _Facts) -> Reason:
    return _reason(
        criterion,
        False,
        f"Chưa có số liệu thành viên của tập thể năm {facts.year}",
        f"no member figures for the collective in {facts.year}",
    )


def _member_title_share(criterion: Criterion, facts: _Facts) -> Reason:
    code, share = criterion.params["award"], Threshold.parse(criterion.params["at_least"])
    year_facts = facts.candidate.collective_year(facts.year)
    if year_facts is None or year_facts.members <= 0:
        return _no_member_data(criterion, facts)
    holders, members = year_facts.member_titles.get(code, 0), year_facts.members
    met = share.met_by(holders, members)
    return _reason(
        criterion,
        met,
        f"{holders}/{members} thành viên ({_share(holders, members)}) đạt {facts.name_vi(code)} "
        f"năm {facts.year} (yêu cầu {share})",
        f"{holders} of {members} members ({_share(holders, members)}) hold {facts.name_en(code)} "
        f"for {facts.year} (needs {share})",
    )


def _member_title_count(criterion: Criterion, facts: _Facts) -> Reason:
    code, least = criterion.params["award"], criterion.params["at_least"]
    year_facts = facts.candidate.collective_year(facts.year)
    if year_facts is None:
        return _no_member_data(criterion, facts)
    holders = year_facts.member_titles.get(code, 0)
    return _reason(
        criterion,
        holders >= least,
        f"Có {holders} thành viên đạt {facts.name_vi(code)} năm {facts.year} (yêu cầu ít nhất {least})",
        f"{holders} members hold {facts.name_en(code)} for {facts.year} (needs at least {least})",
    )


_STAT_VI = {"completed_duties": "hoàn thành nhiệm vụ trở lên", "women": "là nữ"}
_STAT_EN = {"completed_duties": "completed their duties or better", "women": "are women"}


def _member_share(criterion: Criterion, facts: _Facts) -> Reason:
    stat, share = criterion.params["of"], Threshold.parse(criterion.params["at_least"])
    year_facts = facts.candidate.collective_year(facts.year)
    if year_facts is None or year_facts.members <= 0:
        return _no_member_data(criterion, facts)
    count = year_facts.women if stat == "women" else year_facts.members_completed_duties
    if count is None:
        return _reason(
            criterion,
            False,
            f"Chưa có kết quả đánh giá thành viên năm {facts.year} (yêu cầu {share} thành viên "
            f"{_STAT_VI[stat]})",
            f"no member evaluations for {facts.year} (needs {share} of members who {_STAT_EN[stat]})",
        )
    members = year_facts.members
    return _reason(
        criterion,
        share.met_by(count, members),
        f"{count}/{members} thành viên ({_share(count, members)}) {_STAT_VI[stat]} năm {facts.year} "
        f"(yêu cầu {share})",
        f"{count} of {members} members ({_share(count, members)}) {_STAT_EN[stat]} in {facts.year} "
        f"(needs {share})",
    )


def _no_member_discipline(criterion: Criterion, facts: _Facts) -> Reason:
    level = DisciplineLevel(criterion.params["at_least"])
    year_facts = facts.candidate.collective_year(facts.year)
    if year_facts is None:
        return _no_member_data(criterion, facts)
    worst = year_facts.worst_member_discipline
    if worst is None or worst.rank < level.rank:
        return _reason(
            criterion,
            True,
            f"Không có thành viên bị kỷ luật từ mức {DISCIPLINE_VI[level]} trở lên năm {facts.year}",
            f"no member disciplined at {DISCIPLINE_EN[level]} level or above in {facts.year}",
        )
    return _reason(
        criterion,
        False,
        f"Có thành viên bị kỷ luật mức {DISCIPLINE_VI[worst]} năm {facts.year} (yêu cầu: không "
        f"ai bị kỷ luật từ mức {DISCIPLINE_VI[level]} trở lên)",
        f"a member was disciplined ({DISCIPLINE_EN[worst]}) in {facts.year} (needs nobody at "
        f"{DISCIPLINE_EN[level]} level or above)",
    )


def _no_discipline(criterion: Criterion, facts: _Facts) -> Reason:
    level = DisciplineLevel(criterion.params["at_least"])
    found = sorted(
        (
            d.level
            for d in facts.candidate.discipline
            if d.year == facts.year and d.level.rank >= level.rank
        ),
        key=lambda found_level: -found_level.rank,
    )
    if not found:
        return _reason(
            criterion,
            True,
            f"Không bị kỷ luật từ mức {DISCIPLINE_VI[level]} trở lên năm {facts.year}",
            f"not disciplined at {DISCIPLINE_EN[level]} level or above in {facts.year}",
        )
    return _reason(
        criterion,
        False,
        f"Bị kỷ luật mức {DISCIPLINE_VI[found[0]]} năm {facts.year}",
        f"disciplined ({DISCIPLINE_EN[found[0]]}) in {facts.year}",
    )


def _holds_award(criterion: Criterion, facts: _Facts) -> Reason:
    code, within = criterion.params["award"], criterion.params["within_years"]
    first_year = facts.year - within if within else None
    years = sorted(
        y
        for y, source in facts.merit_years(code).items()
        if source == "held" and y < facts.year and (first_year is None or y >= first_year)
    )
    window_vi = f" từ năm {first_year}" if first_year else ""
    window_en = f" since {first_year}" if first_year else ""
    if years:
        return _reason(
            criterion,
            True,
            f"Đã được tặng {facts.name_vi(code)} ({_years_vi(years)})",
            f"has received {facts.name_en(code)} ({_years_en(years)})",
        )
    note_vi, note_en = _not_counted_note(facts, code, facts.year)
    return _reason(
        criterion,
        False,
        f"Cần đã được tặng {facts.name_vi(code)} (khen thưởng công trạng){window_vi}; chưa có{note_vi}",
        f"needs an earlier merit {facts.name_en(code)}{window_en}; has none{note_en}",
    )


def _attested(criterion: Criterion, facts: _Facts) -> Reason:
    text_vi, text_en = criterion.params["vi"], criterion.params["en"]
    if criterion.code in facts.request.attestations:
        return _reason(
            criterion, True, f"Đơn vị xác nhận: {text_vi}", f"confirmed by the unit: {text_en}"
        )
    return _reason(
        criterion,
        False,
        f"Chưa có xác nhận của đơn vị (trong biên bản bình xét): {text_vi}",
        f"not yet confirmed by the unit (in its review minutes): {text_en}",
    )


def _children(criterion: Criterion, facts: _Facts) -> tuple[Reason, ...]:
    kind = facts.candidate.kind
    return tuple(_evaluate(child, facts) for child in criterion.children if child.applies_to(kind))


def _any_of(criterion: Criterion, facts: _Facts) -> Reason:
    details = _children(criterion, facts)
    met = [reason for reason in details if reason.met]
    if met:
        return _reason(
            criterion,
            True,
            "Đáp ứng một trong các tiêu chuẩn: " + met[0].message_vi,
            "meets one of the alternatives: " + met[0].message_en,
            details,
        )
    return _reason(
        criterion,
        False,
        "Chưa đáp ứng tiêu chuẩn nào trong: "
        + "; ".join(f"({i}) {r.message_vi}" for i, r in enumerate(details, 1)),
        "meets none of: " + "; ".join(f"({i}) {r.message_en}" for i, r in enumerate(details, 1)),
        details,
    )


def _all_of(criterion: Criterion, facts: _Facts) -> Reason:
    details = _children(criterion, facts)
    unmet = [reason for reason in details if not reason.met]
    if not unmet:
        return _reason(
            criterion,
            True,
            "; ".join(r.message_vi for r in details),
            "; ".join(r.message_en for r in details),
            details,
        )
    return _reason(
        criterion,
        False,
        "Chưa đủ: " + "; ".join(r.message_vi for r in unmet),
        "not all met: " + "; ".join(r.message_en for r in unmet),
        details,
    )


# ---------------------------------------------------------------------------------------
# The vocabulary of predicates (what a catalogue file may write)


@dataclass(frozen=True)
class Param:
    """One parameter of a predicate. ``type`` is one of: rating, award, count, years,
    bool, scope, share, discipline, ending, text, member_stat, initiative_kind."""

    type: str
    required: bool = True
    default: Any = None


ENDINGS = ("achievement_year", "previous_year")
MEMBER_STATS = ("completed_duties", "women")
INITIATIVE_KINDS = ("any", "initiative", "research")
_INDIVIDUAL = (NomineeKind.INDIVIDUAL,)
_COLLECTIVE = (NomineeKind.COLLECTIVE,)


@dataclass(frozen=True)
class PredicateSpec:
    name: str
    params: Mapping[str, Param]
    evaluate: Callable[[Criterion, _Facts], Reason]
    combinator: bool = False
    subjects: tuple[NomineeKind, ...] = ()  # empty: any recipient kind
    needs_code: bool = False  # the criterion must name its own code


PREDICATES: Mapping[str, PredicateSpec] = {
    spec.name: spec
    for spec in (
        # rating at least X in the achievement year
        PredicateSpec("rating", {"at_least": Param("rating")}, _rating),
        # holds (or is proposed in the same batch for) a title in the achievement year
        PredicateSpec("title_in_year", {"award": Param("award")}, _title_in_year),
        # N consecutive years (or times, ``step`` years apart) of a merit title
        PredicateSpec(
            "consecutive_titles",
            {
                "award": Param("award"),
                "count": Param("count"),
                "ending": Param("ending", required=False, default="achievement_year"),
                "step": Param("years", required=False, default=1),
                "after_last_award": Param("bool", required=False, default=False),
            },
            _consecutive_titles,
        ),
        PredicateSpec(
            "consecutive_ratings",
            {
                "at_least": Param("rating"),
                "count": Param("count"),
                "ending": Param("ending", required=False, default="achievement_year"),
                "after_last_award": Param("bool", required=False, default=False),
            },
            _consecutive_ratings,
        ),
        # N or more consecutive years rated R, with K initiatives within that run
        # (Law Art. 74(1)(d): "từ 02 năm trở lên ..., trong thời gian đó có 02 sáng kiến")
        PredicateSpec(
            "rating_run_with_initiatives",
            {
                "at_least": Param("rating"),
                "min_years": Param("years"),
                "initiatives": Param("count"),
                "scope": Param("scope"),
                "kind": Param("initiative_kind", required=False, default="any"),
                "ending": Param("ending", required=False, default="achievement_year"),
                "after_last_award": Param("bool", required=False, default=False),
            },
            _rating_run_with_initiatives,
            subjects=_INDIVIDUAL,
        ),
        # an initiative or research of at least scope S, not yet used for an award
        PredicateSpec(
            "initiative",
            {
                "scope": Param("scope"),
                "count": Param("count", required=False, default=1),
                "within_years": Param("years", required=False, default=None),
                "kind": Param("initiative_kind", required=False, default="any"),
            },
            _initiative,
            subjects=_INDIVIDUAL,
        ),
        PredicateSpec(
            "member_title_share",
            {"award": Param("award"), "at_least": Param("share")},
            _member_title_share,
            subjects=_COLLECTIVE,
        ),
        PredicateSpec(
            "member_title_count",
            {"award": Param("award"), "at_least": Param("count")},
            _member_title_count,
            subjects=_COLLECTIVE,
        ),
        PredicateSpec(
            "member_share",
            {"of": Param("member_stat"), "at_least": Param("share")},
            _member_share,
            subjects=_COLLECTIVE,
        ),
        PredicateSpec(
            "no_member_discipline",
            {"at_least": Param("discipline")},
            _no_member_discipline,
            subjects=_COLLECTIVE,
        ),
        PredicateSpec(
            "no_discipline", {"at_least": Param("discipline")}, _no_discipline, subjects=_INDIVIDUAL
        ),
        # an earlier merit award of a code (e.g. a city Bằng khen before a PM Bằng khen)
        PredicateSpec(
            "holds_award",
            {"award": Param("award"), "within_years": Param("years", required=False, default=None)},
            _holds_award,
        ),
        # a qualitative standard the engine cannot check from data: the unit confirms it
        PredicateSpec(
            "attested", {"vi": Param("text"), "en": Param("text")}, _attested, needs_code=True
        ),
        PredicateSpec("any_of", {}, _any_of, combinator=True),
        PredicateSpec("all_of", {}, _all_of, combinator=True),
    )
}


def _evaluate(criterion: Criterion, facts: _Facts) -> Reason:
    return PREDICATES[criterion.predicate].evaluate(criterion, facts)


# ---------------------------------------------------------------------------------------
# Principles


def _principle(facts: _Facts, code: str, met: bool, vi: str, en: str, article: str = "") -> Reason:
    """A principle's reason; it cites ``article`` when given (more specific), else the
    rule set's article for the principle."""
    article = article or facts.rule_set.article(code) or facts.award.legal_basis[0]
    return Reason(code=code, met=met, message_vi=vi, message_en=en, article=article)


def _recipient_kind(facts: _Facts) -> Reason:
    kind, award = facts.candidate.kind, facts.award
    # The award's own article says who receives it; the general lists come after.
    general = facts.rule_set.article("recipient_kind")
    article = "; ".join(dict.fromkeys(a for a in (award.legal_basis[0], general) if a))
    allowed_vi = ", ".join(NOMINEE_VI[k] for k in award.recipients)
    allowed_en = ", ".join(NOMINEE_EN[k] for k in award.recipients)
    if kind in award.recipients:
        return _principle(
            facts,
            "recipient_kind",
            True,
            f"{award.label_vi} xét tặng cho {allowed_vi}",
            f"{award.label_en} is awarded to {allowed_en}",
            article,
        )
    return _principle(
        facts,
        "recipient_kind",
        False,
        f"{award.label_vi} chỉ xét tặng cho {allowed_vi}, không xét cho {NOMINEE_VI[kind]}",
        f"{award.label_en} is awarded to {allowed_en} only, not to {NOMINEE_EN[kind]}",
        article,
    )


def _award_kind(facts: _Facts) -> Reason:
    award = facts.award
    kind = facts.request.kind or award.kind
    if kind in award.kinds:
        return _principle(
            facts,
            "award_kind",
            True,
            f"Loại hình khen thưởng: {AWARD_KIND_VI[kind]}",
            f"award type: {AWARD_KIND_EN[kind]}",
        )
    allowed_vi = ", ".join(AWARD_KIND_VI[k] for k in award.kinds)
    allowed_en = ", ".join(AWARD_KIND_EN[k] for k in award.kinds)
    return _principle(
        facts,
        "award_kind",
        False,
        f"{award.label_vi} không xét theo loại hình {AWARD_KIND_VI[kind]} (chỉ: {allowed_vi})",
        f"{award.label_en} is not given as a {AWARD_KIND_EN[kind]} award (only: {allowed_en})",
    )


def _yearly_title_once(facts: _Facts) -> Reason:
    award = facts.award
    same = [
        held
        for held in facts.candidate.awards
        if held.award_code == award.code and held.year == facts.year and not held.revoked
    ]
    if not same:
        return _principle(
            facts,
            "yearly_title_once",
            True,
            f"Chưa được tặng {award.label_vi} năm {facts.year}",
            f"has not yet received {award.label_en} for {facts.year}",
        )
    ref = f" ({same[0].decision_ref})" if same[0].decision_ref else ""
    return _principle(
        facts,
        "yearly_title_once",
        False,
        f"Đã được tặng {award.label_vi} năm {facts.year}{ref}",
        f"already holds {award.label_en} for {facts.year}{ref}",
    )


def _one_achievement(facts: _Facts) -> Reason:
    key = facts.request.achievement_key
    if not key:
        return _principle(
            facts,
            "one_achievement_one_award",
            True,
            "Đề nghị không nêu mã thành tích; không có khen thưởng trùng để đối chiếu",
            "no achievement key given; nothing to match against",
        )
    used = [h for h in facts.candidate.awards if h.achievement_key == key and not h.revoked]
    if not used:
        return _principle(
            facts,
            "one_achievement_one_award",
            True,
            f"Thành tích “{key}” chưa được khen thưởng",
            f"achievement “{key}” has not been rewarded yet",
        )
    held = used[0]
    return _principle(
        facts,
        "one_achievement_one_award",
        False,
        f"Thành tích “{key}” đã được khen thưởng bằng {facts.name_vi(held.award_code)} năm {held.year}",
        f"achievement “{key}” was already rewarded with {facts.name_en(held.award_code)} for {held.year}",
    )


def _initiative_once(facts: _Facts) -> Reason:
    wanted = facts.request.initiative_id
    if wanted is None:
        return _principle(
            facts,
            "initiative_once",
            True,
            "Đề nghị không dựa trên một sáng kiến cụ thể",
            "the nomination names no grounding initiative",
        )
    found = next((item for item in facts.candidate.initiatives if item.id == wanted), None)
    if found is None:
        return _principle(
            facts,
            "initiative_once",
            False,
            f"Sáng kiến #{wanted} không có trong hồ sơ của {facts.candidate.name}",
            f"initiative #{wanted} is not on {facts.candidate.name}'s record",
        )
    if found.used:
        return _principle(
            facts,
            "initiative_once",
            False,
            f"Sáng kiến {found.label} đã được dùng làm căn cứ cho {_grounded_vi(facts, found)}",
            f"initiative {found.label} already grounded {_grounded_en(facts, found)}",
        )
    return _principle(
        facts,
        "initiative_once",
        True,
        f"Sáng kiến {found.label} chưa được dùng làm căn cứ khen thưởng",
        f"initiative {found.label} has not grounded any award yet",
    )


def _merit_history_only(facts: _Facts) -> Reason:
    ignored = sorted(
        (
            h
            for h in facts.candidate.awards
            if h.kind in (AwardKind.SUDDEN, AwardKind.CAMPAIGN) and not h.revoked
        ),
        key=lambda h: (h.year, h.award_code),
    )
    revoked = sorted(
        (h for h in facts.candidate.awards if h.revoked), key=lambda h: (h.year, h.award_code)
    )
    if not ignored and not revoked:
        return _principle(
            facts,
            "merit_history_only",
            True,
            "Lịch sử khen thưởng chỉ gồm khen thưởng công trạng",
            "the award history holds merit awards only",
        )
    parts_vi = [
        f"{facts.name_vi(h.award_code)} {h.year} ({AWARD_KIND_VI[h.kind]})" for h in ignored
    ]
    parts_vi += [f"{facts.name_vi(h.award_code)} {h.year} (đã bị hủy bỏ)" for h in revoked]
    parts_en = [
        f"{facts.name_en(h.award_code)} {h.year} ({AWARD_KIND_EN[h.kind]})" for h in ignored
    ]
    parts_en += [f"{facts.name_en(h.award_code)} {h.year} (revoked)" for h in revoked]
    return _principle(
        facts,
        "merit_history_only",
        True,
        "Không tính làm căn cứ xét khen thưởng công trạng: " + "; ".join(parts_vi),
        "not counted toward merit awards: " + "; ".join(parts_en),
    )


def _no_pending_matters(facts: _Facts) -> Reason:
    matters = facts.candidate.pending_matters
    if not matters:
        return _principle(
            facts,
            "no_pending_matters",
            True,
            "Không có khiếu nại, tố cáo, xem xét kỷ luật hay thanh tra đang giải quyết",
            "no complaint, disciplinary review or inspection pending",
        )
    vi = "; ".join(
        PENDING_VI.get(m.kind, m.kind)
        + (f" từ {m.opened_on}" if m.opened_on else "")
        + (f": {m.description}" if m.description else "")
        for m in matters
    )
    en = "; ".join(
        PENDING_EN.get(m.kind, m.kind)
        + (f" since {m.opened_on}" if m.opened_on else "")
        + (f": {m.description}" if m.description else "")
        for m in matters
    )
    return _principle(
        facts,
        "no_pending_matters",
        False,
        f"Chưa xét khen thưởng khi đang có vụ việc chưa kết luận: {vi}",
        f"no award while a matter is pending: {en}",
    )


def _quota(facts: _Facts) -> Reason:
    quota = facts.award.quota
    assert quota is not None
    base_vi, base_en = facts.name_vi(quota.of_award), facts.name_en(quota.of_award)
    limit_vi = (
        f"tối đa {quota.max_share.numerator * 100 // quota.max_share.denominator}% số đạt {base_vi}"
    )
    limit_en = f"at most {quota.max_share.numerator * 100 // quota.max_share.denominator}% of {base_en} holders"
    context = facts.request.quota
    if context is None:
        return _principle(
            facts,
            "quota",
            False,
            f"Có chỉ tiêu ({limit_vi}); cần số người đạt {base_vi} của đơn vị năm {facts.year} để kiểm tra",
            f"capped ({limit_en}); the unit's number of {base_en} holders for {facts.year} is needed",
            quota.article,
        )
    seats = quota.seats(context.pool)
    met = context.already_granted < seats
    return _principle(
        facts,
        "quota",
        met,
        f"Chỉ tiêu {limit_vi}: {seats} trên {context.pool}; đã xét {context.already_granted}, "
        f"còn {max(seats - context.already_granted, 0)}",
        f"quota {limit_en}: {seats} of {context.pool}; {context.already_granted} taken, "
        f"{max(seats - context.already_granted, 0)} left",
        quota.article,
    )


# ---------------------------------------------------------------------------------------
# Entry points


def check_eligibility(request: EligibilityRequest, rule_set: RuleSet) -> Verdict:
    """The verdict for one candidate and award under ``rule_set``, with every reason.

    Raises ``UnknownAward`` when the rule set has no award ``request.award_code``."""
    award = rule_set.award(request.award_code)
    facts = _Facts(request=request, rule_set=rule_set, award=award)
    kind = request.candidate.kind
    reasons: list[Reason] = [_recipient_kind(facts), _award_kind(facts)]
    if award.yearly:
        reasons.append(_yearly_title_once(facts))
    reasons.extend(_evaluate(c, facts) for c in award.criteria if c.applies_to(kind))
    reasons.extend(
        [
            _one_achievement(facts),
            _initiative_once(facts),
            _merit_history_only(facts),
            _no_pending_matters(facts),
        ]
    )
    if award.quota is not None:
        reasons.append(_quota(facts))
    return Verdict(
        eligible=all(reason.met for reason in reasons),
        reasons=tuple(reasons),
        award_code=award.code,
        rule_set_id=rule_set.id,
        year=request.year,
    )


# ---------------------------------------------------------------------------------------
# Tie-breaking for a capped quota (Decree 152 Art. 4)
#
# Art. 4 prefers women, or collectives with at least 70% women, among candidates who
# qualify alike. It sets no order between the two, so both form one preferred tier. The
# text says nothing of a tie that remains inside a tier: the engine then puts the
# earlier-submitted dossier first (the unit's own order of proposal; an objective rule the
# standing body can check), and says so in the explanation.


@dataclass(frozen=True)
class QuotaContender:
    """One candidate competing for a capped award."""

    key: str  # e.g. the nomination id
    kind: NomineeKind
    score: float = 0.0  # the merit order, higher first (e.g. votes in favour)
    gender: Gender | None = None
    members: int = 0  # collectives
    women: int = 0
    name: str = ""  # as shown in explanations (else the key)
    # When the dossier was submitted (ISO datetime, UTC): the order inside one tier.
    submitted: str = ""

    @property
    def label(self) -> str:
        return self.name or self.key


PREFERRED = 0
NOT_PREFERRED = 1


def preference_tier(contender: QuotaContender, women_share: Threshold) -> int:
    """0: preferred — a woman, or a collective with at least ``women_share`` women (the two
    share one tier, Decree 152 Art. 4 orders neither before the other); 1: others."""
    if contender.kind == NomineeKind.INDIVIDUAL and contender.gender == Gender.FEMALE:
        return PREFERRED
    if contender.kind == NomineeKind.COLLECTIVE and women_share.met_by(
        contender.women, contender.members
    ):
        return PREFERRED
    return NOT_PREFERRED


def rank_for_quota(
    contenders: Sequence[QuotaContender], *, women_share: Threshold = Threshold(70, 100)
) -> tuple[QuotaContender, ...]:
    """Contenders in the order they take the seats: higher score first; among equal
    scores the preferred (women and collectives with ≥ ``women_share`` women, alike);
    then the earlier submission (contenders without one keep the given order)."""
    return tuple(
        sorted(contenders, key=lambda c: (-c.score, preference_tier(c, women_share), c.submitted))
    )


def allocate_quota(
    contenders: Sequence[QuotaContender],
    seats: int,
    *,
    women_share: Threshold = Threshold(70, 100),
) -> tuple[tuple[QuotaContender, ...], tuple[QuotaContender, ...]]:
    """(selected, not selected) for ``seats`` places."""
    ranked = rank_for_quota(contenders, women_share=women_share)
    seats = max(seats, 0)
    return ranked[:seats], ranked[seats:]


@dataclass(frozen=True)
class RankedContender:
    """A contender's place in a capped quota, and why it comes before the next one."""

    contender: QuotaContender
    position: int  # 1-based
    within_quota: bool
    preferred: bool
    preference_vi: str  # "Nữ", "Tập thể có 80% nữ (từ 70% trở lên)", or ""
    preference_en: str
    reason_vi: str  # "Xếp trước …: …"; "" for the last one
    reason_en: str


def _preference_words(contender: QuotaContender, women_share: Threshold) -> tuple[str, str]:
    if preference_tier(contender, women_share) != PREFERRED:
        return "", ""
    if contender.kind == NomineeKind.INDIVIDUAL:
        return "Nữ", "A woman"
    share = _share(contender.women, contender.members)
    return (
        f"Tập thể có {share} nữ (từ {str(women_share).removeprefix('≥ ')} trở lên)",
        f"A collective with {share} women ({women_share})",
    )


def _moment(iso: str) -> str:
    """ "09:00 02/12/2026" (Vietnam time) from an ISO datetime."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return moment.strftime("%H:%M %d/%m/%Y")
    return moment.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")


def _ahead_because(
    ahead: QuotaContender,
    behind: QuotaContender,
    *,
    women_share: Threshold,
    article: str,
    score_vi: str,
    score_en: str,
) -> tuple[str, str]:
    """Why ``ahead`` comes before ``behind`` (they are neighbours in the ranking)."""
    cite = f" ({article})" if article else ""
    if ahead.score != behind.score:
        return (
            f"nhiều {score_vi} hơn ({ahead.score:g} so với {behind.score:g})",
            f"more {score_en} ({ahead.score:g} against {behind.score:g})",
        )
    same_vi = f"cùng {ahead.score:g} {score_vi}" if score_vi else ""
    same_en = f"same {ahead.score:g} {score_en}" if score_en else ""
    tier_ahead, tier_behind = (
        preference_tier(ahead, women_share),
        preference_tier(behind, women_share),
    )
    if tier_ahead != tier_behind:
        words_vi, words_en = _preference_words(ahead, women_share)
        return (
            (f"{same_vi}; " if same_vi else "")
            + f"ưu tiên: {words_vi[0].lower()}{words_vi[1:]}{cite}",
            (f"{same_en}; " if same_en else "")
            + f"preferred: {words_en[0].lower()}{words_en[1:]}{cite}",
        )
    if tier_ahead == PREFERRED:
        tier_vi = (
            f"cùng được ưu tiên (nữ và tập thể có từ {str(women_share).removeprefix('≥ ')} nữ ngang nhau"
            f"{', ' + article if article else ''})"
        )
        tier_en = f"both preferred (women and collectives with {women_share} women alike{', ' + article if article else ''})"
    else:
        tier_vi, tier_en = "cùng không thuộc diện ưu tiên", "neither preferred"
    if ahead.submitted and behind.submitted and ahead.submitted != behind.submitted:
        order_vi = (
            f"hồ sơ nộp trước ({_moment(ahead.submitted)}, so với {_moment(behind.submitted)})"
        )
        order_en = (
            f"submitted earlier ({_moment(ahead.submitted)} against {_moment(behind.submitted)})"
        )
    else:
        order_vi, order_en = "giữ thứ tự đề nghị của đơn vị", "kept in the unit's order of proposal"
    return (
        (f"{same_vi}, " if same_vi else "") + f"{tier_vi}; {order_vi}",
        (f"{same_en}, " if same_en else "") + f"{tier_en}; {order_en}",
    )


def explain_quota_ranking(
    contenders: Sequence[QuotaContender],
    seats: int,
    *,
    women_share: Threshold = Threshold(70, 100),
    article: str = "",
    score_vi: str = "",
    score_en: str = "",
) -> tuple[RankedContender, ...]:
    """``rank_for_quota`` with, for each contender, its place, whether it is within the
    ``seats``, its preference and why it comes before the next one. ``score_vi`` /
    ``score_en`` name the score ("phiếu đồng ý"); leave them empty before a vote, when the
    contenders have no score and only the preference and the submission order rank them.
    ``article`` is cited for the preference (the rule set's ``tie_break`` article)."""
    ranked = rank_for_quota(contenders, women_share=women_share)
    explained = []
    for index, contender in enumerate(ranked):
        reason_vi = reason_en = ""
        if index + 1 < len(ranked):
            behind = ranked[index + 1]
            why_vi, why_en = _ahead_because(
                contender,
                behind,
                women_share=women_share,
                article=article,
                score_vi=score_vi,
                score_en=score_en,
            )
            reason_vi = f"Xếp trước {behind.label}: {why_vi}"
            reason_en = f"ahead of {behind.label}: {why_en}"
        preference_vi, preference_en = _preference_words(contender, women_share)
        explained.append(
            RankedContender(
                contender=contender,
                position=index + 1,
                within_quota=index < max(seats, 0),
                preferred=preference_tier(contender, women_share) == PREFERRED,
                preference_vi=preference_vi,
                preference_en=preference_en,
                reason_vi=reason_vi,
                reason_en=reason_en,
            )
        )
    return tuple(explained)
