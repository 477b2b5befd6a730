"""Numbers written the Vietnamese way: amounts in words, multiples, thousands."""

from __future__ import annotations

import pytest

from domain.numerals import vn_amount_in_words, vn_money, vn_multiple, vn_number

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
    assert vn_number(0.3, 1) == "0,3"
    assert vn_money(None) == vn_number(None) == ""
