"""Loads and validates the award catalogue: the rule-set files, the dossier item types
and an optional city override (``catalogue/`` at the project root).

Layout (see ``catalogue/README.md`` for the file format):
- ``dossier-items.yaml``: the dossier item types every rule set may require;
- one ``<rule-set-id>.yaml`` per legal basis (e.g. ``nd152-2025.yaml``);
- ``overrides/<name>.yaml``: what a city sets itself (Decree 152 Art. 6(2)(c)): dossiers,
  time limits and quotas of the titles a ward decides, whether written opinions count
  toward a council's quorum, and how far a deadline may be extended; never thresholds set
  by law.

Loading checks everything (unknown or missing keys, types, durations, thresholds,
award and dossier codes, chains, overlapping dates, what an override may touch) and
raises ``CatalogueError`` naming the file and the key path; the engine refuses to start
on it. This module reads files only in ``load_catalogue``; the ``Catalogue`` it returns
is plain data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .calendar import Duration
from .eligibility import ENDINGS, INITIATIVE_KINDS, MEMBER_STATS, PREDICATES, Param
from .rules import (
    PRINCIPLES,
    AwardRule,
    CouncilRule,
    Criterion,
    DossierItemType,
    ExtensionRule,
    LevelRule,
    Quota,
    RuleSet,
    UnknownRuleSet,
)
from .thresholds import Threshold
from .vocabulary import (
    AwardCategory,
    AwardKind,
    DisciplineLevel,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
    VoteRule,
)

DOSSIER_FILE = "dossier-items.yaml"
OVERRIDES_DIR = "overrides"

# A council that does not vote has no threshold: a share every tally meets.
NO_VOTE = Threshold(0, 1)

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_DURATION = re.compile(r"^\s*(?P<days>\d+)\s+(?P<working>working\s+)?days?\s*$")

STEP_KEYS = (
    "completeness_check",
    "resubmission",
    "public_notice",
    "council",
    "processing",
    "required_dossier",
    "signature",
)
# What a city override may change at a step: dossiers and time limits only.
OVERRIDABLE_STEP_KEYS = (
    "completeness_check",
    "resubmission",
    "public_notice",
    "processing",
    "required_dossier",
    "signature",
)


class CatalogueError(ValueError):
    """A catalogue file is malformed: ``file`` and ``key`` (a path such as
    ``awards.cstdcs.chain[0].council.threshold``) say where, ``problem`` what."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


@dataclass(frozen=True)
class Catalogue:
    rule_sets: tuple[RuleSet, ...]  # sorted by effective_from
    dossier_items: Mapping[str, DossierItemType]
    override: str | None = None

    def in_force(self, day: date) -> RuleSet:
        for rule_set in self.rule_sets:
            if rule_set.in_force_on(day):
                return rule_set
        shown = day.strftime("%d/%m/%Y")
        raise UnknownRuleSet(
            f"Không có bộ quy tắc khen thưởng nào có hiệu lực ngày {shown}",
            f"no rule set is in force on {day.isoformat()}",
        )

    def get(self, rule_set_id: str) -> RuleSet:
        for rule_set in self.rule_sets:
            if rule_set.id == rule_set_id:
                return rule_set
        known = ", ".join(r.id for r in self.rule_sets)
        raise UnknownRuleSet(
            f"Không có bộ quy tắc '{rule_set_id}' (hiện có: {known})",
            f"no rule set '{rule_set_id}' (known: {known})",
        )

    def award(self, rule_set_id: str, code: str) -> AwardRule:
        return self.get(rule_set_id).award(code)

    @property
    def award_codes(self) -> tuple[str, ...]:
        codes: dict[str, None] = {}
        for rule_set in self.rule_sets:
            codes.update(dict.fromkeys(rule_set.awards))
        return tuple(codes)


# ---------------------------------------------------------------------------------------
# Reading values, with the file and key path in every error


class _StrictLoader(yaml.SafeLoader):
    """PyYAML silently keeps the last of two equal keys; a catalogue must not."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


@dataclass(frozen=True)
class _Source:
    file: str  # as shown in errors, e.g. "catalogue/nd152-2025.yaml"

    def fail(self, path: str, problem: str) -> NoReturn:
        raise CatalogueError(self.file, path, problem)

    def mapping(
        self, value: Any, path: str, *, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> dict[str, Any]:
        required, optional = tuple(required), tuple(optional)
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping of keys, got {_describe(value)}")
        allowed = required + optional
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                self.fail(
                    _join(path, str(key)),
                    f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "missing")
        return value

    def sequence(self, value: Any, path: str, *, non_empty: bool = True) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {_describe(value)}")
        if non_empty and not value:
            self.fail(path, "must not be empty")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"expected some text, got {_describe(value)}")
        return value.strip()

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        return tuple(
            self.text(item, _join(path, i)) for i, item in enumerate(self.sequence(value, path))
        )

    def code(self, value: Any, path: str) -> str:
        text = self.text(value, path)
        if not _CODE.match(text):
            self.fail(path, f"'{text}' is not a code (lower-case letters, digits and _)")
        return text

    def integer(self, value: Any, path: str, *, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected a whole number, got {_describe(value)}")
        if value < minimum:
            self.fail(path, f"must be at least {minimum}, got {value}")
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected a number, got {_describe(value)}")
        if value < 0:
            self.fail(path, f"must not be negative, got {value}")
        return float(value)

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_describe(value)}")
        return value

    def day(self, value: Any, path: str) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"expected a date such as 2025-07-01, got {_describe(value)}")

    def choice(self, enum: Any, value: Any, path: str) -> Any:
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(member.value for member in enum)
            self.fail(path, f"{_describe(value)} is not one of: {options}")

    def duration(self, value: Any, path: str) -> Duration:
        match = _DURATION.match(value) if isinstance(value, str) else None
        if not match:
            self.fail(
                path, f"{_describe(value)} is not a duration such as '20 working days' or '10 days'"
            )
        return Duration(int(match.group("days")), working=match.group("working") is not None)

    def optional_duration(self, value: Any, path: str) -> Duration | None:
        if value is None or value == "none":
            return None
        return self.duration(value, path)

    def threshold(self, value: Any, path: str) -> Threshold:
        try:
            return Threshold.parse(value if isinstance(value, str) else repr(value))
        except ValueError as exc:
            self.fail(path, str(exc))


def _read_yaml(path: Path, source: _Source) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        source.fail("", f"cannot be read ({exc.strerror})")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(syntax)"
        problem = getattr(exc, "problem", None) or str(exc)
        source.fail(where, f"not valid YAML: {problem}")


# ---------------------------------------------------------------------------------------
# Dossier items


def _load_dossier_items(path: Path, source: _Source) -> dict[str, DossierItemType]:
    if not path.exists():
        source.fail("", "missing: the catalogue needs its list of dossier item types")
    raw = source.mapping(_read_yaml(path, source), "", required=("items",))
    items: dict[str, DossierItemType] = {}
    for code, value in source.mapping(
        raw["items"], "items", optional=tuple(raw["items"] or ())
    ).items():
        item_path = _join("items", code)
        source.code(code, item_path)
        fields = source.mapping(
            value, item_path, required=("name_vi", "name_en"), optional=("form",)
        )
        items[code] = DossierItemType(
            code=code,
            name_vi=source.text(fields["name_vi"], _join(item_path, "name_vi")),
            name_en=source.text(fields["name_en"], _join(item_path, "name_en")),
            form=source.text(fields["form"], _join(item_path, "form")) if "form" in fields else "",
        )
    if not items:
        source.fail("items", "must not be empty")
    return items


# ---------------------------------------------------------------------------------------
# Criteria


@dataclass
class _AwardContext:
    """What checking one award's criteria needs to remember."""

    recipients: tuple[NomineeKind, ...]
    article: str
    codes: dict[str, str]  # reason code → where it was first used
    award_refs: list[tuple[str, str]]  # (key path, award code) to check once all are read


def _param(source: _Source, spec: Param, value: Any, path: str, refs: list[tuple[str, str]]) -> Any:
    """A parameter value, checked and normalised to a plain value (str, int, bool)."""
    kind = spec.type
    if kind == "rating":
        return source.choice(Rating, value, path).value
    if kind == "award":
        code = source.code(value, path)
        refs.append((path, code))
        return code
    if kind in ("count", "years"):
        return source.integer(value, path, minimum=1)
    if kind == "bool":
        return source.boolean(value, path)
    if kind == "scope":
        return source.choice(InitiativeScope, value, path).value
    if kind == "share":
        return str(source.threshold(value, path))
    if kind == "discipline":
        return source.choice(DisciplineLevel, value, path).value
    if kind == "text":
        return source.text(value, path)
    options = {"ending": ENDINGS, "member_stat": MEMBER_STATS, "initiative_kind": INITIATIVE_KINDS}[
        kind
    ]
    if value not in options:
        source.fail(path, f"{_describe(value)} is not one of: {', '.join(options)}")
    return value


def _criterion(
    source: _Source,
    value: Any,
    path: str,
    context: _AwardContext,
    inherited_recipients: tuple[NomineeKind, ...],
    inherited_article: str,
) -> Criterion:
    if not isinstance(value, dict):
        source.fail(
            path, f"expected a criterion (a mapping naming one predicate), got {_describe(value)}"
        )
    names = [key for key in value if key in PREDICATES]
    others = [
        key for key in value if key not in PREDICATES and key not in ("code", "article", "for")
    ]
    if others:
        source.fail(
            _join(path, str(others[0])),
            f"unknown predicate (expected one of: {', '.join(PREDICATES)}; or code, article, for)",
        )
    if len(names) != 1:
        found = ", ".join(names) or "none"
        source.fail(path, f"a criterion names exactly one predicate (found: {found})")
    name = names[0]
    spec = PREDICATES[name]

    recipients: tuple[NomineeKind, ...] = ()
    if "for" in value:
        for_path = _join(path, "for")
        recipients = tuple(
            source.choice(NomineeKind, item, _join(for_path, i))
            for i, item in enumerate(source.sequence(value["for"], for_path))
        )
        outside = [k.value for k in recipients if k not in inherited_recipients]
        if outside:
            source.fail(for_path, f"{', '.join(outside)} cannot receive this award here")
    effective = recipients or inherited_recipients
    if spec.subjects and any(kind not in spec.subjects for kind in effective):
        only = ", ".join(kind.value for kind in spec.subjects)
        source.fail(path, f"'{name}' applies to {only} only: add `for: [{only}]`")

    article = (
        source.text(value["article"], _join(path, "article"))
        if "article" in value
        else inherited_article
    )
    if "code" in value:
        code = source.code(value["code"], _join(path, "code"))
    elif spec.needs_code:
        source.fail(_join(path, "code"), f"missing: an '{name}' criterion needs its own code")
    else:
        code = name
    if code in PRINCIPLES:
        source.fail(
            _join(path, "code"), f"'{code}' is the name of a principle; choose another code"
        )
    if code in context.codes:
        source.fail(
            path,
            f"duplicate reason code '{code}' (also at {context.codes[code]}): give one of them a `code:`",
        )
    context.codes[code] = path

    body_path = _join(path, name)
    if spec.combinator:
        items = source.sequence(value[name], body_path)
        children = tuple(
            _criterion(source, item, _join(body_path, i), context, effective, article)
            for i, item in enumerate(items)
        )
        return Criterion(name, {}, code, article, recipients, children)

    raw = value[name] if value[name] is not None else {}
    required = [key for key, param in spec.params.items() if param.required]
    optional = [key for key, param in spec.params.items() if not param.required]
    raw = source.mapping(raw, body_path, required=required, optional=optional)
    params: dict[str, Any] = {}
    for key, param in spec.params.items():
        if key in raw:
            params[key] = _param(source, param, raw[key], _join(body_path, key), context.award_refs)
        else:
            params[key] = param.default
    return Criterion(name, params, code, article, recipients)


# ---------------------------------------------------------------------------------------
# Chains


def _dossier_list(
    source: _Source, value: Any, path: str, items: Mapping[str, DossierItemType]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``[to_trinh, xac_nhan_sang_kien | ket_qua_danh_gia]``: items that must all be there,
    and groups of alternatives (written ``a | b``) of which one must be there."""
    required: list[str] = []
    any_of: list[tuple[str, ...]] = []
    for i, entry in enumerate(source.sequence(value, path)):
        entry_path = _join(path, i)
        alternatives = tuple(part.strip() for part in source.text(entry, entry_path).split("|"))
        for code in alternatives:
            if code not in items:
                source.fail(
                    entry_path, f"unknown dossier item '{code}' (known: {', '.join(items)})"
                )
        if len(alternatives) == 1:
            required.append(alternatives[0])
        else:
            any_of.append(alternatives)
    return tuple(required), tuple(any_of)


def _council(source: _Source, value: Any, path: str) -> CouncilRule:
    if not isinstance(value, dict):
        source.fail(
            path, f"expected a mapping with vote, threshold and quorum, got {_describe(value)}"
        )
    vote = (
        source.choice(VoteRule, value.get("vote"), _join(path, "vote")) if "vote" in value else None
    )
    if vote == VoteRule.NONE:
        source.mapping(value, path, required=("vote",))
        return CouncilRule(vote=vote, threshold=NO_VOTE, quorum=NO_VOTE)
    fields = source.mapping(value, path, required=("vote", "threshold", "quorum"))
    assert vote is not None
    return CouncilRule(
        vote=vote,
        threshold=source.threshold(fields["threshold"], _join(path, "threshold")),
        quorum=source.threshold(fields["quorum"], _join(path, "quorum")),
    )


def _step(
    source: _Source,
    value: Any,
    path: str,
    defaults: Mapping[Level, Mapping[str, Any]],
    items: Mapping[str, DossierItemType],
) -> LevelRule:
    fields = source.mapping(value, path, required=("level",), optional=STEP_KEYS)
    level = source.choice(Level, fields["level"], _join(path, "level"))
    # A key missing at the step comes from level_defaults; errors name where it was read.
    values: dict[str, tuple[Any, str]] = {
        key: (val, _join(_join("level_defaults", level.value), key))
        for key, val in defaults.get(level, {}).items()
    }
    values.update({key: (val, _join(path, key)) for key, val in fields.items() if key != "level"})
    for key in STEP_KEYS:
        if key not in values:
            source.fail(_join(path, key), f"missing (and no level_defaults.{level.value}.{key})")
    required, any_of = _dossier_list(source, *values["required_dossier"], items)
    return LevelRule(
        level=level,
        completeness_check=source.duration(*values["completeness_check"]),
        resubmission=source.duration(*values["resubmission"]),
        public_notice=source.optional_duration(*values["public_notice"]),
        council=_council(source, *values["council"]),
        processing=source.duration(*values["processing"]),
        required_dossier=required,
        signature=source.duration(*values["signature"]),
        required_any_of=any_of,
    )


def _check_chain(source: _Source, chain: tuple[LevelRule, ...], deciding: Level, path: str) -> None:
    if chain[0].level != Level.WARD:
        source.fail(
            _join(_join(path, 0), "level"), f"a chain starts at the ward, not at {chain[0].level}"
        )
    for i in range(1, len(chain)):
        if chain[i].level.rank <= chain[i - 1].level.rank:
            source.fail(
                _join(_join(path, i), "level"),
                f"levels must rise from the ward upward: {chain[i].level} after {chain[i - 1].level}",
            )
    if chain[-1].level != deciding:
        source.fail(
            path, f"the chain ends at {chain[-1].level} but the award is decided at {deciding}"
        )


def _quota(source: _Source, value: Any, path: str, refs: list[tuple[str, str]]) -> Quota:
    fields = source.mapping(value, path, required=("at_most", "of", "article"))
    share_text = fields["at_most"]
    if isinstance(share_text, str):
        share_text = share_text.strip().removeprefix("≤").removeprefix("<=")
    share = source.threshold(share_text, _join(path, "at_most"))
    of_path = _join(path, "of")
    of_award = source.code(fields["of"], of_path)
    refs.append((of_path, of_award))
    return Quota(
        max_share=share,
        of_award=of_award,
        article=source.text(fields["article"], _join(path, "article")),
    )


# ---------------------------------------------------------------------------------------
# Awards and rule sets

_AWARD_REQUIRED = (
    "name_vi",
    "name_en",
    "category",
    "kind",
    "recipients",
    "deciding_level",
    "deciding_authority_vi",
    "deciding_authority_en",
    "legal_basis",
    "yearly",
    "cash",
    "criteria",
    "chain",
)
_AWARD_OPTIONAL = ("short_name", "certificate", "other_kinds", "quota")


def _award(
    source: _Source,
    code: str,
    value: Any,
    path: str,
    defaults: Mapping[Level, Mapping[str, Any]],
    items: Mapping[str, DossierItemType],
    refs: list[tuple[str, str]],
) -> AwardRule:
    fields = source.mapping(value, path, required=_AWARD_REQUIRED, optional=_AWARD_OPTIONAL)

    def at(key: str) -> str:
        return _join(path, key)

    recipients = tuple(
        source.choice(NomineeKind, item, _join(at("recipients"), i))
        for i, item in enumerate(source.sequence(fields["recipients"], at("recipients")))
    )
    legal_basis = source.texts(fields["legal_basis"], at("legal_basis"))
    deciding = source.choice(Level, fields["deciding_level"], at("deciding_level"))

    cash: dict[NomineeKind, float] = {}
    for key, multiple in source.mapping(
        fields["cash"], at("cash"), optional=[k.value for k in NomineeKind]
    ).items():
        kind = NomineeKind(key)
        if kind not in recipients:
            source.fail(
                _join(at("cash"), key),
                f"the award is not for {key} (recipients: {', '.join(recipients)})",
            )
        cash[kind] = source.number(multiple, _join(at("cash"), key))

    context = _AwardContext(
        recipients=recipients, article=legal_basis[0], codes={}, award_refs=refs
    )
    criteria = tuple(
        _criterion(source, item, _join(at("criteria"), i), context, recipients, legal_basis[0])
        for i, item in enumerate(
            source.sequence(fields["criteria"], at("criteria"), non_empty=False)
        )
    )
    chain = tuple(
        _step(source, item, _join(at("chain"), i), defaults, items)
        for i, item in enumerate(source.sequence(fields["chain"], at("chain")))
    )
    _check_chain(source, chain, deciding, at("chain"))

    other_kinds: tuple[AwardKind, ...] = ()
    if "other_kinds" in fields:
        other_kinds = tuple(
            source.choice(AwardKind, item, _join(at("other_kinds"), i))
            for i, item in enumerate(source.sequence(fields["other_kinds"], at("other_kinds")))
        )
    return AwardRule(
        code=code,
        name_vi=source.text(fields["name_vi"], at("name_vi")),
        name_en=source.text(fields["name_en"], at("name_en")),
        category=source.choice(AwardCategory, fields["category"], at("category")),
        kind=source.choice(AwardKind, fields["kind"], at("kind")),
        recipients=recipients,
        deciding_level=deciding,
        deciding_authority_vi=source.text(
            fields["deciding_authority_vi"], at("deciding_authority_vi")
        ),
        deciding_authority_en=source.text(
            fields["deciding_authority_en"], at("deciding_authority_en")
        ),
        chain=chain,
        cash_multiples=cash,
        legal_basis=legal_basis,
        criteria=criteria,
        yearly=source.boolean(fields["yearly"], at("yearly")),
        certificate=source.boolean(fields["certificate"], at("certificate"))
        if "certificate" in fields
        else False,
        short_name=source.text(fields["short_name"], at("short_name"))
        if "short_name" in fields
        else "",
        other_kinds=other_kinds,
        quota=_quota(source, fields["quota"], at("quota"), refs) if "quota" in fields else None,
    )


_RULE_SET_REQUIRED = (
    "id",
    "title",
    "effective_from",
    "effective_to",
    "base_salary_vnd",
    "legal_bases",
    "principles",
    "awards",
)
_RULE_SET_OPTIONAL = (
    "reminder_working_days",
    "tie_break",
    "level_defaults",
    "quorum_counts_written_opinions",
    "deadline_extensions",
)
# Whether absent members' written opinions count toward a council's quorum: a rule value
# a city override may set too (law-digest §3, §10: the texts found do not settle it).
QUORUM_WRITTEN_KEY = "quorum_counts_written_opinions"
# How often and how far a time limit may be extended: a rule value a city override may
# set too (law-digest §10: no source allows open-ended extensions).
EXTENSIONS_KEY = "deadline_extensions"


def _extension_rule(source: _Source, value: Any, path: str) -> ExtensionRule:
    fields = source.mapping(value, path, required=("times", "percent_of_limit"))
    return ExtensionRule(
        times=source.integer(fields["times"], _join(path, "times")),
        percent_of_limit=source.integer(
            fields["percent_of_limit"], _join(path, "percent_of_limit")
        ),
    )


def _reminders(source: _Source, value: Any, path: str) -> tuple[int, ...]:
    return tuple(
        source.integer(item, _join(path, i), minimum=0)
        for i, item in enumerate(source.sequence(value, path))
    )


def _load_rule_set(path: Path, source: _Source, items: Mapping[str, DossierItemType]) -> RuleSet:
    raw = source.mapping(
        _read_yaml(path, source), "", required=_RULE_SET_REQUIRED, optional=_RULE_SET_OPTIONAL
    )
    rule_set_id = source.text(raw["id"], "id")
    if rule_set_id != path.stem:
        source.fail("id", f"'{rule_set_id}' must match the file name '{path.stem}'")
    effective_from = source.day(raw["effective_from"], "effective_from")
    effective_to = (
        None if raw["effective_to"] is None else source.day(raw["effective_to"], "effective_to")
    )
    if effective_to is not None and effective_to < effective_from:
        source.fail("effective_to", f"{effective_to} is before effective_from {effective_from}")

    principles = source.mapping(raw["principles"], "principles", required=PRINCIPLES)
    principle_articles = {
        key: source.text(principles[key], _join("principles", key)) for key in PRINCIPLES
    }

    women_share = Threshold(70, 100)
    if "tie_break" in raw:
        tie_break = source.mapping(
            raw["tie_break"], "tie_break", required=("collective_women_share",)
        )
        women_share = source.threshold(
            tie_break["collective_women_share"], "tie_break.collective_women_share"
        )

    defaults: dict[Level, Mapping[str, Any]] = {}
    if "level_defaults" in raw:
        level_names = [level.value for level in Level]
        for name, value in source.mapping(
            raw["level_defaults"], "level_defaults", optional=level_names
        ).items():
            defaults[Level(name)] = source.mapping(
                value, _join("level_defaults", name), optional=STEP_KEYS
            )

    refs: list[tuple[str, str]] = []
    awards_raw = raw["awards"]
    if not isinstance(awards_raw, dict) or not awards_raw:
        source.fail("awards", f"expected a mapping of award codes, got {_describe(awards_raw)}")
    awards: dict[str, AwardRule] = {}
    for code, value in awards_raw.items():
        award_path = _join("awards", str(code))
        source.code(code, award_path)
        awards[code] = _award(source, code, value, award_path, defaults, items, refs)
    for ref_path, code in refs:
        if code not in awards:
            source.fail(
                ref_path, f"unknown award code '{code}' (this rule set has: {', '.join(awards)})"
            )

    return RuleSet(
        id=rule_set_id,
        title=source.text(raw["title"], "title"),
        effective_from=effective_from,
        effective_to=effective_to,
        base_salary_vnd=source.integer(raw["base_salary_vnd"], "base_salary_vnd", minimum=1),
        legal_bases=source.texts(raw["legal_bases"], "legal_bases"),
        awards=awards,
        dossier_items=dict(items),
        reminder_working_days=(
            _reminders(source, raw["reminder_working_days"], "reminder_working_days")
            if "reminder_working_days" in raw
            else (3, 0)
        ),
        source_files=(source.file,),
        principle_articles=principle_articles,
        women_preference_share=women_share,
        quorum_counts_written_opinions=(
            source.boolean(raw[QUORUM_WRITTEN_KEY], QUORUM_WRITTEN_KEY)
            if QUORUM_WRITTEN_KEY in raw
            else False
        ),
        deadline_extensions=(
            _extension_rule(source, raw[EXTENSIONS_KEY], EXTENSIONS_KEY)
            if EXTENSIONS_KEY in raw
            else ExtensionRule()
        ),
    )


def _check_overlaps(rule_sets: list[RuleSet]) -> None:
    ordered = sorted(rule_sets, key=lambda r: r.effective_from)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.effective_to is None or before.effective_to >= after.effective_from:
            until = before.effective_to.isoformat() if before.effective_to else "no end"
            raise CatalogueError(
                after.source_files[0],
                "effective_from",
                f"{after.effective_from} overlaps rule set {before.id} ({before.source_files[0]}, "
                f"in force {before.effective_from}–{until})",
            )


# ---------------------------------------------------------------------------------------
# City override


def _apply_override(
    path: Path, source: _Source, rule_sets: list[RuleSet], items: Mapping[str, DossierItemType]
) -> list[RuleSet]:
    raw = source.mapping(
        _read_yaml(path, source),
        "",
        required=("id", "title", "applies_to"),
        optional=("legal_bases", "awards", QUORUM_WRITTEN_KEY, EXTENSIONS_KEY),
    )
    if raw["id"] != path.stem:
        source.fail("id", f"'{raw['id']}' must match the file name '{path.stem}'")
    by_id = {rule_set.id: rule_set for rule_set in rule_sets}
    targets = []
    for i, rule_set_id in enumerate(source.sequence(raw["applies_to"], "applies_to")):
        if rule_set_id not in by_id:
            source.fail(
                _join("applies_to", i),
                f"unknown rule set '{rule_set_id}' (known: {', '.join(by_id)})",
            )
        targets.append(rule_set_id)
    extra_bases = source.texts(raw["legal_bases"], "legal_bases") if "legal_bases" in raw else ()
    written_counts = (
        source.boolean(raw[QUORUM_WRITTEN_KEY], QUORUM_WRITTEN_KEY)
        if QUORUM_WRITTEN_KEY in raw
        else None
    )
    extensions = (
        _extension_rule(source, raw[EXTENSIONS_KEY], EXTENSIONS_KEY)
        if EXTENSIONS_KEY in raw
        else None
    )
    if "awards" not in raw and written_counts is None and extensions is None:
        source.fail(
            "awards",
            "missing (an override changes awards, the quorum rule or deadline extensions, "
            "or it has no purpose)",
        )
    awards_raw = {}
    if "awards" in raw:
        awards_raw = source.mapping(raw["awards"], "awards", optional=tuple(raw["awards"] or ()))
        if not awards_raw:
            source.fail("awards", "must not be empty")

    changed = {rule_set.id: rule_set for rule_set in rule_sets}
    for rule_set_id in targets:
        rule_set = by_id[rule_set_id]
        refs: list[tuple[str, str]] = []
        awards = dict(rule_set.awards)
        for code, changes in awards_raw.items():
            award_path = _join("awards", str(code))
            if code not in awards:
                source.fail(award_path, f"unknown award '{code}' in rule set {rule_set_id}")
            award = awards[code]
            if award.deciding_level != Level.WARD:
                source.fail(
                    award_path,
                    f"a city sets dossiers and time limits for the titles a ward decides only "
                    f"(Decree 152 Art. 6(2)(c)); '{code}' is decided at {award.deciding_level}",
                )
            if not isinstance(changes, dict):
                source.fail(award_path, f"expected a mapping, got {_describe(changes)}")
            for key in changes:
                if key not in ("chain", "quota"):
                    source.fail(
                        _join(award_path, str(key)),
                        "a city override may change dossiers and time limits (chain) and set a quota, "
                        "nothing else; criteria, thresholds and cash are set by law",
                    )
            chain = list(award.chain)
            if "chain" in changes:
                levels = [step.level.value for step in award.chain]
                chain_path = _join(award_path, "chain")
                for level_name, step_changes in source.mapping(
                    changes["chain"], chain_path, optional=levels
                ).items():
                    step_path = _join(chain_path, level_name)
                    if not isinstance(step_changes, dict):
                        source.fail(step_path, f"expected a mapping, got {_describe(step_changes)}")
                    if "council" in step_changes:
                        source.fail(
                            _join(step_path, "council"),
                            "a city override cannot change council votes or thresholds: they are set by "
                            "law (Decree 152 Art. 6(2)(c) delegates dossiers and time limits only)",
                        )
                    fields = source.mapping(step_changes, step_path, optional=OVERRIDABLE_STEP_KEYS)
                    index = levels.index(level_name)
                    chain[index] = _override_step(source, chain[index], fields, step_path, items)
            quota = award.quota
            if "quota" in changes:
                quota = _quota(source, changes["quota"], _join(award_path, "quota"), refs)
            awards[code] = dataclasses.replace(award, chain=tuple(chain), quota=quota)
        for ref_path, ref_code in refs:
            if ref_code not in awards:
                source.fail(ref_path, f"unknown award code '{ref_code}' in rule set {rule_set_id}")
        changed[rule_set_id] = dataclasses.replace(
            rule_set,
            awards=awards,
            legal_bases=rule_set.legal_bases + extra_bases,
            override=raw["id"],
            source_files=rule_set.source_files + (source.file,),
            quorum_counts_written_opinions=(
                rule_set.quorum_counts_written_opinions
                if written_counts is None
                else written_counts
            ),
            deadline_extensions=(
                rule_set.deadline_extensions if extensions is None else extensions
            ),
        )
    return [changed[rule_set.id] for rule_set in rule_sets]


def _override_step(
    source: _Source,
    step: LevelRule,
    fields: Mapping[str, Any],
    path: str,
    items: Mapping[str, DossierItemType],
) -> LevelRule:
    changes: dict[str, Any] = {}
    for key in ("completeness_check", "resubmission", "processing", "signature"):
        if key in fields:
            changes[key] = source.duration(fields[key], _join(path, key))
    if "public_notice" in fields:
        changes["public_notice"] = source.optional_duration(
            fields["public_notice"], _join(path, "public_notice")
        )
    if "required_dossier" in fields:
        required, any_of = _dossier_list(
            source, fields["required_dossier"], _join(path, "required_dossier"), items
        )
        changes["required_dossier"], changes["required_any_of"] = required, any_of
    return dataclasses.replace(step, **changes)


# ---------------------------------------------------------------------------------------
# Entry point


def load_catalogue(catalogue_dir: Path, override: str | None = None) -> Catalogue:
    """Read and check every file of the catalogue, apply the city override (a file name
    under ``overrides/`` without ``.yaml``; None or "" for none).

    Raises ``CatalogueError`` naming the file and key of the first problem found."""
    catalogue_dir = Path(catalogue_dir)

    def source_for(path: Path) -> _Source:
        return _Source(f"{catalogue_dir.name}/{path.relative_to(catalogue_dir).as_posix()}")

    if not catalogue_dir.is_dir():
        raise CatalogueError(str(catalogue_dir), "", "the catalogue folder does not exist")
    dossier_path = catalogue_dir / DOSSIER_FILE
    items = _load_dossier_items(dossier_path, source_for(dossier_path))
    rule_sets = [
        _load_rule_set(path, source_for(path), items)
        for path in sorted(catalogue_dir.glob("*.yaml"))
        if path.name != DOSSIER_FILE
    ]
    if not rule_sets:
        raise CatalogueError(f"{catalogue_dir.name}/", "", "no rule-set files (*.yaml) found")
    _check_overlaps(rule_sets)
    if override:
        override_path = catalogue_dir / OVERRIDES_DIR / f"{override}.yaml"
        override_source = source_for(override_path)
        if not override_path.exists():
            known = sorted(p.stem for p in (catalogue_dir / OVERRIDES_DIR).glob("*.yaml"))
            override_source.fail("", f"no such override (known: {', '.join(known) or 'none'})")
        rule_sets = _apply_override(override_path, override_source, rule_sets, items)
    return Catalogue(
        rule_sets=tuple(sorted(rule_sets, key=lambda r: r.effective_from)),
        dossier_items=items,
        override=override or None,
    )
