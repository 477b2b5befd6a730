"""The award catalogue as versioned rule sets (schema).

A rule set is one legal basis (e.g. Decree 152/2025) with an effective-from date; the
files live in ``catalogue/`` and a city override file can change dossiers and deadlines.
A nomination keeps the rule set it started under. Pure data: no I/O in this module
(loading is in ``domain.catalogue``, the criteria are evaluated by ``domain.eligibility``).

Everything here except ``RuleSet`` (which holds ``date`` fields) travels through
Temporal's default JSON payload converter unchanged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .calendar import Duration
from .thresholds import Threshold
from .vocabulary import AwardCategory, AwardKind, Level, NomineeKind, VoteRule


class UnknownRuleSet(LookupError):
    """No rule set with this id, or none in force on a date."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


class UnknownAward(LookupError):
    """The rule set has no award with this code."""

    def __init__(self, rule_set_id: str, code: str) -> None:
        self.rule_set_id = rule_set_id
        self.code = code
        self.message_vi = f"Bộ quy tắc {rule_set_id} không có danh hiệu/hình thức '{code}'"
        self.message_en = f"rule set {rule_set_id} has no award '{code}'"
        super().__init__(self.message_en)


@dataclass(frozen=True)
class CouncilRule:
    """How the council of one level votes. When ``vote`` is ``none`` (no council vote,
    e.g. households: group meeting + ward) the threshold and quorum are not used."""

    vote: VoteRule
    threshold: Threshold  # share of ALL council members that must agree
    quorum: Threshold  # share of members that must be present


@dataclass(frozen=True)
class LevelRule:
    """How one level (ward, city, central) handles a nomination for one award."""

    level: Level
    completeness_check: Duration  # to accept or return an incoming dossier
    resubmission: Duration  # the submitter's time to supplement a returned dossier
    public_notice: Duration | None  # None: no public notice at this level
    council: CouncilRule
    processing: Duration  # from a complete dossier to this level's decision or submission
    required_dossier: tuple[str, ...]  # dossier item codes that must be present
    signature: Duration = Duration(3, working=True)  # for the signer to sign
    # Groups of alternatives: at least one item of each group must be present, e.g.
    # (("xac_nhan_sang_kien", "ket_qua_danh_gia"),) for the proof of a CSTĐCS.
    required_any_of: tuple[tuple[str, ...], ...] = ()

    def missing_dossier(self, present: Collection[str]) -> tuple[tuple[str, ...], ...]:
        """What the dossier still lacks: one tuple per missing requirement, holding the
        item code (or the alternatives, any one of which would do)."""
        missing: list[tuple[str, ...]] = [
            (code,) for code in self.required_dossier if code not in present
        ]
        missing.extend(
            group for group in self.required_any_of if not any(code in present for code in group)
        )
        return tuple(missing)


# The time limits of a level a deadline extension (gia hạn) may move, by the LevelRule
# field that sets each, with their names in both languages.
TIME_LIMIT_NAMES: Mapping[str, tuple[str, str]] = {
    "completeness_check": ("kiểm tra hồ sơ", "completeness check"),
    "resubmission": ("nộp lại hồ sơ bổ sung", "resubmission"),
    "processing": ("xét, quyết định ở cấp này", "this level's processing"),
}


@dataclass(frozen=True)
class ExtensionRefusal:
    """Why an extension is refused: ``too_often`` (a conflict with what was done before)
    or too long (the number of days asked for)."""

    too_often: bool
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class ExtensionRule:
    """How far one time limit of one level may be extended (gia hạn): at most ``times``
    extensions, together at most ``percent_of_limit`` percent of the limit's own length
    (counted in working days). A rule value (``deadline_extensions``): no source allows
    open-ended extensions of a statutory time limit (law-digest §10) [U]."""

    times: int = 1
    percent_of_limit: int = 100

    def refusal(
        self,
        *,
        time_limit: str,
        limit_working_days: int,
        times_used: int,
        days_used: int,
        requested: int,
    ) -> ExtensionRefusal | None:
        """None when extending ``time_limit`` (a key of ``TIME_LIMIT_NAMES``, whose length
        is ``limit_working_days``) by ``requested`` more working days is allowed, after
        ``times_used`` extensions that added ``days_used`` working days."""
        name_vi, name_en = TIME_LIMIT_NAMES[time_limit]
        if times_used >= self.times:
            if self.times == 0:
                return ExtensionRefusal(
                    True,
                    f"Thời hạn {name_vi} không được gia hạn",
                    f"the {name_en} time limit may not be extended",
                )
            return ExtensionRefusal(
                True,
                f"Thời hạn {name_vi} ở cấp này đã được gia hạn {times_used} lần "
                f"(tối đa {self.times} lần)",
                f"the {name_en} time limit at this level was already extended "
                f"{times_used} time(s) (at most {self.times})",
            )
        allowance = limit_working_days * self.percent_of_limit // 100
        left = max(allowance - days_used, 0)
        if requested > left:
            return ExtensionRefusal(
                False,
                f"Chỉ được gia hạn thêm tối đa {left} ngày làm việc: tổng các lần gia hạn "
                f"không quá {self.percent_of_limit}% thời hạn {name_vi} "
                f"({limit_working_days} ngày làm việc)",
                f"at most {left} more working days: extensions together may not exceed "
                f"{self.percent_of_limit}% of the {name_en} time limit "
                f"({limit_working_days} working days)",
            )
        return None


@dataclass(frozen=True)
class DossierItemType:
    code: str
    name_vi: str
    name_en: str
    form: str = ""  # e.g. "Mẫu 05, Phụ lục NĐ 152/2025"


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion as written in a catalogue file, validated at load.

    ``predicate`` names a test of ``domain.eligibility`` (e.g. ``consecutive_titles``)
    and ``params`` its parameters as plain values (str, int, bool); ``any_of`` and
    ``all_of`` combine ``children``. Each criterion yields one reason in a verdict,
    under its stable ``code``."""

    predicate: str
    params: Mapping[str, Any]
    code: str
    article: str
    recipients: tuple[NomineeKind, ...] = ()  # empty: applies to every recipient kind
    children: tuple[Criterion, ...] = ()

    def applies_to(self, kind: NomineeKind) -> bool:
        return not self.recipients or kind in self.recipients


@dataclass(frozen=True)
class Quota:
    """A cap on an award within a unit and year: at most ``max_share`` of the holders of
    ``of_award`` (e.g. CSTĐCS ≤ 15% of the LĐTT holders)."""

    max_share: Threshold
    of_award: str
    article: str

    def seats(self, pool: int) -> int:
        return max(pool, 0) * self.max_share.numerator // self.max_share.denominator


@dataclass(frozen=True)
class AwardRule:
    code: str
    name_vi: str
    name_en: str
    category: AwardCategory
    kind: AwardKind
    recipients: tuple[NomineeKind, ...]
    deciding_level: Level
    deciding_authority_vi: str  # "Chủ tịch UBND phường"
    deciding_authority_en: str
    chain: tuple[LevelRule, ...]  # from the ward up to and including the deciding level
    cash_multiples: Mapping[NomineeKind, float]  # × base salary
    legal_basis: tuple[str, ...]  # articles that ground the award
    criteria: tuple[Criterion, ...] = ()  # eligibility criteria (domain.eligibility)
    # Titles awarded once a year per person/collective (e.g. LĐTT, CSTĐCS)
    yearly: bool = True
    certificate: bool = False  # a certificate (Giấy khen) is printed for each awardee
    short_name: str = ""  # "CSTĐCS"
    # Other award types (loại hình) the form may be given as, besides ``kind``: a Giấy
    # khen may reward a sudden achievement or a campaign as well as yearly merit.
    other_kinds: tuple[AwardKind, ...] = ()
    quota: Quota | None = None

    def level_rule(self, level: Level) -> LevelRule:
        for rule in self.chain:
            if rule.level == level:
                return rule
        raise KeyError(f"{self.code} has no step at level {level}")

    @property
    def counts_toward_merit(self) -> bool:
        """Sudden and campaign awards never ground later merit awards (ND 152 Art. 4)."""
        return self.kind not in (AwardKind.SUDDEN, AwardKind.CAMPAIGN)

    @property
    def kinds(self) -> tuple[AwardKind, ...]:
        return (self.kind, *self.other_kinds)

    @property
    def label_vi(self) -> str:
        return self.name_vi

    @property
    def label_en(self) -> str:
        return f"{self.name_en} ({self.short_name})" if self.short_name else self.name_en

    def cash_vnd(self, recipient: NomineeKind, base_salary_vnd: int) -> int | None:
        """The cash amount for one recipient, rounded to the đồng; None when the rule set
        sets none for that recipient kind."""
        multiple = self.cash_multiples.get(recipient)
        if multiple is None:
            return None
        return round(multiple * base_salary_vnd)


# Principles the engine applies to every award; a rule set names the article of each.
PRINCIPLES: tuple[str, ...] = (
    "recipient_kind",  # the award is for this kind of recipient
    "award_kind",  # the nomination's award type is one the form allows
    "yearly_title_once",  # a yearly title once per year
    "one_achievement_one_award",
    "initiative_once",
    "merit_history_only",  # sudden and campaign awards never ground merit awards
    "no_pending_matters",
    "quota",
    "tie_break",
)


@dataclass(frozen=True)
class RuleSet:
    id: str  # e.g. "nd152-2025"
    title: str
    effective_from: date
    effective_to: date | None
    base_salary_vnd: int
    legal_bases: tuple[str, ...]  # căn cứ of a decision
    awards: Mapping[str, AwardRule]
    dossier_items: Mapping[str, DossierItemType]
    reminder_working_days: tuple[int, ...] = (3, 0)
    override: str | None = None  # the city override applied, if any
    source_files: tuple[str, ...] = field(default_factory=tuple)
    # principle (see PRINCIPLES) → the article that states it
    principle_articles: Mapping[str, str] = field(default_factory=dict)
    # Ties for a capped quota go to women and to collectives with at least this share of
    # women alike (Decree 152 Art. 4).
    women_preference_share: Threshold = Threshold(70, 100)
    # Whether absent members who send a written opinion count toward a council's quorum
    # (not settled by the texts found; a rule set and a city override may set it). False
    # keeps the engine's behaviour before the value existed: only members present count.
    quorum_counts_written_opinions: bool = False
    # How often and how far a time limit may be extended (law-digest §10).
    deadline_extensions: ExtensionRule = ExtensionRule()

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def award(self, code: str) -> AwardRule:
        try:
            return self.awards[code]
        except KeyError:
            raise UnknownAward(self.id, code) from None

    def article(self, principle: str) -> str:
        return self.principle_articles.get(principle, "")
