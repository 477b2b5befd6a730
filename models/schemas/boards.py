"""Schemas of the deadlines board: what is overdue and what falls due soon, per level
and body."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.vocabulary import Level

from .nominations import NominationRead


class BoardGroup(BaseModel):
    level: Level
    authority_id: int
    authority_name: str
    overdue: list[NominationRead]
    due_soon: list[NominationRead]


class DeadlinesBoard(BaseModel):
    generated_at: datetime
    within_working_days: int
    overdue_total: int
    due_soon_total: int
    groups: list[BoardGroup]
