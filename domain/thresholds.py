"""Exact vote and quorum thresholds: "≥ 80%", "> 1/2", "≥ 2/3".

Shares are compared with integers (count × denominator against numerator × total), so
"exactly 80%" passes and "just below" fails without floating-point surprises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(
    r"^\s*(?P<op>>=|≥|>)?\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*%|(?P<num>\d+)\s*/\s*(?P<den>\d+))\s*$"
)


@dataclass(frozen=True)
class Threshold:
    numerator: int
    denominator: int
    strict: bool = False  # True: more than; False: at least

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """Parse "≥80%", ">=90%", ">1/2", "2/3" (at least by default)."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(f"'{text}' is not a threshold such as '≥80%', '>1/2' or '2/3'")
        strict = match.group("op") == ">"
        if match.group("pct") is not None:
            pct = match.group("pct")
            if "." in pct:
                whole, frac = pct.split(".")
                scale = 10 ** len(frac)
                numerator, denominator = int(whole + frac), 100 * scale
            else:
                numerator, denominator = int(pct), 100
        else:
            numerator, denominator = int(match.group("num")), int(match.group("den"))
        if denominator <= 0 or numerator < 0 or numerator > denominator:
            raise ValueError(f"'{text}' is not a share between 0 and 1")
        return cls(numerator=numerator, denominator=denominator, strict=strict)

    def met_by(self, count: int, total: int) -> bool:
        if total <= 0:
            return False
        left, right = count * self.denominator, self.numerator * total
        return left > right if self.strict else left >= right

    def minimum_count(self, total: int) -> int:
        """The smallest count that meets the threshold out of ``total``."""
        for count in range(total + 1):
            if self.met_by(count, total):
                return count
        return total + 1

    def __str__(self) -> str:
        op = ">" if self.strict else "≥"
        # Percentages were parsed over 100, 1000, ...: print them back as "66.5%".
        decimals = len(str(self.denominator)) - 3
        if decimals >= 0 and self.denominator == 100 * 10**decimals:
            whole, fraction = divmod(self.numerator, 10**decimals)
            text = f"{whole}.{fraction:0{decimals}d}" if decimals else str(whole)
            return f"{op} {text}%"
        return f"{op} {self.numerator}/{self.denominator}"


MAJORITY = Threshold(1, 2, strict=True)


def _share_vi(threshold: Threshold) -> str:
    """The share as an official writes it: "50%", "80%", "66,5%", or "2/3" where a
    fraction is not a whole percentage."""
    if (threshold.numerator * 100) % threshold.denominator == 0:
        return f"{threshold.numerator * 100 // threshold.denominator}%"
    decimals = len(str(threshold.denominator)) - 3
    if decimals > 0 and threshold.denominator == 100 * 10**decimals:
        whole, fraction = divmod(threshold.numerator, 10**decimals)
        return f"{whole},{fraction:0{decimals}d}%"
    return f"{threshold.numerator}/{threshold.denominator}"


def threshold_words(threshold: Threshold, *, whole: str = "tổng số thành viên Hội đồng") -> str:
    """The threshold in the words of the texts (Decree 98/2023 Art. 30, the councils'
    rules): "trên 50% tổng số thành viên Hội đồng" for "> 1/2", "từ 80% tổng số thành
    viên Hội đồng trở lên" for "≥ 80%"; ``whole`` names what the share is of."""
    share = _share_vi(threshold)
    if threshold.strict:
        return f"trên {share} {whole}"
    return f"từ {share} {whole} trở lên"


def threshold_words_en(threshold: Threshold, *, whole: str = "of all council members") -> str:
    """The same in English: "more than 50% of all council members"."""
    share = _share_vi(threshold).replace(",", ".")
    return f"{'more than' if threshold.strict else 'at least'} {share} {whole}"


def quorum_met(
    quorum: Threshold, *, present: int, written: int, members: int, written_opinions_count: bool
) -> bool:
    """Whether a council session is quorate: members present (plus, where the rule set
    says so, absent members who sent a written opinion) against all members."""
    attending = present + (written if written_opinions_count else 0)
    return quorum.met_by(attending, members)
