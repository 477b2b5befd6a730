"""The names of the awards in the catalogue, by code (every rule set: a nomination keeps
the name of the rule set it was made under)."""

from __future__ import annotations

from ..state import AppState


def award_names(state: AppState) -> dict[str, str]:
    names: dict[str, str] = {}
    for rule_set in state.catalogue.rule_sets:
        for code, award in rule_set.awards.items():
            names[code] = award.name_vi
    return names
