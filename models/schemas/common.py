from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class Page(Schema):
    total: int
    page: int
    page_size: int


PageNumber = Annotated[int, Field(ge=1, le=100_000)]
# The id of a stored row, as a path, query or body value: positive and within the
# database's INTEGER columns (a larger number is refused with a 422 naming the field,
# never passed to the database, where PostgreSQL or SQLite would fail with a 5xx).
DB_INT_MAX = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
PageSize = Annotated[int, Field(ge=1, le=200)]
