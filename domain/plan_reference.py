"""A plan's reference ("Kế hoạch số 12/KH-UBND năm 2026") whose number is still blank:
"Kế hoạch số /KH-UBND năm 2026", "số .../KH-UBND", "/KH-UBND". Pages say that the plan
has no number yet instead of printing the blank."""

from __future__ import annotations

import re

_BLANK_NUMBER = re.compile(r"(?:\bsố|^)[\s.…_-]*/", re.IGNORECASE)


def plan_number_missing(reference: str) -> bool:
    """True when ``reference`` has the number's place but no number in it."""
    return bool(_BLANK_NUMBER.search(reference.strip()))
