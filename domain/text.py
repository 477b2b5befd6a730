"""Accent folding: Vietnamese text compared, searched and turned into file names the way
people type it, without diacritics ("Nguyễn Thị Hoa" → "nguyen thi hoa", "QĐ" → "qd");
and the control characters no text of a person may hold."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics: "Quyết định 01/QĐ-UBND" → "quyet dinh 01/qd-ubnd".

    "đ" is a letter of its own (not "d" with a mark), so it is replaced before the marks
    are taken off; everything else keeps its place, spaces and punctuation included."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# ---- control characters ------------------------------------------------------------------

# Unicode's "Cc" category: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). No one
# types them on purpose; they come from pasted binary, broken encodings or an attacker, and
# PostgreSQL refuses U+0000 in any text (the whole request then fails). A multi-line text
# (a reason, a summary) keeps tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character of ``text`` that has no place in it, or None.

    >>> control_character("Nguyễn\\x00Hoa")
    '\\x00'
    >>> control_character("dòng 1\\r\\ndòng 2", multiline=True) is None
    True"""
    found = (_CONTROL_IN_MULTILINE if multiline else _CONTROL).search(text)
    return found.group() if found else None


def codepoint(character: str) -> str:
    """How a person reads a character they cannot see: "U+0000"."""
    return f"U+{ord(character):04X}"
