"""Vote and quorum thresholds are exact: "≥80%" of all members passes at exactly 80%."""

from __future__ import annotations

import pytest

from domain.thresholds import (
    MAJORITY,
    Threshold,
    quorum_met,
    threshold_words,
    threshold_words_en,
)

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥80%", Threshold(80, 100)),
        (">=90%", Threshold(90, 100)),
        ("≥ 80 %", Threshold(80, 100)),
        ("80%", Threshold(80, 100)),
        (">1/2", Threshold(1, 2, strict=True)),
        ("≥2/3", Threshold(2, 3)),
        ("2/3", Threshold(2, 3)),
        ("66.5%", Threshold(665, 1000)),
        ("100%", Threshold(100, 100)),
    ],
)
def test_parse(text: str, expected: Threshold) -> None:
    assert Threshold.parse(text) == expected


@pytest.mark.parametrize("text", ["≥ 8O%", "eighty percent", "", "≥", "120%", "3/0", "4/3", "≤80%"])
def test_parse_errors_name_the_text(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        Threshold.parse(text)
    assert repr(text)[1:-1] in str(caught.value)


def test_exactly_80_percent_passes_and_just_below_fails() -> None:
    cstdcs = Threshold.parse("≥80%")
    assert cstdcs.met_by(4, 5)  # exactly 80%
    assert not cstdcs.met_by(3, 5)
    assert cstdcs.met_by(8, 10)
    assert not cstdcs.met_by(79, 100)
    assert cstdcs.met_by(80, 100)
    assert not cstdcs.met_by(11, 14)  # 78.6%
    assert cstdcs.met_by(12, 14)  # 85.7%


def test_90_percent_of_all_members() -> None:
    city = Threshold.parse("≥90%")
    assert city.met_by(9, 10)
    assert not city.met_by(8, 9)  # 88.9%
    assert city.met_by(18, 20)
    assert not city.met_by(17, 19)  # 89.5%


def test_majority_is_strict() -> None:
    assert Threshold.parse(">1/2") == MAJORITY
    assert not MAJORITY.met_by(2, 4)  # exactly half is not a majority
    assert MAJORITY.met_by(3, 4)
    assert MAJORITY.met_by(3, 5)
    assert not MAJORITY.met_by(0, 0)


def test_quorum_two_thirds() -> None:
    quorum = Threshold.parse("≥2/3")
    assert quorum.met_by(6, 9)
    assert not quorum.met_by(5, 9)
    assert quorum.met_by(7, 10)
    assert not quorum.met_by(6, 10)


def test_minimum_count() -> None:
    assert Threshold.parse("≥80%").minimum_count(5) == 4
    assert Threshold.parse("≥80%").minimum_count(11) == 9  # 8.8 rounds up
    assert Threshold.parse("≥90%").minimum_count(11) == 10
    assert MAJORITY.minimum_count(4) == 3
    assert MAJORITY.minimum_count(5) == 3
    assert Threshold.parse("≥2/3").minimum_count(9) == 6


def test_no_members_never_meets_a_threshold() -> None:
    assert not Threshold.parse("≥0%").met_by(0, 0)


def test_text_form() -> None:
    assert str(Threshold.parse("≥80%")) == "≥ 80%"
    assert str(MAJORITY) == "> 1/2"
    assert str(Threshold.parse("66.5%")) == "≥ 66.5%"
    assert Threshold.parse(str(Threshold.parse("66.5%"))) == Threshold(665, 1000)


def test_written_opinions_count_toward_the_quorum_only_where_the_rule_set_says_so() -> None:
    # 5 members, quorum ≥ 2/3: 3 present and 1 absent member who sent a written opinion.
    two_thirds = Threshold.parse("≥2/3")
    assert not quorum_met(two_thirds, present=3, written=1, members=5, written_opinions_count=False)
    assert quorum_met(two_thirds, present=3, written=1, members=5, written_opinions_count=True)
    assert quorum_met(two_thirds, present=4, written=0, members=5, written_opinions_count=False)


@pytest.mark.parametrize(
    ("text", "words", "english"),
    [
        (">1/2", "trên 50% tổng số thành viên Hội đồng", "more than 50% of all council members"),
        (
            "≥80%",
            "từ 80% tổng số thành viên Hội đồng trở lên",
            "at least 80% of all council members",
        ),
        (
            "≥2/3",
            "từ 2/3 tổng số thành viên Hội đồng trở lên",
            "at least 2/3 of all council members",
        ),
        (
            "≥66.5%",
            "từ 66,5% tổng số thành viên Hội đồng trở lên",
            "at least 66.5% of all council members",
        ),
    ],
)
def test_thresholds_in_the_words_officials_use(text, words, english):
    """Pages say "trên 50% tổng số thành viên Hội đồng", never "> 1/2"."""
    assert threshold_words(Threshold.parse(text)) == words
    assert threshold_words_en(Threshold.parse(text)) == english
