"""Accent folding: Vietnamese text compared, searched and turned into file names the way
people type it, without diacritics ("Nguyễn Thị Hoa" → "nguyen thi hoa", "QĐ" → "qd")."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics: "Quyết định 01/QĐ-UBND" → "quyet dinh 01/qd-ubnd".

    "đ" is a letter of its own (not "d" with a mark), so it is replaced before the marks
    are taken off; everything else keeps its place, spaces and punctuation included."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
