"""Every sheet kind an import knows, in the order they are applied (units before the
people in them, people before their ratings and awards)."""

from __future__ import annotations

from .authority_sheets import AUTHORITY_SHEETS
from .council_sheets import COUNCIL_SHEETS
from .history_sheets import HISTORY_SHEETS
from .kinds import SheetKind
from .registry_sheets import REGISTRY_SHEETS

SHEET_KINDS: tuple[SheetKind, ...] = tuple(
    sorted(
        (*REGISTRY_SHEETS, *AUTHORITY_SHEETS, *HISTORY_SHEETS, *COUNCIL_SHEETS),
        key=lambda kind: kind.order,
    )
)


def sheet_kind(name: str) -> SheetKind | None:
    """A kind by its API name ("units")."""
    return next((kind for kind in SHEET_KINDS if kind.kind == name), None)
