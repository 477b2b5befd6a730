"""Vietnamese formats used in documents: amounts in words, multiples, number parsing."""

from __future__ import annotations

import pytest

from activities.documents import (
    legal_basis_line,
    signer_lines,
    vn_amount_in_words,
    vn_money,
    vn_multiple,
)
from activities.numbering import format_number
from activities.verification import parse_number
from domain.vocabulary import SignerCapacity

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_170_000, "Một triệu một trăm bảy mươi nghìn đồng"),
        (702_000, "Bảy trăm linh hai nghìn đồng"),
        (2_340_000, "Hai triệu ba trăm bốn mươi nghìn đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (3_000_000_000, "Ba tỷ đồng"),
        (585_000_000, "Năm trăm tám mươi lăm triệu đồng"),
    ],
)
def test_amounts_are_written_out_in_vietnamese(amount, words):
    assert vn_amount_in_words(amount) == words


def test_multiples_use_a_decimal_comma():
    assert [vn_multiple(v) for v in (0.3, 1.0, 0.15, 1.5, 8.0)] == [
        "0,3",
        "1,0",
        "0,15",
        "1,5",
        "8,0",
    ]


def test_money_and_numbers_use_dots_for_thousands():
    assert vn_money(1_170_000) == "1.170.000 đồng"
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


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("12/QĐ-UBND", (12, "QD-UBND")),
        ("Số: 012/qđ-ubnd", (12, "QD-UBND")),
        ("  1 / QD-UBND ", (1, "QD-UBND")),
        ("01/TTr-UBND", (1, "TTR-UBND")),
        ("QĐ-UBND", None),
        ("12", None),
        ("", None),
    ],
)
def test_decision_numbers_are_read_the_way_people_type_them(typed, parsed):
    assert parse_number(typed) == parsed
