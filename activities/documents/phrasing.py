"""The wording the documents share (Decree 30/2020): the signer block, legal bases,
"Theo đề nghị của …", the archive code, who decides, and counts of awardees by kind.
Pure text rules over plain values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.vocabulary import NomineeKind, SignerCapacity

if TYPE_CHECKING:
    from models import Authority

KIND_WORDS = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}


def with_prefix(text: str, prefix: str, end: str) -> str:
    """``text`` starting with ``prefix`` (added when missing) and ending with ``end``."""
    text = text.strip().rstrip(";.").strip()
    if not text.lower().startswith(prefix.lower()):
        text = f"{prefix} {text}"
    return f"{text}{end}"


def legal_basis_line(text: str) -> str:
    """ "Luật Thi đua, khen thưởng …" → "Căn cứ Luật Thi đua, khen thưởng …;"."""
    return with_prefix(text, "Căn cứ", ";")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def abbreviation(name: str) -> str:
    """ "Phòng Văn hóa - Xã hội" → "VHXH" (the archive code in "Lưu: VT, VHXH.")."""
    words = [w for w in name.replace("-", " ").split() if w]
    if words and words[0].lower() in {"phòng", "ban", "sở"} and len(words) > 1:
        words = words[1:]
    return "".join(w[0].upper() for w in words)


def head_word(head_title: str) -> str:
    """The head's title in the signer block: "CHỦ TỊCH", "THỦ TƯỚNG"…"""
    for word in ("CHỦ TỊCH", "THỦ TƯỚNG", "BỘ TRƯỞNG", "GIÁM ĐỐC"):
        if head_title.upper().startswith(word):
            return word
    return "CHỦ TỊCH"


def signer_lines(head_title: str, capacity: SignerCapacity | None) -> list[str]:
    """ "CHỦ TỊCH", or "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" when a deputy signs."""
    head = head_word(head_title)
    if capacity == SignerCapacity.DEPUTY:
        return [f"KT. {head}", f"PHÓ {head}"]
    return [head]


def decider_phrase(authority: Authority) -> str:
    """Who decides, after "của": "Chủ tịch Ủy ban nhân dân phường Thạch Khôi"."""
    if authority.name.lower().startswith("ủy ban nhân dân"):
        return f"Chủ tịch {authority.name}"
    return authority.name


def count_phrase(counts: dict[NomineeKind, int]) -> str:
    """ "02 cá nhân, 01 tập thể" """
    parts = [f"{counts[kind]:02d} {KIND_WORDS[kind]}" for kind in NomineeKind if counts.get(kind)]
    return ", ".join(parts)
