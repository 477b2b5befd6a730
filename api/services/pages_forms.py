"""What the nomination forms need from the catalogue: the criteria a unit attests per
award, the dossier an award requires at a level, and the nominee a choice stands for."""

from __future__ import annotations

from dataclasses import dataclass

from domain.rules import Criterion, RuleSet
from domain.vocabulary import Level, NomineeKind


@dataclass(frozen=True)
class Attestation:
    code: str
    text_vi: str
    text_en: str
    recipients: tuple[str, ...] = ()  # nominee kinds it applies to (empty: every kind)


def _attested(
    criteria: tuple[Criterion, ...], inherited: tuple[str, ...] = ()
) -> list[Attestation]:
    found: list[Attestation] = []
    for criterion in criteria:
        recipients = tuple(k.value for k in criterion.recipients) or inherited
        if criterion.predicate == "attested":
            found.append(
                Attestation(
                    criterion.code,
                    str(criterion.params.get("vi", "")),
                    str(criterion.params.get("en", "")),
                    recipients,
                )
            )
        found.extend(_attested(criterion.children, recipients))
    return found


def attestations_by_award(rule_set: RuleSet) -> dict[str, list[Attestation]]:
    """Per award code, the criteria the unit confirms in its review minutes (the
    ``attested`` predicates of its criteria tree)."""
    return {code: _attested(award.criteria) for code, award in rule_set.awards.items()}


def required_items(rule_set: RuleSet, award_code: str, level: Level) -> list[tuple[str, ...]]:
    """The dossier an award needs at a level: one tuple per requirement (alternatives
    when the tuple has several codes)."""
    award = rule_set.awards.get(award_code)
    if award is None:
        return []
    try:
        rule = award.level_rule(level)
    except KeyError:
        return []
    return [(code,) for code in rule.required_dossier] + [tuple(g) for g in rule.required_any_of]


def parse_nominee(value: str) -> dict | None:
    """ "individual:12" → {"kind": "individual", "person_id": 12} (None if malformed)."""
    kind, _, raw_id = value.partition(":")
    field = {
        NomineeKind.INDIVIDUAL.value: "person_id",
        NomineeKind.COLLECTIVE.value: "collective_id",
        NomineeKind.HOUSEHOLD.value: "household_id",
    }.get(kind)
    if field is None or not raw_id.isdigit():
        return None
    return {"kind": kind, field: int(raw_id)}
