"""The Vietnamese words an import sheet writes for the domain's enums ("Nữ", "Tổ dân phố",
"Cấp phường"): the template's example and help show the first label of each value; a
cell may hold any of the labels, or the English value, compared ignoring case and
accents."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from domain.vocabulary import Gender, Level, Role, UnitKind

from ...i18n import LEVEL_NAMES, ROLE_NAMES

GENDER_LABELS: Mapping[Gender, tuple[str, ...]] = {Gender.MALE: ("Nam",), Gender.FEMALE: ("Nữ",)}

UNIT_KIND_LABELS: Mapping[UnitKind, tuple[str, ...]] = {
    UnitKind.PEOPLES_COMMITTEE: ("Ủy ban nhân dân", "UBND"),
    UnitKind.OFFICE: ("Phòng, ban chuyên môn", "Phòng ban"),
    UnitKind.ORGANISATION: ("Mặt trận, đoàn thể", "Đoàn thể"),
    UnitKind.PARTY: ("Cơ quan Đảng",),
    UnitKind.PUBLIC_SERVICE: ("Đơn vị sự nghiệp công lập", "Đơn vị sự nghiệp"),
    UnitKind.SCHOOL: ("Trường học",),
    UnitKind.RESIDENTIAL_GROUP: ("Tổ dân phố", "Thôn", "Khu phố"),
    UnitKind.ENTERPRISE: ("Doanh nghiệp",),
    UnitKind.DEPARTMENT: ("Sở, ngành", "Sở"),
    UnitKind.GOVERNMENT: ("Cơ quan Trung ương",),
}

LEVEL_LABELS: Mapping[Level, tuple[str, ...]] = {
    Level.WARD: (LEVEL_NAMES["level_ward"]["vi"], "Phường", "Xã"),
    Level.CITY: (LEVEL_NAMES["level_city"]["vi"], "Thành phố", "Tỉnh"),
    Level.CENTRAL: (LEVEL_NAMES["level_central"]["vi"],),
    Level.DISTRICT: (LEVEL_NAMES["level_district"]["vi"], "Huyện", "Quận"),
}

ROLE_LABELS: Mapping[Role, tuple[str, ...]] = {
    role: (ROLE_NAMES[role.value]["vi"],) for role in Role
}

E = TypeVar("E", bound=StrEnum)

YES_LABELS = ("Có", "X", "Yes", "1", "Đúng")
NO_LABELS = ("Không", "No", "0", "Sai")


def first_label(labels: Mapping[E, tuple[str, ...]], value: E) -> str:
    return labels[value][0]


def labels_list(labels: Mapping[E, tuple[str, ...]]) -> str:
    """ "Nam, Nữ": what the guide sheet says a column may hold."""
    return ", ".join(names[0] for names in labels.values())
