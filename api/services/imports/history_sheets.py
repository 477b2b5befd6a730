"""Sheet kinds of what people already hold: yearly ratings, the award history from
before the engine, initiatives (written next)."""

from __future__ import annotations

from .kinds import SheetKind

HISTORY_SHEETS: tuple[SheetKind, ...] = ()
