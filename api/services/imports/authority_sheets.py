"""The deciding bodies sheet kind: for each people's committee that decides awards (the
ward's, the city's above it), its standing body, the body it forwards to and the words its
documents are headed with. The natural key is the committee's unit. Created and changed
through the same service as the administration pages and the JSON API
(``api.services.authority_admin``), so the same rules hold; a refusal there becomes a
problem of the row, in the column it names."""

from __future__ import annotations

from typing import Any

from ...errors import DomainError
from ...queries import authority_admin as authority_queries
from .. import authority_admin
from . import references
from .changes import claim
from .kinds import Column, ImportContext, Outcome, Row, SheetKind
from .registry_sheets import WARD_EXAMPLE

# The service's field names (``body.<field>``) → this sheet's columns.
SERVICE_FIELDS = {
    "unit_id": "unit",
    "standing_unit_id": "standing_unit",
    "parent_authority_id": "parent",
    "header_lines": "header_lines",
}
WORDS = ("name", "place_name", "head_title", "decision_code", "submission_code")
HEADER_SEPARATOR = "/"

COLUMNS = (
    Column(
        "unit",
        "Ủy ban nhân dân",
        required=True,
        example=WARD_EXAMPLE,
        help_vi="Đơn vị Ủy ban nhân dân quyết định khen thưởng (mã, mã hành chính hoặc tên)",
    ),
    Column(
        "standing_unit",
        "Cơ quan thường trực",
        required=True,
        example="Phòng Văn hóa - Xã hội",
        help_vi="Đơn vị trực thuộc làm thường trực Hội đồng Thi đua - Khen thưởng",
    ),
    Column(
        "parent",
        "Cơ quan cấp trên",
        example="",
        help_vi="Ủy ban nhân dân cấp trên, nơi hồ sơ được trình tiếp (để trống ở cấp cao nhất)",
    ),
    Column("name", "Tên cơ quan", help_vi="Để trống: tên của đơn vị"),
    Column(
        "header_lines",
        "Tiêu đề văn bản",
        help_vi=f"Các dòng tiêu đề cách nhau bởi '{HEADER_SEPARATOR}', ví dụ: ỦY BAN NHÂN DÂN / "
        "PHƯỜNG THẠCH KHÔI (để trống: lấy theo tên)",
    ),
    Column("place_name", "Địa danh", help_vi="Ghi trước ngày tháng văn bản (để trống: theo tên)"),
    Column("head_title", "Chức danh người ký", help_vi="Để trống: CHỦ TỊCH + tên cơ quan"),
    Column("decision_code", "Ký hiệu quyết định", help_vi="Để trống: QĐ-UBND"),
    Column("submission_code", "Ký hiệu tờ trình", help_vi="Để trống: TTr-UBND"),
    Column("council_name", "Tên Hội đồng Thi đua - Khen thưởng", help_vi="Để trống: theo tên"),
)


def _refused(context: ImportContext, kind: SheetKind, row: Row, error: DomainError) -> None:
    field = str(error.extra.get("field") or "").removeprefix("body.")
    column = SERVICE_FIELDS.get(field, field if field in WORDS else "unit")
    context.problem(row, kind, column, error.message_vi, error.message_en)


async def _apply_authority(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    unit = await references.find_unit(context, kind, row, "unit")
    standing = await references.find_unit(context, kind, row, "standing_unit")
    parent_unit = None
    parent_reference = row.values.get("parent")
    if parent_reference is not None and str(parent_reference).strip():
        # The body forwarded to sits above the importer's units: named, never administered.
        found = references.unit_matches(
            await references.known_units(context), str(parent_reference)
        )
        if len(found) != 1:
            context.problem(
                row,
                kind,
                "parent",
                f"Không có (hoặc có nhiều hơn một) đơn vị '{parent_reference}'",
                f"No single unit '{parent_reference}'",
            )
        else:
            parent_unit = found[0]
    words: dict[str, Any] = {}
    for key in WORDS:
        value = row.values.get(key)
        words[key] = " ".join(str(value).split()) if value is not None else ""
    header = row.values.get("header_lines")
    header_lines = (
        [line.strip() for line in str(header).split(HEADER_SEPARATOR) if line.strip()]
        if header is not None
        else None
    )
    council_name = " ".join(str(row.values.get("council_name") or "").split())
    if len(context.problems) > before or unit is None or standing is None:
        return None
    if not claim(context, kind, row, unit.id, "unit"):
        return None
    parent_id = None
    if parent_unit is not None:
        parent = await authority_queries.authority_of_unit(context.session, unit_id=parent_unit.id)
        if parent is None:
            context.problem(
                row,
                kind,
                "parent",
                f"'{parent_unit.name}' chưa có cơ quan quyết định (nhập dòng của nó trước)",
                "That unit has no authority yet",
            )
            return None
        parent_id = parent.id
    stored = await authority_queries.authority_of_unit(context.session, unit_id=unit.id)
    try:
        if stored is None:
            await authority_admin.create_authority(
                context.session,
                context.principal,
                unit_id=unit.id,
                standing_unit_id=standing.id,
                parent_authority_id=parent_id,
                header_lines=header_lines,
                council_name=council_name,
                now=context.now,
                **words,
            )
            return Outcome.CREATED
        changes: dict[str, Any] = {
            "standing_unit_id": standing.id,
            "parent_authority_id": parent_id,
            "header_lines": header_lines,
            **{key: value or None for key, value in words.items()},
        }
        if all(value is None or getattr(stored, key) == value for key, value in changes.items()):
            return Outcome.UNCHANGED
        await authority_admin.update_authority(
            context.session, context.principal, stored.id, changes=changes, now=context.now
        )
        return Outcome.UPDATED
    except DomainError as error:
        _refused(context, kind, row, error)
        return None


AUTHORITY_SHEET = SheetKind(
    kind="authorities",
    title="Cơ quan quyết định",
    natural_key_vi="Đơn vị Ủy ban nhân dân (mỗi Ủy ban một dòng)",
    columns=COLUMNS,
    apply_row=_apply_authority,
    order=15,
)
AUTHORITY_SHEETS: tuple[SheetKind, ...] = (AUTHORITY_SHEET,)
