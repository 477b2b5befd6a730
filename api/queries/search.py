"""Text searches as a search box means them: what the person typed, found anywhere in the
column, ignoring case. ``%`` and ``_`` are the person's characters, not SQL LIKE
wildcards: every search of the query modules goes through ``contains_words`` (a column
kept folded, ``domain.text.fold``: with or without diacritics, in any case) or
``contains_text``."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true
from sqlalchemy.orm import InstrumentedAttribute

from domain.text import fold

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


def contains_words(folded_column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """``folded_column`` (a text kept as ``fold`` gives it) holds every word of ``text``,
    with or without diacritics, in any case: "nguyen van a", "NGUYỄN VĂN A" and "Nguyễn
    Văn A" all find "Nguyễn Văn A" (the way the registry pickers match, word by word).

    Both sides are folded, so a plain LIKE matches alike on SQLite and PostgreSQL (where
    a trigram index of the column serves it). No words: every row."""
    words = fold(text).split()
    if not words:
        return true()
    return and_(
        *(folded_column.like(f"%{escape_like(word)}%", escape=LIKE_ESCAPE) for word in words)
    )


# A word this long or longer narrows a search enough to read the matching rows first off
# the folded column's index; shorter words ("a", "an") match most names. (PostgreSQL's
# trigram index, too, needs three characters to narrow anything.)
SELECTIVE_WORD = 3


def selective(text: str) -> bool:
    """Whether a search for ``text`` likely matches few rows: one of its words is at least
    ``SELECTIVE_WORD`` characters long."""
    return any(len(word) >= SELECTIVE_WORD for word in fold(text).split())
