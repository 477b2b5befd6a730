"""Schemas of the award catalogue (rule sets, awards, their chains and criteria) and of
the eligibility check, with the builders that turn the catalogue's plain data into them.

The read models say everything a page needs to show a rule without knowing the
catalogue format: durations, thresholds and dossier requirements come with their text
in Vietnamese and English, cash with its amount in đồng, criteria with a readable
sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from domain.calendar import Duration
from domain.eligibility import (
    DISCIPLINE_EN,
    DISCIPLINE_VI,
    NOMINEE_VI,
    RATING_EN,
    RATING_VI,
    SCOPE_EN,
    SCOPE_VI,
    Candidate,
    CollectiveYear,
    DisciplineFact,
    HeldAward,
    HouseholdFacts,
    InitiativeFact,
    PendingMatterFact,
    Reason,
    Verdict,
    YearRating,
)
from domain.rules import AwardRule, CouncilRule, Criterion, DossierItemType, LevelRule, RuleSet
from domain.vocabulary import (
    AwardCategory,
    AwardKind,
    DisciplineLevel,
    Gender,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
    VoteRule,
)

from .common import DbId, Schema, ShortText, Text

Year = Annotated[int, Field(ge=1945, le=2100)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]

# ---------------------------------------------------------------------------------------
# The catalogue


class DurationRead(Schema):
    days: int
    working: bool  # working days (ngày làm việc) or calendar days
    text_vi: str  # "20 ngày làm việc"
    text_en: str  # "20 working days"


class CouncilRuleRead(Schema):
    vote: VoteRule
    threshold: str | None  # "≥ 80%" of ALL council members; None without a vote
    quorum: str | None  # "≥ 2/3" of members present
    text_vi: str
    text_en: str


class DossierItemTypeRead(Schema):
    code: str
    name_vi: str
    name_en: str
    form: str


class DossierRequirementRead(Schema):
    """One line of a required dossier: a single item, or alternatives of which any one
    will do (written ``a | b`` in the catalogue)."""

    items: list[DossierItemTypeRead]
    alternatives: bool
    text_vi: str
    text_en: str


class LevelStepRead(Schema):
    level: Level
    completeness_check: DurationRead  # to accept or return an incoming dossier
    resubmission: DurationRead  # the submitter's time to supplement a returned dossier
    public_notice: DurationRead | None  # None: no public notice at this level
    council: CouncilRuleRead
    processing: DurationRead  # from a complete dossier to the decision or submission
    signature: DurationRead
    required_dossier: list[DossierRequirementRead]


class CashRead(Schema):
    recipient: NomineeKind
    multiple: float  # × base salary
    amount_vnd: int


class QuotaRead(Schema):
    max_share: str  # "≤ 15%" of the holders of ``of_award``
    of_award: str
    article: str


class CriterionRead(Schema):
    code: str  # the stable reason code of a verdict
    predicate: str
    article: str
    recipients: list[NomineeKind]  # empty: every recipient kind of the award
    params: dict[str, Any]
    text_vi: str
    text_en: str
    children: list[CriterionRead] = Field(default_factory=list)  # any_of / all_of


class AwardRead(Schema):
    code: str
    name_vi: str
    name_en: str
    short_name: str
    category: AwardCategory
    kind: AwardKind
    kinds: list[AwardKind]  # every award type (loại hình) it may be given as
    recipients: list[NomineeKind]
    deciding_level: Level
    deciding_authority_vi: str
    deciding_authority_en: str
    yearly: bool
    certificate: bool
    legal_basis: list[str]
    chain: list[LevelStepRead]  # from the ward up to the deciding level
    cash: list[CashRead]
    criteria: list[CriterionRead]
    quota: QuotaRead | None


class AwardDetail(AwardRead):
    """One award with the rule set it was read from."""

    rule_set_id: str
    rule_set_title: str
    base_salary_vnd: int


class RuleSetSummary(Schema):
    id: str
    title: str
    effective_from: date
    effective_to: date | None
    override: str | None  # the city override applied, if any
    base_salary_vnd: int
    award_count: int


class RuleSetRead(RuleSetSummary):
    legal_bases: list[str]
    principle_articles: dict[str, str]
    reminder_working_days: list[int]
    women_preference_share: str
    quorum_counts_written_opinions: bool = (
        False  # absent members' written opinions toward the quorum
    )
    awards: list[AwardRead]


def duration_read(duration: Duration) -> DurationRead:
    unit_en = "working day" if duration.working else "day"
    return DurationRead(
        days=duration.days,
        working=duration.working,
        text_vi=str(duration),
        text_en=f"{duration.days} {unit_en}{'' if duration.days == 1 else 's'}",
    )


def council_read(council: CouncilRule) -> CouncilRuleRead:
    if council.vote == VoteRule.NONE:
        return CouncilRuleRead(
            vote=council.vote,
            threshold=None,
            quorum=None,
            text_vi="Không biểu quyết tại Hội đồng",
            text_en="no council vote",
        )
    threshold, quorum = str(council.threshold), str(council.quorum)
    how_vi = "bỏ phiếu kín" if council.vote == VoteRule.SECRET_BALLOT else "biểu quyết"
    how_en = "secret ballot" if council.vote == VoteRule.SECRET_BALLOT else "vote"
    return CouncilRuleRead(
        vote=council.vote,
        threshold=threshold,
        quorum=quorum,
        text_vi=f"Hội đồng {how_vi}: đạt {threshold} tổng số thành viên; có mặt {quorum}",
        text_en=f"council {how_en}: {threshold} of all members; quorum {quorum} present",
    )


def dossier_item_read(code: str, items: Mapping[str, DossierItemType]) -> DossierItemTypeRead:
    item = items.get(code)
    if item is None:  # the loader refuses unknown codes; kept total for safety
        return DossierItemTypeRead(code=code, name_vi=code, name_en=code, form="")
    return DossierItemTypeRead(
        code=item.code, name_vi=item.name_vi, name_en=item.name_en, form=item.form
    )


def _requirement(
    codes: tuple[str, ...], items: Mapping[str, DossierItemType]
) -> DossierRequirementRead:
    reads = [dossier_item_read(code, items) for code in codes]
    return DossierRequirementRead(
        items=reads,
        alternatives=len(reads) > 1,
        text_vi=" hoặc ".join(item.name_vi for item in reads),
        text_en=" or ".join(item.name_en for item in reads),
    )


def level_step_read(step: LevelRule, items: Mapping[str, DossierItemType]) -> LevelStepRead:
    return LevelStepRead(
        level=step.level,
        completeness_check=duration_read(step.completeness_check),
        resubmission=duration_read(step.resubmission),
        public_notice=duration_read(step.public_notice) if step.public_notice else None,
        council=council_read(step.council),
        processing=duration_read(step.processing),
        signature=duration_read(step.signature),
        required_dossier=[_requirement((code,), items) for code in step.required_dossier]
        + [_requirement(group, items) for group in step.required_any_of],
    )


# ---- criteria in words -----------------------------------------------------------------

_INITIATIVE_VI = {
    "any": "sáng kiến hoặc đề tài nghiên cứu",
    "initiative": "sáng kiến",
    "research": "đề tài nghiên cứu",
}
_INITIATIVE_EN = {
    "any": "initiative(s) or research project(s)",
    "initiative": "initiative(s)",
    "research": "research project(s)",
}
_STAT_VI = {"completed_duties": "hoàn thành nhiệm vụ trở lên", "women": "là nữ"}
_STAT_EN = {"completed_duties": "completed their duties or better", "women": "are women"}


def _or_better(rating: Rating) -> tuple[str, str]:
    if rating == Rating.EXCELLENT:
        return RATING_VI[rating], RATING_EN[rating]
    return f"{RATING_VI[rating]} trở lên", f"{RATING_EN[rating]} or better"


def describe_criterion(criterion: Criterion, rule_set: RuleSet) -> tuple[str, str]:
    """The criterion as a sentence (Vietnamese, English), in the words of the verdicts."""
    params = criterion.params

    def name(code: str) -> tuple[str, str]:
        award = rule_set.awards.get(code)
        return (award.label_vi, award.label_en) if award else (code, code)

    match criterion.predicate:
        case "rating":
            vi, en = _or_better(Rating(params["at_least"]))
            return f"Năm xét đạt {vi}", f"rated {en} in the year reviewed"
        case "title_in_year":
            vi, en = name(params["award"])
            return (
                f"Đạt {vi} năm xét (hoặc được đề nghị cùng đợt)",
                f"holds {en} for the year reviewed (or proposed in the same batch)",
            )
        case "consecutive_titles":
            vi, en = name(params["award"])
            step, count = params["step"] or 1, params["count"]
            text_vi = (
                f"{count} năm liên tục đạt {vi}"
                if step == 1
                else (f"{count} lần liên tục đạt {vi}, mỗi lần cách nhau {step} năm")
            )
            text_en = (
                f"{count} consecutive years of {en}"
                if step == 1
                else (f"{en} {count} consecutive times, {step} years apart")
            )
            if params["ending"] == "previous_year":
                text_vi += ", tính đến năm trước năm xét"
                text_en += ", up to the year before the year reviewed"
            else:
                text_vi += ", tính đến năm xét"
                text_en += ", up to the year reviewed"
            if params["after_last_award"]:
                text_vi += "; không tính lại các năm đã làm căn cứ cho lần được tặng trước"
                text_en += "; years that grounded the previous award do not count again"
            return text_vi, text_en
        case "consecutive_ratings":
            vi, en = _or_better(Rating(params["at_least"]))
            text_vi, text_en = (
                f"{params['count']} năm liên tục đạt {vi}",
                f"{params['count']} consecutive years rated {en}",
            )
            if params["ending"] == "previous_year":
                text_vi += ", tính đến năm trước năm xét"
                text_en += ", up to the year before the year reviewed"
            return text_vi, text_en
        case "initiative":
            scope = InitiativeScope(params["scope"])
            wider = scope != InitiativeScope.NATIONAL
            within = params["within_years"]
            text_vi = (
                f"Có {params['count']} {_INITIATIVE_VI[params['kind']]} {SCOPE_VI[scope]}"
                f"{' trở lên' if wider else ''}"
            )
            text_en = (
                f"{params['count']} {SCOPE_EN[scope]}{' or wider' if wider else ''} "
                f"{_INITIATIVE_EN[params['kind']]}"
            )
            if within:
                text_vi += " trong năm xét" if within == 1 else f" trong {within} năm gần nhất"
                text_en += (
                    " in the year reviewed" if within == 1 else f" within the last {within} years"
                )
            return (
                text_vi + ", chưa dùng làm căn cứ khen thưởng",
                text_en + ", not yet used to ground an award",
            )
        case "member_title_share":
            vi, en = name(params["award"])
            return (
                f"Tỷ lệ thành viên đạt {vi} {params['at_least']}",
                f"share of members holding {en}: {params['at_least']}",
            )
        case "member_title_count":
            vi, en = name(params["award"])
            return (
                f"Có ít nhất {params['at_least']} thành viên đạt {vi}",
                f"at least {params['at_least']} member(s) hold {en}",
            )
        case "member_share":
            stat = params["of"]
            return (
                f"Tỷ lệ thành viên {_STAT_VI[stat]} {params['at_least']}",
                f"share of members who {_STAT_EN[stat]}: {params['at_least']}",
            )
        case "no_member_discipline":
            level = DisciplineLevel(params["at_least"])
            return (
                f"Không có thành viên bị kỷ luật từ mức {DISCIPLINE_VI[level]} trở lên",
                f"no member disciplined at {DISCIPLINE_EN[level]} level or above",
            )
        case "no_discipline":
            level = DisciplineLevel(params["at_least"])
            return (
                f"Không bị kỷ luật từ mức {DISCIPLINE_VI[level]} trở lên trong năm xét",
                f"not disciplined at {DISCIPLINE_EN[level]} level or above in the year reviewed",
            )
        case "holds_award":
            vi, en = name(params["award"])
            within = params["within_years"]
            return (
                f"Đã được tặng {vi}" + (f" trong {within} năm gần nhất" if within else ""),
                f"has received {en}" + (f" within the last {within} years" if within else ""),
            )
        case "attested":
            return params["vi"], params["en"]
        case "any_of":
            return "Đáp ứng một trong các tiêu chuẩn sau", "meets one of the following"
        case "all_of":
            return "Đáp ứng tất cả các tiêu chuẩn sau", "meets all of the following"
    return criterion.predicate, criterion.predicate


def criterion_read(criterion: Criterion, rule_set: RuleSet) -> CriterionRead:
    text_vi, text_en = describe_criterion(criterion, rule_set)
    return CriterionRead(
        code=criterion.code,
        predicate=criterion.predicate,
        article=criterion.article,
        recipients=list(criterion.recipients),
        params=dict(criterion.params),
        text_vi=text_vi,
        text_en=text_en,
        children=[criterion_read(child, rule_set) for child in criterion.children],
    )


def award_read(award: AwardRule, rule_set: RuleSet) -> AwardRead:
    quota = award.quota
    return AwardRead(
        code=award.code,
        name_vi=award.name_vi,
        name_en=award.name_en,
        short_name=award.short_name,
        category=award.category,
        kind=award.kind,
        kinds=list(award.kinds),
        recipients=list(award.recipients),
        deciding_level=award.deciding_level,
        deciding_authority_vi=award.deciding_authority_vi,
        deciding_authority_en=award.deciding_authority_en,
        yearly=award.yearly,
        certificate=award.certificate,
        legal_basis=list(award.legal_basis),
        chain=[level_step_read(step, rule_set.dossier_items) for step in award.chain],
        cash=[
            CashRead(
                recipient=recipient,
                multiple=multiple,
                amount_vnd=award.cash_vnd(recipient, rule_set.base_salary_vnd) or 0,
            )
            for recipient, multiple in award.cash_multiples.items()
        ],
        criteria=[criterion_read(criterion, rule_set) for criterion in award.criteria],
        # A quota is a ceiling: "≤ 15%" of the holders of the base title.
        quota=QuotaRead(
            max_share="≤" + str(quota.max_share).lstrip("≥>"),
            of_award=quota.of_award,
            article=quota.article,
        )
        if quota
        else None,
    )


def rule_set_summary(rule_set: RuleSet) -> RuleSetSummary:
    return RuleSetSummary(
        id=rule_set.id,
        title=rule_set.title,
        effective_from=rule_set.effective_from,
        effective_to=rule_set.effective_to,
        override=rule_set.override,
        base_salary_vnd=rule_set.base_salary_vnd,
        award_count=len(rule_set.awards),
    )


def rule_set_read(rule_set: RuleSet) -> RuleSetRead:
    return RuleSetRead(
        **rule_set_summary(rule_set).model_dump(),
        legal_bases=list(rule_set.legal_bases),
        principle_articles=dict(rule_set.principle_articles),
        reminder_working_days=list(rule_set.reminder_working_days),
        women_preference_share=str(rule_set.women_preference_share),
        quorum_counts_written_opinions=rule_set.quorum_counts_written_opinions,
        awards=[award_read(award, rule_set) for award in rule_set.awards.values()],
    )


# ---------------------------------------------------------------------------------------
# The eligibility check


class SubjectRef(Schema):
    """A person, collective or household in the database."""

    kind: NomineeKind
    person_id: DbId | None = None
    collective_id: DbId | None = None
    household_id: DbId | None = None

    @model_validator(mode="after")
    def _exactly_one_id(self) -> SubjectRef:
        expected = SUBJECT_ID_FIELD[self.kind]
        given = [name for name in SUBJECT_ID_FIELD.values() if getattr(self, name) is not None]
        if given != [expected]:
            raise ValueError(
                f"a {self.kind.value} subject needs {expected} (and no other id) / "
                f"{NOMINEE_VI[self.kind]} cần đúng một mã {expected}"
            )
        return self

    @property
    def subject_id(self) -> int:
        return getattr(self, SUBJECT_ID_FIELD[self.kind])


SUBJECT_ID_FIELD = {
    NomineeKind.INDIVIDUAL: "person_id",
    NomineeKind.COLLECTIVE: "collective_id",
    NomineeKind.HOUSEHOLD: "household_id",
}


class HeldAwardIn(Schema):
    award_code: ShortText
    year: Year
    kind: AwardKind = AwardKind.MERIT
    achievement_key: ShortText | None = None
    revoked: bool = False


class YearRatingIn(Schema):
    year: Year
    rating: Rating


class InitiativeIn(Schema):
    id: Annotated[int, Field(ge=1)] | None = None  # numbered after the given ones when absent
    year: Year
    scope: InitiativeScope
    is_research: bool = False
    title: Text = ""
    used: bool = False  # already grounded an award


class DisciplineIn(Schema):
    year: Year
    level: DisciplineLevel


class PendingMatterIn(Schema):
    kind: Literal["complaint", "discipline", "inspection"]
    description: Text = ""
    opened_on: date | None = None


class CollectiveYearIn(Schema):
    year: Year
    members: Count
    women: Count = 0
    member_titles: dict[ShortText, Count] = Field(default_factory=dict, max_length=50)
    members_completed_duties: Count | None = None
    worst_member_discipline: DisciplineLevel | None = None

    @model_validator(mode="after")
    def _within_members(self) -> CollectiveYearIn:
        counts = [self.women, self.members_completed_duties or 0, *self.member_titles.values()]
        if any(count > self.members for count in counts):
            raise ValueError(
                f"no count may exceed the {self.members} members / "
                f"không số liệu nào được vượt quá {self.members} thành viên"
            )
        return self


class HouseholdIn(Schema):
    residential_group: Text = ""
    address: Text = ""


class CandidateIn(Schema):
    """A candidate's history given inline, for what-if checks."""

    kind: NomineeKind
    name: ShortText = "Ứng viên (giả định)"
    gender: Gender | None = None
    awards: list[HeldAwardIn] = Field(default_factory=list, max_length=200)
    evaluations: list[YearRatingIn] = Field(default_factory=list, max_length=100)
    initiatives: list[InitiativeIn] = Field(default_factory=list, max_length=100)
    discipline: list[DisciplineIn] = Field(default_factory=list, max_length=100)
    pending_matters: list[PendingMatterIn] = Field(default_factory=list, max_length=50)
    collective_years: list[CollectiveYearIn] = Field(default_factory=list, max_length=100)
    household: HouseholdIn | None = None

    def to_domain(self) -> Candidate:
        taken = {item.id for item in self.initiatives if item.id is not None}
        next_id = max(taken, default=0)
        initiatives = []
        for item in self.initiatives:
            if item.id is None:
                next_id += 1
            initiatives.append(
                InitiativeFact(
                    id=item.id or next_id,
                    year=item.year,
                    scope=item.scope,
                    is_research=item.is_research,
                    title=item.title,
                    used=item.used,
                )
            )
        return Candidate(
            kind=self.kind,
            name=self.name,
            gender=self.gender,
            awards=tuple(
                HeldAward(
                    award_code=a.award_code,
                    year=a.year,
                    kind=a.kind,
                    achievement_key=a.achievement_key,
                    revoked=a.revoked,
                )
                for a in self.awards
            ),
            evaluations=tuple(YearRating(year=e.year, rating=e.rating) for e in self.evaluations),
            initiatives=tuple(initiatives),
            discipline=tuple(DisciplineFact(year=d.year, level=d.level) for d in self.discipline),
            pending_matters=tuple(
                PendingMatterFact(
                    kind=m.kind,
                    description=m.description,
                    opened_on=m.opened_on.isoformat() if m.opened_on else "",
                )
                for m in self.pending_matters
            ),
            collective_years=tuple(
                CollectiveYear(
                    year=c.year,
                    members=c.members,
                    women=c.women,
                    member_titles=dict(c.member_titles),
                    members_completed_duties=c.members_completed_duties,
                    worst_member_discipline=c.worst_member_discipline,
                )
                for c in self.collective_years
            ),
            household=HouseholdFacts(
                residential_group=self.household.residential_group, address=self.household.address
            )
            if self.household
            else None,
        )


class QuotaIn(Schema):
    """For an award with a quota: the unit's holders of the base title that year and the
    seats already taken."""

    pool: Count
    already_granted: Count = 0


class EligibilityCheck(Schema):
    award_code: ShortText
    year: Year  # the achievement year
    on: date | None = None  # chooses the rule set in force that day (default: today)
    rule_set_id: ShortText | None = None  # or name the rule set
    kind: AwardKind | None = None  # the award type, when the form allows several
    subject: SubjectRef | None = None
    candidate: CandidateIn | None = None
    initiative_id: DbId | None = None
    achievement_key: ShortText | None = None
    batch_titles: list[ShortText] = Field(default_factory=list, max_length=20)
    attestations: list[ShortText] = Field(default_factory=list, max_length=50)
    quota: QuotaIn | None = None


class ReasonRead(Schema):
    code: str
    met: bool
    message_vi: str
    message_en: str
    article: str
    details: list[ReasonRead] = Field(default_factory=list)


class VerdictRead(Schema):
    eligible: bool
    rule_set_id: str
    award_code: str
    award_name_vi: str
    award_name_en: str
    year: int
    candidate_kind: NomineeKind
    candidate_name: str
    subject_id: int | None  # the person, collective or household checked, if stored
    reasons: list[ReasonRead]
    unmet: list[str]  # codes of the reasons not met, in order


def reason_read(reason: Reason) -> ReasonRead:
    return ReasonRead(
        code=reason.code,
        met=reason.met,
        message_vi=reason.message_vi,
        message_en=reason.message_en,
        article=reason.article,
        details=[reason_read(detail) for detail in reason.details],
    )


def verdict_read(verdict: Verdict, award: AwardRule, candidate: Candidate) -> VerdictRead:
    return VerdictRead(
        eligible=verdict.eligible,
        rule_set_id=verdict.rule_set_id,
        award_code=verdict.award_code,
        award_name_vi=award.label_vi,
        award_name_en=award.label_en,
        year=verdict.year,
        candidate_kind=candidate.kind,
        candidate_name=candidate.name,
        subject_id=candidate.subject_id,
        reasons=[reason_read(reason) for reason in verdict.reasons],
        unmet=[reason.code for reason in verdict.unmet],
    )
