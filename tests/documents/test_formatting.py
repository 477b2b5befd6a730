"""The wording documents share: legal bases, the signer block, document numbers. (Amounts
in words: tests/domain/test_numerals.py; decision numbers as typed:
tests/documents/test_verification.py.)"""

from __future__ import annotations

import pytest

from activities.documents.phrasing import legal_basis_line, signer_lines
from activities.numbering import format_number
from domain.vocabulary import SignerCapacity

pytestmark = pytest.mark.fast


def test_document_numbers_have_two_digits_at_least():
    assert format_number(1, "QĐ-UBND") == "01/QĐ-UBND"
    assert format_number(112, "QĐ-UBND") == "112/QĐ-UBND"


def test_legal_bases_read_can_cu_and_end_with_a_semicolon():
    assert legal_basis_line("Luật Thi đua, khen thưởng số 06/2022/QH15") == (
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;"
    )
    assert (
        legal_basis_line("Căn cứ Nghị định số 152/2025/NĐ-CP;")
        == "Căn cứ Nghị định số 152/2025/NĐ-CP;"
    )


def test_signer_block_of_a_deputy_and_of_the_prime_minister():
    head = "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI"
    assert signer_lines(head, SignerCapacity.CHAIRMAN) == ["CHỦ TỊCH"]
    assert signer_lines(head, SignerCapacity.DEPUTY) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signer_lines("THỦ TƯỚNG CHÍNH PHỦ", SignerCapacity.DEPUTY) == [
        "KT. THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
    ]
