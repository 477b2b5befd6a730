"""The words a deciding body's documents are headed with, from its people's committee's
name (Decree 30/2020, Appendix I): a ward's "Ủy ban nhân dân phường Thạch Khôi" heads its
documents "ỦY BAN NHÂN DÂN / PHƯỜNG THẠCH KHÔI", dates them "Thạch Khôi, ngày …" and is
signed by the "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI". An administrator may write
other words; these are what the forms and the import propose when left blank."""

from __future__ import annotations

from dataclasses import dataclass

COMMITTEE = "ủy ban nhân dân"
# The kinds of place a people's committee governs, longest first ("thành phố" before
# "phố" would matter if there were one).
PLACE_KINDS = ("thành phố", "phường", "xã", "đặc khu", "tỉnh", "thị trấn")


@dataclass(frozen=True)
class AuthorityWords:
    header_lines: list[str]
    place_name: str
    head_title: str


def authority_words(name: str) -> AuthorityWords:
    """What ``name`` (a people's committee, or any other deciding body) proposes."""
    name = " ".join(name.split())
    lowered = name.lower()
    if not lowered.startswith(COMMITTEE):
        return AuthorityWords([name.upper()], "", name.upper())
    rest = name[len(COMMITTEE) :].strip()  # "phường Thạch Khôi"
    place = rest
    for kind in PLACE_KINDS:
        if rest.lower().startswith(kind + " "):
            place = rest[len(kind) + 1 :].strip()
            break
    return AuthorityWords(
        header_lines=["ỦY BAN NHÂN DÂN", rest.upper()] if rest else ["ỦY BAN NHÂN DÂN"],
        place_name=place,
        head_title=f"CHỦ TỊCH {name.upper()}",
    )
