"""Accent folding: text compared the way people type it."""

from __future__ import annotations

import unicodedata

import pytest

from domain.text import fold

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Thị Hoa", "nguyen thi hoa"),
        ("QĐ-UBND", "qd-ubnd"),
        ("Đoàn Thanh niên", "doan thanh nien"),
        ("Quyết định 01/QĐ-UBND", "quyet dinh 01/qd-ubnd"),
        ("ẮẰẲẴẶ ỨỪỬỮỰ", "aaaaa uuuuu"),
        ("", ""),
    ],
)
def test_fold_drops_diacritics_and_case(text, folded):
    assert fold(text) == folded


def test_decomposed_and_precomposed_text_fold_alike():
    name = "Phạm Văn Đức"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "pham van duc"
