"""The council members sheet kind (written next)."""

from __future__ import annotations

from .kinds import SheetKind

COUNCIL_SHEETS: tuple[SheetKind, ...] = ()
