"""The year's statistics as the JSON API answers them (``GET /api/v1/statistics``): the
same figures as the page ``/thong-ke`` and its workbook. Pairs are ``[label, count]``
arrays, in the order the page shows them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.vocabulary import Level


class TitleCount(BaseModel):
    code: str
    name: str
    level: Level
    individuals: int
    collectives: int
    households: int
    total: int


class FormTableRead(BaseModel):
    """One form of Circular 02/2023/TT-BNV: each row is [label, row number, cells]; a
    cell is null where the engine's data cannot fill it."""

    code: str
    title: str
    columns: list[str]
    rows: list[tuple[str, str, list[int | None]]]
    note: str


class StatisticsRead(BaseModel):
    year: int
    scope_name: str = Field(description="Whose figures these are (a ward, a city, all)")
    total: int
    by_title: list[TitleCount]
    by_level: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_subject: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_year: list[tuple[int, int]]
    individuals: int
    women: int
    women_share: str = Field(description='Women\'s share of individual awards ("60,0%", "—")')
    stages: list[tuple[str, str, int]] = Field(description="[stage, name, dossiers]")
    overdue: list[tuple[int, str, int]] = Field(description="[authority id, name, overdue]")
    decision_days: list[tuple[str, int]]
    decision_median_days: float | None
    forms: list[FormTableRead]
