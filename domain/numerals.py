"""Numbers written the Vietnamese way: a dot between thousands and a decimal comma
("1.170.000", "0,3"), and amounts in words for "Bằng chữ: …" ("Một triệu một trăm bảy
mươi nghìn đồng"). Pure: used by the documents, the pages and the mails alike."""

from __future__ import annotations


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    """1170000 → "1.170.000"; 0.3 → "0,3" (decimals=1); None → ""."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_money(value: float | int | None) -> str:
    """1170000 → "1.170.000 đồng"; None → ""."""
    return "" if value is None else f"{vn_number(value)} đồng"


def vn_multiple(value: float) -> str:
    """A multiple of the base salary: 0.3 → "0,3"; 1.0 → "1,0"; 0.15 → "0,15"."""
    text = f"{value:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",")


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _read_hundreds(number: int, *, full: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (full or hundreds):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def vn_amount_in_words(amount: int) -> str:
    """1170000 → "Một triệu một trăm bảy mươi nghìn đồng" (for "Bằng chữ: …")."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _read_hundreds(value, full=index != len(groups) - 1)
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng"
