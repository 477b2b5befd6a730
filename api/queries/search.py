"""Text searches as a search box means them: what the person typed, found anywhere in the
column, ignoring case. ``%`` and ``_`` are the person's characters, not SQL LIKE
wildcards: every search of the query modules goes through ``contains_text``."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

LIKE_ESCAPE = "/"


def escape_like(text: str) -> str:
    """``text`` as a LIKE pattern matching exactly it (with ``ESCAPE '/'``)."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains_text(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` (trimmed), ignoring case."""
    return column.ilike(f"%{escape_like(text.strip())}%", escape=LIKE_ESCAPE)
