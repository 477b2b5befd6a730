"""What every schema shares: the base class, pages, ids, and the string types every text
field of a request uses.

Text a person sends is refused, with a 422 naming the field, when it holds a control
character (``domain.text.control_character``): one line (``ShortText``, ``Name``, codes)
holds none at all; several lines (``Text``, ``RequiredText``) keep tab, line feed and
carriage return. The query strings, path segments and form fields of every route are
checked the same way, once, in ``api/input_hygiene.py``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from domain.text import codepoint, control_character

CONTROL_CHARACTER_ERROR = "control_character"


def _refuse_control_characters(*, multiline: bool) -> BeforeValidator:
    # Before the string constraints: ``strip_whitespace`` would otherwise take a leading or
    # trailing U+001F, U+0085 or U+000B off silently (Python counts them as white space),
    # and a length would be reported instead of the character.
    def check(value: object) -> object:
        found = control_character(value, multiline=multiline) if isinstance(value, str) else None
        if found is not None:
            raise PydanticCustomError(
                CONTROL_CHARACTER_ERROR,
                "Có ký tự điều khiển {codepoint} không được phép / "
                "Contains the control character {codepoint}, which is not allowed",
                {"codepoint": codepoint(found)},
            )
        return value

    return BeforeValidator(check)


ONE_LINE = _refuse_control_characters(multiline=False)
MULTI_LINE = _refuse_control_characters(multiline=True)

# Several lines (a reason, a summary, a note).
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), MULTI_LINE]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), MULTI_LINE
]
# One line (a title, a code, a name).
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), ONE_LINE
]
# One line that may be left empty (an optional title, a reference).
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255), ONE_LINE]
# A person's name or contact as they write it (the public objection form).
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), ONE_LINE
]


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
